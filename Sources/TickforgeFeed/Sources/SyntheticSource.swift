import Synchronization
import TickforgeMarket

/// The synthetic market as a ``MarketDataSource``: the same hub, minutes and events as
/// `tickforge serve`, in the process, paced by a clock at `speed` times real time from `start`.
/// Only subscribed symbols are generated.
public final class SyntheticSource: MarketDataSource {
    public let events: AsyncStream<SourcedEvent>
    private let buffer: SourceEventBuffer
    private let hub: FeedHub
    private let clock: MarketClock
    private let state = Mutex(State())

    private struct State {
        var subscriber: Subscriber?
        var task: Task<Void, Never>?
    }

    /// How often the clock is read and due events are released.
    static let interval = Duration.milliseconds(5)

    /// - Parameters:
    ///   - configuration: the market (seed, universe, hours).
    ///   - timeline: scenarios, as `serve --scenario` loads them.
    ///   - start: the market time to start at; `nil` is now.
    ///   - speed: market seconds per real second.
    public init(configuration: MarketConfiguration, timeline: ScenarioTimeline = ScenarioTimeline(), start: Timestamp? = nil, speed: Double = 1,
                bufferCapacity: Int = 65_536) {
        precondition(speed > 0, "speed must be positive")
        clock = MarketClock(start: start, speed: .multiplier(speed))
        var options = FeedHub.Options()
        options.barDelayNanoseconds = 0
        // The source drains its queue every turn; a reader slower than the market slows the turns instead.
        options.queueLimits = .init(maxBytes: .max, maxAgeNanoseconds: .max)
        hub = FeedHub(market: Market(configuration: configuration, timeline: timeline), encoders: [InProcessEncoder()],
                      start: clock.now(), options: options)
        buffer = SourceEventBuffer(capacity: bufferCapacity)
        events = buffer.stream
    }

    public func start() async throws {
        guard state.withLock({ $0.subscriber == nil }) else { return }
        let subscriber = await hub.addSubscriber(dialect: DialectID(0))
        let (hub, buffer, clock) = (self.hub, self.buffer, self.clock)
        let task = Task {
            var tickers: [SymbolID: String] = [:]
            while !Task.isCancelled {
                await hub.advance(to: clock.now())
                var out: [SourcedEvent] = []
                while let frame = subscriber.queue.tryPop() {
                    for event in InProcessEncoder.events(in: frame) {
                        if tickers[event.symbol] == nil { tickers[event.symbol] = await hub.ticker(of: event.symbol) }
                        out.append(SourcedEvent(ticker: tickers[event.symbol] ?? "?", event: event))
                    }
                }
                if !out.isEmpty { await buffer.put(out) }
                try? await Task.sleep(for: Self.interval)
            }
        }
        state.withLock { $0.subscriber = subscriber; $0.task = task }
    }

    public func stop() async {
        let task = state.withLock { s in defer { s.task = nil }; return s.task }
        task?.cancel()
        await task?.value
        await buffer.finish()
    }

    public func subscribe(_ topics: [LiveTopic]) async {
        guard let id = state.withLock({ $0.subscriber?.id }) else { return }
        _ = await hub.subscribe(id, topics.map { (kind: $0.kind, ticker: $0.ticker) })
    }

    public func unsubscribe(_ topics: [LiveTopic]) async {
        guard let id = state.withLock({ $0.subscriber?.id }) else { return }
        await hub.unsubscribe(id, topics.map { (kind: $0.kind, ticker: $0.ticker) })
    }
}
