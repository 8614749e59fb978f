import TickforgeFeed
import TickforgeMarket

/// Polygon/Massive stocks events, byte for byte as the protocol notes (§3, §8.5) specify:
/// `ev` first; integers as JSON integers; trade `i` a string; trade `c` omitted when empty;
/// `t`, `s`, `e`, `pt`, `trft` in milliseconds; sizes in shares.
public struct PolygonEncoder: DialectEncoder {
    /// Pre-encoded `,"sym":"TICKER"` per symbol id, and `,"T":"TICKER"` for LULD messages (which
    /// name their ticker `T`).
    private var symbols: [[UInt8]] = []
    private var luldSymbols: [[UInt8]] = []

    public init() {}

    public mutating func register(_ symbol: SymbolID, ticker: String) {
        while symbols.count <= Int(symbol) { symbols.append([]) }
        var fragment = Array(",\"sym\":".utf8)
        JSONText.appendString(ticker, to: &fragment)
        symbols[Int(symbol)] = fragment
        while luldSymbols.count <= Int(symbol) { luldSymbols.append([]) }
        var t = Array(",\"T\":".utf8)
        JSONText.appendString(ticker, to: &t)
        luldSymbols[Int(symbol)] = t
    }

    public func appendFramePrefix(eventCount: Int, to frame: inout [UInt8]) { frame.append(UInt8(ascii: "[")) }
    public let frameSeparator: [UInt8] = [UInt8(ascii: ",")]
    public let frameSuffix: [UInt8] = [UInt8(ascii: "]")]

    /// Room for any event besides its symbol: a bar, the longest, is 74 bytes of keys and 13 numbers
    /// of at most 26 bytes each.
    private static let room = 512

    public func encode(_ event: MarketEvent, into out: inout [UInt8]) -> Bool {
        switch event {
        case .trade(let t):
            let symbol = symbols[Int(t.symbol)]
            out.appendThroughCursor(maxBytes: Self.room + symbol.count) { w in
                w.put("{\"ev\":\"T\""); w.put(symbol)
                w.put(",\"i\":\""); w.integer(t.id); w.put(UInt8(ascii: "\""))
                w.put(",\"x\":"); w.unsigned(UInt64(t.exchange))
                w.put(",\"p\":"); w.fixed4(t.price.units)
                w.put(",\"s\":"); w.integer(Int64(t.size))
                if !t.conditions.isEmpty {
                    w.put(",\"c\":[")
                    var first = true
                    for code in t.conditions {
                        if !first { w.put(UInt8(ascii: ",")) }
                        w.unsigned(UInt64(code))
                        first = false
                    }
                    w.put(UInt8(ascii: "]"))
                }
                w.put(",\"t\":"); w.integer(t.timestamp.milliseconds)
                w.put(",\"q\":"); w.integer(t.sequence)
                w.put(",\"z\":"); w.unsigned(UInt64(t.tape.rawValue))
                w.put(",\"pt\":"); w.integer(t.participantTimestamp.milliseconds)
                if let trft = t.trfTimestamp {
                    w.put(",\"trfi\":"); w.unsigned(UInt64(t.trfID))
                    w.put(",\"trft\":"); w.integer(trft.milliseconds)
                }
                w.put(UInt8(ascii: "}"))
            }
        case .quote(let q):
            let symbol = symbols[Int(q.symbol)]
            out.appendThroughCursor(maxBytes: Self.room + symbol.count) { w in
                w.put("{\"ev\":\"Q\""); w.put(symbol)
                w.put(",\"bx\":"); w.unsigned(UInt64(q.bidExchange))
                w.put(",\"bp\":"); w.fixed4(q.bidPrice.units)
                w.put(",\"bs\":"); w.integer(Int64(q.bidSize))
                w.put(",\"ax\":"); w.unsigned(UInt64(q.askExchange))
                w.put(",\"ap\":"); w.fixed4(q.askPrice.units)
                w.put(",\"as\":"); w.integer(Int64(q.askSize))
                w.put(",\"c\":"); w.unsigned(UInt64(q.condition))
                w.put(",\"t\":"); w.integer(q.timestamp.milliseconds)
                w.put(",\"q\":"); w.integer(q.sequence)
                w.put(",\"z\":"); w.unsigned(UInt64(q.tape.rawValue))
                w.put(UInt8(ascii: "}"))
            }
        case .luld(let l):
            // Halt and resume indicators exist for Nasdaq-listed names only (notes §3.1).
            if !l.isBand, l.tape != .c { return false }
            let symbol = luldSymbols[Int(l.symbol)]
            out.appendThroughCursor(maxBytes: Self.room + symbol.count) { w in
                w.put("{\"ev\":\"LULD\""); w.put(symbol)
                w.put(",\"h\":"); w.fixed4(l.limitUp.units)
                w.put(",\"l\":"); w.fixed4(l.limitDown.units)
                w.put(",\"i\":["); w.unsigned(UInt64(l.indicator)); w.put(UInt8(ascii: "]"))
                w.put(",\"z\":"); w.unsigned(UInt64(l.tape.rawValue))
                // Nanoseconds, as the live feed sends them (notes §3.4).
                w.put(",\"t\":"); w.integer(l.timestamp.nanoseconds)
                w.put(",\"q\":"); w.integer(l.sequence)
                w.put(UInt8(ascii: "}"))
            }
        case .status, .correction:
            // Polygon's stocks stream has no halt status (LULD indicators carry it) and no corrections.
            return false
        case .bar(let b):
            // Polygon has no running daily bar on the stream.
            guard b.span != .day else { return false }
            let symbol = symbols[Int(b.symbol)]
            out.appendThroughCursor(maxBytes: Self.room + symbol.count) { w in
                if b.span == .second { w.put("{\"ev\":\"A\"") } else { w.put("{\"ev\":\"AM\"") }
                w.put(symbol)
                w.put(",\"v\":"); w.integer(b.volume)
                w.put(",\"av\":"); w.integer(b.dayVolume)
                w.put(",\"op\":"); w.fixed4(b.officialOpen.units)
                w.put(",\"vw\":"); w.rounded4(b.vwap)
                w.put(",\"o\":"); w.fixed4(b.open.units)
                w.put(",\"c\":"); w.fixed4(b.close.units)
                w.put(",\"h\":"); w.fixed4(b.high.units)
                w.put(",\"l\":"); w.fixed4(b.low.units)
                w.put(",\"a\":"); w.rounded4(b.dayVWAP)
                w.put(",\"z\":"); w.integer(b.averageSize)
                w.put(",\"s\":"); w.integer(b.start.milliseconds)
                w.put(",\"e\":"); w.integer(b.end.milliseconds)
                w.put(UInt8(ascii: "}"))
            }
        }
        return true
    }

    /// A status frame: `[{"ev":"status","status":S,"message":M}, …]`, acknowledgements batched.
    public static func statusFrame(_ statuses: [(status: String, message: String)]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, s) in statuses.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: Array("{\"ev\":\"status\",\"status\":".utf8))
            JSONText.appendString(s.status, to: &out)
            out.append(contentsOf: Array(",\"message\":".utf8))
            JSONText.appendString(s.message, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    public static func statusFrame(_ status: String, _ message: String) -> [UInt8] { statusFrame([(status, message)]) }
}
