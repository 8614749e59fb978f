import Testing
import TickforgeFeed
import TickforgeMarket
@testable import TickforgeDialects

@Suite("Reading a Polygon/Massive upstream's frames (the proxy's side)")
struct PolygonWireDecoderTests {
    /// Events of a few real minutes of the synthetic market, every kind Polygon streams.
    func marketEvents() -> (events: [MarketEvent], tickers: [String]) {
        let market = Market(configuration: .standard(seed: 7))
        let tickers = ["AAPL", "SPY", "QQQ"]
        let ids = tickers.map { market.symbolID(for: $0)! }
        let start = Timestamp(nanoseconds: 1_764_599_400 * Timestamp.nanosPerSecond) // a Monday, 09:30 New York
        let events = market.events(for: ids, in: start..<start + 3 * Timestamp.nanosPerMinute)
        return (events, tickers)
    }

    func frame(_ events: [MarketEvent], tickers: [String]) -> [UInt8] {
        var encoder = PolygonEncoder()
        for (i, t) in tickers.enumerated() { encoder.register(SymbolID(i), ticker: t) }
        var out: [UInt8] = [UInt8(ascii: "[")]
        var first = true
        for e in events {
            var one: [UInt8] = []
            guard encoder.encode(e, into: &one) else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            out += one
            first = false
        }
        return out + [UInt8(ascii: "]")]
    }

    @Test("events read and written again are the same bytes, for every kind the stream carries")
    func roundTrip() {
        let (events, tickers) = marketEvents()
        let original = frame(events, tickers: tickers)
        var decoder = PolygonWireDecoder { tickers.firstIndex(of: $0).map(SymbolID.init) }
        let decoded = decoder.decode(original)
        #expect(decoded.skipped == 0)
        #expect(decoded.notices.isEmpty)
        let kinds = Set(decoded.events.map { "\($0.kind.rawValue)" })
        #expect(kinds.count >= 3, "trades, quotes and bars at least")
        #expect(decoded.events.count > 100)
        #expect(String(decoding: frame(decoded.events, tickers: tickers), as: UTF8.self) == String(decoding: original, as: UTF8.self))
        // Each event's own object, where a proxy relays it from.
        #expect(decoded.eventRanges.count == decoded.events.count)
        for (event, range) in zip(decoded.events, decoded.eventRanges) {
            #expect(String(decoding: original[range], as: UTF8.self) == String(decoding: frame([event], tickers: tickers).dropFirst().dropLast(), as: UTF8.self))
        }
    }

    @Test("trades keep exact prices, nanosecond-free millisecond stamps, conditions and TRF fields")
    func tradeFields() {
        let text = #"[{"ev":"T","sym":"MSFT","i":"52983525034125","x":4,"p":114.125,"s":100,"c":[12,37],"t":1536036818784,"q":3681328,"z":3,"pt":1536036818763,"trfi":202,"trft":1536036818780}]"#
        var decoder = PolygonWireDecoder { $0 == "MSFT" ? 9 : nil }
        let d = decoder.decode(Array(text.utf8))
        guard case .trade(let t)? = d.events.first else { Issue.record("no trade"); return }
        #expect(t.symbol == 9)
        #expect(t.id == 52_983_525_034_125)
        #expect(t.price == Price(units: 1_141_250))
        #expect(t.size == 100 && t.exchange == 4 && t.tape == .c)
        #expect(Array(t.conditions) == [12, 37])
        #expect(t.timestamp.nanoseconds == 1_536_036_818_784_000_000)
        #expect(t.trfID == 202 && t.trfTimestamp?.milliseconds == 1_536_036_818_780)
    }

    @Test("statuses come back apart from events: connected, auth results, acks, evictions")
    func statuses() {
        let text = #"[{"ev":"status","status":"auth_success","message":"authenticated"},{"ev":"status","status":"success","message":"subscribed to: T.AAPL"}]"#
        var decoder = PolygonWireDecoder { _ in 0 }
        let d = decoder.decode(Array(text.utf8))
        #expect(d.events.isEmpty)
        #expect(d.notices == [.init(status: "auth_success", message: "authenticated"), .init(status: "success", message: "subscribed to: T.AAPL")])
    }

    @Test("tickers the resolver refuses, unknown events and unknown keys are skipped; other events still come")
    func skipping() {
        let text = #"[{"ev":"T","sym":"NOPE","p":1,"t":1},{"ev":"XQ","sym":"AAPL","pair":"X"},{"ev":"Q","sym":"AAPL","extra":{"a":[1,{"b":null}],"c":true},"bp":1.5,"ap":1.51,"t":5}]"#
        var decoder = PolygonWireDecoder { $0 == "AAPL" ? 1 : nil }
        let d = decoder.decode(Array(text.utf8))
        #expect(d.skipped == 2)
        guard case .quote(let q)? = d.events.first else { Issue.record("no quote"); return }
        #expect(q.bidPrice == Price(units: 15_000) && q.askPrice == Price(units: 15_100))
    }

    @Test("malformed bytes end the frame without trapping; what came before is kept", arguments: [
        #"[{"ev":"Q","sym":"AAPL","t":5},{"ev":"#, #"[{"ev":"Q","sym":"AAPL","t":5},{"#, #"[{"ev":"Q","sym":"AAPL","t":5},{"ev":"T","c":[1,x]}]"#,
        #"[{"ev":"Q","sym":"AAPL","t":5},{"ev":"T","p":1e5}]"#, #"[{"ev":"Q","sym":"AAPL","t":5},{"ev":"T","p":99999999999999999999999}]"#,
        #"[{"ev":"Q","sym":"AAPL","t":5},"\"#, #"[{"ev":"Q","sym":"AAPL","t":5},tru]"#,
    ])
    func malformed(_ text: String) {
        var decoder = PolygonWireDecoder { _ in 1 }
        let d = decoder.decode(Array(text.utf8))
        #expect(d.events.count == 1)
    }

    @Test("a lone object, not in an array, is read as one event")
    func loneObject() {
        var decoder = PolygonWireDecoder { _ in 1 }
        #expect(decoder.decode(Array(#"{"ev":"Q","sym":"AAPL","t":5}"#.utf8)).events.count == 1)
    }
}
