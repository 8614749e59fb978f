/// The window a bar covers.
public enum BarSpan: UInt8, Sendable, CaseIterable {
    case second = 1
    case minute = 2
    /// The New York day so far: from local midnight to the end of the latest minute.
    case day = 3

    /// Window length (a day bar's window ends where the day so far does, so this is its maximum).
    public var nanoseconds: Int64 {
        switch self {
        case .second: Timestamp.nanosPerSecond
        case .minute: Timestamp.nanosPerMinute
        case .day: 86_400 * Timestamp.nanosPerSecond
        }
    }
}

/// An aggregate of the trades in `[start, end)`, built the way the vendors build theirs.
///
/// Not every print sets a price: odd lots (condition 37) add volume and count but never set the
/// open, high, low, close or VWAP, and on a day bar neither do extended-hours (Form T) prints. So a
/// bar carries two volumes: every print's (`volume`, `tradeCount`), and the price-setting prints'
/// (`vwapVolume`, `notional`), from which `vwap` is exact.
public struct Bar: Sendable, Equatable {
    public var symbol: SymbolID
    public var span: BarSpan
    public var start: Timestamp
    public var end: Timestamp
    public var open: Price
    public var high: Price
    public var low: Price
    public var close: Price
    /// Every print's volume.
    public var volume: Int64
    /// Every print.
    public var tradeCount: Int32
    /// Volume of the prints that set prices.
    public var vwapVolume: Int64
    /// Σ price·size over the prints that set prices, in $0.0001·shares.
    public var notional: Int64
    /// The day's accumulated volume (every print) including this bar: Polygon's `av`.
    public var dayVolume: Int64
    /// The day's price-setting volume and notional including this bar, for the day's VWAP (`a`).
    public var dayVWAPVolume: Int64
    public var dayNotional: Int64
    /// The day's official open: the first regular-session round lot, or the day's first round lot before the open.
    public var officialOpen: Price

    public init(
        symbol: SymbolID, span: BarSpan, start: Timestamp, end: Timestamp, open: Price, high: Price, low: Price, close: Price,
        volume: Int64, tradeCount: Int32, vwapVolume: Int64, notional: Int64,
        dayVolume: Int64, dayVWAPVolume: Int64, dayNotional: Int64, officialOpen: Price
    ) {
        self.symbol = symbol
        self.span = span
        self.start = start
        self.end = end
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.tradeCount = tradeCount
        self.vwapVolume = vwapVolume
        self.notional = notional
        self.dayVolume = dayVolume
        self.dayVWAPVolume = dayVWAPVolume
        self.dayNotional = dayNotional
        self.officialOpen = officialOpen
    }

    /// Volume-weighted average price of the price-setting prints, in dollars.
    public var vwap: Double { vwapVolume == 0 ? 0 : Double(notional) / Double(vwapVolume) / 10_000 }
    /// The day's VWAP so far, in dollars.
    public var dayVWAP: Double { dayVWAPVolume == 0 ? 0 : Double(dayNotional) / Double(dayVWAPVolume) / 10_000 }
    /// Average trade size in the window (every print; shares, rounded down).
    public var averageSize: Int64 { tradeCount == 0 ? 0 : volume / Int64(tradeCount) }
}
