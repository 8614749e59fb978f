import ArgumentParser
import Foundation
import Logging
import TickforgeClient
import TickforgeMarket

/// What REST costs, measured from another process as a client meets it: each question cold (a
/// symbol not asked before), and what a burst of heavy requests does to a stream reader.
struct RESTBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rest",
        abstract: "Time REST market-data requests against a server child process, and a burst's effect on a stream reader.",
        discussion: """
        The server (a child process, real time, always-open hours) serves SYN0…SYN<n-1> and a few
        liquid built-in names from --start. Each sample asks about a symbol not asked before, so every
        figure is cold. The burst fires 100 aggregate requests (a year of daily bars each, 8 at a time)
        while a reader in this process takes trades and quotes of 20 symbols, its latency counted from
        each event's market time, from its subscription on.
        """
    )

    @Option(help: "Synthetic symbols in the universe (SYN0…SYN<n-1>).")
    var symbols = 1000

    @Option(help: "Cold samples of each request.")
    var samples = 7

    @Option(help: "Market time to start at.")
    var start = "2026-11-24T10:30:00-05:00"

    @Option(help: "Aggregate requests in the burst (0: a control run with none).")
    var burst = 100

    @Option(help: "Serve with another tickforge binary (a before/after comparison). Default: this one.")
    var server: String?

    static let liquid = ["AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "META", "GOOGL", "SPY", "QQQ", "AMD"]

    func run() async throws {
        #if DEBUG
        print("warning: this is a debug build; numbers are meaningless. Use: swift run -c release tickforge bench rest")
        #endif
        guard samples >= 1, samples <= Self.liquid.count, symbols >= 200 + 2 * samples + 20 else {
            throw CLIError("use 1…\(Self.liquid.count) samples and at least \(200 + 2 * samples + 20) symbols")
        }
        let tickers = (0..<symbols).map { "SYN\($0)" }
        let server = try ServerProcess(arguments: ["--symbols", (tickers + Self.liquid).joined(separator: ","), "--universe", "fixed", "--start", start],
                                       executable: self.server)
        defer { server.stop() }
        let endpoint = PlainHTTP.Endpoint(host: "127.0.0.1", port: server.port)
        let today = NewYorkTime.date(of: try TimeInput.parse(start))
        let yesterday = CivilDate(dayNumber: today.dayNumber - 1), yearAgo = CivilDate(dayNumber: today.dayNumber - 365)
        print("REST against a server child process: \(symbols) symbols from \(start), \(samples) cold samples each")

        // Symbols are handed out so that no sample finds another's work remembered.
        var next = 0
        func fresh() -> String { defer { next += 1 }; return tickers[next] }
        // Liquid names' minutes are summarised without their trades; a thin name's few trades are
        // drawn to sum its minutes, so it costs more: both are shown.
        try measure("one year of daily bars, a liquid name", target: 300) { i in "/v2/aggs/ticker/\(Self.liquid[i])/range/1/day/\(yearAgo)/\(yesterday)" }
        try measure("one year of daily bars, a thin synthetic name", target: 300) { _ in "/v2/aggs/ticker/\(fresh())/range/1/day/\(yearAgo)/\(yesterday)" }
        try measure("one day of minute bars", target: 30) { _ in "/v2/aggs/ticker/\(fresh())/range/1/minute/\(yesterday)/\(yesterday)?limit=50000" }
        try measure("50,000 /v3/trades rows", target: 150) { i in
            "/v3/trades/\(Self.liquid[i])?timestamp.gte=\(yesterday)T10:00:00-05:00&order=asc&limit=50000"
        }
        let snapshotTickers = tickers.suffix(200).joined(separator: ",")
        try measure("200 snapshot tickers (first cold, then warm)", target: 50) { _ in
            "/v2/snapshot/locale/us/markets/stocks/tickers?tickers=\(snapshotTickers)"
        }

        // A reader of trades and quotes, with and without a burst of heavy REST requests.
        let clock = try server.clockMapping()
        let readerTopics = tickers.prefix(20).flatMap { ["T.\($0)", "Q.\($0)"] }.joined(separator: ",")
        let begin = SystemTime.monotonicNanoseconds(), burstAt = begin + 5_000_000_000, end = burstAt + 20_000_000_000
        let url = "ws://127.0.0.1:\(server.port)/stocks"
        let logger = { var l = Logger(label: "tickforge.bench"); l.logLevel = .error; return l }()
        let before = FeedLoadClient.Plan(url: url, subscribe: readerTopics, windowStart: begin, windowEnd: burstAt, clock: clock)
        let during = FeedLoadClient.Plan(url: url, subscribe: readerTopics, windowStart: burstAt, windowEnd: end, clock: clock)
        let burstSymbols = Array(tickers[(2 * samples)..<(2 * samples + burst)].prefix(burst))
        let requests = burstSymbols.map { "/v2/aggs/ticker/\($0)/range/1/day/\(yearAgo)/\(yesterday)" }
        async let readerBefore = FeedLoadClient.run(before, logger: logger)
        async let readerDuring = FeedLoadClient.run(during, logger: logger)
        try? await Task.sleep(nanoseconds: UInt64(max(0, burstAt - SystemTime.monotonicNanoseconds())))
        // The burst's threads are not the reader's: blocking sockets stay off Swift's pool.
        let burstSeconds = await withCheckedContinuation { done in
            Thread { done.resume(returning: Self.fire(requests, at: endpoint, concurrency: 8)) }.start()
        }
        let (b, d) = try await (readerBefore, readerDuring)
        if !requests.isEmpty {
            print(String(format: "burst: %d year-of-daily-bars requests, 8 at a time, answered in %.2f s", requests.count, burstSeconds))
        }
        for (name, result) in [("before the burst", b), (requests.isEmpty ? "the next 20 s (no burst)" : "from the burst on, 20 s", d)] {
            let l = result.latency
            print(String(format: "reader %@ (%llu events): p50 %.2f ms, p99 %.2f ms, p999 %.2f ms, max %.2f ms",
                         name, l.samples, l.percentile(0.5) / 1000, l.percentile(0.99) / 1000, l.percentile(0.999) / 1000, l.maxMicroseconds / 1000))
        }
        print("  (event times are whole milliseconds of market time, so each latency may overstate by up to 1 ms)")

        func measure(_ name: String, target: Double, path: (Int) -> String) throws {
            var times: [Double] = []
            var bytes = 0
            for i in 0..<samples {
                let p = path(i)
                let t0 = SystemTime.monotonicNanoseconds()
                let response = try PlainHTTP.request(endpoint, method: "GET", path: p, headers: [("Authorization", "Bearer bench")], timeoutSeconds: 120)
                times.append(Double(SystemTime.monotonicNanoseconds() - t0) / 1e6)
                guard response.status == 200 else { throw CLIError("\(p) answered \(response.status): \(response.body.prefix(200))") }
                bytes = response.body.utf8.count
            }
            let sorted = times.sorted()
            print(String(format: "%@: first %.1f ms, median %.1f ms, max %.1f ms (target ≤ %.0f ms; %d bytes)",
                         name, times[0], sorted[sorted.count / 2], sorted.last!, target, bytes))
            fflushStdout()
        }
    }

    /// Sends `paths` from `concurrency` threads; returns the seconds until the last answer.
    static func fire(_ paths: [String], at endpoint: PlainHTTP.Endpoint, concurrency: Int) -> Double {
        guard !paths.isEmpty else { return 0 }
        let t0 = SystemTime.monotonicNanoseconds()
        DispatchQueue.concurrentPerform(iterations: concurrency) { worker in
            for i in stride(from: worker, to: paths.count, by: concurrency) {
                _ = try? PlainHTTP.request(endpoint, method: "GET", path: paths[i], headers: [("Authorization", "Bearer bench")], timeoutSeconds: 300)
            }
        }
        return Double(SystemTime.monotonicNanoseconds() - t0) / 1e9
    }
}
