#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One minute as the tick generator sees it: where the efficient price starts and ends, how much
/// it wanders in between, and how busy the tape is.
public struct MinuteState: Sendable, Equatable {
    /// Minutes since the epoch.
    public var index: Int64
    public var shape: MinuteShape
    /// Log price relative to the base, at the minute's start and end.
    public var startLevel: Double
    public var endLevel: Double
    /// Variance of the log price over the minute.
    public var variance: Double
    /// Expected trades per second in this minute.
    public var tradeIntensity: Double
    /// Volatility multiplier (1 = typical), which widens spreads.
    public var volatilityMultiplier: Double
    /// Whether quotes are posted (false while a symbol is halted or silent).
    public var quoting = true
}

/// The price path of one symbol from days down to minutes: day levels from `DailyPath`, 23–25
/// hourly steps bridged between consecutive day levels, and 60 minute steps bridged between
/// consecutive hour levels. Each tier is a pure function of its keys and its two end points, so a
/// cold minute costs one day lookup, one hour path and one minute path (a few microseconds), and
/// the most recent hour is cached for sequential access.
///
/// Not thread-safe: one owner (a `SymbolTape`) drives it.
final class PricePath {
    let profile: SymbolProfile
    let intraday: IntradayProfile
    private let daily: DailyPath
    private let cascade: VolatilityCascade
    private let hourKey, minuteKey, jumpKey: RandomKey
    private let marketHourKey, marketMinuteKey: RandomKey
    private let loading: Double
    /// Variance per unit of variance weight (realistic), or per expected trade (random walk).
    private let unitVariance: Double

    static let jumpProbabilityPerMinute = 0.0008
    static let jumpScale = 5.0
    static let randomWalkStep = 0.001

    init(profile: SymbolProfile, symbolKey: RandomKey, marketKey: RandomKey, mode: MarketHoursMode) {
        self.profile = profile
        intraday = IntradayProfile(mode: mode)
        loading = profile.factorLoading
        let tradingDayVariance = profile.volatility * profile.volatility / 252
        let dayWeight = IntradayProfile.tradingDayVarianceWeight
        switch profile.model {
        case .randomWalk:
            unitVariance = Self.randomWalkStep * Self.randomWalkStep
        case .realistic, .sine:
            unitVariance = tradingDayVariance / dayWeight
        }
        // The daily path carries a trading day's variance in both modes; intraday steps carry their
        // own (more of it in always-open mode, where every minute trades), and the hour bridge
        // reconciles the two, so always-open prices stay as anchored as calendar prices.
        daily = DailyPath(symbolKey: symbolKey, marketKey: marketKey, factorLoading: loading, dailyVariance: tradingDayVariance)
        cascade = VolatilityCascade(symbolKey: symbolKey, marketKey: marketKey, marketShare: loading > 0 ? 0.6 : 0)
        hourKey = symbolKey.child(.hourShock)
        minuteKey = symbolKey.child(.minuteShock)
        jumpKey = symbolKey.child(.minuteJump)
        marketHourKey = marketKey.child(.hourShock)
        marketMinuteKey = marketKey.child(.minuteShock)
    }

    // MARK: caches (single entry: access is overwhelmingly sequential)

    private var cachedDay: Int64 = .min
    private var dayStart: Timestamp = .init(nanoseconds: 0)
    private var daySchedule: NYSECalendar.DaySchedule?
    /// New York minute of day at the start of each UTC hour of the day (DST moves it by 60).
    private var hourLocalMinute: [Int] = []
    private var hourLevels: [Double] = []
    private var cachedHourStart: Int64 = .min
    private var minutes: [MinuteState] = []
    private var scratchSigma: [Double] = []
    private var scratchShock: [Double] = []

    /// The state of minute `M` (minutes since the epoch).
    func minute(_ M: Int64) -> MinuteState {
        let start = Timestamp(nanoseconds: M * Timestamp.nanosPerMinute)
        let hourIndex = M.floorDivided(by: 60)
        if hourIndex != cachedHourStart { buildHour(hourIndex, containing: start) }
        return minutes[Int(M - hourIndex * 60)]
    }

    /// Builds the day's hourly levels if needed.
    private func ensureDay(containing t: Timestamp) {
        let day = NewYorkTime.localDayNumber(of: t)
        guard day != cachedDay else { return }
        cachedDay = day
        let date = CivilDate(dayNumber: day)
        dayStart = NewYorkTime.startOfDay(date)
        let dayEnd = NewYorkTime.startOfDay(CivilDate(dayNumber: day + 1))
        let hours = Int((dayEnd - dayStart) / Timestamp.nanosPerHour)
        let startLevel = daily.level(atDay: day), endLevel = daily.level(atDay: day + 1)
        daySchedule = intraday.mode == .calendar ? NYSECalendar.schedule(for: date) : nil
        // DST switches on a UTC hour boundary, so one offset lookup per hour is exact.
        hourLocalMinute = (0..<hours).map { NewYorkTime.minuteOfDay(of: dayStart + Int64($0) * Timestamp.nanosPerHour) }

        // Hour variances from the intraday weights and the coarse volatility levels.
        var variances = [Double](repeating: 0, count: hours)
        var shocks = [Double](repeating: 0, count: hours)
        let firstMinute = dayStart.minuteIndex
        let coarse = profile.model == .realistic
            ? cascade.coarseVarianceMultipliers(minutes: (0..<hours).map { firstMinute + Int64($0 * 60 + 30) })
            : [Double](repeating: 1, count: hours)
        for h in 0..<hours {
            var weight = 0.0
            for m in stride(from: 0, to: 60, by: 5) {
                weight += intraday.shape(schedule: daySchedule, minuteOfDay: hourLocalMinute[h] + m).varianceWeight * 5
            }
            variances[h] = varianceOfWeight(weight, startMinute: firstMinute + Int64(h * 60)) * coarse[h]
            shocks[h] = variances[h].squareRoot() * mixed(hourKey, marketHourKey, label: day << 8 | Int64(h))
        }
        hourLevels = Self.bridge(from: startLevel, to: endLevel, variances: variances, shocks: shocks)
    }

