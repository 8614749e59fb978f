/// Index of a symbol in a `Market`'s symbol table. Events carry this instead of a `String` so the hot
/// path never retains strings; encoders keep their pre-encoded ticker bytes per id.
public typealias SymbolID = UInt32

/// A last-sale print.
public struct Trade: Sendable, Equatable {
    public var symbol: SymbolID
    /// SIP timestamp.
    public var timestamp: Timestamp
    /// Exchange (participant) timestamp, a little before the SIP's.
    public var participantTimestamp: Timestamp
    /// Strictly increasing per symbol; shared with quotes, like a SIP sequence.
    public var sequence: Int64
    /// Unique per symbol.
    public var id: Int64
    public var price: Price
    /// Shares.
    public var size: Int32
    /// Polygon exchange id (4 = off-exchange TRF).
    public var exchange: UInt8
    public var tape: Tape
    public var conditions: TradeConditions
    /// TRF id (201–203) for off-exchange prints, 0 otherwise.
    public var trfID: UInt16
    /// TRF timestamp for off-exchange prints.
    public var trfTimestamp: Timestamp?

    public init(
        symbol: SymbolID, timestamp: Timestamp, participantTimestamp: Timestamp, sequence: Int64, id: Int64, price: Price,
        size: Int32, exchange: UInt8, tape: Tape, conditions: TradeConditions, trfID: UInt16, trfTimestamp: Timestamp?
    ) {
        self.symbol = symbol
        self.timestamp = timestamp
        self.participantTimestamp = participantTimestamp
        self.sequence = sequence
        self.id = id
        self.price = price
        self.size = size
        self.exchange = exchange
        self.tape = tape
        self.conditions = conditions
        self.trfID = trfID
        self.trfTimestamp = trfTimestamp
    }
}

/// An NBBO update.
public struct Quote: Sendable, Equatable {
    public var symbol: SymbolID
    public var timestamp: Timestamp
    public var sequence: Int64
    public var bidPrice: Price
    /// Shares, a multiple of the round-lot tier.
    public var bidSize: Int32
    public var bidExchange: UInt8
    public var askPrice: Price
    public var askSize: Int32
    public var askExchange: UInt8
    /// Quote condition (0 = regular).
    public var condition: UInt8
    public var tape: Tape

    public init(
        symbol: SymbolID, timestamp: Timestamp, sequence: Int64, bidPrice: Price, bidSize: Int32, bidExchange: UInt8,
        askPrice: Price, askSize: Int32, askExchange: UInt8, condition: UInt8, tape: Tape
    ) {
        self.symbol = symbol
        self.timestamp = timestamp
        self.sequence = sequence
        self.bidPrice = bidPrice
        self.bidSize = bidSize
        self.bidExchange = bidExchange
        self.askPrice = askPrice
        self.askSize = askSize
        self.askExchange = askExchange
        self.condition = condition
        self.tape = tape
    }
}

/// The window a bar covers.
public enum BarSpan: UInt8, Sendable, CaseIterable {
    case second = 1
    case minute = 2

    public var nanoseconds: Int64 { self == .second ? Timestamp.nanosPerSecond : Timestamp.nanosPerMinute }
}

/// An aggregate built exactly from the trades in `[start, end)`.
public struct Bar: Sendable, Equatable {
    public var symbol: SymbolID
    public var span: BarSpan
    public var start: Timestamp
    public var end: Timestamp
    public var open: Price
    public var high: Price
    public var low: Price
    public var close: Price
    public var volume: Int64
    /// Σ price·size in $0.0001·shares; `vwap` is derived from it exactly.
    public var notional: Int64
    public var tradeCount: Int32
    /// Day's accumulated volume including this bar.
    public var dayVolume: Int64
    /// Day's accumulated notional including this bar.
    public var dayNotional: Int64
    /// The day's official open: the first regular-session trade, or the day's first trade before the open.
    public var officialOpen: Price

    public init(
        symbol: SymbolID, span: BarSpan, start: Timestamp, end: Timestamp, open: Price, high: Price, low: Price, close: Price,
        volume: Int64, notional: Int64, tradeCount: Int32, dayVolume: Int64, dayNotional: Int64, officialOpen: Price
    ) {
        self.symbol = symbol
        self.span = span
        self.start = start
        self.end = end
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.notional = notional
        self.tradeCount = tradeCount
        self.dayVolume = dayVolume
        self.dayNotional = dayNotional
        self.officialOpen = officialOpen
    }

    /// Volume-weighted average price of the window, in dollars.
    public var vwap: Double { volume == 0 ? 0 : Double(notional) / Double(volume) / 10_000 }
    /// Volume-weighted average price of the day so far, in dollars.
    public var dayVWAP: Double { dayVolume == 0 ? 0 : Double(dayNotional) / Double(dayVolume) / 10_000 }
    /// Average trade size in the window (shares, rounded down).
    public var averageSize: Int64 { tradeCount == 0 ? 0 : volume / Int64(tradeCount) }
}

/// One event of the market, in time order.
public enum MarketEvent: Sendable, Equatable {
    case trade(Trade)
    case quote(Quote)
    /// Stamped at the bar's end: a bar is complete when its window closes.
    case bar(Bar)

    public var timestamp: Timestamp {
        switch self {
        case .trade(let t): t.timestamp
        case .quote(let q): q.timestamp
        case .bar(let b): b.end
        }
    }

    public var symbol: SymbolID {
        switch self {
        case .trade(let t): t.symbol
        case .quote(let q): q.symbol
        case .bar(let b): b.symbol
        }
    }

    public var kind: EventKinds {
        switch self {
        case .trade: .trades
        case .quote: .quotes
        case .bar(let b): b.span == .second ? .secondBars : .minuteBars
        }
    }
}

/// A set of event kinds to generate.
public struct EventKinds: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let trades = EventKinds(rawValue: 1)
    public static let quotes = EventKinds(rawValue: 2)
    public static let secondBars = EventKinds(rawValue: 4)
    public static let minuteBars = EventKinds(rawValue: 8)
    public static let bars: EventKinds = [.secondBars, .minuteBars]
    public static let all: EventKinds = [.trades, .quotes, .secondBars, .minuteBars]

    /// Names as used on the command line and in NDJSON `kind` fields.
    public static let names: [(String, EventKinds)] = [
        ("trade", .trades), ("quote", .quotes), ("second_bar", .secondBars), ("minute_bar", .minuteBars),
    ]

    /// Parses `trade,quote,second_bar,minute_bar` (plurals, `bars` and `all` accepted).
    public init?(parsing text: String) {
        var k = EventKinds()
        for raw in text.lowercased().split(separator: ",") {
            var name = raw.trimmingCharacters()
            if name == "all" { k.formUnion(.all); continue }
            if name == "bars" || name == "bar" { k.formUnion(.bars); continue }
            if name.hasSuffix("s") { name.removeLast() }
            guard let match = Self.names.first(where: { $0.0 == name }) else { return nil }
            k.formUnion(match.1)
        }
        guard !k.isEmpty else { return nil }
        self = k
    }
}

extension Substring {
    func trimmingCharacters() -> String { String(self).trimmingSpaces }
}
