import Foundation

/// A JSON value that tells booleans from numbers (JSONSerialization cannot on every platform), for
/// the control plane's requests and scripts. YAML scripts load into it too.
enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if n == n.rounded(), abs(n) < 9e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// From what Yams or JSONSerialization produce.
    init(any value: Any) throws(ControlError) {
        switch value {
        case is NSNull: self = .null
        case let b as Bool where type(of: value) == Bool.self: self = .bool(b)
        case let i as Int: self = .number(Double(i))
        case let i as Int64: self = .number(Double(i))
        case let d as Double: self = .number(d)
        case let s as String: self = .string(s)
        case let a as [Any]:
            var out: [JSONValue] = []
            for x in a { out.append(try JSONValue(any: x)) }
            self = .array(out)
        case let o as [String: Any]:
            var out: [String: JSONValue] = [:]
            for (k, v) in o { out[k] = try JSONValue(any: v) }
            self = .object(out)
        case let o as [AnyHashable: Any]:
            var out: [String: JSONValue] = [:]
            for (k, v) in o { out["\(k.base)"] = try JSONValue(any: v) }
            self = .object(out)
        default:
            throw ControlError(400, "a value of an unsupported type: \(value)")
        }
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let n): n == n.rounded() && abs(n) < 9e15 ? String(Int64(n)) : String(n)
        case .string(let s): "\"\(s.prefix(60))\""
        case .array: "an array"
        case .object: "an object"
        }
    }

    static func parse(_ bytes: [UInt8]) throws(ControlError) -> JSONValue {
        guard !bytes.isEmpty else { throw ControlError(400, "the body is empty: expected a JSON object") }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw ControlError(400, "the body is not valid JSON: expected a JSON object such as {\"kind\":\"halt\",\"symbol\":\"AAPL\"}")
        }
    }

    func encoded() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? e.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
