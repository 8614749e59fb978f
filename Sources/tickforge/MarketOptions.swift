import ArgumentParser
import Foundation
import TickforgeMarket
import TickforgeTools

/// Market options shared by every subcommand that builds a market. Each flag has an environment
/// twin; precedence is flag > environment > config file > default.
struct MarketOptions: ParsableArguments {
    @Option(help: "Seed of the market (env TICKFORGE_SEED). Same seed, same market. Default: 42.")
    var seed: UInt64?

    @Option(help: "Comma-separated symbols: the configured universe and what a wildcard means (env TICKFORGE_SYMBOLS). Default: the built-in tickers.")
    var symbols: String?

    @Option(help: "open: any ticker asked for trades with a derived profile; fixed: only --symbols (env TICKFORGE_UNIVERSE). Default: open.")
    var universe: String?

    @Option(name: .customLong("market-hours"), help: "always-open (regular session at any hour) or calendar (NYSE hours, weekends, holidays) (env TICKFORGE_MARKET_HOURS). Default: always-open.")
    var marketHours: String?

    @Option(help: "JSON config file with seed, symbols, marketHours and per-symbol profiles (env TICKFORGE_CONFIG). Default: none.")
    var config: String?

    @Option(name: .customLong("profile"), help: ArgumentHelp("Override a profile, e.g. AAPL:basePrice=200,volatility=0.3,model=sine (repeatable; env TICKFORGE_PROFILES, separated by ';'). Default: none.", valueName: "TICKER:key=value,..."))
    var profiles: [String] = []

    struct Resolved {
        var configuration: MarketConfiguration
        /// The configured symbols, in order.
        var symbols: [String]
    }

    /// The first of several variables that is set: a Tickforge name first, then the seed teams'
    /// aliases (`USE_SYNTHETIC_DATA` and `ENABLE_FAKE_DATA` need no handling: Tickforge is always synthetic).
    static func firstEnvironment(_ names: [String]) -> (String, String)? {
        for n in names { if let v = environment(n) { return (n, v) } }
        return nil
    }

    static func environment(_ name: String) -> String? {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else { return nil }
        return v
    }

    /// - Parameter allowingNoSymbols: a proxy may serve its upstream's symbols alone.
    func resolve(allowingNoSymbols: Bool = false) throws -> Resolved {
        let file = try (config ?? Self.environment("TICKFORGE_CONFIG")).map { try ConfigFile.load(path: $0) } ?? ConfigFile()

        let seedValue: UInt64
        if let seed { seedValue = seed }
        else if let (name, env) = Self.firstEnvironment(["TICKFORGE_SEED", "SYNTHETIC_SEED"]) {
            guard let v = UInt64(env) else { throw CLIError("\(name) must be a non-negative integer, got '\(env)'") }
            seedValue = v
        } else { seedValue = file.seed ?? 42 }

        let hoursText = marketHours ?? Self.environment("TICKFORGE_MARKET_HOURS") ?? file.marketHours ?? MarketHoursMode.alwaysOpen.rawValue
        guard let hours = MarketHoursMode(rawValue: hoursText) else {
            throw CLIError("market hours must be 'always-open' or 'calendar', got '\(hoursText)'")
        }

        let symbolList = (symbols ?? Self.firstEnvironment(["TICKFORGE_SYMBOLS", "SYNTHETIC_TICKERS", "FAKE_DATA_SYMBOLS"])?.1)
            .map { $0.split(separator: ",").map(String.init) }
            ?? file.symbols ?? Universe.defaultSymbols
        let universeText = universe ?? Self.environment("TICKFORGE_UNIVERSE") ?? file.universe ?? "open"
        guard universeText == "open" || universeText == "fixed" else {
            throw CLIError("universe must be 'open' or 'fixed', got '\(universeText)'")
        }

        var overrides = file.profiles ?? [:]
        // The seeds' cadence variables set the trade rate of the configured symbols.
        if let (name, text) = Self.firstEnvironment(["SYNTHETIC_CADENCE_HZ", "FAKE_DATA_INTERVAL_MS"]) {
            guard let v = Double(text), v > 0 else { throw CLIError("\(name) must be a positive number, got '\(text)'") }
            let perSecond = name == "SYNTHETIC_CADENCE_HZ" ? v : 1000 / v
            for ticker in symbolList.map(Universe.normalize) {
                overrides[ticker] = (overrides[ticker] ?? ProfileOverride()).merged(with: ProfileOverride(liquidity: perSecond))
            }
        }
        let fromEnvironment = Self.environment("TICKFORGE_PROFILES").map { $0.split(separator: ";").map(String.init) } ?? []
        for flag in fromEnvironment + profiles {
            let (ticker, o) = try ProfileOverride.parseFlag(flag)
            overrides[ticker] = (overrides[ticker] ?? ProfileOverride()).merged(with: o)
        }
        let u = try Universe(seed: seedValue, symbols: symbolList, isOpen: universeText == "open", overrides: overrides)
        guard !u.symbols.isEmpty || allowingNoSymbols else { throw CLIError("no symbols configured; pass --symbols AAPL,NVDA") }
        return Resolved(configuration: MarketConfiguration(seed: seedValue, marketHours: hours, universe: u), symbols: u.symbols)
    }
}

extension ProfileError: LocalizedError {
    public var errorDescription: String? { description }
}

/// Parses an instant for a flag by `TimeInput`'s rules, with an error that shows the expected forms.
func parseInstant(_ text: String, flag: String) throws -> Timestamp {
    do {
        return try TimeInput.parse(text)
    } catch {
        throw CLIError("\(flag): \(error)")
    }
}

/// Parses `90s`, `15m`, `6.5h`, `1d` or plain seconds.
func parseDuration(_ text: String) -> Int64? {
    let units: [(String, Double)] = [("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9), ("d", 86_400e9)]
    for (suffix, scale) in units where text.hasSuffix(suffix) {
        if let v = Double(text.dropLast(suffix.count)), v >= 0 { return Int64(v * scale) }
    }
    if let v = Double(text), v >= 0 { return Int64(v * 1e9) }
    return nil
}

/// A user error found after parsing: printed as `Error: …` without the usage banner, which
/// would only hide the message.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
