import ArgumentParser
import Foundation
import TickforgeDialects
import TickforgeMarket
import TickforgeServer

/// The transport, auth and control options `serve` and `proxy` share, and the configuration they
/// make.
struct ServingOptions: ParsableArguments {
    @Option(help: "Address to bind; 0.0.0.0 for every interface (env TICKFORGE_HOST). Default: 127.0.0.1.")
    var host: String?

    @Option(help: "Port to bind; 0 picks a free port and prints it (env TICKFORGE_PORT). Default: 8765.")
    var port: Int?

    @Option(help: "Market time to start at: 2026-11-23T09:30:00-05:00, or New York time without an offset (2026-11-23T09:30), or a date (New York midnight) (env TICKFORGE_START). Default: now, or the first --scenario script's start.")
    var start: String?

    @Option(help: "Clock speed: 1 (real time), N (N× real time) or max (as fast as subscribers read) (env TICKFORGE_SPEED). Default: 1.")
    var speed: String?

    @Option(name: .customLong("api-key"), help: "Accept only this key (repeatable; env TICKFORGE_API_KEYS, comma-separated). Default: any key.")
    var apiKeys: [String] = []

    @Option(name: .customLong("auth-timeout"), help: "Seconds a connection may stay unauthenticated (env TICKFORGE_AUTH_TIMEOUT). Default: 10.")
    var authTimeout: Double?

    @Option(name: .customLong("max-connections-per-key"), help: "Connections per key and endpoint. Polygon: the newest wins and the oldest is evicted. Alpaca: the newcomer gets error 406 (env TICKFORGE_MAX_CONNECTIONS_PER_KEY). Default: unlimited.")
    var maxConnectionsPerKey: Int?

    @Option(name: .customLong("journal-entries"), help: "Entries the connection journal keeps, the oldest going first; 0 keeps none (env TICKFORGE_JOURNAL_ENTRIES). Default: 100000.")
    var journalEntries: Int?

    @Option(name: .customLong("flush-interval-ms"), help: "How often frames are flushed, in ms (env TICKFORGE_FLUSH_INTERVAL_MS). Default: 5.")
    var flushIntervalMs: Double?

    @Option(name: .customLong("shards"), help: "Release shards: symbols are spread over this many threads that generate, encode and frame them in parallel; each symbol's events keep their order (env TICKFORGE_SHARDS). Default: one per core.")
    var shards: Int?

    @Option(name: .customLong("bar-delay-ms"), help: "Delay after a bar's window before it is sent, in ms (env TICKFORGE_BAR_DELAY_MS). Default: 2000, like Polygon's A.")
    var barDelayMs: Double?

    @Option(name: .customLong("max-backlog-bytes"), help: "A connection whose unsent backlog passes this is a slow consumer (env TICKFORGE_MAX_BACKLOG_BYTES). Default: 8388608.")
    var maxBacklogBytes: Int?

    @Option(name: .customLong("max-backlog-age-ms"), help: "…or whose oldest unsent frame is older than this, in ms (env TICKFORGE_MAX_BACKLOG_AGE_MS). Default: 5000.")
    var maxBacklogAgeMs: Double?

    @Option(name: .customLong("alpaca-symbol-limit"), help: "Most channel×symbol subscriptions on one Alpaca connection; beyond it, error 405 (env TICKFORGE_ALPACA_SYMBOL_LIMIT). Default: unlimited.")
    var alpacaSymbolLimit: Int?

    @Option(name: .customLong("alpaca-feeds"), help: "Alpaca feeds the keys are entitled to, e.g. iex,test; auth on others gets error 409 (env TICKFORGE_ALPACA_FEEDS). Default: all.")
    var alpacaFeeds: String?

    @Option(name: .customLong("scenario"), help: ArgumentHelp("Load a scenario script (YAML or JSON) at startup; repeatable, in order (env TICKFORGE_SCENARIOS, comma-separated). Without --start, the market starts at the first script's `start`, if it has one. See examples/scenarios/.", valueName: "file"))
    var scenarios: [String] = []

    @Option(name: .customLong("control"), help: "The control API under /control: on or off (env TICKFORGE_CONTROL). Default: on, for loopback peers only unless --control-token is set.")
    var control: String?

    @Option(name: .customLong("control-token"), help: "Require 'Authorization: Bearer <token>' on the control API and let peers beyond loopback use it (env TICKFORGE_CONTROL_TOKEN). Default: none.")
    var controlToken: String?

    @Option(name: .customLong("record"), help: ArgumentHelp("Record every event released to any client into this file, as `generate`'s NDJSON (gzip if the name ends in .gz), with each event's own timestamps; `tickforge replay FILE` serves it again (env TICKFORGE_RECORD). Default: none.", valueName: "file"))
    var record: String?

