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

/// An aggregate built exactly from the trades in `[start, end)`.
public struct Bar: Sendable, Equatable {
    public var symbol: SymbolID
    public var span: BarSpan
    public var start: Timestamp
    public var end: Timestamp
    public var open: Price
    public var high: Price
    public var low: Price
    public var close: Price
    public var volume: Int64
    /// Σ price·size in $0.0001·shares; `vwap` is derived from it exactly.
    public var notional: Int64
    public var tradeCount: Int32
    /// Day's accumulated volume including this bar.
    public var dayVolume: Int64
    /// Day's accumulated notional including this bar.
    public var dayNotional: Int64
    /// The day's official open: the first regular-session trade, or the day's first trade before the open.
    public var officialOpen: Price

    public init(
        symbol: SymbolID, span: BarSpan, start: Timestamp, end: Timestamp, open: Price, high: Price, low: Price, close: Price,
        volume: Int64, notional: Int64, tradeCount: Int32, dayVolume: Int64, dayNotional: Int64, officialOpen: Price
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
        self.notional = notional
        self.tradeCount = tradeCount
        self.dayVolume = dayVolume
        self.dayNotional = dayNotional
        self.officialOpen = officialOpen
    }

    /// Volume-weighted average price of the window, in dollars.
    public var vwap: Double { volume == 0 ? 0 : Double(notional) / Double(volume) / 10_000 }
    /// Volume-weighted average price of the day so far, in dollars.
    public var dayVWAP: Double { dayVolume == 0 ? 0 : Double(dayNotional) / Double(dayVolume) / 10_000 }
    /// Average trade size in the window (shares, rounded down).
    public var averageSize: Int64 { tradeCount == 0 ? 0 : volume / Int64(tradeCount) }
}
