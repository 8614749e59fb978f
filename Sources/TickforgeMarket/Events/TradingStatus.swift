/// A change in a symbol's trading state: halted, or trading again. Alpaca sends it as `s` on
/// `statuses`; Polygon's stocks stream has no status for it (its LULD channel carries the
/// halt and resume indicators for Nasdaq-listed names instead).
public struct TradingStatus: Sendable, Equatable {
    public enum Change: UInt8, Sendable, Equatable {
        case halted
        /// Quotes again, trades not yet (UTP's quotation resumption).
        case quotationResumed
        case resumed
    }

    public var symbol: SymbolID
    public var timestamp: Timestamp
    public var change: Change
    public var reason: HaltReason
    public var tape: Tape

    public init(symbol: SymbolID, timestamp: Timestamp, change: Change, reason: HaltReason, tape: Tape) {
        self.symbol = symbol
        self.timestamp = timestamp
        self.change = change
        self.reason = reason
        self.tape = tape
    }
}
