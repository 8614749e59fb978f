#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stochastic volatility as a random-access multiplicative cascade.
///
/// `log σ(M) = Σₖ aₖ·Zₖ(⌊M / 2ᵏ⌋) − s²` over levels k = 0…13 (1 minute to about 6 days), where
/// every Zₖ is an addressed standard normal. Minutes that share coarse blocks share their shocks, so
/// volatility clusters over many horizons at once (the slowly decaying autocorrelation of |returns|
/// seen on real tapes), and any minute's volatility costs O(levels) with no history.
/// E[σ²] = 1 by construction.
struct VolatilityCascade {
    static let levels = 14
    /// Levels at or above this are "coarse": constant over an hour or more.
    static let firstCoarseLevel = 6
    /// Per-level variance of the log-volatility shocks.
    static let levelVariance = 0.028
    static let totalVariance = levelVariance * Double(levels)
    static let coarseVariance = levelVariance * Double(levels - firstCoarseLevel)

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
        let own = symbolKey.child(label).gaussian
        guard marketShare > 0 else { return own }
        return marketShare * marketKey.child(label).gaussian + (1 - marketShare * marketShare).squareRoot() * own
    }

    /// Σ of shocks over levels `range` at minute `M`.
    func logSum(minute M: Int64, levels range: Range<Int>) -> Double {
        var sum = 0.0
        for k in range { sum += shock(level: k, block: M >> Int64(k)) }
        return sum * Self.levelVariance.squareRoot()
    }

    /// E[σ² | coarse levels] around minute `M`: what an hour-scale tier can know cheaply.
    func coarseVarianceMultiplier(minute M: Int64) -> Double {
        exp(2 * logSum(minute: M, levels: Self.firstCoarseLevel..<Self.levels) - 2 * Self.coarseVariance)
    }

    /// σ for each of `count` consecutive minutes from `first`, reusing each level's shock while its
    /// block is unchanged (about two normals per minute instead of fourteen).
    func multipliers(from first: Int64, count: Int, into out: inout [Double]) {
        out.removeAll(keepingCapacity: true)
        var cachedBlock = [Int64](repeating: .min, count: Self.levels)
        var cachedShock = [Double](repeating: 0, count: Self.levels)
        let scale = Self.levelVariance.squareRoot()
        for i in 0..<count {
            let M = first + Int64(i)
            var sum = 0.0
            for k in 0..<Self.levels {
                let b = M >> Int64(k)
                if cachedBlock[k] != b {
                    cachedBlock[k] = b
                    cachedShock[k] = shock(level: k, block: b)
                }
                sum += cachedShock[k]
            }
            out.append(exp(sum * scale - Self.totalVariance))
        }
    }
}
