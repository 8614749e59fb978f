import Testing
@testable import TickforgeMarket

/// Bars of any width over any range come from summaries, and they agree with each other and with
/// the bars the stream sends.
@Suite("Bar history: every width from the same minutes, cut the vendors' way")
struct BarHistoryTests {
    static let universe = try! Universe(seed: 21, symbols: ["AAPL", "KO", "PNNY", "FAKETICKER", "TESTSTOCK"])

    func tape(_ ticker: String, _ hours: MarketHoursMode = .alwaysOpen, seed: UInt64 = 21) -> SymbolTape {
        let market = Market(configuration: MarketConfiguration(seed: seed, marketHours: hours, universe: Self.universe))
        return market.tape(market.symbolID(for: ticker)!)
    }

    static func day(_ y: Int, _ m: Int, _ d: Int) -> Int64 { CivilDate(year: y, month: m, day: d).dayNumber }
    static func midnight(_ day: Int64) -> Timestamp { NewYorkTime.startOfDay(CivilDate(dayNumber: day)) }

    func merged(_ bars: [AggregateBar]) -> WindowTotals {
        var w = WindowTotals()
        for b in bars { w.merge(b.totals) }
        return w
    }

    @Test("a minute bar from history equals the AM bar the stream sends for that minute", arguments: ["AAPL", "PNNY", "FAKETICKER", "TESTSTOCK"])
    func minuteMatchesStream(ticker: String) {
        let t = tape(ticker)
        let start = Fixture.instant("2026-11-23T10:30:00-05:00")
        let history = t.bars(unit: .minute, in: start..<(start + 10 * Timestamp.nanosPerMinute), rules: .polygon)
        let streamed = Fixture.bars(tape(ticker).events(in: (start + 1)..<(start + 10 * Timestamp.nanosPerMinute + 1), kinds: .minuteBars))
        #expect(history.count == 10)
        #expect(history.map(\.start) == streamed.map(\.start))
        for (h, s) in zip(history, streamed) {
            #expect(h.open == s.open && h.high == s.high && h.low == s.low && h.close == s.close)
            #expect(h.volume == s.volume && h.tradeCount == Int64(s.tradeCount) && h.totals.notional == s.notional && h.totals.pricedVolume == s.vwapVolume)
        }
    }

    @Test("an hour is its sixty minutes; a minute is its seconds")
    func hoursAndSeconds() {
        let t = tape("AAPL")
        let start = Fixture.instant("2026-11-23T13:00:00-05:00")
        let hour = t.bars(unit: .hour, in: start..<(start + Timestamp.nanosPerHour), rules: .polygon)
        let minutes = t.bars(unit: .minute, in: start..<(start + Timestamp.nanosPerHour), rules: .polygon)
        #expect(hour.count == 1 && minutes.count == 60)
        #expect(hour[0].totals == merged(minutes))
        let seconds = t.bars(unit: .second, in: start..<(start + Timestamp.nanosPerMinute), rules: .polygon)
        #expect(seconds.count > 30)
        #expect(merged(seconds) == minutes[0].totals)
        let fives = t.bars(unit: .second, multiplier: 5, in: start..<(start + Timestamp.nanosPerMinute), rules: .polygon)
        #expect(fives.count <= 12 && merged(fives) == minutes[0].totals)
    }