    /// The server configuration these options (and their environment twins) describe, over `market`.
    func configuration(market: MarketConfiguration) throws -> ServerConfiguration {
        func env(_ name: String) -> String? { MarketOptions.environment(name) }
        func number<T: LosslessStringConvertible>(_ flag: T?, _ name: String, _ what: String) throws -> T? {
            if let flag { return flag }
            guard let text = env(name) else { return nil }
            guard let v = T(text) else { throw CLIError("\(name) must be \(what), got '\(text)'") }
            return v
        }


        var config = ServerConfiguration(market: market)
        config.host = host ?? env("TICKFORGE_HOST") ?? config.host
        config.port = try number(port, "TICKFORGE_PORT", "a port number") ?? config.port
        if let text = start ?? env("TICKFORGE_START") { config.start = try parseInstant(text, flag: "--start") }
        if let text = speed ?? env("TICKFORGE_SPEED") {
            guard let s = ClockSpeed(parsing: text) else { throw CLIError("--speed must be a positive number or 'max', got '\(text)'") }
            config.speed = s
        }
        let keys = apiKeys + (env("TICKFORGE_API_KEYS")?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } ?? [])
        config.apiKeys = keys.isEmpty ? nil : Set(keys)
        config.authTimeoutSeconds = try number(authTimeout, "TICKFORGE_AUTH_TIMEOUT", "a number of seconds") ?? config.authTimeoutSeconds
        config.maxConnectionsPerKey = try number(maxConnectionsPerKey, "TICKFORGE_MAX_CONNECTIONS_PER_KEY", "a whole number")
        config.journalEntries = try number(journalEntries, "TICKFORGE_JOURNAL_ENTRIES", "a whole number") ?? config.journalEntries
        if config.journalEntries < 0 || config.journalEntries > 10_000_000 { throw CLIError("--journal-entries must be from 0 to 10000000") }
        config.flushIntervalMilliseconds = try number(flushIntervalMs, "TICKFORGE_FLUSH_INTERVAL_MS", "milliseconds") ?? config.flushIntervalMilliseconds
        config.hub.shards = try number(shards, "TICKFORGE_SHARDS", "a whole number") ?? config.hub.shards
        guard (1...ServerConfiguration.maxShards).contains(config.hub.shards) else {
            throw CLIError("--shards must be from 1 to \(ServerConfiguration.maxShards), got \(config.hub.shards)")
        }
        let barDelay = try number(barDelayMs, "TICKFORGE_BAR_DELAY_MS", "milliseconds") ?? 2000
        config.hub.barDelayNanoseconds = Int64(barDelay * 1e6)
        config.hub.queueLimits.maxBytes = try number(maxBacklogBytes, "TICKFORGE_MAX_BACKLOG_BYTES", "a byte count") ?? config.hub.queueLimits.maxBytes
        if let age = try number(maxBacklogAgeMs, "TICKFORGE_MAX_BACKLOG_AGE_MS", "milliseconds") { config.hub.queueLimits.maxAgeNanoseconds = Int64(age * 1e6) }
        config.alpacaSymbolLimit = try number(alpacaSymbolLimit, "TICKFORGE_ALPACA_SYMBOL_LIMIT", "a whole number")
        if let text = alpacaFeeds ?? env("TICKFORGE_ALPACA_FEEDS") {
            var feeds = Set<AlpacaSession.Feed>()
            for name in text.split(separator: ",") {
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                guard let feed = AlpacaSession.Feed(rawValue: trimmed) else {
                    throw CLIError("--alpaca-feeds takes iex, sip, delayed_sip and test; got '\(trimmed)'")
                }
                feeds.insert(feed)
            }
            config.alpacaEntitledFeeds = feeds
        }
        switch (control ?? env("TICKFORGE_CONTROL"))?.lowercased() {
        case nil, "on": config.control.enabled = true
        case "off": config.control.enabled = false
        case let other?: throw CLIError("--control takes on or off, got '\(other)'")
        }
        config.control.token = controlToken ?? env("TICKFORGE_CONTROL_TOKEN")
        if let token = config.control.token, token.isEmpty || token.contains(where: { $0.isWhitespace }) {
            throw CLIError("--control-token must be a non-empty token without spaces")
        }
        let scriptFiles = scenarios + (env("TICKFORGE_SCENARIOS")?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } ?? [])
        for file in scriptFiles {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError("cannot read scenario script '\(file)': check the path (examples are under examples/scenarios/)")
            }
            config.scripts.append(.init(name: file, text: String(decoding: data, as: UTF8.self)))
        }
        if let n = config.maxConnectionsPerKey, n < 1 { throw CLIError("--max-connections-per-key must be at least 1") }
        guard config.authTimeoutSeconds > 0, config.flushIntervalMilliseconds > 0 else { throw CLIError("timeouts and intervals must be positive") }

        config.recordPath = record ?? env("TICKFORGE_RECORD")
        return config
    }
}
