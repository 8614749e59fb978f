import Testing
@testable import TickforgeMarket

/// When the market is open, looking ahead: what Alpaca's clock and calendar and Polygon's market
/// status are built from, so they agree with the stream.
@Suite("Session schedule: the clock, the calendar and upcoming closures, by mode and forced session")
struct SessionScheduleTests {
    let calendar = SessionSchedule(mode: .calendar, timeline: ScenarioTimeline())
    func ny(_ text: String) -> Timestamp { RFC3339.parse(text)! }

    @Test("a Friday evening: closed; the next open is Monday 09:30 and the next close Monday 16:00")
    func weekend() {
        let c = calendar.clock(at: ny("2026-11-20T18:00:00-05:00"))
        #expect(!c.isOpen)
        #expect(c.nextOpen == ny("2026-11-23T09:30:00-05:00") && c.nextClose == ny("2026-11-23T16:00:00-05:00"))
        #expect(calendar.phase(at: ny("2026-11-20T18:00:00-05:00")) == .afterHours)
    }

    @Test("in the session: open; the next close is today's, the next open tomorrow's; the holiday and the early close are skipped or kept")
    func inSession() {
        let c = calendar.clock(at: ny("2026-11-25T10:00:00-05:00"))
        #expect(c.isOpen && c.nextClose == ny("2026-11-25T16:00:00-05:00"))
        // Thursday is Thanksgiving, Friday closes at 13:00.
        #expect(c.nextOpen == ny("2026-11-27T09:30:00-05:00"))
        let friday = calendar.clock(at: ny("2026-11-27T12:59:59-05:00"))
        #expect(friday.isOpen && friday.nextClose == ny("2026-11-27T13:00:00-05:00"))
        #expect(!calendar.clock(at: ny("2026-11-27T13:00:00-05:00")).isOpen)
    }

    @Test("a forced open on a Saturday: open now, closing when the scenario ends; after it, Monday again")
    func forcedOpen() {
        let start = ny("2026-11-21T12:00:00-05:00"), end = ny("2026-11-21T12:30:00.5-05:00")
        let s = SessionSchedule(mode: .calendar, timeline: ScenarioTimeline([
            Scenario(id: "s1", kind: .session(.open), symbol: nil, start: start, end: end),
        ]))
        #expect(!s.clock(at: ny("2026-11-21T11:59:59-05:00")).isOpen)
        #expect(s.clock(at: ny("2026-11-21T11:59:59-05:00")).nextOpen == start)
        let during = s.clock(at: ny("2026-11-21T12:10:00-05:00"))
        #expect(during.isOpen && during.nextClose == end && during.nextOpen == ny("2026-11-23T09:30:00-05:00"))
        #expect(!s.clock(at: end).isOpen)
    }

    @Test("always open: open at every hour; a session is a New York day; a forced close shows")
    func alwaysOpen() {
        let s = SessionSchedule(mode: .alwaysOpen, timeline: ScenarioTimeline())
        let c = s.clock(at: ny("2026-11-21T03:00:00-05:00"))
        #expect(c.isOpen && c.nextClose == ny("2026-11-22T00:00:00-05:00") && c.nextOpen == ny("2026-11-22T00:00:00-05:00"))
        #expect(s.tradingDays(from: CivilDate(year: 2026, month: 11, day: 21), through: CivilDate(year: 2026, month: 11, day: 22)).count == 2)
        #expect(s.upcomingClosures(after: CivilDate(year: 2026, month: 11, day: 1)).isEmpty)
        let closed = SessionSchedule(mode: .alwaysOpen, timeline: ScenarioTimeline([
            Scenario(id: "s1", kind: .session(.closed), symbol: nil, start: ny("2026-11-21T04:00:00-05:00"), end: ny("2026-11-21T05:00:00-05:00")),
        ]))
        let before = closed.clock(at: ny("2026-11-21T03:00:00-05:00"))
        #expect(before.isOpen && before.nextClose == ny("2026-11-21T04:00:00-05:00") && before.nextOpen == ny("2026-11-21T05:00:00-05:00"))
    }

    @Test("the calendar: trading days only, early closes at 13:00 and 17:00, T+1 settlement over the holiday")
    func tradingDays() {
        let days = calendar.tradingDays(from: CivilDate(year: 2026, month: 11, day: 25), through: CivilDate(year: 2026, month: 11, day: 30))
        #expect(days.map(\.date.description) == ["2026-11-25", "2026-11-27", "2026-11-30"])
        #expect(days[1].close == 13 * 60 && days[1].sessionClose == 17 * 60 && days[0].close == 16 * 60 && days[0].sessionOpen == 4 * 60)
        #expect(calendar.nextTradingDay(after: CivilDate(year: 2026, month: 11, day: 25)).description == "2026-11-27")
    }

    @Test("upcoming closures: after the date only, in order, holidays with their names, early closes with their hours")
    func upcoming() {
        let list = calendar.upcomingClosures(after: CivilDate(year: 2026, month: 11, day: 26))
        #expect(list.first?.date.description == "2026-11-27" && list.first?.earlyClose?.close == 13 * 60)
        #expect(list.first { $0.date.description == "2026-12-25" }?.name == "Christmas")
        #expect(list.map(\.date) == list.map(\.date).sorted())
        #expect(!list.contains { $0.date.description == "2026-11-26" })
    }

    @Test("New York times as the vendors write them")
    func formats() {
        #expect(RFC3339.formatNewYork(ny("2026-07-01T14:07:04.451420928Z"), fraction: true) == "2026-07-01T10:07:04.451420928-04:00")
        #expect(RFC3339.formatNewYork(ny("2026-11-23T14:30:00.5Z")) == "2026-11-23T09:30:00-05:00")
        #expect(RFC3339.formatMilliseconds(ny("2026-11-27T18:00:00Z")) == "2026-11-27T18:00:00.000Z")
    }

    @Test("the schedule's phase is the stream's: equal to the market's at every instant sampled over a week with forced sessions, in both modes")
    func sameAsTheMarket() {
        for mode in MarketHoursMode.allCases {
            let timeline = ScenarioTimeline([
                Scenario(id: "s1", kind: .session(.open), symbol: nil, start: ny("2026-11-21T12:00:00.25-05:00"), end: ny("2026-11-21T13:00:00-05:00")),
                Scenario(id: "s2", kind: .session(.closed), symbol: nil, start: ny("2026-11-23T10:00:00-05:00"), end: ny("2026-11-23T10:45:30-05:00")),
                Scenario(id: "s3", kind: .session(.after), symbol: nil, start: ny("2026-11-24T11:00:00-05:00"), end: ny("2026-11-24T11:20:00-05:00")),
            ])
            let market = Fixture.market(hours: mode, symbols: ["AAPL"])
            market.timeline = timeline
            let schedule = SessionSchedule(mode: mode, timeline: timeline)
            var t = ny("2026-11-20T00:00:00-05:00")
            let end = ny("2026-11-27T00:00:00-05:00")
            var mismatches: [String] = []
            while t < end {
                if schedule.phase(at: t) != market.sessionPhase(at: t) { mismatches.append(RFC3339.format(t)) }
                t = t + 7 * Timestamp.nanosPerMinute + 13 * Timestamp.nanosPerSecond
            }
            #expect(mismatches.isEmpty, "\(mode): \(mismatches.prefix(5))")
        }
    }
}
