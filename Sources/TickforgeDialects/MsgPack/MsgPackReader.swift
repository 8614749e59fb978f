/// Why a msgpack message was rejected.
public enum MsgPackError: Error, Equatable, Sendable {
    /// The input ends inside a header or a fixed-width value.
    case truncated
    /// A byte that starts no msgpack value (only 0xc1, which the specification never uses).
    case invalidByte(UInt8)
    /// A string is not valid UTF-8.
    case invalidUTF8
    /// Arrays and maps nest deeper than `MsgPackReader.maxDepth`.
    case tooDeep
    /// Bytes remain after the top-level value.
    case trailingBytes
    /// A declared length or element count exceeds what the remaining bytes could hold: the value
    /// is cut short, or the header lies (four bytes claiming 2^32 elements).
    case lengthTooLarge
    /// An extension of type −1 that is not a 4-, 8- or 12-byte timestamp, or whose nanoseconds
    /// are 10^9 or more.
    case invalidTimestamp
}

/// Reads one msgpack message from a client into a `WireValue`.
///
/// The input is untrusted, so the reader never traps on it: every length is checked against the
/// remaining bytes before anything is allocated (a 5-byte header cannot make it reserve 4 GB),
/// nesting is capped so hostile input cannot exhaust the stack, and arithmetic on lengths cannot
/// overflow. It reads in place over the bytes with an index, copying only the strings, binaries
/// and extension payloads it returns.
public enum MsgPackReader {
    /// The deepest nesting of arrays and maps accepted. Client control messages nest two or three
    /// levels; 64 leaves room while keeping recursion far from the stack's limit.
    public static let maxDepth = 64

    /// Decodes exactly one value spanning all of `bytes`.
    public static func decode(_ bytes: [UInt8]) throws(MsgPackError) -> WireValue {
        try bytes.withUnsafeBytes { decodeResult($0) }.get()
    }

    /// Decodes exactly one value spanning all of `bytes` (for example a NIO buffer's readable bytes).
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(MsgPackError) -> WireValue {
        try decodeResult(bytes).get()
    }

    /// Decodes exactly one value spanning all of `bytes`; non-contiguous collections are copied once.
    public static func decode(_ bytes: some Collection<UInt8>) throws(MsgPackError) -> WireValue {
        if let result = bytes.withContiguousStorageIfAvailable({ decodeResult(UnsafeRawBufferPointer($0)) }) {
            return try result.get()
        }
        return try decode(Array(bytes))
    }

    /// A `Result` rather than a throw, so it passes through the standard library's untyped
    /// `withUnsafeBytes` closures without losing the error type.
    private static func decodeResult(_ bytes: UnsafeRawBufferPointer) -> Result<WireValue, MsgPackError> {
        var parser = Parser(bytes: bytes)
        do throws(MsgPackError) {
            let value = try parser.value(depth: 0)
            guard parser.position == bytes.count else { throw .trailingBytes }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }
}

/// A cursor over the message. `position` never passes `bytes.count`: every read checks first.
private struct Parser {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Never negative, so comparisons against it cannot be fooled.
    var remaining: Int { bytes.count &- position }

    mutating func value(depth: Int) throws(MsgPackError) -> WireValue {
        let marker = try byte()
        switch marker {
        case 0x00...0x7f: return .int(Int64(marker))
        case 0x80...0x8f: return try map(count: Int(marker & 0x0f), depth: depth)
        case 0x90...0x9f: return try array(count: Int(marker & 0x0f), depth: depth)
        case 0xa0...0xbf: return try string(length: Int(marker & 0x1f))
        case 0xc0: return .null
        case 0xc1: throw .invalidByte(marker)
        case 0xc2: return .bool(false)
        case 0xc3: return .bool(true)
        case 0xc4: return .binary(Array(try take(Int(try load(UInt8.self)))))
        case 0xc5: return .binary(Array(try take(Int(try load(UInt16.self)))))
        case 0xc6: return .binary(Array(try take(try length(try load(UInt32.self)))))
        case 0xc7: return try ext(length: Int(try load(UInt8.self)))
        case 0xc8: return try ext(length: Int(try load(UInt16.self)))
        case 0xc9: return try ext(length: try length(try load(UInt32.self)))
        case 0xca: return .double(Double(Float(bitPattern: try load(UInt32.self))))
        case 0xcb: return .double(Double(bitPattern: try load(UInt64.self)))
        case 0xcc: return .int(Int64(try load(UInt8.self)))
        case 0xcd: return .int(Int64(try load(UInt16.self)))
        case 0xce: return .int(Int64(try load(UInt32.self)))
        case 0xcf:
            let v = try load(UInt64.self)
            // `.uint` is reserved for what `.int` cannot hold, so equal numbers compare equal.
            return v <= UInt64(Int64.max) ? .int(Int64(v)) : .uint(v)
        case 0xd0: return .int(Int64(try load(Int8.self)))
        case 0xd1: return .int(Int64(try load(Int16.self)))
        case 0xd2: return .int(Int64(try load(Int32.self)))
        case 0xd3: return .int(try load(Int64.self))
        case 0xd4: return try ext(length: 1)
        case 0xd5: return try ext(length: 2)
        case 0xd6: return try ext(length: 4)
        case 0xd7: return try ext(length: 8)
        case 0xd8: return try ext(length: 16)
        case 0xd9: return try string(length: Int(try load(UInt8.self)))
        case 0xda: return try string(length: Int(try load(UInt16.self)))
        case 0xdb: return try string(length: try length(try load(UInt32.self)))
        case 0xdc: return try array(count: Int(try load(UInt16.self)), depth: depth)
        case 0xdd: return try array(count: try length(try load(UInt32.self)), depth: depth)
        case 0xde: return try map(count: Int(try load(UInt16.self)), depth: depth)
        case 0xdf: return try map(count: try length(try load(UInt32.self)), depth: depth)
        default: return .int(Int64(Int8(bitPattern: marker)))  // negative fixint 0xe0…0xff
        }
    }

