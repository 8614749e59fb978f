import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import TickforgeDialects
import TickforgeFeed
import TickforgeMarket

/// Serves one `/stocks` WebSocket: the Polygon/Massive dialect on top of the hub.
struct PolygonEndpoint: Sendable {
    let hub: FeedHub
    let registry: ConnectionRegistry
    let configuration: ServerConfiguration
    /// Index of the Polygon encoder in the hub.
    static let dialect = 0

    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel, logger: Logger) async {
        let subscriber = await hub.addSubscriber(dialect: Self.dialect)
        let connection = FeedConnection(
            subscriber: subscriber, channel: channel,
            session: PolygonSession(configuration: .init(apiKeys: configuration.apiKeys)), logger: logger
        )
        await registry.add(connection)
        connection.logger.info("connected", metadata: ["remote": "\(channel.remoteAddress?.description ?? "?")"])
        // The connected status goes out at once; the Python client says nothing until it arrives.
        connection.send(PolygonSession.connectedFrame)

        await withTaskGroup(of: Void.self) { group in
            group.addTask { await writeLoop(connection, outbound: outbound) }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(configuration.authTimeoutSeconds * 1e9))
                await perform(connection.withSession { $0.authTimedOut() }, on: connection)
            }
            do {
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    let bytes: [UInt8]
                    switch message {
                    case .text(let s): bytes = Array(s.utf8)
                    case .binary(var b): bytes = b.readBytes(length: b.readableBytes) ?? []
                    }
                    await perform(connection.withSession { $0.receive(text: bytes) }, on: connection)
                }
            } catch {
                connection.logger.debug("read ended", metadata: ["error": "\(error)"])
            }
            // The client went away (or we aborted): stop generating for it and let the writer finish.
            subscriber.queue.close()
            group.cancelAll()
        }
        await hub.removeSubscriber(subscriber.id)
        await registry.remove(subscriber.id)
        connection.logger.info("disconnected")
    }

    /// Writes queued frames until the queue closes or an abort marker arrives. It runs on the
    /// channel's event loop so each write waits for the socket (see `EventLoopExecutor`).
    private func writeLoop(_ connection: FeedConnection, outbound: WebSocketOutboundWriter) async {
        let executor = EventLoopExecutor(connection.channel.eventLoop)
        await withTaskExecutorPreference(executor) {
            while let frame = await connection.subscriber.queue.next() {
                if frame.isEmpty {
                    connection.abortNow()
                    return
                }
                var buffer = connection.channel.allocator.buffer(capacity: frame.count)
                buffer.writeBytes(frame)
                do {
                    try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: buffer)))
                } catch {
                    return
                }
            }
        }
    }

    private func perform(_ actions: [PolygonSession.Action], on c: FeedConnection) async {
        for action in actions {
            switch action {
            case .send(let frame):
                c.send(frame)
            case .abort:
                c.abortAfterQueued()
            case .authenticated(let key):
                c.logger.info("authenticated")
                for old in await registry.authenticated(c.subscriber.id, key: key, limit: configuration.maxConnectionsPerKey) {
                    old.logger.info("evicted by a newer connection with the same key")
                    await perform(old.withSession { $0.evicted() }, on: old)
                }
            case .subscribe(let topics):
                for topic in topics {
                    guard let kind = topic.channel.kind else { continue }
                    if await hub.subscribe(c.subscriber.id, kind: kind, ticker: topic.ticker) == .unknownSymbol {
                        c.logger.info("subscribed to a ticker outside the fixed universe: acknowledged, no data will come",
                                      metadata: ["topic": "\(topic)"])
                    }
                }
            case .unsubscribe(let topics):
                for topic in topics {
                    guard let kind = topic.channel.kind else { continue }
                    await hub.unsubscribe(c.subscriber.id, kind: kind, ticker: topic.ticker)
                }
            }
        }
    }
}
