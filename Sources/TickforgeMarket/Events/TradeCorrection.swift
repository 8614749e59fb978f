/// A correction or cancel of an earlier trade (Alpaca's `c` and `x`; Polygon's stocks stream has
/// neither). It carries the original trade and, for a correction, what it became.
///
/// Stored compactly: a corrected print is the original with a new price, size and id, so only
/// those are kept. Every `MarketEvent` is as large as its largest case, and inline two whole
/// trades would make all of them, trades and quotes included, larger and slower to move.
public struct TradeCorrection: Sendable, Equatable {
    public var original: Trade
    private var cancel: Bool
    private var correctedSize: Int32
    public var timestamp: Timestamp
    private var correctedPrice: Price

    /// A correction's print gets an id of its own, above any a minute numbers its trades with.
    public static func correctedID(of original: Int64) -> Int64 { original | (1 << (MinuteTicks.sequenceShift - 1)) }

    /// The minute a trade id was numbered in: ids are `minute << 22 | index`.
    public static func minuteIndex(ofTradeID id: Int64) -> Int64 { id >> MinuteTicks.sequenceShift }

    /// `corrected` must be `original` with another price or size (its id is `correctedID`), or
    /// `nil` for a cancel.
    public init(symbol: SymbolID, timestamp: Timestamp, original: Trade, corrected: Trade?) {
        precondition(symbol == original.symbol, "a correction is of its own symbol's trade")
        self.original = original
        self.timestamp = timestamp
        cancel = corrected == nil
        correctedPrice = corrected?.price ?? original.price
        correctedSize = corrected?.size ?? original.size
    }

    public var symbol: SymbolID { original.symbol }
    public var isCancel: Bool { cancel }

    /// The print as corrected; `nil` for a cancel.
    public var corrected: Trade? {
        guard !cancel else { return nil }
        var c = original
        c.price = correctedPrice
        c.size = correctedSize
        c.id = Self.correctedID(of: original.id)
        return c
    }
}
