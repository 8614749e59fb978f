import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing
import TickforgeFeed
@testable import TickforgeServer

@Suite("SocketWriter: a connection's queue onto its socket, from the event loop")
struct SocketWriterTests {
    /// A channel with a writer on `queue`; `aborts` counts calls of the abort closure.
    final class Fixture {
        let channel = EmbeddedChannel()
        let queue = OutboundQueue()
        var aborts = 0

        init(opcode: WebSocketOpcode = .text) throws {
            try channel.pipeline.syncOperations.addHandler(SocketWriter(queue: queue, opcode: opcode) { [unowned self] in self.aborts += 1 })
        }

        /// Runs the loop's pending work, then returns the payloads written so far.
        func written() throws -> [[UInt8]] {
            channel.embeddedEventLoop.run()
            var payloads: [[UInt8]] = []
            while let frame = try channel.readOutbound(as: WebSocketFrame.self) {
                #expect(frame.fin)
                payloads.append(Array(frame.unmaskedData.readableBytesView))
            }
            return payloads
        }
    }

    @Test("frames go out in queue order, each as one final frame of the connection's opcode")
    func order() throws {
        let f = try Fixture(opcode: .binary)
        #expect(f.queue.pushControl([1]) == .queued)
        #expect(f.queue.push([2, 2]) == .queued)
        f.channel.embeddedEventLoop.run()
        let frame = try #require(try f.channel.readOutbound(as: WebSocketFrame.self))
        #expect(frame.opcode == .binary)
        #expect(Array(frame.unmaskedData.readableBytesView) == [1])
        #expect(try f.written() == [[2, 2]])
    }

    @Test("frames queued before the writer existed go out as soon as it is installed")
    func queuedBefore() throws {
        let channel = EmbeddedChannel()
        let queue = OutboundQueue()
        #expect(queue.pushControl(Array(#"[{"ev":"status","status":"connected"}]"#.utf8)) == .queued)
        try channel.pipeline.syncOperations.addHandler(SocketWriter(queue: queue, opcode: .text) {})
        channel.embeddedEventLoop.run()
        let frame = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(String(buffer: frame.unmaskedData) == #"[{"ev":"status","status":"connected"}]"#)
    }

    @Test("while the socket is full, frames wait in the bounded queue; writability brings them out")
    func backpressure() throws {
        let f = try Fixture()
        #expect(try f.written() == [])
        f.channel.isWritable = false
        #expect(f.queue.push([3]) == .queued)
        #expect(f.queue.push([4]) == .queued)
        #expect(try f.written() == [])
        #expect(f.queue.queuedFrames == 2, "held in the queue, where the hub can judge a slow consumer")
        f.channel.isWritable = true
        f.channel.pipeline.fireChannelWritabilityChanged()
        #expect(try f.written() == [[3], [4]])
        #expect(f.queue.push([5]) == .queued, "an emptied queue wakes the writer again")
        #expect(try f.written() == [[5]])
    }

    @Test("an abort ending: what came before goes out, then nothing more, and the queue refuses pushes")
    func abortEnding() throws {
        let f = try Fixture()
        #expect(f.queue.pushControl(Array("auth_failed".utf8)) == .queued)
        f.queue.end(.abort)
        #expect(f.queue.push([9]) == .closed)
        #expect(try f.written() == [Array("auth_failed".utf8)])
        #expect(f.aborts == 1)
        #expect(f.queue.push([10]) == .closed)
        #expect(try f.written() == [])
    }

    @Test("a close ending: queued frames, then a close frame with the code and reason, then the channel closes; no abort")
    func closeEnding() throws {
        let f = try Fixture()
        #expect(f.queue.push([1]) == .queued)
        f.queue.end(.close(code: 1011, reason: "going away"))
        f.queue.end(.abort) // the first ending asked for wins
        f.channel.embeddedEventLoop.run()
        let data = try #require(try f.channel.readOutbound(as: WebSocketFrame.self))
        #expect(data.opcode == .text && Array(data.unmaskedData.readableBytesView) == [1])
        var close = try #require(try f.channel.readOutbound(as: WebSocketFrame.self)).unmaskedData
        #expect(close.readInteger(as: UInt16.self) == 1011)
        #expect(close.readString(length: close.readableBytes) == "going away")
        #expect(f.aborts == 0)
        #expect(!f.channel.isActive, "closed after the close frame")
    }

    @Test("muted: nothing goes out and nothing piles up, while an ending still does; unmuted, frames flow again")
    func muted() throws {
        let f = try Fixture()
        #expect(f.queue.push([1]) == .queued)
        f.queue.setMuted(true)
        #expect(f.queue.push([2]) == .queued && f.queue.pushControl([3]) == .queued)
        #expect(try f.written() == [])
        #expect(f.queue.backlogBytes == 0, "a muted connection is never judged slow")
        f.queue.setMuted(false)
        #expect(f.queue.push([4]) == .queued)
        #expect(try f.written() == [[4]])
        f.queue.setMuted(true)
        f.queue.end(.abort)
        _ = try f.written()
        #expect(f.aborts == 1)
    }
}
