import TickforgeMarket

/// A JSON document written front to back, for REST bodies of thousands of rows: values go
/// straight into bytes (prices as exact decimals, nanosecond stamps as whole integers, which a
/// `Double`-backed value cannot hold), and commas are placed by the writer, not by the caller.
public struct JSONBody {
    public private(set) var bytes: [UInt8] = []
    /// Whether the container being written has no member yet, innermost last.
    private var empty: [Bool] = []
    /// A key was just written: its value needs no comma.
    private var afterKey = false

    public init(reservingCapacity capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    private mutating func separate() {
        if afterKey { afterKey = false; return }
        if let last = empty.last {
            if last { empty[empty.count - 1] = false } else { bytes.append(UInt8(ascii: ",")) }
        }
    }

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); empty.append(true) }
    public mutating func endObject() { empty.removeLast(); bytes.append(UInt8(ascii: "}")) }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); empty.append(true) }
    public mutating func endArray() { empty.removeLast(); bytes.append(UInt8(ascii: "]")) }

    /// A key of a literal name (known to need no escaping).
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// A key from data (a ticker), escaped.
    public mutating func key(_ name: String) {
        separate()
        JSONText.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    public mutating func string(_ value: String) { separate(); JSONText.appendString(value, to: &bytes) }
    public mutating func int(_ value: Int64) { separate(); DecimalText.appendInteger(value, to: &bytes) }
    public mutating func int(_ value: Int) { int(Int64(value)) }
    public mutating func bool(_ value: Bool) { separate(); bytes.append(contentsOf: value ? Self.trueText : Self.falseText) }
    public mutating func null() { separate(); bytes.append(contentsOf: Self.nullText) }
    /// A price as its exact decimal (`123.45`, `0.4213`, `136`).
    public mutating func price(_ value: Price) { separate(); DecimalText.appendFixed(value.units, scale: 4, to: &bytes) }
    /// A double rounded to `decimals` places, trimmed; a value no integer can hold prints as 0.
    public mutating func number(_ value: Double, decimals: Int) {
        separate()
        var m = 1.0
        for _ in 0..<decimals { m *= 10 }
        let scaled = (value * m).rounded()
        DecimalText.appendFixed(scaled.isFinite && scaled.magnitude < 9.0e18 ? Int64(scaled) : 0, scale: decimals, to: &bytes)
    }
    /// An RFC 3339 instant in UTC with the nanoseconds trimmed, as Go's `RFC3339Nano` writes it.
    public mutating func time(_ t: Timestamp) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        RFC3339Nano.append(t, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }
    /// A one-letter string.
    public mutating func letter(_ ch: UInt8) {
        separate()
        bytes.append(UInt8(ascii: "\"")); bytes.append(ch); bytes.append(UInt8(ascii: "\""))
    }

    private static let trueText = Array("true".utf8), falseText = Array("false".utf8), nullText = Array("null".utf8)
}
