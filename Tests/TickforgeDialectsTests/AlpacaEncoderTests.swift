import Testing
import TickforgeMarket
@testable import TickforgeDialects

@Suite("Alpaca messages: keys, order and types of the protocol notes §3, in JSON and msgpack")
struct AlpacaEncoderTests {
    static let t = Timestamp(nanoseconds: 1_680_782_066_838_232_225) // 2023-04-06T11:54:26.838232225Z

    func encoders() -> (json: AlpacaEncoder, msgpack: AlpacaEncoder) {
        var json = AlpacaEncoder(codec: .json), msgpack = AlpacaEncoder(codec: .msgpack)
        json.register(0, ticker: "AAPL")
        msgpack.register(0, ticker: "AAPL")
        return (json, msgpack)
    }

    func json(_ e: MarketEvent) -> String {
        var out: [UInt8] = []
        _ = encoders().json.encode(e, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func msgpack(_ e: MarketEvent) throws -> WireValue {
        var out: [UInt8] = []
        _ = encoders().msgpack.encode(e, into: &out)
        return try MsgPackReader.decode(out)
    }

    func trade() -> MarketEvent {
        .trade(Trade(symbol: 0, timestamp: Self.t, participantTimestamp: Self.t, sequence: 1, id: 628, price: Price(units: 1_629_200), size: 3,
                     exchange: 8, tape: .c, conditions: TradeConditions([TradeConditions.intermarketSweep, TradeConditions.formT, TradeConditions.oddLot]),
                     trfID: 0, trfTimestamp: nil))
    }

    @Test("a trade, byte for byte as the docs' example: letters for x and z, SIP characters for c")
    func tradeJSON() {
        #expect(json(trade()) == #"{"T":"t","S":"AAPL","i":628,"x":"K","p":162.92,"s":3,"c":["@","F","T","I"],"z":"C","t":"2023-04-06T11:54:26.838232225Z"}"#)
    }

    @Test("a quote: sizes in round lots, a one-letter condition list")
    func quoteJSON() {
        let q = Quote(symbol: 0, timestamp: Timestamp(nanoseconds: 1_680_782_061_670_905_508), sequence: 2, bidPrice: Price(units: 919_500), bidSize: 200,
                      bidExchange: 8, askPrice: Price(units: 919_800), askSize: 100, askExchange: 12, condition: 0, tape: .c)
        #expect(json(.quote(q)) == #"{"T":"q","S":"AAPL","bx":"K","bp":91.95,"bs":2,"ax":"Q","ap":91.98,"as":1,"c":["R"],"z":"C","t":"2023-04-06T11:54:21.670905508Z"}"#)
    }

    @Test("a minute bar always carries n and vw; integral prices print without .0; a whole minute has no fraction")
    func barJSON() {
        let start = Timestamp(nanoseconds: 1_614_021_300_000_000_000) // 2021-02-22T19:15:00Z
        let b = Bar(symbol: 0, span: .minute, start: start, end: start + Timestamp.nanosPerMinute, open: Price(units: 3_889_850), high: Price(units: 3_900_000),
                    low: Price(units: 3_889_750), close: Price(units: 3_891_200), volume: 100, tradeCount: 461, vwapVolume: 100, notional: 389_062_639,
                    dayVolume: 100, dayVWAPVolume: 100, dayNotional: 0, officialOpen: Price(units: 3_889_850))
        #expect(json(.bar(b)) == #"{"T":"b","S":"AAPL","o":388.985,"h":390,"l":388.975,"c":389.12,"v":100,"t":"2021-02-22T19:15:00Z","n":461,"vw":389.062639}"#)
        var daily = b
        daily.span = .day
        daily.start = Timestamp(nanoseconds: 1_613_970_000_000_000_000) // New York midnight, 2021-02-22T05:00:00Z
        #expect(json(.bar(daily)) == #"{"T":"d","S":"AAPL","o":388.985,"h":390,"l":388.975,"c":389.12,"v":100,"t":"2021-02-22T05:00:00Z","n":461,"vw":389.062639}"#)
        var second = b
        second.span = .second
        var out: [UInt8] = []
        #expect(!encoders().json.encode(.bar(second), into: &out) && out.isEmpty, "second bars have no Alpaca form")
    }

    @Test("msgpack: T is the first key, t is the timestamp extension, prices are floats, sizes integers")
    func tradeMsgpack() throws {
        let m = try msgpack(trade())
        guard case .map(let entries) = m else {
            Issue.record("not a map: \(m)")
            return
        }
        #expect(entries.map { $0.key.stringValue ?? "?" } == ["T", "S", "i", "x", "p", "s", "c", "z", "t"])
        #expect(m["T"] == .string("t") && m["S"] == .string("AAPL") && m["x"] == .string("K"))
        #expect(m["p"] == .double(162.92) && m["s"] == .int(3) && m["i"] == .int(628))
        #expect(m["c"] == .array([.string("@"), .string("F"), .string("T"), .string("I")]))
        #expect(m["t"] == .timestamp(seconds: 1_680_782_066, nanoseconds: 838_232_225))
    }

    @Test("a msgpack frame is an array whose header counts its events")
    func msgpackFrame() throws {
        let e = encoders().msgpack
        var frame: [UInt8] = []
        e.appendFramePrefix(eventCount: 2, to: &frame)
        _ = e.encode(trade(), into: &frame)
        frame.append(contentsOf: e.frameSeparator)
        _ = e.encode(trade(), into: &frame)
        frame.append(contentsOf: e.frameSuffix)
        guard case .array(let items) = try MsgPackReader.decode(frame) else {
            Issue.record("not an array")
            return
        }
        #expect(items.count == 2)
    }

    @Test("RFC 3339 with nanoseconds, trailing zeros trimmed, like Go's RFC3339Nano")
    func timestamps() {
        func text(_ ns: Int64) -> String {
            var out: [UInt8] = []
            RFC3339Nano.append(Timestamp(nanoseconds: ns), to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(text(1_613_994_704_208_000_000) == "2021-02-22T11:51:44.208Z")
        #expect(text(1_680_786_942_835_409_580) == "2023-04-06T13:15:42.83540958Z")
        #expect(text(1_614_021_300_000_000_000) == "2021-02-22T19:15:00Z")
        #expect(text(0) == "1970-01-01T00:00:00Z")
    }

    @Test("FAKEPACA's events, written by the encoder, are Alpaca's test-stream messages, value for value, in JSON and msgpack")
    func fakepaca() throws {
        let t = Timestamp(nanoseconds: 1_721_807_813_639_713_735) // 2024-07-24T07:56:53.639713735Z
        let minute = Timestamp(nanoseconds: 1_721_807_760_000_000_000) // 07:56:00
        #expect(json(FakepacaFeed.quote(0, at: t)).replacingOccurrences(of: "AAPL", with: "FAKEPACA")
            == #"{"T":"q","S":"FAKEPACA","bx":"O","bp":133.85,"bs":4,"ax":"R","ap":135.77,"as":5,"c":["R"],"z":"A","t":"2024-07-24T07:56:53.639713735Z"}"#)
        #expect(json(FakepacaFeed.trade(0, at: t)).replacingOccurrences(of: "AAPL", with: "FAKEPACA")
            == #"{"T":"t","S":"FAKEPACA","i":1,"x":"N","p":134.56,"s":3,"c":[" "],"z":"A","t":"2024-07-24T07:56:53.639713735Z"}"#)
        #expect(json(FakepacaFeed.bar(0, minuteStart: minute)).replacingOccurrences(of: "AAPL", with: "FAKEPACA")
            == #"{"T":"b","S":"FAKEPACA","o":132.65,"h":136,"l":132.12,"c":134.65,"v":205,"t":"2024-07-24T07:56:00Z","n":16,"vw":133.7}"#)
        let quote = try msgpack(FakepacaFeed.quote(0, at: t)), bar = try msgpack(FakepacaFeed.bar(0, minuteStart: minute))
        #expect(quote["bx"] == .string("O") && quote["ax"] == .string("R") && quote["bs"] == .int(4))
        #expect(bar["vw"] == .double(133.7) && bar["h"] == .double(136))
    }
}
