/// The newest bars of a range without building the whole range: a descending page of ten years
/// of minutes costs its page, not ten years.
extension SymbolTape {
    /// The last `count` bars (in ascending order) of what `bars(unit:multiplier:in:rules:asOf:memo:)`
    /// gives for `range`, and whether the range holds more before them. The range is read
    /// backwards in spans that double, each cut on the bars' own grid so no bar straddles two.
    public func lastBars(unit: BarUnit, multiplier: Int = 1, in range: Range<Timestamp>, rules: BarRules, asOf: Timestamp,
                         count: Int, memo: inout DayTotalsMemo) -> (bars: [AggregateBar], more: Bool) {
        precondition(multiplier >= 1 && count >= 1, "a multiplier and a count are at least 1")
        guard !range.isEmpty else { return ([], false) }
        let m = Int64(multiplier)
        var found: [AggregateBar] = []
        if unit.isDaily {
            let firstDay = NewYorkTime.localDayNumber(of: range.lowerBound)
            let anchorDay = rules.anchoredAtRangeStart ? firstDay : nil
            // Nothing after the clock: start from the day it is in.
            var upperDay = min(NewYorkTime.localDayNumber(of: Timestamp(nanoseconds: range.upperBound.nanoseconds - 1)),
                               NewYorkTime.localDayNumber(of: asOf)) + 1
            var span = min(Int64(count + 1) * 2 * (unit == .day ? m : 7 * m), 1 << 40)
            while upperDay > firstDay, found.count <= count {
                // A span's first day is a period's first day (or the range's), so periods stay whole.
                var lowerDay = max(firstDay, upperDay - span)
                if lowerDay > firstDay {
                    lowerDay = max(firstDay, Self.period(containing: lowerDay, unit: unit, multiplier: multiplier, rules: rules, anchorDay: anchorDay).lowerBound)
                }
                let lower = lowerDay == firstDay ? range.lowerBound : NewYorkTime.startOfDay(CivilDate(dayNumber: lowerDay))
                let upper = min(range.upperBound, NewYorkTime.startOfDay(CivilDate(dayNumber: upperDay)))
                found = bars(unit: unit, multiplier: multiplier, in: lower..<upper, rules: rules, asOf: asOf, memo: &memo) + found
                upperDay = lowerDay
                span = min(span * 2, 1 << 40)
            }
        } else {
            let length = m * (unit == .second ? Timestamp.nanosPerSecond : (unit == .minute ? Timestamp.nanosPerMinute : Timestamp.nanosPerHour))
            let anchor = rules.anchoredAtRangeStart ? range.lowerBound.nanoseconds : 0
            var upper = min(range.upperBound.nanoseconds, asOf.nanoseconds + 1)
            // Spans saturate: a multiplier of a million hours is a bar longer than the epoch.
            let first = Int64(count + 1).multipliedReportingOverflow(by: 2 * length)
            var span = first.overflow ? Int64.max / 4 : min(first.partialValue, Int64.max / 4)
            while upper > range.lowerBound.nanoseconds, found.count <= count {
                let candidate = max(range.lowerBound.nanoseconds, upper - span)
                let lower = max(range.lowerBound.nanoseconds, anchor + (candidate - anchor).floorDivided(by: length) * length)
                found = bars(unit: unit, multiplier: multiplier, in: Timestamp(nanoseconds: lower)..<Timestamp(nanoseconds: upper),
                             rules: rules, asOf: asOf) + found
                upper = lower
                span = span > Int64.max / 4 ? span : span * 2
            }
        }
        return (Array(found.suffix(count)), found.count > count)
    }
}
