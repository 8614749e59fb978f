import ArgumentParser
import TickforgeMarket
import TickforgeTools

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print numbers (build with -c release).",
        subcommands: [MarketBench.self, FeedBench.self, BarsBench.self, EncodeBench.self, RESTBench.self, ReadersBench.self]
    )
}

struct MarketBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "market",
        abstract: "Generator throughput (trades + quotes, one core) and the cost of a cold minute."
    )

    @Option(help: "Symbols generated together.")
    var symbols = 20

    @Option(help: "Regular-session minutes per run.")
    var minutes = 30

    @Option(help: "Runs; the median is reported.")
    var repetitions = 5

    @Option(help: "Cold-minute samples.")
    var samples = 2000

    enum Part: String, ExpressibleByArgument, CaseIterable {
        case throughput, path, minute, bars, history
    }

    @Option(help: "Run one part only (for profiling): throughput, path, minute, bars or history.")
    var only: Part?

    func run() throws {
        #if DEBUG
        print("warning: this is a debug build; numbers are meaningless. Use: swift run -c release tickforge bench market")
        #endif
        _ = MarketBenchmark.coldMinute(samples: 50) // warm code paths and caches of the process
        func wanted(_ p: Part) -> Bool { only == nil || only == p }
        if wanted(.throughput) { throughput() }
        if wanted(.path) {
            let path = MarketBenchmark.coldMinute(samples: samples, kinds: [])
            print(String(format: "cold minute path state (day level + hour path + minute path, new market each time, %d samples): median %.1f µs, p90 %.1f µs, p99 %.1f µs",
                         samples, path.percentile(0.5), path.percentile(0.9), path.percentile(0.99)))
        }
        if wanted(.minute) {
            let c = MarketBenchmark.coldMinute(samples: samples)
            print(String(format: "cold minute (AAPL, trades+quotes, new market each time, %d samples, ~%d events): median %.1f µs, p90 %.1f µs, p99 %.1f µs",
                         samples, c.events, c.percentile(0.5), c.percentile(0.9), c.percentile(0.99)))
        }
        if wanted(.bars) {
            let bars = MarketBenchmark.coldMinute(samples: max(20, samples / 50), kinds: .all)
            print(String(format: "cold minute with bars (includes the day's totals so far, from minute summaries): median %.1f µs, p90 %.1f µs",
                         bars.percentile(0.5), bars.percentile(0.9)))
        }
        if wanted(.history) {
            for h in MarketBenchmark.history(samples: max(5, samples / 200)) {
                print(String(format: "history, cold (new market each time, AAPL, always-open, %d samples): %@: median %.2f ms, max %.2f ms (%d bars)",
                             h.milliseconds.count, h.name, h.median, h.worst, h.bars))
            }
        }
    }

    private func throughput() {
        let t = MarketBenchmark.throughput(symbols: symbols, minutes: minutes, repetitions: repetitions)
        let runs = t.seconds.map { String(format: "%.3f", $0) }.joined(separator: " ")
        print("throughput: \(t.events) trade+quote events per run, \(symbols) symbols × \(minutes) min; runs (s): \(runs)")
        print(String(format: "throughput: median %.2f M events/s on one core", t.medianEventsPerSecond / 1e6))
    }
}
