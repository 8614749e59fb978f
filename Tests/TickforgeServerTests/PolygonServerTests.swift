import Foundation
import Testing
import TickforgeClient
import TickforgeMarket

@Suite("tickforge serve over real sockets: the Polygon/Massive dialect", .serialized)
struct PolygonServerTests {
    @Test("the handshake, byte for byte, then data in arrays")
    func handshake() async throws {
        let server = try await RunningServer.start()
        let c = RecordingClient(url: server.url)
        #expect(await c.waitFor { $0.received.count >= 1 })
        #expect(c.received.first == #"[{"ev":"status","status":"connected","message":"Connected Successfully"}]"#)
        c.send(#"{"action":"auth","params":"k"}"#)
        #expect(await c.waitFor { $0.received.count >= 2 })
        #expect(c.received[1] == #"[{"ev":"status","status":"auth_success","message":"authenticated"}]"#)
        c.send(#"{"action":"subscribe","params":"T.AAPL,A.AAPL"}"#)
        #expect(await c.waitFor { $0.received.count >= 3 })
        #expect(c.received[2] == #"[{"ev":"status","status":"success","message":"subscribed to: T.AAPL"},{"ev":"status","status":"success","message":"subscribed to: A.AAPL"}]"#)
        #expect(await c.waitFor { $0.dataFrames.contains { $0.contains(#"{"ev":"A","sym":"AAPL""#) } && $0.dataFrames.contains { $0.contains(#"{"ev":"T","sym":"AAPL""#) } })
        for frame in c.dataFrames {
            #expect(frame.hasPrefix("[{\"ev\":") && frame.hasSuffix("}]"))
            #expect(!frame.contains("MSFT"))
        }
        c.stop()
        await server.stop()
    }

    @Test("no data before auth: a subscribe is refused with auth_required")
    func noDataBeforeAuth() async throws {
        let server = try await RunningServer.start()
        let c = RecordingClient(url: server.url)
        #expect(await c.waitFor { $0.received.count >= 1 })
        c.send(#"{"action":"subscribe","params":"T.*,Q.*"}"#)
        #expect(await c.waitFor { $0.received.count >= 2 })
        #expect(c.received[1].contains(#""status":"auth_required""#))
        // Two market seconds released after the refusal, and still nothing for this client.
        let refusedAt = try #require(try await server.releasedThrough())
        #expect(try await server.waitForRelease(past: refusedAt + 2 * Timestamp.nanosPerSecond))
        #expect(c.dataFrames.isEmpty)
        c.stop()
        await server.stop()
    }

    @Test("multi-client isolation: one unsubscribes, the other keeps receiving")
    func isolation() async throws {
        let server = try await RunningServer.start()
        let a = RecordingClient(url: server.url), b = RecordingClient(url: server.url)
        for c in [a, b] {
            c.send(#"{"action":"auth","params":"k"}"#)
            c.send(#"{"action":"subscribe","params":"T.AAPL"}"#)
        }
        #expect(await a.waitFor { !$0.dataFrames.isEmpty })
        #expect(await b.waitFor { !$0.dataFrames.isEmpty })
        a.send(#"{"action":"unsubscribe","params":"T.AAPL"}"#)
        #expect(await a.waitFor { $0.received.contains { $0.contains("unsubscribed to: T.AAPL") } })
        let ackIndex = a.received.firstIndex { $0.contains("unsubscribed to: T.AAPL") }!
        // The other client receiving plenty more is the witness that the feed went on meanwhile.
        let bBefore = b.dataFrames.count
        #expect(await b.waitFor { $0.dataFrames.count > bBefore + 20 })
        #expect(a.received.count == ackIndex + 1, "nothing after the unsubscribe ack")
        a.stop(); b.stop()
        await server.stop()
    }

    @Test("malformed frames get an error status; the server and other clients are unaffected")
    func malformed() async throws {
        let server = try await RunningServer.start()
        let good = RecordingClient(url: server.url), bad = RecordingClient(url: server.url)
        good.send(#"{"action":"auth","params":"k"}"#)
        good.send(#"{"action":"subscribe","params":"Q.MSFT"}"#)
        bad.send(#"{"action":"auth","params":"k"}"#)
        for junk in ["{{{", "[]", #"{"action":42}"#, String(repeating: "x", count: 100_000), #"{"action":"subscribe"}"#] { bad.send(junk) }
        #expect(await bad.waitFor { $0.received.filter { $0.contains(#""status":"error""#) }.count >= 4 })
        bad.send(#"{"action":"subscribe","params":"T.AAPL"}"#)
        #expect(await bad.waitFor { !$0.dataFrames.isEmpty }, "the bad client's session still works")
        let before = good.dataFrames.count
        #expect(await good.waitFor { $0.dataFrames.count > before + 5 })
        good.stop(); bad.stop()
        await server.stop()
    }

    @Test("one connection per key: the newer wins, the older gets max_connections and an abort")
    func eviction() async throws {
        let server = try await RunningServer.start { $0.maxConnectionsPerKey = 1 }
        let old = RecordingClient(url: server.url)
        old.send(#"{"action":"auth","params":"same"}"#)
        #expect(await old.waitFor { $0.received.count >= 2 })
        let new = RecordingClient(url: server.url)
        new.send(#"{"action":"auth","params":"same"}"#)
        #expect(await old.waitFor { $0.isClosed })
        #expect(old.received.last == #"[{"ev":"status","status":"max_connections","message":"Maximum number of websocket connections exceeded. "}]"#)
        #expect(await new.waitFor { $0.received.count >= 2 && !$0.isClosed })
        #expect(new.received[1].contains("auth_success"))
        old.stop(); new.stop()
        await server.stop()
    }

    @Test("a stalled reader is dropped as a slow consumer; memory stays bounded and others keep their rate")
    func slowConsumer() async throws {
        // Twenty times real time, so the stalled reader overflows the kernel's socket buffers (several
        // MB on loopback) and then its own queue within seconds.
        let server = try await RunningServer.start(symbols: ["AAPL", "MSFT", "NVDA", "TSLA", "SPY", "QQQ"]) {
            $0.hub.queueLimits = .init(maxBytes: 2 << 20, maxAgeNanoseconds: 2 * Timestamp.nanosPerSecond)
            $0.speed = .multiplier(20)
        }
        let healthy = RecordingClient(url: server.url)
        healthy.send(#"{"action":"auth","params":"k"}"#)
        healthy.send(#"{"action":"subscribe","params":"Q.AAPL"}"#)
        let stalled = try #require(StalledClient(port: server.port, subscribe: "T.*,Q.*"))
        // The stalled reader falls behind, overflows its bound and is dropped; the healthy one keeps
        // receiving throughout. (Content, not timing: a busy CI machine may pause anything briefly.)
        // Meanwhile, the server's own account of the stalled connection's backlog: bounded by the
        // queue's limit plus the one frame that crossed it (this server's memory alone, not the
        // whole test process's, which other suites share).
        let port = server.port
        let watcher = Task {
            var largest = 0
            while !Task.isCancelled {
                if let text = try? await httpGet(port: port, path: "/control/connections"),
                   let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                   let list = object["connections"] as? [[String: Any]] {
                    for c in list where (c["subscriptions"] as? [String: [String]])?["T"] == ["*"] {
                        largest = max(largest, c["backlogBytes"] as? Int ?? 0)
                    }
                }
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
            return largest
        }
        #expect(await stalled.waitUntilDropped(seconds: 90), "the server never dropped the stalled reader")
        watcher.cancel()
        let largestBacklog = await watcher.value
        #expect(largestBacklog > 0, "the stalled connection's backlog was seen growing")
        #expect(largestBacklog <= (2 << 20) + (1 << 20), "backlog reached \(largestBacklog) bytes")
        let atDrop = healthy.dataFrames.count
        #expect(atDrop > 0)
        #expect(await healthy.waitFor { $0.dataFrames.count > atDrop + 50 }, "the healthy client stopped receiving")
        #expect(!healthy.isClosed)
        healthy.stop()
        await server.stop()
    }

    @Test("generation stops when the last subscriber leaves (seen through /stats)")
    func idleWhenEmpty() async throws {
        // 60× real time, so the idle wait below crosses minute boundaries within seconds.
        let server = try await RunningServer.start { $0.speed = .multiplier(60) }
        func stats() async throws -> String {
            try await httpGet(port: server.port, path: "/stats")
        }
        #expect(try await stats().contains(#""activeSymbols":0"#))
        let c = RecordingClient(url: server.url)
        c.send(#"{"action":"auth","params":"k"}"#)
        c.send(#"{"action":"subscribe","params":"T.AAPL,Q.MSFT"}"#)
        #expect(await c.waitFor { !$0.dataFrames.isEmpty })
        #expect(try await stats().contains(#""activeSymbols":2"#))
        c.stop()
        var idle = false
        for _ in 0..<600 where !idle {
            idle = try await stats().contains(#""activeSymbols":0"#)
            if !idle { try await Task.sleep(nanoseconds: 50_000_000) }
        }
        #expect(idle)
        let before = try await stats()
        // Two minute boundaries pass with nobody subscribed, and no minute is made for them.
        let idleFrom = try #require(try await server.releasedThrough())
        #expect(try await server.waitForRelease(past: idleFrom + 125 * Timestamp.nanosPerSecond))
        let generated = { (s: String) in s.split(separator: ",").first { $0.contains("minutesGenerated") } }
        #expect(generated(try await stats()) == generated(before))
        await server.stop()
    }

    @Test("auth timeout over a socket: Polygon sends auth_timeout and resets, Alpaca sends 404 and closes; a client that authenticated in time is untouched")
    func authTimeout() async throws {
        let server = try await RunningServer.start { $0.authTimeoutSeconds = 0.5 }
        defer { Task { await server.stop() } }
        let silentPolygon = RecordingClient(url: server.url)
        let silentAlpaca = RecordingClient(url: "ws://127.0.0.1:\(server.port)/v2/iex")
        let prompt = RecordingClient(url: server.url)
        prompt.send(#"{"action":"auth","params":"k"}"#)
        prompt.send(#"{"action":"subscribe","params":"Q.AAPL"}"#)
        defer { silentPolygon.stop(); silentAlpaca.stop(); prompt.stop() }

        #expect(await silentPolygon.waitFor { $0.isClosed })
        #expect(silentPolygon.received.last?.contains(#""status":"auth_timeout""#) == true, "\(silentPolygon.received)")
        #expect(silentPolygon.serverClose == nil, "Polygon resets, with no close frame")
        #expect(await silentAlpaca.waitFor { $0.isClosed })
        #expect(silentAlpaca.received.last?.contains(#""code":404"#) == true, "\(silentAlpaca.received)")
        // Long after the timeout, the client that authenticated in time still receives.
        let seen = prompt.dataFrames.count
        #expect(await prompt.waitFor { $0.dataFrames.count > seen + 10 })
        #expect(!prompt.isClosed)
    }

    @Test("unknown paths are 404; query strings on /stocks are ignored")
    func paths() async throws {
        let server = try await RunningServer.start()
        let c = RecordingClient(url: "ws://127.0.0.1:\(server.port)/options")
        #expect(await c.waitFor { $0.isClosed })
        #expect(c.received.isEmpty)
        let q = RecordingClient(url: server.url + "?apiKey=x")
        #expect(await q.waitFor { !$0.received.isEmpty })
        c.stop(); q.stop()
        await server.stop()
    }
}
