/// The log-price level at the start of each New York day, as a random-access Brownian motion.
///
/// A dyadic Brownian-bridge tree over 2²⁰ days on each side of an anchor day: the level of any day
/// costs 20 addressed normals, with no history. The anchor (2026-01-01) sits exactly at the
/// profile's base price, so prices stay plausible around today's date.
struct DailyPath {
    static let anchorDay: Int64 = CivilDate(year: 2026, month: 1, day: 1).dayNumber
    static let depth: Int64 = 20

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
        let side: Int64 = offset >= 0 ? 1 : 2
        let span: Int64 = 1 << Self.depth
        let target = min(abs(offset), span)
        var (lo, hi) = (Int64(0), span)
        var (wLo, wHi) = (0.0, (Double(span) * dailyVariance).squareRoot() * shock(side << 40 | span))
        while true {
            if target == lo { return wLo }
            if target == hi { return wHi }
            let mid = (lo + hi) / 2
            let wMid = (wLo + wHi) / 2 + (Double(hi - lo) / 4 * dailyVariance).squareRoot() * shock(side << 40 | mid)
            if target < mid { (hi, wHi) = (mid, wMid) } else { (lo, wLo) = (mid, wMid) }
        }
    }
}
