import TickforgeFeed
import TickforgeMarket

/// Alpaca v2 stock messages (notes §3.1), in JSON or msgpack: `T` first, keys in Alpaca's wire
/// order, prices as floats, sizes and ids as integers, exchanges and tapes as letters, conditions
/// as strings. In msgpack, `t` is the timestamp extension (type −1); in JSON it is RFC 3339 with
/// nanoseconds trimmed.
public struct AlpacaEncoder: DialectEncoder {
    public let codec: AlpacaCodec
    /// Pre-encoded `S` value per symbol id (a JSON string or a msgpack str).
    private var symbols: [[UInt8]] = []

    public init(codec: AlpacaCodec) { self.codec = codec }

    public mutating func register(_ symbol: SymbolID, ticker: String) {
        while symbols.count <= Int(symbol) { symbols.append([]) }
        var encoded: [UInt8] = []
        switch codec {
        case .json: JSONText.appendString(ticker, to: &encoded)
        case .msgpack: MsgPackWriter.appendString(ticker, to: &encoded)
        }
        symbols[Int(symbol)] = encoded
    }

    public func appendFramePrefix(eventCount: Int, to frame: inout [UInt8]) {
        switch codec {
        case .json: frame.append(UInt8(ascii: "["))
        case .msgpack: MsgPackWriter.appendArrayHeader(count: eventCount, to: &frame)
        }
    }

    public var frameSeparator: [UInt8] { codec == .json ? [UInt8(ascii: ",")] : [] }
    public var frameSuffix: [UInt8] { codec == .json ? [UInt8(ascii: "]")] : [] }

    /// Alpaca sizes quotes in round lots (notes §3.1), Polygon in shares.
    static func lots(_ shares: Int32, at price: Price) -> Int64 {
        shares <= 0 ? 0 : max(1, Int64(shares / price.roundLot))
    }

