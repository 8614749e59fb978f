import Testing
import TickforgeFeed
import TickforgeMarket
@testable import TickforgeDialects

@Suite("A proxy's Alpaca upstream: frames read back into events, and the session's auth and channels")
struct AlpacaUpstreamTests {
    func marketEvents() -> (events: [MarketEvent], tickers: [String]) {
        let start = Timestamp(nanoseconds: 1_764_599_400 * Timestamp.nanosPerSecond)
        var timeline = ScenarioTimeline()
        timeline.add(Scenario(id: "h", kind: .halt(reason: .volatilityPause, reopenPercent: 0), symbol: "MSFT", start: start + 30 * Timestamp.nanosPerSecond,
                              end: start + 90 * Timestamp.nanosPerSecond))
        let market = Market(configuration: .standard(seed: 7), timeline: timeline)
        let tickers = ["AAPL", "MSFT", "SPY"]
        let ids = tickers.map { market.symbolID(for: $0)! }
        let kinds: EventKinds = [.trades, .quotes, .minuteBars, .statuses, .lulds]
        return (market.events(for: ids, in: start..<start + 3 * Timestamp.nanosPerMinute, kinds: kinds), tickers)
    }

    func frame(_ events: [MarketEvent], tickers: [String]) -> String {
        var encoder = AlpacaEncoder(codec: .json)
        for (i, t) in tickers.enumerated() { encoder.register(SymbolID(i), ticker: t) }
        var parts: [String] = []
        for e in events {
            var one: [UInt8] = []
            if encoder.encode(e, into: &one) { parts.append(String(decoding: one, as: UTF8.self)) }
        }
        return "[" + parts.joined(separator: ",") + "]"
    }

    @Test("trades, quotes, bars, statuses and LULD bands read and written again are the same bytes")
    func roundTrip() {
        let (events, tickers) = marketEvents()
        let original = frame(events, tickers: tickers)
        var decoder = AlpacaWireDecoder { tickers.firstIndex(of: $0).map(SymbolID.init) }
        let decoded = decoder.decode(Array(original.utf8))
        #expect(decoded.skipped == 0)
        #expect(Set(decoded.events.map(\.kind.rawValue)).count == 5, "trades, quotes, bars, statuses, LULD")
        #expect(frame(decoded.events, tickers: tickers) == original)
    }

