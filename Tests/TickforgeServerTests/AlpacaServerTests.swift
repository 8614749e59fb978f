#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TickforgeMarket

@Suite("tickforge serve over real sockets: the Alpaca dialect next to Polygon's", .serialized)
struct AlpacaServerTests {
    func url(_ server: RunningServer, _ path: String) -> String { "ws://127.0.0.1:\(server.port)\(path)" }

    func objects(_ frames: [String]) -> [[String: Any]] {
        frames.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [[String: Any]] ?? [] }
    }

    @Test("a raw JSON client (no Content-Type) gets text frames, byte for byte as the notes' examples")
    func handshake() async throws {
        let server = try await RunningServer.start()
        let c = RecordingClient(url: url(server, "/v2/sip"))
        #expect(await c.waitFor { $0.received.count >= 1 })
        #expect(c.received == [#"[{"T":"success","msg":"connected"}]"#])
        c.send(#"{"action":"subscribe","trades":["AAPL"]}"#)
        #expect(await c.waitFor { $0.received.count >= 2 })
        #expect(c.received.last == #"[{"T":"error","code":401,"msg":"not authenticated"}]"#)
        c.send(#"{"action":"auth","key":"k","secret":"s"}"#)
        c.send(#"{"action":"subscribe","trades":["AAPL"],"quotes":["AAPL"]}"#)
        #expect(await c.waitFor { $0.received.count >= 5 })
        #expect(c.received[2] == #"[{"T":"success","msg":"authenticated"}]"#)
        #expect(c.received[3] == #"[{"T":"subscription","trades":["AAPL"],"quotes":["AAPL"],"bars":[],"updatedBars":[],"dailyBars":[],"statuses":[],"lulds":[],"corrections":["AAPL"],"cancelErrors":["AAPL"]}]"#)
        let data = objects(Array(c.received.dropFirst(4)))
        #expect(!data.isEmpty && data.allSatisfy { ($0["T"] as? String).map { ["t", "q"].contains($0) } == true && $0["S"] as? String == "AAPL" })
        c.stop()
        await server.stop()
    }

    @Test("the same trade goes out on /stocks and on /v2/sip, with the same id, price, size and time")
    func sameTradeBothDialects() async throws {
        let server = try await RunningServer.start()
        let polygon = RecordingClient(url: server.url)
        polygon.send(#"{"action":"auth","params":"k"}"#)
        polygon.send(#"{"action":"subscribe","params":"T.AAPL"}"#)
        let alpaca = RecordingClient(url: url(server, "/v2/sip"))
        alpaca.send(#"{"action":"auth","key":"k","secret":"s"}"#)
        alpaca.send(#"{"action":"subscribe","trades":["AAPL"]}"#)

        func polygonTrades() -> [String: [String: Any]] {
            Dictionary(objects(polygon.dataFrames).filter { $0["ev"] as? String == "T" }.map { ($0["i"] as! String, $0) }, uniquingKeysWith: { a, _ in a })
        }
        func alpacaTrades() -> [[String: Any]] { objects(alpaca.received).filter { $0["T"] as? String == "t" } }
        func common() -> [(polygon: [String: Any], alpaca: [String: Any])] {
            let p = polygonTrades()
            return alpacaTrades().compactMap { a in p["\(a["i"] as! Int)"].map { ($0, a) } }
        }
        #expect(await polygon.waitFor(90) { _ in common().count >= 3 })
        for (p, a) in common() {
            #expect(p["p"] as? Double == a["p"] as? Double)
            #expect(p["s"] as? Int == a["s"] as? Int)
            // Polygon's t is whole milliseconds; Alpaca's is RFC 3339 with nanoseconds.
            let text = a["t"] as! String
            let instant = RFC3339.parse(text)
            #expect(instant?.milliseconds == (p["t"] as? Int).map(Int64.init), "\(text) vs \(p["t"] ?? "?")")
        }
        polygon.stop(); alpaca.stop()
        await server.stop()
    }

    @Test("/v2/test serves FAKEPACA and only FAKEPACA; every connection gets the same messages, and /v2/iex has no FAKEPACA")
    func fakepaca() async throws {
        let server = try await RunningServer.start()
        let c = RecordingClient(url: url(server, "/v2/test"))
        c.send(#"{"action":"auth","key":"k","secret":"s"}"#)
        c.send(#"{"action":"subscribe","trades":["FAKEPACA","AAPL"],"quotes":["FAKEPACA"]}"#)
        let other = RecordingClient(url: url(server, "/v2/test"))
        other.send(#"{"action":"auth","key":"k","secret":"s"}"#)
        other.send(#"{"action":"subscribe","quotes":["FAKEPACA"]}"#)
        let iex = RecordingClient(url: url(server, "/v2/iex"))
        iex.send(#"{"action":"auth","key":"k","secret":"s"}"#)
        iex.send(#"{"action":"subscribe","trades":["FAKEPACA"],"quotes":["FAKEPACA"]}"#)
        func quoteStamps(_ client: RecordingClient) -> [String] {
            objects(client.received).filter { $0["T"] as? String == "q" }.compactMap { $0["t"] as? String }
        }
        #expect(await c.waitFor(30) { objects($0.received).filter { $0["S"] as? String == "FAKEPACA" }.count >= 2 })
        // One source for every connection: the same quote, stamped once, reaches both.
        #expect(await other.waitFor(30) { _ in Set(quoteStamps(other)).intersection(quoteStamps(c)).count >= 1 })
        #expect(objects(other.received).allSatisfy { $0["T"] as? String != "t" }, "the second connection asked for quotes only")
        #expect(objects(iex.received).allSatisfy { $0["S"] as? String != "FAKEPACA" })
        other.stop(); iex.stop()
        #expect(c.received[2] == #"[{"T":"subscription","trades":["FAKEPACA","AAPL"],"quotes":["FAKEPACA"],"bars":[]}]"#)
        let data = objects(Array(c.received.dropFirst(3)))
        #expect(data.allSatisfy { $0["S"] as? String == "FAKEPACA" })
        #expect(data.contains { $0["T"] as? String == "t" && $0["p"] as? Double == 134.56 && $0["s"] as? Int == 3 })
        #expect(data.contains { $0["T"] as? String == "q" && $0["bp"] as? Double == 133.85 && $0["ap"] as? Double == 135.77 })
        c.stop()
        await server.stop()
    }

    @Test("any other path gets HTTP 404 before the upgrade")
    func unknownPaths() async throws {
        let server = try await RunningServer.start()
        for path in ["/v2/options", "/v1beta3/crypto/us", "/v2", "/"] {
            #expect(try await LoopbackSocket.upgradeResponseHead(port: server.port, path: path).hasPrefix("HTTP/1.1 404 "), "\(path)")
        }
        #expect(try await LoopbackSocket.upgradeResponseHead(port: server.port, path: "/v2/iex").hasPrefix("HTTP/1.1 101 "))
        await server.stop()
    }
}
