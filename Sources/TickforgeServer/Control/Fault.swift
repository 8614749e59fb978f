import TickforgeMarket

/// A connection fault asked for over the control API or in a script: what it does, to which
/// connections, and from when until when. Faults speak the dialect's own transport: a drop is a
/// reset with no close frame, as the vendors' servers do; a close sends the code and reason given;
/// a mute is the silent socket that stays connected and answers pings; a refused authentication
/// is the dialect's own failure.
struct Fault: Sendable {
    enum Kind: Sendable, Equatable {
        case drop
        case close(code: UInt16, reason: String)
        case mute
        /// Cap the bytes per second the client gets.
        case slow(bytesPerSecond: Double)
        /// Hold each frame this long (± jitter, drawn from `seed`) after it was queued.
        case latency(milliseconds: Double, jitterMilliseconds: Double, seed: UInt64)
        /// Drop each connection it reaches this long (real time) after it authenticates, for as
        /// long as the fault lasts: a client that reconnects is dropped again.
        case disconnectAfter(seconds: Double)
        /// Answer the next `count` upgrade requests with this HTTP status, before the upgrade.
        case reject(status: Int)
        /// Fail the next `count` authentications with the dialect's own failure.
        case authFail
        /// The per-key connection limit while it lasts (Polygon evicts the oldest; Alpaca
        /// refuses the newcomer with 406).
        case connectionLimit(Int)
    }

    /// Which connections: named ones, all of them, or those a selector matches.
    struct Target: Sendable, Equatable {
        var ids: [String]?
        var all = false
        var dialect: String?
        var path: String?
        var key: String?

        var isSelector: Bool { ids == nil && !all }

        func matches(_ p: ConnectionProfile) -> Bool {
            if let ids { return ids.contains(p.id) }
            return matches(dialect: p.dialect, path: p.path, key: p.key)
        }

        /// For an upgrade request, before there is a connection (no key yet).
        func matches(dialect d: String, path p: String, key k: String?) -> Bool {
            if ids != nil { return false }
            if all { return true }
            if let dialect, dialect != d { return false }
            if let path, path != p { return false }
            if let key, key != k { return false }
            return true
        }
    }

    /// `f3`: given when it is posted.
    var id: String
    let kind: Kind
    let target: Target
    /// Market time it takes effect at.
    let at: Timestamp
    /// Market time a lasting fault ends at.
    let until: Timestamp?
    /// How many upgrades or authentications a `reject` or `auth-fail` acts on.
    let count: Int?
    var endedAt: Timestamp?
    /// The connections it acted on when it took effect, in the order it reached them.
    var appliedTo: [String] = []

    /// Everything but a drop and a close lasts: until its end, until it is ended, or (a reject,
    /// an auth-fail) until its count is used up.
    var lasts: Bool {
        switch kind {
        case .drop, .close: false
        default: true
        }
    }

    /// Whether it acts on the connections open when it takes effect (a reject waits for upgrades,
    /// an auth-fail for authentications, a connection limit for the next connection of a key).
    var actsOnOpenConnections: Bool {
        switch kind {
        case .reject, .authFail, .connectionLimit: false
        default: true
        }
    }

    /// Whether it shapes what a connection's writer sends (recomputed when one lifts).
    var shapesWriting: Bool {
        switch kind {
        case .mute, .slow, .latency: true
        default: false
        }
    }

    func state(at t: Timestamp, used: Int) -> String {
        if t < at, endedAt == nil { return "scheduled" }
        guard lasts, endedAt == nil else { return "ended" }
        if let count, used >= count { return "ended" }
        return until.map { t < $0 } ?? true ? "active" : "ended"
    }

    var kindName: String {
        switch kind {
        case .drop: "drop"
        case .close: "close"
        case .mute: "mute"
        case .slow: "slow"
        case .latency: "latency"
        case .disconnectAfter: "disconnect-after"
        case .reject: "reject"
        case .authFail: "auth-fail"
        case .connectionLimit: "connection-limit"
        }
    }

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

