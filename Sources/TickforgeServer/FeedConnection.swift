#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HummingbirdWebSocket
import Logging
import NIOCore
import Synchronization
import TickforgeFeed

extension SocketAddress {
    /// `127.0.0.1:50412` or `[::1]:50412`, as a user writes an address (NIO's own description
    /// adds the family and the host name).
    static func text(_ address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress, let port = address.port else { return address?.description ?? "?" }
        return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}

/// What the server's shared machinery (the registry, the feed loop) needs from a connection,
/// whatever its dialect.
protocol ManagedConnection: AnyObject, Sendable {
    var subscriber: Subscriber { get }
    var logger: Logger { get }
    /// Who it is and what it asked for, as of now.
    var profile: ConnectionProfile { get }
    /// Records what the session did, or a fault acting on it, for the control API.
    func updateProfile(_ body: (inout ConnectionProfile) -> Void)
    /// Drops the TCP connection with a reset and no close frame (`noteEnding` first says why).
    func abortNow()
    /// Ends the connection with a close frame after what is queued.
    func close(code: UInt16, reason: String)
    /// Stops or resumes everything it is sent (pings are still answered).
    func setMuted(_ muted: Bool)
    /// Changes how its writer holds frames back (`slow`, `latency`).
    func setPacing(_ body: @escaping @Sendable (inout WritePacing.Settings) -> Void)
    /// Records, once, that the server is ending the connection and why (the first reason given
    /// is the one the journal keeps).
    func noteEnding(_ why: String, _ detail: [(String, ConnectionJournal.Entry.Value)])
    /// Sets a deadline on the connection's timer (a `disconnect-after` fault's drop).
    func arm(_ deadline: ConnectionDeadline, afterSeconds seconds: Double)
    func disarm(_ deadline: ConnectionDeadline)
    /// Records something that happened to it in the journal.
    func journal(_ kind: ConnectionJournal.Entry.Kind, _ detail: [(String, ConnectionJournal.Entry.Value)])
    /// The hub found it too slow: discard its backlog, send the dialect's status, close.
    func dropAsSlowConsumer()
    /// A newer connection with the same key took its place (Polygon's rule).
    func evict()
}

/// One client connection: its protocol session, its subscriber in the hub, and the means to end it.
final class FeedConnection<Session: DialectSession>: ManagedConnection {
    let subscriber: Subscriber
    let channel: any Channel
    let logger: Logger
    let pacing = WritePacing()
    /// Its deadlines: the auth timeout, fault drops, a slow consumer's grace.
    let timer = ConnectionTimer(clock: ContinuousClock())
    private let journalRef: ConnectionJournal
    private let session: Mutex<Session>
    private let profileState: Mutex<ConnectionProfile>
    /// Why the server ended the connection, once it has; `nil` while the client may still be the
    /// one that closes it.
    private let endingReason = Mutex<String?>(nil)

    init(subscriber: Subscriber, channel: any Channel, session: Session, dialect: String, path: String, journal: ConnectionJournal, logger: Logger) {
        self.subscriber = subscriber
        self.channel = channel
        self.session = Mutex(session)
        journalRef = journal
        profileState = Mutex(ConnectionProfile(
            id: "c\(subscriber.id.raw)", dialect: dialect, path: path, remote: SocketAddress.text(channel.remoteAddress)
        ))
        var logger = logger
        logger[metadataKey: "connection"] = "\(subscriber.id)"
        self.logger = logger
    }

    /// Runs `body` on the session and returns its result; the session is only touched here.
    func withSession<R: Sendable>(_ body: (inout Session) -> R) -> R {
        session.withLock { body(&$0) }
    }

    var profile: ConnectionProfile { profileState.withLock { $0 } }

    /// Records what the session did that the control API shows: a key, a subscription.
    func updateProfile(_ body: (inout ConnectionProfile) -> Void) {
        profileState.withLock { body(&$0) }
    }

    /// Queues a control frame.
    func send(_ frame: [UInt8]) { _ = subscriber.queue.pushControl(frame) }

    /// Ends the connection with a reset after what is queued.
    func abortAfterQueued() { subscriber.queue.end(.abort) }

    /// Ends the connection with a close frame (`code`, `reason`) after what is queued.
    func close(code: UInt16, reason: String) { subscriber.queue.end(.close(code: code, reason: reason)) }

    /// A silent socket: connected, answering pings, sending nothing.
    func setMuted(_ muted: Bool) { subscriber.queue.setMuted(muted) }

    func setPacing(_ body: @escaping @Sendable (inout WritePacing.Settings) -> Void) {
        pacing.update(body)
        let channel = self.channel
        channel.eventLoop.execute {
            (try? channel.pipeline.syncOperations.handler(type: SocketWriter.self))?.pacingChanged()
        }
    }

