/// The log-price level at the start of each New York day, with random access.
///
/// Days are grouped in blocks of 128; within a block the level is a Brownian bridge pinned to the
/// base price at both ends, built as a dyadic tree, so any day costs 7 addressed normals and no
/// history. Day-to-day moves are Brownian, yet a symbol never wanders far from the base price its
/// profile promises: with 25% annual volatility the level stays within about ±9% (one standard
/// deviation at mid-block) on any date, past or future.
struct DailyPath {
    static let anchorDay: Int64 = CivilDate(year: 2026, month: 1, day: 1).dayNumber
    static let blockDays: Int64 = 128

    let symbolKey: RandomKey
    let marketKey: RandomKey
    /// Correlation of this symbol's shocks with the market factor's.
    let factorLoading: Double
    /// Variance of the log level per day.
    let dailyVariance: Double

    init(symbolKey: RandomKey, marketKey: RandomKey, factorLoading: Double, dailyVariance: Double) {
        self.symbolKey = symbolKey.child(.dayPath)
        self.marketKey = marketKey.child(.dayPath)
        self.factorLoading = factorLoading
        self.dailyVariance = dailyVariance
    }

    @inline(__always)
    private func shock(_ node: Int64) -> Double {
        let own = symbolKey.child(node).gaussian
        guard factorLoading > 0 else { return own }
        return factorLoading * marketKey.child(node).gaussian + (1 - factorLoading * factorLoading).squareRoot() * own
    }

    /// Log level (relative to the base price) at the start of day `day`.
    func level(atDay day: Int64) -> Double {
        let offset = day - Self.anchorDay
        let block = offset.floorDivided(by: Self.blockDays)
        let target = offset - block * Self.blockDays
        var (lo, hi) = (Int64(0), Self.blockDays)
        var (wLo, wHi) = (0.0, 0.0)
        while true {
            if target == lo { return wLo }
            let mid = (lo + hi) / 2
            let wMid = (wLo + wHi) / 2 + (Double(hi - lo) / 4 * dailyVariance).squareRoot() * shock(block << 8 | mid)
            if target < mid { (hi, wHi) = (mid, wMid) } else { (lo, wLo) = (mid, wMid) }
        }
    }
}
