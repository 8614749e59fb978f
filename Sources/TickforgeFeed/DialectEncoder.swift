import TickforgeMarket

/// How a wire protocol turns market events into bytes. The hub encodes each event **once** per
/// dialect and shares the bytes among every subscriber of that dialect; a frame is the
/// concatenation of such slices inside the dialect's framing.
public protocol DialectEncoder {
    /// Called once per symbol, before its first event, so tickers can be pre-encoded.
    mutating func register(_ symbol: SymbolID, ticker: String)
    /// Appends one event's encoding (no framing); returns false if the dialect has no form for it.
    func encode(_ event: MarketEvent, into out: inout [UInt8]) -> Bool
    /// Opens a frame of `eventCount` events (a msgpack array header needs the count up front).
    func appendFramePrefix(eventCount: Int, to frame: inout [UInt8])
    /// Bytes between two events, and after the last.
    var frameSeparator: [UInt8] { get }
    var frameSuffix: [UInt8] { get }
}

/// Names a dialect in the hub: the position of its encoder in the list the hub was built with.
/// Frames are built once per dialect, and each subscriber gets its dialect's.
public struct DialectID: Hashable, Sendable, CustomStringConvertible {
    /// The encoder's index in `FeedHub(encoders:)`.
    public let index: Int
    public init(_ index: Int) { self.index = index }
    public var description: String { "dialect \(index)" }
}
