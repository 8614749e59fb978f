import Foundation
import Testing
import TickforgeMarket

/// The Go client (`massive-com/client-go`) sends one subscribe message per topic. Every `A` second
/// and every `AM` minute must still arrive once per subscriber, in order, and an Alpaca client on
/// the same symbol must not get a bar twice either.
@Suite("Over sockets: topics subscribed one message at a time", .serialized)
struct TopicByTopicTests {
    /// The `s` of each event of type `ev` in the frames, in arrival order.
    static func starts(_ frames: [String], ev: String, key: String = "ev", startKey: String = "s") -> [String] {
        frames.flatMap { frame -> [String] in
            guard let items = (try? JSONSerialization.jsonObject(with: Data(frame.utf8))) as? [[String: Any]] else { return [] }
            return items.filter { ($0[key] as? String) == ev }.map { "\($0[startKey]!)" }
        }
    }

    @Test("A, AM, T, Q, LULD as separate messages on /stocks, bars on /v2/iex: each bar exactly once, in order")
    func separateMessages() async throws {
        let server = try await RunningServer.start {
            $0.start = RFC3339.parse("2026-11-23T10:00:40-05:00")!
            $0.speed = .multiplier(15)
            $0.hub.barDelayNanoseconds = 2 * Timestamp.nanosPerSecond
        }
        let polygon = RecordingClient(url: server.url)
        polygon.send(#"{"action":"auth","params":"k"}"#)
        for topic in ["A.AAPL", "AM.AAPL", "T.AAPL", "Q.AAPL", "LULD.AAPL"] {
            polygon.send(#"{"action":"subscribe","params":"\#(topic)"}"#)
        }
        let alpaca = RecordingClient(url: "ws://127.0.0.1:\(server.port)/v2/iex")
        alpaca.send(#"{"action":"auth","key":"k","secret":"s"}"#)
        alpaca.send(#"{"action":"subscribe","bars":["AAPL"]}"#)
        // Two minute boundaries: about 8 s of real time at 15×.
        #expect(await polygon.waitFor(120) { Self.starts($0.received, ev: "AM").count >= 2 })
        #expect(await alpaca.waitFor(60) { Self.starts($0.received, ev: "b", key: "T", startKey: "t").count >= 2 })
        polygon.stop(); alpaca.stop()
        await server.stop()

        let seconds = Self.starts(polygon.received, ev: "A").map { Int64($0)! }
        #expect(seconds.count > 60)
        #expect(seconds == seconds.sorted() && Set(seconds).count == seconds.count, "each A second once, in order")
        let minutes = Self.starts(polygon.received, ev: "AM").map { Int64($0)! }
        #expect(minutes == minutes.sorted() && Set(minutes).count == minutes.count, "each AM minute once")
        #expect(minutes.allSatisfy { $0 % 60_000 == 0 })
        let alpacaBars = Self.starts(alpaca.received, ev: "b", key: "T", startKey: "t")
        #expect(Set(alpacaBars).count == alpacaBars.count, "the Alpaca client gets each b once")
        // An AM is never sent ahead of the A bars of its own minute.
        let order = polygon.received.flatMap { frame -> [(String, Int64)] in
            guard let items = (try? JSONSerialization.jsonObject(with: Data(frame.utf8))) as? [[String: Any]] else { return [] }
            return items.compactMap { e in
                guard let ev = e["ev"] as? String, ev == "A" || ev == "AM", let end = e["e"] as? Int64 else { return nil }
                return (ev, end)
            }
        }
        #expect(order.map(\.1) == order.map(\.1).sorted())
    }
}
