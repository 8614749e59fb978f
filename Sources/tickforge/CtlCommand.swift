import ArgumentParser
import Foundation
import TickforgeClient

/// `tickforge ctl`: a thin client of a running server's control API.
struct CtlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Trigger scenarios on a running server (halt, gap, push a tick, force the session) and steer its clock.",
        discussion: """
        Every subcommand is one call to the control API (GET /control/openapi.json describes it). \
        Times (--at, --jump) are RFC 3339, New York time without an offset, or relative such as +30s; \
        durations (--for) are 90s, 5m, 1h.
        """,
        subcommands: [
            Halt.self, Resume.self, Gap.self, Volatility.self, Liquidity.self, Burst.self, Trend.self, Stale.self,
            Limit.self, Session.self, Push.self, Cancel.self, Correct.self,
            List.self, Remove.self, Reset.self, Timeline.self, Run.self, Clock.self, State.self, Connections.self,
            Drop.self, Close.self, Mute.self, Slow.self, Latency.self, DisconnectAfter.self, Reject.self, AuthFail.self,
            ConnectionLimit.self, EndFault.self, Faults.self, Journal.self,
        ]
    )

    /// `--url`, `--token` and `--json` may come before the subcommand or after it.
    @OptionGroup var options: CtlOptions
}

/// Where the server is, and how to show its answers.
struct CtlOptions: ParsableArguments {
    @Option(help: "The server (env TICKFORGE_URL). Default: http://127.0.0.1:8765.")
    var url: String?

    @Option(help: "The control token the server was started with (env TICKFORGE_CONTROL_TOKEN).")
    var token: String?

    @Flag(help: "Print the server's JSON answer as it is.")
    var json = false

    /// These options, with what was not given here taken from `outer` (the parent command's).
    func over(_ outer: CtlOptions) -> CtlOptions {
        var merged = self
        merged.url = url ?? outer.url
        merged.token = token ?? outer.token
        merged.json = json || outer.json
        return merged
    }

    /// Sends a request and returns the JSON answer; an error answer becomes a `CLIError` in the
    /// server's words, with what to do.
    func call(_ method: String, _ path: String, body: Any? = nil, rawBody: [UInt8]? = nil, contentType: String = "application/json") throws -> Any {
        let target = url ?? MarketOptions.environment("TICKFORGE_URL") ?? "http://127.0.0.1:8765"
        let endpoint: PlainHTTP.Endpoint
        do { endpoint = try PlainHTTP.Endpoint(url: target) } catch { throw CLIError(error.description) }
        var headers: [(String, String)] = []
        if let token = token ?? MarketOptions.environment("TICKFORGE_CONTROL_TOKEN") { headers.append(("Authorization", "Bearer \(token)")) }
        var bytes: [UInt8] = rawBody ?? []
        if let body {
            bytes = Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        }
        if !bytes.isEmpty || method == "POST" { headers.append(("Content-Type", contentType)) }
        let response: PlainHTTP.Response
        do {
            response = try PlainHTTP.request(endpoint, method: method, path: path, headers: headers, body: bytes)
        } catch where error.unreachable {
            throw CLIError("no server at \(endpoint): start one with `tickforge serve`, or pass --url (env TICKFORGE_URL)")
        } catch {
            throw CLIError(error.description)
        }
        let answer = try? JSONSerialization.jsonObject(with: Data(response.body.utf8), options: [.fragmentsAllowed])
        guard (200..<300).contains(response.status) else {
            let message = (answer as? [String: Any])?["error"] as? String ?? response.body.trimmingCharacters(in: .whitespacesAndNewlines)
            switch response.status {
            case 401: throw CLIError("\(message)\n(pass --token, or set TICKFORGE_CONTROL_TOKEN)")
            case 404 where message.isEmpty: throw CLIError("\(endpoint) has no control API: is it a Tickforge server started without --control off?")
            default: throw CLIError(message.isEmpty ? "the server answered \(response.status)" : message)
            }
        }
        guard let answer else { throw CLIError("the server answered \(response.status) with something other than JSON") }
        return answer
    }

    /// Prints an answer: as JSON with `--json`, else with `readable`.
    /// An id as one segment of a request path: a `/` or a space in it cannot change the route.
    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
    }

    func show(_ answer: Any, _ readable: (Any) -> String) {
        if json, let data = try? JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys, .prettyPrinted, .fragmentsAllowed]) {
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(readable(answer))
        }
    }
}

/// When and for how long, as most scenario subcommands take them.
struct WhenOptions: ParsableArguments {
    @Option(help: "When it starts: +30s, or an instant. Default: now.")
    var at: String?