    /// The fault as a script step: loading it again at the same instant does the same. A fault
    /// ended early lasts for what it lasted; one called off before it took effect keeps `endedAt`,
    /// and never acts.
    func step() -> JSONValue {
        var o = fields()
        o["at"] = .string(RFC3339.format(at))
        if let endedAt, endedAt <= at {
            o["endedAt"] = .string(RFC3339.format(endedAt))
        } else if let end = endedAt ?? until {
            o["for"] = .string("\(Double(end.nanoseconds - at.nanoseconds) / 1e9)s")
        }
        return .object(o)
    }

    /// The fields a request gives: kind, target and the kind's own.
    private func fields() -> [String: JSONValue] {
        var o: [String: JSONValue] = ["id": .string(id), "kind": .string(kindName)]
        if let ids = target.ids { o["connections"] = .array(ids.map(JSONValue.string)) }
        if target.all { o["connections"] = .string("all") }
        if let d = target.dialect { o["dialect"] = .string(d) }
        if let p = target.path { o["path"] = .string(p) }
        if let k = target.key { o["key"] = .string(k) }
        switch kind {
        case .close(let code, let reason):
            o["code"] = .number(Double(code))
            if !reason.isEmpty { o["reason"] = .string(reason) }
        case .slow(let rate): o["bytesPerSecond"] = .number(rate)
        case .latency(let ms, let jitter, let seed): o["ms"] = .number(ms); o["jitterMs"] = .number(jitter); o["seed"] = .number(Double(seed))
        case .disconnectAfter(let seconds): o["seconds"] = .number(seconds)
        case .reject(let status): o["status"] = .number(Double(status))
        case .connectionLimit(let limit): o["limit"] = .number(Double(limit))
        case .drop, .mute, .authFail: break
        }
        if let count { o["count"] = .number(Double(count)) }
        return o
    }

    /// The fault as the API shows it: with its state, and what it acted on.
    func json(now: Timestamp, appliedTo: [String], used: Int) -> JSONValue {
        var o = fields()
        o["at"] = .string(RFC3339.format(at))
        o["state"] = .string(state(at: now, used: used))
        o["appliedTo"] = .array(appliedTo.map(JSONValue.string))
        if count != nil { o["used"] = .number(Double(used)) }
        if let until { o["until"] = .string(RFC3339.format(until)) }
        if let endedAt { o["endedAt"] = .string(RFC3339.format(endedAt)) }
        return .object(o)
    }

    /// Does it to one connection, now; returns whether it acted (a disconnect-after waits for
    /// the connection to authenticate).
    @discardableResult
    func act(on c: any ManagedConnection) -> Bool {
        let detail: [(String, ConnectionJournal.Entry.Value)] = [("fault", .text(id)), ("faultKind", .text(kindName))]
        switch kind {
        case .drop:
            c.logger.info("fault: dropped (reset, no close frame)", metadata: ["fault": "\(id)"])
            c.noteEnding("fault", detail)
            c.abortNow(why: nil)
        case .close(let code, let reason):
            c.logger.info("fault: closed", metadata: ["fault": "\(id)", "code": "\(code)", "reason": "\(reason)"])
            c.noteEnding("fault", detail + [("code", .number(Double(code))), ("reason", .text(reason))])
            c.close(code: code, reason: reason)
        case .mute, .slow, .latency:
            c.logger.info("fault: \(kindName) on", metadata: ["fault": "\(id)"])
            c.updateProfile { if !$0.faults.contains(id) { $0.faults.append(id) } }
            c.journal(.fault, detail + [("state", .text("on"))])
            switch kind {
            case .mute: c.setMuted(true)
            case .slow(let rate): c.setPacing { $0.bytesPerSecond = rate }
            case .latency(let ms, let jitter, let seed):
                // Each connection draws its own jitter, the same on every run.
                let connection = UInt64(c.subscriber.id.raw)
                c.setPacing { $0.latency = .init(milliseconds: ms, jitterMilliseconds: jitter, seed: seed &* 1_000_003 &+ connection) }
            default: break
            }
        case .disconnectAfter(let seconds):
            guard c.profile.authenticated else { return false }
            c.updateProfile { if !$0.faults.contains(id) { $0.faults.append(id) } }
            c.journal(.fault, detail + [("state", .text("on")), ("seconds", .number(seconds))])
            // The connection's timer drops it; lifting the fault disarms the drop.
            c.arm(.drop(fault: id), afterSeconds: seconds)
        case .reject, .authFail, .connectionLimit:
            return false
        }
        return true
    }
}
