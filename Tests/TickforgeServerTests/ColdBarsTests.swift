import Foundation
import Testing
import TickforgeMarket

/// Subscribing to bars over a whole universe makes every symbol sum its day so far: that work runs
/// on the minute factory, never on the release loop, so nobody else's events wait for it.
@Suite("Over sockets: A.* over 1,000 symbols does not hold up another client's trades and quotes", .serialized)
struct ColdBarsTests {
    @Test("a T/Q reader keeps receiving while another client subscribes A.* over 1,000 symbols")
    func wildcardBars() async throws {
        let symbols = (0..<1000).map { "S\($0)" }
        let server = try await RunningServer.start(symbols: symbols) {
            $0.start = RFC3339.parse("2026-11-23T00:06:30-05:00")!
            $0.hub.barDelayNanoseconds = 2 * Timestamp.nanosPerSecond
        }
        let reader = RecordingClient(url: server.url)
        reader.send(#"{"action":"auth","params":"k"}"#)
        reader.send(#"{"action":"subscribe","params":"T.S1,Q.S1"}"#)
        #expect(await reader.waitFor { $0.dataFrames.count >= 3 })

        let bars = RecordingClient(url: server.url)
        bars.send(#"{"action":"auth","params":"k"}"#)
        bars.send(#"{"action":"subscribe","params":"A.*"}"#)
        let before = reader.dataFrames.count
        // The reader's quotes keep coming while the other client's thousand symbols get ready…
        #expect(await reader.waitFor { $0.dataFrames.count >= before + 20 })
        // …and the bars arrive too, from many symbols.
        #expect(await bars.waitFor(120) { c in
            Set(c.dataFrames.flatMap { frame in
                ((try? JSONSerialization.jsonObject(with: Data(frame.utf8))) as? [[String: Any]] ?? []).compactMap { $0["ev"] as? String == "A" ? $0["sym"] as? String : nil }
            }).count >= 100
        })
        // The reader got only its own symbol, trades and quotes in order.
        let events = reader.dataFrames.flatMap { frame in (try? JSONSerialization.jsonObject(with: Data(frame.utf8))) as? [[String: Any]] ?? [] }
        #expect(events.allSatisfy { $0["sym"] as? String == "S1" && ["T", "Q"].contains($0["ev"] as? String) })
        let sequences = events.compactMap { $0["q"] as? Int64 }
        #expect(sequences == sequences.sorted())
        reader.stop(); bars.stop()
        await server.stop()
    }
}
