import TickforgeMarket

/// One step of a request or a script: a scenario to add, or a halt to end (`resume`).
enum ScenarioStep: Sendable {
    case add(Scenario)
    case resume(symbol: String, at: Timestamp)
}

/// Reads a scenario object (`{"kind": K, "symbol": "AAPL", "at": …, "for": "5m", …}`) into a
/// timeline step, naming the field and what was expected when it cannot.
///
/// `at` is an instant by Tickforge's time rules (RFC 3339, New York time without an offset, a
/// date), or relative to `base` (`"+30s"`), or absent for `now`; it may not lie before `now`, so
/// nothing already sent can change. `for` is a duration (`"90s"`, `"5m"`, `"1h"`) or seconds.
struct ScenarioRequest {
    let now: Timestamp
    /// What relative `at`s count from: now, or a script's `start`.
    let base: Timestamp
    /// The symbol's listing tape, or `nil` if the market has no such symbol.
    let tape: (String) -> Tape?

    /// The highest price and the largest size a request may give: far beyond any listed stock,
    /// and small enough that the notionals of a session's every push add up without overflow.
    static let maxPrice = 100_000.0
    static let maxSize: Int64 = 100_000

    static let kinds = ["halt", "resume", "gap", "volatility", "liquidity", "burst", "trend", "stale", "session", "push", "cancel", "correction", "limit"]

