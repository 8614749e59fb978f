import NIOCore
import NIOWebSocket
import TickforgeFeed
import TickforgeMarket

/// Moves a connection's queued frames onto its socket, on the channel's event loop.
///
/// It sits at the tail of the WebSocket pipeline, next to Hummingbird's own handlers, and writes
/// through the same frame encoder. A push to an empty queue wakes it with one `execute` on the
/// loop; it then writes every queued frame while the channel is writable and flushes once. When the
/// socket's buffer fills, frames stay in the bounded queue, where the hub judges a slow consumer,
/// until NIO reports the channel writable again.
///
/// This replaces a writer task awaiting Hummingbird's async outbound writer: per frame, that cost a
/// continuation, a task switch onto the loop and a flush of its own, and it was half the server's
/// CPU with a hundred readers (BENCHMARKS.md).
final class SocketWriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let queue: OutboundQueue
    private let opcode: WebSocketOpcode
    /// What `slow` and `latency` faults ask of this connection.
    private let pacing: WritePacing
    /// Frames written so far: a latency fault's jitter is drawn by this index.
    private var framesWritten = 0
    /// Under a byte-rate cap, the monotonic instant the next frame may go at.
    private var nextFreeAt: Int64 = 0
    /// A drain scheduled for when a held frame comes due.
    private var pendingDrain: Scheduled<Void>?
    /// Drops the connection with a reset; called when the queue's `.abort` ending comes up.
    private let abort: () -> Void
    private var context: ChannelHandlerContext?
    private var isDraining = false
    /// The queue's ending came up: nothing more goes out on this connection.
    private var hasEnded = false

    /// Monotonic nanoseconds, the clock the queue stamps frames with; a test passes its own.
    private let now: () -> Int64

    init(queue: OutboundQueue, opcode: WebSocketOpcode, pacing: WritePacing = WritePacing(),
         now: @escaping () -> Int64 = SystemTime.monotonicNanoseconds, abort: @escaping () -> Void) {
        self.queue = queue
        self.opcode = opcode
        self.pacing = pacing
        self.now = now
        self.abort = abort
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let loop = context.eventLoop
        let writer = NIOLoopBound(self, eventLoop: loop)
        queue.setWakeHandler { loop.execute { writer.value.drain() } }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        pendingDrain?.cancel()
    }

    /// A fault changed the pacing: what was held for the old one is looked at again now.
    func pacingChanged() {
        pendingDrain?.cancel()
        pendingDrain = nil
        nextFreeAt = 0
        drain()
    }

    /// Under a pacing fault, the nanoseconds until the next frame may go (0: now). The frame stays
    /// queued meanwhile, where it counts towards the slow-consumer bound.
    private func holdTime(_ settings: WritePacing.Settings, now: Int64) -> Int64 {
        var wait: Int64 = 0
        if settings.bytesPerSecond != nil { wait = max(wait, nextFreeAt - now) }
        if let latency = settings.latency, let queuedAt = queue.nextEnqueuedAt {
            wait = max(wait, queuedAt + latency.delayNanoseconds(frame: framesWritten) - now)
        }
        return wait
    }

    private func drainLater(in nanoseconds: Int64, context: ChannelHandlerContext) {
        guard pendingDrain == nil else { return }
        let writer = NIOLoopBound(self, eventLoop: context.eventLoop)
        pendingDrain = context.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) {
            writer.value.pendingDrain = nil
            writer.value.drain()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { drain() }
        context.fireChannelWritabilityChanged()
    }

    /// Writes queued frames while the socket takes them and flushes once at the end. When NIO's
    /// buffer passes its high-water mark mid-way (a big frame at `--speed max`), it flushes early
    /// so the kernel can take the bytes, and goes on if that made room.
    private func drain() {
        // A flush can report writability at once; the loop below re-checks it anyway.
        guard !isDraining, !hasEnded, let context else { return }
        isDraining = true
        defer { isDraining = false }
        var unflushed = false
        defer { if unflushed { context.flush() } }
        let paced = pacing.settings
        while true {
            if paced.isActive {
                let wait = holdTime(paced, now: now())
                if wait > 0 {
                    drainLater(in: wait, context: context)
                    return
                }
            }
            if !context.channel.isWritable {
                if unflushed { context.flush(); unflushed = false }
                // Still full: channelWritabilityChanged calls back when the reader catches up.
                guard context.channel.isWritable else { return }
            }
            switch queue.popOrRequestWake() {
            case .end(let ending):
                // What was queued before the ending has gone out; the queue refuses what the hub
                // would queue after it (a slow consumer stays subscribed until the socket is gone).
                hasEnded = true
                queue.close()
                switch ending {
                case .abort:
                    if unflushed { context.flush(); unflushed = false }
                    abort()
                case .close(let code, let reason):
                    // The close frame, then the TCP close once it is written: the client reads the
                    // code and reason as the vendor's server would send them.
                    var payload = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
                    payload.writeInteger(code)
                    payload.writeString(reason)
                    unflushed = false
                    context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)))
                        .whenComplete { _ in context.close(promise: nil) }
                }
                return
            case .frame(let bytes):
                var buffer = context.channel.allocator.buffer(capacity: bytes.count)
                buffer.writeBytes(bytes)
                context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: opcode, data: buffer)), promise: nil)
                unflushed = true
                framesWritten += 1
                if let rate = paced.bytesPerSecond {
                    nextFreeAt = max(nextFreeAt, now()) + Int64(Double(bytes.count) / rate * 1e9)
                }
            case .empty, .closed:
                return
            }
        }
    }
}

extension FeedConnection {
    /// Installs the connection's `SocketWriter`; from then on its queued frames go out as they come.
    /// Frames queued before (the `connected` status) go out at once.
    func startWriting(opcode: WebSocketOpcode) async {
        let (queue, channel, pacing) = (subscriber.queue, self.channel, self.pacing)
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(
                    SocketWriter(queue: queue, opcode: opcode, pacing: pacing, abort: { [weak self] in self?.abortNow() })
                )
            }.get()
        } catch {
            // The channel closed before the handler could go in; the read loop ends on its own.
            logger.debug("writer not installed", metadata: ["error": "\(error)"])
        }
    }
}
