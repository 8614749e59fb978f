import TickforgeMarket

/// Reading a fault from a request or a script step: the kind and its fields, the target, `at`
/// and `for`, each wrong field named in a 400.
extension Fault {
    /// Whether a script step is a fault (its kind is a fault's) rather than a scenario.
    static func isStep(_ value: JSONValue) -> Bool {
        guard case .object(let o) = value, case .string(let kind)? = o["kind"] else { return false }
        return kinds.contains(kind)
    }

    /// The faults of a script, read and checked: `now` is the market's time, and relative times
    /// count from the script's `start`, or from now.
    static func parseScript(_ script: JSONValue, now: Timestamp) throws(ControlError) -> [Fault] {
        guard case .object(let o) = script, case .array(let steps)? = o["steps"] else { return [] }
        let base = ScenarioBook.start(of: script) ?? now
        var faults: [Fault] = []
        for (i, step) in steps.enumerated() where isStep(step) {
            do {
                faults.append(try parse(step, id: "", now: now, base: base))
            } catch {
                throw ControlError(error.code, "steps[\(i)]: \(error.message)")
            }
        }
        return faults
    }

    static let kinds = ["drop", "close", "mute", "slow", "latency", "disconnect-after", "reject", "auth-fail", "connection-limit"]

    /// Reads a fault request: `{"kind": "drop", "connections": ["c3"]}`, `{"kind": "close",
    /// "connections": "all", "code": 1011}`, `{"kind": "mute", "dialect": "alpaca", "for": "30s"}`,
    /// `{"kind": "reject", "count": 3, "status": 429}`. `at` and `for` read as a scenario's do;
    /// relative times count from `base` (now, or a script's start).
    static func parse(_ value: JSONValue, id: String, now: Timestamp, base: Timestamp) throws(ControlError) -> Fault {
        guard case .object(let object) = value else { throw ControlError(400, "a fault must be a JSON object, got \(value.description)") }
        var fields = ScenarioRequest.Fields(object)
        guard let kindValue = fields.take("kind") else { throw ControlError.field("kind", "one of \(kinds.joined(separator: ", "))") }
        guard case .string(let kindName) = kindValue, kinds.contains(kindName) else {
            throw ControlError.field("kind", "one of \(kinds.joined(separator: ", "))", got: kindValue)
        }
        let times = ScenarioRequest(now: now, base: base) { _ in nil }
        let at = try times.instant(fields.take("at"))
        // From an exported script: called off before it took effect.
        var calledOff: Timestamp?
        if let value = fields.take("endedAt") {
            guard case .string(let text) = value, let t = try? TimeInput.parse(text), t <= at else {
                throw ControlError.field("endedAt", "an instant at or before 'at' (a fault called off before it took effect), as an exported timeline writes it", got: value)
            }
            calledOff = t
        }
        let target = try parseTarget(&fields, kind: kindName)

        var duration: Int64?
        if let value = fields.take("for") {
            guard kindName != "drop", kindName != "close" else { throw ControlError.field("for", "nothing: a \(kindName) acts once") }
            duration = try times.duration(value, field: "for")
        }

        var count: Int?
        let kind: Kind
        switch kindName {
        case "close":
            let code = try fields.integer("code", in: 1000...4999) ?? 1011
            guard ![1004, 1005, 1006, 1015].contains(code) else {
                throw ControlError.field("code", "a close code a server may send (1000–4999 but 1004, 1005, 1006 and 1015)", got: .number(Double(code)))
            }
            let reason = try text(fields.take("reason"), field: "reason", limit: 123) ?? ""
            kind = .close(code: UInt16(code), reason: reason)
        case "mute":
            kind = .mute
        case "slow":
            guard let rate = try fields.number("bytesPerSecond", in: 1...1_000_000_000) else {
                throw ControlError.field("bytesPerSecond", "the most bytes a second each connection gets, from 1 to 1000000000, e.g. 2000")
            }
            kind = .slow(bytesPerSecond: rate)
        case "latency":
            guard let ms = try fields.number("ms", in: 0...4000) else {
                throw ControlError.field("ms", "how long each frame is held, in milliseconds, from 0 to 4000 (the queue's 5 s age bound would judge a longer hold a slow consumer), e.g. 250")
            }
            let jitter = try fields.number("jitterMs", in: 0...4000) ?? 0
            guard ms + jitter <= 4000 else {
                throw ControlError(400, "fields 'ms' and 'jitterMs': together at most 4000 ms (the queue's 5 s age bound would judge a longer hold a slow consumer)")
            }
            let seed = try fields.integer("seed", in: 0...Int64(UInt32.max)) ?? 1
            kind = .latency(milliseconds: ms, jitterMilliseconds: jitter, seed: UInt64(seed))
        case "disconnect-after":
            guard let seconds = try fields.number("seconds", in: 0.1...86_400) else {
                throw ControlError.field("seconds", "how long after it authenticates each connection is dropped, from 0.1 to 86400, e.g. 30")
            }
            kind = .disconnectAfter(seconds: seconds)
        case "reject":
            let status = try fields.integer("status", in: 400...599) ?? 429
            guard [429, 503].contains(status) else {
                throw ControlError.field("status", "429 or 503, the statuses the vendors answer an upgrade with when they refuse it", got: .number(Double(status)))
            }
            kind = .reject(status: Int(status))
            count = Int(try fields.integer("count", in: 1...1_000_000) ?? 1)
        case "auth-fail":
            kind = .authFail
            count = Int(try fields.integer("count", in: 1...1_000_000) ?? 1)
        case "connection-limit":
            guard let limit = try fields.integer("limit", in: 1...10_000) else {
                throw ControlError.field("limit", "the most connections one key may hold while the fault lasts, from 1 to 10000, e.g. 1")
            }
            kind = .connectionLimit(Int(limit))
        default:
            kind = .drop
        }
        _ = fields.take("id")
        try fields.finish(kindName, of: "fault")
        return Fault(id: id, kind: kind, target: target, at: at, until: duration.map { at + $0 }, count: count, endedAt: calledOff)
    }

