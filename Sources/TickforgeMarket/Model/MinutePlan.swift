#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minute's summary and what its trades need to realise it.
///
/// With few trades the plan is *natural*: the skeleton is drawn freely and the summary is what it
/// adds up to (a bounded amount of work). With more, the plan is *conditioned*: the summary is drawn
/// first, in constant time, from the minute's path — counts from the intensity, the first and last
/// round lots' times and prices on the minute's bridge, the high and low from the bridge's extremes,
/// volumes from the size laws, the VWAP from the anchored path's mean — and the skeleton is then
/// drawn to meet it exactly.
struct MinutePlan {
    var summary: MinuteSummary
    var conditioned: Bool
    /// Times of the first and last round lots (conditioned plans).
    var firstTime: Int64 = 0
    var lastTime: Int64 = 0
    /// Ranks among the round lots of the trades printing the high and the low; -1 when the open or
    /// close is the extreme (bridge models; the sine model finds its extremes in the skeleton).
    var highRank = -1
    var lowRank = -1
    /// Whether the open and close printed at the ask (+1) or the bid (−1): the path passes through
    /// their mids, half a spread away.
    var openSide: Int8 = 1
    var closeSide: Int8 = 1
    /// Round lots are at least this large, odd lots at most `maxOddSize`, at any price in the range.
    var minRoundSize: Int32 = 1
    var maxOddSize: Int32 = 0

    static func empty(_ m: MinuteState) -> MinutePlan {
        MinutePlan(summary: MinuteSummary(minute: m.index, phase: m.shape.phase), conditioned: false)
    }
}

extension MinuteTicks {
    /// Below this many trades, or round lots, a minute is drawn naturally and summed.
    static let naturalTradeLimit = 16
    static let naturalRoundLimit = 6

    /// The minute's plan. A natural plan leaves its skeleton built; a conditioned one leaves the
    /// skeleton to `buildConditionedSkeleton`.
    func plan(_ m: MinuteState) -> MinutePlan {
        guard m.shape.phase.isOpen else {
            skeleton.count = 0
            return .empty(m)
        }
        let M = m.index
        var counts = keys.count.child(M).stream
        let lambda = m.tradeIntensity * 60
        let reference = profile.model == .sine ? baseUnits : efficientUnits(level: m.startLevel)
        // Poisson thinning: round and odd lots arrive as independent Poisson streams.
        let oddShare = Price(units: Int64(reference)).roundLot > 1 ? Self.oddLotShare : 0
        var round = counts.roughPoisson(lambda * (1 - oddShare))
        var odd = counts.roughPoisson(lambda * oddShare)
        if round + odd > Self.maxTradesPerMinute {
            let scale = Double(Self.maxTradesPerMinute) / Double(round + odd)
            round = Int(Double(round) * scale)
            odd = Int(Double(odd) * scale)
        }
        if round + odd > Self.naturalTradeLimit, round >= Self.naturalRoundLimit, let plan = conditionedPlan(m, round: round, odd: odd, startUnits: reference) {
            return plan
        }
        buildNaturalSkeleton(m, round: round, odd: odd)
        return MinutePlan(summary: skeleton.summary(minute: M, phase: m.shape.phase), conditioned: false)
    }

