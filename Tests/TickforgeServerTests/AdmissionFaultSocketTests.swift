import Foundation
import Testing
import TickforgeClient
import TickforgeMarket

/// Faults that act when a client upgrades or authenticates: `reject`, `auth-fail` and
/// `connection-limit`, each in the dialect's own words.
@Suite("Over sockets: faults at the door (reject, auth-fail, connection-limit)", .serialized)
struct AdmissionFaultSocketTests: ControlSocketSuite {
    static let start = RFC3339.parse("2026-11-23T10:00:00-05:00")!

    @Test("reject answers the next `count` upgrades with its status and no upgrade, only on the paths it selects; then upgrades go through")
    func reject() async throws {
        let server = try await RunningServer.start { $0.start = Self.start }
        defer { Task { await server.stop() } }
        let fault = try await call(server, "POST", "/control/faults", #"{"kind":"reject","count":2,"status":503,"dialect":"polygon"}"#)
        #expect(fault.status == 201 && fault.json["state"] as? String == "active" && fault.json["used"] as? Int == 0)

        // An Alpaca upgrade is not selected: it goes through.
        #expect(try await LoopbackSocket.upgradeResponseHead(port: server.port, path: "/v2/iex").hasPrefix("HTTP/1.1 101"))
        for _ in 1...2 {
            let head = try await LoopbackSocket.upgradeResponseHead(port: server.port, path: "/stocks")
            #expect(head.hasPrefix("HTTP/1.1 503"), "\(head)")
            #expect(head.lowercased().contains("retry-after: 1"))
            #expect(!head.lowercased().contains("upgrade: websocket"))
        }
        #expect(try await LoopbackSocket.upgradeResponseHead(port: server.port, path: "/stocks").hasPrefix("HTTP/1.1 101"), "the count is spent")
        // An unknown path still gets the 404 it always did.
        #expect(try await LoopbackSocket.upgradeResponseHead(port: server.port, path: "/nowhere").hasPrefix("HTTP/1.1 404"))

        let listed = try await call(server, "GET", "/control/faults").json["faults"] as? [[String: Any]] ?? []
        #expect(listed.first?["used"] as? Int == 2 && listed.first?["state"] as? String == "ended")
        let rejected = try await journal(server, "kind=rejected")
        #expect(rejected.count == 2 && rejected.allSatisfy { $0["status"] as? Int == 503 && $0["path"] as? String == "/stocks" && $0["connection"] as? String == "-" })
    }

    @Test("auth-fail: a good key gets Polygon's auth_failed and a reset, Alpaca's 402 with the socket left open; the count spent, the next auth succeeds")
    func authFail() async throws {
        let server = try await RunningServer.start { $0.start = Self.start }
        defer { Task { await server.stop() } }
        #expect(try await call(server, "POST", "/control/faults", #"{"kind":"auth-fail","dialect":"polygon"}"#).status == 201)
        let refused = polygon(server, key: "p")
        defer { refused.stop() }
        #expect(await refused.waitFor { $0.isClosed })
        #expect(refused.received.contains { $0.contains(#""status":"auth_failed""#) })
        #expect(!refused.received.contains { $0.contains("auth_success") })
        #expect(refused.serverClose == nil, "a reset, as for a wrong key")
        let again = polygon(server, key: "p")
        defer { again.stop() }
        #expect(await again.waitFor { !$0.dataFrames.isEmpty }, "one authentication refused, the next accepted")

        #expect(try await call(server, "POST", "/control/faults", #"{"kind":"auth-fail","key":"a","count":1}"#).status == 201)
        let alpaca = RecordingClient(url: "ws://127.0.0.1:\(server.port)/v2/sip")
        defer { alpaca.stop() }
        alpaca.send(#"{"action":"auth","key":"a","secret":"s"}"#)
        #expect(await alpaca.waitFor { $0.received.contains { $0.contains(#""code":402"#) } })
        alpaca.send(#"{"action":"auth","key":"a","secret":"s"}"#)
        #expect(await alpaca.waitFor { $0.received.contains { $0.contains(#""msg":"authenticated""#) } }, "the socket stayed open and a second try succeeds")
        #expect(!alpaca.isClosed)

        let refusals = try await journal(server, "kind=refused")
        #expect(refusals.count == 2 && refusals.allSatisfy { ($0["why"] as? String)?.hasPrefix("fault f") == true })
    }

    @Test("connection-limit while it lasts: Polygon evicts the oldest with max_connections, Alpaca refuses the newcomer with 406; ended, both fit again")
    func connectionLimit() async throws {
        let server = try await RunningServer.start { $0.start = Self.start }
        defer { Task { await server.stop() } }
        let fault = try await call(server, "POST", "/control/faults", #"{"kind":"connection-limit","limit":1}"#)
        let faultID = try #require(fault.json["id"] as? String)

        let older = polygon(server, key: "k")
        defer { older.stop() }
        #expect(await older.waitFor { !$0.dataFrames.isEmpty })
        let newer = polygon(server, key: "k")
        defer { newer.stop() }
        #expect(await older.waitFor { $0.isClosed })
        #expect(older.received.contains { $0.contains(#""status":"max_connections""#) })
        #expect(await newer.waitFor { !$0.dataFrames.isEmpty })

        let first = alpaca(server, key: "a")
        defer { first.stop() }
        #expect(await first.waitFor { $0.received.contains { $0.contains(#""msg":"authenticated""#) } })
        let second = alpaca(server, key: "a")
        defer { second.stop() }
        #expect(await second.waitFor { $0.received.contains { $0.contains(#""code":406"#) } })

        #expect(try await call(server, "DELETE", "/control/faults/\(faultID)").json["state"] as? String == "ended")
        let third = alpaca(server, key: "a")
        defer { third.stop() }
        #expect(await third.waitFor { $0.received.contains { $0.contains(#""msg":"authenticated""#) } }, "no limit once the fault ended")
        let evicted = try await journal(server, "kind=dropped")
        #expect(evicted.contains { $0["why"] as? String == "evicted" })
    }
}
