import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import TickforgeDialects
import TickforgeFeed
import TickforgeMarket

/// The Tickforge server: one market, one hub, one feed loop, and the HTTP/WebSocket front.
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

    /// The services to run in a `ServiceGroup`.
    public func services(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> [any Service] {
        let market = Market(configuration: configuration.market)
        let start = configuration.start ?? SystemTime.now()
        let hub = FeedHub(market: market, encoders: [PolygonEncoder()], start: start, options: configuration.hub)
        let registry = ConnectionRegistry()
        let polygon = PolygonEndpoint(hub: hub, registry: registry, configuration: configuration)
        let logger = self.logger

        let router = Router()
        router.get("/health") { _, _ in "ok\n" }
        // What the feed is doing: connections, symbols being generated, work done so far.
        router.get("/stats") { _, _ -> String in
            let s = await hub.stats
            return #"{"subscribers":\#(s.subscribers),"activeSymbols":\#(s.activeSymbols),"minutesGenerated":\#(s.minutesGenerated),"#
                + #""eventsEncoded":\#(s.eventsEncoded),"marketTime":"\#(s.marketTime)"}"# + "\n"
        }
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(
                configuration: .init(ws: .init(maxFrameSize: 1 << 20, autoPing: .disabled))
            ) { request, channel, logger in
                // Query strings are ignored, as on the real cluster; other paths fall through to 404.
                guard request.path?.split(separator: "?").first == "/stocks" else { return .dontUpgrade }
                return .upgrade([:]) { inbound, outbound, _ in
                    await polygon.serve(inbound: inbound, outbound: outbound, channel: channel, logger: logger)
                }
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tickforge"),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
        let loop = FeedLoop(hub: hub, registry: registry, configuration: configuration, logger: logger)
        // A service group stops services in reverse order: the feed loop first (it aborts the
        // connections), then the HTTP server.
        return [app, loop]
    }
}
