import TickforgeMarket

/// The `/v2/test` stream's fixed messages, value for value as Alpaca's own test stream sends
/// them (notes §5, §8.5): a trade and a quote about every 5 s and a bar after each minute, each in
/// its own array, around the clock. Code written against the real test stream runs unchanged.
public enum FakepacaFeed {
    public static let symbol = "FAKEPACA"
    /// Trades and quotes come this often.
    public static let tickInterval: Int64 = 5 * Timestamp.nanosPerSecond

    public static func trade(at t: Timestamp, codec: AlpacaCodec) -> [UInt8] {
        frame(codec) { w, out in
            w.begin(type: "t", fields: 9, symbol: encodedSymbol(codec), out: &out)
            w.key("i", &out); w.int(1, &out)
            w.key("x", &out); w.letter(UInt8(ascii: "N"), &out)
            w.key("p", &out); w.price(Price(units: 1_345_600), &out)
            w.key("s", &out); w.int(3, &out)
            w.key("c", &out); w.letters((UInt8(ascii: " "), 0, 0, 0, 0), count: 1, &out)
            w.key("z", &out); w.letter(UInt8(ascii: "A"), &out)
            w.key("t", &out); w.time(t, &out)
            w.end(&out)
        }
    }

    public static func quote(at t: Timestamp, codec: AlpacaCodec) -> [UInt8] {
        frame(codec) { w, out in
            w.begin(type: "q", fields: 11, symbol: encodedSymbol(codec), out: &out)
            w.key("bx", &out); w.letter(UInt8(ascii: "O"), &out)
            w.key("bp", &out); w.price(Price(units: 1_338_500), &out)
            w.key("bs", &out); w.int(4, &out)
            w.key("ax", &out); w.letter(UInt8(ascii: "R"), &out)
            w.key("ap", &out); w.price(Price(units: 1_357_700), &out)
            w.key("as", &out); w.int(5, &out)
            w.key("c", &out); w.letters((UInt8(ascii: "R"), 0, 0, 0, 0), count: 1, &out)
            w.key("z", &out); w.letter(UInt8(ascii: "A"), &out)
            w.key("t", &out); w.time(t, &out)
            w.end(&out)
        }
    }

    /// The bar of the minute starting at `minuteStart`, sent just after that minute ends.
    public static func bar(minuteStart: Timestamp, codec: AlpacaCodec) -> [UInt8] {
        frame(codec) { w, out in
            w.begin(type: "b", fields: 10, symbol: encodedSymbol(codec), out: &out)
            w.key("o", &out); w.price(Price(units: 1_326_500), &out)
            w.key("h", &out); w.price(Price(units: 1_360_000), &out)
            w.key("l", &out); w.price(Price(units: 1_321_200), &out)
            w.key("c", &out); w.price(Price(units: 1_346_500), &out)
            w.key("v", &out); w.int(205, &out)
            w.key("t", &out); w.time(minuteStart, &out)
            w.key("n", &out); w.int(16, &out)
            w.key("vw", &out); w.price(Price(units: 1_337_000), &out)
            w.end(&out)
        }
    }

    private static func encodedSymbol(_ codec: AlpacaCodec) -> [UInt8] {
        var out: [UInt8] = []
        switch codec {
        case .json: JSONText.appendString(symbol, to: &out)
        case .msgpack: MsgPackWriter.appendString(symbol, to: &out)
        }
        return out
    }

    private static func frame(_ codec: AlpacaCodec, _ body: (AlpacaMessageWriter, inout [UInt8]) -> Void) -> [UInt8] {
        var out: [UInt8] = []
        let encoder = AlpacaEncoder(codec: codec)
        encoder.appendFramePrefix(eventCount: 1, to: &out)
        body(AlpacaMessageWriter(codec: codec), &out)
        out.append(contentsOf: encoder.frameSuffix)
        return out
    }
}