    @Test("a day is its minutes: in always-open hours all of them; in calendar hours prices from the regular session, volume from every print")
    func daysAreTheirMinutes() {
        let d = Self.day(2026, 11, 23)
        let open = tape("KO")
        let day = open.bars(unit: .day, in: Self.midnight(d)..<Self.midnight(d + 1), rules: .polygon)
        let minutes = open.bars(unit: .minute, in: Self.midnight(d)..<Self.midnight(d + 1), rules: .polygon)
        #expect(day.count == 1 && minutes.count > 1000)
        #expect(day[0].totals == merged(minutes))

        let calendar = tape("KO", .calendar)
        let cDay = calendar.bars(unit: .day, in: Self.midnight(d)..<Self.midnight(d + 1), rules: .polygon)
        let all = calendar.bars(unit: .minute, in: Self.midnight(d)..<Self.midnight(d + 1), rules: .polygon)
        let session = Fixture.instant("2026-11-23T09:30:00-05:00")..<Fixture.instant("2026-11-23T16:00:00-05:00")
        let regular = merged(all.filter { session.contains($0.start) })
        #expect(cDay.count == 1)
        #expect(cDay[0].open == regular.open && cDay[0].high == regular.high && cDay[0].low == regular.low && cDay[0].close == regular.close)
        #expect(cDay[0].totals.notional == regular.notional && cDay[0].totals.pricedVolume == regular.pricedVolume)
        #expect(cDay[0].volume == merged(all).volume && cDay[0].volume > regular.volume, "extended hours add volume")
        #expect(cDay[0].tradeCount == merged(all).tradeCount)
        // Weekends and holidays have no daily bar at all.
        let weekend = calendar.bars(unit: .day, in: Self.midnight(Self.day(2026, 11, 21))..<Self.midnight(Self.day(2026, 11, 23)), rules: .polygon)
        #expect(weekend.isEmpty)
        #expect(calendar.bars(unit: .minute, in: Self.midnight(Self.day(2026, 11, 26))..<Self.midnight(Self.day(2026, 11, 27)), rules: .polygon).isEmpty)
    }

    @Test("weeks, months, quarters and a year are their days; a year of days is the concatenation of its months")
    func longBars() {
        let t = tape("AAPL", .calendar)
        let year = Self.midnight(Self.day(2025, 1, 1))..<Self.midnight(Self.day(2026, 1, 1))
        let days = t.bars(unit: .day, in: year, rules: .polygon)
        #expect(days.count == 250, "NYSE traded 250 days in 2025")
        var monthly: [AggregateBar] = []
        for m in 1...12 {
            let range = Self.midnight(Self.day(2025, m, 1))..<Self.midnight(m == 12 ? Self.day(2026, 1, 1) : Self.day(2025, m + 1, 1))
            let month = t.bars(unit: .day, in: range, rules: .polygon)
            monthly += month
        }
        #expect(monthly == days)
        let months = t.bars(unit: .month, in: year, rules: .polygon)
        #expect(months.count == 12)
        #expect(merged(months) == merged(days))
        let quarters = t.bars(unit: .quarter, in: year, rules: .polygon)
        #expect(quarters.count == 4 && merged(quarters) == merged(days))
        #expect(quarters.map(\.start) == [1, 4, 7, 10].map { Self.midnight(Self.day(2025, $0, 1)) })
        let wholeYear = t.bars(unit: .year, in: year, rules: .polygon)
        #expect(wholeYear.count == 1 && wholeYear[0].totals == merged(days))
        // Polygon's weeks start on Sunday at midnight New York; each is its days.
        let weeks = t.bars(unit: .week, in: year, rules: .polygon)
        #expect(weeks.allSatisfy { NewYorkTime.date(of: $0.start).weekday == 0 })
        #expect(merged(weeks) == merged(days.filter { $0.start >= weeks[0].start }) || weeks[0].start < year.lowerBound)
        for w in weeks.prefix(10) {
            #expect(w.totals == merged(t.bars(unit: .day, in: w.start..<w.end, rules: .polygon)))
        }
    }

