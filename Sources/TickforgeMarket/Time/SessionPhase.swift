/// Which part of the US equities trading day an instant falls in.
public enum SessionPhase: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case closed
    /// 04:00–09:30 New York.
    case preMarket
    /// 09:30–16:00 New York (13:00 on early-close days).
    case regular
    /// 16:00 (or 13:00) – 20:00 New York.
    case afterHours

    public var isOpen: Bool { self != .closed }
    public var isExtendedHours: Bool { self == .preMarket || self == .afterHours }

    public var description: String {
        switch self {
        case .closed: "closed"
        case .preMarket: "pre-market"
        case .regular: "regular"
        case .afterHours: "after-hours"
        }
    }
}

/// How the market decides whether it is open.
public enum MarketHoursMode: String, Sendable, CaseIterable {
    /// Regular-session behaviour at every hour of every day: the weekend-testing promise.
    case alwaysOpen = "always-open"
    /// Follow the NYSE calendar at the clock's time: extended hours, weekends, holidays, early closes.
    case calendar
}
