/// Writes MessagePack by appending to a byte array — the hot path of the Alpaca msgpack dialect.
///
/// Every function appends and nothing else: no intermediate arrays, no boxing, so an encoder can
/// write a whole frame into one reused buffer. Integers and headers take the most compact form
/// (as msgpack-python and Go's vmihailenco/msgpack do); doubles are always float64, because
/// clients decode prices as float64 and a float32 would silently lose cents.
///
/// Counts and lengths above `UInt32.max` cannot be expressed in msgpack; passing one is a
/// programming error and traps. Nothing here reads client input, so that trap is never
/// reachable from the wire.
public enum MsgPackWriter {
    // MARK: Scalars

    /// `nil` (0xc0).
    public static func appendNil(to out: inout [UInt8]) {
        out.append(0xc0)
    }

    /// `false` (0xc2) or `true` (0xc3).
    public static func appendBool(_ v: Bool, to out: inout [UInt8]) {
        out.append(v ? 0xc3 : 0xc2)
    }

    /// A signed integer in its most compact form: non-negative values as unsigned (positive fixint,
    /// uint8…uint64), negative values as negative fixint or int8…int64.
    public static func appendInt(_ v: Int64, to out: inout [UInt8]) {
        if v >= 0 {
            appendUInt(UInt64(v), to: &out)
        } else if v >= -32 {
            out.append(UInt8(truncatingIfNeeded: v))  // negative fixint 0xe0…0xff
        } else if v >= Int64(Int8.min) {
            out.append(0xd0)
            out.append(UInt8(truncatingIfNeeded: v))
        } else if v >= Int64(Int16.min) {
            appendBigEndian(0xd1, Int16(truncatingIfNeeded: v), &out)
        } else if v >= Int64(Int32.min) {
            appendBigEndian(0xd2, Int32(truncatingIfNeeded: v), &out)
        } else {
            appendBigEndian(0xd3, v, &out)
        }
    }

    /// An unsigned integer in its most compact form: positive fixint, uint8, uint16, uint32 or uint64.
    public static func appendUInt(_ v: UInt64, to out: inout [UInt8]) {
        if v < 0x80 {
            out.append(UInt8(truncatingIfNeeded: v))
        } else if v <= 0xff {
            out.append(0xcc)
            out.append(UInt8(truncatingIfNeeded: v))
        } else if v <= 0xffff {
            appendBigEndian(0xcd, UInt16(truncatingIfNeeded: v), &out)
        } else if v <= 0xffff_ffff {
            appendBigEndian(0xce, UInt32(truncatingIfNeeded: v), &out)
        } else {
            appendBigEndian(0xcf, v, &out)
        }
    }

    /// Always float64 (0xcb + big-endian IEEE 754 bits), never float32: prices must survive exactly
    /// as the client's float64 would hold them.
    public static func appendDouble(_ v: Double, to out: inout [UInt8]) {
        appendBigEndian(0xcb, v.bitPattern, &out)
    }

    // MARK: Strings and binary

