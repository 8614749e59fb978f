#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SplitMix64 finaliser: a strong 64-bit mixing function.
@inlinable @inline(__always)
func mix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// A key in Tickforge's counter-based randomness tree.
///
/// Every random number in the market is addressed, never drawn from a shared sequence:
/// seed → symbol → purpose → time bucket → draw index. Two market instances that address the same
/// numbers get the same numbers, whatever else they computed before, which is what makes the
/// market a pure function of (seed, symbol, instant).
public struct RandomKey: Hashable, Sendable {
    public let value: UInt64

    @inlinable public init(_ value: UInt64) { self.value = value }

    /// A child key; distinct labels give independent subtrees.
    @inlinable @inline(__always)
    public func child(_ label: UInt64) -> RandomKey {
        RandomKey(mix64(value ^ mix64(label &+ 0x632B_E59B_D9B4_E019)))
    }

    @inlinable public func child(_ purpose: RandomPurpose) -> RandomKey { child(purpose.rawValue) }
    @inlinable public func child(_ bucket: Int64) -> RandomKey { child(UInt64(bitPattern: bucket)) }

    /// The root key of a seed.
    public static func seed(_ seed: UInt64) -> RandomKey { RandomKey(mix64(seed ^ 0x5449_434B_464F_5247)) }

    /// A key for a ticker under a seed (FNV-1a of its bytes, then mixed).
    public func symbol(_ ticker: String) -> RandomKey {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in ticker.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return child(h)
    }

    /// A stream of draws under this key.
    @inlinable public var stream: RandomStream { RandomStream(key: self) }

    /// One uniform in (0, 1) addressed directly by this key.
    @inlinable public var uniform: Double { RandomStream.toUnitOpen(mix64(value)) }
    /// A cheap near-normal with unit variance addressed by this key: the Irwin–Hall sum of the four
    /// 16-bit quarters of one mixed word. Bounded at ±3.46; right for shocks that only need to be
    /// symmetric and bell-shaped (log-volatility), at a fraction of a true normal's cost.
    @inlinable public var bellShaped: Double {
        let x = mix64(value)
        let sum = Double(x & 0xFFFF) + Double((x >> 16) & 0xFFFF) + Double((x >> 32) & 0xFFFF) + Double(x >> 48)
        // Each quarter is uniform on [0, 65535]: mean 32767.5, variance (65536² − 1)/12.
        return (sum - 4 * 32_767.5) / (4 * (65_536.0 * 65_536.0 - 1) / 12).squareRoot()
    }

    /// One standard normal addressed directly by this key.
    @inlinable public var gaussian: Double {
        var s = stream
        return s.gaussian()
    }
}

/// What a random number is for. Each purpose is its own subtree, so adding draws for one purpose
/// never shifts another's.
public enum RandomPurpose: UInt64, Sendable {
    case dayPath = 1, hourShock, minuteShock, minuteJump, volatilityCascade
    case tradeCount, tradeTimes, tradeSizes, tradePrices, tradeAttributes
    case quoteCount, quoteTimes, quoteValues, quoteAttributes
    case profile, marketFactor
    /// A minute's summary: counts' split, anchor times and prices, volumes, VWAP.
    case minutePlan
}

/// A short sequence of draws under one key: the `n`-th draw is `mix(key, n)`, so a stream is
/// itself counter-based and cheap to create.
public struct RandomStream: Sendable {
    @usableFromInline var state: UInt64

    @inlinable public init(key: RandomKey) { state = key.value }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inlinable @inline(__always)
    static func toUnitOpen(_ x: UInt64) -> Double { (Double(x >> 11) + 0.5) * 0x1.0p-53 }

    /// Uniform in the open interval (0, 1).
    @inlinable @inline(__always)
    public mutating func uniform() -> Double { Self.toUnitOpen(next()) }

    /// Uniform integer in `0..<bound`.
    @inlinable @inline(__always)
    public mutating func below(_ bound: Int) -> Int {
        Int((UInt64(UInt32(truncatingIfNeeded: next() >> 32)) &* UInt64(bound)) >> 32)
    }

    /// Standard normals come in pairs (Marsaglia's polar method); the second waits here.
    @usableFromInline var spareGaussian: Double = .nan

    /// Standard normal. The polar method needs one log and one square root per two values and no
    /// trigonometry; its rejection loop consumes draws deterministically, so streams stay reproducible.
    @inlinable @inline(__always)
    public mutating func gaussian() -> Double {
        if !spareGaussian.isNaN {
            defer { spareGaussian = .nan }
            return spareGaussian
        }
        while true {
            let x = 2 * uniform() - 1
            let y = 2 * uniform() - 1
            let s = x * x + y * y
            if s < 1, s > 0 {
                let f = (-2 * log(s) / s).squareRoot()
                spareGaussian = y * f
                return x * f
            }
        }
    }

    /// A cheap near-normal with unit variance from one draw: the Irwin–Hall sum of its four 16-bit
    /// quarters, bounded at ±3.46. Right where a bell shape is all that matters (the noise of a
    /// count, a volume or a target around its mean), at a fraction of `gaussian()`'s cost.
    @inlinable @inline(__always)
    public mutating func bellShaped() -> Double {
        let x = next()
        let sum = Double(x & 0xFFFF) + Double((x >> 16) & 0xFFFF) + Double((x >> 32) & 0xFFFF) + Double(x >> 48)
        return (sum - 4 * 32_767.5) / (4 * (65_536.0 * 65_536.0 - 1) / 12).squareRoot()
    }

    /// Poisson with mean `lambda`, cheaply: exact below 30, a rounded bell shape above (a count's
    /// far tails matter little; its mean and spread do).
    @inlinable public mutating func roughPoisson(_ lambda: Double) -> Int {
        guard lambda >= 30 else { return poisson(lambda) }
        let v = (lambda + lambda.squareRoot() * bellShaped()).rounded()
        return v < 0 ? 0 : Int(v)
    }

    /// Exponential with mean 1.
    @inlinable @inline(__always)
    public mutating func exponential() -> Double { -log(uniform()) }

    /// Student-t with 6 degrees of freedom, scaled to unit variance: fat tails for returns.
    @inlinable public mutating func studentT6UnitVariance() -> Double {
        let z = gaussian()
        // χ²₆ = −2·ln(u₁u₂u₃); t = z / √(χ²₆/6); Var(t₆) = 3/2.
        let chi = -2 * log(uniform() * uniform() * uniform())
        return z / (chi / 6).squareRoot() / 1.5.squareRoot()
    }

    /// Poisson with mean `lambda` (exact below 30, normal approximation above).
    @inlinable public mutating func poisson(_ lambda: Double) -> Int {
        guard lambda > 0 else { return 0 }
        if lambda < 30 {
            let limit = exp(-lambda)
            var k = 0
            var p = uniform()
            while p > limit {
                k += 1
                p *= uniform()
            }
            return k
        }
        let v = (lambda + lambda.squareRoot() * gaussian()).rounded()
        return v < 0 ? 0 : Int(v)
    }
}