    @Option(name: .customLong("for"), help: "How long it lasts: 90s, 5m, 1h. Default: until ended (ctl rm ID).")
    var duration: String?

    func fields() -> [String: Any] {
        var out: [String: Any] = [:]
        if let at { out["at"] = at }
        if let duration { out["for"] = duration }
        return out
    }
}

/// Adds one scenario and prints it.
protocol ScenarioSubcommand: ParsableCommand {
    var options: CtlOptions { get }
    func scenario() throws -> [String: Any]
}

extension ScenarioSubcommand {
    func run() throws {
        let answer = try options.call("POST", "/control/scenarios", body: try scenario())
        options.show(answer) { answer in
            guard let object = answer as? [String: Any] else { return "\(answer)" }
            if let resumed = object["resumed"] as? [[String: Any]] { return resumed.map { "resumed " + CtlText.line($0) }.joined(separator: "\n") }
            return "added " + CtlText.line(object)
        }
    }
}

extension CtlCommand {
    struct Halt: ScenarioSubcommand {
        static let configuration = CommandConfiguration(abstract: "Halt a symbol: trading stops, statuses and LULD indicators go out, a reopening print on resume.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "The symbol.") var symbol: String
        @OptionGroup var when: WhenOptions
        @Option(help: "LUDP (volatility pause), T1 (news pending), H10 (SEC), M (LULD pause, tapes A/B). Default: LUDP for Nasdaq-listed, M otherwise.")
        var reason: String?
        @Option(name: .customLong("reopen-percent"), help: "Where the reopening print lands, in percent from the last price.")
        var reopenPercent: Double?
        func scenario() throws -> [String: Any] {
            var s = when.fields()
            s["kind"] = "halt"; s["symbol"] = symbol
            if let reason { s["reason"] = reason }
            if let reopenPercent { s["reopenPercent"] = reopenPercent }
            return s
        }
    }

    struct Resume: ScenarioSubcommand {
        static let configuration = CommandConfiguration(abstract: "End a symbol's halt early.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "The symbol.") var symbol: String
        @Option(help: "When: +30s, or an instant. Default: now.") var at: String?
        func scenario() throws -> [String: Any] {
            var s: [String: Any] = ["kind": "resume", "symbol": symbol]
            if let at { s["at"] = at }
            return s
        }
    }

    struct Gap: ScenarioSubcommand {
        static let configuration = CommandConfiguration(abstract: "Move a symbol by a percentage (-8%) or to a price (180.50); the path carries on from there.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "The symbol.") var symbol: String
        // Captures "-8%", which would otherwise read as an option.
        @Argument(parsing: .allUnrecognized, help: "-8% or +5% for a percentage, 180.50 for a price.") var changes: [String] = []
        @OptionGroup var when: WhenOptions
        func scenario() throws -> [String: Any] {
            guard changes.count == 1, let change = changes.first else { throw CLIError("gap takes SYMBOL CHANGE, e.g. gap AAPL -8% or gap AAPL 180.50") }
            var s = when.fields()
            s["kind"] = "gap"; s["symbol"] = symbol
            if change.hasSuffix("%") {
                guard let p = Double(change.dropLast().replacingOccurrences(of: "+", with: "")) else { throw CLIError("'\(change)' is not a percentage such as -8% or +5%") }
                s["percent"] = p
            } else {
                guard let p = Double(change), p > 0 else { throw CLIError("'\(change)' is not a price such as 180.50, nor a percentage such as -8%") }
                s["price"] = p
            }
            return s
        }
    }

    struct Volatility: ScenarioSubcommand {
        static let configuration = CommandConfiguration(abstract: "Make a symbol's price moves MULTIPLIER times larger.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "The symbol.") var symbol: String
        @Argument(help: "e.g. 3") var multiplier: Double
        @OptionGroup var when: WhenOptions
        func scenario() throws -> [String: Any] {
            var s = when.fields()
            s["kind"] = "volatility"; s["symbol"] = symbol; s["multiplier"] = multiplier
            return s
        }
    }

    struct Liquidity: ScenarioSubcommand {
        static let configuration = CommandConfiguration(abstract: "Make a symbol's trades and quotes MULTIPLIER times as frequent (0.1 for a thin market).")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "The symbol.") var symbol: String
        @Argument(help: "e.g. 5, or 0.1") var multiplier: Double
        @OptionGroup var when: WhenOptions
        func scenario() throws -> [String: Any] {
            var s = when.fields()
            s["kind"] = "liquidity"; s["symbol"] = symbol; s["multiplier"] = multiplier
            return s
        }
    }

