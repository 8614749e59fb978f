import ArgumentParser
import Logging
import TickforgeMarket
import TickforgeTools

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Measure how market-like a `generate` stream is and print a Markdown report.",
        discussion: """
        Reads NDJSON from a file or standard input; it needs trades, quotes and both bar kinds, \
        from the start of the day (04:00 New York in calendar mode) so bars' day totals can be \
        rebuilt. Exits with status 1 when a target is missed. See docs/realism.md for the full command.
        """
    )

    @Argument(help: "NDJSON file; '-' or nothing reads standard input.")
    var input: String?

    @Option(name: .customLong("list-symbols"), help: "Print a comma list of N symbols (built-ins, then derived ones) and exit.")
    var listSymbols: Int?

    func run() throws {
        if let n = listSymbols {
            let builtins = BuiltinProfiles.all.filter { $0.model == .realistic }.map(\.ticker)
            let extra = (0..<max(0, n - builtins.count)).map { "SYN\($0)" }
            print((builtins + extra).prefix(n).joined(separator: ","))
            return
        }
        let logger = Logger(label: "tickforge.analyze")
        let reader = try (input == nil || input == "-") ? LineReader(fd: 0) : LineReader.open(path: input!)
        let analyzer = RealismAnalyzer()
        var lastReport = SystemTime.monotonicNanoseconds()
        try reader.forEachLine { line in
            analyzer.consume(line: line)
            if analyzer.lines & 0xFFFFF == 0 {
                let now = SystemTime.monotonicNanoseconds()
                if now - lastReport > 5 * Timestamp.nanosPerSecond {
                    lastReport = now
                    logger.info("progress", metadata: ["lines": "\(analyzer.lines)"])
                }
            }
        }
        let report = analyzer.report()
        print(report.markdown())
        if analyzer.malformedLines > 0 {
            logger.warning("skipped lines that are not generate events", metadata: ["count": "\(analyzer.malformedLines)"])
        }
        if !report.allPass { throw ExitCode(1) }
    }
}
