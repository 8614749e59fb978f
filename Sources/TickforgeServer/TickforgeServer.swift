#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import TickforgeDialects
import TickforgeFeed
import TickforgeMarket

/// The Tickforge server: one market, its hub and feed loop, the `/v2/test` stream's own small hub,
/// and the HTTP/WebSocket front.
///
/// `run()` serves until cancelled or until a graceful shutdown (SIGINT/SIGTERM when run under a
/// `ServiceGroup`); `onListening` is called with the bound port, which matters with port 0.
public struct TickforgeServer: Sendable {
    public let configuration: ServerConfiguration
    let logger: Logger

    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// What to tell a user when serving could not start, in words they can act on; `nil` when the
    /// error is not one of those.
    public static func startupProblem(_ error: any Error, configuration: ServerConfiguration) -> String? {
        guard let io = error as? IOError else { return nil }
        switch io.errnoCode {
        case EADDRINUSE:
            return "port \(configuration.port) on \(configuration.host) is already in use (another tickforge?): stop that server, or pass --port 0 for any free port, or --port N for another one"
        case EADDRNOTAVAIL:
            return "\(configuration.host) is not an address of this machine: pass --host 127.0.0.1, or 0.0.0.0 for every interface"
        case EACCES:
            return "not allowed to listen on port \(configuration.port): ports below 1024 need privileges; pass --port 8765 or --port 0"
        default:
            return nil
        }
    }

