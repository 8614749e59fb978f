/// A decoded client message, whichever codec carried it.
///
/// Alpaca clients speak msgpack (binary frames) or JSON (text frames); both decode to this one
/// shape so the session state machine reads requests without caring which codec was used. Map
/// entries keep their wire order (alpaca-py puts `action` last, others first).
public indirect enum WireValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    /// Unsigned integers above `Int64.max` (msgpack uint64).
    case uint(UInt64)
    case double(Double)
    case string(String)
    case binary([UInt8])
    case array([WireValue])
    case map([Entry])
    /// The msgpack timestamp extension (type −1).
    case timestamp(seconds: Int64, nanoseconds: UInt32)
    /// Any other msgpack extension.
    case ext(type: Int8, data: [UInt8])

    public struct Entry: Sendable, Equatable {
        public var key: WireValue
        public var value: WireValue
        public init(key: WireValue, value: WireValue) {
            self.key = key
            self.value = value
        }
    }

    /// The value under a string key of a map (the first, if a key repeats); `nil` otherwise.
    public subscript(key: String) -> WireValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.key == .string(key) }?.value
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
