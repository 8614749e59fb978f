#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TickforgeClient
import TickforgeMarket

/// The control API over HTTP: who may use it, what it answers, and the errors in its own words.
@Suite("Over HTTP: the control API", .serialized)
struct ControlAPITests {
    static let start = "2026-11-23T10:00:00-05:00"

    struct Answer {
        var status: Int
        var json: [String: Any]
    }

    static func call(_ port: Int, _ method: String, _ path: String, _ body: String? = nil, host: String = "127.0.0.1", headers: [(String, String)] = []) async throws -> Answer {
        var all = headers
        if body != nil { all.append(("Content-Type", "application/json")) }
        let request = all
        let r = try await offPool { try PlainHTTP.request(.init(host: host, port: port), method: method, path: path, headers: request, body: Array((body ?? "").utf8)) }
        let json = (try? JSONSerialization.jsonObject(with: Data(r.body.utf8))) as? [String: Any] ?? [:]
        return Answer(status: r.status, json: json)
    }

    @Test("connections: each open connection with its dialect, path, key, subscriptions in its own words, and traffic; gone once closed")
    func connections() async throws {
        let server = try await RunningServer.start { $0.start = RFC3339.parse(Self.start)! }
        defer { Task { await server.stop() } }
        let p = server.port
        #expect((try await Self.call(p, "GET", "/control/connections").json["connections"] as? [Any])?.isEmpty == true)

        let polygon = RecordingClient(url: server.url)
        polygon.send(#"{"action":"auth","params":"pk"}"#)
        polygon.send(#"{"action":"subscribe","params":"T.AAPL,Q.*,T.MSFT"}"#)
        polygon.send(#"{"action":"unsubscribe","params":"T.MSFT"}"#)
        let alpaca = RecordingClient(url: "ws://127.0.0.1:\(p)/v2/iex")
        alpaca.send(#"{"action":"auth","key":"ak","secret":"s"}"#)
        alpaca.send(#"{"action":"subscribe","trades":["AAPL"],"statuses":["*"]}"#)
        #expect(await polygon.waitFor { $0.received.contains { $0.contains("unsubscribed to: T.MSFT") } })
        #expect(await alpaca.waitFor { $0.received.contains { $0.contains(#""T":"subscription""#) } })
        // Data flows to the Polygon client, so its traffic counts grow.
        #expect(await polygon.waitFor { !$0.dataFrames.isEmpty })

        let listed = (try await Self.call(p, "GET", "/control/connections").json["connections"] as? [[String: Any]]) ?? []
        #expect(listed.count == 2)
        // Listed in the order they connected, which the two clients do not fix between them.
        let numbers = listed.compactMap { ($0["id"] as? String)?.dropFirst().description }.compactMap { Int($0) }
        #expect(numbers == numbers.sorted())
        let pc = listed.first { $0["dialect"] as? String == "polygon" } ?? [:]
        let ac = listed.first { $0["dialect"] as? String == "alpaca" } ?? [:]
        #expect(pc["path"] as? String == "/stocks" && pc["key"] as? String == "pk")
        #expect(pc["authenticated"] as? Bool == true)
        #expect(pc["subscriptions"] as? [String: [String]] == ["T": ["AAPL"], "Q": ["*"]], "the unsubscribed topic is gone")
        #expect((pc["framesSent"] as? Int ?? 0) >= 4 && (pc["bytesSent"] as? Int ?? 0) > 100)
        #expect((pc["remote"] as? String)?.contains("127.0.0.1") == true)
        #expect(RFC3339.parse(pc["connectedAt"] as? String ?? "") != nil)
        #expect(ac["path"] as? String == "/v2/iex" && ac["key"] as? String == "ak")
        #expect(ac["subscriptions"] as? [String: [String]] == ["trades": ["AAPL"], "statuses": ["*"]])
        let ids = listed.compactMap { $0["id"] as? String }
        #expect(ids.count == 2 && ids.allSatisfy { $0.hasPrefix("c") } && Set(ids).count == 2)
        let polygonID = pc["id"] as? String

        alpaca.stop()
        var remaining: [[String: Any]] = []
        for _ in 0..<600 {
            remaining = (try await Self.call(p, "GET", "/control/connections").json["connections"] as? [[String: Any]]) ?? []
            if remaining.count == 1 { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(remaining.map { $0["id"] as? String } == [polygonID], "the closed connection is no longer listed")
        polygon.stop()
    }

    @Test("scenarios: add (201, with an id), list with states, end, the timeline as a script; errors as {\"error\"}")
    func scenarios() async throws {
        let server = try await RunningServer.start { $0.start = RFC3339.parse(Self.start)! }
        defer { Task { await server.stop() } }
        let p = server.port

        let added = try await Self.call(p, "POST", "/control/scenarios", #"{"kind":"halt","symbol":"AAPL","for":"5m","reason":"T1"}"#)
        #expect(added.status == 201)
        #expect(added.json["id"] as? String == "s1" && added.json["state"] as? String == "active" && added.json["reason"] as? String == "T1")
        let later = try await Self.call(p, "POST", "/control/scenarios", #"{"kind":"gap","symbol":"MSFT","percent":-8,"at":"+1h"}"#)
        #expect(later.status == 201 && later.json["state"] as? String == "scheduled")

        let list = try await Self.call(p, "GET", "/control/scenarios")
        let states = (list.json["scenarios"] as? [[String: Any]] ?? []).map { "\($0["id"]!):\($0["state"]!)" }
        #expect(states == ["s1:active", "s2:scheduled"])

        let ended = try await Self.call(p, "DELETE", "/control/scenarios/s1")
        #expect(ended.status == 200 && ended.json["state"] as? String == "ended")
        #expect(try await Self.call(p, "DELETE", "/control/scenarios/nope").status == 404)

        let script = try await Self.call(p, "GET", "/control/timeline")
        let steps = script.json["steps"] as? [[String: Any]] ?? []
        #expect(script.json["start"] as? String == RFC3339.format(RFC3339.parse(Self.start)!))
        #expect(steps.map { $0["kind"] as? String } == ["halt", "gap"])
        #expect(steps[0]["endedAt"] != nil, "the halt was ended early")

        let reset = try await Self.call(p, "POST", "/control/reset")
        #expect(reset.status == 200 && reset.json["ended"] as? Int == 1, "the scheduled gap")

        let bad = try await Self.call(p, "POST", "/control/scenarios", #"{"kind":"volatility","symbol":"AAPL","multiplier":-1}"#)
        #expect(bad.status == 400)
        #expect((bad.json["error"] as? String)?.hasPrefix("field 'multiplier': expected a number from 0.01 to 100") == true)
        let notJSON = try await Self.call(p, "POST", "/control/scenarios", "kind=halt")
        #expect(notJSON.status == 400 && (notJSON.json["error"] as? String)?.contains("not valid JSON") == true)
        let unknown = try await Self.call(p, "GET", "/control/everything")
        #expect(unknown.status == 404 && (unknown.json["error"] as? String)?.contains("openapi.json") == true)
        let big = try await Self.call(p, "POST", "/control/scripts", String(repeating: " ", count: (1 << 20) + 10))
        #expect(big.status == 413 && big.json["error"] != nil)

        let yaml = try await offPool {
            try PlainHTTP.request(.init(host: "127.0.0.1", port: p), method: "POST", path: "/control/scripts",
                                  headers: [("Content-Type", "application/yaml")], body: Array("steps:\n  - {kind: stale, symbol: MSFT, for: 30s}\n".utf8))
        }
        #expect(yaml.status == 200 && yaml.body.contains(#""kind":"stale""#))

        let doc = try await Self.call(p, "GET", "/control/openapi.json")
        #expect(doc.status == 200 && doc.json["openapi"] as? String == "3.1.0")
        // The feed's own routes are untouched.
        #expect(try await httpGet(port: p, path: "/health").hasPrefix("ok"))
    }

    @Test("state and clock: pause, resume, speed, a forward jump; a backward jump is refused")
    func clock() async throws {
        let server = try await RunningServer.start {
            $0.start = RFC3339.parse(Self.start)!
            $0.market.marketHours = .calendar
        }
        defer { Task { await server.stop() } }
        let p = server.port
        let state = try await Self.call(p, "GET", "/control/state")
        #expect(state.json["phase"] as? String == "regular" && state.json["forcedSession"] is NSNull && state.json["marketHours"] as? String == "calendar")
        #expect(state.json["paused"] as? Bool == false && state.json["speed"] as? String == "1")

        let paused = try await Self.call(p, "POST", "/control/clock", #"{"pause":true}"#)
        #expect(paused.status == 200 && paused.json["paused"] as? Bool == true)
        let t1 = paused.json["marketTime"] as? String
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(try await Self.call(p, "GET", "/control/state").json["marketTime"] as? String == t1, "a paused clock stands still")
        #expect(try await Self.call(p, "POST", "/control/clock", #"{"resume":true}"#).json["paused"] as? Bool == false)
        #expect(try await Self.call(p, "POST", "/control/clock", #"{"speed":25}"#).json["speed"] as? String == "25")

        let jumped = try await Self.call(p, "POST", "/control/clock", #"{"jumpTo":"2026-11-23T16:30:00-05:00"}"#)
        #expect(jumped.status == 200)
        #expect(jumped.json["phase"] as? String == "after-hours", "after the close, by the calendar")
        let back = try await Self.call(p, "POST", "/control/clock", #"{"jumpTo":"2026-11-23T10:00:00-05:00"}"#)
        #expect(back.status == 400 && (back.json["error"] as? String)?.contains("only jumps forward") == true)
        #expect(try await Self.call(p, "POST", "/control/clock", #"{"speed":0}"#).status == 400)
        #expect(try await Self.call(p, "POST", "/control/clock", #"{"speed":"1e9"}"#).status == 400, "a speed in a string is \"max\" or nothing: no way around the bound")
        #expect(try await Self.call(p, "POST", "/control/clock", #"{"speed":2,"pause":true}"#).status == 400)

        // A forced session shows in the state.
        #expect(try await Self.call(p, "POST", "/control/scenarios", #"{"kind":"session","phase":"open"}"#).status == 201)
        let forced = try await Self.call(p, "GET", "/control/state")
        #expect(forced.json["phase"] as? String == "regular" && forced.json["forcedSession"] as? String == "open")
    }

    @Test("with a token: 401 without it or with a wrong one, 200 with it")
    func token() async throws {
        let server = try await RunningServer.start { $0.control.token = "s3cret" }
        defer { Task { await server.stop() } }
        let none = try await Self.call(server.port, "GET", "/control/state")
        #expect(none.status == 401 && (none.json["error"] as? String)?.contains("Bearer") == true)
        #expect(try await Self.call(server.port, "GET", "/control/state", headers: [("Authorization", "Bearer s3cre")]).status == 401)
        #expect(try await Self.call(server.port, "GET", "/control/state", headers: [("Authorization", "s3cret")]).status == 401)
        #expect(try await Self.call(server.port, "GET", "/control/state", headers: [("Authorization", "Bearer s3cret")]).status == 200)
    }

    @Test("--control off: no control API at all")
    func off() async throws {
        let server = try await RunningServer.start { $0.control.enabled = false }
        defer { Task { await server.stop() } }
        #expect(try await Self.call(server.port, "GET", "/control/state").status == 404)
        #expect(try await httpGet(port: server.port, path: "/health").hasPrefix("ok"))
    }

    /// An IPv4 address of this machine that is not loopback, if it has one.
    static let outsideAddress: String? = {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return nil }
        defer { freeifaddrs(list) }
        var p = list
        while let a = p {
            if let sa = a.pointee.ifa_addr, sa.pointee.sa_family == sa_family_t(AF_INET) {
                var host = [CChar](repeating: 0, count: 64)
                getnameinfo(sa, socklen_t(MemoryLayout<sockaddr_in>.size), &host, 64, nil, 0, NI_NUMERICHOST)
                let text = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !text.hasPrefix("127.") { return text }
            }
            p = a.pointee.ifa_next
        }
        return nil
    }()

    @Test("a peer beyond loopback gets 403 without a token, and gets in with one", .enabled(if: outsideAddress != nil, "this machine has no address beyond loopback"))
    func outside() async throws {
        let address = try #require(Self.outsideAddress)
        let open = try await RunningServer.start { $0.host = "0.0.0.0" }
        let outside = try await Self.call(open.port, "GET", "/control/state", host: address)
        #expect(outside.status == 403 && (outside.json["error"] as? String)?.contains("--control-token") == true)
        #expect(try await Self.call(open.port, "GET", "/control/state").status == 200, "loopback still gets in")
        let port = open.port
        #expect(try await offPool { try PlainHTTP.request(.init(host: address, port: port), method: "GET", path: "/health") }.status == 200, "the feed is not behind the rule")
        await open.stop()

        let guarded = try await RunningServer.start { $0.host = "0.0.0.0"; $0.control.token = "t0k" }
        #expect(try await Self.call(guarded.port, "GET", "/control/state", host: address, headers: [("Authorization", "Bearer t0k")]).status == 200)
        await guarded.stop()
    }
}