    struct Burst: ScenarioSubcommand {
        static let configuration = CommandConfiguration(abstract: "A burst of traffic on a symbol: liquidity ×10 for 10 s unless told otherwise.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "The symbol.") var symbol: String
        @Option(help: "Default: 10.") var multiplier: Double?
        @OptionGroup var when: WhenOptions
        func scenario() throws -> [String: Any] {
            var s = when.fields()
            s["kind"] = "burst"; s["symbol"] = symbol
            if let multiplier { s["multiplier"] = multiplier }
            return s
        }
    }

    struct Trend: ScenarioSubcommand {
        static let configuration = CommandConfiguration(abstract: "A steady drift, in percent per hour (negative: down).")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "The symbol.") var symbol: String
        // Captures "-1.5", which would otherwise read as an option.
        @Argument(parsing: .allUnrecognized, help: "Percent per hour, e.g. 2 or -1.5") var rates: [String] = []
        @OptionGroup var when: WhenOptions
        func scenario() throws -> [String: Any] {
            guard rates.count == 1, let rate = Double(rates[0]) else { throw CLIError("trend takes SYMBOL PERCENT_PER_HOUR, e.g. trend AAPL 2 or trend AAPL -1.5") }
            var s = when.fields()
            s["kind"] = "trend"; s["symbol"] = symbol; s["percentPerHour"] = rate
            return s
        }
    }

    struct Stale: ScenarioSubcommand {
        static let configuration = CommandConfiguration(abstract: "Silence a symbol: nothing at all is sent for it, and no status says why.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "The symbol.") var symbol: String
        @OptionGroup var when: WhenOptions
        func scenario() throws -> [String: Any] {
            var s = when.fields()
            s["kind"] = "stale"; s["symbol"] = symbol
            return s
        }
    }

    struct Limit: ScenarioSubcommand {
        static let configuration = CommandConfiguration(abstract: "Drive a symbol to its LULD band (up or down); after 15 s there, a 5-minute LUDP pause.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "The symbol.") var symbol: String
        @Argument(help: "up or down") var direction: String
        @Option(help: "When: +30s, or an instant. Default: now.") var at: String?
        func scenario() throws -> [String: Any] {
            var s: [String: Any] = ["kind": "limit", "symbol": symbol, "direction": direction]
            if let at { s["at"] = at }
            return s
        }
    }

    struct Session: ScenarioSubcommand {
        static let configuration = CommandConfiguration(abstract: "Force the whole market's session: open, closed, pre, after; or back to calendar or always-open.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "open, closed, pre, after, calendar or always-open") var phase: String
        @OptionGroup var when: WhenOptions
        func scenario() throws -> [String: Any] {
            var s = when.fields()
            s["kind"] = "session"; s["phase"] = phase
            return s
        }
    }

    struct Push: ScenarioSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Push one exact tick: push trade SYMBOL PRICE SIZE, or push quote SYMBOL BID ASK.",
            discussion: "It goes out as given on every dialect that subscribes to the symbol, and counts in bars."
        )
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "trade or quote") var event: String
        @Argument(help: "The symbol.") var symbol: String
        @Argument(help: "trade: PRICE SIZE; quote: BID ASK") var values: [String]
        @Option(help: "A trade's exchange id. Default: the listing market.") var exchange: Int?
        @Option(help: "A trade's condition codes, comma-separated, e.g. 14,41.") var conditions: String?
        @Option(name: .customLong("bid-size")) var bidSize: Int?
        @Option(name: .customLong("ask-size")) var askSize: Int?
        @Flag(name: .customLong("move-market"), help: "Also move the symbol's price to the pushed price.") var moveMarket = false
        @Option(help: "When: +30s, or an instant. Default: now.") var at: String?

        func scenario() throws -> [String: Any] {
            guard values.count == 2, let a = Double(values[0]), let b = Double(values[1]) else {
                throw CLIError(event == "quote" ? "push quote takes SYMBOL BID ASK, e.g. push quote AAPL 231.49 231.51" : "push trade takes SYMBOL PRICE SIZE, e.g. push trade AAPL 231.50 100")
            }
            var s: [String: Any] = ["kind": "push", "symbol": symbol, "event": event]
            switch event {
            case "trade":
                s["price"] = a; s["size"] = b
                if let exchange { s["exchange"] = exchange }
                if let conditions {
                    s["conditions"] = try conditions.split(separator: ",").map { text throws -> Int in
                        guard let c = Int(text.trimmingCharacters(in: .whitespaces)) else { throw CLIError("--conditions takes numbers, e.g. 14,41") }
                        return c
                    }
                }
            case "quote":
                s["bid"] = a; s["ask"] = b
                if let bidSize { s["bidSize"] = bidSize }
                if let askSize { s["askSize"] = askSize }
            default:
                throw CLIError("push takes trade or quote, got '\(event)'")
            }
            if moveMarket { s["moveMarket"] = true }
            if let at { s["at"] = at }
            return s
        }
    }

