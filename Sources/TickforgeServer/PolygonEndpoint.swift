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
    let journal: ConnectionJournal
    let configuration: ServerConfiguration
    /// `headers`: the upgrade request's, as the journal keeps them.
    func serve(headers: [(String, String)], inbound: WebSocketInboundStream, channel: any Channel, logger: Logger) async {
        let subscriber = await hub.addSubscriber(dialect: HubDialects.polygon)
        let connection = FeedConnection(
            subscriber: subscriber, channel: channel,
            session: PolygonSession(configuration: .init(apiKeys: configuration.apiKeys)),
            dialect: "polygon", path: "/stocks", journal: journal, logger: logger
        )
        connection.journal(.upgraded, [("dialect", .text("polygon")), ("path", .text("/stocks")),
                                       ("remote", .text(connection.profile.remote)), ("headers", .fields(headers))])
        await registry.add(connection)
        connection.logger.info("connected", metadata: ["remote": "\(channel.remoteAddress?.description ?? "?")"])
        // The connected status goes out at once; the Python client says nothing until it arrives.
        connection.send(PolygonSession.connectedFrame)
        await connection.startWriting(opcode: .text)

        await connection.run(
            inbound: inbound, authTimeoutSeconds: configuration.authTimeoutSeconds,
            onAuthTimeout: {
                connection.noteEnding("auth-timeout", [("status", .text("auth_timeout"))])
                await perform(connection.withSession { $0.authTimedOut() }, on: connection)
            },
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
                // From a receive, only a refused authentication ends the connection.
                c.noteEnding("auth-failed", [("status", .text("auth_failed"))])
                c.abortAfterQueued()
            case .authenticate(let key):
                c.updateProfile { $0.key = key }
                if let fault = await registry.takeAuthFailure(c.profile) {
                    c.logger.info("fault: authentication refused", metadata: ["fault": "\(fault)"])
                    await perform(c.withSession { $0.authenticationRefused("fault \(fault)") }, on: c)
                    continue
                }
                c.logger.info("authenticated")
                c.disarm(.authentication)
                c.updateProfile { $0.authenticated = true }
                await perform(c.withSession { $0.authenticationAccepted() }, on: c)
                c.journal(.authenticated, [("key", .text(key))])
                // Polygon's rule: the newest connection stays, the oldest beyond the limit go.
                let limit = await registry.connectionLimit(for: c.profile, configured: configuration.maxConnectionsPerKey)
                for old in await registry.authenticated(c.subscriber.id, key: key, scope: "/stocks", limit: limit) {
                    old.evict()
                }
                await registry.sessionAuthenticated(c.subscriber.id)
            case .refused(let why):
                c.logger.info("authentication refused", metadata: ["why": "\(why)"])
                c.journal(.refused, [("why", .text(why)), ("status", .text("auth_failed"))])
            case .subscribe(let topics):
                c.updateProfile { p in for t in topics { p.subscribe(t.channel.rawValue, t.ticker) } }
                for t in topics { c.journal(.subscribed, [("channel", .text(t.channel.rawValue)), ("symbol", .text(t.ticker)), ("topic", .text(t.description))]) }
                let wanted = topics.compactMap { t in t.channel.kind.map { (topic: t, kind: $0) } }
                let resolutions = await hub.subscribe(c.subscriber.id, wanted.map { ($0.kind, $0.topic.ticker) })
                for (w, resolution) in zip(wanted, resolutions) where resolution == .unknownSymbol {
                    c.logger.info("subscribed to a ticker outside the fixed universe: acknowledged, no data will come",
                                  metadata: ["topic": "\(w.topic)"])
                }
            case .unsubscribe(let topics):
                c.updateProfile { p in for t in topics { p.unsubscribe(t.channel.rawValue, t.ticker) } }
                for t in topics { c.journal(.unsubscribed, [("channel", .text(t.channel.rawValue)), ("symbol", .text(t.ticker)), ("topic", .text(t.description))]) }
                await hub.unsubscribe(c.subscriber.id, topics.compactMap { t in t.channel.kind.map { ($0, t.ticker) } })
            }
        }
    }
}
