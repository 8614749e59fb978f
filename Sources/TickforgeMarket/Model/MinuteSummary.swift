/// What one minute of one symbol adds up to, decided before any of its trades exist.
///
/// A summary costs a bounded amount of work, whatever the minute's trade count; the minute's trades
/// are then generated to realise it exactly (first and last round lots at the open and close, the
/// high and low printed, sizes adding up to the volumes, the notional to the unit). Every bar of
/// every width, and the day totals at any instant, are sums of summaries.
public struct MinuteSummary: Sendable, Equatable {
    /// Minutes since the epoch.
    public var minute: Int64
    public var phase: SessionPhase
    /// Round lots: the prints that set prices.
    public var roundCount: Int32
    public var roundVolume: Int64
    /// Σ price·size over the round lots, in $0.0001·shares.
    public var roundNotional: Int64
    /// Open, high, low and close of the round lots (zero when there are none).
    public var open: Price
    public var high: Price
    public var low: Price
    public var close: Price
    /// Odd lots: volume and count only.
    public var oddCount: Int32
    public var oddVolume: Int64

    public init(minute: Int64, phase: SessionPhase) {
        self.minute = minute
        self.phase = phase
        roundCount = 0
        roundVolume = 0
        roundNotional = 0
        open = Price(units: 0); high = open; low = open; close = open
        oddCount = 0
        oddVolume = 0
    }

    public var tradeCount: Int64 { Int64(roundCount) + Int64(oddCount) }
    public var volume: Int64 { roundVolume + oddVolume }
    /// Whether the minute has a bar: only prints that set prices make one.
    public var hasPrices: Bool { roundCount > 0 }

    /// The minute's round lots as window totals (the prints that set prices, and only those).
    public var roundTotals: WindowTotals {
        var w = WindowTotals()
        guard roundCount > 0 else { return w }
        w.volume = roundVolume
        w.tradeCount = Int64(roundCount)
        w.open = open; w.high = high; w.low = low; w.close = close
        w.pricedCount = Int64(roundCount)
        w.pricedVolume = roundVolume
        w.notional = roundNotional
        return w
    }

    /// The minute as a bar's window totals: every print's volume and count, round lots' prices.
    public var barTotals: WindowTotals {
        var w = roundTotals
        w.volume = volume
        w.tradeCount = tradeCount
        return w
    }
}