    /// A string as fixstr, str8, str16 or str32, by UTF-8 length.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        var s = s
        // `withUTF8` hands out the native contiguous storage (copying only a bridged string once).
        s.withUTF8 { utf8 in
            appendStringHeader(byteCount: utf8.count, to: &out)
            appendBytes(utf8, &out)
        }
    }

    /// A string from bytes already known to be UTF-8 (for example a ticker encoded once at
    /// registration). The bytes are not validated.
    public static func appendString(utf8: [UInt8], to out: inout [UInt8]) {
        appendStringHeader(byteCount: utf8.count, to: &out)
        utf8.withUnsafeBufferPointer { appendBytes($0, &out) }
    }

    /// A string from raw bytes already known to be UTF-8. The bytes are not validated.
    public static func appendString(utf8: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        appendStringHeader(byteCount: utf8.count, to: &out)
        utf8.withMemoryRebound(to: UInt8.self) { appendBytes($0, &out) }
    }

    /// A compile-time string, typically a map key on the hot path (`"T"`, `"S"`, `"p"`).
    public static func appendStaticString(_ s: StaticString, to out: inout [UInt8]) {
        s.withUTF8Buffer { utf8 in
            appendStringHeader(byteCount: utf8.count, to: &out)
            appendBytes(utf8, &out)
        }
    }

    /// The header of a string of `byteCount` UTF-8 bytes; the caller appends the bytes.
    public static func appendStringHeader(byteCount: Int, to out: inout [UInt8]) {
        let n = length(byteCount, of: "strings")
        if n < 32 {
            out.append(0xa0 | UInt8(truncatingIfNeeded: n))
        } else if n <= 0xff {
            out.append(0xd9)
            out.append(UInt8(truncatingIfNeeded: n))
        } else if n <= 0xffff {
            appendBigEndian(0xda, UInt16(truncatingIfNeeded: n), &out)
        } else {
            appendBigEndian(0xdb, n, &out)
        }
    }

    /// Binary data as bin8, bin16 or bin32 (msgpack has no fixed-size binary form).
    public static func appendBinary(_ bytes: [UInt8], to out: inout [UInt8]) {
        let n = length(bytes.count, of: "binaries")
        if n <= 0xff {
            out.append(0xc4)
            out.append(UInt8(truncatingIfNeeded: n))
        } else if n <= 0xffff {
            appendBigEndian(0xc5, UInt16(truncatingIfNeeded: n), &out)
        } else {
            appendBigEndian(0xc6, n, &out)
        }
        out.append(contentsOf: bytes)
    }

    // MARK: Containers

    /// The header of an array of `count` elements (fixarray, array16, array32); the caller
    /// appends the elements.
    public static func appendArrayHeader(count: Int, to out: inout [UInt8]) {
        let n = length(count, of: "arrays")
        if n < 16 {
            out.append(0x90 | UInt8(truncatingIfNeeded: n))
        } else if n <= 0xffff {
            appendBigEndian(0xdc, UInt16(truncatingIfNeeded: n), &out)
        } else {
            appendBigEndian(0xdd, n, &out)
        }
    }

    /// The header of a map of `count` key/value pairs (fixmap, map16, map32); the caller appends
    /// key, value, key, value, ….
    public static func appendMapHeader(count: Int, to out: inout [UInt8]) {
        let n = length(count, of: "maps")
        if n < 16 {
            out.append(0x80 | UInt8(truncatingIfNeeded: n))
        } else if n <= 0xffff {
            appendBigEndian(0xde, UInt16(truncatingIfNeeded: n), &out)
        } else {
            appendBigEndian(0xdf, n, &out)
        }
    }

    /// A fixed-width, 5-byte array32 header (0xdd + u32), whatever the count.
    ///
    /// A frame batches events before it knows how many the encoder will accept; writing this
    /// placeholder first and fixing it with `patchArray32Header` afterwards avoids a second
    /// buffer and a copy. Decoders accept a non-minimal header, so the waste is 4 bytes.
    public static func appendArray32Header(count: Int, to out: inout [UInt8]) {
        appendBigEndian(0xdd, length(count, of: "arrays"), &out)
    }

    /// Overwrites the count of an array32 header written by `appendArray32Header` at `offset`.
    public static func patchArray32Header(count: Int, in out: inout [UInt8], at offset: Int) {
        let v = length(count, of: "arrays")
        precondition(offset >= 0 && offset <= out.count - 5 && out[offset] == 0xdd, "no array32 header at this offset")
        out[offset + 1] = UInt8(truncatingIfNeeded: v >> 24)
        out[offset + 2] = UInt8(truncatingIfNeeded: v >> 16)
        out[offset + 3] = UInt8(truncatingIfNeeded: v >> 8)
        out[offset + 4] = UInt8(truncatingIfNeeded: v)
    }

    // MARK: Extensions

    /// The msgpack timestamp extension (type −1) for an instant in nanoseconds since the Unix epoch,
    /// in the smallest form, byte for byte as msgpack-python's `packb(Timestamp.from_unix_nano(ns))`
    /// and Go's vmihailenco/msgpack v5 write it. Instants before the epoch floor: −1 ns is
    /// second −1 plus 999 999 999 ns.
    public static func appendTimestamp(nanosecondsSinceEpoch ns: Int64, to out: inout [UInt8]) {
        // Neither division nor the correction can overflow: |Int64.min / 10^9| is far from the edge.
        var seconds = ns / 1_000_000_000
        var nanoseconds = ns % 1_000_000_000
        if nanoseconds < 0 {
            seconds -= 1
            nanoseconds += 1_000_000_000
        }
        appendTimestamp(seconds: seconds, nanoseconds: UInt32(truncatingIfNeeded: nanoseconds), to: &out)
    }

    /// The msgpack timestamp extension (type −1) in the smallest form:
    /// timestamp32 (fixext4) for whole seconds in 0..<2^32, timestamp64 (fixext8,
    /// `nanoseconds << 34 | seconds`) for seconds in 0..<2^34, timestamp96 (ext8, 12 bytes) otherwise.
    /// `nanoseconds` must be below 10^9, as the specification requires.
    public static func appendTimestamp(seconds: Int64, nanoseconds: UInt32, to out: inout [UInt8]) {
        precondition(nanoseconds < 1_000_000_000, "timestamp nanoseconds must be below 10^9")
        // In each form the byte after the ext header is the type, 0xff (−1).
        if seconds >> 34 == 0 {  // 0 <= seconds < 2^34
            if nanoseconds == 0 && seconds >> 32 == 0 {
                out.append(0xd6)
                appendBigEndian(0xff, UInt32(truncatingIfNeeded: seconds), &out)
            } else {
                out.append(0xd7)
                appendBigEndian(0xff, UInt64(nanoseconds) << 34 | UInt64(seconds), &out)
            }
        } else {
            out.append(0xc7)
            out.append(12)
            appendBigEndian(0xff, nanoseconds, &out)
            appendBigEndian(seconds, &out)
        }
    }

    /// An application extension: fixext1/2/4/8/16 when the size fits one, else ext8/16/32.
    public static func appendExt(type: Int8, data: [UInt8], to out: inout [UInt8]) {
        let n = length(data.count, of: "extensions")
        switch n {
        case 1: out.append(0xd4)
        case 2: out.append(0xd5)
        case 4: out.append(0xd6)
        case 8: out.append(0xd7)
        case 16: out.append(0xd8)
        case 0...0xff:
            out.append(0xc7)
            out.append(UInt8(truncatingIfNeeded: n))
        case 0...0xffff: appendBigEndian(0xc8, UInt16(truncatingIfNeeded: n), &out)
        default: appendBigEndian(0xc9, n, &out)
        }
        out.append(UInt8(bitPattern: type))
        out.append(contentsOf: data)
    }

    // MARK: Any value

    /// Any `WireValue`, each part in its most compact form — for control messages and tests;
    /// the event encoders call the typed functions directly.
    ///
    /// `.ext(type: -1, …)` is written as given, so it decodes back as a timestamp (or is rejected).
    /// Like `appendTimestamp(seconds:nanoseconds:to:)`, a `.timestamp` with nanoseconds of 10^9 or
    /// more traps; `MsgPackReader` never produces one.
    public static func append(_ value: WireValue, to out: inout [UInt8]) {
        switch value {
        case .null: appendNil(to: &out)
        case .bool(let b): appendBool(b, to: &out)
        case .int(let i): appendInt(i, to: &out)
        case .uint(let u): appendUInt(u, to: &out)
        case .double(let d): appendDouble(d, to: &out)
        case .string(let s): appendString(s, to: &out)
        case .binary(let b): appendBinary(b, to: &out)
        case .array(let elements):
            appendArrayHeader(count: elements.count, to: &out)
            for e in elements { append(e, to: &out) }
        case .map(let entries):
            appendMapHeader(count: entries.count, to: &out)
            for e in entries {
                append(e.key, to: &out)
                append(e.value, to: &out)
            }
        case .timestamp(let seconds, let nanoseconds): appendTimestamp(seconds: seconds, nanoseconds: nanoseconds, to: &out)
        case .ext(let type, let data): appendExt(type: type, data: data, to: &out)
        }
    }

    // MARK: Helpers

    /// A count or byte length as the `UInt32` every msgpack header holds; anything larger (or
    /// negative) is a programming error.
    @inline(__always)
    private static func length(_ n: Int, of what: StaticString) -> UInt32 {
        guard let v = UInt32(exactly: n) else { preconditionFailure("msgpack \(what) hold at most 2^32-1 items") }
        return v
    }

    /// A marker byte followed by `v` in network (big-endian) byte order.
    @inline(__always)
    private static func appendBigEndian<T: FixedWidthInteger>(_ marker: UInt8, _ v: T, _ out: inout [UInt8]) {
        out.append(marker)
        appendBigEndian(v, &out)
    }

    /// `v` in network (big-endian) byte order. Byte by byte on purpose: for a handful of bytes,
    /// `append(contentsOf:)` costs more in bookkeeping than single appends (a trade-sized message
    /// encoded about 20% faster this way).
    @inline(__always)
    private static func appendBigEndian<T: FixedWidthInteger>(_ v: T, _ out: inout [UInt8]) {
        var shift = T.bitWidth - 8
        while shift >= 0 {
            out.append(UInt8(truncatingIfNeeded: v >> shift))
            shift -= 8
        }
    }

    /// Short runs (map keys, tickers) byte by byte, for the same reason; long ones in one copy.
    @inline(__always)
    private static func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8]) {
        if bytes.count <= 16 {
            for b in bytes { out.append(b) }
        } else {
            out.append(contentsOf: bytes)
        }
    }
}
