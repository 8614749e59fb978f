import ArgumentParser
import Foundation

extension CtlCommand {
    struct Journal: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the connection journal: what each client sent, and each connection's life (upgraded, authenticated, subscribed, dropped…).",
            discussion: "With --follow it keeps printing new entries as they come, until interrupted (Ctrl-C)."
        )
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Option(help: "Only these connections, e.g. c3 or c3,c4.") var connection: String?
        @Option(help: "Only these kinds, e.g. subscribed,dropped (upgraded, rejected, received, authenticated, refused, subscribed, unsubscribed, fault, dropped, closed).") var kind: String?
        @Option(help: "Only entries recorded at or after this time (wall clock; RFC 3339, New York time without an offset).") var since: String?
        @Option(help: "Only entries after this sequence number.") var after: UInt64?
        @Option(help: "At most this many entries per request. Default: 1000.") var limit: Int?
        @Flag(help: "Keep printing new entries as they come.") var follow = false
        @Flag(help: "Clear the journal instead (DELETE /control/journal).") var clear = false

        func run() throws {
            if clear {
                let answer = try options.call("DELETE", "/control/journal")
                options.show(answer) { "cleared \(((($0 as? [String: Any])?["cleared"]) as? Int) ?? 0) entries" }
                return
            }
            var cursor = after
            repeat {
                let answer = try options.call("GET", "/control/journal" + query(after: cursor))
                let object = answer as? [String: Any] ?? [:]
                let entries = object["entries"] as? [[String: Any]] ?? []
                if options.json {
                    options.show(answer) { _ in "" }
                } else {
                    for e in entries { print(CtlText.journalLine(e)) }
                    if entries.isEmpty && !follow { print("no entries") }
                }
                fflushStdout()
                let next = (object["next"] as? NSNumber)?.uint64Value ?? cursor ?? 0
                let full = entries.count >= (limit ?? 1000)
                cursor = next
                // A full page means more are waiting: ask again at once.
                if follow && !full { Thread.sleep(forTimeInterval: 0.25) }
            } while follow
        }

        private func query(after: UInt64?) -> String {
            var items: [URLQueryItem] = []
            if let connection { items.append(.init(name: "connection", value: connection)) }
            if let kind { items.append(.init(name: "kind", value: kind)) }
            if let since, after == nil { items.append(.init(name: "since", value: since)) }
            if let after { items.append(.init(name: "after", value: String(after))) }
            if let limit { items.append(.init(name: "limit", value: String(limit))) }
            guard !items.isEmpty else { return "" }
            var c = URLComponents()
            c.queryItems = items
            // `+` in an offset would read as a space.
            return "?" + (c.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        }
    }
}

extension CtlText {
    /// `#12  2026-12-02T03:10:05.120Z  c3  subscribed  channel=T symbol=AAPL topic=T.AAPL`
    static func journalLine(_ e: [String: Any]) -> String {
        let fixed: Set<String> = ["seq", "time", "marketTime", "connection", "kind"]
        let rest = e.keys.filter { !fixed.contains($0) }.sorted().map { k -> String in
            let v = e[k]!
            // Headers and such: how many; --json shows them whole.
            if let nested = v as? [String: Any] { return "\(k)={\(nested.count) fields}" }
            return "\(k)=\(v)"
        }
        return ["#\(e["seq"] ?? "?")", "\(e["time"] ?? "?")", "\(e["connection"] ?? "?")", "\(e["kind"] ?? "?")"].joined(separator: "  ")
            + (rest.isEmpty ? "" : "  " + rest.joined(separator: " "))
    }
}
