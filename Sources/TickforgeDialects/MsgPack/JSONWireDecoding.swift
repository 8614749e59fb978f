import Foundation

/// Reads a client's JSON text frame into the same `WireValue` a msgpack frame decodes to, so the
/// session sees one shape whichever codec the client chose.
///
/// Control plane only (auth, subscribe, listen): a few messages per connection, so Foundation's
/// `JSONSerialization` is fast enough and spares a hand-written parser.
public enum JSONWireDecoder {
    /// The value of a JSON object or array; `nil` for invalid JSON, a bare scalar at the top level,
    /// or nesting deeper than `MsgPackReader.maxDepth` (both codecs accept the same shapes).
    ///
    /// - Objects become `.map` with keys sorted: `JSONSerialization` loses the wire order, and
    ///   sorting at least makes the result the same on every run.
    /// - `true`/`false` become `.bool`; integral numbers that fit `Int64` become `.int` (so `1.0`
    ///   is `.int(1)`, the same on Linux and Darwin whichever type Foundation picks), larger
    ///   unsigned integers `.uint`, everything else `.double`.
    public static func decode(_ bytes: [UInt8]) -> WireValue? {
        // Without `.fragmentsAllowed`, JSONSerialization already rejects a scalar at the top level.
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: []) else { return nil }
        guard object is [Any] || object is [String: Any] else { return nil }
        return wireValue(object, depth: 0)
    }

    private static func wireValue(_ object: Any, depth: Int) -> WireValue? {
        switch object {
        case is NSNull:
            return .null
        case let s as String:
            return .string(s)
        case let n as NSNumber:
            return number(n)
        case let array as [Any]:
            guard depth < MsgPackReader.maxDepth else { return nil }
            var elements: [WireValue] = []
            elements.reserveCapacity(array.count)
            for element in array {
                guard let v = wireValue(element, depth: depth + 1) else { return nil }
                elements.append(v)
            }
            return .array(elements)
        case let dictionary as [String: Any]:
            guard depth < MsgPackReader.maxDepth else { return nil }
            var entries: [WireValue.Entry] = []
            entries.reserveCapacity(dictionary.count)
            for (key, element) in dictionary.sorted(by: { $0.key < $1.key }) {
                guard let v = wireValue(element, depth: depth + 1) else { return nil }
                entries.append(WireValue.Entry(key: .string(key), value: v))
            }
            return .map(entries)
        default:
            return nil
        }
    }

    /// JSON numbers and booleans both arrive as `NSNumber`.
    ///
    /// `as? Bool` cannot tell them apart (`1 as? Bool` succeeds), and `CFBooleanGetTypeID` does not
    /// exist in swift-corelibs-foundation. What works on both Linux and Darwin: JSONSerialization
    /// returns booleans as the shared `CFBoolean` instances, whose `objCType` is `"c"` (char), a type
    /// it never uses for numbers (those are `"i"`, `"q"`, `"Q"` or `"d"`).
    private static func number(_ n: NSNumber) -> WireValue {
        let type = UInt8(bitPattern: n.objCType.pointee)
        if type == UInt8(ascii: "c") { return .bool(n.boolValue) }
        // Large or very precise numbers come as NSDecimalNumber, which claims "d" even for integers
        // (Linux returns -9223372036854775808 this way); its text keeps every digit.
        if let decimal = n as? NSDecimalNumber {
            let text = decimal.stringValue
            if let i = Int64(text) { return .int(i) }
            if let u = UInt64(text) { return .uint(u) }
            return .double(decimal.doubleValue)
        }
        switch type {
        case UInt8(ascii: "C"), UInt8(ascii: "S"), UInt8(ascii: "I"), UInt8(ascii: "L"), UInt8(ascii: "Q"):
            let u = n.uint64Value
            return u <= UInt64(Int64.max) ? .int(Int64(u)) : .uint(u)
        case UInt8(ascii: "s"), UInt8(ascii: "i"), UInt8(ascii: "l"), UInt8(ascii: "q"):
            return .int(n.int64Value)
        default:
            let d = n.doubleValue
            if let i = Int64(exactly: d) { return .int(i) }
            return .double(d)
        }
    }
}