    struct Cancel: ScenarioSubcommand {
        static let configuration = CommandConfiguration(abstract: "Cancel an earlier trade (Alpaca 'x'; Polygon's stream has no cancels).")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "The symbol.") var symbol: String
        @Argument(help: "The trade's id (Alpaca 'i').") var tradeID: String
        @Option(help: "When: +30s, or an instant. Default: now.") var at: String?
        func scenario() throws -> [String: Any] {
            var s: [String: Any] = ["kind": "cancel", "symbol": symbol, "tradeId": tradeID]
            if let at { s["at"] = at }
            return s
        }
    }

    struct Correct: ScenarioSubcommand {
        static let configuration = CommandConfiguration(abstract: "Correct an earlier trade's price or size (Alpaca 'c'; Polygon's stream has no corrections).")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "The symbol.") var symbol: String
        @Argument(help: "The trade's id (Alpaca 'i').") var tradeID: String
        @Option(help: "The corrected price.") var price: Double?
        @Option(help: "The corrected size.") var size: Int?
        @Option(help: "When: +30s, or an instant. Default: now.") var at: String?
        func scenario() throws -> [String: Any] {
            var s: [String: Any] = ["kind": "correction", "symbol": symbol, "tradeId": tradeID]
            if let price { s["price"] = price }
            if let size { s["size"] = size }
            if let at { s["at"] = at }
            return s
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the session's scenarios and their states.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        func run() throws {
            let answer = try options.call("GET", "/control/scenarios")
            options.show(answer) { answer in
                let list = (answer as? [String: Any])?["scenarios"] as? [[String: Any]] ?? []
                return list.isEmpty ? "no scenarios" : list.map(CtlText.line).joined(separator: "\n")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "End a scenario now.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "Its id (ctl list shows them).") var id: String
        func run() throws {
            let answer = try options.call("DELETE", "/control/scenarios/" + CtlOptions.pathSegment(id))
            options.show(answer) { "ended " + CtlText.line($0 as? [String: Any] ?? [:]) }
        }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End every scenario: the market is the seed's again from now (prices may jump back).")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        func run() throws {
            let answer = try options.call("POST", "/control/reset")
            options.show(answer) { "ended \((($0 as? [String: Any])?["ended"] as? Int) ?? 0) scenario(s)" }
        }
    }

    struct Timeline: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the session as a script (JSON) that reproduces it: save it and pass it to serve --scenario.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        func run() throws {
            let answer = try options.call("GET", "/control/timeline")
            let data = try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a scenario script (YAML or JSON) into the running server.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Argument(help: "The script file.") var file: String
        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read '\(file)': check the path") }
            let type = file.hasSuffix(".json") ? "application/json" : "application/yaml"
            let answer = try options.call("POST", "/control/scripts", rawBody: Array(data), contentType: type)
            options.show(answer) { answer in
                let loaded = (answer as? [String: Any])?["loaded"] as? [[String: Any]] ?? []
                return "loaded \(loaded.count) step(s)\n" + loaded.map { step in
                    if let resumed = step["resumed"] as? [[String: Any]] { return resumed.map { "  resumed " + CtlText.line($0) }.joined(separator: "\n") }
                    return "  " + CtlText.line(step)
                }.joined(separator: "\n")
            }
        }
    }

    struct Clock: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Steer the market clock: --speed N, --pause, --resume, or --jump T (forward only).")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        @Option(help: "Market seconds per real second, or max.") var speed: String?
        @Flag(help: "Stop market time.") var pause = false
        @Flag(help: "Start it again at the speed it had.") var resume = false
        @Option(help: "Jump forward to this market time, e.g. 2026-11-23T15:59:30-05:00.") var jump: String?

        func run() throws {
            let chosen = [speed != nil, pause, resume, jump != nil].filter { $0 }.count
            guard chosen == 1 else { throw CLIError("clock takes exactly one of --speed N, --pause, --resume, --jump T") }
            var body: [String: Any] = [:]
            if let speed { body["speed"] = Double(speed).map { $0 as Any } ?? speed }
            if pause { body["pause"] = true }
            if resume { body["resume"] = true }
            if let jump { body["jumpTo"] = jump }
            let answer = try options.call("POST", "/control/clock", body: body)
            options.show(answer) { CtlText.state($0 as? [String: Any] ?? [:]) }
        }
    }