    /// Draws the summary of a busy minute in constant time; `nil` when the minute is one the
    /// conditioned skeleton cannot realise exactly (a range that straddles $1, where the tick changes,
    /// or odd lots at a price with one-share round lots), which is then drawn naturally.
    private func conditionedPlan(_ m: MinuteState, round nR: Int, odd nO: Int, startUnits: Double) -> MinutePlan? {
        let M = m.index
        let t0 = M * Timestamp.nanosPerMinute
        let T = Double(Timestamp.nanosPerMinute)
        var s = keys.plan.child(M).stream
        var plan = MinutePlan(summary: MinuteSummary(minute: M, phase: m.shape.phase), conditioned: true)
        let extended = m.shape.phase.isExtendedHours
        let vol = m.volatilityMultiplier

        // The first and last of nR uniform instants: the gaps before the first and after the last
        // are exponential spacings, each about 1/(nR + 1) of the minute.
        let uMin = min(0.45, s.exponential() / Double(nR + 1))
        let uMax = max(0.55, 1 - s.exponential() / Double(nR + 1))
        plan.firstTime = t0 + Int64(uMin * T)
        plan.lastTime = max(plan.firstTime + 1, t0 + Int64(uMax * T))
        let fA = Double(plan.firstTime - t0), fB = Double(plan.lastTime - t0)

        // The open and close: prints at the bid or the ask around the path's mid at those instants.
        @inline(__always) func print(aroundUnits mid: Double, _ s: inout RandomStream, side: inout Int8) -> Price {
            let (bid, ask) = quote(around: mid, spreadDraw: s.uniform(), volatility: vol, extended: extended)
            side = s.uniform() < 0.5 ? -1 : 1
            return side < 0 ? bid : ask
        }
        let open: Price, close: Price
        var high: Price, low: Price
        var vwapTarget: Double
        let variancePerNano = m.variance / T
        switch profile.model {
        case .realistic, .randomWalk:
            // Where the minute's bridge (a at t0, b at t1) passes at the first and last round lots.
            let a = m.startLevel, b = m.endLevel
            // Prices near the minute's start price, from small log moves away from it.
            @inline(__always) func units(_ level: Double) -> Double { startUnits * Self.expNearZero(level - a) }
            let oL = a + fA / T * (b - a) + (fA * (T - fA) / T * variancePerNano).squareRoot() * s.bellShaped()
            let cL = oL + (fB - fA) / (T - fA) * (b - oL) + ((fB - fA) * (T - fB) / (T - fA) * variancePerNano).squareRoot() * s.bellShaped()
            open = print(aroundUnits: units(oL), &s, side: &plan.openSide)
            close = print(aroundUnits: units(cL), &s, side: &plan.closeSide)
            // The extremes of a Brownian bridge from oL to cL with variance v over the span: P(max ≥ x)
            // = exp(−2(x − oL)(x − cL)/v), less the shortfall of sampling it at nR points only
            // (Broadie–Glasserman's 0.5826·σ·√Δt).
            let v = variancePerNano * (fB - fA)
            let shortfall = 0.5826 * (v / Double(nR - 1)).squareRoot()
            let d2 = (oL - cL) * (oL - cL)
            let hL = max(max(oL, cL), (oL + cL + (d2 - 2 * v * log(s.uniform())).squareRoot()) / 2 - shortfall)
            let lL = min(min(oL, cL), (oL + cL - (d2 - 2 * v * log(s.uniform())).squareRoot()) / 2 + shortfall)
            // The high prints at the ask, the low at the bid.
            high = quote(around: units(hL), spreadDraw: s.uniform(), volatility: vol, extended: extended).1
            low = quote(around: units(lL), spreadDraw: s.uniform(), volatility: vol, extended: extended).0
            high = max(high, max(open, close))
            low = min(low, min(open, close))
            // Where the high and low print among the round lots (distinct interior ranks).
            let slots = nR - 2
            if high > max(open, close) { plan.highRank = 1 + s.below(slots) } else { _ = s.next() }
            if low < min(open, close) {
                var r = 1 + s.below(slots)
                if r == plan.highRank { r = r < slots ? r + 1 : r - 1 }
                plan.lowRank = r
            } else { _ = s.next() }
            // The anchored path's expected mean: pieces between the anchors (open, high, low, close
            // in rank order), each bridging its ends.
            var ranks = (0, nR - 1, nR - 1, nR - 1), units = (Double(open.units), 0.0, 0.0, 0.0)
            var count = 1
            func add(_ rank: Int, _ price: Price) {
                switch count {
                case 1: ranks.1 = rank; units.1 = Double(price.units)
                case 2: ranks.2 = rank; units.2 = Double(price.units)
                default: ranks.3 = rank; units.3 = Double(price.units)
                }
                count += 1
            }
            let highFirst = plan.highRank >= 0 && (plan.lowRank < 0 || plan.highRank < plan.lowRank)
            if highFirst { add(plan.highRank, high) }
            if plan.lowRank >= 0 { add(plan.lowRank, low) }
            if plan.highRank >= 0, !highFirst { add(plan.highRank, high) }
            add(nR - 1, close)
            var mean = 0.0, cubes = 0.0
            withUnsafeBytes(of: ranks) { r in
                withUnsafeBytes(of: units) { u in
                    let rk = r.bindMemory(to: Int.self), px = u.bindMemory(to: Double.self)
                    for k in 0..<(count - 1) {
                        let w = Double(rk[k + 1] - rk[k]) / Double(nR - 1)
                        mean += w * (px[k] + px[k + 1]) / 2
                        cubes += w * w * w
                    }
                }
            }
            // Half the anchored path's own spread around that mean: the bump that realises the
            // target then stays small next to the range.
            let priceSD = Double(open.units) * (v * cubes / 12).squareRoot() / 2
            vwapTarget = mean + priceSD * s.bellShaped()
        case .sine:
            let noise = 0.5 * 10_000.0
            open = print(aroundUnits: sineUnits(at: plan.firstTime) + (s.uniform() - 0.5) * noise, &s, side: &plan.openSide)
            close = print(aroundUnits: sineUnits(at: plan.lastTime) + (s.uniform() - 0.5) * noise, &s, side: &plan.closeSide)
            let (lo, hi, mean) = sineRange(from: plan.firstTime, to: plan.lastTime)
            // Among nR uniform noise draws the largest sits about 1/(nR+1) of the range from the top.
            let reach = noise / 2 * Double(nR - 1) / Double(nR + 1)
            high = max(max(open, close), quote(around: hi + reach, spreadDraw: s.uniform(), volatility: vol, extended: extended).1)
            low = min(min(open, close), quote(around: lo - reach, spreadDraw: s.uniform(), volatility: vol, extended: extended).0)
            vwapTarget = mean + noise / 12.0.squareRoot() / Double(nR).squareRoot() * s.bellShaped()
        }
        // One tick size across the range, and odd lots only where round lots exceed one share.
        if low.units < Price.pennyGridFloor, high.units >= Price.pennyGridFloor { return nil }
        plan.minRoundSize = low.roundLot
        plan.maxOddSize = high.roundLot - 1
        if nO > 0, plan.maxOddSize < 1 { return nil }

        // Volumes: sums of nR and nO sizes, by the central limit theorem.
        let moments = Self.roundSizeMoments(dollars: Double(open.units) / 10_000)
        var roundVolume = Int64((Double(nR) * moments.mean + Double(nR).squareRoot() * moments.sd * s.bellShaped()).rounded())
        // A few lots above the minimum, so that the notional can be met to the share.
        roundVolume = max(roundVolume, Int64(nR + 4) * Int64(plan.minRoundSize))
        var oddVolume: Int64 = 0
        if nO > 0 {
            let mo = Double(plan.maxOddSize)
            let mean = Double(nO) * (mo + 1) / 2, sd = (Double(nO) * (mo * mo - 1) / 12).squareRoot()
            oddVolume = min(Int64(nO) * Int64(plan.maxOddSize), max(Int64(nO), Int64((mean + sd * s.bellShaped()).rounded())))
        }

        // The notional: every round lot sits on the grid L + k·tick, so Σ p·s = L·V + tick·Σ k·s.
        let tick = low.tickUnits
        let width = (high.units - low.units) / tick
        var notional = low.units * roundVolume
        if width > 0 {
            let margin = 0.1 * Double(high.units - low.units)
            let target = min(max(vwapTarget, Double(low.units) + margin), Double(high.units) - margin)
            let steps = Int64(((target - Double(low.units)) / Double(tick) * Double(roundVolume)).rounded())
            notional += tick * min(max(steps, 0), width * roundVolume)
        }
        plan.summary.roundCount = Int32(nR)
        plan.summary.roundVolume = roundVolume
        plan.summary.roundNotional = notional
        plan.summary.open = open
        plan.summary.high = high
        plan.summary.low = low
        plan.summary.close = close
        plan.summary.oddCount = Int32(nO)
        plan.summary.oddVolume = oddVolume
        return plan
    }

