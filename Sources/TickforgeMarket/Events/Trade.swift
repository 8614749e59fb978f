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