    /// `connections` or a selector. Faults that wait for upgrades or authentications act on every
    /// connection when neither is given; faults on open connections must say which.
    private static func parseTarget(_ fields: inout ScenarioRequest.Fields, kind: String) throws(ControlError) -> Target {
        var target = Target()
        let waits = ["reject", "auth-fail", "connection-limit"].contains(kind)
        if let connections = fields.take("connections") {
            switch connections {
            case .string("all"): target.all = true
            case .array(let items) where !items.isEmpty && items.count <= 1000 && kind != "reject":
                target.ids = try items.map { item throws(ControlError) -> String in
                    guard case .string(let s) = item, s.hasPrefix("c"), Int(s.dropFirst()) != nil else {
                        throw ControlError.field("connections", "connection ids such as \"c3\" (GET /control/connections lists them)", got: item)
                    }
                    return s
                }
            default:
                let expected = kind == "reject" ? "\"all\" (a reject acts on upgrades, before there is a connection to name)" : "\"all\" or a list of connection ids such as [\"c3\"]"
                throw ControlError.field("connections", expected, got: connections)
            }
        }
        target.dialect = try fields.string("dialect", oneOf: ["polygon", "alpaca"])
        target.path = try text(fields.take("path"), field: "path", limit: 64)
        target.key = try text(fields.take("key"), field: "key", limit: 256)
        if kind == "reject", target.key != nil {
            throw ControlError.field("key", "nothing: a reject answers the upgrade, before any key is sent; select by 'dialect' or 'path'")
        }
        let hasSelector = target.dialect != nil || target.path != nil || target.key != nil
        if hasSelector, !target.isSelector {
            throw ControlError(400, "field 'connections': give either 'connections' or a selector ('dialect', 'path', 'key'), not both")
        }
        if !hasSelector, target.isSelector {
            guard waits else {
                throw ControlError.field("connections", "\"all\", a list of connection ids such as [\"c3\"], or a selector: 'dialect', 'path' or 'key'")
            }
            target.all = true
        }
        return target
    }

    private static func text(_ value: JSONValue?, field: String, limit: Int) throws(ControlError) -> String? {
        guard let value else { return nil }
        guard case .string(let s) = value, !s.isEmpty, s.utf8.count <= limit else {
            throw ControlError.field(field, "a non-empty string of at most \(limit) bytes", got: value)
        }
        return s
    }
}
