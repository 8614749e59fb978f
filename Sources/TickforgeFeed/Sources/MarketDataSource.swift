import TickforgeMarket

/// A source of market events that an application embeds: the synthetic market, an upstream
/// vendor feed, or a recording, behind one interface, so code written against it runs on any of
/// them (the way a backend picks "real" or "synthetic" data from its configuration).
///
/// Start the source, subscribe to topics, and read ``events``. A topic is one event kind of one
/// ticker, or of every ticker (`"*"`). Events of one ticker arrive in order; across tickers they
/// may interleave.
///
/// ```swift
/// let source: any MarketDataSource = SyntheticSource(configuration: .standard())
/// try await source.start()
/// await source.subscribe([LiveTopic(kind: .trades, ticker: "AAPL")])
/// for await e in source.events { print(e.ticker, e.event.timestamp) }
/// ```
///
/// Implementations: ``SyntheticSource`` (here); `UpstreamSource` and `ReplaySource` in
/// `TickforgeServer`, which bring networking and files.
public protocol MarketDataSource: AnyObject, Sendable {
    /// Every event of a subscribed topic, for one reader. It finishes when the source stops.
    var events: AsyncStream<SourcedEvent> { get }
    /// Starts producing (connects, opens the file, starts the clock). Throws when it cannot.
    func start() async throws
    /// Stops producing and finishes ``events``.
    func stop() async
    /// Adds topics; their events flow from now on.
    func subscribe(_ topics: [LiveTopic]) async
    /// Removes topics; their events stop.
    func unsubscribe(_ topics: [LiveTopic]) async
}

/// An event with the ticker it is about: outside a hub, a symbol id means nothing.
public struct SourcedEvent: Sendable, Equatable {
    public var ticker: String
    public var event: MarketEvent
    public init(ticker: String, event: MarketEvent) {
        self.ticker = ticker
        self.event = event
    }
}
