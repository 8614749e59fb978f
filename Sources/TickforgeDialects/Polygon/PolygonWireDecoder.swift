import TickforgeMarket

/// Reads frames of a Polygon/Massive stocks stream, as an upstream sends them to a proxy: the
/// events (`T`, `Q`, `A`, `AM`, `LULD`) become `MarketEvent`s, statuses are handed back apart,
/// and anything else is skipped.
///
/// It is the inverse of `PolygonEncoder`: an event decoded and encoded again gives the same bytes,
/// except for what the wire does not carry exactly (a bar's VWAPs come back to four decimals and
/// its trade count from its average size). It scans bytes without building strings or
/// dictionaries, because a proxy reads every event of its upstream.
public struct PolygonWireDecoder: UpstreamDecoding {
    /// A status message (`connected`, `auth_success`, `success`, `max_connections`, …).
    public typealias Status = UpstreamNotice
    public typealias Decoded = UpstreamFrame

    private var reader: WireFrameReader

    /// - Parameter resolve: the id a ticker goes by, `nil` to drop its events.
    public init(resolve: @escaping (String) -> SymbolID?) { reader = WireFrameReader(resolve: resolve) }

    /// Decodes one text frame: a JSON array of objects (a lone object is read as an array of one).
    /// Bytes that are not such JSON end the frame; what was read before them is kept.
    public mutating func decode(_ frame: [UInt8]) -> Decoded {
        var out = Decoded()
        frame.withUnsafeBufferPointer { buffer in
            reader.forEachObject(in: buffer) { fields, range, ids in
                let before = out.events.count
                Self.take(fields, buffer, &ids, into: &out)
                if out.events.count > before { out.eventRanges.append(range) }
            }
        }
        return out
    }

    private static let evT = WireKey.pack("T"), evQ = WireKey.pack("Q"), evA = WireKey.pack("A"), evAM = WireKey.pack("AM")
    private static let evLULD = WireKey.pack("LULD"), evStatus = WireKey.pack("status")

    private static func take(_ f: WireFields, _ buffer: UnsafeBufferPointer<UInt8>, _ ids: inout TickerIDs, into out: inout Decoded) {
        guard let evRange = f.textRange(.ev), evRange.count <= 8 else { out.skipped += 1; return }
        let ev = WireKey.pack(buffer[evRange])
        if ev == Self.evStatus {
            out.notices.append(Status(status: f.string(.status, buffer) ?? "", message: f.string(.message, buffer) ?? ""))
            return
        }
        guard let tickerRange = f.textRange(ev == Self.evLULD ? .bigT : .sym), let symbol = ids.id(buffer[tickerRange]) else {
            out.skipped += 1
            return
        }
        let event: MarketEvent?
        switch ev {
        case Self.evT: event = trade(f, symbol, buffer)
        case Self.evQ: event = quote(f, symbol)
        case Self.evA: event = bar(f, symbol, span: .second)
        case Self.evAM: event = bar(f, symbol, span: .minute)
        case Self.evLULD: event = luld(f, symbol)
        default: event = nil
        }
        if let event { out.events.append(event) } else { out.skipped += 1 }
    }

    private static func trade(_ f: WireFields, _ symbol: SymbolID, _ buffer: UnsafeBufferPointer<UInt8>) -> MarketEvent? {
        guard let p = f.number(.p), let t = f.number(.t) else { return nil }
        let ms = Timestamp.nanosPerMillisecond
        let trft = f.number(.trft)
        return .trade(Trade(
            symbol: symbol, timestamp: Timestamp(nanoseconds: t.integer * ms),
            participantTimestamp: Timestamp(nanoseconds: (f.number(.pt)?.integer ?? t.integer) * ms),
            sequence: f.number(.q)?.integer ?? 0, id: f.tradeID(buffer), price: Price(units: p.fixed4),
            size: Int32(clamping: f.number(.s)?.integer ?? 0), exchange: UInt8(clamping: f.number(.x)?.integer ?? 0),
            tape: f.tape, conditions: f.list, trfID: UInt16(clamping: f.number(.trfi)?.integer ?? 0),
            trfTimestamp: trft.map { Timestamp(nanoseconds: $0.integer * ms) }
        ))
    }

