import Foundation
import Logging
import Synchronization
import TickforgeFeed
import TickforgeMarket

/// A Polygon/Massive upstream as a ``MarketDataSource``: one connection, authenticated with the
/// key, subscribed to exactly the topics asked for, reconnecting with backoff and jitter on any
/// loss, as `tickforge proxy` holds it.
public final class UpstreamSource: MarketDataSource {
    public let events: AsyncStream<SourcedEvent>
    private let buffer: SourceEventBuffer
    private let interest = LiveInterest()
    private let symbols = LiveSymbolTable(base: 0)
    private let settings: UpstreamSettings
    private let status: UpstreamStatus
    private let logger: Logger
    private let run = SourceRun()

    public init(settings: UpstreamSettings, logger: Logger, bufferCapacity: Int = 65_536) {
        self.settings = settings
        self.logger = logger
        status = UpstreamStatus(url: settings.url)
        buffer = SourceEventBuffer(capacity: bufferCapacity)
        events = buffer.stream
    }

    /// The connection's state: `connecting`, `authenticating`, `live`, `backing_off`,
    /// `auth_failed` or `evicted`, and why the last connection ended.
    public var state: (state: String, lastError: String?) {
        let s = status.snapshot
        return (s.state, s.lastError)
    }

    public func start() async throws {
        let upstream = UpstreamLink(settings: settings, interest: interest, symbols: symbols,
                                       publish: EmbeddedPublishing.publish(to: buffer, symbols: symbols), status: status, logger: logger)
        run.start { try await upstream.run() }
    }

    public func stop() async { await run.stop(finishing: buffer) }

    public func subscribe(_ topics: [LiveTopic]) async {
        interest.interestChanged(LiveInterestChange(added: topics, removed: []))
    }

    public func unsubscribe(_ topics: [LiveTopic]) async {
        interest.interestChanged(LiveInterestChange(added: [], removed: topics))
    }
}

/// A recording as a ``MarketDataSource``: what `tickforge replay` serves, read in the process.
/// It starts with the first subscription; only subscribed topics reach the reader. At
/// `.max`, it goes as fast as the reader takes events.
public final class ReplaySource: MarketDataSource {
    public let events: AsyncStream<SourcedEvent>
    private let buffer: SourceEventBuffer
    private let interest = LiveInterest()
    private let symbols = LiveSymbolTable(base: 0)
    private let replay: RecordingReplay
    private let run = SourceRun()

    public init(settings: ReplaySettings, speed: ClockSpeed = .multiplier(1), logger: Logger, bufferCapacity: Int = 65_536) {
        buffer = SourceEventBuffer(capacity: bufferCapacity)
        events = buffer.stream
        let (buffer, symbols, interest) = (self.buffer, self.symbols, self.interest)
        let deliver = EmbeddedPublishing.publish(to: buffer, symbols: symbols)
        replay = RecordingReplay(
            settings: settings, speed: speed, flushIntervalNanoseconds: 5 * Timestamp.nanosPerMillisecond, interest: interest, symbols: symbols,
            publish: { events, _ in
                // The hub would route by topic; here the source filters what nobody asked for.
                let wanted = interest.current
                await deliver(events.filter { e in
                    guard let ticker = symbols.ticker(of: e.symbol) else { return false }
                    return wanted.contains(LiveTopic(kind: e.kind, ticker: ticker)) || wanted.contains(LiveTopic(kind: e.kind, ticker: "*"))
                }, nil)
            },
            // The buffer waits when the reader is behind, which is all the pacing `.max` needs.
            readersBehind: { false }, logger: logger
        )
    }

    public func start() async throws {
        let replay = self.replay
        guard FileManager.default.isReadableFile(atPath: replay.settings.path) else { throw ReplayError.unreadable(replay.settings.path) }
        run.start { try await replay.run() }
    }

    public func stop() async { await run.stop(finishing: buffer) }

    public func subscribe(_ topics: [LiveTopic]) async {
        interest.interestChanged(LiveInterestChange(added: topics, removed: []))
    }

    public func unsubscribe(_ topics: [LiveTopic]) async {
        interest.interestChanged(LiveInterestChange(added: [], removed: topics))
    }

    public enum ReplayError: Error, CustomStringConvertible {
        case unreadable(String)
        public var description: String {
            switch self {
            case .unreadable(let path): "cannot read the recording '\(path)'"
            }
        }
    }
}

/// Hands a source's events to an embedded reader, with their tickers.
enum EmbeddedPublishing {
    static func publish(to buffer: SourceEventBuffer, symbols: LiveSymbolTable) -> HubPublishing.Publish {
        { events, _ in
            await buffer.put(events.compactMap { e in symbols.ticker(of: e.symbol).map { SourcedEvent(ticker: $0, event: e) } })
        }
    }
}

/// The task an embedded source produces in: started once, and on stop cancelled, waited for, and
/// the reader's stream finished.
final class SourceRun: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    func start(_ body: @escaping @Sendable () async throws -> Void) {
        task.withLock { t in
            guard t == nil else { return }
            t = Task { try? await body() }
        }
    }

    func stop(finishing buffer: SourceEventBuffer) async {
        let running = task.withLock { t in defer { t = nil }; return t }
        running?.cancel()
        await running?.value
        await buffer.finish()
    }
}
