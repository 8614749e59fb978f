/// A limit up–limit down message: the price band a symbol may trade in, and indicators (Polygon's
/// numbering: 15 intraday update, 17 suspended for a halt or pause, 18 re-opening update, 21 price
/// band, 22 republished band).
public struct LULDBand: Sendable, Equatable {
    public var symbol: SymbolID
    public var timestamp: Timestamp
    public var sequence: Int64
    public var limitUp: Price
    public var limitDown: Price
    public var indicator: UInt8
    public var tape: Tape

    public static let priceBand: UInt8 = 21
    public static let republishedBand: UInt8 = 22
    public static let suspended: UInt8 = 17
    public static let reopening: UInt8 = 18

    public init(symbol: SymbolID, timestamp: Timestamp, sequence: Int64, limitUp: Price, limitDown: Price, indicator: UInt8, tape: Tape) {
        self.symbol = symbol
        self.timestamp = timestamp
        self.sequence = sequence
        self.limitUp = limitUp
        self.limitDown = limitDown
        self.indicator = indicator
        self.tape = tape
    }

    /// Whether the message is a band (rather than a halt or resume indicator).
    public var isBand: Bool { indicator != Self.suspended && indicator != Self.reopening }
}
