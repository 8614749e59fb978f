#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stochastic volatility as a random-access multiplicative cascade.
///
/// `log σ(M) = Σₖ aₖ·Zₖ(⌊M / 2ᵏ⌋) − Σₖ aₖ²` over levels k = 0…13 (1 minute to about 6 days), where
/// every Zₖ is an addressed bell-shaped unit shock. Minutes that share coarse blocks share their shocks, so
/// volatility clusters over many horizons at once (the slowly decaying autocorrelation of |returns|
/// seen on real tapes), and any minute's volatility costs O(levels) with no history.
/// E[σ²] ≈ 1 (exactly 1 for normal shocks; the bell-shaped ones have slightly thinner tails).
struct VolatilityCascade {
    static let levels = 14
    /// Levels at or above this are "coarse": constant over an hour or more.
    static let firstCoarseLevel = 6
    /// Variance of the log-volatility shocks per level. Most of it sits at 8 minutes to 17 hours,
    /// which is what keeps |returns| correlated over tens of minutes, as on real tapes; the finest
    /// levels stay small so minute-to-minute volatility does not flicker.
    static let levelVariances: [Double] = [0.005, 0.005, 0.01, 0.04, 0.1, 0.1, 0.1, 0.09, 0.08, 0.06, 0.05, 0.03, 0.03, 0.03]
    static let levelScales = levelVariances.map { $0.squareRoot() }
    static let totalVariance = levelVariances.reduce(0, +)
    static let coarseVariance = levelVariances[firstCoarseLevel...].reduce(0, +)

    let symbolKey: RandomKey
    let marketKey: RandomKey
    /// Weight of the market-wide volatility shocks (volatility is largely common across stocks).
    let marketShare: Double

    init(symbolKey: RandomKey, marketKey: RandomKey, marketShare: Double) {
        self.symbolKey = symbolKey.child(.volatilityCascade)
        self.marketKey = marketKey.child(.volatilityCascade)
        self.marketShare = marketShare
    }

    @inline(__always)
    func shock(level k: Int, block: Int64) -> Double {
        let label = Int64(k) << 56 ^ block
        let own = symbolKey.child(label).bellShaped
        guard marketShare > 0 else { return own }
        return marketShare * marketKey.child(label).bellShaped + (1 - marketShare * marketShare).squareRoot() * own
    }

    /// Remembers each level's current block and scaled shock, so scanning minutes in order draws a
    /// level's shock only when its block changes.
    private struct LevelCache {
        var block = [Int64](repeating: .min, count: VolatilityCascade.levels)
        var shock = [Double](repeating: 0, count: VolatilityCascade.levels)

        mutating func logSum(_ cascade: VolatilityCascade, minute M: Int64, levels: Range<Int>) -> Double {
            var sum = 0.0
            for k in levels {
                let b = M >> Int64(k)
                if block[k] != b {
                    block[k] = b
                    shock[k] = cascade.shock(level: k, block: b) * VolatilityCascade.levelScales[k]
                }
                sum += shock[k]
            }
            return sum
        }
    }

    /// E[σ² | coarse levels] at each of `minutes` (ascending): what an hour-scale tier can know
    /// cheaply. Coarse blocks span hours, so most shocks are shared and drawn once.
    func coarseVarianceMultipliers(minutes: [Int64]) -> [Double] {
        var cache = LevelCache()
        return minutes.map { M in
            exp(2 * cache.logSum(self, minute: M, levels: Self.firstCoarseLevel..<Self.levels) - 2 * Self.coarseVariance)
        }
    }

    /// σ for each of `count` consecutive minutes from `first` (about two normals per minute
    /// instead of fourteen, thanks to the cache).
    func multipliers(from first: Int64, count: Int, into out: inout [Double]) {
        out.removeAll(keepingCapacity: true)
        var cache = LevelCache()
        for i in 0..<count {
            out.append(exp(cache.logSum(self, minute: first + Int64(i), levels: 0..<Self.levels) - Self.totalVariance))
        }
    }
}
