import Foundation
import Testing
import TickforgeClient
import TickforgeFeed
import TickforgeMarket

/// Faults that shape what a connection is sent (`slow`, `latency`), and faults on the timeline:
/// scheduled with `at`, loaded from a script, exported with it.
@Suite("Over sockets: slow and latency faults, and faults on the timeline", .serialized)
struct ShapingFaultSocketTests: ControlSocketSuite {
    static let start = RFC3339.parse("2026-11-23T10:00:00-05:00")!

    @Test("slow: capped below the feed's rate, the backlog reaches the bound and ends in the dialect's slow-consumer status (Polygon slow_consumer, Alpaca 407), the backlog never past the bound")
    func slowEndsAsSlowConsumer() async throws {
        let maxBytes = 40_000
        let server = try await RunningServer.start {
            $0.start = Self.start
            // Fast enough to fill the queue behind a 300 B/s cap in seconds, slow enough that a
            // client starved of CPU keeps up without the cap.
            $0.speed = .multiplier(5)
            $0.hub.queueLimits = .init(maxBytes: maxBytes, maxAgeNanoseconds: 60 * Timestamp.nanosPerSecond)
        }
        defer { Task { await server.stop() } }
        let polygon = RecordingClient(url: server.url)
        polygon.send(#"{"action":"auth","params":"p"}"#)
        polygon.send(#"{"action":"subscribe","params":"T.*,Q.*"}"#)
        let alpaca = RecordingClient(url: "ws://127.0.0.1:\(server.port)/v2/sip")
        alpaca.send(#"{"action":"auth","key":"a","secret":"s"}"#)
        alpaca.send(#"{"action":"subscribe","trades":["*"],"quotes":["*"]}"#)
        defer { polygon.stop(); alpaca.stop() }
        #expect(await polygon.waitFor { !$0.dataFrames.isEmpty })
        #expect(await alpaca.waitFor { c in c.received.contains { $0.contains(#""T":"q""#) } })

        let fault = try await call(server, "POST", "/control/faults", #"{"kind":"slow","connections":"all","bytesPerSecond":300}"#)
        #expect(fault.status == 201 && (fault.json["appliedTo"] as? [String])?.count == 2)
        // While it runs, the server's own account of each backlog never passes the bound.
        var largest = 0
        for _ in 0..<1800 where !(polygon.isClosed && alpaca.isClosed) {
            let list = try await call(server, "GET", "/control/connections").json["connections"] as? [[String: Any]] ?? []
            largest = max(largest, list.compactMap { $0["backlogBytes"] as? Int }.max() ?? 0)
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(polygon.isClosed && alpaca.isClosed)
        #expect(polygon.received.contains { $0.contains(#""status":"slow_consumer""#) })
        #expect(alpaca.received.contains { $0.contains(#""code":407"#) })
        // The bound plus at most the one frame that crossed it (a frame pushed onto an empty queue
        // is always taken, and a stalled machine makes big ones), never more.
        let bound = maxBytes + FeedHub.Options().maxFrameBytes
        #expect(largest <= bound, "backlog \(largest) against a bound of \(bound)")
        // The journal has the backlog each was judged slow with: grown by the cap, within the bound.
        let drops = try await journal(server, "kind=dropped").filter { $0["why"] as? String == "slow-consumer" }
        #expect(drops.count == 2)
        #expect(drops.allSatisfy { d in (d["backlogBytes"] as? Int).map { $0 > 0 && $0 <= bound } == true }, "\(drops)")
    }

    @Test("latency: every frame to the selected dialect is held at least the delay; another dialect is untouched; the fault's jitter settings are listed")
    func latency() async throws {
        let server = try await RunningServer.start { $0.start = Self.start }
        defer { Task { await server.stop() } }
        let fault = try await call(server, "POST", "/control/faults", #"{"kind":"latency","dialect":"polygon","ms":400,"jitterMs":50,"seed":3}"#)
        #expect(fault.status == 201 && fault.json["ms"] as? Int == 400 && fault.json["jitterMs"] as? Int == 50 && fault.json["seed"] as? Int == 3)
        let began = SystemTime.monotonicNanoseconds()
        let held = polygon(server, key: "held")
        defer { held.stop() }
        #expect(await held.waitFor { $0.received.contains { $0.contains("auth_success") } })
        let elapsed = Double(SystemTime.monotonicNanoseconds() - began) / 1e6
        #expect(elapsed >= 350, "auth_success after \(elapsed) ms: it was queued at once and held 400 ± 50 ms")
        #expect(await held.waitFor { !$0.dataFrames.isEmpty }, "data still flows, late")
        let id = try #require(try await connectionID(server, key: "held"))
        let listed = try await call(server, "GET", "/control/connections").json["connections"] as? [[String: Any]] ?? []
        #expect(listed.first { $0["id"] as? String == id }?["faults"] as? [String] == [fault.json["id"] as? String ?? ""])
        let free = alpaca(server, key: "free")
        defer { free.stop() }
        #expect(await free.waitFor { $0.received.count > 2 })
        let freeID = try #require(try await connectionID(server, key: "free"))
        let now = try await call(server, "GET", "/control/connections").json["connections"] as? [[String: Any]] ?? []
        #expect(now.first { $0["id"] as? String == freeID }?["faults"] as? [String] == [], "an Alpaca connection is not selected")
    }

    @Test("a fault with `at` waits for the market clock: scheduled, then in effect at its instant")
    func scheduled() async throws {
        let server = try await RunningServer.start {
            $0.start = Self.start
            $0.speed = .multiplier(10)
        }
        defer { Task { await server.stop() } }
        let client = polygon(server, key: "k")
        defer { client.stop() }
        let id = try #require(try await connectionID(server, key: "k"))
        let fault = try await call(server, "POST", "/control/faults", #"{"kind":"mute","connections":["\#(id)"],"at":"+20s","for":"1h"}"#)
        #expect(fault.status == 201 && fault.json["state"] as? String == "scheduled" && fault.json["appliedTo"] as? [String] == [])
        let faultID = try #require(fault.json["id"] as? String)
        // 20 s of market time at 10×: about 2 s.
        var state = ""
        for _ in 0..<600 {
            let f = (try await call(server, "GET", "/control/faults").json["faults"] as? [[String: Any]] ?? []).first { $0["id"] as? String == faultID }
            state = f?["state"] as? String ?? ""
            if state == "active" { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(state == "active")
        let listed = try await call(server, "GET", "/control/connections").json["connections"] as? [[String: Any]] ?? []
        #expect(listed.first?["faults"] as? [String] == [faultID])
    }

    @Test("a script's fault steps are posted with its scenarios, scheduled by its start; the timeline exports them; a bad fault step loads nothing")
    func scripted() async throws {
        let server = try await RunningServer.start { $0.start = Self.start }
        defer { Task { await server.stop() } }
        let script = #"{"steps":[{"kind":"halt","symbol":"AAPL","at":"+1h"},{"kind":"reject","count":2,"status":429,"at":"+1h"},{"kind":"mute","dialect":"alpaca","at":"+2h","for":"5m"}]}"#
        let loaded = try await call(server, "POST", "/control/scripts", script)
        #expect(loaded.status == 200 && (loaded.json["loaded"] as? [Any])?.count == 3, "\(loaded)")
        let faults = try await call(server, "GET", "/control/faults").json["faults"] as? [[String: Any]] ?? []
        #expect(faults.map { $0["kind"] as? String } == ["reject", "mute"] && faults.allSatisfy { $0["state"] as? String == "scheduled" })
        let timeline = try await call(server, "GET", "/control/timeline").json
        let kinds = (timeline["steps"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(kinds == ["halt", "reject", "mute"])
        // The upgrade is not refused yet: the reject waits for its hour.
        #expect(try await LoopbackSocket.upgradeResponseHead(port: server.port, path: "/stocks").hasPrefix("HTTP/1.1 101"))

        let bad = try await call(server, "POST", "/control/scripts", #"{"steps":[{"kind":"halt","symbol":"MSFT","at":"+1h"},{"kind":"slow","connections":"all"}]}"#)
        #expect(bad.status == 400 && (bad.json["error"] as? String)?.contains("steps[1]") == true, "\(bad)")
        let scenarios = try await call(server, "GET", "/control/scenarios").json["scenarios"] as? [[String: Any]] ?? []
        #expect(scenarios.count == 1, "the script with a bad fault step added nothing")
    }
}
