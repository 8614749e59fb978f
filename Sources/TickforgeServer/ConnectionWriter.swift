import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

extension FeedConnection {
    /// Writes queued frames until the queue closes or an abort marker arrives. It runs on the
    /// channel's event loop so each write waits for the socket (see `EventLoopExecutor`).
    func writeFrames(to outbound: WebSocketOutboundWriter, opcode: WebSocketOpcode) async {
        let executor = EventLoopExecutor(channel.eventLoop)
        await withTaskExecutorPreference(executor) {
            while let frame = await subscriber.queue.next() {
                if frame.isEmpty {
                    abortNow()
                    return
                }
                var buffer = channel.allocator.buffer(capacity: frame.count)
                buffer.writeBytes(frame)
                do {
                    try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: opcode, data: buffer)))
                } catch {
                    return
                }
            }
        }
    }
}
