/// The tape of one symbol: its path, its tick generator, its running day totals, and the effects of
/// the scenarios on its timeline.
///
/// A tape answers "what happened in minute M" for any M, in any order, with the same answer every
/// time for the same timeline. Caches only make sequential access cheap; they never change a result.
/// Not thread-safe: a tape has one owner.
public final class SymbolTape {
    public let id: SymbolID
    public let profile: SymbolProfile
    let path: PricePath
    let ticks: MinuteTicks
    let symbolKey: RandomKey
    let mode: MarketHoursMode
    private let store: TimelineStore
    private var day: DayAccumulator
    private var cachedEffects: (version: Int, effects: ScenarioEffects?)?

    init(id: SymbolID, profile: SymbolProfile, seedKey: RandomKey, mode: MarketHoursMode, timeline: TimelineStore) {
        self.id = id
        self.profile = profile
        self.mode = mode
        store = timeline
        symbolKey = seedKey.symbol(profile.ticker)
        path = PricePath(profile: profile, symbolKey: symbolKey, marketKey: seedKey.child(.marketFactor), mode: mode)
        ticks = MinuteTicks(profile: profile, symbol: id, symbolKey: symbolKey)
        day = DayAccumulator(day: .min, firstMinute: .min)
    }

    /// The path state of minute `M` (minutes since the epoch), before any scenario.
    public func minuteState(_ M: Int64) -> MinuteState { path.minute(M) }

    /// The scenarios acting on this symbol, as functions of time; `nil` when there are none.
    var effects: ScenarioEffects? {
        let timeline = store.timeline
        if let cached = cachedEffects, cached.version == timeline.version { return cached.effects }
        let entries = timeline.entries(for: profile.ticker)
        let effects = entries.isEmpty ? nil : ScenarioEffects(
            entries: entries, symbolKey: symbolKey, profile: profile, calendarMode: mode == .calendar,
            baseLevel: { [unowned self] t in self.baseLevel(at: t) }
        )
        cachedEffects = (timeline.version, effects)
        return effects
    }

    /// The unperturbed log level at an instant, on a straight line through its minute.
    func baseLevel(at t: Timestamp) -> Double {
        let state = path.minute(t.minuteIndex)
        let fraction = Double(t.nanoseconds - t.minuteIndex * Timestamp.nanosPerMinute) / Double(Timestamp.nanosPerMinute)
        return state.startLevel + fraction * (state.endLevel - state.startLevel)
    }

    /// The session phase at an instant, after any forced `session` scenario.
    public func sessionPhase(at t: Timestamp) -> SessionPhase {
        guard let fx = effects else { return path.minute(t.minuteIndex).shape.phase }
        return phase(at: t, fx)
    }

    /// What minute `M` adds up to, at a bounded cost: its trades are generated only when there are
    /// few of them, or when a scenario changes course inside it. The trades `appendMinute` emits
    /// for `M` realise it exactly.
    public func summary(_ M: Int64) -> MinuteSummary {
        guard let fx = effects else { return ticks.summary(path.minute(M)) }
        let (t0, t1) = Self.bounds(M)
        if fx.isUniform(from: t0, to: t1) { return ticks.summary(uniformState(M, fx)) }
        return boundaryMinute(M, fx).summary
    }

    /// Appends minute `M`'s events, in time order, to `out`. Bars of minute M are stamped at the
    /// minute's end, so they belong with events at or after `M + 1`'s start.
    public func appendMinute(_ M: Int64, kinds: EventKinds, into out: inout [MarketEvent]) {
        appendMinute(M, kinds: kinds, into: &out, annotated: true)
    }

