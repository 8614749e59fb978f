import TickforgeMarket

/// The `/v2/test` stream's fixed messages as market events (notes §5, §8.5): written by
/// `AlpacaEncoder`, each is value for value what Alpaca's own test stream sends, so code written
/// against the real test stream runs unchanged. A trade and a quote come about every 5 s and a bar
/// after each minute, around the clock; only their stamps change.
public enum FakepacaFeed {
    public static let symbol = "FAKEPACA"
    /// Trades and quotes come this often.
    public static let tickInterval: Int64 = 5 * Timestamp.nanosPerSecond

    /// The quote's exchanges, `O` and `R`, are letters no SIP participant uses, so the market's
    /// (Polygon's) numbering has no id for them. These ids stand for them, on the test stream only.
    static let bidExchange: UInt8 = 250
    static let askExchange: UInt8 = 251

    /// `{"T":"t","S":"FAKEPACA","i":1,"x":"N","p":134.56,"s":3,"c":[" "],"z":"A","t":…}`
    public static func trade(_ symbol: SymbolID, at t: Timestamp) -> MarketEvent {
        .trade(Trade(symbol: symbol, timestamp: t, participantTimestamp: t, sequence: 0, id: 1, price: Price(units: 1_345_600), size: 3,
                     exchange: 10, tape: .a, conditions: TradeConditions(), trfID: 0, trfTimestamp: nil))
    }

    /// `{"T":"q","S":"FAKEPACA","bx":"O","bp":133.85,"bs":4,"ax":"R","ap":135.77,"as":5,"c":["R"],"z":"A","t":…}`
    public static func quote(_ symbol: SymbolID, at t: Timestamp) -> MarketEvent {
        .quote(Quote(symbol: symbol, timestamp: t, sequence: 0, bidPrice: Price(units: 1_338_500), bidSize: 400, bidExchange: bidExchange,
                     askPrice: Price(units: 1_357_700), askSize: 500, askExchange: askExchange, condition: 0, tape: .a))
    }

    /// The bar of the minute starting at `minuteStart`, sent just after that minute ends:
    /// `{"T":"b","S":"FAKEPACA","o":132.65,"h":136,"l":132.12,"c":134.65,"v":205,"t":…,"n":16,"vw":133.7}`
    public static func bar(_ symbol: SymbolID, minuteStart: Timestamp) -> MarketEvent {
        let volume: Int64 = 205
        return .bar(Bar(symbol: symbol, span: .minute, start: minuteStart, end: minuteStart + Timestamp.nanosPerMinute,
                        open: Price(units: 1_326_500), high: Price(units: 1_360_000), low: Price(units: 1_321_200), close: Price(units: 1_346_500),
                        volume: volume, tradeCount: 16, vwapVolume: volume, notional: volume * 1_337_000,
                        dayVolume: 0, dayVWAPVolume: 0, dayNotional: 0, officialOpen: Price(units: 1_326_500)))
    }
}

extension FakepacaFeed {
    /// When the test stream's messages fall due: a quote and a trade every `tickInterval` from the
    /// moment someone first wants FAKEPACA, and a bar after each wall-clock minute while anyone
    /// does. Pure, so tests drive it with a clock of their own.
    public struct Schedule: Sendable {
        public enum Due: Sendable, Equatable {
            /// The quote and the trade, stamped `at`.
            case tick(at: Timestamp)
            /// The bar of the minute starting `minuteStart`.
            case bar(minuteStart: Timestamp)
        }

        private var nextTick: Timestamp?
        private var nextBar = Timestamp(nanoseconds: 0)

        public init() {}

        /// When something next falls due; `nil` while nobody wants FAKEPACA.
        public var nextDue: Timestamp? { nextTick.map { min($0, nextBar) } }

        /// What falls due by `now`. `wanted`: whether anyone wants FAKEPACA now. When it turns
        /// false the schedule stops; when it turns true again the first quote and trade come one
        /// interval later, as on a fresh subscription.
        public mutating func take(now: Timestamp, wanted: Bool) -> [Due] {
            guard wanted else {
                nextTick = nil
                return []
            }
            let following = Timestamp(nanoseconds: (now.minuteIndex + 1) * Timestamp.nanosPerMinute)
            guard let tick = nextTick else {
                nextTick = now + FakepacaFeed.tickInterval
                nextBar = following
                return []
            }
            var due: [Due] = []
            if now >= nextBar {
                // Only the minute just ended: after a stall, bars of minutes long gone are not sent late.
                due.append(.bar(minuteStart: Timestamp(nanoseconds: (now.minuteIndex - 1) * Timestamp.nanosPerMinute)))
                nextBar = following
            }
            if now >= tick {
                due.append(.tick(at: now))
                // Behind by more than an interval (a suspended process): pick up from now, no burst.
                let next = tick + FakepacaFeed.tickInterval
                nextTick = next > now ? next : now + FakepacaFeed.tickInterval
            }
            return due
        }
    }
}
