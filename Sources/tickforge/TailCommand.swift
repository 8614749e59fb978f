import ArgumentParser
import Foundation
import Logging
import TickforgeClient

struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Connect to a Polygon/Massive-style feed and print what arrives.",
        discussion: "Example: tickforge tail ws://127.0.0.1:8765/stocks --key demo --subscribe T.AAPL,Q.AAPL"
    )

    @Argument(help: "Feed URL, e.g. ws://127.0.0.1:8765/stocks")
    var url: String

    @Option(help: "API key.")
    var key = "demo"

    @Option(help: "Comma list of subscriptions, e.g. T.AAPL,Q.AAPL,AM.*")
    var subscribe: String

    @Flag(help: "Print frames exactly as received.")
    var raw = false

    @Option(help: "Stop after this many events (frames with --raw; 0 = run until interrupted). Default: 0.")
    var count = 0

    @Flag(name: .customLong("no-reconnect"), help: "Exit when the server goes away, instead of reconnecting with backoff as the official clients do.")
    var noReconnect = false

    func run() async throws {
        var logger = Logger(label: "tickforge.tail")
        logger.logLevel = .critical
        let printer = TailPrinter(raw: raw, limit: count)
        var backoff = Backoff()
        while true {
            let why: String
            do {
                let ending = try await FeedClient.run(.init(url: url, key: key, subscribe: subscribe), logger: logger) { frame in
                    printer.handle(frame)
                }
                if ending == .stopped { return }
                if printer.authenticationFailed {
                    throw CLIError("the server refused the key '\(key)': pass one it accepts with --key (see its --api-key)")
                }
                if case .serverClosed(let code) = ending { why = "the server went away\(code.map { " (close code \($0))" } ?? "")" } else { why = "the server went away" }
            } catch let error as CLIError {
                throw error
            } catch {
                let text = "\(error)"
                if text.contains("errno: 111") || text.contains("refused") {
                    why = "no server at \(url): start one with `tickforge serve`"
                } else if text.contains("errno: 104") || text.contains("reset by peer") {
                    why = "the server went away (connection reset)"
                } else {
                    why = "the connection to \(url) was lost (\(text))"
                }
            }
            if printer.receivedData { backoff.reset() }
            printer.receivedData = false
            if noReconnect { throw CLIError(why) }
            let delay = backoff.next()
            FileHandle.standardError.write(Data("tail: \(why); reconnecting in \(String(format: "%.1f", delay)) s (--no-reconnect to exit)\n".utf8))
            try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
        }
    }
}

/// Exponential backoff with jitter, as the official clients reconnect: 0.5 s doubling to 30 s.
struct Backoff {
    private var attempt = 0
    private var jitter = SystemRandomNumberGenerator()

    mutating func next() -> Double {
        let base = min(30, 0.5 * Double(1 << min(attempt, 6)))
        attempt += 1
        return base * Double.random(in: 0.8...1.2, using: &jitter)
    }

    mutating func reset() { attempt = 0 }
}

/// Turns frames into one readable line per event.
final class TailPrinter: @unchecked Sendable {
    let raw: Bool
    let limit: Int
    private var seen = 0
    /// Whether the current connection brought any data, and whether the server refused the key.
    var receivedData = false
    private(set) var authenticationFailed = false

    init(raw: Bool, limit: Int) {
        self.raw = raw
        self.limit = limit
    }

    /// Returns false when the limit is reached.
    func handle(_ frame: String) -> Bool {
        if frame.contains(#""status":"auth_failed""#) { authenticationFailed = true }
        if !frame.hasPrefix(#"[{"ev":"status""#) { receivedData = true }
        if raw {
            print(frame)
            if !frame.hasPrefix(#"[{"ev":"status""#) { seen += 1 }
            fflushStdout()
            return limit == 0 || seen < limit
        }
        guard let items = (try? JSONSerialization.jsonObject(with: Data(frame.utf8))) as? [[String: Any]] else {
            print("? \(frame)")
            return true
        }
        for item in items {
            print(Self.line(item))
            if (item["ev"] as? String) != "status" { seen += 1 }
            if limit > 0, seen >= limit { fflushStdout(); return false }
        }
        fflushStdout()
        return true
    }

    static func time(_ ms: Any?) -> String {
        guard let ms = (ms as? NSNumber)?.int64Value else { return "-" }
        let f = DateFormatter()
        f.dateFormat = "HH:mm:ss.SSS"
        f.timeZone = TimeZone(identifier: "America/New_York") ?? TimeZone(secondsFromGMT: -5 * 3600)
        return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    static func line(_ e: [String: Any]) -> String {
        let sym = (e["sym"] as? String ?? "").padding(toLength: 6, withPad: " ", startingAt: 0)
        func v(_ k: String) -> String { e[k].map { "\($0)" } ?? "-" }
        switch e["ev"] as? String {
        case "status": return "status  \(v("status")): \(v("message"))"
        case "T":
            let conditions = (e["c"] as? [Any]).map { " c=" + $0.map { "\($0)" }.joined(separator: ",") } ?? ""
            return "\(time(e["t"])) T  \(sym) \(v("s")) @ \(v("p"))  x=\(v("x"))\(conditions) id=\(v("i"))"
        case "Q": return "\(time(e["t"])) Q  \(sym) \(v("bs")) × \(v("bp"))  /  \(v("ap")) × \(v("as"))"
        case "A", "AM": return "\(time(e["s"])) \(v("ev")) \(sym) o=\(v("o")) h=\(v("h")) l=\(v("l")) c=\(v("c")) v=\(v("v")) vw=\(v("vw")) avg size=\(v("z"))"
        case "LULD":
            // LULD carries `T`, not `sym`, and its time in nanoseconds.
            let ticker = (e["T"] as? String ?? "").padding(toLength: 6, withPad: " ", startingAt: 0)
            let indicators = (e["i"] as? [Any] ?? []).map { "\($0)" }
            let meaning = indicators.contains("17") ? "  (trading halted or paused)" : indicators.contains("18") ? "  (reopening)" : ""
            let ms = (e["t"] as? NSNumber).map { $0.int64Value / 1_000_000 }
            return "\(time(ms)) LULD \(ticker) up=\(v("h")) down=\(v("l")) i=\(indicators.joined(separator: ","))\(meaning)"
        default: return "\(e)"
        }
    }
}

/// Flushes standard output, so piped readers (and tests waiting for the banner) see lines at once.
func fflushStdout() { fflush(nil) }