    /// What keeps the server from starting (a script that cannot be loaded, a recording that
    /// cannot be written), in words to print as they are.
    public struct StartupError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The services to run in a `ServiceGroup`. Throws `StartupError` when a startup script is not
    /// valid or the recording cannot be opened.
    public func services(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> [any Service] {
        let logger = self.logger
        var scripts: [(name: String, value: JSONValue)] = []
        var scriptFaults: [Fault] = []
        for script in configuration.scripts {
            do {
                scripts.append((script.name, try ScenarioScript.parse(Array(script.text.utf8), name: script.name)))
            } catch {
                throw StartupError(description: "scenario script \(script.name): \(error.message)")
            }
        }
        // Without --start, a first script that names its `start` (a saved timeline does) starts
        // the market there, so that `serve --scenario session.json` serves that session again.
        let start = configuration.start ?? scripts.first.flatMap { ScenarioBook.start(of: $0.value) }
        let clock = FeedClock(MarketClock(start: start, speed: configuration.speed))
        let sessionStart = clock.snapshot.clock.anchorMarketTime
        // Startup scripts are on the timeline before the first event is made.
        var book = ScenarioBook(configuration: configuration.market, sessionStart: sessionStart)
        for script in scripts {
            do {
                _ = try book.load(script: script.value, now: sessionStart, skipping: Fault.isStep)
                scriptFaults += try Fault.parseScript(script.value, now: sessionStart)
            } catch {
                throw StartupError(description: "scenario script \(script.name): \(error.message)")
            }
        }
        let market = Market(configuration: configuration.market, timeline: book.timeline)
        // A proxy: tickers outside the synthetic universe are asked of the upstream. A replay:
        // every ticker comes from the recording.
        let upstreamInterest = configuration.upstream.map { _ in LiveInterest() }
        let replayInterest = configuration.replay.map { _ in LiveInterest() }
        let liveSource: (any LiveSource)? = upstreamInterest ?? replayInterest
        let liveSymbols = LiveSymbolTable(base: SymbolID(configuration.hub.maxSymbols))
        let recorder = try configuration.recordPath.map { path in
            do { return try FeedRecorder(path: path, logger: logger) } catch let error as FeedRecorder.OpenError { throw StartupError(description: error.description) }
        }
        let subscriberIDs = SubscriberIDs()
        let hub = FeedHub(market: market, encoders: HubDialects.encoders(recording: recorder != nil), start: sessionStart, options: configuration.hub,
                          live: liveSource.map { FeedHub.LiveFeed(source: $0, symbols: liveSymbols) },
                          recording: recorder.map { FeedHub.Recording(queue: $0.queue, dialect: HubDialects.recording) }, subscriberIDs: subscriberIDs)
        // `/v2/test` is a market of its own: FAKEPACA, and nothing from the synthetic market or an upstream.
        let testInterest = LiveInterest(), testSymbols = LiveSymbolTable(base: SymbolID(configuration.hub.maxSymbols))
        let testHub = FakepacaSource.hub(configuration: configuration, interest: testInterest, symbols: testSymbols, subscriberIDs: subscriberIDs)
        let upstreamStatus = configuration.upstream.map { UpstreamStatus(url: $0.url) }
        let registry = ConnectionRegistry()
        let journal = ConnectionJournal(maxEntries: configuration.journalEntries, marketNow: { clock.now })
        let polygon = PolygonEndpoint(hub: hub, registry: registry, journal: journal, configuration: configuration)
        let alpaca = AlpacaEndpoint(hub: hub, testHub: testHub, registry: registry, journal: journal, configuration: configuration)
        let fakepaca = FakepacaSource(interest: testInterest, symbols: testSymbols, publish: HubPublishing.publish(to: testHub, registry: registry))

        let router = Router(context: ServerRequestContext.self)
        // The plane keeps the faults (a startup script's too) even when its routes are off.
        let sessions = SessionView(mode: configuration.market.marketHours, timeline: book.timeline)
        let history = MarketHistory(configuration: configuration.market, timeline: book.timeline, clock: clock)
        let plane = ControlPlane(book: book, configuration: configuration.market, hub: hub, clock: clock, registry: registry, journal: journal,
                                 followers: [sessions, history], logger: logger)
        if !scriptFaults.isEmpty {
            Task { [scriptFaults] in _ = try? await plane.post(scriptFaults) }
        }
        if configuration.control.enabled {
            router.add(middleware: ControlAccessMiddleware(token: configuration.control.token))
            ControlRoutes.register(on: router, plane: plane)
        }
        // A proxy's REST for upstream tickers goes to the upstream's own REST API.
        if let upstream = configuration.upstream {
            router.add(middleware: UpstreamRESTMiddleware(settings: upstream, synthetic: configuration.market.universe,
                                                          polygonAuth: PolygonRESTAuth(apiKeys: configuration.apiKeys),
                                                          alpacaAuth: AlpacaRESTAuth(apiKeys: configuration.apiKeys), logger: logger))
        }
        // The vendors' REST companions, from the same market and clock as the stream.
        PolygonMarketStatusRoutes(sessions: sessions, clock: clock, auth: PolygonRESTAuth(apiKeys: configuration.apiKeys)).register(on: router)
        AlpacaClockRoutes(sessions: sessions, clock: clock, auth: AlpacaRESTAuth(apiKeys: configuration.apiKeys)).register(on: router)
        AlpacaAssetRoutes(universe: configuration.market.universe, seed: configuration.market.seed,
                          auth: AlpacaRESTAuth(apiKeys: configuration.apiKeys)).register(on: router)
        let polygonAuth = PolygonRESTAuth(apiKeys: configuration.apiKeys)
        PolygonAggregateRoutes(history: history, auth: polygonAuth).register(on: router)
        PolygonTickRoutes(history: history, auth: polygonAuth).register(on: router)
        PolygonSnapshotRoutes(history: history, auth: polygonAuth).register(on: router)
        PolygonReferenceRoutes(universe: configuration.market.universe, auth: polygonAuth).register(on: router)
        AlpacaMarketDataRoutes(history: history, auth: AlpacaRESTAuth(apiKeys: configuration.apiKeys)).register(on: router)
        router.get("/health") { _, _ in "ok \(TickforgeVersion.current)\n" }
        // What the feed is doing: connections, symbols being generated, work done so far, and the
        // clock's anchor (a load client turns event times into real due times with it).
        router.get("/stats") { _, _ -> String in
            let c = clock.snapshot
            let clockFields = #""speed":"\#(c.running)","paused":\#(c.paused),"clockAnchorMarketNs":\#(c.clock.anchorMarketTime.nanoseconds),"#
                + #""clockAnchorWallNs":\#(c.clock.anchorWallTime.nanoseconds)"#
            let s = await hub.stats
            return #"{"subscribers":\#(s.subscribers),"activeSymbols":\#(s.activeSymbols),"minutesGenerated":\#(s.minutesGenerated),"#
                + #""eventsEncoded":\#(s.eventsEncoded),"marketTime":"\#(s.marketTime)","symbolsWaiting":\#(s.symbolsWaiting),"#
                + #""minutesLate":\#(s.minutesLate),"preparationBacklog":\#(s.preparationBacklog),"shards":\#(s.shards),\#(clockFields)"#
                + (recorder == nil ? "" : #","recordingFramesLost":\#(s.recordingFramesLost)"#)
                + (upstreamStatus.map { #","liveEventsPublished":\#(s.liveEventsPublished),"liveEventsVerbatim":\#(s.liveEventsVerbatim),"liveTopics":\#(s.liveTopics),"upstream":\#($0.json)"# } ?? "")
                + "}\n"
        }
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(
                configuration: .init(
                    http1: .init(additionalChannelHandlers: [DeclinedUpgradeStatusHandler(rejections: registry.rejections)]),
                    ws: .init(maxFrameSize: 1 << 20, autoPing: .disabled)
                )
            ) { request, channel, logger throws in
                // Synchronous on purpose (see RejectionGate). Query strings are ignored, as on the
                // real services; other paths answer 404. Hummingbird's outbound writer goes
                // unused: frames go out through each connection's SocketWriter.
                let path = request.path?.split(separator: "?").first.map(String.init) ?? ""
                let alpacaUpgrade = AlpacaEndpoint.Upgrade(path: path, headers: request.headerFields)
                guard path == "/stocks" || alpacaUpgrade != nil else { return .dontUpgrade }
                // A `reject` fault answers with its status instead, before the upgrade.
                if let (fault, status) = registry.rejections.take(dialect: path == "/stocks" ? "polygon" : "alpaca", path: path) {
                    logger.info("fault: upgrade refused", metadata: ["fault": "\(fault)", "status": "\(status)", "path": "\(path)"])
                    journal.record("-", .rejected, [("path", .text(path)), ("status", .number(Double(status))), ("fault", .text(fault)),
                                                    ("remote", .text(SocketAddress.text(channel.remoteAddress)))])
                    registry.rejections.owe(status, to: channel)
                    return .dontUpgrade
                }
                let headers = JournalHeaders.fields(request.headerFields)
                if let alpacaUpgrade {
                    return .upgrade([:]) { inbound, _, _ in
                        await alpaca.serve(alpacaUpgrade, headers: headers, inbound: inbound, channel: channel, logger: logger)
                    }
                }
                return .upgrade([:]) { inbound, _, _ in
                    await polygon.serve(headers: headers, inbound: inbound, channel: channel, logger: logger)
                }
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tickforge"),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
        let loop = FeedLoop(hub: hub, registry: registry, configuration: configuration, clock: clock, logger: logger)
        // A service group stops services in reverse order: the feed loop first (it aborts the
        // connections), then the upstream, then the HTTP server, then the history thread REST asked.
        // The recorder stops last, once nothing more is released.
        let first: [any Service] = (recorder.map { [$0] } ?? []) + [history, app, fakepaca]
        if let replay = configuration.replay, let replayInterest {
            let source = RecordingReplay(settings: replay, speed: configuration.speed, flushIntervalNanoseconds: Int64(configuration.flushIntervalMilliseconds * 1e6),
                                         interest: replayInterest, symbols: liveSymbols, publish: HubPublishing.publish(to: hub, registry: registry),
                                         readersBehind: HubPublishing.readersBehind(registry), logger: logger)
            return first + [source, loop]
        }
        guard let upstream = configuration.upstream, let upstreamInterest, let upstreamStatus else { return first + [loop] }
        let link = UpstreamLink(settings: upstream, interest: upstreamInterest, symbols: liveSymbols,
                                   publish: HubPublishing.publish(to: hub, registry: registry), status: upstreamStatus, logger: logger)
        return first + [link, loop]
    }
}
