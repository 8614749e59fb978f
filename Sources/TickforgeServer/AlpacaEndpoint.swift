import HTTPTypes
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import TickforgeDialects
import TickforgeFeed
import TickforgeMarket

/// Serves one Alpaca v2 stock stream (`/v2/iex`, `/v2/sip`, `/v2/delayed_sip`, `/v2/test`): the
/// Alpaca dialect on top of the same hub and market as `/stocks`, or on `/v2/test` the test
/// stream's hub, whose only source is FAKEPACA.
struct AlpacaEndpoint: Sendable {
    let hub: FeedHub
    let testHub: FeedHub
    let registry: ConnectionRegistry
    let journal: ConnectionJournal
    let configuration: ServerConfiguration

    /// What the upgrade request said that matters to the session.
    struct Upgrade: Sendable {
        var feed: AlpacaSession.Feed
        var codec: AlpacaCodec
        /// `APCA-API-KEY-ID` and `APCA-API-SECRET-KEY`, when both were sent.
        var headerCredentials: (key: String, secret: String)?
    }

    /// `headers`: the upgrade request's, as the journal keeps them.
    func serve(_ upgrade: Upgrade, headers: [(String, String)], inbound: WebSocketInboundStream, channel: any Channel, logger: Logger) async {
        let hub = upgrade.feed == .test ? testHub : self.hub
        let subscriber = await hub.addSubscriber(dialect: HubDialects.alpaca(upgrade.codec))
        let session = AlpacaSession(feed: upgrade.feed, codec: upgrade.codec, configuration: .init(
            apiKeys: configuration.apiKeys, symbolLimit: configuration.alpacaSymbolLimit, entitledFeeds: configuration.alpacaEntitledFeeds
        ))
        var logger = logger
        logger[metadataKey: "feed"] = "\(upgrade.feed.rawValue)"
        let connection = FeedConnection(
            subscriber: subscriber, channel: channel, session: session, dialect: "alpaca", path: "/v2/\(upgrade.feed.rawValue)",
            journal: journal, logger: logger
        )
        connection.journal(.upgraded, [("dialect", .text("alpaca")), ("path", .text(connection.profile.path)), ("codec", .text("\(upgrade.codec)")),
                                       ("remote", .text(connection.profile.remote)), ("headers", .fields(headers))])
        await registry.add(connection)
        connection.logger.info("connected", metadata: ["remote": "\(channel.remoteAddress?.description ?? "?")", "codec": "\(upgrade.codec)"])
        connection.send(session.connectedFrame)
        if let credentials = upgrade.headerCredentials {
            await perform(connection.withSession { $0.headerCredentials(key: credentials.key, secret: credentials.secret) }, on: connection, feed: upgrade.feed, hub: hub)
        }

        await connection.startWriting(opcode: upgrade.codec == .msgpack ? .binary : .text)

        await connection.run(
            inbound: inbound, authTimeoutSeconds: configuration.authTimeoutSeconds,
            onAuthTimeout: {
                let effects = AlpacaSession.effects(connection.withSession { $0.authTimedOut() })
                if !effects.isEmpty { connection.noteEnding("auth-timeout", [("code", .number(404))]) }
                connection.apply(effects)
            },
            hub: hub, registry: registry
        ) { frame, binary in
            await perform(connection.withSession { $0.receive(frame: frame, binary: binary) }, on: connection, feed: upgrade.feed, hub: hub)
        }
    }

    private func perform(_ actions: [AlpacaSession.Action], on c: FeedConnection<AlpacaSession>, feed: AlpacaSession.Feed, hub: FeedHub) async {
        for action in actions {
            switch action {
            case .send(let frame):
                c.send(frame)
            case .close:
                c.abortAfterQueued()
            case .authenticate(let key):
                c.updateProfile { $0.key = key }
                if let fault = await registry.takeAuthFailure(c.profile) {
                    c.logger.info("fault: authentication refused", metadata: ["fault": "\(fault)"])
                    await perform(c.withSession { $0.authenticationRefused("fault \(fault)") }, on: c, feed: feed, hub: hub)
                    continue
                }
                // Alpaca refuses the newcomer (406) and keeps its socket open for another try.
                let limit = await registry.connectionLimit(for: c.profile, configured: configuration.maxConnectionsPerKey)
                let admitted = await registry.admit(c.subscriber.id, key: key, scope: "/v2/\(feed.rawValue)", limit: limit)
                if admitted {
                    c.logger.info("authenticated")
                    c.disarm(.authentication)
                    c.updateProfile { $0.authenticated = true }
                    c.journal(.authenticated, [("key", .text(key))])
                    await registry.sessionAuthenticated(c.subscriber.id)
                }
                await perform(c.withSession { admitted ? $0.authenticationAccepted() : $0.connectionLimitExceeded() }, on: c, feed: feed, hub: hub)
            case .refused(let why, let code):
                c.logger.info("authentication refused", metadata: ["why": "\(why)", "code": "\(code)"])
                c.journal(.refused, [("why", .text(why)), ("code", .number(Double(code)))])
            case .subscribe(let topics):
                c.updateProfile { p in for t in topics { p.subscribe(t.channel.rawValue, t.symbol) } }
                for t in topics { c.journal(.subscribed, [("channel", .text(t.channel.rawValue)), ("symbol", .text(t.symbol))]) }
                let wanted = topics.compactMap { t in Self.kind(of: t.channel).map { (topic: t, kind: $0) } }
                let resolutions = await hub.subscribe(c.subscriber.id, wanted.map { ($0.kind, $0.topic.symbol) })
                for (w, resolution) in zip(wanted, resolutions) where resolution == .unknownSymbol {
                    c.logger.info("subscribed to a ticker outside the fixed universe: acknowledged, no data will come",
                                  metadata: ["topic": "\(w.topic)"])
                }
            case .unsubscribe(let topics):
                c.updateProfile { p in for t in topics { p.unsubscribe(t.channel.rawValue, t.symbol) } }
                for t in topics { c.journal(.unsubscribed, [("channel", .text(t.channel.rawValue)), ("symbol", .text(t.symbol))]) }
                await hub.unsubscribe(c.subscriber.id, topics.compactMap { t in Self.kind(of: t.channel).map { ($0, t.symbol) } })
            }
        }
    }

    /// The market events behind a channel. Updated bars are acknowledged and stay quiet: the
    /// market makes no late trades. Corrections and cancels travel with trades, as Alpaca's do.
    static func kind(of channel: AlpacaSession.Channel) -> EventKinds? {
        switch channel {
        case .trades: .trades
        case .quotes: .quotes
        case .bars: .minuteBars
        case .dailyBars: .dailyBars
        case .statuses: .statuses
        case .lulds: .lulds
        case .updatedBars: nil
        }
    }
}

extension AlpacaEndpoint.Upgrade {
    static let keyHeader = HTTPField.Name("APCA-API-KEY-ID")!
    static let secretHeader = HTTPField.Name("APCA-API-SECRET-KEY")!

    /// The upgrade for an Alpaca stock-stream path, or `nil` if the path is not one.
    init?(path: String, headers: HTTPFields) {
        guard path.hasPrefix("/v2/"), let feed = AlpacaSession.Feed(rawValue: String(path.dropFirst(4))) else { return nil }
        self.feed = feed
        codec = AlpacaCodec(contentType: headers[.contentType])
        if let key = headers[Self.keyHeader], let secret = headers[Self.secretHeader] {
            headerCredentials = (key, secret)
        } else {
            headerCredentials = nil
        }
    }
}
