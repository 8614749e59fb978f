/// Running totals of one symbol's New York day, which every bar carries (`av`, `op`, `a`), and the
/// day so far as a bar (Alpaca's `d`).
///
/// The vendors' rules: every print adds volume; round lots in any session set the day's VWAP and
/// official open; only regular-session round lots set the daily bar's open, high, low, close and
/// VWAP (Form T and odd-lot prints add volume only).
public struct DayAccumulator: Sendable, Equatable {
    /// New York day number.
    public var day: Int64
    /// The next minute (since the epoch) whose trades are not yet counted.
    public var nextMinute: Int64
    /// Every print of the day.
    public var volume: Int64 = 0
    public var tradeCount: Int64 = 0
    /// Round lots of any session: the day's VWAP (`a`).
    public var priced = WindowTotals()
    /// Regular-session round lots: the daily bar's prices.
    public var regular = WindowTotals()

    public init(day: Int64, firstMinute: Int64) {
        self.day = day
        nextMinute = firstMinute
    }

    /// The first regular-session round lot, or the day's first round lot before the open.
    public var officialOpen: Price {
        regular.pricedCount > 0 ? regular.open : (priced.pricedCount > 0 ? priced.open : Price(units: 0))
    }

    @inline(__always)
    public mutating func add(price: Price, size: Int32, setsPrice: Bool, regular isRegular: Bool) {
        volume += Int64(size)
        tradeCount += 1
        guard setsPrice else { return }
        priced.add(price: price, size: size, setsPrice: true)
        if isRegular { regular.add(price: price, size: size, setsPrice: true) }
    }

    /// Adds a whole minute from its summary, without its trades.
    public mutating func add(_ s: MinuteSummary) {
        volume += s.volume
        tradeCount += s.tradeCount
        let totals = s.roundTotals
        priced.merge(totals)
        if s.phase == .regular { regular.merge(totals) }
        nextMinute = s.minute + 1
    }

    /// Whether the regular session has printed a round lot today: Alpaca's daily bars start then.
    public var hasRegularPrices: Bool { regular.pricedCount > 0 }

    /// The day so far as a bar (Alpaca's daily bar): regular-session prices, every print's volume,
    /// stamped at New York midnight and ending at `end`.
    public func dailyBar(symbol: SymbolID, end: Timestamp) -> Bar {
        var totals = regular
        totals.volume = volume
        totals.tradeCount = tradeCount
        return totals.bar(symbol: symbol, span: .day, start: NewYorkTime.startOfDay(CivilDate(dayNumber: day)), end: end, day: self)
    }
}
