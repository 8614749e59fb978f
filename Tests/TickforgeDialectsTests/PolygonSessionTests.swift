import Testing
@testable import TickforgeDialects

@Suite("Polygon/Massive session: the handshake and subscription rules of the protocol notes")
struct PolygonSessionTests {
    func text(_ actions: [PolygonSession.Action]) -> [String] {
        actions.compactMap { if case .send(let f) = $0 { String(decoding: f, as: UTF8.self) } else { nil } }
    }

    func send(_ s: inout PolygonSession, _ json: String) -> [PolygonSession.Action] { s.receive(text: Array(json.utf8)) }

    /// Authenticates with key `k`, the server accepting it.
    func authenticate(_ s: inout PolygonSession) {
        _ = send(&s, #"{"action":"auth","params":"k"}"#)
        _ = s.authenticationAccepted()
    }

    @Test("connected, then auth_success as its own frame, then one batched ack per item")
    func handshake() {
        #expect(String(decoding: PolygonSession.connectedFrame, as: UTF8.self) == #"[{"ev":"status","status":"connected","message":"Connected Successfully"}]"#)
        var s = PolygonSession()
        // Python puts spaces after colons. A good key is the server's to accept (connection limits).
        #expect(send(&s, #"{"action": "auth", "params": "k"}"#) == [.authenticate(key: "k")])
        #expect(text(s.authenticationAccepted()) == [#"[{"ev":"status","status":"auth_success","message":"authenticated"}]"#])
        let sub = send(&s, #"{"action":"subscribe","params":"T.AAPL,A.AAPL"}"#)
        #expect(text(sub) == [#"[{"ev":"status","status":"success","message":"subscribed to: T.AAPL"},{"ev":"status","status":"success","message":"subscribed to: A.AAPL"}]"#])
        #expect(sub.first.map { if case .send = $0 { true } else { false } } == true, "the ack precedes the subscription's data")
        let unsub = send(&s, #"{"action":"unsubscribe","params":"T.AAPL"}"#)
        #expect(text(unsub) == [#"[{"ev":"status","status":"success","message":"unsubscribed to: T.AAPL"}]"#])
    }

    @Test("a bad key gets auth_failed, then an abort, and nothing after")
    func badKey() {
        var s = PolygonSession(configuration: .init(apiKeys: ["good"]))
        let r = send(&s, #"{"action":"auth","params":"bad"}"#)
        #expect(text(r) == [#"[{"ev":"status","status":"auth_failed","message":"authentication failed"}]"#])
        #expect(r.last == .abort)
        #expect(send(&s, #"{"action":"subscribe","params":"T.AAPL"}"#).isEmpty)
    }

    @Test("a good key the server refuses (an auth-fail fault) gets the same auth_failed and abort")
    func refusedKey() {
        var s = PolygonSession()
        #expect(send(&s, #"{"action":"auth","params":"k"}"#) == [.authenticate(key: "k")])
        let r = s.authenticationRefused("fault f1")
        #expect(text(r) == [#"[{"ev":"status","status":"auth_failed","message":"authentication failed"}]"#])
        #expect(r.contains(.refused("fault f1")))
        #expect(r.last == .abort)
        #expect(s.state == .closed)
    }

    @Test("subscribing before auth gets auth_required; pipelined auth then subscribe works in order")
    func ordering() {
        var s = PolygonSession()
        #expect(text(send(&s, #"{"action":"subscribe","params":"T.AAPL"}"#)).first?.contains(#""status":"auth_required""#) == true)
        var go = PolygonSession()
        authenticate(&go)
        #expect(send(&go, #"{"action":"subscribe","params":"T.AAPL,T.MSFT"}"#).contains(.subscribe([.init(channel: .trades, ticker: "AAPL"), .init(channel: .trades, ticker: "MSFT")])))
    }

    @Test("items split on the first dot; unknown channels vanish; wildcards are kept")
    func topics() {
        #expect(PolygonTopic.parseList("T.BRK.B, q.aapl,ZZ.AAPL,AM.*,T.,nodot") == [
            .init(channel: .trades, ticker: "BRK.B"), .init(channel: .quotes, ticker: "AAPL"), .init(channel: .minuteAggregates, ticker: "*"),
        ])
        var s = PolygonSession()
        authenticate(&s)
        #expect(send(&s, #"{"action":"subscribe","params":"ZZ.AAPL"}"#).isEmpty)
    }

    @Test("malformed input and unknown actions get an error status and change nothing")
    func badInput() {
        var s = PolygonSession()
        for junk in ["not json", "[1,2]", #"{"params":"x"}"#, #"{"action":"dance"}"#] {
            let r = send(&s, junk)
            #expect(r.count == 1)
            #expect(text(r).first?.contains(#""status":"error""#) == true, "\(junk)")
        }
        #expect(s.state == .awaitingAuth)
    }

    @Test("timeout, eviction and slow consumer each send their status, then abort")
    func terminalStatuses() {
        var a = PolygonSession()
        #expect(text(a.authTimedOut()) == [#"[{"ev":"status","status":"auth_timeout","message":"authentication timed out"}]"#])
        var b = PolygonSession()
        authenticate(&b)
        #expect(b.authTimedOut().isEmpty)
        let evicted = b.evicted()
        #expect(text(evicted) == [#"[{"ev":"status","status":"max_connections","message":"Maximum number of websocket connections exceeded. "}]"#])
        #expect(evicted.last == .abort)
        var c = PolygonSession()
        authenticate(&c)
        #expect(text(c.slowConsumer()).first?.contains("slow_consumer") == true)
    }
}
