import TickforgeMarket

/// A dialect for readers inside the process: each event as its own bytes, a fixed-size record,
/// so an embedded source reuses the hub's routing and queues and reads events back without
/// parsing anything.
struct InProcessEncoder: DialectEncoder {
    static let recordSize = MemoryLayout<MarketEvent>.size

    init() {
        // Copying an event's bytes is only sound for a plain value: no references inside.
        precondition(_isPOD(MarketEvent.self), "MarketEvent must stay a plain value to be copied as bytes")
    }

    mutating func register(_ symbol: SymbolID, ticker: String) {}

    func encode(_ event: MarketEvent, into out: inout [UInt8]) -> Bool {
        withUnsafeBytes(of: event) { out.append(contentsOf: $0) }
        return true
    }

    func appendFramePrefix(eventCount: Int, to frame: inout [UInt8]) {}
    let frameSeparator: [UInt8] = []
    let frameSuffix: [UInt8] = []

    /// The events of a frame.
    static func events(in frame: [UInt8]) -> [MarketEvent] {
        frame.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count - recordSize + 1, by: recordSize).map { raw.loadUnaligned(fromByteOffset: $0, as: MarketEvent.self) }
        }
    }
}
