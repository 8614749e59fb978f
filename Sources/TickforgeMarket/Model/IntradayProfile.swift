#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one minute of the day looks like: its phase, how much trading happens and how much the
/// price moves, relative to an average regular-session minute.
public struct MinuteShape: Sendable, Equatable {
    public var phase: SessionPhase
    /// Multiplier on the symbol's liquidity (trades per second). 0 when closed.
    public var activity: Double
    /// Share of price variance that falls in this minute (1 ≈ an average regular minute).
    public var varianceWeight: Double
}

/// The U-shaped intraday pattern and the session schedule, under a market-hours mode.
///
/// Activity is high at the open, lowest around midday and highest into the close, as on real US
/// tapes; extended hours trade a few percent of regular volume; a closed market trades nothing
/// but its price still drifts, so the next open gaps.
public struct IntradayProfile: Sendable {
    public let mode: MarketHoursMode

    public init(mode: MarketHoursMode) { self.mode = mode }

    static let preMarketActivity = 0.05
    static let afterHoursActivity = 0.07
    static let preMarketVariance = 0.25
    static let afterHoursVariance = 0.2
    static let closedVariance = 0.03

    /// Activity at fraction `x` ∈ [0, 1) of the regular session. Mean over the session ≈ 1.
    @inlinable static func regularActivity(_ x: Double) -> Double {
        0.75 + 1.6 * exp(-x / 0.06) + 2.0 * exp(-(1 - x) / 0.05)
    }

    /// Variance weight at fraction `x` of the regular session: a volatile open, a calmer close.
    @inlinable static func regularVariance(_ x: Double) -> Double {
        0.75 + 1.5 * exp(-x / 0.08) + 0.9 * exp(-(1 - x) / 0.06)
    }

    /// The shape of a minute, given its New York date and minute of day.
    public func shape(date: CivilDate, minuteOfDay m: Int) -> MinuteShape {
        shape(schedule: mode == .calendar ? NYSECalendar.schedule(for: date) : nil, minuteOfDay: m)
    }

    /// The shape of a minute on a day whose NYSE schedule was looked up once (`nil`: closed all day,
    /// or ignored in always-open mode).
    public func shape(schedule: NYSECalendar.DaySchedule?, minuteOfDay m: Int) -> MinuteShape {
        switch mode {
        case .alwaysOpen:
            // Every minute is a regular-session minute; 09:30–16:00 keeps the U shape so charts look
            // familiar, other hours trade at the session's average level.
            let open = 9 * 60 + 30, close = 16 * 60
            if m >= open, m < close {
                let x = (Double(m - open) + 0.5) / Double(close - open)
                return MinuteShape(phase: .regular, activity: Self.regularActivity(x), varianceWeight: Self.regularVariance(x))
            }
            return MinuteShape(phase: .regular, activity: 1, varianceWeight: 1)
        case .calendar:
            guard let s = schedule else {
                return MinuteShape(phase: .closed, activity: 0, varianceWeight: Self.closedVariance)
            }
            if m < s.preMarketOpen || m >= s.afterHoursClose {
                return MinuteShape(phase: .closed, activity: 0, varianceWeight: Self.closedVariance)
            }
            if m < s.regularOpen {
                return MinuteShape(phase: .preMarket, activity: Self.preMarketActivity, varianceWeight: Self.preMarketVariance)
            }
            if m >= s.regularClose {
                return MinuteShape(phase: .afterHours, activity: Self.afterHoursActivity, varianceWeight: Self.afterHoursVariance)
            }
            let x = (Double(m - s.regularOpen) + 0.5) / Double(s.regularClose - s.regularOpen)
            return MinuteShape(phase: .regular, activity: Self.regularActivity(x), varianceWeight: Self.regularVariance(x))
        }
    }

    /// Σ variance weights over a full NYSE trading day: the yardstick that turns annual
    /// volatility into per-minute variance, identical in both modes so an always-open minute
    /// moves like a regular-session minute.
    public static let tradingDayVarianceWeight: Double = {
        let p = IntradayProfile(mode: .calendar)
        let monday = CivilDate(year: 2026, month: 11, day: 23)
        return (0..<1440).reduce(0) { $0 + p.shape(date: monday, minuteOfDay: $1).varianceWeight }
    }()
}
