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

    @Option(help: "Stop after this many events (frames with --raw; 0 = run until interrupted).")
    var count = 0

    func run() async throws {
        var logger = Logger(label: "tickforge.tail")
        logger.logLevel = .warning
        let printer = TailPrinter(raw: raw, limit: count)
        let ending = try await FeedClient.run(.init(url: url, key: key, subscribe: subscribe), logger: logger) { frame in
            printer.handle(frame)
        }
        if case .serverClosed(let code) = ending {
            throw CLIError("the server closed the connection\(code.map { " (\($0))" } ?? ""); is it running, and is the key accepted?")
        }
    }
}

/// Turns frames into one readable line per event.
final class TailPrinter: @unchecked Sendable {
    let raw: Bool
    let limit: Int
    private var seen = 0

    init(raw: Bool, limit: Int) {
        self.raw = raw
        self.limit = limit
    }

    /// Returns false when the limit is reached.
    func handle(_ frame: String) -> Bool {
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
        case "A", "AM": return "\(time(e["s"])) \(v("ev")) \(sym) o=\(v("o")) h=\(v("h")) l=\(v("l")) c=\(v("c")) v=\(v("v")) vw=\(v("vw")) n≈\(v("z"))"
        default: return "\(e)"
        }
    }
}

/// Flushes standard output, so piped readers (and tests waiting for the banner) see lines at once.
func fflushStdout() { fflush(nil) }