    struct Connections: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the open stream connections: who, what they subscribed to, what they were sent.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        func run() throws {
            let answer = try options.call("GET", "/control/connections")
            options.show(answer) { answer in
                CtlText.connections((answer as? [String: Any])?["connections"] as? [[String: Any]] ?? [])
            }
        }
    }

    struct State: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the market clock, the session phase, scenarios and connections.")
        @OptionGroup var local: CtlOptions
        @ParentCommand var parent: CtlCommand
        var options: CtlOptions { local.over(parent.options) }
        func run() throws {
            let answer = try options.call("GET", "/control/state")
            options.show(answer) { CtlText.state($0 as? [String: Any] ?? [:]) }
        }
    }
}

/// Readable renderings of the API's answers.
enum CtlText {
    /// `s1  halt  AAPL  active  2026-11-23T15:00:03Z → 2026-11-23T15:05:03Z  reason=LUDP`
    static func line(_ s: [String: Any]) -> String {
        let fixed: Set<String> = ["id", "kind", "symbol", "state", "at", "until", "for", "endedAt"]
        let span = "\(s["at"] as? String ?? "?")" + ((s["until"] as? String).map { " → \($0)" } ?? (s["state"] as? String == "ended" ? "" : " → (until ended)"))
        let details = s.keys.filter { !fixed.contains($0) && !($0 == "moveMarket" && !CtlText.isTrue(s[$0])) }.sorted().map { key -> String in
            let value = s[key]!
            if let list = value as? [Any] { return "\(key)=[\(list.map { "\($0)" }.joined(separator: ","))]" }
            return "\(key)=\(value)"
        }
        return [s["id"] as? String ?? "?", s["kind"] as? String ?? "?", s["symbol"] as? String ?? "*", s["state"] as? String ?? "", span]
            .joined(separator: "  ") + (details.isEmpty ? "" : "  " + details.joined(separator: " "))
    }

    static func isTrue(_ value: Any?) -> Bool {
        if let b = value as? Bool { return b }
        return (value as? NSNumber)?.intValue == 1
    }

    /// A table, one connection a line:
    /// `c3  polygon  /stocks  demo  yes  127.0.0.1:50412  12 frames, 3.1 KB  0 B  f2  Q:* T:AAPL`
    static func connections(_ list: [[String: Any]]) -> String {
        guard !list.isEmpty else { return "no connections" }
        let header = ["ID", "DIALECT", "PATH", "KEY", "AUTH", "REMOTE", "SENT", "BACKLOG", "FAULTS", "SUBSCRIPTIONS"]
        let rows = list.map { c -> [String] in
            let subscriptions = (c["subscriptions"] as? [String: [String]] ?? [:]).sorted { $0.key < $1.key }
                .map { "\($0.key):\($0.value.joined(separator: ","))" }.joined(separator: " ")
            return [
                c["id"] as? String ?? "?", c["dialect"] as? String ?? "?", c["path"] as? String ?? "?",
                c["key"] as? String ?? "-", isTrue(c["authenticated"]) ? "yes" : "no", c["remote"] as? String ?? "?",
                "\(c["framesSent"] ?? 0) frames, \(bytes(c["bytesSent"]))", bytes(c["backlogBytes"]),
                (c["faults"] as? [String]).flatMap { $0.isEmpty ? nil : $0.joined(separator: ",") } ?? "-",
                subscriptions.isEmpty ? "-" : subscriptions,
            ]
        }
        let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.indices.map { i in i == row.count - 1 ? row[i] : row[i].padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func bytes(_ value: Any?) -> String {
        let n = (value as? NSNumber)?.doubleValue ?? 0
        if n < 1024 { return "\(Int(n)) B" }
        if n < 1024 * 1024 { return String(format: "%.1f KB", n / 1024) }
        return String(format: "%.1f MB", n / (1024 * 1024))
    }

    static func state(_ s: [String: Any]) -> String {
        let counts = s["scenarios"] as? [String: Any] ?? [:]
        let forced = (s["forcedSession"] as? String).map { " (forced: \($0))" } ?? ""
        return """
        market time:  \(s["marketTime"] ?? "?")\((s["paused"] as? Bool) == true ? "  (paused)" : "")
        speed:        \(s["speed"] ?? "?")
        session:      \(s["phase"] ?? "?")\(forced)    market hours: \(s["marketHours"] ?? "?")
        scenarios:    \(counts["active"] ?? 0) active, \(counts["scheduled"] ?? 0) scheduled, \(counts["ended"] ?? 0) ended
        connections:  \(s["connections"] ?? 0)
        """
    }
}
