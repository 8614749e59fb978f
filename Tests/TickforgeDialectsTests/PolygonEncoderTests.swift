import Testing
import TickforgeFeed
import TickforgeMarket
@testable import TickforgeDialects

@Suite("Polygon/Massive event encoding (notes §3, §4.5, §8.5)")
struct PolygonEncoderTests {
    func encode(_ e: MarketEvent) -> String {
        var enc = PolygonEncoder()
        enc.register(0, ticker: "AAPL")
        var out: [UInt8] = []
        _ = enc.encode(e, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("trade: ev first, string id, integer sizes, ms timestamps, c omitted when empty")
    func trade() {
        let t = Trade(symbol: 0, timestamp: Timestamp(nanoseconds: 1_536_036_818_784_123_456), participantTimestamp: Timestamp(nanoseconds: 1_536_036_818_763_000_000),
                      sequence: 3_681_328, id: 12_345, price: Price(units: 1_141_250), size: 100, exchange: 12, tape: .c, conditions: TradeConditions(), trfID: 0, trfTimestamp: nil)
        #expect(encode(.trade(t)) == #"{"ev":"T","sym":"AAPL","i":"12345","x":12,"p":114.125,"s":100,"t":1536036818784,"q":3681328,"z":3,"pt":1536036818763}"#)
        var trf = t
        trf.exchange = 4; trf.conditions = TradeConditions([12, 37]); trf.trfID = 202; trf.trfTimestamp = Timestamp(nanoseconds: 1_536_036_818_780_000_000)
        #expect(encode(.trade(trf)) == #"{"ev":"T","sym":"AAPL","i":"12345","x":4,"p":114.125,"s":100,"c":[12,37],"t":1536036818784,"q":3681328,"z":3,"pt":1536036818763,"trfi":202,"trft":1536036818780}"#)
    }

    @Test("quote: shares, integer condition")
    func quote() {
        let q = Quote(symbol: 0, timestamp: Timestamp(nanoseconds: 1_536_036_818_784_000_000), sequence: 50_385_480, bidPrice: Price(units: 1_141_200),
                      bidSize: 300, bidExchange: 4, askPrice: Price(units: 1_141_300), askSize: 200, askExchange: 7, condition: 0, tape: .c)
        #expect(encode(.quote(q)) == #"{"ev":"Q","sym":"AAPL","bx":4,"bp":114.12,"bs":300,"ax":7,"ap":114.13,"as":200,"c":0,"t":1536036818784,"q":50385480,"z":3}"#)
    }

    @Test("aggregates: A for seconds, AM for minutes, integer volumes, ms window")
    func aggregates() {
        let b = Bar(symbol: 0, span: .minute, start: Timestamp(nanoseconds: 1_610_144_640_000_000_000), end: Timestamp(nanoseconds: 1_610_144_700_000_000_000),
                    open: Price(units: 4_488), high: Price(units: 4_489), low: Price(units: 4_486), close: Price(units: 4_486), volume: 4_110, tradeCount: 6, vwapVolume: 4_110, notional: 4_110 * 4_488,
                    dayVolume: 9_470_157, dayVWAPVolume: 9_470_157, dayNotional: 9_470_157 * 4_352, officialOpen: Price(units: 4_372))
        #expect(encode(.bar(b)) == #"{"ev":"AM","sym":"AAPL","v":4110,"av":9470157,"op":0.4372,"vw":0.4488,"o":0.4488,"c":0.4486,"h":0.4489,"l":0.4486,"a":0.4352,"z":685,"s":1610144640000,"e":1610144700000}"#)
        var s = b
        s.span = .second
        #expect(encode(.bar(s)).hasPrefix(#"{"ev":"A","sym""#))
    }

    @Test("numbers print as the shared decimal formatter prints them, from zero to the widest values")
    func numbersMatchDecimalText() {
        func reference(_ units: Int64) -> String {
            var out: [UInt8] = []
            DecimalText.appendFixed(units, scale: 4, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        var units: [Int64] = [0, 1, 9, 10, 99, 100, 9_999, 10_000, 10_001, 1_000_000, 1_141_250, 99_990_000, Int64(Int32.max), .max]
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 { // a fixed xorshift sweep, so a failure names a reproducible value
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            units.append(Int64(x >> UInt64(1 + x % 62)))
        }
        for u in units {
            let t = Trade(symbol: 0, timestamp: Timestamp(nanoseconds: u), participantTimestamp: Timestamp(nanoseconds: 0), sequence: u, id: u,
                          price: Price(units: u), size: Int32(truncatingIfNeeded: u & 0x7fff_ffff), exchange: 255, tape: .c,
                          conditions: TradeConditions([255, 0, 41, 37]), trfID: .max, trfTimestamp: Timestamp(nanoseconds: u))
            let json = encode(.trade(t))
            #expect(json.contains(#","p":\#(reference(u)),"s":"#), "price units \(u): \(json)")
            #expect(json.contains(#""i":"\#(u)""#) && json.contains(#","q":\#(u),"#) && json.hasSuffix("}"), "\(json)")
        }
    }

    @Test("the widest bar encodes whole: every number at its longest")
    func widestBar() {
        let huge = Price(units: .max)
        let b = Bar(symbol: 0, span: .minute, start: Timestamp(nanoseconds: .max), end: Timestamp(nanoseconds: .max),
                    open: huge, high: huge, low: huge, close: huge, volume: 1, tradeCount: 1, vwapVolume: 1, notional: .max,
                    dayVolume: 1, dayVWAPVolume: 1, dayNotional: .max, officialOpen: huge)
        let json = encode(.bar(b))
        #expect(json.hasPrefix(#"{"ev":"AM","sym":"AAPL","v":1,"av":1,"op":922337203685477.5807,"#))
        #expect(json.hasSuffix(#","z":1,"s":9223372036854,"e":9223372036854}"#))
    }

    @Test("status messages are escaped JSON")
    func status() {
        #expect(String(decoding: PolygonEncoder.statusFrame("error", "bad \"x\"\n"), as: UTF8.self) == #"[{"ev":"status","status":"error","message":"bad \"x\"\n"}]"#)
    }
}
