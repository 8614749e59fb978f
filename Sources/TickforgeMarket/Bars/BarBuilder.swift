/// Builds one bar from the trades of its window, exactly: integer volume and notional, first and
/// last price-setting prints for open and close.
public struct BarBuilder: Sendable {
    public let symbol: SymbolID
    public let span: BarSpan
    public private(set) var start: Int64 = 0
    public private(set) var end: Int64 = 0
    public private(set) var isOpen = false
    private var window = WindowTotals()

    public init(symbol: SymbolID, span: BarSpan) {
        self.symbol = symbol
        self.span = span
    }

    /// Starts a window at `start` (nanoseconds, aligned to the span).
    public mutating func begin(start: Int64) {
        self.start = start
        end = start + span.nanoseconds
        isOpen = true
        window = WindowTotals()
    }

    /// Adds a print; `setsPrice` is false for prints that add volume only (odd lots).
    @inline(__always)
    public mutating func add(price: Price, size: Int32, setsPrice: Bool) {
        window.add(price: price, size: size, setsPrice: setsPrice)
    }

    /// Whether the window holds a print that sets prices: a bar exists only then.
    public var hasPrices: Bool { window.pricedCount > 0 }

    /// Closes the window and returns its bar, stamped with the day totals as they stand.
    public mutating func finish(day: DayAccumulator) -> Bar {
        isOpen = false
        return window.bar(symbol: symbol, span: span, start: Timestamp(nanoseconds: start), end: Timestamp(nanoseconds: end), day: day)
    }
}

/// Running totals of a window: every print's volume and count, and the price-setting prints'
/// open, high, low, close, volume and notional. Windows add up: the totals of two adjacent windows
/// merged equal the totals of their union.
public struct WindowTotals: Sendable, Equatable {
    public var open = Price(units: 0), high = Price(units: 0), low = Price(units: 0), close = Price(units: 0)
    public var volume: Int64 = 0
    public var tradeCount: Int64 = 0
    public var pricedCount: Int64 = 0
    public var pricedVolume: Int64 = 0
    public var notional: Int64 = 0

    public init() {}

    @inline(__always)
    public mutating func add(price: Price, size: Int32, setsPrice: Bool) {
        volume += Int64(size)
        tradeCount += 1
        guard setsPrice else { return }
        if pricedCount == 0 {
            open = price; high = price; low = price
        } else {
            if price > high { high = price }
            if price < low { low = price }
        }
        close = price
        pricedCount += 1
        pricedVolume += Int64(size)
        notional += price.units * Int64(size)
    }

    /// Appends a later window's totals.
    public mutating func merge(_ later: WindowTotals) {
        volume += later.volume
        tradeCount += later.tradeCount
        guard later.pricedCount > 0 else { return }
        if pricedCount == 0 {
            open = later.open; high = later.high; low = later.low
        } else {
            if later.high > high { high = later.high }
            if later.low < low { low = later.low }
        }
        close = later.close
        pricedCount += later.pricedCount
        pricedVolume += later.pricedVolume
        notional += later.notional
    }

    public func bar(symbol: SymbolID, span: BarSpan, start: Timestamp, end: Timestamp, day: DayAccumulator) -> Bar {
        Bar(symbol: symbol, span: span, start: start, end: end, open: open, high: high, low: low, close: close,
            volume: volume, tradeCount: Int32(clamping: tradeCount), vwapVolume: pricedVolume, notional: notional,
            dayVolume: day.volume, dayVWAPVolume: day.priced.pricedVolume, dayNotional: day.priced.notional, officialOpen: day.officialOpen)
    }
}
