/// A correction or cancel of an earlier trade (Alpaca's `c` and `x`; Polygon's stocks stream has
/// neither). It carries the original trade and, for a correction, what it became.
public struct TradeCorrection: Sendable, Equatable {
    public var symbol: SymbolID
    public var timestamp: Timestamp
    public var original: Trade
    /// `nil` for a cancel.
    public var corrected: Trade?

    public init(symbol: SymbolID, timestamp: Timestamp, original: Trade, corrected: Trade?) {
        self.symbol = symbol
        self.timestamp = timestamp
        self.original = original
        self.corrected = corrected
    }

    public var isCancel: Bool { corrected == nil }
}
