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
