import Foundation
import Testing
import TickforgeClient
import TickforgeMarket

@Suite("--speed max: market time runs as fast as the slowest subscriber reads", .serialized)
struct SteppedClockTests {
    /// Market time the server has released through, from `/stats`.
    func marketTime(_ server: RunningServer) async throws -> Timestamp? { try await server.releasedThrough() }

    @Test("with a reader that keeps up, market time outruns real time many times over")
    func outrunsRealTime() async throws {
        let start = RFC3339.parse("2026-11-23T10:00:00-05:00")!
        let server = try await RunningServer.start { $0.start = start; $0.speed = .max }
        let c = RecordingClient(url: server.url)
        c.send(#"{"action":"auth","params":"k"}"#)
        c.send(#"{"action":"subscribe","params":"T.*"}"#)
        #expect(await c.waitFor { !$0.dataFrames.isEmpty })
        let t0 = SystemTime.monotonicNanoseconds()
        let m0 = try #require(await marketTime(server))
        // Generous on a busy machine: ask only for ten market seconds per real second.
        var ahead = false
        for _ in 0..<100 where !ahead {
            try await Task.sleep(nanoseconds: 100_000_000)
            let real = SystemTime.monotonicNanoseconds() - t0
            if let m = try await marketTime(server), m - m0 > 10 * real, real > 500_000_000 { ahead = true }
        }
        #expect(ahead)
        c.stop()
        await server.stop()
    }

    @Test("a reader that stops reading holds market time still")
    func stalledReaderHoldsTheClock() async throws {
        let start = RFC3339.parse("2026-11-23T10:00:00-05:00")!
        let server = try await RunningServer.start {
            $0.start = start
            $0.speed = .max
            // Wide bounds, so the stalled reader stays connected (and holds the clock) for the test.
            $0.hub.queueLimits = .init(maxBytes: 256 << 20, maxAgeNanoseconds: 120 * Timestamp.nanosPerSecond)
        }
        let stalled = try #require(StalledClient(port: server.port, subscribe: "T.*,Q.*"))
        // Once its socket buffers and its queue fill, market time must stop moving.
        var held = false
        var previous = try await marketTime(server)
        for _ in 0..<120 where !held {
            try await Task.sleep(nanoseconds: 500_000_000)
            let now = try await marketTime(server)
            if let now, let previous, now > start, now == previous { held = true }
            previous = now
        }
        #expect(held, "market time kept moving while a subscriber read nothing")
        _ = stalled
        await server.stop()
    }
}
