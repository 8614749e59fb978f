/// Builds one bar from the trades of its window, exactly: integer volume and notional, first and
/// last prints for open and close.
public struct BarBuilder: Sendable {
    public let symbol: SymbolID
    public let span: BarSpan
    public private(set) var start: Int64 = 0
    public private(set) var end: Int64 = 0
    public private(set) var isOpen = false
    private var open = Price(units: 0), high = Price(units: 0), low = Price(units: 0), close = Price(units: 0)
    private var volume: Int64 = 0
    private var notional: Int64 = 0
    public private(set) var tradeCount: Int32 = 0

    public init(symbol: SymbolID, span: BarSpan) {
        self.symbol = symbol
        self.span = span
    }

    /// Starts a window at `start` (nanoseconds, aligned to the span).
    public mutating func begin(start: Int64) {
        self.start = start
        end = start + span.nanoseconds
        isOpen = true
        volume = 0
        notional = 0
        tradeCount = 0
    }

    @inline(__always)
    public mutating func add(price: Price, size: Int32) {
        if tradeCount == 0 {
            open = price; high = price; low = price
        } else {
            if price > high { high = price }
            if price < low { low = price }
        }
        close = price
        volume += Int64(size)
        notional += price.units * Int64(size)
        tradeCount += 1
    }

    /// Closes the window and returns its bar, stamped with the day totals as they stand.
    public mutating func finish(day: DayAccumulator) -> Bar {
        isOpen = false
        return Bar(
            symbol: symbol, span: span, start: Timestamp(nanoseconds: start), end: Timestamp(nanoseconds: end),
            open: open, high: high, low: low, close: close, volume: volume, notional: notional, tradeCount: tradeCount,
            dayVolume: day.volume, dayNotional: day.notional, officialOpen: day.officialOpen
        )
    }
}
