import TickforgeMarket

/// The scenarios of one serving session: the timeline the feed follows, how its entries are named,
/// and what the control API and scripts do to it. Pure logic, tested without sockets; the
/// `ControlPlane` stamps each change with the market time and hands the new timeline to the hub.
///
/// Every change happens at or after `now`, so what was already sent never changes, and the whole
/// session can be written out as a script (`script()`) that rebuilds the same timeline.
struct ScenarioBook {
    private(set) var timeline: ScenarioTimeline
    /// The market time the session started at: an exported script's `start`.
    let sessionStart: Timestamp
    /// A market of the session's own, for what a request must be checked against (a symbol's
    /// listing tape, an earlier trade's id).
    private let market: Market
    private var nextNumber = 1

    init(configuration: MarketConfiguration, sessionStart: Timestamp) {
        timeline = ScenarioTimeline()
        self.sessionStart = sessionStart
        market = Market(configuration: configuration)
    }

    // MARK: changes

    /// Adds the scenario a request describes (or ends the halts a `resume` names); returns the
    /// scenarios added or ended. Nothing changes when it throws.
    mutating func apply(_ request: JSONValue, now: Timestamp, base: Timestamp? = nil) throws(ControlError) -> Change {
        var copy = self
        let change = try copy.applyOne(request, now: now, base: base ?? now)
        self = copy
        return change
    }

    /// Loads a script (`{"start": …, "steps": [...]}`): every step, or none of them. Steps that
    /// `skip` picks (connection faults, which the control plane keeps) are left to the caller.
    mutating func load(script: JSONValue, now: Timestamp, skipping skip: (JSONValue) -> Bool = { _ in false }) throws(ControlError) -> [Change] {
        guard case .object(let object) = script else {
            throw ControlError(400, "a script must be an object with 'steps', a list of scenario objects, and optionally 'start'")
        }
        var fields = ScenarioRequest.Fields(object)
        var base = now
        if let start = fields.take("start") {
            guard case .string(let text) = start else { throw ControlError.field("start", TimeInput.forms, got: start) }
            do { base = try TimeInput.parse(text) } catch { throw ControlError(400, "field 'start': \(error)") }
        }
        guard let stepsValue = fields.take("steps") else { throw ControlError.field("steps", "a list of scenario objects") }
        guard case .array(let steps) = stepsValue else { throw ControlError.field("steps", "a list of scenario objects", got: stepsValue) }
        guard steps.count <= Self.maxStepsPerScript else { throw ControlError(400, "field 'steps': at most \(Self.maxStepsPerScript) steps in one script") }
        try fields.finish("script")
        var copy = self
        var changes: [Change] = []
        for (i, step) in steps.enumerated() where !skip(step) {
            do {
                changes.append(try copy.applyOne(step, now: now, base: base))
            } catch {
                throw ControlError(error.code, "steps[\(i)]: \(error.message)")
            }
        }
        self = copy
        return changes
    }

    /// A script's `start`, if it names a valid one.
    static func start(of script: JSONValue) -> Timestamp? {
        guard case .object(let o) = script, case .string(let text)? = o["start"] else { return nil }
        return try? TimeInput.parse(text)
    }

    /// Ends a lasting scenario at `now`.
    mutating func end(_ id: String, now: Timestamp) throws(ControlError) -> Scenario {
        guard let entry = timeline.entry(id) else { throw ControlError(404, "no scenario with id '\(id)' (GET /control/scenarios lists them)") }
        guard !entry.isPointEvent else { throw ControlError(409, "scenario '\(id)' happened at one instant and cannot be ended") }
        if case .limit = entry.kind { endLimit(id, at: now) } else { timeline.end(id, at: now) }
        return timeline.entry(id)!
    }

    /// Ends a limit and the pause it brings (which then never starts, if it had not).
    private mutating func endLimit(_ id: String, at t: Timestamp) {
        timeline.end(id, at: t)
        timeline.end(id + "-pause", at: t)
    }

    /// Ends every scenario in force or still to come; returns how many it ended.
    mutating func reset(now: Timestamp) -> Int {
        let before = timeline.entries.filter { ScenarioJSON.state($0, now: now) != .ended }.count
        timeline.endAll(at: now)
        return before
    }

    static let maxStepsPerScript = 10_000
    /// Bounds the timeline a session can grow (each entry costs every minute of its symbol).
    static let maxEntries = 10_000

    /// What one request did.
    enum Change {
        case added(Scenario)
        /// A `resume`: the halts it ended.
        case resumed([Scenario])
    }

