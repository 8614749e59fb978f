import NIOCore
import NIOWebSocket
import TickforgeFeed

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
    /// Drops the connection with a reset; called when the queue's `.abort` ending comes up.
    private let abort: () -> Void
    private var context: ChannelHandlerContext?
    private var isDraining = false
    /// The queue's ending came up: nothing more goes out on this connection.
    private var hasEnded = false

    init(queue: OutboundQueue, opcode: WebSocketOpcode, abort: @escaping () -> Void) {
        self.queue = queue
        self.opcode = opcode
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
        while true {
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
        let (queue, channel) = (subscriber.queue, self.channel)
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(
                    SocketWriter(queue: queue, opcode: opcode, abort: { [weak self] in self?.abortNow() })
                )
            }.get()
        } catch {
            // The channel closed before the handler could go in; the read loop ends on its own.
            logger.debug("writer not installed", metadata: ["error": "\(error)"])
        }
    }
}
