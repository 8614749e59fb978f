import TickforgeMarket

/// Scenarios as the control API shows them and as scripts hold them: the request's own fields,
/// with `at` (and `until`, `endedAt`) as absolute instants.
enum ScenarioJSON {
    enum State: String { case scheduled, active, ended }

    static func state(_ s: Scenario, now: Timestamp) -> State {
        // Ended before it began (a scheduled scenario ended early, or reset): it never acts.
        if let end = s.end, end <= s.start, !s.isPointEvent { return .ended }
        if s.start > now { return .scheduled }
        if s.isPointEvent { return .ended }
        if let end = s.end, end <= now { return .ended }
        return .active
    }

    /// The stored scenario, with its state at `now`.
    static func object(_ s: Scenario, now: Timestamp) -> JSONValue {
        guard case .object(var o) = step(s) else { return .null }
        o["state"] = .string(state(s, now: now).rawValue)
        if let end = s.end { o["until"] = .string(RFC3339.format(end)) }
        return .object(o)
    }

    /// The scenario as a script step that, loaded into a market at the same start, adds it back.
    static func step(_ s: Scenario) -> JSONValue {
        var o: [String: JSONValue] = ["id": .string(s.id), "at": .string(RFC3339.format(s.start))]
        if let symbol = s.symbol { o["symbol"] = .string(symbol) }
        if let planned = s.plannedEnd, !isLimit(s) { o["for"] = .string(ControlJSONText.duration(planned - s.start)) }
        if let end = s.end, end != s.plannedEnd { o["endedAt"] = .string(RFC3339.format(end)) }
        func price(_ p: Price) -> JSONValue { .number(p.dollars) }
        switch s.kind {
        case .halt(let reason, let reopen):
            o["kind"] = "halt"; o["reason"] = .string(reason.rawValue); o["reopenPercent"] = .number(reopen)
        case .gap(.percent(let p)):
            o["kind"] = "gap"; o["percent"] = .number(p)
        case .gap(.price(let p)):
            o["kind"] = "gap"; o["price"] = price(p)
        case .volatility(let m):
            o["kind"] = "volatility"; o["multiplier"] = .number(m)
        case .liquidity(let m):
            o["kind"] = "liquidity"; o["multiplier"] = .number(m)
        case .trend(let r):
            o["kind"] = "trend"; o["percentPerHour"] = .number(r)
        case .stale:
            o["kind"] = "stale"
        case .session(let phase):
            o["kind"] = "session"; o["phase"] = .string(phase.rawValue)
        case .push(.trade(let p, let size, let exchange, let conditions), let move):
            o["kind"] = "push"; o["event"] = "trade"; o["price"] = price(p); o["size"] = .number(Double(size))
            o["exchange"] = .number(Double(exchange)); o["conditions"] = .array(conditions.map { .number(Double($0)) }); o["moveMarket"] = .bool(move)
        case .push(.quote(let bid, let ask, let bs, let asz, let bx, let ax), let move):
            o["kind"] = "push"; o["event"] = "quote"; o["bid"] = price(bid); o["ask"] = price(ask)
            o["bidSize"] = .number(Double(bs)); o["askSize"] = .number(Double(asz))
            o["bidExchange"] = .number(Double(bx)); o["askExchange"] = .number(Double(ax)); o["moveMarket"] = .bool(move)
        case .cancel(let id):
            o["kind"] = "cancel"; o["tradeId"] = .string(String(id))
        case .correction(let id, let p, let size):
            o["kind"] = "correction"; o["tradeId"] = .string(String(id))
            if let p { o["price"] = price(p) }
            if let size { o["size"] = .number(Double(size)) }
        case .limit(let d):
            o["kind"] = "limit"; o["direction"] = .string(d.rawValue)
        }
        return .object(o)
    }

    private static func isLimit(_ s: Scenario) -> Bool { if case .limit = s.kind { true } else { false } }
}

extension JSONValue: ExpressibleByStringLiteral {
    init(stringLiteral value: String) { self = .string(value) }
}

/// Durations as a person writes them.
enum ControlJSONText {
    /// `90s`, `5m`, `2h`, `1500ms`, from nanoseconds.
    static func duration(_ nanos: Int64) -> String {
        if nanos % Timestamp.nanosPerHour == 0 { return "\(nanos / Timestamp.nanosPerHour)h" }
        if nanos % Timestamp.nanosPerMinute == 0 { return "\(nanos / Timestamp.nanosPerMinute)m" }
        if nanos % Timestamp.nanosPerSecond == 0 { return "\(nanos / Timestamp.nanosPerSecond)s" }
        return "\(max(1, nanos / Timestamp.nanosPerMillisecond))ms"
    }
}