    @Test("corrections (c), cancels and errors (x) read and written again are the same bytes; one missing its prices is skipped")
    func corrections() {
        let t = Timestamp(nanoseconds: 1_764_599_460 * Timestamp.nanosPerSecond + 542_305_024)
        let original = TradeCorrection.Print(id: 52_983_525_033_527, price: Price(units: 391_582), size: 440_000, conditions: TradeConditions([TradeConditions.formT]))
        let fixed = TradeCorrection.Print(id: 52_983_525_034_326, price: Price(units: 391_809), size: 440_100,
                                          conditions: TradeConditions([TradeConditions.formT, TradeConditions.oddLot]))
        let events: [MarketEvent] = [
            .correction(TradeCorrection(symbol: 0, timestamp: t, exchange: 12, tape: .c, original: original, outcome: .corrected(fixed))),
            .correction(TradeCorrection(symbol: 1, timestamp: t + 1, exchange: 4, tape: .a, original: original, outcome: .cancelled)),
            .correction(TradeCorrection(symbol: 1, timestamp: t + 2, exchange: 10, tape: .b, original: original, outcome: .erroneous)),
        ]
        let tickers = ["EEM", "GOOGL"]
        let wire = frame(events, tickers: tickers)
        #expect(wire.contains(#""oc":["@","T"],"ci":52983525034326,"cp":39.1809,"cs":440100,"cc":["@","T","I"]"#))
        #expect(wire.contains(#""a":"C""#) && wire.contains(#""a":"E""#))
        var decoder = AlpacaWireDecoder { tickers.firstIndex(of: $0).map(SymbolID.init) }
        let decoded = decoder.decode(Array(wire.utf8))
        #expect(decoded.skipped == 0)
        #expect(frame(decoded.events, tickers: tickers) == wire)
        if case .correction(let c) = decoded.events.first { #expect(c.corrected == fixed && c.original.id == original.id) }

        // The vendor's own sample, from the protocol notes: a string id and a cancel on FINRA's tape.
        let sample = #"[{"T":"x","S":"GOOGL","i":"465","x":"D","p":105.31,"s":300,"a":"C","z":"C","t":"2023-04-06T13:15:42.83540958Z"}]"#
        guard case .correction(let x)? = decoder.decode(Array(sample.utf8)).events.first else { Issue.record("the sample must read"); return }
        #expect(x.original.id == 465 && x.original.price == Price(units: 1_053_100) && x.original.size == 300 && x.outcome == .cancelled && x.tape == .c)
        let broken = #"[{"T":"c","S":"EEM","x":"M","oi":1,"os":2,"ci":3,"cs":2,"z":"B","t":"2023-04-06T14:25:06.542305024Z"}]"#
        #expect(decoder.decode(Array(broken.utf8)).skipped == 1)
    }

    @Test("control messages are notices: connected, authenticated, errors with their codes, subscription acks")
    func notices() {
        var decoder = AlpacaWireDecoder { _ in 0 }
        let d = decoder.decode(Array(#"[{"T":"success","msg":"connected"}][{"T":"error","code":402,"msg":"auth failed"}]"#.utf8))
        #expect(d.notices == [UpstreamNotice(status: "success", message: "connected")], "one frame at a time")
        #expect(decoder.decode(Array(#"[{"T":"error","code":402,"msg":"auth failed"}]"#.utf8)).notices == [UpstreamNotice(status: "error", message: "402 auth failed")])
        #expect(decoder.decode(Array(#"[{"T":"subscription","trades":["AAPL"],"quotes":[]}]"#.utf8)).notices.map(\.status) == ["subscription"])
    }

    @Test("auth with key and secret; channels subscribed after auth, per channel, a wildcard alone in its channel")
    func session() {
        var s = AlpacaUpstreamSession(key: "id", secret: "sec")
        #expect(s.authMessage == #"{"action":"auth","key":"id","secret":"sec"}"#)
        let interest: Set = [LiveTopic(kind: .trades, ticker: "AAPL"), LiveTopic(kind: .minuteBars, ticker: "AAPL"), LiveTopic(kind: .secondBars, ticker: "AAPL")]
        #expect(s.update(to: interest).isEmpty)
        #expect(s.received(UpstreamNotice(status: "success", message: "connected")) == .none)
        #expect(s.received(UpstreamNotice(status: "success", message: "authenticated")) == .ready)
        #expect(s.update(to: interest) == [#"{"action":"subscribe","trades":["AAPL"],"bars":["AAPL"]}"#])
        #expect(s.update(to: [LiveTopic(kind: .trades, ticker: "AAPL"), LiveTopic(kind: .trades, ticker: "*")])
            == [#"{"action":"unsubscribe","trades":["AAPL"],"bars":["AAPL"]}"#, #"{"action":"subscribe","trades":["*"]}"#])
    }

    @Test("402 ends the connection as a refused key, 406 as an eviction")
    func refusals() {
        var s = AlpacaUpstreamSession(key: "id", secret: "sec")
        guard case .end(let why) = s.received(UpstreamNotice(status: "error", message: "402 auth failed")) else { Issue.record("402 must end"); return }
        #expect(s.state == .authFailed && why.contains("APCA_API_KEY_ID"))
        var e = AlpacaUpstreamSession(key: "id", secret: "sec")
        guard case .end = e.received(UpstreamNotice(status: "error", message: "406 connection limit exceeded")) else { Issue.record("406 must end"); return }
        #expect(e.state == .evicted)
    }
}
