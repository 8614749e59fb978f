/// The NYSE trading calendar in America/New_York.
///
/// Holidays and early closes are the exchange's published list for 2025–2027 (including the
/// unscheduled closure of 9 January 2025). Outside those years only weekends are closed, and
/// `hasPublishedSchedule(for:)` says so, so callers can warn.
public enum NYSECalendar {
    public static let publishedYears: ClosedRange<Int> = 2025...2027

    /// Full-day closures, each with the name the exchange gives it.
    public static let holidayNames: [CivilDate: String] = Dictionary(uniqueKeysWithValues: [
        // 2025
        ((2025, 1, 1), "New Years Day"), ((2025, 1, 9), "National Day of Mourning for President Carter"),
        ((2025, 1, 20), "Martin Luther King, Jr. Day"), ((2025, 2, 17), "Washington's Birthday"), ((2025, 4, 18), "Good Friday"),
        ((2025, 5, 26), "Memorial Day"), ((2025, 6, 19), "Juneteenth"), ((2025, 7, 4), "Independence Day"),
        ((2025, 9, 1), "Labor Day"), ((2025, 11, 27), "Thanksgiving"), ((2025, 12, 25), "Christmas"),
        // 2026
        ((2026, 1, 1), "New Years Day"), ((2026, 1, 19), "Martin Luther King, Jr. Day"), ((2026, 2, 16), "Washington's Birthday"),
        ((2026, 4, 3), "Good Friday"), ((2026, 5, 25), "Memorial Day"), ((2026, 6, 19), "Juneteenth"),
        ((2026, 7, 3), "Independence Day"), ((2026, 9, 7), "Labor Day"), ((2026, 11, 26), "Thanksgiving"),
        ((2026, 12, 25), "Christmas"),
        // 2027
        ((2027, 1, 1), "New Years Day"), ((2027, 1, 18), "Martin Luther King, Jr. Day"), ((2027, 2, 15), "Washington's Birthday"),
        ((2027, 3, 26), "Good Friday"), ((2027, 5, 31), "Memorial Day"), ((2027, 6, 18), "Juneteenth"),
        ((2027, 7, 5), "Independence Day"), ((2027, 9, 6), "Labor Day"), ((2027, 11, 25), "Thanksgiving"),
        ((2027, 12, 24), "Christmas"),
    ].map { (CivilDate(year: $0.0.0, month: $0.0.1, day: $0.0.2), $0.1) })

    public static let holidays: Set<CivilDate> = Set(holidayNames.keys)

    /// Days on which the regular session ends at 13:00 and after-hours at 17:00, each with the
    /// holiday it neighbours.
    public static let earlyCloseNames: [CivilDate: String] = Dictionary(uniqueKeysWithValues: [
        ((2025, 7, 3), "Independence Day"), ((2025, 11, 28), "Thanksgiving"), ((2025, 12, 24), "Christmas"),
        ((2026, 11, 27), "Thanksgiving"), ((2026, 12, 24), "Christmas"),
        ((2027, 11, 26), "Thanksgiving"),
    ].map { (CivilDate(year: $0.0.0, month: $0.0.1, day: $0.0.2), $0.1) })

    public static let earlyCloses: Set<CivilDate> = Set(earlyCloseNames.keys)

    public static func hasPublishedSchedule(for year: Int) -> Bool { publishedYears.contains(year) }

    public static func isTradingDay(_ date: CivilDate) -> Bool { !date.isWeekend && !holidays.contains(date) }

    /// The session boundaries of a trading day, in minutes after New York midnight.
    public struct DaySchedule: Sendable, Equatable {
        public var preMarketOpen = 4 * 60
        public var regularOpen = 9 * 60 + 30
        public var regularClose: Int
        public var afterHoursClose: Int
    }

    /// `nil` when the exchange is closed all day.
    public static func schedule(for date: CivilDate) -> DaySchedule? {
        guard isTradingDay(date) else { return nil }
        return earlyCloses.contains(date)
            ? DaySchedule(regularClose: 13 * 60, afterHoursClose: 17 * 60)
            : DaySchedule(regularClose: 16 * 60, afterHoursClose: 20 * 60)
    }

    /// The phase at an instant.
    public static func phase(at instant: Timestamp) -> SessionPhase {
        phase(date: NewYorkTime.date(of: instant), minuteOfDay: NewYorkTime.minuteOfDay(of: instant))
    }

    public static func phase(date: CivilDate, minuteOfDay m: Int) -> SessionPhase {
        guard let s = schedule(for: date) else { return .closed }
        if m < s.preMarketOpen { return .closed }
        if m < s.regularOpen { return .preMarket }
        if m < s.regularClose { return .regular }
        if m < s.afterHoursClose { return .afterHours }
        return .closed
    }
}
