/// Bars of any width over any range, at the cost of their bars: minutes are read from their
/// summaries, days from the sums of their minutes, and only seconds (and a minute cut short by
/// `asOf`) from trades.
extension SymbolTape {
    /// The bars of `multiplier` × `unit` whose stamps fall in `range`, built by `rules`, counting only
    /// what happened before `asOf` (the market clock; `nil` for no limit). A bar exists only where a
    /// print that sets prices happened: no empty or zero bars. With `limit`, the first `limit` bars
    /// only, at the cost of those (a page of a long range).
    ///
    /// Units below a day aggregate minutes (extended hours included, odd lots adding volume only);
    /// a day and longer aggregate daily bars (prices from regular-session round lots, every print's
    /// volume), cut at New York midnight.
    public func bars(unit: BarUnit, multiplier: Int = 1, in range: Range<Timestamp>, rules: BarRules, asOf: Timestamp? = nil,
                     limit: Int = .max) -> [AggregateBar] {
        precondition(multiplier >= 1, "a multiplier is at least 1")
        guard !range.isEmpty, limit > 0 else { return [] }
        guard unit.isDaily else { return intradayBars(unit: unit, multiplier: multiplier, in: range, rules: rules, asOf: asOf, limit: limit) }
        var scratch: [MarketEvent] = []
        return dailyBars(unit: unit, multiplier: multiplier, in: range, rules: rules, asOf: asOf, limit: limit) { day in
            dailyTotals(day: day, asOf: asOf, scratch: &scratch)
        }
    }

    /// The same, with days of a day and longer taken from `memo` (and remembered there): a
    /// second question over the same days costs their lookups.
    public func bars(unit: BarUnit, multiplier: Int = 1, in range: Range<Timestamp>, rules: BarRules, asOf: Timestamp,
                     limit: Int = .max, memo: inout DayTotalsMemo) -> [AggregateBar] {
        guard unit.isDaily, !range.isEmpty, limit > 0 else {
            return bars(unit: unit, multiplier: multiplier, in: range, rules: rules, asOf: asOf, limit: limit)
        }
        return dailyBars(unit: unit, multiplier: multiplier, in: range, rules: rules, asOf: asOf, limit: limit) { day in
            memo.totals(of: self, day: day, asOf: asOf)
        }
    }

    // MARK: below a day

    private func intradayBars(unit: BarUnit, multiplier: Int, in range: Range<Timestamp>, rules: BarRules, asOf: Timestamp?, limit: Int) -> [AggregateBar] {
        let unitNanos: Int64 = switch unit {
        case .second: Timestamp.nanosPerSecond
        case .minute: Timestamp.nanosPerMinute
        default: Timestamp.nanosPerHour
        }
        let length = unitNanos * Int64(multiplier)
        // Polygon anchors multi-unit bars at the range's start; otherwise buckets are whole
        // multiples since the epoch (New York's offset is whole hours, so minutes and hours align).
        let anchor = rules.anchoredAtRangeStart ? range.lowerBound.nanoseconds : 0
        let cutoff = asOf?.nanoseconds ?? .max
        let firstBucket = (range.lowerBound.nanoseconds - anchor + length - 1).floorDivided(by: length)
        var out: [AggregateBar] = []
        var scratch = TradeCache()
        var bucket = firstBucket
        while true {
            let start = anchor + bucket * length
            guard start < range.upperBound.nanoseconds, start < cutoff, out.count < limit else { break }
            let end = start + length
            let stop = min(end, cutoff)
            var totals = WindowTotals()
            var minuteBars: Int64 = 0
            if unit == .second {
                addTrades(from: start, to: stop, into: &totals, scratch: &scratch)
                minuteBars = 1
            } else {
                var M = start.floorDivided(by: Timestamp.nanosPerMinute)
                while M * Timestamp.nanosPerMinute < stop {
                    if (M + 1) * Timestamp.nanosPerMinute <= stop {
                        let s = summary(M)
                        if s.tradeCount > 0 { totals.merge(s.barTotals) }
                        if s.hasPrices { minuteBars += 1 }
                    } else {
                        let before = totals.pricedCount
                        addTrades(from: M * Timestamp.nanosPerMinute, to: stop, into: &totals, scratch: &scratch)
                        if totals.pricedCount > before { minuteBars += 1 }
                    }
                    M += 1
                }
            }
            if totals.pricedCount > 0 {
                out.append(AggregateBar(start: Timestamp(nanoseconds: start), end: Timestamp(nanoseconds: end), totals: totals, baseCount: minuteBars))
            }
            bucket += 1
        }
        return out
    }