    public func encode(_ event: MarketEvent, into out: inout [UInt8]) -> Bool {
        // Second bars have no Alpaca form; minute bars are `b` (`bars`), the day so far `d` (`dailyBars`).
        if case .bar(let b) = event, b.span == .second { return false }
        let w = AlpacaMessageWriter(codec: codec)
        switch event {
        case .trade(let t):
            let conditions = AlpacaVocabulary.conditions(t.conditions, tape: t.tape)
            w.begin(type: "t", fields: 9, symbol: symbols[Int(t.symbol)], out: &out)
            w.key("i", &out); w.int(t.id, &out)
            w.key("x", &out); w.letter(AlpacaVocabulary.exchange(t.exchange), &out)
            w.key("p", &out); w.price(t.price, &out)
            w.key("s", &out); w.int(Int64(t.size), &out)
            w.key("c", &out); w.letters(conditions.chars, count: conditions.count, &out)
            w.key("z", &out); w.letter(AlpacaVocabulary.tape(t.tape), &out)
            w.key("t", &out); w.time(t.timestamp, &out)
            w.end(&out)
        case .quote(let q):
            w.begin(type: "q", fields: 11, symbol: symbols[Int(q.symbol)], out: &out)
            w.key("bx", &out); w.letter(AlpacaVocabulary.exchange(q.bidExchange), &out)
            w.key("bp", &out); w.price(q.bidPrice, &out)
            w.key("bs", &out); w.int(Self.lots(q.bidSize, at: q.bidPrice), &out)
            w.key("ax", &out); w.letter(AlpacaVocabulary.exchange(q.askExchange), &out)
            w.key("ap", &out); w.price(q.askPrice, &out)
            w.key("as", &out); w.int(Self.lots(q.askSize, at: q.askPrice), &out)
            w.key("c", &out); w.letters((AlpacaVocabulary.quoteCondition, 0, 0, 0, 0), count: 1, &out)
            w.key("z", &out); w.letter(AlpacaVocabulary.tape(q.tape), &out)
            w.key("t", &out); w.time(q.timestamp, &out)
            w.end(&out)
        case .status(let st):
            guard let words = AlpacaVocabulary.status(st) else { return false }
            w.begin(type: "s", fields: 8, symbol: symbols[Int(st.symbol)], out: &out)
            w.key("sc", &out); w.string(words.sc, &out)
            w.key("sm", &out); w.string(words.sm, &out)
            w.key("rc", &out); w.string(words.rc, &out)
            w.key("rm", &out); w.string(words.rm, &out)
            w.key("t", &out); w.time(st.timestamp, &out)
            w.key("z", &out); w.letter(AlpacaVocabulary.tape(st.tape), &out)
            w.end(&out)
        case .luld(let l):
            // Halts and resumptions travel as statuses on Alpaca; only bands are `l` messages.
            guard l.isBand else { return false }
            w.begin(type: "l", fields: 7, symbol: symbols[Int(l.symbol)], out: &out)
            w.key("u", &out); w.price(l.limitUp, &out)
            w.key("d", &out); w.price(l.limitDown, &out)
            w.key("i", &out); w.letter(UInt8(ascii: "B"), &out)
            w.key("t", &out); w.time(l.timestamp, &out)
            w.key("z", &out); w.letter(AlpacaVocabulary.tape(l.tape), &out)
            w.end(&out)
        case .correction(let c):
            let o = c.original
            if let fixed = c.corrected {
                let oc = AlpacaVocabulary.conditions(o.conditions, tape: c.tape), cc = AlpacaVocabulary.conditions(fixed.conditions, tape: c.tape)
                w.begin(type: "c", fields: 13, symbol: symbols[Int(c.symbol)], out: &out)
                w.key("x", &out); w.letter(AlpacaVocabulary.exchange(c.exchange), &out)
                w.key("oi", &out); w.int(o.id, &out)
                w.key("op", &out); w.price(o.price, &out)
                w.key("os", &out); w.int(Int64(o.size), &out)
                w.key("oc", &out); w.letters(oc.chars, count: oc.count, &out)
                w.key("ci", &out); w.int(fixed.id, &out)
                w.key("cp", &out); w.price(fixed.price, &out)
                w.key("cs", &out); w.int(Int64(fixed.size), &out)
                w.key("cc", &out); w.letters(cc.chars, count: cc.count, &out)
                w.key("z", &out); w.letter(AlpacaVocabulary.tape(c.tape), &out)
                w.key("t", &out); w.time(c.timestamp, &out)
            } else {
                w.begin(type: "x", fields: 9, symbol: symbols[Int(c.symbol)], out: &out)
                w.key("i", &out); w.int(o.id, &out)
                w.key("x", &out); w.letter(AlpacaVocabulary.exchange(c.exchange), &out)
                w.key("p", &out); w.price(o.price, &out)
                w.key("s", &out); w.int(Int64(o.size), &out)
                w.key("a", &out); w.letter(c.outcome == .erroneous ? UInt8(ascii: "E") : UInt8(ascii: "C"), &out)
                w.key("z", &out); w.letter(AlpacaVocabulary.tape(c.tape), &out)
                w.key("t", &out); w.time(c.timestamp, &out)
            }
            w.end(&out)
        case .bar(let b):
            w.begin(type: b.span == .day ? "d" : "b", fields: 10, symbol: symbols[Int(b.symbol)], out: &out)
            w.key("o", &out); w.price(b.open, &out)
            w.key("h", &out); w.price(b.high, &out)
            w.key("l", &out); w.price(b.low, &out)
            w.key("c", &out); w.price(b.close, &out)
            w.key("v", &out); w.int(b.volume, &out)
            w.key("t", &out); w.time(b.start, &out)
            w.key("n", &out); w.int(Int64(b.tradeCount), &out)
            w.key("vw", &out); w.double(b.vwap, decimals: 6, &out)
            w.end(&out)
        }
        return true
    }
}

