import ArgumentParser
import Foundation
import Logging
import TickforgeClient
import TickforgeMarket

struct FeedBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "End-to-end feed load: starts a server, connects Polygon-dialect readers, reports events/s, latency and server CPU.",
        discussion: """
        The two standard runs (BENCHMARKS.md):
          tickforge bench feed --clients 1 --speed max            one reader on T.*,Q.* over 1,000 symbols
          tickforge bench feed --clients 100 --rate 100000        100 readers × 10 symbols at a steady 100k events/s
        Server and readers share the machine; the server's CPU is read from /proc.
        """
    )

    @Option(help: "Readers. One reader subscribes T.*,Q.* (the whole universe); several split the universe between them.")
    var clients = 1

    @Option(help: "Symbols in the universe (SYN0…SYN<n-1>).")
    var symbols = 1000

    @Option(help: "Clock speed for the server: a number or max. Ignored when --rate is given.")
    var speed = "max"

    @Option(help: "Target events/s delivered in total; sets the clock speed from the market's own event count.")
    var rate: Double?

    @Option(help: "Target events/s reached by liquidity at real speed: every symbol trades faster (the seeds' SYNTHETIC_CADENCE_HZ), the clock runs at 1×. Measures from the first second (no warm-up) across two minute boundaries unless told otherwise.")
    var liquidityRate: Double?

    @Option(help: "Run the readers in this many processes of their own (0: in this process).")
    var readerProcesses = 0

    @Option(help: "Seconds measured, after the warm-up. Default: 10, or 125 with --liquidity-rate (two minute boundaries).")
    var seconds: Double?

    @Option(help: "Seconds before measuring (connections, first minutes, caches). Default: 3, or 0 with --liquidity-rate.")
    var warmup: Double?

    @Option(name: .customLong("flush-interval-ms"), help: "The server's flush cadence.")
    var flushIntervalMs = 5.0

    @Option(name: .customLong("upstream-path"), help: "With --through-proxy, the upstream stream the proxy reads: /stocks (Polygon) or an Alpaca path such as /v2/iex, which the proxy decodes from Alpaca's JSON and re-encodes for the Polygon readers.")
    var upstreamPath = "/stocks"

    @Option(help: "The server's release shards (its --shards). Default: the server's own, one per core.")
    var shards: Int?

    @Option(help: "Have the server record every event it releases into this file (its --record; gzip if the name ends in .gz), and report the file's size and the frames the recorder could not keep up with.")
    var record: String?

    @Flag(name: .customLong("through-proxy"), help: "Put a `tickforge proxy` between the server and the readers: the server becomes the proxy's upstream, the readers subscribe through the proxy, and the CPU reported is the proxy's.")
    var throughProxy = false

    static let start = "2026-11-23T10:00:00-05:00"
    static let upstreamKey = "bench-upstream"

    func run() async throws {
        #if DEBUG
        print("warning: this is a debug build; numbers are meaningless. Use: swift run -c release tickforge bench feed")
        #endif
        guard clients >= 1, symbols >= clients, readerProcesses >= 0 else { throw CLIError("need at least one client and one symbol per client") }
        guard upstreamPath == "/stocks" || upstreamPath.hasPrefix("/v2/") else { throw CLIError("--upstream-path takes /stocks or an Alpaca path such as /v2/iex") }
        let tickers = (0..<symbols).map { "SYN\($0)" }
        let warmup = self.warmup ?? (liquidityRate == nil ? 3 : 0)
        let seconds = self.seconds ?? (liquidityRate == nil ? 10 : 125)
        var serverSpeed = speed
        var environment: [String: String] = [:]
        if let liquidityRate {
            // Events grow with liquidity; calibrate on the market itself, then check.
            let trial = 10.0
            let cadence = trial * liquidityRate / (try marketRate(tickers, liquidity: trial))
            environment["SYNTHETIC_CADENCE_HZ"] = String(format: "%.4f", cadence)
            serverSpeed = "1"
            print(String(format: "liquidity: SYNTHETIC_CADENCE_HZ=%.2f → %.0f trade+quote events/s over %d symbols at 1×",
                         cadence, try marketRate(tickers, liquidity: cadence), symbols))
        } else if let rate {
            let perSecond = try marketRate(tickers)
            serverSpeed = String(format: "%.3f", rate / perSecond)
            print(String(format: "market rate at 1×: %.0f trade+quote events/s over %d symbols → --speed %@ for %.0f events/s", perSecond, symbols, serverSpeed, rate))
        }
        let server = try ServerProcess(arguments: [
            "--symbols", tickers.joined(separator: ","), "--universe", "fixed", "--start", Self.start,
            "--speed", serverSpeed, "--bar-delay-ms", "0", "--flush-interval-ms", String(flushIntervalMs),
        ] + (throughProxy ? ["--api-key", Self.upstreamKey] : []) + (shards.map { ["--shards", String($0)] } ?? [])
            + (record.map { ["--record", $0] } ?? []), environment: environment)
        defer { server.stop() }
        // Through a proxy, every symbol is the upstream's (no synthetic ones of the proxy's own).
        let proxy = try throughProxy ? ServerProcess(command: "proxy", arguments: [
            "--upstream", "ws://127.0.0.1:\(server.port)\(upstreamPath)", "--upstream-key", Self.upstreamKey, "--synthetic", "",
            "--bar-delay-ms", "0", "--flush-interval-ms", String(flushIntervalMs),
        ] + (upstreamPath.hasPrefix("/v2/") ? ["--upstream-secret", "bench-secret"] : []) + (shards.map { ["--shards", String($0)] } ?? [])) : nil
        defer { proxy?.stop() }
        let url = "ws://127.0.0.1:\(proxy?.port ?? server.port)/stocks"
        let clock: FeedLoadClient.ClockMapping? = serverSpeed == "max" ? nil : try server.clockMapping()

        let begin = SystemTime.monotonicNanoseconds()
        let windowStart = begin + Int64(warmup * 1e9)
        let windowEnd = windowStart + Int64(seconds * 1e9)
        let plans = (0..<clients).map { i -> FeedLoadClient.Plan in
            let topics: String
            if clients == 1 {
                topics = "T.*,Q.*"
            } else {
                let mine = stride(from: i, to: symbols, by: clients).map { tickers[$0] }
                topics = mine.flatMap { ["T.\($0)", "Q.\($0)"] }.joined(separator: ",")
            }
            return FeedLoadClient.Plan(url: url, subscribe: topics, windowStart: windowStart, windowEnd: windowEnd, clock: clock)
        }
        let logger = { var l = Logger(label: "tickforge.bench"); l.logLevel = .error; return l }()
        print("\(clients) reader(s)\(readerProcesses > 0 ? " in \(readerProcesses) process(es)" : " in this process"), \(symbols) symbols, speed \(serverSpeed), flush every \(flushIntervalMs) ms; warming up \(warmup) s, measuring \(seconds) s …")
        fflushStdout()

        // CPU is sampled at the window's edges, from a task that sleeps until each.
        let pid = (proxy ?? server).process.processIdentifier
        let upstreamPid = server.process.processIdentifier
        let cpu = Task { () -> (Double, Double, Double) in
            try? await Task.sleep(nanoseconds: UInt64(max(0, windowStart - SystemTime.monotonicNanoseconds())))
            let a = ServerProcess.cpuSeconds(pid: pid), u = ServerProcess.cpuSeconds(pid: upstreamPid)
            try? await Task.sleep(nanoseconds: UInt64(max(0, windowEnd - SystemTime.monotonicNanoseconds())))
            return (a, ServerProcess.cpuSeconds(pid: pid), ServerProcess.cpuSeconds(pid: upstreamPid) - u)
        }
        let total: FeedLoadClient.Result
        if readerProcesses > 0 {
            total = try await ReadersBench.runInChildren(plans.map(\.subscribe), processes: readerProcesses, url: url,
                                                         windowStart: windowStart, windowEnd: windowEnd, clock: clock)
        } else {
            total = try await withThrowingTaskGroup(of: FeedLoadClient.Result.self) { group in
                for plan in plans { group.addTask { try await FeedLoadClient.run(plan, logger: logger) } }
                var total = FeedLoadClient.Result()
                for try await r in group { total.merge(r) }
                return total
            }
        }
        let (cpuStart, cpuEnd, upstreamCPU) = await cpu.value
        report(total, seconds: seconds, serverCPU: cpuEnd - cpuStart, latency: clock != nil)
        if throughProxy {
            print(String(format: "  (the CPU above is the proxy's; its upstream, a tickforge serve, used %.1f%% of a core)", upstreamCPU / seconds * 100))
        }
        if let record {
            let lost = try server.statistic("recordingFramesLost") ?? 0
            // The recorder writes what is queued and closes the file when the server stops.
            server.stop()
            let bytes = (try? FileManager.default.attributesOfItem(atPath: record)[.size] as? NSNumber)?.int64Value ?? 0
            print(String(format: "recording: %.1f MB in %@ (%.1f bytes per delivered event), %.0f frames lost", Double(bytes) / 1e6, record,
                         Double(bytes) / Double(max(total.events, 1)), lost))
        }
    }

    /// Trade and quote events per market second over the first three minutes from the start,
    /// with every symbol's liquidity set to `liquidity` if given (as SYNTHETIC_CADENCE_HZ does).
    private func marketRate(_ tickers: [String], liquidity: Double? = nil) throws -> Double {
        let seed = MarketConfiguration.standard().seed
        var overrides: [String: ProfileOverride] = [:]
        if let liquidity { for t in tickers { overrides[t] = ProfileOverride(liquidity: liquidity) } }
        let universe = try Universe(seed: seed, symbols: tickers, isOpen: false, overrides: overrides)
        let market = Market(configuration: MarketConfiguration(seed: seed, universe: universe))
        guard let from = RFC3339.parse(Self.start) else { throw CLIError("bad start") }
        let ids = tickers.compactMap { market.symbolID(for: $0) }
        let window = from..<(from + 3 * Timestamp.nanosPerMinute)
        let events = market.events(for: ids, in: window, kinds: [.trades, .quotes]).count
        return Double(events) / 180
    }

    private func report(_ r: FeedLoadClient.Result, seconds: Double, serverCPU: Double, latency: Bool) {
        let rate = Double(r.events) / seconds
        print(String(format: "delivered: %.0f events/s (%.1f MB/s, %.0f frames/s, %.0f events per frame)",
                     rate, Double(r.bytes) / seconds / 1e6, Double(r.frames) / seconds, Double(r.events) / Double(max(r.frames, 1))))
        print(String(format: "server CPU: %.1f%% of a core, %.3f µs per delivered event", serverCPU / seconds * 100, serverCPU / Double(max(r.events, 1)) * 1e6))
        if latency {
            let l = r.latency
            print(String(format: "latency event time → receipt (%llu events): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p999 %.2f ms, max %.2f ms",
                         l.samples, l.percentile(0.5) / 1000, l.percentile(0.9) / 1000, l.percentile(0.99) / 1000,
                         l.percentile(0.999) / 1000, l.maxMicroseconds / 1000))
            print("  (event times are whole milliseconds of market time, so each figure may overstate by up to 1 market ms)")
        }
        if r.endedEarly { print("warning: the server ended at least one session before the window closed") }
    }
}
