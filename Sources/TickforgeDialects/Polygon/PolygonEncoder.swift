import TickforgeFeed
import TickforgeMarket

/// Polygon/Massive stocks events, byte for byte as the protocol notes (§3, §8.5) specify:
/// `ev` first; integers as JSON integers; trade `i` a string; trade `c` omitted when empty;
/// `t`, `s`, `e`, `pt`, `trft` in milliseconds; sizes in shares.
public struct PolygonEncoder: DialectEncoder {
    /// Pre-encoded `,"sym":"TICKER"` per symbol id.
    private var symbols: [[UInt8]] = []

    public init() {}

    public mutating func register(_ symbol: SymbolID, ticker: String) {
        while symbols.count <= Int(symbol) { symbols.append([]) }
        var fragment = Array(",\"sym\":".utf8)
        JSONText.appendString(ticker, to: &fragment)
        symbols[Int(symbol)] = fragment
    }

    public func appendFramePrefix(eventCount: Int, to frame: inout [UInt8]) { frame.append(UInt8(ascii: "[")) }
    public let frameSeparator: [UInt8] = [UInt8(ascii: ",")]
    public let frameSuffix: [UInt8] = [UInt8(ascii: "]")]

    @inline(__always) private func key(_ k: StaticString, _ out: inout [UInt8]) {
        k.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    @inline(__always) private func int(_ v: Int64, _ out: inout [UInt8]) { DecimalText.appendInteger(v, to: &out) }
    @inline(__always) private func ms(_ t: Timestamp, _ out: inout [UInt8]) { DecimalText.appendInteger(t.milliseconds, to: &out) }
    @inline(__always) private func price(_ p: Price, _ out: inout [UInt8]) { DecimalText.appendFixed(p.units, scale: 4, to: &out) }

    public func encode(_ event: MarketEvent, into out: inout [UInt8]) -> Bool {
        switch event {
        case .trade(let t):
            key("{\"ev\":\"T\"", &out); out.append(contentsOf: symbols[Int(t.symbol)])
            key(",\"i\":\"", &out); int(t.id, &out); out.append(UInt8(ascii: "\""))
            key(",\"x\":", &out); int(Int64(t.exchange), &out)
            key(",\"p\":", &out); price(t.price, &out)
            key(",\"s\":", &out); int(Int64(t.size), &out)
            if !t.conditions.isEmpty {
                key(",\"c\":", &out)
                t.conditions.appendJSONArray(to: &out)
            }
            key(",\"t\":", &out); ms(t.timestamp, &out)
            key(",\"q\":", &out); int(t.sequence, &out)
            key(",\"z\":", &out); int(Int64(t.tape.rawValue), &out)
            key(",\"pt\":", &out); ms(t.participantTimestamp, &out)
            if let trft = t.trfTimestamp {
                key(",\"trfi\":", &out); int(Int64(t.trfID), &out)
                key(",\"trft\":", &out); ms(trft, &out)
            }
            out.append(UInt8(ascii: "}"))
        case .quote(let q):
            key("{\"ev\":\"Q\"", &out); out.append(contentsOf: symbols[Int(q.symbol)])
            key(",\"bx\":", &out); int(Int64(q.bidExchange), &out)
            key(",\"bp\":", &out); price(q.bidPrice, &out)
            key(",\"bs\":", &out); int(Int64(q.bidSize), &out)
            key(",\"ax\":", &out); int(Int64(q.askExchange), &out)
            key(",\"ap\":", &out); price(q.askPrice, &out)
            key(",\"as\":", &out); int(Int64(q.askSize), &out)
            key(",\"c\":", &out); int(Int64(q.condition), &out)
            key(",\"t\":", &out); ms(q.timestamp, &out)
            key(",\"q\":", &out); int(q.sequence, &out)
            key(",\"z\":", &out); int(Int64(q.tape.rawValue), &out)
            out.append(UInt8(ascii: "}"))
        case .bar(let b):
            // Polygon has no running daily bar on the stream.
            guard b.span != .day else { return false }
            if b.span == .second { key("{\"ev\":\"A\"", &out) } else { key("{\"ev\":\"AM\"", &out) }
            out.append(contentsOf: symbols[Int(b.symbol)])
            key(",\"v\":", &out); int(b.volume, &out)
            key(",\"av\":", &out); int(b.dayVolume, &out)
            key(",\"op\":", &out); price(b.officialOpen, &out)
            key(",\"vw\":", &out); DecimalText.appendRounded(b.vwap, scale: 4, to: &out)
            key(",\"o\":", &out); price(b.open, &out)
            key(",\"c\":", &out); price(b.close, &out)
            key(",\"h\":", &out); price(b.high, &out)
            key(",\"l\":", &out); price(b.low, &out)
            key(",\"a\":", &out); DecimalText.appendRounded(b.dayVWAP, scale: 4, to: &out)
            key(",\"z\":", &out); int(b.averageSize, &out)
            key(",\"s\":", &out); ms(b.start, &out)
            key(",\"e\":", &out); ms(b.end, &out)
            out.append(UInt8(ascii: "}"))
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
