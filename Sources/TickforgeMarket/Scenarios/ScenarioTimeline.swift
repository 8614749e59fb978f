/// The scenarios a market has been given: an immutable list that only grows, or has entries
/// ended, each change making a new version.
///
/// The market at instant t is a pure function of its configuration and the entries that start at
/// or before t. An entry applied "now" is stamped with the market time it takes effect and added
/// here, so nothing before that time changes, and two markets given the same entries agree.
public struct ScenarioTimeline: Sendable, Equatable {
    public private(set) var version = 0
    /// In the order they were added.
    public private(set) var entries: [Scenario] = []

    public init(_ entries: [Scenario] = []) {
        for e in entries { add(e) }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// Adds an entry. A `limit` brings its pause: it drives the price for 10 s, holds the band for
    /// 15 s, and a `LUDP` halt of 5 minutes follows, recorded as the entry `<id>-pause`.
    public mutating func add(_ scenario: Scenario) {
        var scenario = scenario
        if case .limit = scenario.kind {
            let pauseStart = scenario.start + ScenarioEffects.limitRamp + ScenarioEffects.limitHold
            scenario.end = pauseStart
            scenario.plannedEnd = pauseStart
            entries.append(scenario)
            entries.append(Scenario(id: scenario.id + "-pause", kind: .halt(reason: .volatilityPause, reopenPercent: 0),
                                    symbol: scenario.symbol, start: pauseStart, end: pauseStart + Self.limitPause))
        } else {
            entries.append(scenario)
        }
        version += 1
    }

    /// How long the trading pause a `limit` ends in lasts.
    public static let limitPause: Int64 = 5 * Timestamp.nanosPerMinute

    /// Ends a lasting scenario at `t` (if it had not ended before); returns whether it did.
    @discardableResult
    public mutating func end(_ id: String, at t: Timestamp) -> Bool {
        guard let i = entries.firstIndex(where: { $0.id == id }), !entries[i].isPointEvent else { return false }
        guard entries[i].end.map({ $0 > t }) ?? true else { return false }
        entries[i].end = max(t, entries[i].start)
        version += 1
        return true
    }

    /// Ends every lasting scenario still in force, or yet to start, at `t`.
    public mutating func endAll(at t: Timestamp) {
        for e in entries where !e.isPointEvent && (e.end.map { $0 > t } ?? true) { end(e.id, at: t) }
    }

    public func entry(_ id: String) -> Scenario? { entries.first { $0.id == id } }

    /// The entries that act on `ticker`: its own and the market-wide ones, by start time (ties in
    /// the order they were added). A lasting entry ended before it began acts on nothing.
    public func entries(for ticker: String) -> [Scenario] {
        let t = Universe.normalize(ticker)
        return entries.enumerated()
            .filter { ($0.element.symbol == nil || $0.element.symbol == t) && ($0.element.isPointEvent || $0.element.end != $0.element.start) }
            .sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }
            .map(\.element)
    }

    /// The first instant from which the market of `ticker` under `other` may differ from under this
    /// timeline (`nil` if it cannot): the earliest start or end of an entry one has and the other
    /// has not. Prepared minutes before it stay valid.
    public func firstDifference(from other: ScenarioTimeline, for ticker: String) -> Timestamp? {
        let mine = entries(for: ticker), theirs = other.entries(for: ticker)
        var earliest: Timestamp?
        func note(_ t: Timestamp) { earliest = earliest.map { min($0, t) } ?? t }
        let byID = Dictionary(theirs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for e in mine {
            guard let o = byID[e.id] else { note(e.start); continue }
            if o.start != e.start || o.kind != e.kind || o.symbol != e.symbol {
                note(min(e.start, o.start))
            } else if e.end != o.end {
                note(min(e.end ?? .init(nanoseconds: .max), o.end ?? .init(nanoseconds: .max)))
            }
        }
        let mineIDs = Set(mine.map(\.id))
        for o in theirs where !mineIDs.contains(o.id) { note(o.start) }
        return earliest
    }
}
