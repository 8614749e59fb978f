import Foundation
import Testing
import TickforgeClient
import TickforgeMarket

/// Scenarios triggered over the control API, as clients of both dialects see them on the wire.
@Suite("Over sockets: scenarios on the Polygon and Alpaca streams", .serialized)
struct ScenarioSocketTests {
    static let start = RFC3339.parse("2026-11-23T10:00:00-05:00")!

    func objects(_ frames: [String]) -> [[String: Any]] {
        frames.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [[String: Any]] ?? [] }
    }

    func post(_ server: RunningServer, _ body: String) async throws -> [String: Any] {
        let port = server.port
        let r = try await offPool {
            try PlainHTTP.request(.init(host: "127.0.0.1", port: port), method: "POST", path: "/control/scenarios",
                                  headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        }
        #expect(r.status == 201, "\(r.body)")
        return (try JSONSerialization.jsonObject(with: Data(r.body.utf8))) as? [String: Any] ?? [:]
    }

    /// A Polygon client on `/stocks` and an Alpaca client on `/v2/sip`, both subscribed to AAPL.
    func clients(_ server: RunningServer, polygon topics: String, alpaca channels: String) -> (RecordingClient, RecordingClient) {
        let polygon = RecordingClient(url: server.url)
        polygon.send(#"{"action":"auth","params":"k"}"#)
        polygon.send(#"{"action":"subscribe","params":"\#(topics)"}"#)
        let alpaca = RecordingClient(url: "ws://127.0.0.1:\(server.port)/v2/sip")
        alpaca.send(#"{"action":"auth","key":"k","secret":"s"}"#)
        alpaca.send(#"{"action":"subscribe",\#(channels)}"#)
        return (polygon, alpaca)
    }

    /// The same clients, once each has received a trade: the feed is flowing on both.
    func tradingClients(_ server: RunningServer, polygon topics: String, alpaca channels: String) async -> (RecordingClient, RecordingClient) {
        let (polygon, alpaca) = clients(server, polygon: topics, alpaca: channels)
        #expect(await polygon.waitFor { c in objects(c.dataFrames).contains { $0["ev"] as? String == "T" } })
        #expect(await alpaca.waitFor { c in objects(c.received).contains { $0["T"] as? String == "t" } })
        return (polygon, alpaca)
    }

    /// Polygon's `t` in ms (trades) or ns (LULD), and Alpaca's RFC 3339 `t`, as instants.
    static func polygonTime(_ e: [String: Any]) -> Timestamp {
        let t = e["t"] as! Int64
        return Timestamp(nanoseconds: e["ev"] as? String == "LULD" ? t : t * 1_000_000)
    }
    static func alpacaTime(_ e: [String: Any]) -> Timestamp { RFC3339.parse(e["t"] as! String)! }

    @Test("halt and resume: Alpaca statuses P then T, Polygon LULD 17 then 18 (Nasdaq-listed), no trades between, a reopening print")
    func haltAndResume() async throws {
        let server = try await RunningServer.start {
            $0.start = Self.start
            $0.speed = .multiplier(5)
        }
        let (polygon, alpaca) = await tradingClients(server, polygon: "T.AAPL,LULD.AAPL", alpaca: #""trades":["AAPL"],"statuses":["AAPL"]"#)

        let halt = try await post(server, #"{"kind":"halt","symbol":"AAPL","for":"20s"}"#)
        let at = RFC3339.parse(halt["at"] as! String)!, until = RFC3339.parse(halt["until"] as! String)!
        #expect(halt["reason"] as? String == "LUDP")

        // The resumption, and trades after it, on both.
        #expect(await alpaca.waitFor { c in
            objects(c.received).contains { $0["T"] as? String == "t" && Self.alpacaTime($0) > until }
        })
        #expect(await polygon.waitFor { c in
            objects(c.dataFrames).contains { $0["ev"] as? String == "T" && Self.polygonTime($0) > until }
        })
        polygon.stop(); alpaca.stop()
        await server.stop()

        let statuses = objects(alpaca.received).filter { $0["T"] as? String == "s" }
        // Nasdaq's codes: P, a volatility trading pause; T, trading resumes (notes §7.2).
        #expect(statuses.map { $0["sc"] as? String } == ["P", "T"], "\(statuses)")
        #expect(statuses.first.map(Self.alpacaTime) == at && statuses.last.map(Self.alpacaTime) == until)
        #expect(statuses.allSatisfy { $0["rc"] as? String == "LUDP" && $0["S"] as? String == "AAPL" && $0["z"] as? String == "C" })
        let alpacaTrades = objects(alpaca.received).filter { $0["T"] as? String == "t" }
        #expect(!alpacaTrades.contains { (at..<until).contains(Self.alpacaTime($0)) }, "no trade while halted")
        let reopening = alpacaTrades.first { Self.alpacaTime($0) >= until }
        #expect(reopening.map { Self.alpacaTime($0) < until + Timestamp.nanosPerSecond } == true && (reopening?["c"] as? [String])?.contains("5") == true,
                "the reopening print, condition 5, as trading resumes: \(reopening ?? [:])")

        let events = objects(polygon.dataFrames)
        let indicators = events.filter { $0["ev"] as? String == "LULD" && ($0["i"] as? [Int]).map { $0 != [0] } == true }
        #expect(indicators.map { $0["i"] as? [Int] } == [[17], [18]], "\(indicators)")
        #expect(indicators.first.map(Self.polygonTime) == at && indicators.last.map(Self.polygonTime) == until)
        let polygonTrades = events.filter { $0["ev"] as? String == "T" }
        #expect(!polygonTrades.contains { (at.nanoseconds / 1_000_000..<until.nanoseconds / 1_000_000).contains(Self.polygonTime($0).nanoseconds / 1_000_000) && Self.polygonTime($0) >= at })
        #expect(polygonTrades.contains { ($0["c"] as? [Int])?.contains(Int(TradeConditions.reopening)) == true }, "Polygon's reopening condition")
    }

    @Test("a pushed trade and quote arrive with exactly their price, size, exchange and conditions, on both dialects")
    func push() async throws {
        let server = try await RunningServer.start {
            $0.start = Self.start
            $0.speed = .multiplier(2)
        }
        let (polygon, alpaca) = await tradingClients(server, polygon: "T.AAPL,Q.AAPL", alpaca: #""trades":["AAPL"],"quotes":["AAPL"]"#)
        _ = try await post(server, #"{"kind":"push","symbol":"AAPL","event":"trade","price":123.45,"size":77,"exchange":4,"conditions":[14,41]}"#)
        _ = try await post(server, #"{"kind":"push","symbol":"AAPL","event":"quote","bid":111.11,"ask":111.2,"bidSize":300,"askSize":500}"#)
        #expect(await polygon.waitFor { c in objects(c.dataFrames).contains { ($0["bp"] as? Double) == 111.11 } })
        #expect(await alpaca.waitFor { c in objects(c.received).contains { ($0["bp"] as? Double) == 111.11 } })
        polygon.stop(); alpaca.stop()
        await server.stop()

        let pt = objects(polygon.dataFrames).filter { $0["ev"] as? String == "T" && $0["p"] as? Double == 123.45 }
        #expect(pt.count == 1)
        #expect(pt.first?["s"] as? Int == 77 && pt.first?["x"] as? Int == 4 && pt.first?["c"] as? [Int] == [14, 41])
        let at = objects(alpaca.received).filter { $0["T"] as? String == "t" && $0["p"] as? Double == 123.45 }
        #expect(at.count == 1)
        #expect(at.first?["s"] as? Int == 77 && at.first?["i"] as? Int == Int(pt.first?["i"] as? String ?? ""), "the same trade id on both")
        let pq = objects(polygon.dataFrames).filter { $0["ev"] as? String == "Q" && $0["bp"] as? Double == 111.11 }
        #expect(pq.count == 1 && pq.first?["ap"] as? Double == 111.2 && pq.first?["bs"] as? Int == 300 && pq.first?["as"] as? Int == 500)
        let aq = objects(alpaca.received).filter { $0["T"] as? String == "q" && $0["bp"] as? Double == 111.11 }
        #expect(aq.count == 1 && aq.first?["ap"] as? Double == 111.2 && aq.first?["bs"] as? Int == 3 && aq.first?["as"] as? Int == 5, "Alpaca's sizes are in round lots")
    }

    @Test("a session forced closed stops trading on both dialects; calendar mode forced open trades on a Saturday")
    func session() async throws {
        // Saturday 28 November 2026 at 11:00 New York, with the NYSE calendar: nothing trades.
        let saturday = RFC3339.parse("2026-11-28T11:00:00-05:00")!
        let server = try await RunningServer.start {
            $0.start = saturday
            $0.speed = .multiplier(5)
            $0.market.marketHours = .calendar
        }
        let (polygon, alpaca) = clients(server, polygon: "T.AAPL", alpaca: #""trades":["AAPL"]"#)
        // Both are subscribed when the session opens: wait for the Alpaca acknowledgement.
        #expect(await alpaca.waitFor { c in c.received.contains { $0.contains(#""T":"subscription""#) } })
        // Two market seconds of the weekend released, and no trade in them.
        let subscribedAt = try #require(try await server.releasedThrough())
        #expect(try await server.waitForRelease(past: subscribedAt + 2 * Timestamp.nanosPerSecond))
        #expect(!objects(polygon.dataFrames).contains { $0["ev"] as? String == "T" }, "the weekend is closed")

        let open = try await post(server, #"{"kind":"session","phase":"open","for":"30s"}"#)
        let opened = RFC3339.parse(open["at"] as! String)!, closes = RFC3339.parse(open["until"] as! String)!
        #expect(await polygon.waitFor { c in objects(c.dataFrames).filter { $0["ev"] as? String == "T" }.count >= 5 })
        #expect(await alpaca.waitFor { c in objects(c.received).filter { $0["T"] as? String == "t" }.count >= 5 })
        // Then closed again when the 30 s run out: wait past it.
        let deadline = SystemTime.monotonicNanoseconds() + 60_000_000_000
        while SystemTime.monotonicNanoseconds() < deadline {
            let port = server.port
            let state = try await offPool { try PlainHTTP.request(.init(host: "127.0.0.1", port: port), method: "GET", path: "/control/state") }
            if let s = try JSONSerialization.jsonObject(with: Data(state.body.utf8)) as? [String: Any],
               let now = RFC3339.parse(s["marketTime"] as! String), now > closes + 3 * Timestamp.nanosPerSecond { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        polygon.stop(); alpaca.stop()
        await server.stop()
        let trades = objects(polygon.dataFrames).filter { $0["ev"] as? String == "T" }.map { Self.polygonTime($0) }
        #expect(trades.allSatisfy { $0 >= Timestamp(nanoseconds: opened.nanoseconds / 1_000_000 * 1_000_000) && $0 < closes })
        let alpacaTrades = objects(alpaca.received).filter { $0["T"] as? String == "t" }.map(Self.alpacaTime)
        #expect(alpacaTrades.allSatisfy { $0 >= opened && $0 < closes })
        #expect(alpacaTrades.count == trades.count, "the same trades on both")
    }
}
