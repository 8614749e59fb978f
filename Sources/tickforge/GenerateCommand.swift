import ArgumentParser
import Logging
import TickforgeMarket
import TickforgeTools

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write the market's events for a window as NDJSON, as fast as possible.",
        discussion: """
        Every line is one event with a "kind" field (trade, quote, second_bar, minute_bar); all \
        timestamps are nanoseconds since the epoch. Events are in time order across symbols.

        Example: tickforge generate --symbols AAPL,NVDA --start 2026-11-23T09:30:00-05:00 --duration 5m --kinds trade,quote
        """
    )

    @OptionGroup var market: MarketOptions

    @Option(help: "Window start: 2026-11-23T09:30:00-05:00, or New York time without an offset (2026-11-23T09:30), or a date (New York midnight). Default: the current minute.")
    var start: String?

    @Option(help: "Window end (exclusive), in the same forms as --start. Overrides --duration.")
    var end: String?

    @Option(help: "Window length when --end is not given: 90s, 15m, 6.5h, 1d.")
    var duration: String = "1m"

    @Option(help: "Event kinds: trade,quote,second_bar,minute_bar (or bars, all).")
    var kinds: String = "all"

    @Option(name: [.short, .long], help: "Output file (gzip if the name ends in .gz). Default: standard output.")
    var output: String?

    @Flag(help: "Suppress progress on standard error.")
    var quiet = false

    func run() throws {
        let resolved = try market.resolve()
        guard let kindSet = EventKinds(parsing: kinds) else {
            throw CLIError("--kinds must list trade, quote, second_bar, minute_bar, bars or all; got '\(kinds)'")
        }
        let startTime = try start.map { try parseInstant($0, flag: "--start") }
            ?? Timestamp(nanoseconds: SystemTime.now().minuteIndex * Timestamp.nanosPerMinute)
        let endTime: Timestamp
        if let end {
            endTime = try parseInstant(end, flag: "--end")
        } else {
            guard let d = parseDuration(duration) else { throw CLIError("--duration must look like 90s, 15m, 6.5h or 1d; got '\(duration)'") }
            endTime = startTime + d
        }
        guard endTime > startTime else { throw CLIError("--end must be after --start") }

        var logger = Logger(label: "tickforge.generate")
        logger.logLevel = quiet ? .warning : .info
        let year = NewYorkTime.date(of: startTime).year
        if resolved.configuration.marketHours == .calendar, !NYSECalendar.hasPublishedSchedule(for: year) {
            logger.warning("no NYSE holiday list for this year; only weekends are closed", metadata: ["year": "\(year)"])
        }

        let sink = try output.map { try OutputSink.file($0) } ?? OutputSink.standardOutput()
        let generator = NDJSONGenerator(configuration: resolved.configuration, symbols: resolved.symbols)
        logger.info("generating", metadata: [
            "symbols": "\(resolved.symbols.count)", "start": "\(startTime)", "end": "\(endTime)",
            "seed": "\(resolved.configuration.seed)", "market-hours": "\(resolved.configuration.marketHours.rawValue)",
        ])
        let began = SystemTime.monotonicNanoseconds()
        var lastReport = began
        let count = try generator.write(window: startTime..<endTime, kinds: kindSet, to: sink) { progressTime, events in
            let now = SystemTime.monotonicNanoseconds()
            guard now - lastReport > 2 * Timestamp.nanosPerSecond else { return }
            lastReport = now
            let done = Double(progressTime - startTime) / Double(endTime - startTime) * 100
            logger.info("progress", metadata: ["market-time": "\(progressTime)", "percent": "\(Int(done))", "events": "\(events)"])
        }
        try sink.flush()
        let seconds = Double(SystemTime.monotonicNanoseconds() - began) / 1e9
        logger.info("done", metadata: [
            "events": "\(count)", "seconds": "\(String(format: "%.2f", seconds))",
            "events-per-second": "\(Int(Double(count) / max(seconds, 1e-9)))", "bytes": "\(sink.bytesWritten)",
        ])
    }
}
