/// The NYSE trading calendar in America/New_York.
///
/// Holidays and early closes are the exchange's published list for 2025–2027 (including the
/// unscheduled closure of 9 January 2025). Outside those years only weekends are closed, and
/// `hasPublishedSchedule(for:)` says so, so callers can warn.
public enum NYSECalendar {
    public static let publishedYears: ClosedRange<Int> = 2025...2027

    /// Full-day closures.
    public static let holidays: Set<CivilDate> = Set([
        // 2025
        (2025, 1, 1), (2025, 1, 9), (2025, 1, 20), (2025, 2, 17), (2025, 4, 18), (2025, 5, 26),
        (2025, 6, 19), (2025, 7, 4), (2025, 9, 1), (2025, 11, 27), (2025, 12, 25),
        // 2026
        (2026, 1, 1), (2026, 1, 19), (2026, 2, 16), (2026, 4, 3), (2026, 5, 25), (2026, 6, 19),
        (2026, 7, 3), (2026, 9, 7), (2026, 11, 26), (2026, 12, 25),
        // 2027
        (2027, 1, 1), (2027, 1, 18), (2027, 2, 15), (2027, 3, 26), (2027, 5, 31), (2027, 6, 18),
        (2027, 7, 5), (2027, 9, 6), (2027, 11, 25), (2027, 12, 24),
    ].map { CivilDate(year: $0.0, month: $0.1, day: $0.2) })

    /// Days on which the regular session ends at 13:00 and after-hours at 17:00.
    public static let earlyCloses: Set<CivilDate> = Set([
        (2025, 7, 3), (2025, 11, 28), (2025, 12, 24),
        (2026, 11, 27), (2026, 12, 24),
        (2027, 11, 26),
    ].map { CivilDate(year: $0.0, month: $0.1, day: $0.2) })

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