    /// Adds the trades stamped in `[from, to)` to `totals`. A minute's trades are generated once
    /// and kept in `scratch` while consecutive calls stay in that minute (second bars).
    private func addTrades(from: Int64, to: Int64, into totals: inout WindowTotals, scratch: inout TradeCache) {
        var M = from.floorDivided(by: Timestamp.nanosPerMinute)
        while M * Timestamp.nanosPerMinute < to {
            if scratch.minute != M {
                scratch.events.removeAll(keepingCapacity: true)
                appendMinute(M, kinds: .trades, into: &scratch.events)
                scratch.minute = M
            }
            for case .trade(let t) in scratch.events where t.timestamp.nanoseconds >= from && t.timestamp.nanoseconds < to {
                totals.add(price: t.price, size: t.size, setsPrice: t.size >= t.price.roundLot)
            }
            M += 1
        }
    }

    /// One minute's trades, kept while bars are cut from it.
    struct TradeCache {
        var minute: Int64 = .min
        var events: [MarketEvent] = []
    }

    // MARK: a day and longer

    private func dailyBars(unit: BarUnit, multiplier: Int, in range: Range<Timestamp>, rules: BarRules, asOf: Timestamp?, limit: Int,
                           dayTotals: (Int64) -> WindowTotals) -> [AggregateBar] {
        precondition(multiplier >= 1, "a multiplier is at least 1")
        let firstDay = NewYorkTime.localDayNumber(of: range.lowerBound)
        let lastDay = NewYorkTime.localDayNumber(of: Timestamp(nanoseconds: range.upperBound.nanoseconds - 1))
        let anchorDay = rules.anchoredAtRangeStart ? firstDay : nil
        var out: [AggregateBar] = []
        var period = Self.period(containing: firstDay, unit: unit, multiplier: multiplier, rules: rules, anchorDay: anchorDay)
        while period.lowerBound <= lastDay, out.count < limit {
            let periodStart = NewYorkTime.startOfDay(CivilDate(dayNumber: period.lowerBound))
            if let asOf, periodStart >= asOf { break }
            var totals = WindowTotals()
            var firstTradingDay: Int64?
            var dailyBars: Int64 = 0
            for day in period {
                let dayStart = NewYorkTime.startOfDay(CivilDate(dayNumber: day))
                if let asOf, dayStart >= asOf { break }
                let bar = dayTotals(day)
                if bar.pricedCount > 0 {
                    if firstTradingDay == nil { firstTradingDay = day }
                    dailyBars += 1
                }
                totals.merge(bar)
            }
            // Polygon snaps `from` to its period's start, so every period that overlaps the range
            // counts whole; otherwise a bar is in the range when its stamp is.
            let stampDay = rules.stampsAtFirstTradingDay && unit > .day ? (firstTradingDay ?? period.lowerBound) : period.lowerBound
            let stamp = NewYorkTime.startOfDay(CivilDate(dayNumber: stampDay))
            if totals.pricedCount > 0, rules.anchoredAtRangeStart || range.contains(stamp) {
                out.append(AggregateBar(start: stamp, end: NewYorkTime.startOfDay(CivilDate(dayNumber: period.upperBound)), totals: totals,
                                        baseCount: dailyBars))
            }
            period = Self.period(containing: period.upperBound, unit: unit, multiplier: multiplier, rules: rules, anchorDay: anchorDay)
        }
        return out
    }

    /// One New York day as a daily bar: regular-session round lots' prices and VWAP, every print's
    /// volume and count, counting only what happened before `asOf`.
    public func dailyTotals(day: Int64, asOf: Timestamp? = nil) -> WindowTotals {
        var scratch: [MarketEvent] = []
        return dailyTotals(day: day, asOf: asOf, scratch: &scratch)
    }