    @Test("Alpaca stamps weeks and months at their first trading day; Polygon at the period's start")
    func stamps() {
        let t = tape("AAPL", .calendar)
        // 2026-06-01 is a Monday; 2025-09-01 was Labor Day, so Alpaca's September starts on the 2nd.
        let range = Self.midnight(Self.day(2025, 9, 1))..<Self.midnight(Self.day(2025, 10, 1))
        #expect(t.bars(unit: .month, in: range, rules: .polygon).first?.start == Self.midnight(Self.day(2025, 9, 1)))
        #expect(t.bars(unit: .month, in: range, rules: .alpaca).first?.start == Self.midnight(Self.day(2025, 9, 2)))
        let week = Self.midnight(Self.day(2025, 8, 31))..<Self.midnight(Self.day(2025, 9, 7))
        #expect(t.bars(unit: .week, in: week, rules: .polygon).first?.start == Self.midnight(Self.day(2025, 8, 31)), "Sunday")
        #expect(t.bars(unit: .week, in: week, rules: .alpaca).first?.start == Self.midnight(Self.day(2025, 9, 2)), "the week's first trading day")
    }

    @Test("Polygon's multi-unit bars start at the range's start; Alpaca's at whole multiples")
    func anchoring() {
        let t = tape("AAPL")
        let from = Fixture.instant("2026-11-23T10:07:00-05:00")
        let polygon = t.bars(unit: .minute, multiplier: 5, in: from..<(from + Timestamp.nanosPerHour), rules: .polygon)
        #expect(polygon.first?.start == from && polygon.count == 12)
        let alpaca = t.bars(unit: .minute, multiplier: 5, in: from..<(from + Timestamp.nanosPerHour), rules: .alpaca)
        #expect(alpaca.first?.start == Fixture.instant("2026-11-23T10:10:00-05:00"))
        #expect(alpaca.allSatisfy { $0.start.nanoseconds % (5 * Timestamp.nanosPerMinute) == 0 })
    }

    @Test("nothing after the market clock: the minute the clock is in counts its trades so far")
    func asOf() {
        let t = tape("AAPL")
        let minute = Fixture.instant("2026-11-23T11:00:00-05:00")
        let now = minute + 25 * Timestamp.nanosPerSecond
        let bars = t.bars(unit: .minute, in: (minute + -Timestamp.nanosPerMinute)..<(minute + Timestamp.nanosPerHour), rules: .polygon, asOf: now)
        #expect(bars.count == 2)
        let trades = Fixture.trades(tape("AAPL").events(in: minute..<now, kinds: .trades))
        #expect(bars[1].totals == Fixture.rebuild(trades))
        let day = t.bars(unit: .day, in: Self.midnight(Self.day(2026, 11, 23))..<Self.midnight(Self.day(2026, 11, 24)), rules: .polygon, asOf: now)
        let before = t.bars(unit: .minute, in: Self.midnight(Self.day(2026, 11, 23))..<minute, rules: .polygon)
        var expected = merged(before)
        expected.merge(Fixture.rebuild(trades))
        #expect(day.count == 1 && day[0].totals == expected)
    }

    @Test("history is a pure function: cold, warm and in any order, two markets agree")
    func determinism() {
        let range = Self.midnight(Self.day(2026, 3, 2))..<Self.midnight(Self.day(2026, 3, 14))
        let a = tape("TESTSTOCK", .calendar)
        let b = tape("TESTSTOCK", .calendar)
        _ = b.bars(unit: .minute, in: Self.midnight(Self.day(2026, 3, 9))..<Self.midnight(Self.day(2026, 3, 10)), rules: .alpaca)
        _ = b.events(in: Fixture.window("2026-03-10T10:00:00-04:00", "2026-03-10T10:01:00-04:00"), kinds: .all)
        #expect(a.bars(unit: .day, in: range, rules: .alpaca) == b.bars(unit: .day, in: range, rules: .alpaca))
        #expect(a.bars(unit: .hour, in: range, rules: .polygon) == b.bars(unit: .hour, in: range, rules: .polygon))
        #expect(tape("TESTSTOCK", .calendar, seed: 22).bars(unit: .day, in: range, rules: .alpaca) != a.bars(unit: .day, in: range, rules: .alpaca))
    }
}
