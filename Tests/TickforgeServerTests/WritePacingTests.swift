import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing
import TickforgeFeed
@testable import TickforgeServer

/// `slow` and `latency` faults as the writer carries them out, on an embedded event loop whose
/// time the test moves (the writer and the queue read the same manual clock).
@Suite("Write pacing: a latency fault holds each frame, a slow fault caps the bytes per second")
struct WritePacingTests {
    final class Fixture {
        let channel = EmbeddedChannel()
        let queue = OutboundQueue()
        let pacing = WritePacing()
        /// The manual clock, in nanoseconds.
        var now: Int64 = 1_000_000_000

        init() throws {
            try channel.pipeline.syncOperations.addHandler(
                SocketWriter(queue: queue, opcode: .text, pacing: pacing, now: { [unowned self] in self.now }, abort: {})
            )
        }

        func push(_ bytes: Int, tag: UInt8) { _ = queue.push([UInt8](repeating: tag, count: bytes), now: now) }

        /// Moves both clocks on and returns the tags of the frames written meanwhile.
        func advance(milliseconds: Int64) throws -> [UInt8] {
            now += milliseconds * 1_000_000
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(milliseconds))
            return try written()
        }

        func written() throws -> [UInt8] {
            channel.embeddedEventLoop.run()
            var tags: [UInt8] = []
            while let frame = try channel.readOutbound(as: WebSocketFrame.self) { tags.append(frame.unmaskedData.readableBytesView.first ?? 0) }
            return tags
        }

        /// Sets the pacing as a fault does: the writer is told, and looks again.
        func setPacing(_ settings: WritePacing.Settings) throws {
            pacing.update { $0 = settings }
            try channel.pipeline.syncOperations.handler(type: SocketWriter.self).pacingChanged()
        }
    }

    @Test("latency: a frame goes out its delay after it was queued, not before; order is kept")
    func latencyHolds() throws {
        let f = try Fixture()
        try f.setPacing(.init(latency: .init(milliseconds: 100, jitterMilliseconds: 0, seed: 1)))
        f.push(10, tag: 1)
        #expect(try f.written().isEmpty)
        #expect(try f.advance(milliseconds: 60).isEmpty)
        f.push(10, tag: 2)
        #expect(try f.advance(milliseconds: 39).isEmpty)
        #expect(try f.advance(milliseconds: 1) == [1])
        #expect(try f.advance(milliseconds: 59).isEmpty)
        #expect(try f.advance(milliseconds: 1) == [2])
    }

    @Test("latency jitter is drawn per frame from the seed: the same seed gives the same delays, within ms ± jitter")
    func jitterRepeats() {
        let a = WritePacing.Latency(milliseconds: 200, jitterMilliseconds: 50, seed: 7)
        let b = WritePacing.Latency(milliseconds: 200, jitterMilliseconds: 50, seed: 8)
        let delaysA = (0..<500).map { a.delayNanoseconds(frame: $0) }
        #expect(delaysA == (0..<500).map { a.delayNanoseconds(frame: $0) })
        #expect(delaysA != (0..<500).map { b.delayNanoseconds(frame: $0) })
        #expect(delaysA.allSatisfy { (150_000_000...250_000_000).contains($0) })
        #expect(Set(delaysA).count > 400, "each frame draws its own")
        // Spread over the whole band, not bunched at its middle.
        #expect(delaysA.min()! < 160_000_000 && delaysA.max()! > 240_000_000)
    }

    @Test("slow: frames go out at the capped rate, each waiting for the bytes before it to have had their time")
    func slowCaps() throws {
        let f = try Fixture()
        try f.setPacing(.init(bytesPerSecond: 1000))
        for tag in UInt8(1)...3 { f.push(500, tag: tag) }
        #expect(try f.written() == [1], "the first goes at once")
        #expect(try f.advance(milliseconds: 499).isEmpty)
        #expect(try f.advance(milliseconds: 1) == [2])
        #expect(try f.advance(milliseconds: 500) == [3])
        #expect(f.queue.backlogBytes == 0)
    }

    @Test("when the fault lifts, what was held goes out at once")
    func liftReleases() throws {
        let f = try Fixture()
        try f.setPacing(.init(bytesPerSecond: 10))
        for tag in UInt8(1)...3 { f.push(100, tag: tag) }
        #expect(try f.written() == [1])
        #expect(try f.advance(milliseconds: 100).isEmpty)
        #expect(f.queue.backlogBytes == 200, "held frames wait in the bounded queue, where the slow-consumer bound sees them")
        try f.setPacing(.init())
        #expect(try f.written() == [2, 3])
    }
}
