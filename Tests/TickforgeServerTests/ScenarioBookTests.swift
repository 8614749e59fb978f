import Foundation
import Testing
import TickforgeMarket
@testable import TickforgeServer

/// The control API's logic, without sockets: requests become timeline entries, stamped no earlier
/// than now; bad requests name their field; a session written out as a script rebuilds itself.
@Suite("Scenario requests, scripts and the session's timeline")
struct ScenarioBookTests {
    static let start = RFC3339.parse("2026-11-23T10:00:00-05:00")!
    static let second = Timestamp.nanosPerSecond
    static let configuration = MarketConfiguration(seed: 5, universe: try! Universe(seed: 5, symbols: ["AAPL", "IBM", "ON"], isOpen: false))

    func book() -> ScenarioBook { ScenarioBook(configuration: Self.configuration, sessionStart: Self.start) }

    func json(_ text: String) throws -> JSONValue { try ScenarioScript.parse(Array(text.utf8)) }

    func error(_ body: () throws -> Void) -> ControlError? {
        do { try body(); return nil } catch { return error as? ControlError }
    }

    @Test("a request becomes an entry named s1, s2, …, stamped now or at its `at`")
    func add() throws {
        var b = book()
        let now = Self.start + 5 * Self.second
        let first = try b.apply(try json(#"{"kind":"halt","symbol":"aapl","for":"2m"}"#), now: now)
        guard case .added(let halt) = first else { Issue.record("not added"); return }
        #expect(halt.id == "s1" && halt.symbol == "AAPL" && halt.start == now && halt.end == now + 120 * Self.second)
        #expect(halt.kind == .halt(reason: .volatilityPause, reopenPercent: 0), "Nasdaq-listed: LUDP by default")
        guard case .added(let ibm) = try b.apply(try json(#"{"kind":"halt","symbol":"IBM"}"#), now: now) else { return }
        #expect(ibm.kind == .halt(reason: .luldPause, reopenPercent: 0), "NYSE-listed: M by default")
        guard case .added(let gap) = try b.apply(try json(#"{"kind":"gap","symbol":"IBM","percent":-8,"at":"+30s","id":"open-gap"}"#), now: now) else { return }
        #expect(gap.id == "open-gap" && gap.start == now + 30 * Self.second && gap.end == nil)
        guard case .added(let next) = try b.apply(try json(#"{"kind":"stale","symbol":"ON","at":"2026-11-23T10:01:00"}"#), now: now) else { return }
        #expect(next.id == "s3" && next.start == Self.start + 60 * Self.second, "New York time without an offset")
        #expect(b.timeline.entries.count == 4)
    }

    @Test("bad requests get 400 or 409 naming the field and what was expected; nothing changes")
    func errors() throws {
        var b = book()
        let now = Self.start
        let cases: [(String, Int, String)] = [
            (#"{"symbol":"AAPL"}"#, 400, "field 'kind'"),
            (#"{"kind":"explode","symbol":"AAPL"}"#, 400, "field 'kind': expected one of halt"),
            (#"{"kind":"halt"}"#, 400, "field 'symbol'"),
            (#"{"kind":"halt","symbol":"NOPE"}"#, 400, "not in this market's universe"),
            (#"{"kind":"halt","symbol":"AAPL","reason":"X"}"#, 400, "field 'reason': expected one of LUDP, T1, H10, M"),
            (#"{"kind":"halt","symbol":"AAPL","for":"soon"}"#, 400, "field 'for'"),
            (#"{"kind":"halt","symbol":"AAPL","at":"2026-11-23T09:00:00-05:00"}"#, 400, "before the market's current time"),
            (#"{"kind":"halt","symbol":"AAPL","at":"2026-02-30T10:00:00Z"}"#, 400, "field 'at'"),
            (#"{"kind":"gap","symbol":"AAPL"}"#, 400, "exactly one of 'percent'"),
            (#"{"kind":"gap","symbol":"AAPL","percent":5,"price":10}"#, 400, "exactly one of 'percent'"),
            (#"{"kind":"volatility","symbol":"AAPL","multiplier":"3"}"#, 400, "field 'multiplier': expected a number"),
            (#"{"kind":"push","symbol":"AAPL","event":"trade","price":10}"#, 400, "field 'size'"),
            (#"{"kind":"push","symbol":"AAPL","event":"quote","bid":10,"ask":9}"#, 400, "field 'ask'"),
            (#"{"kind":"push","symbol":"AAPL","event":"trade","price":10,"size":1,"for":"1m"}"#, 400, "field 'for'"),
            (#"{"kind":"session","phase":"lunch"}"#, 400, "field 'phase'"),
            (#"{"kind":"session","phase":"open","symbol":"AAPL"}"#, 400, "field 'symbol'"),
            (#"{"kind":"halt","symbol":"AAPL","price":3}"#, 400, "field 'price': not a field of a halt"),
            (#"{"kind":"cancel","symbol":"AAPL","tradeId":"12345"}"#, 400, "printed no trade with id 12345"),
            // Ids whose minute is centuries away or past any timestamp (the fuzz found the second crashing).
            (#"{"kind":"correction","symbol":"AAPL","price":19086.8,"tradeId":"903426222394789"}"#, 400, "printed no trade with id 903426222394789"),
            (#"{"kind":"cancel","symbol":"AAPL","tradeId":"9223372036854775807"}"#, 400, "printed no trade"),
            (#"{"kind":"cancel","symbol":"AAPL","tradeId":"-5"}"#, 400, "tradeId"),
            (#"{"kind":"resume","symbol":"AAPL"}"#, 409, "no halt of AAPL is in force"),
            (#"[1,2]"#, 400, "must be a JSON object"),
        ]
        for (body, status, words) in cases {
            let e = error { _ = try b.apply(try! json(body), now: now) }
            #expect(e?.code == status, "\(body)")
            #expect(e?.message.contains(words) == true, "\(body) → \(e?.message ?? "accepted")")
        }
        #expect(b.timeline.isEmpty)
        #expect(error { _ = try JSONValue.parse(Array("{not json".utf8)) }?.message.contains("not valid JSON") == true)
    }

    @Test("ids are unique: one asked for twice is refused")
    func ids() throws {
        var b = book()
        _ = try b.apply(try json(#"{"kind":"stale","symbol":"ON","id":"quiet"}"#), now: Self.start)
        #expect(error { _ = try b.apply(try! json(#"{"kind":"stale","symbol":"ON","id":"quiet"}"#), now: Self.start) }?.code == 409)
        #expect(error { _ = try b.apply(try! json(#"{"kind":"stale","symbol":"ON","id":"a b"}"#), now: Self.start) }?.code == 400)
        _ = try b.apply(try json(#"{"kind":"stale","symbol":"ON","id":"s1"}"#), now: Self.start)
        guard case .added(let next) = try b.apply(try json(#"{"kind":"stale","symbol":"ON"}"#), now: Self.start) else { return }
        #expect(next.id == "s2", "a name taken by hand is skipped")
    }

    @Test("resume ends the symbol's halt at its instant; DELETE ends a scenario now; reset ends all")
    func ending() throws {
        var b = book()
        _ = try b.apply(try json(#"{"kind":"halt","symbol":"AAPL","for":"5m"}"#), now: Self.start)
        let resumed = try b.apply(try json(#"{"kind":"resume","symbol":"AAPL"}"#), now: Self.start + 40 * Self.second)
        guard case .resumed(let halts) = resumed else { Issue.record("not a resume"); return }
        #expect(halts.map(\.id) == ["s1"] && halts[0].end == Self.start + 40 * Self.second && halts[0].plannedEnd == Self.start + 300 * Self.second)
        _ = try b.apply(try json(#"{"kind":"trend","symbol":"IBM","percentPerHour":3}"#), now: Self.start + 50 * Self.second)
        let ended = try b.end("s2", now: Self.start + 70 * Self.second)
        #expect(ended.end == Self.start + 70 * Self.second)
        #expect(error { _ = try b.end("s9", now: Self.start) }?.code == 404)
        _ = try b.apply(try json(#"{"kind":"push","symbol":"IBM","event":"trade","price":150,"size":100}"#), now: Self.start + 80 * Self.second)
        #expect(error { _ = try b.end("s3", now: Self.start + 90 * Self.second) }?.code == 409, "a push cannot be ended")
        _ = try b.apply(try json(#"{"kind":"volatility","symbol":"IBM","multiplier":4}"#), now: Self.start + 90 * Self.second)
        _ = try b.apply(try json(#"{"kind":"session","phase":"closed","at":"+10m"}"#), now: Self.start + 90 * Self.second)
        #expect(b.reset(now: Self.start + 100 * Self.second) == 2, "the regime in force and the session to come")
        #expect(b.counts(now: Self.start + 100 * Self.second)[.ended] == 5)
    }

    @Test("a cancel names a trade the symbol printed before it")
    func cancelReference() throws {
        let market = Market(configuration: Self.configuration)
        let trades = market.tape(market.symbolID(for: "AAPL")!).events(in: Self.start..<(Self.start + 10 * Self.second), kinds: .trades)
        guard case .trade(let trade)? = trades.first else { Issue.record("no trade"); return }
        var b = book()
        let change = try b.apply(try json(#"{"kind":"cancel","symbol":"AAPL","tradeId":"\#(trade.id)"}"#), now: Self.start + 20 * Self.second)
        guard case .added(let cancel) = change else { return }
        #expect(cancel.kind == .cancel(tradeID: trade.id))
        #expect(error { _ = try b.apply(try! json(#"{"kind":"cancel","symbol":"AAPL","tradeId":"\#(trade.id)","at":"2026-11-23T09:59:00-05:00"}"#), now: Self.start + -120 * Self.second) }?.message.contains("printed no trade") == true,
                "not before the trade itself")
    }

    /// A busy session: every kind of change, some ended early.
    func busySession() throws -> ScenarioBook {
        var b = book()
        var now = Self.start
        func step(_ text: String, after seconds: Int64 = 7) throws {
            now = now + seconds * Self.second
            _ = try b.apply(try json(text), now: now)
        }
        try step(#"{"kind":"halt","symbol":"AAPL","for":"2m","reopenPercent":3}"#)
        try step(#"{"kind":"resume","symbol":"AAPL"}"#, after: 30)
        try step(#"{"kind":"gap","symbol":"IBM","percent":-8}"#)
        try step(#"{"kind":"volatility","symbol":"IBM","multiplier":3,"for":"10m"}"#)
        try step(#"{"kind":"limit","symbol":"ON","direction":"up"}"#)
        try step(#"{"kind":"resume","symbol":"ON"}"#, after: 60)
        try step(#"{"kind":"limit","symbol":"AAPL","direction":"down"}"#)
        _ = try b.end("s5", now: now + 5 * Self.second)
        try step(#"{"kind":"push","symbol":"IBM","event":"trade","price":101.5,"size":300,"conditions":[14]}"#, after: 9)
        try step(#"{"kind":"session","phase":"closed","at":"+1m","for":"5m"}"#)
        try step(#"{"kind":"trend","symbol":"AAPL","percentPerHour":-2}"#)
        _ = b.reset(now: now + 30 * Self.second)
        return b
    }

    @Test("GET /control/timeline's script, loaded at the session start, rebuilds the same timeline")
    func scriptRoundTrip() throws {
        let session = try busySession()
        let script = session.script()
        // Through text, as a user saves it and serves it again.
        let text = script.encoded()
        var replay = book()
        _ = try replay.load(script: try ScenarioScript.parse(Array(text.utf8)), now: Self.start)
        #expect(replay.timeline.entries == session.timeline.entries)
        // And so the same market.
        let window = Self.start..<(Self.start + 12 * Timestamp.nanosPerMinute)
        let a = Market(configuration: Self.configuration, timeline: session.timeline)
        let b = Market(configuration: Self.configuration, timeline: replay.timeline)
        for symbol in ["AAPL", "IBM", "ON"] {
            #expect(a.tape(a.symbolID(for: symbol)!).events(in: window) == b.tape(b.symbolID(for: symbol)!).events(in: window), "\(symbol)")
        }
    }

    @Test("a script is all or nothing, and names the step that failed")
    func scriptAtomic() throws {
        var b = book()
        let e = error {
            _ = try b.load(script: try! json("""
            steps:
              - {kind: halt, symbol: AAPL, at: "+10s"}
              - {kind: gap, symbol: IBM, percent: lots}
            """), now: Self.start)
        }
        #expect(e?.message.hasPrefix("steps[1]: field 'percent'") == true, "\(e?.message ?? "")")
        #expect(b.timeline.isEmpty)
        #expect(error { _ = try b.load(script: try! json(#"{"steps":[],"extra":1}"#), now: Self.start) }?.message.contains("'extra'") == true)
        #expect(error { _ = try b.load(script: try! json(#"{"start":"yesterday","steps":[]}"#), now: Self.start) }?.message.contains("field 'start'") == true)
    }

    @Test("YAML scripts: relative times count from `start`; tickers such as ON stay strings; instants stay text")
    func yaml() throws {
        var b = book()
        let script = try json("""
        # A gap at the open, then a burst.
        start: 2026-11-23T09:30:00-05:00
        steps:
          - kind: gap
            symbol: ON
            percent: -6.5
            at: +30m
          - kind: burst
            symbol: AAPL
            at: 2026-11-23T10:00:05-05:00
        """)
        _ = try b.load(script: script, now: Self.start)
        let entries = b.timeline.entries
        #expect(entries.count == 2)
        #expect(entries[0].symbol == "ON" && entries[0].start == Self.start && entries[0].kind == .gap(.percent(-6.5)))
        #expect(entries[1].kind == .liquidity(multiplier: 10) && entries[1].end == entries[1].start + 10 * Self.second, "burst: ×10 for 10 s")
        #expect(error { _ = try ScenarioScript.parse(Array("steps: [unclosed".utf8)) }?.message.contains("not valid YAML") == true)
    }

    @Test("the same steps applied live, one at a time, or loaded as a script give the same timeline")
    func liveEqualsScript() throws {
        var live = book()
        let t1 = Self.start + 10 * Self.second, t2 = Self.start + 25 * Self.second
        _ = try live.apply(try json(#"{"kind":"halt","symbol":"AAPL","for":"1m"}"#), now: t1)
        _ = try live.apply(try json(#"{"kind":"push","symbol":"IBM","event":"quote","bid":99.5,"ask":99.6}"#), now: t2)
        var scripted = book()
        _ = try scripted.load(script: try json("""
        {"start": "\(RFC3339.format(Self.start))", "steps": [
          {"kind": "halt", "symbol": "AAPL", "for": "1m", "at": "+10s"},
          {"kind": "push", "symbol": "IBM", "event": "quote", "bid": 99.5, "ask": 99.6, "at": "+25s"}]}
        """), now: Self.start)
        #expect(live.timeline.entries == scripted.timeline.entries)
    }
}

@Suite("The control API's OpenAPI document")
struct ControlOpenAPITests {
    @Test("the served document is docs/control-openapi.json, valid JSON, and describes every route")
    func inSync() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/control-openapi.json")
        let file = try String(contentsOf: docs, encoding: .utf8)
        #expect(file == ControlOpenAPI.document, "run scripts/embed_openapi.py after editing docs/control-openapi.json")
        let object = try JSONSerialization.jsonObject(with: Data(file.utf8)) as? [String: Any]
        #expect(object?["openapi"] as? String == "3.1.0")
        let paths = Set((object?["paths"] as? [String: Any] ?? [:]).keys)
        // Every route the server has, and nothing else.
        let routes = Set(ControlRoutes.methods.map { $0.path.hasSuffix("/*") ? $0.path.dropLast(2) + "/{id}" : $0.path })
        #expect(paths == routes)
        #expect(paths.contains("/control/connections"))
    }
}
