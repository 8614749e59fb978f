import ArgumentParser
import Foundation
import TickforgeMarket
import TickforgeServer

struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Relay a Polygon/Massive or Alpaca stock feed to many clients over one upstream connection, with synthetic symbols mixed in.",
        discussion: """
        Clients connect exactly as to `serve` (Polygon at /stocks, Alpaca at /v2/{iex,sip,…}) and authenticate with the \
        proxy's own --api-key rules. Tickers in --synthetic come from the synthetic market and are never asked of the \
        upstream; every other ticker is subscribed upstream while at least one client wants it. Scenarios and faults \
        work as on `serve` (market scenarios on the synthetic symbols).
        """
    )

    @Option(help: "The upstream stream: wss://socket.massive.com/stocks (Polygon/Massive), wss://stream.data.alpaca.markets/v2/iex (Alpaca: any path under /v2/), or another tickforge's (env TICKFORGE_UPSTREAM).")
    var upstream: String?

    @Option(name: .customLong("upstream-key"), help: "The key the proxy authenticates upstream with (env MASSIVE_API_KEY or POLYGON_API_KEY; for Alpaca, APCA_API_KEY_ID). Clients never see it.")
    var upstreamKey: String?

    @Option(name: .customLong("upstream-secret"), help: "An Alpaca upstream's secret key (env APCA_API_SECRET_KEY).")
    var upstreamSecret: String?

    @Option(name: .customLong("upstream-rest"), help: "The upstream's REST API, which answers REST requests for upstream tickers (env TICKFORGE_UPSTREAM_REST). Default: the stream's own (https://api.massive.com for socket.massive.com, https://data.alpaca.markets for stream.data.alpaca.markets, http://host:port for another tickforge).")
    var upstreamREST: String?

    @Option(help: "Comma-separated tickers served from the synthetic market, never asked of the upstream (env FAKE_DATA_SYMBOLS when ENABLE_FAKE_DATA=true; ENABLE_FAKE_DATA=false serves none). Default: FAKETICKER,TESTSTOCK.")
    var synthetic: String?

    @OptionGroup var market: MarketOptions

    @OptionGroup var serving: ServingOptions

    func run() async throws {
        func env(_ name: String) -> String? { MarketOptions.environment(name) }
        guard let url = upstream ?? env("TICKFORGE_UPSTREAM") else {
            throw CLIError("proxy needs --upstream, e.g. --upstream wss://socket.massive.com/stocks")
        }
        guard url.hasPrefix("ws://") || url.hasPrefix("wss://") else {
            throw CLIError("--upstream must be a ws:// or wss:// URL, got '\(url)'")
        }
        let restURL = upstreamREST ?? env("TICKFORGE_UPSTREAM_REST")
        if let restURL, !(restURL.hasPrefix("http://") || restURL.hasPrefix("https://")) {
            throw CLIError("--upstream-rest must be an http:// or https:// URL, got '\(restURL)'")
        }
        let settings: UpstreamSettings
        if UpstreamSettings.isAlpacaURL(url) {
            guard let key = upstreamKey ?? env("APCA_API_KEY_ID"), let secret = upstreamSecret ?? env("APCA_API_SECRET_KEY") else {
                throw CLIError("an Alpaca upstream needs its keys: pass --upstream-key and --upstream-secret, or set APCA_API_KEY_ID and APCA_API_SECRET_KEY")
            }
            settings = UpstreamSettings(url: url, key: key, dialect: .alpaca(secret: secret), restURL: restURL)
        } else {
            guard let key = upstreamKey ?? MarketOptions.firstEnvironment(["MASSIVE_API_KEY", "POLYGON_API_KEY"])?.1 else {
                throw CLIError("proxy needs the upstream's key: pass --upstream-key or set MASSIVE_API_KEY (or POLYGON_API_KEY)")
            }
            settings = UpstreamSettings(url: url, key: key, restURL: restURL)
        }
        var options = market
        options.symbols = try syntheticTickers()
        options.universe = "fixed"
        let resolved = try options.resolve(allowingNoSymbols: true)
        var config = try serving.configuration(market: resolved.configuration)
        config.upstream = settings
        try await ServerRunner.run(config, symbols: resolved.symbols, label: "tickforge.proxy")
    }

    /// The synthetic tickers: the flag, else the seed team's variables, else two fakes.
    private func syntheticTickers() throws -> String {
        if let synthetic { return synthetic }
        switch MarketOptions.environment("ENABLE_FAKE_DATA")?.lowercased() {
        case nil, "true", "1", "yes": return MarketOptions.environment("FAKE_DATA_SYMBOLS") ?? "FAKETICKER,TESTSTOCK"
        case "false", "0", "no": return ""
        case let other?: throw CLIError("ENABLE_FAKE_DATA must be true or false, got '\(other)'")
        }
    }
}
