/// When the market is open, looking ahead from an instant, as the stream sees it: the market-hours
/// mode (always open, or the NYSE calendar) and any forced `session` scenario on the timeline.
/// REST's market status and Alpaca's clock and calendar read it, so they agree with the stream.
///
/// Pure: built from a market's configuration and timeline, it answers for any instant.
public struct SessionSchedule: Sendable {
    public let mode: MarketHoursMode
    private let timeline: ScenarioTimeline

    public init(mode: MarketHoursMode, timeline: ScenarioTimeline) {
        self.mode = mode
        self.timeline = timeline
    }

    /// How far ahead transitions are looked for: past any run of holidays and weekends.
    public static let horizonDays = 15

    /// The phase at an instant, as the tapes have it: the last forced session in force (a phase,
    /// or a mode to follow instead of the configured one), else the configured mode's.
    public func phase(at t: Timestamp) -> SessionPhase {
        let forced = timeline.entries.last { e in
            guard case .session = e.kind else { return false }
            return e.isActive(at: t)
        }
        guard let forced, case .session(let o) = forced.kind else { return Self.phase(at: t, mode: mode) }
        switch o {
        case .calendar: return Self.phase(at: t, mode: .calendar)
        case .alwaysOpen: return Self.phase(at: t, mode: .alwaysOpen)
        default: return o.phase ?? Self.phase(at: t, mode: mode)
        }
    }

    static func phase(at t: Timestamp, mode: MarketHoursMode) -> SessionPhase {
        mode == .alwaysOpen ? .regular : NYSECalendar.phase(at: t)
    }

    /// The next instant after `t` at which the regular session opens (`opening`) or ends, within
    /// the horizon; `nil` if the phase does not change that way so soon (always open).
    public func nextRegularChange(after t: Timestamp, opening: Bool) -> Timestamp? {
        for c in candidates(after: t) {
            let before = phase(at: Timestamp(nanoseconds: c.nanoseconds - 1)) == .regular, after = phase(at: c) == .regular
            if before != after, after == opening { return c }
        }
        return nil
    }

    /// Alpaca's clock at `t`: whether the regular session is open, the next open, and the close of
    /// the session that is open or opens next. With no change within the horizon (always open),
    /// a session is a New York calendar day: both are the next midnight.
    public func clock(at t: Timestamp) -> (isOpen: Bool, nextOpen: Timestamp, nextClose: Timestamp) {
        let isOpen = phase(at: t) == .regular
        let midnight = NewYorkTime.startOfDay(CivilDate(dayNumber: NewYorkTime.date(of: t).dayNumber + 1))
        let nextOpen = nextRegularChange(after: t, opening: true) ?? midnight
        let closeFrom = isOpen ? t : nextOpen
        let nextClose = nextRegularChange(after: closeFrom, opening: false) ?? NewYorkTime.startOfDay(
            CivilDate(dayNumber: NewYorkTime.date(of: closeFrom).dayNumber + 1))
        return (isOpen, nextOpen, nextClose)
    }

    /// Instants after `t`, within the horizon, where the phase may change: the calendar's session
    /// boundaries, New York midnights, and where forced sessions start and end.
    private func candidates(after t: Timestamp) -> [Timestamp] {
        let first = NewYorkTime.date(of: t)
        let limit = NewYorkTime.startOfDay(CivilDate(dayNumber: first.dayNumber + Int64(Self.horizonDays)))
        var out: [Timestamp] = []
        for e in timeline.entries {
            guard case .session = e.kind else { continue }
            out.append(e.start)
            if let end = e.end { out.append(end) }
        }
        for i in 0...Self.horizonDays {
            let date = CivilDate(dayNumber: first.dayNumber + Int64(i))
            out.append(NewYorkTime.startOfDay(date))
            if let s = NYSECalendar.schedule(for: date) {
                for m in [s.preMarketOpen, s.regularOpen, s.regularClose, s.afterHoursClose] {
                    out.append(NewYorkTime.instant(date: date, hour: m / 60, minute: m % 60))
                }
            }
        }
        return Array(Set(out.filter { $0 > t && $0 <= limit })).sorted()
    }

    /// One day of the exchange's calendar.
    public struct TradingDay: Sendable, Equatable {
        public var date: CivilDate
        /// Minutes after New York midnight.
        public var open: Int
        public var close: Int
        public var sessionOpen: Int
        public var sessionClose: Int
    }

    /// The trading days from `start` through `end`: the NYSE calendar's, or in always-open mode
    /// every day, all day (00:00–23:59). Forced sessions are instants, not days: they show in the
    /// clock and the status, not here.
    public func tradingDays(from start: CivilDate, through end: CivilDate) -> [TradingDay] {
        guard start <= end else { return [] }
        var days: [TradingDay] = []
        for n in start.dayNumber...end.dayNumber {
            let date = CivilDate(dayNumber: n)
            if mode == .alwaysOpen {
                days.append(TradingDay(date: date, open: 0, close: 23 * 60 + 59, sessionOpen: 0, sessionClose: 23 * 60 + 59))
            } else if let s = NYSECalendar.schedule(for: date) {
                days.append(TradingDay(date: date, open: s.regularOpen, close: s.regularClose, sessionOpen: s.preMarketOpen, sessionClose: s.afterHoursClose))
            }
        }
        return days
    }

    /// The trading day after `date` (T+1 settlement).
    public func nextTradingDay(after date: CivilDate) -> CivilDate {
        var d = CivilDate(dayNumber: date.dayNumber + 1)
        while mode == .calendar, NYSECalendar.schedule(for: d) == nil { d = CivilDate(dayNumber: d.dayNumber + 1) }
        return d
    }

    /// A closure or shortened day of the exchange, after a date.
    public struct Closure: Sendable, Equatable {
        public var date: CivilDate
        public var name: String
        /// `nil` when closed all day; else the shortened regular session, in minutes after midnight.
        public var earlyClose: (open: Int, close: Int)?
        public static func == (a: Closure, b: Closure) -> Bool {
            a.date == b.date && a.name == b.name && a.earlyClose?.open == b.earlyClose?.open && a.earlyClose?.close == b.earlyClose?.close
        }
    }

    /// The published holidays and early closes after `date`, in order; none in always-open mode.
    public func upcomingClosures(after date: CivilDate) -> [Closure] {
        guard mode == .calendar else { return [] }
        let holidays = NYSECalendar.holidayNames.filter { $0.key > date }.map { Closure(date: $0.key, name: $0.value) }
        let early = NYSECalendar.earlyCloseNames.filter { $0.key > date }.map { Closure(date: $0.key, name: $0.value, earlyClose: (9 * 60 + 30, 13 * 60)) }
        return (holidays + early).sorted { $0.date < $1.date }
    }
}
