/// Something that happens to the market on demand, at a market time: a halt, a gap, a regime, a
/// forced session, a pushed tick. Scenarios are entries on the market's timeline: the market at
/// instant t is a pure function of its configuration and the entries that start at or before t.
public struct Scenario: Sendable, Equatable {
    /// Unique within a timeline (`s1`, `s2`, … when the server names them).
    public var id: String
    public var kind: Kind
    /// The symbol it acts on; `nil` for market-wide kinds (`session`).
    public var symbol: String?
    /// When it takes effect.
    public var start: Timestamp
    /// When it stops (exclusive); `nil` until it is ended. Point events (`push`, `cancel`,
    /// `correction`) have no duration.
    public var end: Timestamp?
    /// The end it was given when it was added (`for`), which stays when it is ended early: a
    /// volatility regime shapes its extra moves to return to zero at its planned end.
    public var plannedEnd: Timestamp?

    public init(id: String, kind: Kind, symbol: String?, start: Timestamp, end: Timestamp? = nil) {
        self.id = id
        self.kind = kind
        self.symbol = symbol.map(Universe.normalize)
        self.start = start
        self.end = end
        plannedEnd = end
    }

    public enum Kind: Sendable, Equatable {
        /// Trading stops; quotes are flagged, then silent; on resume a reopening print, which may gap.
        case halt(reason: HaltReason, reopenPercent: Double)
        /// The price moves to a new level at `start` (by a percentage, or to a price) and carries on from there.
        case gap(Gap)
        /// Price moves grow by this factor (in standard deviation) while it lasts.
        case volatility(multiplier: Double)
        /// Trades and quotes arrive this many times as often while it lasts (`burst` is ×10 for 10 s).
        case liquidity(multiplier: Double)
        /// A steady drift, in percent per hour.
        case trend(percentPerHour: Double)
        /// The symbol sends nothing at all, with no status: a silent ticker.
        case stale
        /// The whole market in a forced phase, or back to a mode.
        case session(SessionOverride)
        /// One exact trade or quote, delivered as given.
        case push(PushedTick, moveMarket: Bool)
        /// Alpaca's trade cancel (`x`, action `C`) of an earlier trade.
        case cancel(tradeID: Int64)
        /// Alpaca's trade correction (`c`) of an earlier trade.
        case correction(tradeID: Int64, price: Price?, size: Int32?)
        /// Drives the price to its LULD band, holds it there, and after 15 s the band pauses
        /// trading (a `LUDP` halt, recorded as its own entry).
        case limit(direction: LimitDirection)
    }

    public enum Gap: Sendable, Equatable {
        case percent(Double)
        case price(Price)
    }

    public enum LimitDirection: String, Sendable, Equatable, CaseIterable {
        case up, down
    }

    /// Whether the scenario lasts (as opposed to happening at one instant).
    public var isPointEvent: Bool {
        switch kind {
        case .push, .cancel, .correction: true
        default: false
        }
    }

    /// Whether it is in force at `t`.
    public func isActive(at t: Timestamp) -> Bool {
        start <= t && (end.map { t < $0 } ?? true)
    }
}

/// Why a symbol is halted, in the exchanges' codes; each dialect says it in its own words.
public enum HaltReason: String, Sendable, Equatable, CaseIterable {
    /// Limit up–limit down volatility pause (Nasdaq-listed: `LUDP`).
    case volatilityPause = "LUDP"
    /// News pending.
    case newsPending = "T1"
    /// SEC trading suspension.
    case secSuspension = "H10"
    /// LULD trading pause on tapes A and B (CTA reason `M`).
    case luldPause = "M"
}

/// The market-wide session a `session` scenario forces.
public enum SessionOverride: String, Sendable, Equatable, CaseIterable {
    case open, closed, pre, after
    /// Back to NYSE's calendar, or to regular hours around the clock.
    case calendar
    case alwaysOpen = "always-open"

    /// The phase it forces, or `nil` for a mode.
    public var phase: SessionPhase? {
        switch self {
        case .open: .regular
        case .closed: .closed
        case .pre: .preMarket
        case .after: .afterHours
        case .calendar, .alwaysOpen: nil
        }
    }
}

/// A tick given exactly by a test: delivered as is on every dialect, and counted in bars.
public enum PushedTick: Sendable, Equatable {
    case trade(price: Price, size: Int32, exchange: UInt8, conditions: TradeConditions)
    case quote(bid: Price, ask: Price, bidSize: Int32, askSize: Int32, bidExchange: UInt8, askExchange: UInt8)
}
