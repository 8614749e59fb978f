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

    func serve(inbound: WebSocketInboundStream, channel: any Channel, logger: Logger) async {
        let subscriber = await hub.addSubscriber(dialect: Self.dialect)
        let connection = FeedConnection(
            subscriber: subscriber, channel: channel,
            session: PolygonSession(configuration: .init(apiKeys: configuration.apiKeys)),
            dialect: "polygon", path: "/stocks", logger: logger
        )
        await registry.add(connection)
        connection.logger.info("connected", metadata: ["remote": "\(channel.remoteAddress?.description ?? "?")"])
        // The connected status goes out at once; the Python client says nothing until it arrives.
        connection.send(PolygonSession.connectedFrame)
        await connection.startWriting(opcode: .text)

        await connection.run(
            inbound: inbound, authTimeoutSeconds: configuration.authTimeoutSeconds,
            onAuthTimeout: { await perform(connection.withSession { $0.authTimedOut() }, on: connection) },
            hub: hub, registry: registry
        ) { frame, _ in
            await perform(connection.withSession { $0.receive(text: frame) }, on: connection)
        }
    }

    private func perform(_ actions: [PolygonSession.Action], on c: FeedConnection<PolygonSession>) async {
        for action in actions {
            switch action {
            case .send(let frame):
                c.send(frame)
            case .abort:
                c.abortAfterQueued()
            case .authenticated(let key):
                c.logger.info("authenticated")
                c.updateProfile { $0.key = key; $0.authenticated = true }
                for old in await registry.authenticated(c.subscriber.id, key: key, scope: "/stocks", limit: configuration.maxConnectionsPerKey) {
                    old.evict()
                }
                await registry.sessionAuthenticated(c.subscriber.id)
            case .subscribe(let topics):
                c.updateProfile { p in for t in topics { p.subscribe(t.channel.rawValue, t.ticker) } }
                let wanted = topics.compactMap { t in t.channel.kind.map { (topic: t, kind: $0) } }
                let resolutions = await hub.subscribe(c.subscriber.id, wanted.map { ($0.kind, $0.topic.ticker) })
                for (w, resolution) in zip(wanted, resolutions) where resolution == .unknownSymbol {
                    c.logger.info("subscribed to a ticker outside the fixed universe: acknowledged, no data will come",
                                  metadata: ["topic": "\(w.topic)"])
                }
            case .unsubscribe(let topics):
                c.updateProfile { p in for t in topics { p.unsubscribe(t.channel.rawValue, t.ticker) } }
                await hub.unsubscribe(c.subscriber.id, topics.compactMap { t in t.channel.kind.map { ($0, t.ticker) } })
            }
        }
    }
}
