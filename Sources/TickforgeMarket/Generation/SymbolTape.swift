/// The tape of one symbol: its path, its tick generator and its running day totals.
///
/// A tape answers "what happened in minute M" for any M, in any order, with the same answer every
/// time. Caches only make sequential access cheap; they never change a result.
/// Not thread-safe: a tape has one owner.
public final class SymbolTape {
    public let id: SymbolID
    public let profile: SymbolProfile
    private let path: PricePath
    private let ticks: MinuteTicks
    private var day: DayAccumulator

    init(id: SymbolID, profile: SymbolProfile, seedKey: RandomKey, mode: MarketHoursMode) {
        self.id = id
        self.profile = profile
        let symbolKey = seedKey.symbol(profile.ticker)
        path = PricePath(profile: profile, symbolKey: symbolKey, marketKey: seedKey.child(.marketFactor), mode: mode)
        ticks = MinuteTicks(profile: profile, symbol: id, symbolKey: symbolKey)
        day = DayAccumulator(day: .min, firstMinute: .min)
    }

    /// The path state of minute `M` (minutes since the epoch).
    public func minuteState(_ M: Int64) -> MinuteState { path.minute(M) }

    /// What minute `M` adds up to, at a bounded cost: its trades are generated only when there are
    /// few of them. The trades `appendMinute` emits for `M` realise it exactly.
    public func summary(_ M: Int64) -> MinuteSummary { ticks.summary(path.minute(M)) }

    /// Appends minute `M`'s events, in time order, to `out`. Bars of minute M are stamped at the
    /// minute's end, so they belong with events at or after `M + 1`'s start.
    public func appendMinute(_ M: Int64, kinds: EventKinds, into out: inout [MarketEvent]) {
        let state = path.minute(M)
        if kinds.isDisjoint(with: .needingDayTotals) {
            guard state.shape.phase.isOpen else { return }
            var scratch = DayAccumulator(day: 0, firstMinute: M)
            ticks.emit(state, kinds: kinds, into: &out, day: &scratch)
            return
        }
        catchUpDay(to: M)
        guard state.shape.phase.isOpen else {
            day.nextMinute = M + 1
            return
        }
        ticks.emit(state, kinds: kinds, into: &out, day: &day)
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
            let state = path.minute(day.nextMinute)
            if state.shape.phase.isOpen {
                day.add(ticks.summary(state))
            } else {
                day.nextMinute += 1
            }
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
}
