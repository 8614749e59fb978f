import Testing
@testable import TickforgeMarket

/// What REST asks of a tape: the last prints before an instant, listings a page at a time, and
/// day totals remembered between questions. Each is checked against the events themselves.
@Suite("History queries: last prints, pages of prints, remembered day totals")
struct HistoryQueryTests {
    static let universe = try! Universe(seed: 5, symbols: ["AAPL", "PNNY"])

    func tape(_ ticker: String = "AAPL", _ hours: MarketHoursMode = .calendar) -> SymbolTape {
        let market = Market(configuration: MarketConfiguration(seed: 5, marketHours: hours, universe: Self.universe))
        return market.tape(market.symbolID(for: ticker)!)
    }

    @Test("the last trade and quote are the last events at or before the instant, even across a weekend")
    func lastPrints() {
        let t = tape()
        let tuesday = Fixture.instant("2026-11-24T10:30:17.250-05:00")
        let events = t.events(in: (tuesday + -Timestamp.nanosPerMinute)..<(tuesday + 1), kinds: [.trades, .quotes])
        let trades = events.compactMap { if case .trade(let x) = $0 { x } else { nil } }
        let quotes = events.compactMap { if case .quote(let x) = $0 { x } else { nil } }
        #expect(t.lastTrade(atOrBefore: tuesday) == trades.last)
        #expect(t.lastQuote(atOrBefore: tuesday) == quotes.last)

        // Sunday noon: the last prints are Friday's after-hours ones.
        let sunday = Fixture.instant("2026-11-22T12:00:00-05:00")
        let friday = Fixture.instant("2026-11-20T19:00:00-05:00")
        let fridayTrades = t.events(in: friday..<sunday, kinds: .trades).compactMap { if case .trade(let x) = $0 { x } else { nil } }
        #expect(t.lastTrade(atOrBefore: sunday) == fridayTrades.last)
        #expect(t.lastTrade(atOrBefore: sunday)!.timestamp < Fixture.instant("2026-11-20T20:00:00-05:00"))
        let bar = t.lastMinuteBar(before: sunday)!
        #expect(bar.start == Timestamp(nanoseconds: fridayTrades.last!.timestamp.minuteIndex * Timestamp.nanosPerMinute))
    }