    private mutating func applyOne(_ value: JSONValue, now: Timestamp, base: Timestamp) throws(ControlError) -> Change {
        guard timeline.entries.count < Self.maxEntries else { throw ControlError(409, "this session holds \(Self.maxEntries) scenarios, the most it keeps: POST /control/reset does not shrink it; restart the server") }
        let id = try identifier(of: value)
        let request = ScenarioRequest(now: now, base: base) { [market] ticker in
            market.symbolID(for: ticker).map { market.tape($0).profile.tape }
        }
        switch try request.parse(value, id: id) {
        case .add(let scenario):
            try checkTradeReference(scenario)
            timeline.add(scenario)
            if case .limit = scenario.kind, let endedAt = scenario.end {
                // A limit from a script that was ended early: it and its pause end there.
                endLimit(id, at: endedAt)
            }
            if id == "s\(nextNumber)" { nextNumber += 1 }
            return .added(timeline.entry(id)!)
        case .resume(let symbol, let at):
            let halts = timeline.entries.filter { e in
                guard case .halt = e.kind, e.symbol == symbol else { return false }
                return e.isActive(at: at)
            }
            guard !halts.isEmpty else {
                throw ControlError(409, "no halt of \(symbol) is in force at \(RFC3339.format(at)): nothing to resume")
            }
            for h in halts { timeline.end(h.id, at: at) }
            return .resumed(halts.map { timeline.entry($0.id)! })
        }
    }

    /// The id a step asks for, if it is free, or the next `sN`.
    private mutating func identifier(of value: JSONValue) throws(ControlError) -> String {
        if case .object(let o) = value, let given = o["id"] {
            guard case .string(let id) = given, (1...40).contains(id.utf8.count),
                  id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
            else { throw ControlError.field("id", "1–40 letters, digits, '-', '_' or '.'", got: given) }
            guard timeline.entry(id) == nil, timeline.entry(id + "-pause") == nil else {
                throw ControlError(409, "field 'id': '\(id)' is taken in this session; leave 'id' out to have one given")
            }
            return id
        }
        while timeline.entry("s\(nextNumber)") != nil || timeline.entry("s\(nextNumber)-pause") != nil { nextNumber += 1 }
        return "s\(nextNumber)"
    }

    /// A cancel or a correction must name a trade the symbol printed before it.
    private func checkTradeReference(_ s: Scenario) throws(ControlError) {
        let tradeID: Int64
        switch s.kind {
        case .cancel(let id), .correction(let id, _, _): tradeID = id
        default: return
        }
        guard let symbol = s.symbol, let sid = market.symbolID(for: symbol) else { return }
        market.timeline = timeline
        // A trade's id carries its minute: one from after the scenario is refused without generating it.
        let printedEarlyEnough = tradeID >= 0 && TradeCorrection.minuteIndex(ofTradeID: tradeID) <= s.start.minuteIndex
        guard printedEarlyEnough, let trade = market.tape(sid).trade(id: tradeID), trade.timestamp <= s.start else {
            throw ControlError(400, "field 'tradeId': \(symbol) printed no trade with id \(tradeID) before \(RFC3339.format(s.start)) (take one from a trade message: Alpaca 'i')")
        }
    }

    // MARK: reading

    /// The session's scenarios as the API lists them.
    func list(now: Timestamp) -> JSONValue {
        .object(["scenarios": .array(visibleEntries.map { ScenarioJSON.object($0, now: now) })])
    }

    func counts(now: Timestamp) -> [ScenarioJSON.State: Int] {
        var out: [ScenarioJSON.State: Int] = [.scheduled: 0, .active: 0, .ended: 0]
        for e in timeline.entries { out[ScenarioJSON.state(e, now: now), default: 0] += 1 }
        return out
    }

    /// Everything applied so far, as a script that rebuilds this timeline when loaded into a
    /// market with the same seed and configuration at `sessionStart`.
    func script() -> JSONValue {
        var steps: [JSONValue] = []
        for e in timeline.entries {
            if let limit = limitOwning(e) {
                // A limit's pause comes back with the limit; a pause ended early comes back as a resume.
                if let end = e.end, end != e.plannedEnd, limit.end == limit.plannedEnd, let symbol = limit.symbol {
                    steps.append(.object(["kind": "resume", "symbol": .string(symbol), "at": .string(RFC3339.format(end))]))
                }
                continue
            }
            steps.append(ScenarioJSON.step(e))
        }
        return .object(["start": .string(RFC3339.format(sessionStart)), "steps": .array(steps)])
    }

    /// The entries a user added (a limit's pause shows as its own halt: it can be ended by id).
    private var visibleEntries: [Scenario] { timeline.entries }

    private func limitOwning(_ e: Scenario) -> Scenario? {
        guard e.id.hasSuffix("-pause"), let owner = timeline.entry(String(e.id.dropLast(6))), case .limit = owner.kind else { return nil }
        return owner
    }
}

extension ScenarioBook.Change {
    /// The answer to the request.
    func json(now: Timestamp) -> JSONValue {
        switch self {
        case .added(let s): ScenarioJSON.object(s, now: now)
        case .resumed(let halts): .object(["resumed": .array(halts.map { ScenarioJSON.object($0, now: now) })])
        }
    }
}
