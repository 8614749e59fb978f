import Testing
import TickforgeFeed
import TickforgeMarket
@testable import TickforgeDialects

@Suite("A proxy's upstream Polygon session: auth, the union of interest, and what statuses mean")
struct PolygonUpstreamSessionTests {
    func topic(_ kind: EventKinds, _ ticker: String) -> LiveTopic { LiveTopic(kind: kind, ticker: ticker) }
    let ok = PolygonWireDecoder.Status(status: "auth_success", message: "authenticated")

    @Test("the key goes out as the auth action, quoted as JSON")
    func auth() {
        #expect(PolygonUpstreamSession(key: #"k"ey"#).authMessage == #"{"action":"auth","params":"k\"ey"}"#)
    }

    @Test("nothing is subscribed before auth_success; then the whole union at once")
    func subscribesAfterAuth() {
        var s = PolygonUpstreamSession(key: "k")
        let interest: Set = [topic(.trades, "AAPL"), topic(.quotes, "AAPL")]
        #expect(s.update(to: interest).isEmpty)
        #expect(s.received(.init(status: "connected", message: "Connected Successfully")) == .none)
        #expect(s.update(to: interest).isEmpty)
        #expect(s.received(ok) == .ready)
        #expect(s.update(to: interest) == [#"{"action":"subscribe","params":"Q.AAPL,T.AAPL"}"#])
        #expect(s.state == .live)
    }

    @Test("changes send only the difference: unsubscribes first, then subscribes")
    func differences() {
        var s = PolygonUpstreamSession(key: "k")
        _ = s.received(ok)
        _ = s.update(to: [topic(.trades, "AAPL")])
        #expect(s.update(to: [topic(.trades, "AAPL")]).isEmpty)
        #expect(s.update(to: [topic(.trades, "MSFT"), topic(.minuteBars, "MSFT")])
            == [#"{"action":"unsubscribe","params":"T.AAPL"}"#, #"{"action":"subscribe","params":"AM.MSFT,T.MSFT"}"#])
    }

    @Test("a wildcard replaces the per-ticker params of its channel, and they come back when it goes")
    func wildcard() {
        var s = PolygonUpstreamSession(key: "k")
        _ = s.received(ok)
        _ = s.update(to: [topic(.trades, "AAPL"), topic(.quotes, "AAPL")])
        #expect(s.update(to: [topic(.trades, "AAPL"), topic(.quotes, "AAPL"), topic(.trades, "*")])
            == [#"{"action":"unsubscribe","params":"T.AAPL"}"#, #"{"action":"subscribe","params":"T.*"}"#])
        #expect(s.update(to: [topic(.trades, "AAPL"), topic(.quotes, "AAPL")])
            == [#"{"action":"unsubscribe","params":"T.*"}"#, #"{"action":"subscribe","params":"T.AAPL"}"#])
    }

    @Test("kinds Polygon's stocks stream lacks are never asked of it")
    func unsupportedKinds() {
        #expect(PolygonUpstreamSession.params(for: [topic(.statuses, "AAPL"), topic(.dailyBars, "*"), topic(.lulds, "AAPL")]) == ["LULD.AAPL"])
    }

    @Test("auth_failed and evictions end the connection with words a user can act on")
    func endings() {
        var s = PolygonUpstreamSession(key: "k")
        guard case .end(let reason) = s.received(.init(status: "auth_failed", message: "authentication failed")) else {
            Issue.record("auth_failed must end the connection"); return
        }
        #expect(reason.contains("--upstream-key") && s.state == .authFailed)
        var e = PolygonUpstreamSession(key: "k")
        _ = e.received(ok)
        guard case .end(let why) = e.received(.init(status: "max_connections", message: "Maximum number of websocket connections exceeded.")) else {
            Issue.record("max_connections must end the connection"); return
        }
        #expect(why.contains("max_connections") && e.state == .evicted)
    }
}