/// Writes one Alpaca map in either codec, so each message's field list is written once.
struct AlpacaMessageWriter {
    let codec: AlpacaCodec

    /// Opens the map with `T` and `S`; `fields` counts every key including those two.
    func begin(type: StaticString, fields: Int, symbol: [UInt8], out: inout [UInt8]) {
        switch codec {
        case .json:
            raw(#"{"T":""#, &out); raw(type, &out); raw(#"","S":"#, &out)
        case .msgpack:
            MsgPackWriter.appendMapHeader(count: fields, to: &out)
            MsgPackWriter.appendStaticString("T", to: &out)
            MsgPackWriter.appendStaticString(type, to: &out)
            MsgPackWriter.appendStaticString("S", to: &out)
        }
        out.append(contentsOf: symbol)
    }

    func end(_ out: inout [UInt8]) {
        if codec == .json { out.append(UInt8(ascii: "}")) }
    }

    func key(_ k: StaticString, _ out: inout [UInt8]) {
        switch codec {
        case .json:
            out.append(UInt8(ascii: ",")); out.append(UInt8(ascii: "\"")); raw(k, &out); out.append(UInt8(ascii: "\"")); out.append(UInt8(ascii: ":"))
        case .msgpack:
            MsgPackWriter.appendStaticString(k, to: &out)
        }
    }

    func int(_ v: Int64, _ out: inout [UInt8]) {
        switch codec {
        case .json: DecimalText.appendInteger(v, to: &out)
        case .msgpack: MsgPackWriter.appendInt(v, to: &out)
        }
    }

    /// A price: exact decimal text in JSON (Go prints the same shortest form for these), float64 in msgpack.
    func price(_ p: Price, _ out: inout [UInt8]) {
        switch codec {
        case .json: DecimalText.appendFixed(p.units, scale: 4, to: &out)
        case .msgpack: MsgPackWriter.appendDouble(Double(p.units) / 10_000, to: &out)
        }
    }

    func double(_ v: Double, decimals: Int, _ out: inout [UInt8]) {
        switch codec {
        case .json: DecimalText.appendRounded(v, scale: decimals, to: &out)
        case .msgpack:
            var m = 1.0
            for _ in 0..<decimals { m *= 10 }
            MsgPackWriter.appendDouble((v * m).rounded() / m, to: &out)
        }
    }

    /// A short string (JSON-escaped in JSON).
    func string(_ text: String, _ out: inout [UInt8]) {
        switch codec {
        case .json: JSONText.appendString(text, to: &out)
        case .msgpack: MsgPackWriter.appendString(text, to: &out)
        }
    }

    /// A one-letter string.
    func letter(_ ch: UInt8, _ out: inout [UInt8]) {
        switch codec {
        case .json: out.append(UInt8(ascii: "\"")); out.append(ch); out.append(UInt8(ascii: "\""))
        case .msgpack: out.append(0xA1); out.append(ch)
        }
    }

    /// An array of one-letter strings.
    func letters(_ chars: (UInt8, UInt8, UInt8, UInt8, UInt8), count: Int, _ out: inout [UInt8]) {
        withUnsafeBytes(of: chars) { all in
            switch codec {
            case .json:
                out.append(UInt8(ascii: "["))
                for i in 0..<count {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    letter(all[i], &out)
                }
                out.append(UInt8(ascii: "]"))
            case .msgpack:
                MsgPackWriter.appendArrayHeader(count: count, to: &out)
                for i in 0..<count { letter(all[i], &out) }
            }
        }
    }

    func time(_ t: Timestamp, _ out: inout [UInt8]) {
        switch codec {
        case .json: out.append(UInt8(ascii: "\"")); RFC3339Nano.append(t, to: &out); out.append(UInt8(ascii: "\""))
        case .msgpack: MsgPackWriter.appendTimestamp(nanosecondsSinceEpoch: t.nanoseconds, to: &out)
        }
    }

    private func raw(_ s: StaticString, _ out: inout [UInt8]) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }
}
