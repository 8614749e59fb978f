import ArgumentParser
import Foundation
import Logging
import TickforgeClient
import TickforgeMarket

/// What a cold bar subscription over a whole universe costs everyone else: a reader of trades
/// and quotes measures its latency before and after another client subscribes `A.*`.
struct BarsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bars",
        abstract: "Latency of a trade/quote reader before and after another client subscribes A.* (cold day totals for every symbol).",
        discussion: """
        The server (a child process, real time, 2 s bar delay) starts late in the New York day, so every
        symbol's bars need the day so far. Readers run in this process and measure each event's delay
        from its market time, counted from their subscription with no warm-up dropped.
        """
    )

    @Option(help: "Symbols in the universe (SYN0…SYN<n-1>).")
    var symbols = 1000

    @Option(help: "Market time to start at.")
    var start = "2026-11-23T19:59:00-05:00"

    @Option(help: "Seconds after the readers connect that the A.* client subscribes.")
    var burstAt = 5.0

    @Option(help: "Seconds measured after the burst.")
    var seconds = 20.0

    @Option(help: "Symbols the reader takes trades and quotes of.")
    var readerSymbols = 20

    @Option(help: "Serve with another tickforge binary (a before/after comparison). Default: this one.")
    var server: String?

    @Option(help: "What the second client subscribes to; an empty string runs the control, with no second client.")
    var burst = "A.*"

    func run() async throws {
        #if DEBUG
        print("warning: this is a debug build; numbers are meaningless. Use: swift run -c release tickforge bench bars")
        #endif
        guard symbols >= readerSymbols, readerSymbols >= 1 else { throw CLIError("need at least as many symbols as the reader takes") }
        let tickers = (0..<symbols).map { "SYN\($0)" }
        let server = try ServerProcess(arguments: ["--symbols", tickers.joined(separator: ","), "--universe", "fixed", "--start", start], executable: self.server)
        defer { server.stop() }
        let url = "ws://127.0.0.1:\(server.port)/stocks"
        let clock = try server.clockMapping()
        let topics = tickers.prefix(readerSymbols).flatMap { ["T.\($0)", "Q.\($0)"] }.joined(separator: ",")
        let begin = SystemTime.monotonicNanoseconds()
        let burstTime = begin + Int64(burstAt * 1e9)
        let end = burstTime + Int64(seconds * 1e9)
        let logger = { var l = Logger(label: "tickforge.bench"); l.logLevel = .error; return l }()
        print("\(symbols) symbols from \(start); a reader on T/Q of \(readerSymbols) of them; \(burst.isEmpty ? "no second client" : burst + " subscribed after \(burstAt) s"); measuring \(seconds) s after …")
        fflushStdout()
        let before = FeedLoadClient.Plan(url: url, subscribe: topics, windowStart: begin, windowEnd: burstTime, clock: clock)
        let after = FeedLoadClient.Plan(url: url, subscribe: topics, windowStart: burstTime, windowEnd: end, clock: clock)
        let results = try await withThrowingTaskGroup(of: (String, FeedLoadClient.Result).self) { group in
            group.addTask { ("before", try await FeedLoadClient.run(before, logger: logger)) }
            group.addTask { ("after", try await FeedLoadClient.run(after, logger: logger)) }
            if !self.burst.isEmpty {
                let topics = self.burst
                group.addTask {
                    try? await Task.sleep(nanoseconds: UInt64(max(0, burstTime - SystemTime.monotonicNanoseconds())))
                    let bars = FeedLoadClient.Plan(url: url, subscribe: topics, windowStart: burstTime, windowEnd: end, clock: nil)
                    return ("bars", try await FeedLoadClient.run(bars, logger: logger))
                }
            }
            var out: [String: FeedLoadClient.Result] = [:]
            for try await (name, r) in group { out[name] = r }
            return out
        }
        for name in ["before", "after"] {
            guard let l = results[name]?.latency else { continue }
            print(String(format: "reader %@ the %@ subscription (%llu events): p50 %.2f ms, p99 %.2f ms, p999 %.2f ms, max %.2f ms",
                         name, burst.isEmpty ? "(no)" : burst, l.samples, l.percentile(0.5) / 1000, l.percentile(0.99) / 1000, l.percentile(0.999) / 1000, l.maxMicroseconds / 1000))
        }
        if let bars = results["bars"] {
            print(String(format: "%@ client: %d events in %.0f s (%.0f per second)", self.burst, bars.events, seconds, Double(bars.events) / seconds))
        }
        print("  (event times are whole milliseconds of market time, so each figure may overstate by up to 1 ms)")
    }
}
