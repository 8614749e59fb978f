import ArgumentParser
import Foundation
import Logging
import TickforgeClient

/// Feed readers in a process of their own, started by `bench feed --reader-processes`: scheduled
/// by the kernel as real clients are, apart from the server and from the bench that starts them.
/// Prints one line, the merged result, for the parent to read.
struct ReadersBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readers",
        abstract: "Feed readers in a process of their own (bench feed starts these; not for direct use).",
        shouldDisplay: false
    )

    @Option var url: String
    @Option(help: "One reader per occurrence: its comma-separated topics.") var topics: [String]
    @Option(help: "Monotonic ns at which counting starts.") var windowStart: Int64
    @Option(help: "Monotonic ns at which the readers stop.") var windowEnd: Int64
    @Option var anchorMarketNs: Int64?
    @Option var anchorWallNs: Int64?
    @Option var speed: Double?

    func run() async throws {
        var clock: FeedLoadClient.ClockMapping?
        if let anchorMarketNs, let anchorWallNs, let speed {
            clock = .init(anchorMarketNanoseconds: anchorMarketNs, anchorWallNanoseconds: anchorWallNs, speed: speed)
        }
        let logger = { var l = Logger(label: "tickforge.bench"); l.logLevel = .error; return l }()
        let plans = topics.map { FeedLoadClient.Plan(url: url, subscribe: $0, windowStart: windowStart, windowEnd: windowEnd, clock: clock) }
        let total = try await withThrowingTaskGroup(of: FeedLoadClient.Result.self) { group in
            for plan in plans { group.addTask { try await FeedLoadClient.run(plan, logger: logger) } }
            var total = FeedLoadClient.Result()
            for try await r in group { total.merge(r) }
            return total
        }
        print(Self.line(total))
    }

    /// `events frames bytes endedEarly histogram`.
    static func line(_ r: FeedLoadClient.Result) -> String {
        "\(r.events) \(r.frames) \(r.bytes) \(r.endedEarly ? 1 : 0) \(r.latency.encoded)"
    }

    static func parse(_ line: Substring) -> FeedLoadClient.Result? {
        let f = line.split(separator: " ")
        guard f.count == 5, let events = Int(f[0]), let frames = Int(f[1]), let bytes = Int(f[2]),
              let latency = LatencyHistogram(encoded: String(f[4])) else { return nil }
        var r = FeedLoadClient.Result()
        r.events = events
        r.frames = frames
        r.bytes = bytes
        r.endedEarly = f[3] == "1"
        r.latency = latency
        return r
    }

    /// Runs `readers` (each a topic list) in `processes` children of this executable and merges
    /// what they report.
    static func runInChildren(_ readers: [String], processes: Int, url: String, windowStart: Int64, windowEnd: Int64,
                              clock: FeedLoadClient.ClockMapping?) async throws -> FeedLoadClient.Result {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var children: [(Process, Pipe)] = []
        for p in 0..<processes {
            let mine = stride(from: p, to: readers.count, by: processes).map { readers[$0] }
            guard !mine.isEmpty else { continue }
            var args = ["bench", "readers", "--url", url, "--window-start", String(windowStart), "--window-end", String(windowEnd)]
            if let clock {
                args += ["--anchor-market-ns", String(clock.anchorMarketNanoseconds), "--anchor-wall-ns", String(clock.anchorWallNanoseconds),
                         "--speed", String(clock.speed)]
            }
            for t in mine { args += ["--topics", t] }
            let child = Process(), out = Pipe()
            child.executableURL = exe
            child.arguments = args
            child.standardOutput = out
            try child.run()
            children.append((child, out))
        }
        var total = FeedLoadClient.Result()
        for (child, out) in children {
            // Reading to the end waits for the child, off Swift's pool.
            let data = try await Task.detached { try out.fileHandleForReading.readToEnd() ?? Data() }.value
            child.waitUntilExit()
            let text = String(decoding: data, as: UTF8.self)
            guard let line = text.split(separator: "\n").last, let r = parse(line) else {
                throw CLIError("a reader process reported nothing usable (exit \(child.terminationStatus)): \(text.prefix(200))")
            }
            total.merge(r)
        }
        return total
    }
}