    // MARK: Containers

    mutating func array(count: Int, depth: Int) throws(MsgPackError) -> WireValue {
        guard depth < MsgPackReader.maxDepth else { throw .tooDeep }
        // Every element takes at least one byte: check before reserving.
        guard count <= remaining else { throw .lengthTooLarge }
        var elements: [WireValue] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            elements.append(try value(depth: depth &+ 1))
        }
        return .array(elements)
    }

    mutating func map(count: Int, depth: Int) throws(MsgPackError) -> WireValue {
        guard depth < MsgPackReader.maxDepth else { throw .tooDeep }
        // Every entry takes at least two bytes (key and value).
        guard count <= remaining / 2 else { throw .lengthTooLarge }
        var entries: [WireValue.Entry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let key = try value(depth: depth &+ 1)
            let value = try value(depth: depth &+ 1)
            entries.append(WireValue.Entry(key: key, value: value))
        }
        return .map(entries)
    }

    // MARK: Payloads

    mutating func string(length: Int) throws(MsgPackError) -> WireValue {
        let utf8 = try take(length)
        // The bytes came from a `[UInt8]` or a byte buffer, so viewing them as UInt8 is sound.
        let s = utf8.withMemoryRebound(to: UInt8.self) { buffer -> String? in
            // `String(decoding:)` is the standard library's fast path (`String(validating:)` goes
            // through unspecialised generics, several times slower), but it repairs invalid UTF-8
            // with U+FFFD instead of failing. A repair always changes the bytes (U+FFFD's own
            // encoding is valid, so it is never what was replaced), so the input was valid exactly
            // when the result reads back byte for byte.
            let s = String(decoding: buffer, as: UTF8.self)
            return s.utf8.elementsEqual(buffer) ? s : nil
        }
        guard let s else { throw .invalidUTF8 }
        return .string(s)
    }

    mutating func ext(length: Int) throws(MsgPackError) -> WireValue {
        let type = Int8(bitPattern: try byte())
        let data = try take(length)
        guard type == -1 else { return .ext(type: type, data: Array(data)) }
        return try Self.timestamp(data)
    }

    /// The timestamp extension's three layouts (msgpack spec, "Timestamp extension type").
    static func timestamp(_ data: UnsafeRawBufferPointer) throws(MsgPackError) -> WireValue {
        let seconds: Int64
        let nanoseconds: UInt32
        switch data.count {
        case 4:
            seconds = Int64(UInt32(bigEndian: data.loadUnaligned(as: UInt32.self)))
            nanoseconds = 0
        case 8:
            let v = UInt64(bigEndian: data.loadUnaligned(as: UInt64.self))
            seconds = Int64(v & 0x3_ffff_ffff)
            nanoseconds = UInt32(truncatingIfNeeded: v >> 34)
        case 12:
            nanoseconds = UInt32(bigEndian: data.loadUnaligned(as: UInt32.self))
            seconds = Int64(bigEndian: data.loadUnaligned(fromByteOffset: 4, as: Int64.self))
        default:
            throw .invalidTimestamp
        }
        // The 64-bit form has room for nanoseconds up to 2^30-1; the specification (and
        // msgpack-python) reject anything from one second up.
        guard nanoseconds < 1_000_000_000 else { throw .invalidTimestamp }
        return .timestamp(seconds: seconds, nanoseconds: nanoseconds)
    }

    // MARK: Primitive reads

    mutating func byte() throws(MsgPackError) -> UInt8 {
        guard position < bytes.count else { throw .truncated }
        let b = bytes[position]
        position &+= 1
        return b
    }

    /// A big-endian integer.
    mutating func load<T: FixedWidthInteger>(_: T.Type) throws(MsgPackError) -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw .truncated }
        let raw = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
        position &+= size
        return T(bigEndian: raw)
    }

    /// The next `n` bytes, in place.
    mutating func take(_ n: Int) throws(MsgPackError) -> UnsafeRawBufferPointer {
        guard n <= remaining else { throw .lengthTooLarge }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position &+ n)])
        position &+= n
        return slice
    }

    /// A 32-bit length as `Int`; on a 32-bit platform it may not fit, which must throw, not trap.
    func length(_ v: UInt32) throws(MsgPackError) -> Int {
        guard let n = Int(exactly: v) else { throw .lengthTooLarge }
        return n
    }
}
