/// Daily totals of one market's symbols, remembered between questions: a finished day is summed
/// once, and the day the clock is in grows by the minutes since it was last asked. This is what
/// lets a snapshot of hundreds of symbols cost a few minutes each instead of two whole days.
///
/// A memo belongs to one `Market` and one timeline: when the timeline changes, start a new one
/// (a scenario can change any day from its instant on).
public struct DayTotalsMemo {
    private struct Key: Hashable {
        var symbol: SymbolID
        var day: Int64
    }

    private var finished: [Key: WindowTotals] = [:]
    private var running: [SymbolID: DayAccumulator] = [:]
    /// Finished days kept at most: about 100 bytes each.
    public let capacity: Int

    public init(capacity: Int = 400_000) { self.capacity = capacity }

    /// `day`'s totals (a New York day number) as of `asOf`: the whole day when it ended before.
    public mutating func totals(of tape: SymbolTape, day: Int64, asOf: Timestamp) -> WindowTotals {
        let dayEnd = NewYorkTime.startOfDay(CivilDate(dayNumber: day + 1))
        guard asOf < dayEnd else {
            let key = Key(symbol: tape.id, day: day)
            if let known = finished[key] { return known }
            let totals = tape.dailyTotals(day: day)
            if finished.count >= capacity { finished.removeAll(keepingCapacity: true) }
            finished[key] = totals
            return totals
        }
        var acc = running[tape.id].flatMap { $0.day == day ? $0 : nil }
            ?? DayAccumulator(day: day, firstMinute: NewYorkTime.startOfDay(CivilDate(dayNumber: day)).minuteIndex)
        let totals = tape.dailyTotals(continuing: &acc, asOf: asOf)
        running[tape.id] = acc
        return totals
    }

    /// `day`'s daily bar as of `asOf`, or `nil` if nothing set a price in its regular session.
    public mutating func dailyBar(of tape: SymbolTape, day: Int64, asOf: Timestamp) -> AggregateBar? {
        let totals = totals(of: tape, day: day, asOf: asOf)
        guard totals.pricedCount > 0 else { return nil }
        return AggregateBar(start: NewYorkTime.startOfDay(CivilDate(dayNumber: day)),
                            end: NewYorkTime.startOfDay(CivilDate(dayNumber: day + 1)), totals: totals)
    }

    /// The last daily bar of a day before `day`, looking back at most ten days (a weekend and a
    /// holiday fit many times over).
    public mutating func previousDailyBar(of tape: SymbolTape, before day: Int64, asOf: Timestamp) -> AggregateBar? {
        for d in stride(from: day - 1, through: day - 10, by: -1) {
            if let bar = dailyBar(of: tape, day: d, asOf: asOf) { return bar }
        }
        return nil
    }

    /// What a snapshot shows of one symbol at `t`.
    public mutating func snapshot(of tape: SymbolTape, at t: Timestamp) -> SymbolSnapshot {
        let today = NewYorkTime.localDayNumber(of: t)
        let totals = totals(of: tape, day: today, asOf: t)
        let previous = previousDailyBar(of: tape, before: today, asOf: t)
        // Before the day has prices, Alpaca shows the last session as the daily bar and the one
        // before it as the previous.
        let beforePrevious = totals.pricedCount > 0 ? nil : previous.flatMap {
            previousDailyBar(of: tape, before: NewYorkTime.localDayNumber(of: $0.start), asOf: t)
        }
        return SymbolSnapshot(
            lastTrade: tape.lastTrade(atOrBefore: t), lastQuote: tape.lastQuote(atOrBefore: t),
            minuteBar: tape.lastMinuteBar(before: t),
            today: totals.pricedCount > 0 ? AggregateBar(start: NewYorkTime.startOfDay(CivilDate(dayNumber: today)),
                                                         end: NewYorkTime.startOfDay(CivilDate(dayNumber: today + 1)), totals: totals) : nil,
            dayVolume: totals.volume,
            previousDay: previous, sessionBeforePrevious: beforePrevious)
    }
}

/// One symbol at an instant, as the vendors' snapshots show it.
public struct SymbolSnapshot: Sendable {
    public var lastTrade: Trade?
    public var lastQuote: Quote?
    /// The last whole minute with a bar.
    public var minuteBar: AggregateBar?
    /// The New York day so far (regular-session prices, every print's volume), once it has prices.
    public var today: AggregateBar?
    /// Every print's volume today, pre-market included (it counts before the day has prices).
    public var dayVolume: Int64
    /// The last earlier day with a daily bar.
    public var previousDay: AggregateBar?
    /// The session before `previousDay`, found only while today has no prices yet.
    public var sessionBeforePrevious: AggregateBar?

    /// The reference for today's change: yesterday's close.
    public var change: (amount: Double, percent: Double)? {
        guard let trade = lastTrade, let prev = previousDay, prev.close.units > 0 else { return nil }
        let amount = Double(trade.price.units - prev.close.units) / Double(Price.unitsPerDollar)
        return (amount, amount / prev.close.dollars * 100)
    }
}