    var id: String { "c\(subscriber.id.raw)" }

    func journal(_ kind: ConnectionJournal.Entry.Kind, _ detail: [(String, ConnectionJournal.Entry.Value)]) {
        journalRef.record(id, kind, detail)
    }

    func noteEnding(_ why: String, _ detail: [(String, ConnectionJournal.Entry.Value)] = []) {
        let first = endingReason.withLock { reason -> Bool in
            guard reason == nil else { return false }
            reason = why
            return true
        }
        if first { journal(.dropped, [("why", .text(why))] + detail) }
    }

    func arm(_ deadline: ConnectionDeadline, afterSeconds seconds: Double) {
        timer.arm(deadline, after: .nanoseconds(Int64(seconds * 1e9)))
    }

    func disarm(_ deadline: ConnectionDeadline) { timer.disarm(deadline) }

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

    func dropAsSlowConsumer() {
        logger.warning("slow consumer: backlog over the bound; sending the dialect's status and closing",
                       metadata: ["backlog-bytes": "\(subscriber.queue.backlogBytes)"])
        noteEnding("slow-consumer", [("backlogBytes", .number(Double(subscriber.queue.backlogBytes)))])
        _ = subscriber.queue.dropBacklog()
        // The dialect's own status goes out on the server's side of any `slow` cap, as the
        // vendor's would: the cap is what made the client slow, not part of the server.
        setPacing { $0 = .init() }
        apply(withSession { $0.slowConsumerEffects() })
        // A reader that stopped entirely never lets the writer reach the status: abort anyway.
        timer.arm(.slowConsumerGrace, after: .seconds(1))
    }

    func evict() {
        noteEnding("evicted", [("status", .text("max_connections"))])
        logger.info("evicted by a newer connection with the same key")
        apply(withSession { $0.evictedEffects() })
    }

    /// The connection's life once upgraded, the same in every dialect: the auth deadline is set
    /// (the endpoint disarms it when the client authenticates), and a loop hands each whole
    /// message to `receive`, binary or not; fragmented messages
    /// (alpaca-py sends its subscribe as a binary frame plus an empty continuation) arrive whole.
    /// When the client goes, or is aborted, the queue closes, the timer stops, and the hub and
    /// registry forget the connection.
    func run(
        inbound: WebSocketInboundStream,
        authTimeoutSeconds: Double,
        onAuthTimeout: @escaping @Sendable () async -> Void,
        hub: FeedHub,
        registry: ConnectionRegistry,
        receive: (_ frame: [UInt8], _ binary: Bool) async -> Void
    ) async {
        timer.onDue { [weak self] deadline in
            guard let self else { return }
            switch deadline {
            case .authentication:
                Task { await onAuthTimeout() }
            case .drop(let fault):
                self.logger.info("fault: dropped after its time since authenticating", metadata: ["fault": "\(fault)"])
                self.noteEnding("fault", [("fault", .text(fault)), ("faultKind", .text("disconnect-after"))])
                self.abortNow()
            case .slowConsumerGrace:
                self.abortNow()
            }
        }
        arm(.authentication, afterSeconds: authTimeoutSeconds)
        var failure: (any Error)?
        do {
            for try await message in inbound.messages(maxSize: 1 << 20) {
                switch message {
                case .text(let s):
                    let bytes = Array(s.utf8)
                    journalRef.recordFrame(id, text: JournalText.render(bytes, binary: false), format: "text")
                    await receive(bytes, false)
                case .binary(var b):
                    let bytes = b.readBytes(length: b.readableBytes) ?? []
                    journalRef.recordFrame(id, text: JournalText.render(bytes, binary: true), format: "msgpack")
                    await receive(bytes, true)
                }
            }
        } catch {
            failure = error
            logger.debug("read ended", metadata: ["error": "\(error)"])
        }
        if endingReason.withLock({ $0 == nil }) {
            journal(.closed, failure.map { [("error", .text("\($0)"))] } ?? [("by", .text("client"))])
        }
        subscriber.queue.close()
        await forget(hub: hub, registry: registry)
    }

    /// After the socket is gone: stop generating for it and forget it.
    private func forget(hub: FeedHub, registry: ConnectionRegistry) async {
        timer.stop()
        await hub.removeSubscriber(subscriber.id)
        await registry.remove(subscriber.id)
        logger.info("disconnected")
    }

    func apply(_ effects: [SessionEffect]) {
        for effect in effects {
            switch effect {
            case .send(let frame): send(frame)
            case .close: abortAfterQueued()
            }
        }
    }
}
