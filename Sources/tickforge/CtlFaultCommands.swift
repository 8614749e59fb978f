import ArgumentParser
import Foundation

/// Which connections a fault acts on, as `ctl drop|close|mute` take them.
struct FaultTargetOptions: ParsableArguments {
    @Argument(help: "Connection ids, e.g. c3 (ctl connections lists them).") var ids: [String] = []
    @Flag(help: "Every open connection.") var all = false
    @Option(help: "Every connection of a dialect: polygon or alpaca.") var dialect: String?
    @Option(help: "Every connection on a path, e.g. /v2/iex.") var path: String?
    @Option(help: "Every connection authenticated with a key.") var key: String?
    @Option(help: "When it takes effect, in market time (RFC 3339, New York time, or +30s). Default: now.") var at: String?

    /// The request's target and time. Faults that wait for upgrades or authentications (reject,
    /// auth-fail, connection-limit) reach every connection when none is named.
    func fields(targetRequired: Bool = true) throws -> [String: Any] {
        var f: [String: Any] = [:]
        if all { f["connections"] = "all" } else if !ids.isEmpty { f["connections"] = ids }
        if let dialect { f["dialect"] = dialect }
        if let path { f["path"] = path }
        if let key { f["key"] = key }
        guard !f.isEmpty || !targetRequired else { throw CLIError("name the connections: ids such as c3, --all, or --dialect/--path/--key") }
        if let at { f["at"] = at }
        return f
    }
}

/// How long a lasting fault lasts.
struct FaultDurationOptions: ParsableArguments {
    @Option(name: .customLong("for"), help: "How long, in market time (30s, 5m); default: until ctl end-fault ID.") var duration: String?
    func apply(to body: inout [String: Any]) { if let duration { body["for"] = duration } }
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
        @OptionGroup var duration: FaultDurationOptions
        func run() throws {
            var body = try target.fields()
            body["kind"] = "mute"
            duration.apply(to: &body)
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
        @OptionGroup var duration: FaultDurationOptions
        func run() throws {
            var body = try target.fields()
            body["kind"] = "disconnect-after"
            body["seconds"] = seconds
            duration.apply(to: &body)
            try CtlCommand.postFault(options, body)
        }
    }

    struct Slow: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cap the bytes per second connections get: the backlog grows into the dialect's slow-consumer path (slow_consumer, 407)."
        )
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @OptionGroup var target: FaultTargetOptions
        @Option(name: .customLong("bytes-per-second"), help: "The cap, e.g. 2000.") var bytesPerSecond: Double
        @OptionGroup var duration: FaultDurationOptions
        func run() throws {
            var body = try target.fields()
            body["kind"] = "slow"
            body["bytesPerSecond"] = bytesPerSecond
            duration.apply(to: &body)
            try CtlCommand.postFault(options, body)
        }
    }

    struct Latency: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hold each frame to connections for ms ± jitter-ms (the jitter is seeded: runs repeat).")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @OptionGroup var target: FaultTargetOptions
        @Option(help: "Milliseconds each frame is held, up to 4000.") var ms: Double
        @Option(name: .customLong("jitter-ms"), help: "Up to this many milliseconds more or less, drawn per frame.") var jitterMs: Double?
        @Option(help: "Picks the jitter; the same seed gives the same delays.") var seed: Int?
        @OptionGroup var duration: FaultDurationOptions
        func run() throws {
            var body = try target.fields()
            body["kind"] = "latency"
            body["ms"] = ms
            if let jitterMs { body["jitterMs"] = jitterMs }
            if let seed { body["seed"] = seed }
            duration.apply(to: &body)
            try CtlCommand.postFault(options, body)
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Answer the next upgrade requests with HTTP 429 or 503, before the upgrade.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Flag(help: "Every upgrade (the default).") var all = false
        @Option(help: "Only upgrades of a dialect: polygon or alpaca.") var dialect: String?
        @Option(help: "Only upgrades on a path, e.g. /v2/iex.") var path: String?
        @Option(help: "When it takes effect (market time). Default: now.") var at: String?
        @Option(help: "How many upgrades to refuse. Default: 1.") var count: Int?
        @Option(help: "429 or 503. Default: 429.") var status: Int?
        @OptionGroup var duration: FaultDurationOptions
        func run() throws {
            var body: [String: Any] = ["kind": "reject"]
            if let dialect { body["dialect"] = dialect }
            if let path { body["path"] = path }
            if all || (dialect == nil && path == nil) { body["connections"] = "all" }
            if let at { body["at"] = at }
            if let count { body["count"] = count }
            if let status { body["status"] = status }
            duration.apply(to: &body)
            try CtlCommand.postFault(options, body)
        }
    }

    struct AuthFail: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "auth-fail",
            abstract: "Fail the next authentications with the dialect's own failure (auth_failed, 402), even with a valid key."
        )
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @OptionGroup var target: FaultTargetOptions
        @Option(help: "How many authentications to fail. Default: 1.") var count: Int?
        @OptionGroup var duration: FaultDurationOptions
        func run() throws {
            var body = try target.fields(targetRequired: false)
            body["kind"] = "auth-fail"
            if let count { body["count"] = count }
            duration.apply(to: &body)
            try CtlCommand.postFault(options, body)
        }
    }

    struct ConnectionLimit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "connection-limit",
            abstract: "Change the connections allowed per key while it lasts: Polygon evicts the oldest, Alpaca refuses the newcomer (406)."
        )
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @OptionGroup var target: FaultTargetOptions
        @Option(help: "Connections per key, e.g. 1.") var limit: Int
        @OptionGroup var duration: FaultDurationOptions
        func run() throws {
            var body = try target.fields(targetRequired: false)
            body["kind"] = "connection-limit"
            body["limit"] = limit
            duration.apply(to: &body)
            try CtlCommand.postFault(options, body)
        }
    }

    struct EndFault: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "end-fault",
            abstract: "End a lasting fault now, or call off one still to come (by its fault id, e.g. f2).",
            aliases: ["unmute"]
        )
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
        let parameters = ["code", "reason", "bytesPerSecond", "ms", "jitterMs", "seconds", "status", "count", "used", "limit"]
            .compactMap { k in f[k].map { " \(k)=\($0)" } }.joined()
        let reached = (f["appliedTo"] as? [String] ?? [])
        return [f["id"] as? String ?? "?", f["kind"] as? String ?? "?", f["state"] as? String ?? "", span, target].joined(separator: "  ")
            + parameters + "  reached " + (reached.isEmpty ? "none" : reached.joined(separator: ","))
    }
}
