/// The unit of an aggregate bar, from a second to a year.
public enum BarUnit: String, Sendable, CaseIterable, Comparable {
    case second, minute, hour, day, week, month, quarter, year

    public static func < (a: BarUnit, b: BarUnit) -> Bool { a.rank < b.rank }
    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    /// Units of a day and longer are built from daily bars (regular-session prices, every print's
    /// volume); shorter ones from minutes (or, for seconds, trades), extended hours included.
    public var isDaily: Bool { self >= .day }
}

/// How a vendor cuts and stamps its bars.
public struct BarRules: Sendable, Equatable {
    /// Multi-unit bars start at the requested range's start (Polygon: "anchored at the snapped
    /// `from`") rather than at calendar boundaries.
    public var anchoredAtRangeStart: Bool
    /// Weeks start on Sunday (Polygon) or Monday (Alpaca).
    public var weekStartsOnSunday: Bool
    /// Week-and-longer bars are stamped at the first New York midnight that has a daily bar in them
    /// (Alpaca: "the first trading day's midnight") rather than at the calendar period's start.
    public var stampsAtFirstTradingDay: Bool

    public init(anchoredAtRangeStart: Bool, weekStartsOnSunday: Bool, stampsAtFirstTradingDay: Bool) {
        self.anchoredAtRangeStart = anchoredAtRangeStart
        self.weekStartsOnSunday = weekStartsOnSunday
        self.stampsAtFirstTradingDay = stampsAtFirstTradingDay
    }

    public static let polygon = BarRules(anchoredAtRangeStart: true, weekStartsOnSunday: true, stampsAtFirstTradingDay: false)
    public static let alpaca = BarRules(anchoredAtRangeStart: false, weekStartsOnSunday: false, stampsAtFirstTradingDay: true)
}

/// One bar of a history request: a window's open, high, low and close (from the prints that set
/// prices), every print's volume and count, and the VWAP of the prints that set prices.
public struct AggregateBar: Sendable, Equatable {
    /// The bar's stamp (its window's start, or its first trading day for Alpaca's long bars).
    public var start: Timestamp
    /// The end of its window (exclusive).
    public var end: Timestamp
    public var totals: WindowTotals
    /// The bars it was built from that have prices: minutes below a day (a second bar counts as
    /// one), days from a day up. Polygon's `limit` and `queryCount` count these.
    public var baseCount: Int64

    public init(start: Timestamp, end: Timestamp, totals: WindowTotals, baseCount: Int64 = 1) {
        self.start = start
        self.end = end
        self.totals = totals
        self.baseCount = baseCount
    }

    public var open: Price { totals.open }
    public var high: Price { totals.high }
    public var low: Price { totals.low }
    public var close: Price { totals.close }
    public var volume: Int64 { totals.volume }
    public var tradeCount: Int64 { totals.tradeCount }
    /// VWAP of the prints that set prices, in dollars.
    public var vwap: Double { totals.pricedVolume == 0 ? 0 : Double(totals.notional) / Double(totals.pricedVolume) / 10_000 }
}
