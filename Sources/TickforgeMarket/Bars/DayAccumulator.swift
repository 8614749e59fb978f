/// Running totals of one symbol's New York day, which every bar carries (`av`, `op`, `a`).
public struct DayAccumulator: Sendable, Equatable {
    /// New York day number.
    public var day: Int64
    /// The next minute (since the epoch) whose trades are not yet counted.
    public var nextMinute: Int64
    public var volume: Int64 = 0
    public var notional: Int64 = 0
    public var firstPrice: Price?
    public var regularOpen: Price?
    public var high = Price(units: 0)
    public var low = Price(units: 0)
    public var lastPrice = Price(units: 0)
    public var tradeCount: Int64 = 0

    public init(day: Int64, firstMinute: Int64) {
        self.day = day
        nextMinute = firstMinute
    }

    public var officialOpen: Price { regularOpen ?? firstPrice ?? Price(units: 0) }

    @inline(__always)
    public mutating func add(price: Price, size: Int32, regular: Bool) {
        volume += Int64(size)
        notional += price.units * Int64(size)
        if firstPrice == nil {
            firstPrice = price
            high = price
            low = price
        } else {
            if price > high { high = price }
            if price < low { low = price }
        }
        lastPrice = price
        tradeCount += 1
        if regular, regularOpen == nil { regularOpen = price }
    }

    /// The day so far as a bar (Alpaca's daily bar): opened at the official open, stamped at New
    /// York midnight, ending at `end`.
    public func dailyBar(symbol: SymbolID, end: Timestamp) -> Bar {
        Bar(symbol: symbol, span: .day, start: NewYorkTime.startOfDay(CivilDate(dayNumber: day)), end: end,
            open: officialOpen, high: high, low: low, close: lastPrice, volume: volume, notional: notional,
            tradeCount: Int32(clamping: tradeCount), dayVolume: volume, dayNotional: notional, officialOpen: officialOpen)
    }
}
