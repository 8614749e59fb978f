import TickforgeDialects
import TickforgeFeed
import TickforgeMarket

/// Everything `tickforge serve` can be told.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 8765
    public var market: MarketConfiguration
    /// Where market time starts; `nil` is now.
    public var start: Timestamp?
    public var speed: ClockSpeed = .multiplier(1)
    /// Accepted API keys; `nil` accepts any.
    public var apiKeys: Set<String>?
    public var authTimeoutSeconds: Double = 10
    /// `nil` is unlimited.
    public var maxConnectionsPerKey: Int?
    /// How often the feed loop flushes frames (real time).
    public var flushIntervalMilliseconds: Double = 5
    public var hub = FeedHub.Options()
    /// Most (channel, symbol) subscriptions on one Alpaca connection (405 beyond); `nil` is unlimited.
    public var alpacaSymbolLimit: Int?
    /// Alpaca feeds the keys are entitled to (409 at auth on others); `nil` is every feed.
    public var alpacaEntitledFeeds: Set<AlpacaSession.Feed>?

    public init(market: MarketConfiguration) { self.market = market }
}