    /// The same, carrying on from `day`, an accumulator of one day counted through some whole
    /// minute: it is advanced through the whole minutes before `asOf` (or the day's end), so a
    /// later call with a later instant costs only the minutes between. One counted past `asOf`
    /// starts again.
    public func dailyTotals(continuing day: inout DayAccumulator, asOf: Timestamp?) -> WindowTotals {
        var scratch: [MarketEvent] = []
        return dailyTotals(continuing: &day, asOf: asOf, scratch: &scratch)
    }

    private func dailyTotals(day: Int64, asOf: Timestamp?, scratch: inout [MarketEvent]) -> WindowTotals {
        var acc = DayAccumulator(day: day, firstMinute: NewYorkTime.startOfDay(CivilDate(dayNumber: day)).minuteIndex)
        return dailyTotals(continuing: &acc, asOf: asOf, scratch: &scratch)
    }

    private func dailyTotals(continuing acc: inout DayAccumulator, asOf: Timestamp?, scratch: inout [MarketEvent]) -> WindowTotals {
        let first = NewYorkTime.startOfDay(CivilDate(dayNumber: acc.day)).minuteIndex
        let end = NewYorkTime.startOfDay(CivilDate(dayNumber: acc.day + 1)).minuteIndex
        let limit = asOf.map { min(end, max(first, $0.minuteIndex)) } ?? end
        if acc.nextMinute > limit { acc = DayAccumulator(day: acc.day, firstMinute: first) }
        while acc.nextMinute < limit {
            let s = summary(acc.nextMinute)
            if s.tradeCount > 0 { acc.add(s) } else { acc.nextMinute += 1 }
        }
        // The minute the clock is in, up to the instant, counted on a copy: the accumulator keeps
        // whole minutes only.
        var day = acc
        if let asOf, limit < end, asOf.nanoseconds > limit * Timestamp.nanosPerMinute {
            scratch.removeAll(keepingCapacity: true)
            appendMinute(limit, kinds: .trades, into: &scratch)
            let regular = minuteState(limit).shape.phase == .regular
            for case .trade(let t) in scratch where t.timestamp < asOf {
                day.add(price: t.price, size: t.size, setsPrice: t.size >= t.price.roundLot, regular: regular)
            }
        }
        var totals = day.regular
        totals.volume = day.volume
        totals.tradeCount = day.tradeCount
        return totals
    }

    /// The days (New York day numbers, half-open) of the period of `multiplier` × `unit` that holds `day`.
    static func period(containing day: Int64, unit: BarUnit, multiplier: Int, rules: BarRules, anchorDay: Int64?) -> Range<Int64> {
        let m = Int64(multiplier)
        switch unit {
        case .day:
            let anchor = anchorDay ?? 0
            let start = anchor + (day - anchor).floorDivided(by: m) * m
            return start..<(start + m)
        case .week:
            // Day 0 (1970-01-01) was a Thursday: Sunday-based weeks start on day −4 + 7k, Monday-based on −3 + 7k.
            func weekStart(_ d: Int64) -> Int64 { d - (d + (rules.weekStartsOnSunday ? 4 : 3)).floorModulo(7) }
            let anchor = weekStart(anchorDay ?? 0)
            let start = anchor + (weekStart(day) - anchor).floorDivided(by: 7 * m) * 7 * m
            return start..<(start + 7 * m)
        case .month, .quarter, .year:
            let months = m * (unit == .month ? 1 : (unit == .quarter ? 3 : 12))
            let date = CivilDate(dayNumber: day)
            let index = Int64(date.year) * 12 + Int64(date.month - 1)
            // Quarters and years begin with their calendar period; Polygon's multiples count from the range's.
            let base: Int64
            if let anchorDay {
                let a = CivilDate(dayNumber: anchorDay)
                let aIndex = Int64(a.year) * 12 + Int64(a.month - 1)
                let natural = unit == .month ? aIndex : aIndex - aIndex.floorModulo(unit == .quarter ? 3 : 12)
                base = natural
            } else {
                base = 0
            }
            let startIndex = base + (index - base).floorDivided(by: months) * months
            func dayNumber(_ i: Int64) -> Int64 {
                CivilDate(year: Int(i.floorDivided(by: 12)), month: Int(i.floorModulo(12)) + 1, day: 1).dayNumber
            }
            return dayNumber(startIndex)..<dayNumber(startIndex + months)
        case .second, .minute, .hour:
            preconditionFailure("intraday units are not cut in days")
        }
    }
}
