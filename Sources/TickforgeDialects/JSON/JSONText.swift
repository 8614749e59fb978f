import TickforgeMarket

/// Helpers for writing JSON by hand: string escaping for the few free-text fields (status messages,
/// tickers) that are not known to be plain ASCII.
enum JSONText {
    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONText {
    /// Writes a decoded value back as JSON, keeping map order (control messages are built this way).
    static func append(_ value: WireValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .int(let i): out.append(contentsOf: Array(String(i).utf8))
        case .uint(let u): out.append(contentsOf: Array(String(u).utf8))
        case .double(let d): out.append(contentsOf: Array((d.isFinite ? (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)") : "null").utf8))
        case .string(let s): appendString(s, to: &out)
        case .binary, .ext: out.append(contentsOf: Array("null".utf8))
        case .timestamp(let seconds, let nanoseconds):
            // Go's RFC 3339 form, like every timestamp on Alpaca's JSON streams.
            out.append(UInt8(ascii: "\""))
            RFC3339Nano.append(Timestamp(nanoseconds: seconds * Timestamp.nanosPerSecond + Int64(nanoseconds)), to: &out)
            out.append(UInt8(ascii: "\""))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                append(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .map(let entries):
            out.append(UInt8(ascii: "{"))
            for (i, e) in entries.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if case .string(let k) = e.key { appendString(k, to: &out) } else { appendString("\(e.key)", to: &out) }
                out.append(UInt8(ascii: ":"))
                append(e.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

extension WireValue {
    /// The value written as JSON text, map order kept: how a decoded msgpack message is shown to
    /// people (the connection journal).
    public var jsonText: String {
        var out: [UInt8] = []
        JSONText.append(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The same value with the string under `key` in any map replaced by `replacement`, at any depth.
    public func redacting(_ key: String, with replacement: String) -> WireValue {
        switch self {
        case .map(let entries):
            return .map(entries.map { e in
                if e.key == .string(key), case .string = e.value { return Entry(key: e.key, value: .string(replacement)) }
                return Entry(key: e.key, value: e.value.redacting(key, with: replacement))
            })
        case .array(let items):
            return .array(items.map { $0.redacting(key, with: replacement) })
        default:
            return self
        }
    }
}
