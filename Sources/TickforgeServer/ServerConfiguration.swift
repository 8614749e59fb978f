import Foundation
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

    /// The control API under `/control`: on by default, for loopback peers only unless a token is set.
    public var control = ControlSettings()
    /// Most entries the connection journal keeps (`GET /control/journal`); 0 keeps none.
    public var journalEntries = ConnectionJournal.defaultMaxEntries
    /// A proxy's upstream: tickers outside the (then fixed) synthetic universe come from it.
    /// `nil` serves the synthetic market alone.
    public var upstream: UpstreamSettings?
    /// `tickforge replay`: every ticker comes from a recording (the synthetic universe is empty).
    public var replay: ReplaySettings?
    /// Where to record every event released (`--record FILE`, `generate`'s NDJSON); `nil` records nothing.
    public var recordPath: String?
    /// Scenario scripts loaded when the server starts, in order (`serve --scenario FILE`).
    public var scripts: [ScriptSource] = []

    public init(market: MarketConfiguration) {
        self.market = market
        hub.shards = Self.defaultShards
    }

    /// One release shard per core the process may use, so one busy subscriber can use them all.
    public static var defaultShards: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, maxShards)) }
    public static let maxShards = 64

    public struct ControlSettings: Sendable {
        public var enabled = true
        /// When set, every control request must carry `Authorization: Bearer <token>`, and peers
        /// other than loopback are let in.
        public var token: String?
        public init() {}
    }

    /// A scenario script's text, JSON or YAML, and the name to quote in errors.
    public struct ScriptSource: Sendable {
        public var name: String
        public var text: String
        public init(name: String, text: String) {
            self.name = name
            self.text = text
        }
    }
}
