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
