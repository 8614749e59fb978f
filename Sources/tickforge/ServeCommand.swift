import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TickforgeMarket
import TickforgeDialects
import TickforgeServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the market over WebSockets: Polygon/Massive at /stocks, Alpaca at /v2/{iex,sip,delayed_sip,test}.",
        discussion: "Every option has an environment twin (TICKFORGE_PORT, …); see the README's configuration table."
    )

    @OptionGroup var market: MarketOptions

    @OptionGroup var serving: ServingOptions

    func run() async throws {
        let resolved = try market.resolve()
        let config = try serving.configuration(market: resolved.configuration)
        try await ServerRunner.run(config, symbols: resolved.symbols, label: "tickforge.serve")
    }
}

/// Runs a configured server until SIGINT or SIGTERM, printing the banner once it listens.
enum ServerRunner {
    static func run(_ config: ServerConfiguration, symbols: [String], label: String) async throws {
        var logger = Logger(label: label)
        logger.logLevel = .info
        let server = TickforgeServer(configuration: config, logger: logger)
        let finalConfig = config
        let services: [any Service]
        do {
            services = try server.services { port in
                Banner.print(host: finalConfig.host, port: port, symbols: symbols, configuration: finalConfig)
            }
        } catch let error as TickforgeServer.StartupError {
            throw CLIError(error.description)
        }
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        do {
            try await group.run()
        } catch {
            if let message = TickforgeServer.startupProblem(error, configuration: finalConfig) { throw CLIError(message) }
            throw error
        }
    }
}

enum Banner {
    /// This executable as the user can run it again: `tickforge` when that name on PATH is this
    /// file, otherwise the path it was started by (`.build/release/tickforge`, or `swift run`'s).
    static func selfCommand() -> String {
        let invoked = CommandLine.arguments.first ?? "tickforge"
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("tickforge")
            if FileManager.default.isExecutableFile(atPath: candidate.path), candidate.resolvingSymlinksInPath().path == me { return "tickforge" }
        }
        guard invoked.contains("/") else { return me }
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return invoked.hasPrefix(cwd) ? String(invoked.dropFirst(cwd.count)) : invoked
    }

    static func print(host: String, port: Int, symbols: [String], configuration: ServerConfiguration) {
        let shown = symbols.prefix(8).joined(separator: ",") + (symbols.count > 8 ? ",… (\(symbols.count))" : "")
        let text = """

        Tickforge \(TickforgeVersion.current) is serving a synthetic US-equities market.
          Polygon/Massive stocks:  ws://\(host):\(port)/stocks
          Alpaca v2 stocks:        ws://\(host):\(port)/v2/iex   (also /v2/sip, /v2/delayed_sip; FAKEPACA on /v2/test)
          listening on port:       \(port)
          symbols (wildcard):      \(shown)\(configuration.market.universe.isOpen ? " — any other ticker also trades" : "")\(upstreamLine(configuration))
          market hours:            \(configuration.market.marketHours.rawValue)    speed: \(configuration.speed)    seed: \(configuration.market.seed)
          API keys:                \(configuration.apiKeys == nil ? "any key is accepted" : "\(configuration.apiKeys!.count) accepted")
          control API:             \(controlLine(host: host, port: port, configuration: configuration))

        Try it:
          \(selfCommand()) tail ws://\(host):\(port)/stocks --key demo --subscribe T.AAPL,Q.AAPL

        Scenarios (halt, gap, push a tick, force the session open):
          \(selfCommand()) ctl --url http://\(host):\(port) halt AAPL --for 2m

        Python (massive / polygon-api-client):
          from massive import WebSocketClient   # or: from polygon import WebSocketClient
          c = WebSocketClient(api_key="demo", feed="\(host):\(port)", market="stocks", secure=False, subscriptions=["T.AAPL"])
          c.run(print)

        Python (alpaca-py):
          from alpaca.data.live import StockDataStream
          s = StockDataStream("demo", "demo", url_override="ws://\(host):\(port)/v2/iex")
          s.subscribe_trades(print, "AAPL"); s.run()

        """
        Swift.print(text)
        fflushStdout()
    }

    private static func upstreamLine(_ configuration: ServerConfiguration) -> String {
        guard let upstream = configuration.upstream else { return "" }
        return "\n  other tickers from:      \(upstream.url)  (one upstream connection, the union of clients' subscriptions)"
    }

    private static func controlLine(host: String, port: Int, configuration: ServerConfiguration) -> String {
        guard configuration.control.enabled else { return "off" }
        let scripts = configuration.scripts.isEmpty ? "" : "    scripts loaded: \(configuration.scripts.count)"
        return "http://\(host):\(port)/control  (" + (configuration.control.token == nil ? "loopback peers only" : "bearer token required") + ")" + scripts
    }
}
