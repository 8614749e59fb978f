import Foundation
import Testing
import TickforgeClient
import TickforgeMarket

/// Connection faults posted over the control API, as clients of both dialects meet them.
@Suite("Over sockets: connection faults (drop, close, mute)", .serialized)
struct FaultSocketTests: ControlSocketSuite {
    static let start = RFC3339.parse("2026-11-23T10:00:00-05:00")!

    @Test("drop resets only the named connection, with no close frame; close sends its code and reason; the others keep receiving")
    func dropAndClose() async throws {
        let server = try await RunningServer.start { $0.start = Self.start }
        defer { Task { await server.stop() } }
        let (a, b, c) = (polygon(server, key: "a"), polygon(server, key: "b"), alpaca(server, key: "c"))
        defer { a.stop(); b.stop(); c.stop() }
        let idA = try #require(try await connectionID(server, key: "a"))
        let idC = try #require(try await connectionID(server, key: "c"))
        #expect(await a.waitFor { !$0.dataFrames.isEmpty })
        #expect(await c.waitFor { $0.received.count > 3 })

        let drop = try await call(server, "POST", "/control/faults", #"{"kind":"drop","connections":["\#(idA)"]}"#)
        #expect(drop.status == 201 && drop.json["appliedTo"] as? [String] == [idA] && drop.json["state"] as? String == "ended")
        #expect(await a.waitFor { $0.isClosed })
        #expect(a.serverClose == nil, "a drop is a reset, with no close frame")

        let close = try await call(server, "POST", "/control/faults", #"{"kind":"close","connections":["\#(idC)"],"code":4001,"reason":"maintenance"}"#)
        #expect(close.status == 201 && close.json["code"] as? Int == 4001)
        #expect(await c.waitFor { $0.isClosed })
        #expect(c.serverClose?.code == "unknown(4001)" && c.serverClose?.reason == "maintenance")

        // The one left alone goes on receiving.
        let seen = b.dataFrames.count
        #expect(await b.waitFor { $0.dataFrames.count > seen + 20 })
        #expect(!b.isClosed)
        let left = try await call(server, "GET", "/control/connections").json["connections"] as? [[String: Any]] ?? []
        #expect(left.compactMap { $0["key"] as? String } == ["b"])
    }

    @Test("mute: the muted connection hears nothing while another keeps receiving, then data resumes when the fault ends")
    func mute() async throws {
        let server = try await RunningServer.start { $0.start = Self.start }
        defer { Task { await server.stop() } }
        let (muted, other) = (polygon(server, key: "m"), polygon(server, key: "o"))
        defer { muted.stop(); other.stop() }
        let id = try #require(try await connectionID(server, key: "m"))
        #expect(await muted.waitFor { !$0.dataFrames.isEmpty })

        let before = muted.received.count
        let fault = try await call(server, "POST", "/control/faults", #"{"kind":"mute","connections":["\#(id)"]}"#)
        #expect(fault.status == 201 && fault.json["state"] as? String == "active")
        let faultID = try #require(fault.json["id"] as? String)
        let mutedAt = try #require(RFC3339.parse(fault.json["at"] as? String ?? ""))
        let listed = try await call(server, "GET", "/control/connections").json["connections"] as? [[String: Any]] ?? []
        #expect(listed.first { $0["id"] as? String == id }?["faults"] as? [String] == [faultID])
        // The other client receives plenty meanwhile; the muted one gets nothing released after the
        // mute (a frame already on its way may still land: its events are from before).
        let otherAt = other.dataFrames.count
        #expect(await other.waitFor { $0.dataFrames.count > otherAt + 30 })
        let late = muted.received.dropFirst(before).flatMap { frame in
            ((try? JSONSerialization.jsonObject(with: Data(frame.utf8))) as? [[String: Any]] ?? []).compactMap { $0["t"] as? Int64 }
        }
        #expect(late.allSatisfy { $0 <= mutedAt.milliseconds + 50 }, "events after the mute reached the muted connection: \(late.max() ?? 0) > \(mutedAt.milliseconds)")
        let silentFrom = muted.received.count
        #expect(!muted.isClosed, "a muted connection stays open")

        let ended = try await call(server, "DELETE", "/control/faults/\(faultID)")
        #expect(ended.status == 200 && ended.json["state"] as? String == "ended")
        #expect(await muted.waitFor { $0.received.count > silentFrom + 5 }, "data resumes")
    }

    @Test("a selector mute with a duration reaches a connection that opens while it lasts, and ends on its own")
    func standingMute() async throws {
        let server = try await RunningServer.start {
            $0.start = Self.start
            $0.speed = .multiplier(5)
        }
        defer { Task { await server.stop() } }
        let fault = try await call(server, "POST", "/control/faults", #"{"kind":"mute","dialect":"alpaca","for":"20s"}"#)
        #expect(fault.status == 201 && fault.json["appliedTo"] as? [String] == [])
        let faultID = try #require(fault.json["id"] as? String)
        let late = alpaca(server, key: "late")
        let bystander = polygon(server, key: "p")
        defer { late.stop(); bystander.stop() }
        let id = try #require(try await connectionID(server, key: "late"))
        let listed = try await call(server, "GET", "/control/faults").json["faults"] as? [[String: Any]] ?? []
        #expect(listed.first?["appliedTo"] as? [String] == [id])
        #expect(await bystander.waitFor { $0.dataFrames.count > 20 })
        #expect(late.received.isEmpty, "muted from its first frame: not even the connected message")
        // 20 s of market time at 5× real speed: it ends on its own, and quotes flow to the late client.
        #expect(await late.waitFor { c in c.received.contains { $0.contains(#""T":"q""#) } })
        let after = try await call(server, "GET", "/control/faults").json["faults"] as? [[String: Any]] ?? []
        #expect(after.first { $0["id"] as? String == faultID }?["state"] as? String == "ended")
    }

    @Test("disconnect-after drops each matching connection that long after it authenticates, again on reconnect; other dialects are left alone; ended, connections stay")
    func disconnectAfter() async throws {
        let server = try await RunningServer.start { $0.start = Self.start }
        defer { Task { await server.stop() } }
        let bystander = alpaca(server, key: "alp")
        defer { bystander.stop() }
        let fault = try await call(server, "POST", "/control/faults", #"{"kind":"disconnect-after","dialect":"polygon","seconds":0.3}"#)
        #expect(fault.status == 201 && fault.json["seconds"] as? Double == 0.3 && fault.json["state"] as? String == "active")
        let faultID = try #require(fault.json["id"] as? String)

        // Two connections in turn, as a reconnecting client makes them: each is dropped (a reset)
        // once it has authenticated.
        for round in 1...2 {
            let client = polygon(server, key: "p\(round)")
            defer { client.stop() }
            #expect(await client.waitFor { $0.received.contains { $0.contains("auth_success") } })
            #expect(await client.waitFor { $0.isClosed }, "round \(round): not dropped")
            #expect(client.serverClose == nil)
        }
        #expect(await bystander.waitFor { $0.received.count > 3 })
        #expect(!bystander.isClosed, "an Alpaca connection is not a polygon one")
        let listed = try await call(server, "GET", "/control/faults").json["faults"] as? [[String: Any]] ?? []
        #expect((listed.first?["appliedTo"] as? [String])?.count == 2)

        #expect(try await call(server, "DELETE", "/control/faults/\(faultID)").json["state"] as? String == "ended")
        let after = polygon(server, key: "p3")
        defer { after.stop() }
        #expect(await after.waitFor { $0.received.contains { $0.contains("auth_success") } })
        let seen = after.dataFrames.count
        #expect(await after.waitFor { $0.dataFrames.count > seen + 20 })
        #expect(!after.isClosed, "the fault ended: connections stay")
    }

    @Test("bad fault requests get 400 naming the field, an unknown connection 404, ending a drop 409")
    func badRequests() async throws {
        let server = try await RunningServer.start { $0.start = Self.start }
        defer { Task { await server.stop() } }
        func expect(_ body: String, _ status: Int, _ words: String) async throws {
            let r = try await call(server, "POST", "/control/faults", body)
            #expect(r.status == status && (r.json["error"] as? String)?.contains(words) == true, "\(body): \(r)")
        }
        try await expect(#"{"kind":"explode","connections":"all"}"#, 400, "field 'kind'")
        try await expect(#"{"kind":"drop"}"#, 400, "field 'connections'")
        try await expect(#"{"kind":"drop","connections":"all","dialect":"alpaca"}"#, 400, "not both")
        try await expect(#"{"kind":"drop","connections":["x1"]}"#, 400, "connection ids")
        try await expect(#"{"kind":"close","connections":"all","code":1006}"#, 400, "field 'code'")
        try await expect(#"{"kind":"drop","connections":"all","for":"5s"}"#, 400, "field 'for'")
        try await expect(#"{"kind":"drop","connections":"all","at":"2020-01-01"}"#, 400, "field 'at'")
        try await expect(#"{"kind":"slow","connections":"all"}"#, 400, "field 'bytesPerSecond'")
        try await expect(#"{"kind":"latency","connections":"all","ms":5000}"#, 400, "field 'ms'")
        try await expect(#"{"kind":"latency","connections":"all","ms":3000,"jitterMs":2000}"#, 400, "at most 4000 ms")
        try await expect(#"{"kind":"reject","status":404}"#, 400, "field 'status'")
        try await expect(#"{"kind":"reject","key":"k"}"#, 400, "field 'key'")
        try await expect(#"{"kind":"reject","connections":["c1"]}"#, 400, "field 'connections'")
        try await expect(#"{"kind":"auth-fail","count":0}"#, 400, "field 'count'")
        try await expect(#"{"kind":"connection-limit"}"#, 400, "field 'limit'")
        try await expect(#"{"kind":"mute","connections":"all","colour":"red"}"#, 400, "not a field of a mute fault")
        try await expect(#"{"kind":"disconnect-after","connections":"all"}"#, 400, "field 'seconds'")
        try await expect(#"{"kind":"drop","connections":"all","seconds":3}"#, 400, "not a field of a drop fault")
        try await expect(#"{"kind":"drop","connections":["c999"]}"#, 404, "no open connection with id 'c999'")
        let drop = try await call(server, "POST", "/control/faults", #"{"kind":"drop","connections":"all"}"#)
        #expect(drop.status == 201 && drop.json["appliedTo"] as? [String] == [])
        #expect(try await call(server, "DELETE", "/control/faults/\(drop.json["id"] as? String ?? "")").status == 409)
        #expect(try await call(server, "DELETE", "/control/faults/f999").status == 404)
    }
}
