import Foundation
import TickforgeClient

/// A `tickforge serve` child process, for benchmarks that must measure the server's CPU apart
/// from their own load client's.
final class ServerProcess {
    let process = Process()
    private(set) var port = 0

    /// Starts `tickforge <command> --port 0 <arguments>` (`serve`, or `proxy`) from this same
    /// executable and waits for the banner's port line.
    /// - Parameter executable: another `tickforge` binary to serve (a before/after comparison);
    ///   `nil` runs this one.
    /// - Parameter environment: variables added to this process's own for the child.
    init(command: String = "serve", arguments: [String], executable: String? = nil, environment: [String: String] = [:]) throws {
        process.executableURL = executable.map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [command, "--port", "0"] + arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let stdout = Pipe()
        process.standardOutput = stdout
        // One log line per connection; a benchmark's output should be its numbers.
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while port == 0 {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty {
                guard process.isRunning, Date() < deadline else {
                    throw CLIError("the server did not start (exit status \(process.isRunning ? -1 : process.terminationStatus))")
                }
                continue
            }
            text += String(decoding: chunk, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.contains("listening on port:") }),
               let p = Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") {
                port = p
            }
        }
        // Keep draining the banner pipe so the child never blocks on a full pipe.
        stdout.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
    }

    /// CPU time (user + system) a process has used so far, in seconds, from /proc.
    static func cpuSeconds(pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // Fields after the command name: state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}

extension ServerProcess {
    /// How the server maps market time to wall time, from its `/stats`: a load client turns event
    /// times into due times with it, and so measures latency at any speed.
    func clockMapping() throws -> FeedLoadClient.ClockMapping {
        let stats = try PlainHTTP.get(port: port, path: "/stats")
        guard let object = try JSONSerialization.jsonObject(with: Data(stats.utf8)) as? [String: Any],
              let market = (object["clockAnchorMarketNs"] as? NSNumber)?.int64Value,
              let wall = (object["clockAnchorWallNs"] as? NSNumber)?.int64Value,
              let speed = Double(object["speed"] as? String ?? "") else { throw CLIError("unexpected /stats: \(stats)") }
        return .init(anchorMarketNanoseconds: market, anchorWallNanoseconds: wall, speed: speed)
    }

    /// A number from the server's `/stats`; `nil` if it has none by that name.
    func statistic(_ name: String) throws -> Double? {
        let stats = try PlainHTTP.get(port: port, path: "/stats")
        guard let object = try JSONSerialization.jsonObject(with: Data(stats.utf8)) as? [String: Any] else { throw CLIError("unexpected /stats: \(stats)") }
        return (object[name] as? NSNumber)?.doubleValue
    }
}
