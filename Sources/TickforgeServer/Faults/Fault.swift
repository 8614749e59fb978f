import TickforgeFeed
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

    /// A latency fault's delays on one connection: each connection draws its own jitter from the
    /// fault's seed and its number, the same on every run.
    func latency(for connection: SubscriberID) -> WritePacing.Latency? {
        guard case .latency(let ms, let jitter, let seed) = kind else { return nil }
        return .init(milliseconds: ms, jitterMilliseconds: jitter, seed: seed &* 1_000_003 &+ UInt64(connection.raw))
    }

    /// How `faults` together shape a connection's writing: the tightest cap, the latest latency.
    static func pacing(of faults: [Fault], for connection: SubscriberID) -> WritePacing.Settings {
        var settings = WritePacing.Settings()
        for f in faults {
            if case .slow(let rate) = f.kind { settings.bytesPerSecond = min(settings.bytesPerSecond ?? rate, rate) }
            if let latency = f.latency(for: connection) { settings.latency = latency }
        }
        return settings
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
            c.abortNow()
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
            // Two caps at once: the tighter holds, as when the faults are shaped again on a lift.
            case .slow(let rate): c.setPacing { $0.bytesPerSecond = min($0.bytesPerSecond ?? rate, rate) }
            case .latency:
                let latency = latency(for: c.subscriber.id)
                c.setPacing { $0.latency = latency }
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
