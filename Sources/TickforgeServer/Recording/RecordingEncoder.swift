import TickforgeFeed
import TickforgeMarket
import TickforgeTools

/// The hub's recording dialect: `tickforge generate`'s NDJSON, one event per line, with every
/// timestamp as the source stamped it (the upstream's own, in a proxy).
struct RecordingEncoder: DialectEncoder {
    private var ndjson = NDJSONEncoder()

    mutating func register(_ symbol: SymbolID, ticker: String) { ndjson.register(symbol, ticker: ticker) }

    func encode(_ event: MarketEvent, into out: inout [UInt8]) -> Bool {
        ndjson.encode(event, into: &out)
        return true
    }

    // Each line ends with its own newline: a frame is the lines as they are.
    func appendFramePrefix(eventCount: Int, to frame: inout [UInt8]) {}
    let frameSeparator: [UInt8] = []
    let frameSuffix: [UInt8] = []
}
