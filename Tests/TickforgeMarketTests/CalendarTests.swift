import Testing
@testable import TickforgeMarket

@Suite("The NYSE calendar in America/New_York")
struct CalendarTests {
    func phase(_ text: String) -> SessionPhase { NYSECalendar.phase(at: Fixture.instant(text)) }

    @Test("daylight saving: 09:30 New York is 14:30Z in winter and 13:30Z in summer, switching on the right Sundays")
    func daylightSaving() {
        let friday = CivilDate(year: 2026, month: 3, day: 6), monday = CivilDate(year: 2026, month: 3, day: 9)
        #expect(NewYorkTime.instant(date: friday, hour: 9, minute: 30) == Fixture.instant("2026-03-06T14:30:00Z"))
        #expect(NewYorkTime.instant(date: monday, hour: 9, minute: 30) == Fixture.instant("2026-03-09T13:30:00Z"))
        // 13:45Z is pre-market on the Friday (08:45 EST) and regular on the Monday (09:45 EDT).
        #expect(phase("2026-03-06T13:45:00Z") == .preMarket)
        #expect(phase("2026-03-09T13:45:00Z") == .regular)
        // Fall back: Friday 30 October is EDT, Monday 2 November is EST.
        #expect(phase("2026-10-30T13:45:00Z") == .regular)
        #expect(phase("2026-11-02T13:45:00Z") == .preMarket)
    }

    @Test("the switch days themselves are 23 and 25 hours long, and the offset flips at 02:00 local")
    func switchDays() {
        func hours(_ y: Int, _ m: Int, _ d: Int) -> Int64 {
            let day = CivilDate(year: y, month: m, day: d)
            return (NewYorkTime.startOfDay(CivilDate(dayNumber: day.dayNumber + 1)) - NewYorkTime.startOfDay(day)) / Timestamp.nanosPerHour
        }
        #expect(hours(2026, 3, 8) == 23)
        #expect(hours(2026, 11, 1) == 25)
        #expect(hours(2026, 11, 2) == 24)
        #expect(NewYorkTime.utcOffsetSeconds(at: Fixture.instant("2026-03-08T06:59:59Z")) == -18_000)
        #expect(NewYorkTime.utcOffsetSeconds(at: Fixture.instant("2026-03-08T07:00:00Z")) == -14_400)
        #expect(NewYorkTime.utcOffsetSeconds(at: Fixture.instant("2026-11-01T05:59:59Z")) == -14_400)
        #expect(NewYorkTime.utcOffsetSeconds(at: Fixture.instant("2026-11-01T06:00:00Z")) == -18_000)
    }

    @Test("holidays are closed all day", arguments: ["2025-01-09", "2025-04-18", "2026-07-03", "2026-11-26", "2027-03-26", "2027-12-24"])
    func holidays(date: String) {
        #expect(phase("\(date)T10:00:00-05:00") == .closed)
        #expect(phase("\(date)T15:00:00Z") == .closed)
    }

    @Test("an early close ends the regular session at 13:00 and after-hours at 17:00")
    func earlyClose() {
        #expect(phase("2026-11-27T12:59:00-05:00") == .regular)
        #expect(phase("2026-11-27T13:00:00-05:00") == .afterHours)
        #expect(phase("2026-11-27T16:59:00-05:00") == .afterHours)
        #expect(phase("2026-11-27T17:00:00-05:00") == .closed)
        #expect(phase("2026-11-30T13:00:00-05:00") == .regular)
    }

    @Test("session edges on an ordinary day")
    func edges() {
        #expect(phase("2026-11-23T03:59:59-05:00") == .closed)
        #expect(phase("2026-11-23T04:00:00-05:00") == .preMarket)
        #expect(phase("2026-11-23T09:29:59-05:00") == .preMarket)
        #expect(phase("2026-11-23T09:30:00-05:00") == .regular)
        #expect(phase("2026-11-23T15:59:59-05:00") == .regular)
        #expect(phase("2026-11-23T16:00:00-05:00") == .afterHours)
        #expect(phase("2026-11-23T20:00:00-05:00") == .closed)
    }

    @Test("a weekend is closed in calendar mode and trades in always-open mode")
    func weekend() {
        let saturday = Fixture.window("2026-11-21T10:00:00-05:00", "2026-11-21T10:02:00-05:00")
        #expect(phase("2026-11-21T12:00:00-05:00") == .closed)
        let calendar = Fixture.market(hours: .calendar)
        #expect(calendar.tape(calendar.symbolID(for: "AAPL")!).events(in: saturday).isEmpty)
        let open = Fixture.market(hours: .alwaysOpen)
        let trades = Fixture.trades(open.tape(open.symbolID(for: "AAPL")!).events(in: saturday, kinds: .trades))
        #expect(trades.count > 500)
        #expect(trades.allSatisfy { !$0.conditions.contains(TradeConditions.formT) })
    }

    @Test("extended hours trade thinly and carry condition 12")
    func extendedHours() {
        let m = Fixture.market(hours: .calendar)
        let tape = m.tape(m.symbolID(for: "AAPL")!)
        let pre = Fixture.trades(tape.events(in: Fixture.window("2026-11-23T08:00:00-05:00", "2026-11-23T08:10:00-05:00"), kinds: .trades))
        let regular = Fixture.trades(tape.events(in: Fixture.window("2026-11-23T12:00:00-05:00", "2026-11-23T12:10:00-05:00"), kinds: .trades))
        #expect(!pre.isEmpty)
        #expect(pre.allSatisfy { $0.conditions.contains(TradeConditions.formT) })
        #expect(regular.allSatisfy { !$0.conditions.contains(TradeConditions.formT) })
        #expect(pre.count * 5 < regular.count)
    }

    @Test("calendar dates convert both ways", arguments: [-1, 0, 59, 20_454, 2_932_896])
    func civilRoundTrip(day: Int64) {
        #expect(CivilDate(dayNumber: day).dayNumber == day)
    }
}