    private static func quote(_ f: WireFields, _ symbol: SymbolID) -> MarketEvent? {
        guard let t = f.number(.t) else { return nil }
        func units(_ k: WireKey) -> Price { Price(units: f.number(k)?.fixed4 ?? 0) }
        func small(_ k: WireKey) -> Int64 { f.number(k)?.integer ?? 0 }
        return .quote(Quote(
            symbol: symbol, timestamp: Timestamp(nanoseconds: t.integer * Timestamp.nanosPerMillisecond), sequence: small(.q),
            bidPrice: units(.bp), bidSize: Int32(clamping: small(.bs)), bidExchange: UInt8(clamping: small(.bx)),
            askPrice: units(.ap), askSize: Int32(clamping: small(.as)), askExchange: UInt8(clamping: small(.ax)),
            condition: UInt8(clamping: small(.c)), tape: f.tape
        ))
    }

    private static func bar(_ f: WireFields, _ symbol: SymbolID, span: BarSpan) -> MarketEvent? {
        guard let s = f.number(.s), let e = f.number(.e) else { return nil }
        func units(_ k: WireKey) -> Price { Price(units: f.number(k)?.fixed4 ?? 0) }
        let ms = Timestamp.nanosPerMillisecond
        let volume = f.number(.v)?.integer ?? 0
        let dayVolume = f.number(.av)?.integer ?? 0
        let averageSize = f.number(.z)?.integer ?? 0
        // The wire carries VWAPs and an average size, not their sums: these sums give them back.
        func notional(_ vwap: WireKey, _ volume: Int64) -> Int64 {
            let units = f.number(vwap)?.fixed4 ?? 0
            return units.multipliedReportingOverflow(by: volume).overflow ? 0 : units * volume
        }
        return .bar(Bar(
            symbol: symbol, span: span, start: Timestamp(nanoseconds: s.integer * ms), end: Timestamp(nanoseconds: e.integer * ms),
            open: units(.o), high: units(.h), low: units(.l), close: units(.c), volume: volume,
            tradeCount: averageSize > 0 ? Int32(clamping: volume / averageSize) : 0,
            vwapVolume: volume, notional: notional(.vw, volume),
            dayVolume: dayVolume, dayVWAPVolume: dayVolume, dayNotional: notional(.a, dayVolume), officialOpen: units(.op)
        ))
    }

    private static func luld(_ f: WireFields, _ symbol: SymbolID) -> MarketEvent? {
        guard let t = f.number(.t) else { return nil }
        return .luld(LULDBand(
            symbol: symbol, timestamp: Timestamp(nanoseconds: t.integer), sequence: f.number(.q)?.integer ?? 0,
            limitUp: Price(units: f.number(.h)?.fixed4 ?? 0), limitDown: Price(units: f.number(.l)?.fixed4 ?? 0),
            indicator: f.list.first { _ in true } ?? 0, tape: f.tape
        ))
    }
}

/// The keys a Polygon stocks event can carry, packed little-endian into a word so that matching
/// one costs an integer compare.
enum WireKey: Int, CaseIterable {
    case ev, sym, bigT, i, x, p, s, c, t, q, z, pt, trfi, trft, bx, bp, bs, ax, ap, `as`, v, av, op, vw, o, h, l, a, e, status, message
    // Alpaca's: the symbol, a bar's trade count, control messages, status words, LULD bands.
    case bigS, n, msg, code, sc, rc, u, d
    // Alpaca's corrections: the original print and the corrected one.
    case oi, os, oc, ci, cp, cs, cc // and `op`, which Polygon's aggregates share

    var name: String {
        switch self {
        case .bigT: "T"
        case .bigS: "S"
        case .as: "as"
        default: "\(self)"
        }
    }

    static let packed: [UInt64] = allCases.map { pack($0.name) }

    /// Up to eight bytes in a word, the first in the low byte.
    static func pack<C: Collection<UInt8>>(_ bytes: C) -> UInt64 {
        var word: UInt64 = 0, shift: UInt64 = 0
        for b in bytes.prefix(8) {
            word |= UInt64(b) << shift
            shift += 8
        }
        return word
    }