    private func buildHour(_ hourIndex: Int64, containing t: Timestamp) {
        ensureDay(containing: t)
        let h = Int((t - dayStart) / Timestamp.nanosPerHour)
        cachedHourStart = hourIndex
        let hourStartMinute = hourIndex * 60
        let startLevel = hourLevels[h], endLevel = hourLevels[h + 1]

        if profile.model == .realistic {
            cascade.multipliers(from: hourStartMinute, count: 60, into: &scratchSigma)
        } else {
            scratchSigma = [Double](repeating: 1, count: 60)
        }
        var variances = [Double](repeating: 0, count: 60)
        scratchShock.removeAll(keepingCapacity: true)
        var shapes = [MinuteShape]()
        shapes.reserveCapacity(60)
        var absShocks = [Double](repeating: 0, count: 60)
        for i in 0..<60 {
            let M = hourStartMinute + Int64(i)
            let shape = intraday.shape(schedule: daySchedule, minuteOfDay: hourLocalMinute[h] + i)
            shapes.append(shape)
            let sigma = scratchSigma[i]
            var v = varianceOfWeight(shape.varianceWeight, startMinute: M, activity: shape.activity) * sigma * sigma
            let eps: Double
            if profile.model == .realistic {
                var s = minuteKey.child(M).stream
                let own = s.studentT6UnitVariance()
                if loading > 0 {
                    var ms = marketMinuteKey.child(M).stream
                    eps = loading * ms.studentT6UnitVariance() + (1 - loading * loading).squareRoot() * own
                } else {
                    eps = own
                }
                var shock = v.squareRoot() * eps
                var j = jumpKey.child(M).stream
                if j.uniform() < Self.jumpProbabilityPerMinute {
                    let jump = Self.jumpScale * v.squareRoot() * j.gaussian()
                    shock += jump
                    v += jump * jump
                }
                scratchShock.append(shock)
                absShocks[i] = abs(eps)
            } else {
                eps = minuteKey.child(M).gaussian
                scratchShock.append(v.squareRoot() * eps)
                absShocks[i] = abs(eps)
            }
            variances[i] = v
        }
        let levels = Self.bridge(from: startLevel, to: endLevel, variances: variances, shocks: scratchShock)
        minutes.removeAll(keepingCapacity: true)
        for i in 0..<60 {
            let shape = shapes[i]
            var intensity = profile.liquidity * shape.activity
            if profile.model == .realistic {
                // Busy minutes are volatile minutes: trading intensity follows volatility and the
                // size of the minute's own move (E|ε| ≈ 0.8 for the unit-variance t₆ shock).
                // The square-root-ish response keeps a volatile midday from drowning the U shape.
                intensity *= pow(scratchSigma[i], 0.6) * (0.35 + 0.65 * absShocks[i] / 0.8)
            }
            minutes.append(MinuteState(
                index: hourStartMinute + Int64(i), shape: shape, startLevel: levels[i], endLevel: levels[i + 1],
                variance: variances[i], tradeIntensity: intensity, volatilityMultiplier: scratchSigma[i]
            ))
        }
    }

    /// Variance for a span with the given variance weight (realistic) or expected trade count
    /// (random walk: one 0.1% step per trade).
    private func varianceOfWeight(_ weight: Double, startMinute: Int64, activity: Double? = nil) -> Double {
        switch profile.model {
        case .randomWalk:
            // Per minute: E[trades] × step²; per hour the caller passes a summed weight, which is
            // fine as an approximation because the bridge makes the hour's sum exact anyway.
            let trades = profile.liquidity * 60 * (activity ?? weight / 60)
            return max(trades, 0.01) * unitVariance
        case .realistic, .sine:
            return weight * unitVariance
        }
    }

    @inline(__always)
    private func mixed(_ own: RandomKey, _ market: RandomKey, label: Int64) -> Double {
        let z = own.child(label).gaussian
        guard loading > 0 else { return z }
        return loading * market.child(label).gaussian + (1 - loading * loading).squareRoot() * z
    }

    /// Turns free increments into a path from `a` to `b`: each increment absorbs a share of the
    /// gap proportional to its variance (the exact Gaussian bridge when the variances match the
    /// end-to-end variance), so the tiers agree with each other exactly.
    static func bridge(from a: Double, to b: Double, variances: [Double], shocks: [Double]) -> [Double] {
        let totalVariance = variances.reduce(0, +)
        let gap = b - a - shocks.reduce(0, +)
        var levels = [Double]()
        levels.reserveCapacity(shocks.count + 1)
        var x = a
        levels.append(x)
        for i in 0..<shocks.count {
            x += shocks[i] + (totalVariance > 0 ? variances[i] / totalVariance : 1 / Double(shocks.count)) * gap
            levels.append(x)
        }
        levels[shocks.count] = b
        return levels
    }
}
