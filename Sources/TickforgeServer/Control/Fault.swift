import TickforgeMarket

/// A connection fault asked for over the control API: what it does, to which connections, and
/// until when. Faults speak the dialect's own transport: a drop is a reset with no close frame, as
/// the vendors' servers do; a close sends the code and reason given; a mute is the silent socket
/// that stays connected and answers pings.
struct Fault: Sendable {
    enum Kind: Sendable, Equatable {
        case drop
        case close(code: UInt16, reason: String)
        case mute
        /// Drop each connection it reaches this long (real time) after it authenticates, for as
        /// long as the fault lasts: a client that reconnects is dropped again.
        case disconnectAfter(seconds: Double)
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
            if all { return true }
            if let dialect, dialect != p.dialect { return false }
            if let path, path != p.path { return false }
            if let key, key != p.key { return false }
            return true
        }
    }

    let id: String
    let kind: Kind
    let target: Target
    /// Market time it acted at.
    let at: Timestamp
    /// Market time a mute with a duration ends at.
    let until: Timestamp?
    var endedAt: Timestamp?
    /// The connections it acted on, in the order it reached them.
    var appliedTo: [String] = []

    /// A mute or a disconnect-after lasts (until its end, or until it is ended); a drop or a
    /// close acts once.
    var lasts: Bool {
        switch kind {
        case .mute, .disconnectAfter: true
        case .drop, .close: false
        }
    }

    func isActive(at t: Timestamp) -> Bool {
        guard lasts, endedAt == nil else { return false }
        return until.map { t < $0 } ?? true
    }

    var kindName: String {
        switch kind {
        case .drop: "drop"
        case .close: "close"
        case .mute: "mute"
        case .disconnectAfter: "disconnect-after"
        }
    }

    static let kinds = ["drop", "close", "mute", "disconnect-after"]

    /// Reads a fault request: `{"kind": "drop", "connections": ["c3"]}`, `{"kind": "close",
    /// "connections": "all", "code": 1011}`, `{"kind": "mute", "dialect": "alpaca", "for": "30s"}`.
    static func parse(_ value: JSONValue, id: String, now: Timestamp) throws(ControlError) -> Fault {
        guard case .object(let object) = value else { throw ControlError(400, "a fault must be a JSON object, got \(value.description)") }
        var fields = ScenarioRequest.Fields(object)
        guard let kindValue = fields.take("kind") else { throw ControlError.field("kind", "one of \(kinds.joined(separator: ", "))") }
        guard case .string(let kindName) = kindValue, kinds.contains(kindName) else {
            throw ControlError.field("kind", "one of \(kinds.joined(separator: ", "))", got: kindValue)
        }
        if fields.take("at") != nil {
            throw ControlError.field("at", "nothing: a fault acts when it is posted (scheduling faults is not built yet)")
        }
        var target = Target()
        if let connections = fields.take("connections") {
            switch connections {
            case .string("all"): target.all = true
            case .array(let items) where !items.isEmpty && items.count <= 1000:
                target.ids = try items.map { item throws(ControlError) -> String in
                    guard case .string(let s) = item, s.hasPrefix("c"), Int(s.dropFirst()) != nil else {
                        throw ControlError.field("connections", "connection ids such as \"c3\" (GET /control/connections lists them)", got: item)
                    }
                    return s
                }
            default:
                throw ControlError.field("connections", "\"all\" or a list of connection ids such as [\"c3\"]", got: connections)
            }
        }
        target.dialect = try fields.string("dialect", oneOf: ["polygon", "alpaca"])
        target.path = try text(fields.take("path"), field: "path", limit: 64)
        target.key = try text(fields.take("key"), field: "key", limit: 256)
        let hasSelector = target.dialect != nil || target.path != nil || target.key != nil
        if hasSelector, !target.isSelector {
            throw ControlError(400, "field 'connections': give either 'connections' or a selector ('dialect', 'path', 'key'), not both")
        }
        if !hasSelector, target.isSelector {
            throw ControlError.field("connections", "\"all\", a list of connection ids such as [\"c3\"], or a selector: 'dialect', 'path' or 'key'")
        }

        var duration: Int64?
        if let value = fields.take("for") {
            guard kindName == "mute" || kindName == "disconnect-after" else { throw ControlError.field("for", "nothing: a \(kindName) acts once") }
            var text = ""
            if case .string(let s) = value { text = s } else if case .number(let n) = value { text = String(n) }
            guard let nanos = ScenarioRequest.parseDuration(text) else {
                throw ControlError.field("for", "a positive duration up to a year, such as \"30s\", \"5m\" or a number of seconds", got: value)
            }
            duration = nanos
        }

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
        case "disconnect-after":
            guard let seconds = try fields.number("seconds", in: 0.1...86_400) else {
                throw ControlError.field("seconds", "how long after it authenticates each connection is dropped, from 0.1 to 86400, e.g. 30")
            }
            kind = .disconnectAfter(seconds: seconds)
        default:
            kind = .drop
        }
        _ = fields.take("id")
        try fields.finish(kindName, of: "fault")
        return Fault(id: id, kind: kind, target: target, at: now, until: duration.map { now + $0 })
    }

    private static func text(_ value: JSONValue?, field: String, limit: Int) throws(ControlError) -> String? {
        guard let value else { return nil }
        guard case .string(let s) = value, !s.isEmpty, s.utf8.count <= limit else {
            throw ControlError.field(field, "a non-empty string of at most \(limit) bytes", got: value)
        }
        return s
    }

    /// The fault as the API shows it.
    func json(now: Timestamp) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id), "kind": .string(kindName), "at": .string(RFC3339.format(at)),
            "state": .string(isActive(at: now) ? "active" : "ended"),
            "appliedTo": .array(appliedTo.map(JSONValue.string)),
        ]
        if let ids = target.ids { o["connections"] = .array(ids.map(JSONValue.string)) }
        if target.all { o["connections"] = .string("all") }
        if let d = target.dialect { o["dialect"] = .string(d) }
        if let p = target.path { o["path"] = .string(p) }
        if let k = target.key { o["key"] = .string(k) }
        if case .close(let code, let reason) = kind { o["code"] = .number(Double(code)); o["reason"] = .string(reason) }
        if case .disconnectAfter(let seconds) = kind { o["seconds"] = .number(seconds) }
        if let until { o["until"] = .string(RFC3339.format(until)) }
        if let endedAt { o["endedAt"] = .string(RFC3339.format(endedAt)) }
        return .object(o)
    }

    /// Does it to one connection, now; returns whether it acted (a disconnect-after waits for
    /// the connection to authenticate). `registry` says whether the fault still stands when a
    /// delayed drop comes due.
    @discardableResult
    func act(on c: any ManagedConnection, registry: ConnectionRegistry) -> Bool {
        switch kind {
        case .drop:
            c.logger.info("fault: dropped (reset, no close frame)", metadata: ["fault": "\(id)"])
            c.abortNow()
        case .close(let code, let reason):
            c.logger.info("fault: closed", metadata: ["fault": "\(id)", "code": "\(code)", "reason": "\(reason)"])
            c.close(code: code, reason: reason)
        case .mute:
            c.logger.info("fault: muted", metadata: ["fault": "\(id)"])
            c.updateProfile { if !$0.faults.contains(id) { $0.faults.append(id) } }
            c.setMuted(true)
        case .disconnectAfter(let seconds):
            guard c.profile.authenticated else { return false }
            c.updateProfile { if !$0.faults.contains(id) { $0.faults.append(id) } }
            Task { [weak c, id] in
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
                guard let c, await registry.isStanding(id) else { return }
                c.logger.info("fault: dropped after its time since authenticating", metadata: ["fault": "\(id)", "seconds": "\(seconds)"])
                c.abortNow()
            }
        }
        return true
    }
}