    static func pack(_ text: String) -> UInt64 { pack(Array(text.utf8)) }

    static func matching(_ word: UInt64) -> WireKey? {
        guard let n = packed.firstIndex(of: word) else { return nil }
        return WireKey(rawValue: n)
    }
}

/// A JSON number as read: digits and a decimal scale, so prices convert exactly.
struct WireNumber {
    var mantissa: Int64
    var scale: Int

    /// The number in units of 1/10,000 (a `Price`), rounding past four decimals.
    var fixed4: Int64 { fixed(decimals: 4) }

    /// The number in units of 10^-decimals, rounding past them.
    func fixed(decimals: Int) -> Int64 {
        if scale <= decimals {
            var v = mantissa
            for _ in scale..<decimals { v = v.multipliedReportingOverflow(by: 10).partialValue }
            return v
        }
        var divisor: Int64 = 1
        for _ in decimals..<min(scale, decimals + 18) { divisor = divisor.multipliedReportingOverflow(by: 10).partialValue }
        return (mantissa + (mantissa >= 0 ? divisor / 2 : -divisor / 2)) / divisor
    }

    /// The integer part.
    var integer: Int64 {
        var v = mantissa
        for _ in 0..<min(scale, 19) { v /= 10 }
        return v
    }
}

/// What one event object held: numbers by key, text by key (as byte ranges of the frame), and the
/// one list of small integers an event has (trade conditions or LULD indicators).
///
/// A bit per key says what is present, so one instance is reset and reused for every object of a
/// frame without allocating.
struct WireFields {
    private var numbers = [WireNumber](repeating: WireNumber(mantissa: 0, scale: 0), count: WireKey.allCases.count)
    private var texts = [Range<Int>](repeating: 0..<0, count: WireKey.allCases.count)
    private var numbersPresent: UInt64 = 0
    private var textsPresent: UInt64 = 0

    mutating func reset() {
        numbersPresent = 0
        textsPresent = 0
        list = TradeConditions()
        correctedList = TradeConditions()
    }

    func number(_ key: WireKey) -> WireNumber? { numbersPresent & (1 << key.rawValue) != 0 ? numbers[key.rawValue] : nil }
    func textRange(_ key: WireKey) -> Range<Int>? { textsPresent & (1 << key.rawValue) != 0 ? texts[key.rawValue] : nil }

    mutating func set(_ key: WireKey, n: WireNumber) {
        numbers[key.rawValue] = n
        numbersPresent |= 1 << key.rawValue
    }

    mutating func set(_ key: WireKey, text range: Range<Int>) {
        texts[key.rawValue] = range
        textsPresent |= 1 << key.rawValue
    }
    /// Small codes, at most four kept (as a trade's conditions are).
    var list = TradeConditions()
    /// A correction's second list: the corrected print's conditions (`cc`; `oc` goes to `list`).
    var correctedList = TradeConditions()

    func string(_ key: WireKey, _ buffer: UnsafeBufferPointer<UInt8>) -> String? {
        textRange(key).map { String(decoding: buffer[$0], as: UTF8.self) }
    }

    /// A trade's `i`: the vendor's id is a string of digits; one that is not gets a stable hash
    /// (FNV-1a), so that corrections and duplicates still match.
    func tradeID(_ buffer: UnsafeBufferPointer<UInt8>) -> Int64 {
        if let n = number(.i) { return n.integer }
        guard let range = textRange(.i) else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in buffer[range] { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int64(bitPattern: hash & 0x7fff_ffff_ffff_ffff)
    }

    var tape: Tape { Tape(rawValue: UInt8(clamping: number(.z)?.integer ?? 1)) ?? .a }
}

/// A forward-only reader of JSON bytes: enough of JSON to read flat event objects and skip
/// anything else well-formed.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }
    mutating func advance() { position += 1 }

    mutating func skipSpace() {
        while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x0D || bytes[position] == 0x09 {
            position += 1
        }
    }