    func parse(_ value: JSONValue, id: String) throws(ControlError) -> ScenarioStep {
        guard case .object(let object) = value else { throw ControlError(400, "a scenario must be a JSON object, got \(value.description)") }
        var fields = Fields(object)
        guard let kindValue = fields.take("kind") else { throw ControlError.field("kind", "one of \(Self.kinds.joined(separator: ", "))") }
        guard case .string(let kind) = kindValue, Self.kinds.contains(kind) else {
            throw ControlError.field("kind", "one of \(Self.kinds.joined(separator: ", "))", got: kindValue)
        }
        _ = fields.take("id")
        let start = try instant(fields.take("at"))
        var duration = try self.duration(fields.take("for"), field: "for")
        let endedAt = try fields.take("endedAt").map { v throws(ControlError) in try absolute(v, field: "endedAt") }
        let symbol: String?
        if kind == "session" {
            symbol = nil
            if fields.take("symbol") != nil { throw ControlError.field("symbol", "no symbol: a session scenario acts on the whole market") }
        } else {
            symbol = try self.symbol(fields.take("symbol"))
        }

        let scenarioKind: Scenario.Kind
        switch kind {
        case "resume":
            if duration != nil { throw ControlError.field("for", "no duration: a resume happens at one instant") }
            if endedAt != nil { throw ControlError.field("endedAt", "nothing: a resume happens at one instant") }
            try fields.finish(kind)
            return .resume(symbol: symbol!, at: start)
        case "halt":
            let tapeC = tape(symbol!) == .c
            let reason = try fields.string("reason", oneOf: HaltReason.allCases.map(\.rawValue)).map { HaltReason(rawValue: $0)! }
                ?? (tapeC ? .volatilityPause : .luldPause)
            scenarioKind = .halt(reason: reason, reopenPercent: try fields.number("reopenPercent", in: -90...1000) ?? 0)
        case "gap":
            let percent = try fields.number("percent", in: -99...10_000)
            let price = try fields.number("price", in: 0.0001...Self.maxPrice)
            switch (percent, price) {
            case (let p?, nil): scenarioKind = .gap(.percent(p))
            case (nil, let p?): scenarioKind = .gap(.price(Price(dollars: p)))
            default: throw ControlError.field("percent", "exactly one of 'percent' (e.g. -8) and 'price' (e.g. 180.5)")
            }
        case "volatility":
            guard let m = try fields.number("multiplier", in: 0.01...100) else { throw ControlError.field("multiplier", "a number from 0.01 to 100, e.g. 3") }
            scenarioKind = .volatility(multiplier: m)
        case "liquidity", "burst":
            let m = try fields.number("multiplier", in: 0.01...100) ?? (kind == "burst" ? 10 : nil)
            guard let m else { throw ControlError.field("multiplier", "a number from 0.01 to 100, e.g. 5") }
            if kind == "burst", duration == nil { duration = 10 * Timestamp.nanosPerSecond }
            scenarioKind = .liquidity(multiplier: m)
        case "trend":
            guard let r = try fields.number("percentPerHour", in: -99...1000) else { throw ControlError.field("percentPerHour", "a number, e.g. 2 or -1.5") }
            scenarioKind = .trend(percentPerHour: r)
        case "stale":
            scenarioKind = .stale
        case "session":
            guard let phase = try fields.string("phase", oneOf: SessionOverride.allCases.map(\.rawValue)) else {
                throw ControlError.field("phase", "one of \(SessionOverride.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            scenarioKind = .session(SessionOverride(rawValue: phase)!)
        case "push":
            guard let event = try fields.string("event", oneOf: ["trade", "quote"]) else { throw ControlError.field("event", "\"trade\" or \"quote\"") }
            let listing = tape(symbol!).map { $0 == .a ? UInt8(10) : ($0 == .b ? 11 : 12) } ?? 12
            let moveMarket = try fields.bool("moveMarket") ?? false
            if event == "trade" {
                guard let price = try fields.number("price", in: 0.0001...Self.maxPrice) else { throw ControlError.field("price", "a price in dollars, e.g. 231.5") }
                guard let size = try fields.integer("size", in: 1...Self.maxSize) else { throw ControlError.field("size", "a whole number of shares, e.g. 100") }
                let exchange = try fields.integer("exchange", in: 1...255).map(UInt8.init) ?? listing
                var conditions = TradeConditions()
                if let list = fields.take("conditions") {
                    guard case .array(let items) = list, items.count <= 4 else { throw ControlError.field("conditions", "an array of up to 4 condition codes, e.g. [14, 41]", got: list) }
                    for item in items {
                        guard case .number(let n) = item, n == n.rounded(), n >= 0, n <= 255 else { throw ControlError.field("conditions", "condition codes from 0 to 255", got: item) }
                        conditions.insert(UInt8(n))
                    }
                }
                scenarioKind = .push(.trade(price: Price(dollars: price), size: Int32(size), exchange: exchange, conditions: conditions), moveMarket: moveMarket)
            } else {
                guard let bid = try fields.number("bid", in: 0.0001...Self.maxPrice) else { throw ControlError.field("bid", "a price in dollars, e.g. 231.49") }
                guard let ask = try fields.number("ask", in: 0.0001...Self.maxPrice) else { throw ControlError.field("ask", "a price in dollars, e.g. 231.51") }
                guard ask >= bid else { throw ControlError.field("ask", "a price at or above the bid (\(bid))", got: .number(ask)) }
                scenarioKind = .push(.quote(
                    bid: Price(dollars: bid), ask: Price(dollars: ask),
                    bidSize: Int32(try fields.integer("bidSize", in: 1...Self.maxSize) ?? 100), askSize: Int32(try fields.integer("askSize", in: 1...Self.maxSize) ?? 100),
                    bidExchange: try fields.integer("bidExchange", in: 1...255).map(UInt8.init) ?? listing,
                    askExchange: try fields.integer("askExchange", in: 1...255).map(UInt8.init) ?? listing
                ), moveMarket: moveMarket)
            }
        case "cancel", "correction":
            guard let idValue = fields.take("tradeId") else { throw ControlError.field("tradeId", "the id of an earlier trade, as a string or a number") }
            let tradeID: Int64
            switch idValue {
            case .string(let s) where Int64(s) != nil: tradeID = Int64(s)!
            case .number(let n) where n == n.rounded() && n > 0 && n < 9e15: tradeID = Int64(n)
            default: throw ControlError.field("tradeId", "the id of an earlier trade, e.g. \"125510646497283\"", got: idValue)
            }
            if kind == "cancel" {
                scenarioKind = .cancel(tradeID: tradeID)
            } else {
                let price = try fields.number("price", in: 0.0001...Self.maxPrice).map { Price(dollars: $0) }
                let size = try fields.integer("size", in: 1...Self.maxSize).map(Int32.init)
                guard price != nil || size != nil else { throw ControlError.field("price", "a corrected 'price', a corrected 'size', or both") }
                scenarioKind = .correction(tradeID: tradeID, price: price, size: size)
            }
        case "limit":
            guard let d = try fields.string("direction", oneOf: ["up", "down"]) else { throw ControlError.field("direction", "\"up\" or \"down\"") }
            scenarioKind = .limit(direction: Scenario.LimitDirection(rawValue: d)!)
        default:
            throw ControlError.field("kind", "one of \(Self.kinds.joined(separator: ", "))", got: kindValue)
        }
        try fields.finish(kind)
        var scenario = Scenario(id: id, kind: scenarioKind, symbol: symbol, start: start, end: duration.map { start + $0 })
        if scenario.isPointEvent, duration != nil { throw ControlError.field("for", "no duration: a \(kind) happens at one instant") }
        if case .limit = scenarioKind, duration != nil { throw ControlError.field("for", "no duration: a limit lasts 25 s and pauses for 5 minutes") }
        if let endedAt {
            guard endedAt >= start else { throw ControlError.field("endedAt", "an instant at or after 'at'") }
            scenario.end = endedAt
        }
        return .add(scenario)
    }

    // MARK: fields

    private func symbol(_ value: JSONValue?) throws(ControlError) -> String {
        guard let value else { throw ControlError.field("symbol", "a ticker, e.g. \"AAPL\"") }
        guard case .string(let s) = value, !s.isEmpty, s.utf8.count <= 16, s.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else {
            throw ControlError.field("symbol", "a ticker of 1–16 letters, digits, '.' or '-', e.g. \"AAPL\"", got: value)
        }
        let ticker = Universe.normalize(s)
        guard tape(ticker) != nil else { throw ControlError(400, "field 'symbol': '\(ticker)' is not in this market's universe (see --universe and --symbols)") }
        return ticker
    }

    func instant(_ value: JSONValue?) throws(ControlError) -> Timestamp {
        guard let value else { return now }
        guard case .string(let text) = value else { throw ControlError.field("at", "an instant such as \"2026-11-23T15:59:30-05:00\" or \"+30s\"", got: value) }
        let t: Timestamp
        if text.hasPrefix("+") {
            let offset = String(text.dropFirst())
            // "+0s": the instant relative times count from (a script's start) itself.
            let zero = ["0", "0s", "0ms", "0m", "0h", "0d"].contains(offset)
            guard let d = zero ? 0 : Self.parseDuration(offset) else { throw ControlError.field("at", "a relative time such as \"+30s\", \"+5m\" or \"+1h\"", got: value) }
            t = base + d
        } else {
            t = try absolute(value, field: "at")
        }
        guard t >= now else {
            throw ControlError(400, "field 'at': \(RFC3339.format(t)) is before the market's current time \(RFC3339.format(now)); a scenario can only change what has not happened yet")
        }
        return t
    }

    private func absolute(_ value: JSONValue, field: String) throws(ControlError) -> Timestamp {
        guard case .string(let text) = value else { throw ControlError.field(field, TimeInput.forms, got: value) }
        do {
            return try TimeInput.parse(text)
        } catch {
            throw ControlError(400, "field '\(field)': \(error)")
        }
    }

    func duration(_ value: JSONValue?, field: String) throws(ControlError) -> Int64? {
        guard let value else { return nil }
        let nanos: Int64?
        switch value {
        case .number(let seconds) where seconds > 0 && seconds * 1e9 <= Double(Self.longestDuration): nanos = Int64(seconds * 1e9)
        case .string(let text): nanos = Self.parseDuration(text)
        default: nanos = nil
        }
        guard let nanos, nanos > 0 else { throw ControlError.field(field, "a positive duration up to a year, such as \"90s\", \"5m\", \"1h\" or a number of seconds", got: value) }
        return nanos
    }

    /// `500ms`, `30s`, `5m`, `1.5h`, `2d`, compounds such as `6h30m` or `1m30s`, or seconds.
    static func parseDuration(_ text: String) -> Int64? {
        if let v = Double(text) { return v > 0 && v * 1e9 <= Double(longestDuration) ? max(1, Int64(v * 1e9)) : nil }
        let scales: [String: Double] = ["ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9, "d": 86_400e9]
        var total = 0.0
        var rest = Substring(text)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard let v = Double(number), let scale = scales[String(unit)] else { return nil }
            total += v * scale
        }
        guard total > 0, total <= Double(longestDuration) else { return nil }
        return max(1, Int64(total))
    }

    /// The longest duration or offset read: a year, far beyond any test, and far from overflowing
    /// when added to an instant.
    static let longestDuration: Int64 = 366 * 86_400 * Timestamp.nanosPerSecond

    /// The fields of an object, taken one by one, so that what is left over can be named.
    struct Fields {
        private var remaining: [String: JSONValue]
        init(_ object: [String: JSONValue]) { remaining = object }

        /// The field's value; an explicit `null` is kept, so that it is refused as the wrong type
        /// rather than silently read as absent.
        mutating func take(_ name: String) -> JSONValue? {
            remaining.removeValue(forKey: name)
        }

        mutating func number(_ name: String, in range: ClosedRange<Double>) throws(ControlError) -> Double? {
            guard let v = take(name) else { return nil }
            guard case .number(let n) = v, n.isFinite, range.contains(n) else {
                throw ControlError.field(name, "a number from \(Self.show(range.lowerBound)) to \(Self.show(range.upperBound))", got: v)
            }
            return n
        }

        mutating func integer(_ name: String, in range: ClosedRange<Int64>) throws(ControlError) -> Int64? {
            guard let v = take(name) else { return nil }
            guard case .number(let n) = v, n == n.rounded(), n >= Double(range.lowerBound), n <= Double(range.upperBound) else {
                throw ControlError.field(name, "a whole number from \(range.lowerBound) to \(range.upperBound)", got: v)
            }
            return Int64(n)
        }

        mutating func string(_ name: String, oneOf choices: [String]) throws(ControlError) -> String? {
            guard let v = take(name) else { return nil }
            guard case .string(let s) = v, choices.contains(s) else { throw ControlError.field(name, "one of \(choices.joined(separator: ", "))", got: v) }
            return s
        }

        mutating func bool(_ name: String) throws(ControlError) -> Bool? {
            guard let v = take(name) else { return nil }
            guard case .bool(let b) = v else { throw ControlError.field(name, "true or false", got: v) }
            return b
        }

        /// Fails on any field the kind does not take.
        func finish(_ kind: String, of thing: String = "scenario") throws(ControlError) {
            guard let extra = remaining.keys.sorted().first else { return }
            throw ControlError(400, "field '\(extra)': not a field of a \(kind) \(thing)")
        }

        private static func show(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x) }
    }
}