    /// `annotated: false` leaves out corrections and cancels, which look up the trades they
    /// name: a lookup must not look itself up again.
    func appendMinute(_ M: Int64, kinds: EventKinds, into out: inout [MarketEvent], annotated: Bool) {
        let fx = effects
        // Price bands come first: they read the minutes before, and leave no trace on this one.
        let bands = kinds.contains(.lulds) ? luldBands(minute: M) : []
        let (t0, t1) = Self.bounds(M)
        if let fx, !fx.isUniform(from: t0, to: t1) {
            let minute = boundaryMinute(M, fx)
            var dayTotals = DayAccumulator(day: 0, firstMinute: M)
            if !kinds.isDisjoint(with: .needingDayTotals) {
                catchUpDay(to: M)
                dayTotals = day
            }
            let notes = annotated ? annotations(M, fx, kinds: kinds) : []
            minute.emit(kinds: kinds, annotations: bands + notes, into: &out, day: &dayTotals, tape: self)
            if !kinds.isDisjoint(with: .needingDayTotals) { day = dayTotals; day.nextMinute = M + 1 }
            return
        }
        let state = fx.map { uniformState(M, $0) } ?? path.minute(M)
        let start = out.count
        if kinds.isDisjoint(with: .needingDayTotals) {
            if state.shape.phase.isOpen {
                var scratch = DayAccumulator(day: 0, firstMinute: M)
                ticks.emit(state, kinds: kinds, into: &out, day: &scratch)
            }
        } else {
            catchUpDay(to: M)
            if state.shape.phase.isOpen {
                ticks.emit(state, kinds: kinds, into: &out, day: &day)
            } else {
                day.nextMinute = M + 1
            }
        }
        let extra = bands + (annotated ? fx.map { annotations(M, $0, kinds: kinds) } ?? [] : [])
        if !extra.isEmpty { Self.merge(extra, into: &out, from: start) }
    }

    /// The New York day's totals before minute `M`: the sum of the day's minute summaries so far.
    public func dayTotals(before M: Int64) -> DayAccumulator {
        catchUpDay(to: M)
        return day
    }

    /// Brings the day totals to the start of minute `M` by adding up minute summaries (O(minutes),
    /// never O(trades); sequential access costs one summary per minute).
    private func catchUpDay(to M: Int64) {
        let start = Timestamp(nanoseconds: M * Timestamp.nanosPerMinute)
        let dayNumber = NewYorkTime.localDayNumber(of: start)
        if day.day != dayNumber || day.nextMinute > M {
            let firstMinute = NewYorkTime.startOfDay(CivilDate(dayNumber: dayNumber)).minuteIndex
            day = DayAccumulator(day: dayNumber, firstMinute: firstMinute)
        }
        while day.nextMinute < M {
            let s = summary(day.nextMinute)
            if s.tradeCount > 0 { day.add(s) } else { day.nextMinute += 1 }
        }
    }

    /// Every event with a timestamp in `window`, in time order.
    public func events(in window: Range<Timestamp>, kinds: EventKinds = .all) -> [MarketEvent] {
        var out: [MarketEvent] = []
        appendEvents(in: window, kinds: kinds, into: &out)
        return out
    }

    /// Appends every event with a timestamp in `window` to `out`, in time order.
    public func appendEvents(in window: Range<Timestamp>, kinds: EventKinds, into out: inout [MarketEvent]) {
        guard let minutes = Market.minutes(covering: window, kinds: kinds) else { return }
        var scratch: [MarketEvent] = []
        for M in minutes {
            scratch.removeAll(keepingCapacity: true)
            appendMinute(M, kinds: kinds, into: &scratch)
            for e in scratch where window.contains(e.timestamp) { out.append(e) }
        }
    }

    static func bounds(_ M: Int64) -> (Timestamp, Timestamp) {
        (Timestamp(nanoseconds: M * Timestamp.nanosPerMinute), Timestamp(nanoseconds: (M + 1) * Timestamp.nanosPerMinute))
    }

    /// Inserts `extra` (time-ordered) among the events appended after `from`, each after the events
    /// stamped at or before it.
    static func merge(_ extra: [MarketEvent], into out: inout [MarketEvent], from: Int) {
        let sorted = extra.sorted { $0.timestamp < $1.timestamp }
        var merged: [MarketEvent] = []
        merged.reserveCapacity(out.count - from + sorted.count)
        var j = 0
        for i in from..<out.count {
            while j < sorted.count, sorted[j].timestamp < out[i].timestamp { merged.append(sorted[j]); j += 1 }
            merged.append(out[i])
        }
        merged.append(contentsOf: sorted[j...])
        out.replaceSubrange(from..<out.count, with: merged)
    }
}

/// The timeline a market's tapes read. The market's owner installs new versions.
final class TimelineStore {
    var timeline = ScenarioTimeline()
}