    /// Reads `{…}` at the position into `fields`; false if it is not well-formed.
    mutating func readObject(into fields: inout WireFields) -> Bool {
        guard peek == UInt8(ascii: "{") else { return false }
        advance()
        skipSpace()
        if peek == UInt8(ascii: "}") { advance(); return true }
        while true {
            skipSpace()
            guard let keyRange = readString() else { return false }
            skipSpace()
            guard peek == UInt8(ascii: ":") else { return false }
            advance()
            skipSpace()
            let key = keyRange.count <= 8 ? WireKey.matching(WireKey.pack(bytes[keyRange])) : nil
            guard readValue(for: key, into: &fields) else { return false }
            skipSpace()
            switch peek {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "}"): advance(); return true
            default: return false
            }
        }
    }

    private mutating func readValue(for key: WireKey?, into fields: inout WireFields) -> Bool {
        guard let next = peek else { return false }
        switch next {
        case UInt8(ascii: "\""):
            guard let range = readString() else { return false }
            if let key {
                fields.set(key, text: range)
                // A trade's id is a string of digits.
                if key == .i, let n = Self.digits(bytes[range]) { fields.set(key, n: WireNumber(mantissa: n, scale: 0)) }
            }
            return true
        case UInt8(ascii: "["):
            guard let key, [.c, .i, .oc, .cc].contains(key) else { return skipValue() }
            advance()
            while true {
                skipSpace()
                if peek == UInt8(ascii: "]") { advance(); return true }
                // Polygon's codes are numbers; Alpaca's are one-character strings (kept as that character).
                let code: UInt8
                if peek == UInt8(ascii: "\"") {
                    guard let range = readString() else { return false }
                    code = range.isEmpty ? 0 : bytes[range.lowerBound]
                } else {
                    guard let n = readNumber() else { return false }
                    code = UInt8(truncatingIfNeeded: n.integer)
                }
                if key == .cc { fields.correctedList.insert(code) } else { fields.list.insert(code) }
                skipSpace()
                if peek == UInt8(ascii: ",") { advance() }
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard let n = readNumber() else { return false }
            if let key { fields.set(key, n: n) }
            return true
        default:
            return skipValue()
        }
    }

    /// The range of a string's contents (escapes left as they are), the position after its quote.
    mutating func readString() -> Range<Int>? {
        guard peek == UInt8(ascii: "\"") else { return nil }
        advance()
        let start = position
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\\"): position += 2
            case UInt8(ascii: "\""):
                defer { position += 1 }
                return start..<position
            default: position += 1
            }
        }
        return nil
    }

    mutating func readNumber() -> WireNumber? {
        var negative = false
        if peek == UInt8(ascii: "-") { negative = true; advance() }
        var mantissa: Int64 = 0, scale = 0, digits = 0, fraction = false, any = false
        loop: while let b = peek {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                any = true
                // Digits past 18 are dropped (they carry nothing a price or a stamp needs).
                if digits < 18 {
                    mantissa = mantissa * 10 + Int64(b - UInt8(ascii: "0"))
                    digits += mantissa == 0 ? 0 : 1
                    if fraction { scale += 1 }
                } else if !fraction {
                    return nil
                }
                advance()
            case UInt8(ascii: "."):
                guard !fraction else { return nil }
                fraction = true
                advance()
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                return nil
            default:
                break loop
            }
        }
        guard any else { return nil }
        return WireNumber(mantissa: negative ? -mantissa : mantissa, scale: scale)
    }

    /// Skips any well-formed value.
    mutating func skipValue() -> Bool {
        guard let next = peek else { return false }
        switch next {
        case UInt8(ascii: "\""): return readString() != nil
        case UInt8(ascii: "{"):
            var ignored = WireFields()
            return readObject(into: &ignored)
        case UInt8(ascii: "["):
            advance()
            while true {
                skipSpace()
                if peek == UInt8(ascii: "]") { advance(); return true }
                guard skipValue() else { return false }
                skipSpace()
                if peek == UInt8(ascii: ",") { advance() }
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return readNumber() != nil
        default:
            for word in ["true", "false", "null"] where bytes.count - position >= word.utf8.count {
                if Array(bytes[position..<position + word.utf8.count]) == Array(word.utf8) {
                    position += word.utf8.count
                    return true
                }
            }
            return false
        }
    }

    static func digits(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var v: Int64 = 0
        for b in bytes {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + Int64(b - UInt8(ascii: "0"))
        }
        return v
    }
}
