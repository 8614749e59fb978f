#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOCore
import Synchronization
import TickforgeDialects
import TickforgeFeed
import TickforgeMarket

/// One client connection: its protocol session, its subscriber in the hub, and the means to abort it.
final class FeedConnection: Sendable {
    let subscriber: Subscriber
    let channel: any Channel
    let logger: Logger
    private let session: Mutex<PolygonSession>

    init(subscriber: Subscriber, channel: any Channel, session: PolygonSession, logger: Logger) {
        self.subscriber = subscriber
        self.channel = channel
        self.session = Mutex(session)
        var logger = logger
        logger[metadataKey: "connection"] = "\(subscriber.id)"
        self.logger = logger
    }

    /// Runs `body` on the session and returns its actions; the session is only touched here.
    func withSession(_ body: (inout PolygonSession) -> [PolygonSession.Action]) -> [PolygonSession.Action] {
        session.withLock { body(&$0) }
    }

    /// Queues a control frame.
    func send(_ frame: [UInt8]) { _ = subscriber.queue.pushControl(frame) }

    /// Ends the connection after what is queued: an empty frame tells the writer to abort.
    func abortAfterQueued() { _ = subscriber.queue.pushControl([]) }

    /// Drops the TCP connection with a reset and no close frame.
    func abortNow() {
        let channel = self.channel
        channel.eventLoop.execute {
            if let options = channel as? any SocketOptionProvider {
                options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
            } else {
                channel.close(promise: nil)
            }
        }
    }
}
