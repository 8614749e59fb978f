/// A correction, cancel or error of an earlier trade (Alpaca's `c` and `x`; Polygon's stocks stream
/// has none of them). It names the original print as the tape printed it and, for a correction,
/// the print it became: every field Alpaca's messages carry, so a correction read from an upstream
/// is written again as it came.
///
/// Stored as two `Print`s, not two `Trade`s: every `MarketEvent` is as large as its largest case,
/// and two whole trades would make all of them, trades and quotes included, larger and slower to
/// move.
public struct TradeCorrection: Sendable, Equatable {
    /// What a correction says of one print.
    public struct Print: Sendable, Equatable {
        public var id: Int64
        public var price: Price
        /// Shares.
        public var size: Int32
        public var conditions: TradeConditions

        public init(id: Int64, price: Price, size: Int32, conditions: TradeConditions) {
            self.id = id
            self.price = price
            self.size = size
            self.conditions = conditions
        }

        /// The id, price, size and conditions of a trade.
        public init(_ trade: Trade) {
            self.init(id: trade.id, price: trade.price, size: trade.size, conditions: trade.conditions)
        }
    }

    /// What became of the original print.
    public enum Outcome: Sendable, Equatable {
        /// Replaced by another print (Alpaca's `c`).
        case corrected(Print)
        /// Cancelled (Alpaca's `x` with action `C`).
        case cancelled
        /// Reported in error (Alpaca's `x` with action `E`).
        case erroneous
    }

    public var symbol: SymbolID
    /// Polygon exchange id of the original print.
    public var exchange: UInt8
    public var tape: Tape
    /// `Outcome` without its print, kept apart so the print stays inline (an enum with a payload
    /// would add a tag byte and padding to every event).
    private var outcomeKind: UInt8
    /// When the correction was reported.
    public var timestamp: Timestamp
    public var original: Print
    private var correctedPrint: Print

    /// A correction's print gets an id of its own, above any a minute numbers its trades with.
    public static func correctedID(of original: Int64) -> Int64 { original | (1 << (MinuteTicks.sequenceShift - 1)) }

    /// The minute a trade id was numbered in: ids are `minute << 22 | index`.
    public static func minuteIndex(ofTradeID id: Int64) -> Int64 { id >> MinuteTicks.sequenceShift }

    /// A correction reported at `timestamp` of a print on `exchange` and `tape`.
    public init(symbol: SymbolID, timestamp: Timestamp, exchange: UInt8, tape: Tape, original: Print, outcome: Outcome) {
        self.symbol = symbol
        self.timestamp = timestamp
        self.exchange = exchange
        self.tape = tape
        self.original = original
        switch outcome {
        case .corrected(let print): (outcomeKind, correctedPrint) = (0, print)
        case .cancelled: (outcomeKind, correctedPrint) = (1, original)
        case .erroneous: (outcomeKind, correctedPrint) = (2, original)
        }
    }

    /// A correction of `original` into `corrected`, or its cancel when `corrected` is `nil`.
    public init(symbol: SymbolID, timestamp: Timestamp, original: Trade, corrected: Trade?) {
        precondition(symbol == original.symbol, "a correction is of its own symbol's trade")
        self.init(symbol: symbol, timestamp: timestamp, exchange: original.exchange, tape: original.tape, original: Print(original),
                  outcome: corrected.map { .corrected(Print($0)) } ?? .cancelled)
    }

    public var outcome: Outcome {
        switch outcomeKind {
        case 0: .corrected(correctedPrint)
        case 1: .cancelled
        default: .erroneous
        }
    }

    /// A cancel or an error: the print is withdrawn, not replaced.
    public var isCancel: Bool { outcomeKind != 0 }

    /// The print as corrected; `nil` for a cancel or an error.
    public var corrected: Print? { outcomeKind == 0 ? correctedPrint : nil }
}
