import Testing
import TickforgeDialects  // plain import: only public API is used, so release-mode tests build too

/// Expected bytes come from the msgpack specification and were checked against msgpack-python 1.x
/// (`msgpack.packb`), the library alpaca-py sends with.
@Suite("MessagePack: compact writer forms, timestamps, Alpaca client frames, a reader that never traps")
struct MsgPackTests {
    func written(_ write: (inout [UInt8]) -> Void) -> [UInt8] {
        var out: [UInt8] = []
        write(&out)
        return out
    }

    func encoded(_ value: WireValue) -> [UInt8] { written { MsgPackWriter.append(value, to: &$0) } }

    /// The reader's error, or `nil` when it accepted the bytes.
    func rejection(_ bytes: [UInt8]) -> MsgPackError? {
        do {
            _ = try MsgPackReader.decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Writer forms at their boundaries

    @Test("integers take the most compact form at every boundary, and read back")
    func integers() throws {
        let cases: [(Int64, [UInt8])] = [
            (0, [0x00]), (127, [0x7f]),
            (128, [0xcc, 0x80]), (255, [0xcc, 0xff]),
            (256, [0xcd, 0x01, 0x00]), (65_535, [0xcd, 0xff, 0xff]),
            (65_536, [0xce, 0x00, 0x01, 0x00, 0x00]), (4_294_967_295, [0xce, 0xff, 0xff, 0xff, 0xff]),
            (4_294_967_296, [0xcf, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]),
            (Int64.max, [0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            (-1, [0xff]), (-32, [0xe0]),
            (-33, [0xd0, 0xdf]), (-128, [0xd0, 0x80]),
            (-129, [0xd1, 0xff, 0x7f]), (-32_768, [0xd1, 0x80, 0x00]),
            (-32_769, [0xd2, 0xff, 0xff, 0x7f, 0xff]), (-2_147_483_648, [0xd2, 0x80, 0x00, 0x00, 0x00]),
            (-2_147_483_649, [0xd3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff]),
            (Int64.min, [0xd3, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
        ]
        for (v, bytes) in cases {
            #expect(written { MsgPackWriter.appendInt(v, to: &$0) } == bytes, "\(v)")
            #expect(try MsgPackReader.decode(bytes) == .int(v), "\(v)")
        }
    }

    @Test("unsigned integers: .uint only above Int64.max, so equal numbers compare equal")
    func unsignedIntegers() throws {
        #expect(written { MsgPackWriter.appendUInt(5, to: &$0) } == [0x05])
        #expect(written { MsgPackWriter.appendUInt(200, to: &$0) } == [0xcc, 0xc8])
        #expect(written { MsgPackWriter.appendUInt(.max, to: &$0) } == [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
        #expect(try MsgPackReader.decode([0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) == .uint(.max))
        #expect(try MsgPackReader.decode([0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0]) == .uint(1 << 63))
        #expect(try MsgPackReader.decode([0xcf, 0, 0, 0, 0, 0, 0, 0, 7]) == .int(7), "a non-minimal uint64 is still an .int")
        #expect(try MsgPackReader.decode([0xd3, 0, 0, 0, 0, 0, 0, 0, 7]) == .int(7))
    }

    @Test("doubles are always float64, even when float32 would hold them; float32 reads as a double")
    func doubles() throws {
        #expect(written { MsgPackWriter.appendDouble(1.5, to: &$0) } == [0xcb, 0x3f, 0xf8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])
        #expect(written { MsgPackWriter.appendDouble(-0.0, to: &$0) } == [0xcb, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])
        #expect(written { MsgPackWriter.appendDouble(.infinity, to: &$0) } == [0xcb, 0x7f, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])
        #expect(try MsgPackReader.decode([0xcb, 0x40, 0x5c, 0x88, 0x00, 0x00, 0x00, 0x00, 0x00]) == .double(114.125))
        #expect(try MsgPackReader.decode([0xca, 0x3f, 0xc0, 0x00, 0x00]) == .double(1.5))
    }

    @Test("nil and booleans")
    func scalars() throws {
        #expect(written { MsgPackWriter.appendNil(to: &$0) } == [0xc0])
        #expect(written { MsgPackWriter.appendBool(false, to: &$0) } == [0xc2])
        #expect(written { MsgPackWriter.appendBool(true, to: &$0) } == [0xc3])
        #expect(try MsgPackReader.decode([0xc0]) == .null)
        #expect(try MsgPackReader.decode([0xc3]) == .bool(true))
    }

    @Test("strings: fixstr to 31 bytes, then str8, str16, str32 — by UTF-8 bytes, not characters")
    func strings() throws {
        let boundaries: [(Int, [UInt8])] = [
            (0, [0xa0]), (31, [0xbf]), (32, [0xd9, 0x20]), (255, [0xd9, 0xff]),
            (256, [0xda, 0x01, 0x00]), (65_535, [0xda, 0xff, 0xff]), (65_536, [0xdb, 0x00, 0x01, 0x00, 0x00]),
        ]
        for (length, header) in boundaries {
            let s = String(repeating: "a", count: length)
            let bytes = written { MsgPackWriter.appendString(s, to: &$0) }
            #expect(Array(bytes.prefix(header.count)) == header, "\(length)")
            #expect(bytes.count == header.count + length)
            #expect(written { MsgPackWriter.appendString(utf8: Array(s.utf8), to: &$0) } == bytes)
            #expect(try MsgPackReader.decode(bytes) == .string(s))
        }
        // Three characters, nine bytes.
        #expect(written { MsgPackWriter.appendString("é€😀", to: &$0) } == [0xa9, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80])
        #expect(written { MsgPackWriter.appendStaticString("action", to: &$0) } == [0xa6] + Array("action".utf8))
        let raw = Array("raw".utf8)
        #expect(written { out in raw.withUnsafeBytes { MsgPackWriter.appendString(utf8: $0, to: &out) } } == [0xa3, 0x72, 0x61, 0x77])
    }

    @Test("the reader rejects strings that are not UTF-8: stray bytes, overlong forms, surrogates")
    func invalidUTF8() throws {
        #expect(rejection([0xa1, 0xff]) == .invalidUTF8)
        #expect(rejection([0xa2, 0xc0, 0x80]) == .invalidUTF8)  // overlong NUL
        #expect(rejection([0xa3, 0xed, 0xa0, 0x80]) == .invalidUTF8)  // U+D800
        #expect(rejection([0xa2, 0xe2, 0x82]) == .invalidUTF8)  // a cut-off scalar
        // A cut-off 4-byte scalar is repaired to one 3-byte U+FFFD: same length, still caught.
        #expect(rejection([0xa4, 0xf0, 0x9f, 0x98, 0x41]) == .invalidUTF8)
        #expect(try MsgPackReader.decode([0xa3, 0xef, 0xbf, 0xbd]) == .string("\u{FFFD}"), "a real U+FFFD is fine")
        #expect(rejection([0xa1, 0x00]) == nil, "NUL is valid UTF-8")
    }

    @Test("a string is accepted exactly when the standard library's strict validation accepts it")
    func utf8AgreesWithStandardLibrary() {
        var rng = SplitMix64(seed: 0x0008)
        // Bytes drawn mostly from lead and continuation ranges, where the edge cases live.
        let pool: [UInt8] = [0x41, 0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff]
        for _ in 0..<5_000 {
            let utf8 = (0..<rng.below(9)).map { _ in pool[rng.below(pool.count)] }
            let expected = String(validating: utf8, as: UTF8.self).map(WireValue.string)
            let decoded = try? MsgPackReader.decode([0xa0 | UInt8(utf8.count)] + utf8)
            #expect(decoded == expected, "\(utf8)")
        }
    }

    @Test("arrays and maps: fix forms to 15, then 16-bit, then 32-bit counts")
    func containers() throws {
        let headers: [(Int, [UInt8], [UInt8])] = [
            (0, [0x90], [0x80]), (15, [0x9f], [0x8f]), (16, [0xdc, 0x00, 0x10], [0xde, 0x00, 0x10]),
            (65_535, [0xdc, 0xff, 0xff], [0xde, 0xff, 0xff]), (65_536, [0xdd, 0x00, 0x01, 0x00, 0x00], [0xdf, 0x00, 0x01, 0x00, 0x00]),
        ]
        for (count, array, map) in headers {
            #expect(written { MsgPackWriter.appendArrayHeader(count: count, to: &$0) } == array, "\(count)")
            #expect(written { MsgPackWriter.appendMapHeader(count: count, to: &$0) } == map, "\(count)")
        }
        let sixteen = WireValue.array((0..<16).map { .int($0) })
        #expect(encoded(sixteen) == [0xdc, 0x00, 0x10] + (0..<16).map { UInt8($0) })
        #expect(try MsgPackReader.decode(encoded(sixteen)) == sixteen)
        let map = WireValue.map((0..<16).map { .init(key: .int($0), value: .null) })
        #expect(Array(encoded(map).prefix(5)) == [0xde, 0x00, 0x10, 0x00, 0xc0])
        #expect(try MsgPackReader.decode(encoded(map)) == map)
    }

    @Test("binary: bin8, bin16, bin32 (no fixed form); extensions: fixext sizes, else ext8/16/32")
    func binaryAndExtensions() throws {
        #expect(written { MsgPackWriter.appendBinary([1, 2], to: &$0) } == [0xc4, 0x02, 0x01, 0x02])
        #expect(written { MsgPackWriter.appendBinary([], to: &$0) } == [0xc4, 0x00])
        #expect(Array(written { MsgPackWriter.appendBinary([UInt8](repeating: 7, count: 256), to: &$0) }.prefix(3)) == [0xc5, 0x01, 0x00])
        #expect(Array(written { MsgPackWriter.appendBinary([UInt8](repeating: 7, count: 65_536), to: &$0) }.prefix(5)) == [0xc6, 0x00, 0x01, 0x00, 0x00])
        #expect(try MsgPackReader.decode([0xc4, 0x02, 0x01, 0x02]) == .binary([1, 2]))
        #expect(try MsgPackReader.decode([0xc5, 0x00, 0x01, 0x09]) == .binary([9]))
        #expect(try MsgPackReader.decode([0xc6, 0x00, 0x00, 0x00, 0x00]) == .binary([]))

        #expect(encoded(.ext(type: 5, data: Array("abcd".utf8))) == [0xd6, 0x05, 0x61, 0x62, 0x63, 0x64])
        #expect(encoded(.ext(type: 5, data: Array("abc".utf8))) == [0xc7, 0x03, 0x05, 0x61, 0x62, 0x63])
        #expect(encoded(.ext(type: -128, data: [])) == [0xc7, 0x00, 0x80])
        #expect(encoded(.ext(type: 1, data: [9])) == [0xd4, 0x01, 0x09])
        #expect(Array(encoded(.ext(type: 1, data: [UInt8](repeating: 0, count: 256))).prefix(4)) == [0xc8, 0x01, 0x00, 0x01])
        #expect(try MsgPackReader.decode([0xd5, 0x7f, 0x01, 0x02]) == .ext(type: 127, data: [1, 2]))
        #expect(try MsgPackReader.decode([0xc9, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03]) == .ext(type: 2, data: [3]))
    }

    @Test("array32 placeholder: a 5-byte header written first, its count patched once the frame is full")
    func array32Placeholder() throws {
        var frame: [UInt8] = [0xaa]  // whatever precedes the header in the buffer
        let at = frame.count
        MsgPackWriter.appendArray32Header(count: 0, to: &frame)
        #expect(Array(frame[at...]) == [0xdd, 0x00, 0x00, 0x00, 0x00])
        for i in 0..<3 { MsgPackWriter.appendInt(Int64(i), to: &frame) }
        MsgPackWriter.patchArray32Header(count: 3, in: &frame, at: at)
        #expect(frame == [0xaa, 0xdd, 0x00, 0x00, 0x00, 0x03, 0x00, 0x01, 0x02])
        #expect(try MsgPackReader.decode(Array(frame[at...])) == .array([.int(0), .int(1), .int(2)]), "decoders accept the non-minimal header")
        MsgPackWriter.patchArray32Header(count: 0x0102_0304, in: &frame, at: at)
        #expect(Array(frame[at..<(at + 5)]) == [0xdd, 0x01, 0x02, 0x03, 0x04])
    }

    // MARK: Timestamps

    @Test("timestamps pick the smallest of the three forms, as msgpack-python and Go vmihailenco do")
    func timestampForms() throws {
        func ts(_ ns: Int64) -> [UInt8] { written { MsgPackWriter.appendTimestamp(nanosecondsSinceEpoch: ns, to: &$0) } }
        // Whole seconds below 2^32: timestamp32 (fixext4, type −1, u32 seconds).
        #expect(ts(1_700_000_000_000_000_000) == [0xd6, 0xff, 0x65, 0x53, 0xf1, 0x00])
        #expect(ts(0) == [0xd6, 0xff, 0x00, 0x00, 0x00, 0x00])
        #expect(ts(4_294_967_295_000_000_000) == [0xd6, 0xff, 0xff, 0xff, 0xff, 0xff])
        // A fraction, or seconds from 2^32 to 2^34: timestamp64 (fixext8, nanoseconds << 34 | seconds).
        #expect(ts(1_700_000_000_123_456_789) == [0xd7, 0xff, 0x1d, 0x6f, 0x34, 0x54, 0x65, 0x53, 0xf1, 0x00])
        #expect(ts(4_294_967_296_000_000_000) == [0xd7, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00])
        // Before the epoch: timestamp96 (ext8, length 12, u32 nanoseconds, i64 seconds), floored:
        // −1 ns is second −1 plus 999 999 999 ns; −1.5 s is second −2 plus 0.5 s.
        #expect(ts(-1) == [0xc7, 0x0c, 0xff, 0x3b, 0x9a, 0xc9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
        #expect(ts(-1_500_000_000) == [0xc7, 0x0c, 0xff, 0x1d, 0xcd, 0x65, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe])
        // 2^34 seconds and up (beyond Int64 nanoseconds, so only through seconds/nanoseconds).
        #expect(encoded(.timestamp(seconds: 1 << 34, nanoseconds: 5)) == [0xc7, 0x0c, 0xff, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00])
        #expect(encoded(.timestamp(seconds: (1 << 34) - 1, nanoseconds: 999_999_999)) == [0xd7, 0xff, 0xee, 0x6b, 0x27, 0xff, 0xff, 0xff, 0xff, 0xff])
    }

    @Test("timestamps read back to seconds and nanoseconds, in every form")
    func timestampRoundTrip() throws {
        let instants: [(ns: Int64, seconds: Int64, nanoseconds: UInt32)] = [
            (1_700_000_000_000_000_000, 1_700_000_000, 0),
            (1_700_000_000_123_456_789, 1_700_000_000, 123_456_789),
            (4_294_967_296_000_000_000, 4_294_967_296, 0),
            (-1, -1, 999_999_999),
            (-1_500_000_000, -2, 500_000_000),
            (-1_000_000_000, -1, 0),
            (Int64.max, 9_223_372_036, 854_775_807),
            (Int64.min, -9_223_372_037, 145_224_192),
        ]
        for i in instants {
            let bytes = written { MsgPackWriter.appendTimestamp(nanosecondsSinceEpoch: i.ns, to: &$0) }
            #expect(try MsgPackReader.decode(bytes) == .timestamp(seconds: i.seconds, nanoseconds: i.nanoseconds), "\(i.ns)")
        }
        let far = WireValue.timestamp(seconds: .min, nanoseconds: 1)
        #expect(try MsgPackReader.decode(encoded(far)) == far)
    }

    @Test("an extension of type −1 that is no valid timestamp is rejected, not passed on as .ext")
    func invalidTimestamps() {
        #expect(rejection([0xd4, 0xff, 0x00]) == .invalidTimestamp)  // 1 byte
        #expect(rejection([0xd8, 0xff] + [UInt8](repeating: 0, count: 16)) == .invalidTimestamp)  // 16 bytes
        #expect(rejection([0xc7, 0x00, 0xff]) == .invalidTimestamp)  // empty
        // Nanoseconds of 10^9 (0x3b9aca00) in the 64- and 96-bit forms.
        #expect(rejection([0xd7, 0xff, 0xee, 0x6b, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00]) == .invalidTimestamp)
        #expect(rejection([0xc7, 0x0c, 0xff, 0x3b, 0x9a, 0xca, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]) == .invalidTimestamp)
    }

    // MARK: What Alpaca clients send

    /// alpaca-py's subscribe, `msgpack.packb({"trades": [...], "quotes": [...], "bars": [...], "action": "subscribe"})`:
    /// a fixmap of four, entries in dict order, each list a fixarray of one fixstr.
    static let alpacaSubscribe: [UInt8] = {
        let paca: [UInt8] = [0x91, 0xa8] + Array("FAKEPACA".utf8)
        return [0x84]
            + [0xa6] + Array("trades".utf8) + paca
            + [0xa6] + Array("quotes".utf8) + paca
            + [0xa4] + Array("bars".utf8) + paca
            + [0xa6] + Array("action".utf8) + [0xa9] + Array("subscribe".utf8)
    }()

    @Test("alpaca-py's subscribe frame decodes with its entry order kept, and the writer reproduces it")
    func alpacaSubscribe() throws {
        // The bytes spelled out, as msgpack-python 1.x emits them.
        #expect(Self.alpacaSubscribe == [
            0x84, 0xa6, 0x74, 0x72, 0x61, 0x64, 0x65, 0x73, 0x91, 0xa8, 0x46, 0x41, 0x4b, 0x45, 0x50, 0x41, 0x43, 0x41,
            0xa6, 0x71, 0x75, 0x6f, 0x74, 0x65, 0x73, 0x91, 0xa8, 0x46, 0x41, 0x4b, 0x45, 0x50, 0x41, 0x43, 0x41,
            0xa4, 0x62, 0x61, 0x72, 0x73, 0x91, 0xa8, 0x46, 0x41, 0x4b, 0x45, 0x50, 0x41, 0x43, 0x41,
            0xa6, 0x61, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0xa9, 0x73, 0x75, 0x62, 0x73, 0x63, 0x72, 0x69, 0x62, 0x65,
        ])
        let paca = WireValue.array([.string("FAKEPACA")])
        let expected = WireValue.map([
            .init(key: .string("trades"), value: paca),
            .init(key: .string("quotes"), value: paca),
            .init(key: .string("bars"), value: paca),
            .init(key: .string("action"), value: .string("subscribe")),
        ])
        let decoded = try MsgPackReader.decode(Self.alpacaSubscribe)
        #expect(decoded == expected)
        #expect(decoded["action"] == .string("subscribe"))
        #expect(encoded(expected) == Self.alpacaSubscribe)
    }

    @Test("alpaca-py's auth frame: action first, then key and secret")
    func alpacaAuth() throws {
        let bytes: [UInt8] = [
            0x83, 0xa6, 0x61, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0xa4, 0x61, 0x75, 0x74, 0x68,
            0xa3, 0x6b, 0x65, 0x79, 0xa1, 0x6b, 0xa6, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0xa1, 0x73,
        ]
        let expected = WireValue.map([
            .init(key: .string("action"), value: .string("auth")),
            .init(key: .string("key"), value: .string("k")),
            .init(key: .string("secret"), value: .string("s")),
        ])
        #expect(try MsgPackReader.decode(bytes) == expected)
        #expect(try MsgPackReader.decode(bytes[...]) == expected, "any byte collection, not only arrays")
        #expect(encoded(expected) == bytes)
    }

    // MARK: Round trips

    @Test("random nested values round-trip exactly (seeded, so a failure reproduces)")
    func randomRoundTrips() throws {
        var rng = SplitMix64(seed: 0x71c_f0e9e)
        for i in 0..<600 {
            let value = rng.wireValue(depth: 4)
            let bytes = encoded(value)
            #expect(try MsgPackReader.decode(bytes) == value, "value \(i)")
        }
    }

    // MARK: Hostile input

    @Test("lengths that the remaining bytes cannot hold are refused before anything is allocated")
    func hugeLengths() {
        #expect(rejection([0xdd, 0xff, 0xff, 0xff, 0xff]) == .lengthTooLarge)  // array32 of 2^32-1
        #expect(rejection([0xdf, 0xff, 0xff, 0xff, 0xff]) == .lengthTooLarge)  // map32
        #expect(rejection([0xc6, 0xff, 0xff, 0xff, 0xff]) == .lengthTooLarge)  // bin32
        #expect(rejection([0xdb, 0xff, 0xff, 0xff, 0xff, 0x61]) == .lengthTooLarge)  // str32
        #expect(rejection([0xc9, 0xff, 0xff, 0xff, 0xff, 0x01]) == .lengthTooLarge)  // ext32
        #expect(rejection([0xdc, 0xff, 0xff] + [UInt8](repeating: 0, count: 100)) == .lengthTooLarge)
        #expect(rejection([0x83, 0, 0, 0, 0, 0]) == .lengthTooLarge, "three entries need at least six bytes")
        #expect(rejection([0xdd, 0xff]) == .truncated, "the header itself cut short")
        #expect(rejection([]) == .truncated)
    }

    @Test("nesting is capped at 64 levels, so hostile depth cannot overflow the stack")
    func depth() throws {
        #expect(MsgPackReader.maxDepth == 64)
        let ok = [UInt8](repeating: 0x91, count: 64) + [0xc0]
        #expect(rejection(ok) == nil)
        #expect(rejection([UInt8](repeating: 0x91, count: 65) + [0xc0]) == .tooDeep)
        #expect(rejection([UInt8](repeating: 0x91, count: 10_000)) == .tooDeep)
        // {nil: {nil: … {nil: nil}}}, nested through the values.
        let maps = [[UInt8]](repeating: [0x81, 0xc0], count: 64).joined()
        #expect(rejection(Array(maps) + [0xc0]) == nil)
        #expect(rejection([0x81, 0xc0] + Array(maps) + [0xc0]) == .tooDeep)
        #expect(rejection([UInt8](repeating: 0x81, count: 10_000)) == .tooDeep, "map keys count as nesting too")
    }

    @Test("0xc1 is never used; bytes after the top-level value are refused")
    func strayBytes() {
        #expect(rejection([0xc1]) == .invalidByte(0xc1))
        #expect(rejection([0x92, 0x01, 0xc1]) == .invalidByte(0xc1))
        #expect(rejection([0x01, 0x02]) == .trailingBytes)
        #expect(rejection([0x90, 0x90]) == .trailingBytes)
    }

    @Test("fuzz: random bytes, every truncation, single-byte mutations — a value or an error, never a trap")
    func fuzz() throws {
        var rng = SplitMix64(seed: 0xf022)
        // (a) Random byte strings. Whatever the reader accepts, the writer reproduces canonically:
        // decode(encode(v)) re-encodes to the same bytes.
        for _ in 0..<3_000 {
            let bytes = (0..<rng.below(65)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            try expectCanonicalIfAccepted(bytes)
        }
        for _ in 0..<150 {
            // Small messages keep the quadratic prefix loop fast; every kind of value still shows up.
            var valid: [UInt8] = []
            repeat {
                valid = encoded(.array((0..<4).map { _ in rng.wireValue(depth: 3) }))
            } while valid.count > 300
            // (b) Every strict prefix of a valid message must throw: msgpack is prefix-free, so a
            // prefix that decoded completely would make the whole message a value plus trailing bytes.
            for cut in 0..<valid.count {
                let error = rejection(Array(valid[..<cut]))
                #expect(error == .truncated || error == .lengthTooLarge, "prefix \(cut) of \(valid)")
            }
            // (c) Single-byte mutations.
            for _ in 0..<8 {
                var mutated = valid
                mutated[rng.below(mutated.count)] = UInt8(truncatingIfNeeded: rng.next())
                try expectCanonicalIfAccepted(mutated)
            }
        }
    }

    func expectCanonicalIfAccepted(_ bytes: [UInt8]) throws {
        guard let value = try? MsgPackReader.decode(bytes) else { return }
        // Compare bytes, not values: a NaN payload is equal to itself only bit for bit.
        let canonical = encoded(value)
        #expect(encoded(try MsgPackReader.decode(canonical)) == canonical, "\(bytes)")
    }

    // MARK: JSON text frames

    @Test("JSON: an Alpaca auth text becomes a map (keys sorted, since JSONSerialization loses order)")
    func jsonAuth() {
        let value = JSONWireDecoder.decode(Array(#"{"action": "auth", "key": "PKTEST", "secret": "shh é"}"#.utf8))
        #expect(value == .map([
            .init(key: .string("action"), value: .string("auth")),
            .init(key: .string("key"), value: .string("PKTEST")),
            .init(key: .string("secret"), value: .string("shh é")),
        ]))
        #expect(value?["action"]?.stringValue == "auth")
        let subscribe = JSONWireDecoder.decode(Array(#"{"action":"subscribe","trades":["AAPL","MSFT"],"bars":["*"]}"#.utf8))
        #expect(subscribe?["trades"] == .array([.string("AAPL"), .string("MSFT")]))
    }

    @Test("JSON: true is a .bool, 1 an .int, 1.5 a .double; null, big and integral numbers too")
    func jsonScalars() throws {
        let text = #"{"t":true,"f":false,"one":1,"zero":0,"neg":-7,"half":1.5,"whole":1.0,"null":null,"#
            + #""max":9223372036854775807,"min":-9223372036854775808,"umax":18446744073709551615,"huge":1e300,"list":[true,1,0]}"#
        let v = try #require(JSONWireDecoder.decode(Array(text.utf8)))
        #expect(v["t"] == .bool(true))
        #expect(v["f"] == .bool(false))
        #expect(v["one"] == .int(1))
        #expect(v["zero"] == .int(0))
        #expect(v["neg"] == .int(-7))
        #expect(v["half"] == .double(1.5))
        #expect(v["whole"] == .int(1), "integral numbers are integers whatever type Foundation picked")
        #expect(v["null"] == .null)
        #expect(v["max"] == .int(.max))
        #expect(v["min"] == .int(.min))
        #expect(v["umax"] == .uint(.max))
        #expect(v["huge"] == .double(1e300))
        #expect(v["list"] == .array([.bool(true), .int(1), .int(0)]))
    }

    @Test("JSON: invalid text, bare scalars and excessive nesting give nil, never a crash")
    func jsonInvalid() {
        for text in ["", "{", "nul", "1", #""auth""#, "true", "{\"a\":}", "[1,,2]", "{'a':1}"] {
            #expect(JSONWireDecoder.decode(Array(text.utf8)) == nil, "\(text)")
        }
        #expect(JSONWireDecoder.decode([0xff, 0xfe, 0x00]) == nil)
        #expect(JSONWireDecoder.decode(Array((String(repeating: "[", count: 64) + String(repeating: "]", count: 64)).utf8)) != nil)
        #expect(JSONWireDecoder.decode(Array((String(repeating: "[", count: 65) + String(repeating: "]", count: 65)).utf8)) == nil)
        #expect(JSONWireDecoder.decode(Array(String(repeating: "[", count: 10_000).utf8)) == nil)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and fully determined by its seed, unlike
/// `SystemRandomNumberGenerator`, so a failing case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// 0..<n by plain modulo (bias is irrelevant here; stability across Swift versions is not).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// A random value of every kind, with lengths chosen to cross the fix/8/16-bit boundaries.
    mutating func wireValue(depth: Int) -> WireValue {
        switch below(depth > 0 ? 13 : 11) {
        case 0: return .null
        case 1: return .bool(next() & 1 == 0)
        case 2, 3:
            // Shifting by a random amount spreads values over every integer width.
            return .int(Int64(bitPattern: next()) >> UInt64(below(64)))
        case 4: return .uint(UInt64(Int64.max) + 1 + next() % UInt64(Int64.max))
        case 5:
            var d = Double(bitPattern: next())
            if d.isNaN { d = -0.0 }  // NaN would not equal itself after the round trip
            return .double(d)
        case 6:
            let scalars: [Character] = ["a", "Z", "0", " ", "é", "€", "😀", "\u{0}", "\n"]
            let n = [0, 1, 5, 31, 32, 40, 300][below(7)]
            return .string(String((0..<n).map { _ in scalars[below(scalars.count)] }))
        case 7: return .binary((0..<[0, 3, 255, 256][below(4)]).map { _ in UInt8(truncatingIfNeeded: next()) })
        case 8:
            let seconds = next() & 1 == 0 ? Int64(bitPattern: next()) : Int64(next() >> 30)
            let nanoseconds = next() & 1 == 0 ? 0 : UInt32(next() % 1_000_000_000)
            return .timestamp(seconds: seconds, nanoseconds: nanoseconds)
        case 9:
            var type = Int8(truncatingIfNeeded: next())
            if type == -1 { type = 0 }
            return .ext(type: type, data: (0..<[0, 1, 2, 3, 4, 8, 16, 17][below(8)]).map { _ in UInt8(truncatingIfNeeded: next()) })
        case 10: return .int(Int64(below(256)) - 128)
        case 11:
            let n = [0, 1, 3, 15, 16][below(5)]
            return .array((0..<n).map { _ in wireValue(depth: depth - 1) })
        default:
            let n = [0, 1, 3, 15, 16][below(5)]
            return .map((0..<n).map { _ in .init(key: wireValue(depth: depth - 1), value: wireValue(depth: depth - 1)) })
        }
    }
}