    /// eˣ for the small moves of one minute, by its Taylor series (error below 1e-10 for |x| < 0.02),
    /// and by `exp` beyond: a summary draws four prices a minute, and a year of daily bars half a
    /// million summaries.
    @inline(__always)
    static func expNearZero(_ x: Double) -> Double {
        guard abs(x) < 0.02 else { return exp(x) }
        return 1 + x * (1 + x * (0.5 + x * (1.0 / 6 + x * (1.0 / 24))))
    }

    /// The sine model's lowest and highest price, and its mean, over `[a, b]` (before noise).
    func sineRange(from a: Int64, to b: Int64) -> (low: Double, high: Double, mean: Double) {
        let period = profile.sinePeriodSeconds
        let periodNanos = Int64(period * 1e9)
        // Phases from the instant within its period, so that huge epoch times keep their precision.
        let pa = Double(a.floorModulo(periodNanos)) / 1e9 / period
        let pb = pa + Double(b - a) / 1e9 / period
        let twoPi = 2 * Double.pi
        var hi = max(sin(twoPi * pa), sin(twoPi * pb)), lo = min(sin(twoPi * pa), sin(twoPi * pb))
        // A crest (phase ¼ + k) or trough (¾ + k) inside the span is the extreme.
        if (pa - 0.25).rounded(.up) <= pb - 0.25 { hi = 1 }
        if (pa - 0.75).rounded(.up) <= pb - 0.75 { lo = -1 }
        let meanSin = pb > pa ? (cos(twoPi * pa) - cos(twoPi * pb)) / (twoPi * (pb - pa)) : sin(twoPi * pa)
        let base = profile.basePrice * 10_000, amp = profile.sineAmplitude * 10_000
        return (base + amp * lo, base + amp * hi, base + amp * meanSin)
    }
}