    @Test("pages of any size, in either order, list every print of the window once and in order",
          arguments: [(1, 10), (7, 70), (250, 180), (5_000, 180)])
    func pagesCoverTheWindow(pageSize: Int, seconds: Int64) {
        let t = tape()
        let start = Fixture.instant("2026-11-24T10:00:50-05:00")
        let window = start..<(start + seconds * Timestamp.nanosPerSecond)
        let all = t.events(in: window, kinds: .trades).compactMap { if case .trade(let x) = $0 { x } else { nil } }
        #expect(all.count > 5, "the window has prints to page through (one page, for the largest size)")
        for descending in [false, true] {
            var listed: [Trade] = []
            var position: ListingPosition?
            var pages = 0
            repeat {
                let page = t.trades(in: window, descending: descending, limit: pageSize, from: position)
                #expect(page.rows.count <= pageSize)
                #expect(page.next == nil || page.rows.count == pageSize, "a page short of its limit is the last")
                if let next = page.next, let previous = position { #expect(next != previous, "a token never repeats") }
                listed += page.rows
                position = page.next
                pages += 1
            } while position != nil && pages < 10_000
            #expect(listed == (descending ? all.reversed() : all))
        }
    }

    @Test("rows sharing one stamp are split across pages without loss")
    func sharedStamps() {
        let t = tape()
        let window = Fixture.instant("2026-11-24T10:00:00-05:00")..<Fixture.instant("2026-11-24T10:05:00-05:00")
        let all = t.events(in: window, kinds: .quotes).compactMap { if case .quote(let x) = $0 { x } else { nil } }
        // Each trade's quote comes a few microseconds before it; stamps repeat rarely, so make
        // one: resume inside a run of equal stamps if there is one, else at any row.
        let i = (1..<all.count).first { all[$0].timestamp == all[$0 - 1].timestamp } ?? 10
        let position = ListingPosition(timestamp: all[i].timestamp, skip: all[..<i].filter { $0.timestamp == all[i].timestamp }.count)
        let rest = t.quotes(in: window, descending: false, limit: 1_000_000, from: position)
        #expect(rest.rows == Array(all[i...]))
        #expect(rest.next == nil)
    }

    @Test("remembered day totals equal totals counted afresh, as the clock moves through the day")
    func memo() {
        let t = tape("PNNY")
        var memo = DayTotalsMemo()
        let day = CivilDate(year: 2026, month: 11, day: 24).dayNumber
        for time in ["2026-11-24T03:00:00-05:00", "2026-11-24T09:45:10.5-05:00", "2026-11-24T12:00:00-05:00", "2026-11-24T19:59:59-05:00", "2026-11-25T01:00:00-05:00"] {
            let now = Fixture.instant(time)
            #expect(memo.totals(of: t, day: day, asOf: now) == t.dailyTotals(day: day, asOf: now), "\(time)")
        }
        // A finished day is summed once and answered from memory after.
        #expect(memo.totals(of: t, day: day - 1, asOf: Fixture.instant("2026-11-25T01:00:00-05:00")) == t.dailyTotals(day: day - 1))
        let snapshot = memo.snapshot(of: t, at: Fixture.instant("2026-11-24T12:00:00-05:00"))
        #expect(snapshot.previousDay?.start == NewYorkTime.startOfDay(CivilDate(dayNumber: day - 1)))
        #expect(snapshot.today?.totals == t.dailyTotals(day: day, asOf: Fixture.instant("2026-11-24T12:00:00-05:00")))
        // Daily, weekly and monthly bars read through the memo equal bars counted afresh.
        let now = Fixture.instant("2026-11-24T12:00:00-05:00")
        let range = NewYorkTime.startOfDay(CivilDate(year: 2026, month: 9, day: 1))..<NewYorkTime.startOfDay(CivilDate(year: 2026, month: 11, day: 25))
        for unit in [BarUnit.day, .week, .month] {
            for rules in [BarRules.polygon, .alpaca] {
                #expect(t.bars(unit: unit, in: range, rules: rules, asOf: now, memo: &memo) == t.bars(unit: unit, in: range, rules: rules, asOf: now))
            }
        }
        // Monday's previous session is Friday's.
        let monday = memo.snapshot(of: t, at: Fixture.instant("2026-11-23T08:00:00-05:00"))
        #expect(monday.previousDay?.start == NewYorkTime.startOfDay(CivilDate(year: 2026, month: 11, day: 20)))
        #expect(monday.today == nil && monday.sessionBeforePrevious?.start == NewYorkTime.startOfDay(CivilDate(year: 2026, month: 11, day: 19)))
    }

    @Test("the last bars of a range, read backwards, are the last of the whole range's bars",
          arguments: [(BarUnit.minute, 1), (.minute, 7), (.hour, 2), (.day, 1), (.day, 3), (.week, 1), (.month, 1)])
    func lastBars(unit: BarUnit, multiplier: Int) {
        let t = tape("PNNY")
        var memo = DayTotalsMemo()
        let now = Fixture.instant("2026-11-24T12:00:30-05:00")
        let lower = unit.isDaily ? Fixture.instant("2026-06-03T00:00:00-04:00") : Fixture.instant("2026-11-20T09:31:00-05:00")
        for rules in [BarRules.polygon, .alpaca] {
            for upper in [now, Fixture.instant("2026-12-31T00:00:00-05:00")] {
                let whole = t.bars(unit: unit, multiplier: multiplier, in: lower..<upper, rules: rules, asOf: now)
                #expect(whole.count >= 5)
                for count in [1, 5, whole.count - 1, whole.count + 3] where count >= 1 {
                    let last = t.lastBars(unit: unit, multiplier: multiplier, in: lower..<upper, rules: rules, asOf: now, count: count, memo: &memo)
                    #expect(last.bars == Array(whole.suffix(count)), "\(rules) \(count) of \(whole.count)")
                    #expect(last.more == (whole.count > count))
                }
            }
        }
    }
}
