import ArgumentParser
import Foundation

/// Which connections a fault acts on, as `ctl drop|close|mute` take them.
struct FaultTargetOptions: ParsableArguments {
    @Argument(help: "Connection ids, e.g. c3 (ctl connections lists them).") var ids: [String] = []
    @Flag(help: "Every open connection.") var all = false
    @Option(help: "Every connection of a dialect: polygon or alpaca.") var dialect: String?
    @Option(help: "Every connection on a path, e.g. /v2/iex.") var path: String?
    @Option(help: "Every connection authenticated with a key.") var key: String?

    func fields() throws -> [String: Any] {
        var f: [String: Any] = [:]
        if all { f["connections"] = "all" } else if !ids.isEmpty { f["connections"] = ids }
        if let dialect { f["dialect"] = dialect }
        if let path { f["path"] = path }
        if let key { f["key"] = key }
        guard !f.isEmpty else { throw CLIError("name the connections: ids such as c3, --all, or --dialect/--path/--key") }
        return f
    }
}

extension CtlCommand {
    /// Posts a fault and prints what it reached.
    static func postFault(_ options: CtlOptions, _ body: [String: Any]) throws {
        let answer = try options.call("POST", "/control/faults", body: body)
        options.show(answer) { "posted " + CtlText.fault($0 as? [String: Any] ?? [:]) }
    }

    struct Drop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Drop connections with a TCP reset and no close frame, as the vendors' servers do.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @OptionGroup var target: FaultTargetOptions
        func run() throws { try CtlCommand.postFault(options, try target.fields().merging(["kind": "drop"]) { a, _ in a }) }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close connections with a close frame: a code (default 1011) and a reason.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @OptionGroup var target: FaultTargetOptions
        @Option(help: "The close code, e.g. 1001, 1008, 1011 or 4000.") var code: Int?
        @Option(help: "The close reason (at most 123 bytes).") var reason: String?
        func run() throws {
            var body = try target.fields()
            body["kind"] = "close"
            if let code { body["code"] = code }
            if let reason { body["reason"] = reason }
            try CtlCommand.postFault(options, body)
        }
    }

    struct Mute: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mute connections: they stay open and answer pings, but are sent nothing.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @OptionGroup var target: FaultTargetOptions
        @Option(name: .customLong("for"), help: "How long, in market time (30s, 5m); default: until ctl unmute.") var duration: String?
        func run() throws {
            var body = try target.fields()
            body["kind"] = "mute"
            if let duration { body["for"] = duration }
            try CtlCommand.postFault(options, body)
        }
    }

    struct DisconnectAfter: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "disconnect-after",
            abstract: "Drop each matching connection some seconds after it authenticates, again after every reconnect, while the fault lasts."
        )
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @OptionGroup var target: FaultTargetOptions
        @Option(help: "Seconds (real time) from authentication to the drop, e.g. 30.") var seconds: Double
        @Option(name: .customLong("for"), help: "How long the fault lasts, in market time (10m); default: until ctl unmute ID.") var duration: String?
        func run() throws {
            var body = try target.fields()
            body["kind"] = "disconnect-after"
            body["seconds"] = seconds
            if let duration { body["for"] = duration }
            try CtlCommand.postFault(options, body)
        }
    }

    struct Unmute: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a lasting fault now, a mute or a disconnect-after (by its fault id, e.g. f2).")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "The fault's id (ctl faults lists them).") var id: String
        func run() throws {
            let answer = try options.call("DELETE", "/control/faults/" + CtlOptions.pathSegment(id))
            options.show(answer) { "ended " + CtlText.fault($0 as? [String: Any] ?? [:]) }
        }
    }

    struct Faults: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the session's connection faults.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        func run() throws {
            let answer = try options.call("GET", "/control/faults")
            options.show(answer) { answer in
                let list = (answer as? [String: Any])?["faults"] as? [[String: Any]] ?? []
                return list.isEmpty ? "no faults" : list.map(CtlText.fault).joined(separator: "\n")
            }
        }
    }
}

extension CtlText {
    /// `f2  mute  active  2026-11-23T15:00:03Z → 2026-11-23T15:00:33Z  dialect=alpaca  reached c3,c5`
    static func fault(_ f: [String: Any]) -> String {
        let target: String
        if let ids = f["connections"] as? [String] { target = ids.joined(separator: ",") }
        else if let all = f["connections"] as? String { target = all }
        else { target = ["dialect", "path", "key"].compactMap { k in (f[k] as? String).map { "\(k)=\($0)" } }.joined(separator: " ") }
        let span = "\(f["at"] as? String ?? "?")" + ((f["until"] as? String).map { " → \($0)" } ?? "")
        let close = (f["code"]).map { " code=\($0)" + ((f["reason"] as? String).map { " reason=\($0)" } ?? "") } ?? ""
        let reached = (f["appliedTo"] as? [String] ?? [])
        return [f["id"] as? String ?? "?", f["kind"] as? String ?? "?", f["state"] as? String ?? "", span, target].joined(separator: "  ")
            + close + "  reached " + (reached.isEmpty ? "none" : reached.joined(separator: ","))
    }
}
