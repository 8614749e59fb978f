#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The trades of one minute before they are dressed: when each prints, at what price and size,
/// and the NBBO it prints against, in time order.
struct TradeSkeleton {
    var count = 0
    var times: [Int64] = []
    /// Efficient log level (relative to the base price) at each trade: free quotes interpolate it.
    var efficient: [Double] = []
    var prices: [Price] = []
    var sizes: [Int32] = []
    var bids: [Price] = []
    var asks: [Price] = []

    // Scratch for the builders, kept for its capacity.
    var spacings: [Double] = []
    var roundTimes: [Int64] = []
    var oddTimes: [Int64] = []
    var isRound: [Bool] = []
    var mids: [Double] = []
    var bump: [Double] = []
    var sides: [Int8] = []
    var spreads: [Int32] = []
    var roundIndexes: [Int32] = []
    var movable: [Int32] = []
    var lotMultiple: [Bool] = []

    mutating func reset(count n: Int) {
        count = n
        times.removeAll(keepingCapacity: true)
        efficient.removeAll(keepingCapacity: true)
        prices.removeAll(keepingCapacity: true)
        sizes.removeAll(keepingCapacity: true)
        bids.removeAll(keepingCapacity: true)
        asks.removeAll(keepingCapacity: true)
        isRound.removeAll(keepingCapacity: true)
    }

    /// What the skeleton adds up to. A print below its price's round lot is an odd lot.
    func summary(minute: Int64, phase: SessionPhase) -> MinuteSummary {
        var s = MinuteSummary(minute: minute, phase: phase)
        var w = WindowTotals()
        for i in 0..<count {
            let p = prices[i], size = sizes[i]
            let round = size >= p.roundLot
            w.add(price: p, size: size, setsPrice: round)
            if !round { s.oddCount += 1; s.oddVolume += Int64(size) }
        }
        s.roundCount = Int32(w.pricedCount)
        s.roundVolume = w.pricedVolume
        s.roundNotional = w.notional
        if w.pricedCount > 0 { s.open = w.open; s.high = w.high; s.low = w.low; s.close = w.close }
        return s
    }

    /// Appends `count` sorted uniform instants of `[from, from + span)`: normalised exponential
    /// spacings, the order statistics of uniforms without a sort.
    static func appendSortedUniforms(_ out: inout [Int64], count: Int, from: Int64, span: Int64, _ s: inout RandomStream, spacings: inout [Double]) {
        guard count > 0 else { return }
        spacings.removeAll(keepingCapacity: true)
        var cumulative = 0.0
        for _ in 0..<count {
            cumulative += s.exponential()
            spacings.append(cumulative)
        }
        let scale = Double(span) / (cumulative + s.exponential())
        for x in spacings { out.append(from + Int64(x * scale)) }
    }

    /// Merges the round and odd instants into `times`, marking which are round.
    mutating func mergeTimes() {
        var i = 0, j = 0
        while i < roundTimes.count || j < oddTimes.count {
            if j >= oddTimes.count || (i < roundTimes.count && roundTimes[i] <= oddTimes[j]) {
                times.append(roundTimes[i]); isRound.append(true); i += 1
            } else {
                times.append(oddTimes[j]); isRound.append(false); j += 1
            }
        }
    }
}

extension MinuteTicks {
    /// Moves the skeleton out of its property while building: touching a class property's arrays
    /// in a loop would pay a dynamic exclusivity check per access.
    @inline(__always)
    private func withSkeleton<R>(_ body: (inout TradeSkeleton) -> R) -> R {
        var sk = TradeSkeleton()
        swap(&sk, &skeleton)
        defer { swap(&sk, &skeleton) }
        return body(&sk)
    }

    // MARK: natural

    /// Draws a minute's trades freely: times, the path's Brownian bridge from the minute's start
    /// level to its end level at each trade, the NBBO around it, the side, and the size.
    func buildNaturalSkeleton(_ m: MinuteState, round nR: Int, odd nO: Int) {
        withSkeleton { sk in
            let M = m.index
            let t0 = M * Timestamp.nanosPerMinute
            let t1 = t0 + Timestamp.nanosPerMinute
            sk.reset(count: nR + nO)
            guard nR + nO > 0 else { return }
            var ts = keys.times.child(M).stream
            sk.roundTimes.removeAll(keepingCapacity: true)
            sk.oddTimes.removeAll(keepingCapacity: true)
            TradeSkeleton.appendSortedUniforms(&sk.roundTimes, count: nR, from: t0, span: Timestamp.nanosPerMinute, &ts, spacings: &sk.spacings)
            TradeSkeleton.appendSortedUniforms(&sk.oddTimes, count: nO, from: t0, span: Timestamp.nanosPerMinute, &ts, spacings: &sk.spacings)
            sk.mergeTimes()

            var ps = keys.prices.child(M).stream
            var ss = keys.sizes.child(M).stream
            let extended = m.shape.phase.isExtendedHours
            let variancePerNano = m.variance / Double(Timestamp.nanosPerMinute)
            var prevTime = t0
            var level = m.startLevel
            for i in 0..<sk.count {
                let t = sk.times[i]
                let z = ps.gaussian()
                let mid: Double
                switch profile.model {
                case .sine:
                    mid = sineUnits(at: t) + (ps.uniform() - 0.5) * 0.5 * 10_000
                case .realistic, .randomWalk:
                    // Brownian bridge from the previous point to the minute's end level.
                    let remaining = Double(t1 - prevTime)
                    let dt = Double(t - prevTime)
                    if remaining > 0 {
                        level += dt / remaining * (m.endLevel - level) + (dt * Double(t1 - t) / remaining * variancePerNano).squareRoot() * z
                    }
                    mid = efficientUnits(level: level)
                    _ = ps.uniform()
                }
                prevTime = t
                sk.efficient.append(profile.model == .sine ? log(max(mid, 1.5) / baseUnits) : level)
                let (bid, ask) = quote(around: mid, spreadDraw: ps.uniform(), volatility: m.volatilityMultiplier, extended: extended)
                sk.bids.append(bid)
                sk.asks.append(ask)
                let side = ps.uniform()
                let price: Price
                if side < 0.44 {
                    price = ask
                } else if side < 0.88 {
                    price = bid
                } else {
                    let inside = Price.gridFloor((Double(bid.units) + Double(ask.units)) / 2)
                    price = inside > bid && inside < ask ? inside : (side < 0.94 ? bid : ask)
                }
                sk.prices.append(price)
                let lot = price.roundLot
                if sk.isRound[i] {
                    sk.sizes.append(drawRoundSize(&ss, dollars: Double(price.units) / 10_000, lot: lot))
                } else {
                    // Odd at a price whose round lot is one share is a one-share round lot.
                    sk.sizes.append(lot > 1 ? drawOddSize(&ss, maxSize: lot - 1) : 1)
                }
            }
        }
    }

    // MARK: conditioned

    /// Draws a busy minute's trades so that they add up to `plan.summary` exactly.
    ///
    /// 1. Times: the first and last round lots where the plan put them, the other round lots
    ///    uniformly between, odd lots uniformly over the minute.
    /// 2. Anchors: the first and last round lots print the open and close; the high and the low
    ///    print at the ranks the plan chose (bridge models) or where the sine crests (sine model).
    /// 3. Mids: Brownian bridges between the anchors, reflected inside [low, high]; each trade at
    ///    the bid, the ask or inside the spread around its mid, clamped to [low, high].
    /// 4. Sizes: drawn from the size laws and rescaled to the two volumes.
    /// 5. Notional: a smooth bump between anchors (zero at each) lifts or lowers the path until
    ///    the round lots' notional is met, then `settleNotional` moves a few prints by a tick and
    ///    balances the last shares between two neighbouring prints, exactly.
    func buildConditionedSkeleton(_ m: MinuteState, _ plan: MinutePlan) {
        withSkeleton { sk in buildConditioned(&sk, m, plan) }
    }

    private func buildConditioned(_ sk: inout TradeSkeleton, _ m: MinuteState, _ plan: MinutePlan) {
        let M = m.index
        let t0 = M * Timestamp.nanosPerMinute
        let t1 = t0 + Timestamp.nanosPerMinute
        let s = plan.summary
        let nR = Int(s.roundCount), nO = Int(s.oddCount)
        sk.reset(count: nR + nO)

        // 1. Times.
        var ts = keys.times.child(M).stream
        sk.roundTimes.removeAll(keepingCapacity: true)
        sk.oddTimes.removeAll(keepingCapacity: true)
        sk.roundTimes.append(plan.firstTime)
        TradeSkeleton.appendSortedUniforms(&sk.roundTimes, count: nR - 2, from: plan.firstTime, span: plan.lastTime - plan.firstTime, &ts, spacings: &sk.spacings)
        sk.roundTimes.append(plan.lastTime)
        TradeSkeleton.appendSortedUniforms(&sk.oddTimes, count: nO, from: t0, span: Timestamp.nanosPerMinute, &ts, spacings: &sk.spacings)
        sk.mergeTimes()
        let n = sk.count
        sk.roundIndexes.removeAll(keepingCapacity: true)
        for i in 0..<n where sk.isRound[i] { sk.roundIndexes.append(Int32(i)) }

        let tick = Double(s.low.tickUnits)

        // 2. Anchors, as (trade index, price, side), in time order: the high prints at the ask, the low at the bid.
        var anchors: [(index: Int, price: Price, side: Int8)] = [
            (Int(sk.roundIndexes[0]), s.open, plan.openSide), (Int(sk.roundIndexes[nR - 1]), s.close, plan.closeSide),
        ]
        if plan.highRank >= 0 { anchors.append((Int(sk.roundIndexes[plan.highRank]), s.high, 1)) }
        if plan.lowRank >= 0 { anchors.append((Int(sk.roundIndexes[plan.lowRank]), s.low, -1)) }
        anchors.sort { $0.index < $1.index }
        // An anchor's mid is half its spread from its print.
        @inline(__always) func midLevel(_ a: (index: Int, price: Price, side: Int8), spread: Int64) -> Double {
            log(max(Double(a.price.units) - Double(a.side) * Double(spread) * tick / 2, 1.5) / baseUnits)
        }

        // 3. Mids, spreads and sides.
        var ps = keys.prices.child(M).stream
        let extended = m.shape.phase.isExtendedHours
        let vol = m.volatilityMultiplier
        let variancePerNano = m.variance / Double(Timestamp.nanosPerMinute)
        let low = s.low, high = s.high
        let lowLevel = log(Double(low.units) / baseUnits), highLevel = log(Double(high.units) / baseUnits)
        sk.mids.removeAll(keepingCapacity: true)
        sk.sides.removeAll(keepingCapacity: true)
        sk.spreads.removeAll(keepingCapacity: true)
        var next = 0
        var prevTime = t0
        var level = m.startLevel
        for i in 0..<n {
            let t = sk.times[i]
            let z = ps.gaussian(), uNoise = ps.uniform(), uSpread = ps.uniform(), uSide = ps.uniform()
            var mid: Double
            var side: Int8 = uSide < 0.44 ? 1 : (uSide < 0.88 ? -1 : 0)
            if next < anchors.count, anchors[next].index == i {
                mid = Double(anchors[next].price.units)
                side = anchors[next].side
                let spread = spreadTicks(around: max(mid, 1.5), tick: tick, spreadDraw: uSpread, volatility: vol, extended: extended)
                level = midLevel(anchors[next], spread: spread)
                next += 1
            } else if profile.model == .sine {
                mid = sineUnits(at: t) + (uNoise - 0.5) * 0.5 * 10_000
                level = log(max(mid, 1.5) / baseUnits)
            } else {
                // Bridge toward the next anchor, or the minute's end level after the last.
                let (tb, lb) = next < anchors.count
                    ? (sk.times[anchors[next].index], midLevel(anchors[next], spread: 1))
                    : (t1, m.endLevel)
                let remaining = Double(tb - prevTime), dt = Double(t - prevTime)
                if remaining > 0 {
                    level += dt / remaining * (lb - level) + (dt * Double(tb - t) / remaining * variancePerNano).squareRoot() * z
                }
                if next > 0, next < anchors.count {
                    // Between the first and last round lots the path stays inside the range.
                    if level > highLevel { level = 2 * highLevel - level }
                    if level < lowLevel { level = 2 * lowLevel - level }
                    level = min(max(level, lowLevel), highLevel)
                }
                mid = efficientUnits(level: level)
            }
            prevTime = t
            sk.mids.append(mid)
            sk.efficient.append(level)
            sk.spreads.append(Int32(clamping: spreadTicks(around: max(mid, 1.5), tick: tick, spreadDraw: uSpread, volatility: vol, extended: extended)))
            sk.sides.append(side)
        }
        // Raw prices: at the ask, the bid or the middle of the spread around each mid.
        for i in 0..<n {
            let half = Double(sk.spreads[i]) * tick / 2
            sk.mids[i] += Double(sk.sides[i]) * half
        }
        if profile.model == .sine {
            // The sine crests and troughs where it does: the high and low print at the extreme raw prices.
            var hi = -1, lo = -1
            for r in 1..<(nR - 1) {
                let i = Int(sk.roundIndexes[r])
                if hi < 0 || sk.mids[i] > sk.mids[hi] { hi = i }
                if lo < 0 || sk.mids[i] < sk.mids[lo] { lo = i }
            }
            if high > max(s.open, s.close) { anchors.append((hi, high, 1)) }
            if low < min(s.open, s.close), lo != hi { anchors.append((lo, low, -1)) }
            anchors.sort { $0.index < $1.index }
        }
        for a in anchors { sk.mids[a.index] = Double(a.price.units); sk.sides[a.index] = a.side }

        // 4. Sizes.
        var ss = keys.sizes.child(M).stream
        func isAnchorIndex(_ i: Int) -> Bool { anchors.contains { $0.index == i } }
        let dollars = Double(s.open.units) / 10_000
        sk.lotMultiple.removeAll(keepingCapacity: true)
        for i in 0..<n {
            if sk.isRound[i] {
                var size = drawRoundSize(&ss, dollars: dollars, lot: plan.minRoundSize)
                // The prints at the open, high, low and close are ordinary ones, not blocks: a block
                // pinned at an extreme would leave the others no room to meet the VWAP.
                if isAnchorIndex(i) { size = min(size, 5 * plan.minRoundSize) }
                sk.sizes.append(size)
                sk.lotMultiple.append(size % plan.minRoundSize == 0)
            } else {
                sk.sizes.append(drawOddSize(&ss, maxSize: plan.maxOddSize))
                sk.lotMultiple.append(false)
            }
        }
        Self.rescaleRound(&sk, target: s.roundVolume, lot: plan.minRoundSize)
        Self.rescaleOdd(&sk, target: s.oddVolume, maxSize: plan.maxOddSize)

        // 5. Notional. The bump φ = 4x(1−x) on each stretch between consecutive anchors.
        sk.bump.removeAll(keepingCapacity: true)
        var k = 0 // the first anchor at or after trade i
        for i in 0..<n {
            while k < anchors.count, anchors[k].index < i { k += 1 }
            let outside = k == 0 || k == anchors.count || anchors[k].index == i
            if outside {
                // An anchor, or an odd lot before the first or after the last round lot.
                sk.bump.append(0)
            } else {
                let ta = Double(sk.times[anchors[k - 1].index]), tb = Double(sk.times[anchors[k].index])
                let x = tb > ta ? (Double(sk.times[i]) - ta) / (tb - ta) : 0.5
                sk.bump.append(4 * x * (1 - x))
            }
        }
        var isAnchor = [Bool](repeating: false, count: n)
        for a in anchors { isAnchor[a.index] = true }
        sk.movable.removeAll(keepingCapacity: true)
        for r in 0..<nR where !isAnchor[Int(sk.roundIndexes[r])] { sk.movable.append(sk.roundIndexes[r]) }

        @inline(__always) func place(_ raw: Double) -> Price {
            let p = Price.gridNearest(raw)
            return p < low ? low : (p > high ? high : p)
        }
        sk.prices.removeAll(keepingCapacity: true)
        for i in 0..<n { sk.prices.append(isAnchor[i] ? Price(units: Int64(sk.mids[i])) : place(sk.mids[i])) }
        // The sine model's prices must stay on its curve (±0.25): its notional is met by sizes alone.
        let isSine = profile.model == .sine
        Self.tilt(&sk, towards: s.roundNotional, volume: s.roundVolume, lot: plan.minRoundSize, reach: isSine ? 0.9 : 1.0 / 3)
        var lift = 0.0
        for _ in 0..<(isSine ? 1 : 4) {
            var notional: Int64 = 0
            var weight = 0.0
            sk.prices.removeAll(keepingCapacity: true)
            for i in 0..<n {
                let p = isAnchor[i] ? Price(units: Int64(sk.mids[i])) : place(sk.mids[i] + lift * sk.bump[i])
                sk.prices.append(p)
                guard sk.isRound[i] else { continue }
                notional += p.units * Int64(sk.sizes[i])
                if !isAnchor[i], p > low, p < high { weight += sk.bump[i] * Double(sk.sizes[i]) }
            }
            let gap = Double(s.roundNotional - notional)
            guard gap != 0, weight > 0, !isSine else { break }
            lift += gap / weight
        }
        Self.settleNotional(&sk, target: s.roundNotional, low: low, high: high, minSize: plan.minRoundSize)

        // The NBBO each trade prints against, around its final price; quotes follow the lifted path.
        for i in 0..<n {
            let p = sk.prices[i]
            let g = p.tickUnits
            let spread = Int64(sk.spreads[i]) * g
            var bid: Price, ask: Price
            switch sk.sides[i] {
            case 1: ask = p; bid = Price(units: p.units - spread)
            case 0 where spread >= 2 * g: bid = Price(units: p.units - spread / (2 * g) * g); ask = Price(units: bid.units + spread)
            default: bid = p; ask = Price(units: p.units + spread)
            }
            if bid.units < 1 { bid = p; ask = Price(units: p.units + spread) }
            sk.bids.append(bid)
            sk.asks.append(ask)
            if profile.model != .sine, !isAnchor[i] {
                sk.efficient[i] = log(max(sk.mids[i] - Double(sk.sides[i]) * Double(sk.spreads[i]) * tick / 2 + lift * sk.bump[i], 1.5) / baseUnits)
            }
        }
    }

    // MARK: exact totals

    /// Leans the movable round lots' sizes toward the prices on the side of the target notional:
    /// s' = s·(1 + τ·(p − p̄)), which keeps the volume and moves the notional by τ·V·σ², with τ
    /// capped so that no size moves by more than `reach` of itself. Prices stay where the path put
    /// them, so this does most of the work where prices swing widely within a minute (the sine
    /// model); the bump does the rest.
    static func tilt(_ sk: inout TradeSkeleton, towards target: Int64, volume: Int64, lot: Int32, reach: Double) {
        var notional: Int64 = 0
        for r in sk.roundIndexes { notional += sk.prices[Int(r)].units * Int64(sk.sizes[Int(r)]) }
        var movableVolume = 0.0, movableNotional = 0.0
        for m in sk.movable { movableVolume += Double(sk.sizes[Int(m)]); movableNotional += Double(sk.prices[Int(m)].units) * Double(sk.sizes[Int(m)]) }
        guard movableVolume > 0 else { return }
        let mean = movableNotional / movableVolume
        var variance = 0.0, widest = 0.0
        for m in sk.movable {
            let d = Double(sk.prices[Int(m)].units) - mean
            variance += Double(sk.sizes[Int(m)]) * d * d
            widest = max(widest, abs(d))
        }
        guard variance > 0, widest > 0 else { return }
        let cap = reach / widest
        let tau = min(max(Double(target - notional) / variance, -cap), cap)
        for m in sk.movable {
            let i = Int(m)
            let leaned = Double(sk.sizes[i]) * (1 + tau * (Double(sk.prices[i].units) - mean))
            let size = sk.lotMultiple[i] ? Int32((leaned / Double(lot)).rounded()) * lot : Int32(leaned.rounded())
            sk.sizes[i] = max(lot, size)
        }
        rescaleRound(&sk, target: volume, lot: lot)
    }

    /// Rescales the round lots' sizes to add up to `target`, keeping whole round lots whole where
    /// they were and no size below `lot`.
    static func rescaleRound(_ sk: inout TradeSkeleton, target: Int64, lot: Int32) {
        var sum: Int64 = 0
        for r in sk.roundIndexes { sum += Int64(sk.sizes[Int(r)]) }
        guard sum != target, sum > 0 else { return }
        let factor = Double(target) / Double(sum)
        sum = 0
        for r in sk.roundIndexes {
            let i = Int(r)
            let scaled = Double(sk.sizes[i]) * factor
            let size = sk.lotMultiple[i] ? Int32((scaled / Double(lot)).rounded()) * lot : Int32(scaled.rounded())
            sk.sizes[i] = max(lot, size)
            sum += Int64(sk.sizes[i])
        }
        // What rounding left: whole lots first, round robin over the whole-lot prints…
        var left = target - sum
        var progress = true
        while abs(left) >= Int64(lot), progress {
            progress = false
            for r in sk.roundIndexes where abs(left) >= Int64(lot) {
                let i = Int(r)
                guard sk.lotMultiple[i] || lot == 1 else { continue }
                let step = left > 0 ? lot : -lot
                if sk.sizes[i] + step >= lot { sk.sizes[i] += step; left -= Int64(step); progress = true }
            }
        }
        // …then the remainder: a surplus on one print (one not in whole lots, if any), a shortfall
        // taken from the largest prints, none below a lot.
        if left > 0 {
            var best = Int(sk.roundIndexes[0])
            for r in sk.roundIndexes where !sk.lotMultiple[Int(r)] { best = Int(r); break }
            sk.sizes[best] += Int32(left)
            sk.lotMultiple[best] = sk.sizes[best] % lot == 0
            left = 0
        }
        while left < 0 {
            var best = -1
            for r in sk.roundIndexes where best < 0 || sk.sizes[Int(r)] > sk.sizes[best] { best = Int(r) }
            let take = max(left, Int64(lot) - Int64(sk.sizes[best]))
            guard take < 0 else { break }
            sk.sizes[best] += Int32(take)
            sk.lotMultiple[best] = sk.sizes[best] % lot == 0
            left -= take
        }
    }

    /// Rescales the odd lots' sizes to add up to `target`, each within 1...maxSize.
    static func rescaleOdd(_ sk: inout TradeSkeleton, target: Int64, maxSize: Int32) {
        var sum: Int64 = 0
        var count = 0
        for i in 0..<sk.count where !sk.isRound[i] { sum += Int64(sk.sizes[i]); count += 1 }
        guard count > 0, sum != target else { return }
        let factor = Double(target) / Double(sum)
        sum = 0
        for i in 0..<sk.count where !sk.isRound[i] {
            sk.sizes[i] = min(maxSize, max(1, Int32((Double(sk.sizes[i]) * factor).rounded())))
            sum += Int64(sk.sizes[i])
        }
        var left = target - sum
        while left != 0 {
            var moved = false
            let share = max(1, abs(left) / Int64(count))
            for i in 0..<sk.count where !sk.isRound[i] && left != 0 {
                let step = left > 0 ? min(share, Int64(maxSize - sk.sizes[i]), left) : max(-share, Int64(1 - sk.sizes[i]), left)
                if step != 0 { sk.sizes[i] += Int32(step); left -= step; moved = true }
            }
            if !moved { break }
        }
    }

    /// Makes the round lots' Σ price·size equal `target` to the unit by moving non-anchor prints
    /// (`sk.movable`) within [low, high]: first whole prints by a tick, largest residue first, then
    /// the last shares between two prints a tick apart. Returns whether it succeeded (it does for
    /// any target the plan can produce; the tests sweep many minutes to hold it to that).
    @discardableResult
    static func settleNotional(_ sk: inout TradeSkeleton, target: Int64, low: Price, high: Price, minSize: Int32) -> Bool {
        let g = low.tickUnits
        let width = (high.units - low.units) / g
        var notional: Int64 = 0
        for r in sk.roundIndexes { notional += sk.prices[Int(r)].units * Int64(sk.sizes[Int(r)]) }
        let gap = target - notional
        guard gap != 0 else { return true }
        guard gap % g == 0, width > 0, sk.movable.count >= 2 else { return false }
        var left = gap / g // in tick·shares

        @inline(__always) func level(_ i: Int) -> Int64 { (sk.prices[i].units - low.units) / g }

        // Whole prints by a tick, while a print fits in what is left.
        var progress = true
        var passes: Int64 = 0
        while left != 0, progress, passes <= width {
            progress = false
            passes += 1
            for m in sk.movable where left != 0 {
                let i = Int(m)
                let size = Int64(sk.sizes[i])
                guard size <= abs(left) else { continue }
                let step: Int64 = left > 0 ? 1 : -1
                let k = level(i) + step
                guard k >= 0, k <= width else { continue }
                sk.prices[i] = Price(units: low.units + k * g)
                left -= step * size
                progress = true
            }
        }
        guard left != 0 else { return true }

        // Prices pinned at the range's edge: shares move from prints on one side to prints on the
        // other (anchors included, whose prices never move), in whole amounts per level apart.
        var transfers = 0
        while left != 0, transfers < 64 {
            transfers += 1
            var donor = -1, receiver = -1
            for r in sk.roundIndexes {
                let i = Int(r)
                let k = level(i)
                if sk.sizes[i] > minSize, donor < 0 || (left > 0 ? k < level(donor) : k > level(donor)) { donor = i }
                if receiver < 0 || (left > 0 ? k > level(receiver) : k < level(receiver)) { receiver = i }
            }
            guard donor >= 0 else { break }
            let apart = abs(level(receiver) - level(donor))
            let shares = min(Int64(sk.sizes[donor] - minSize), abs(left) / max(apart, 1))
            guard apart > 0, shares > 0 else { break }
            sk.sizes[donor] -= Int32(shares)
            sk.sizes[receiver] += Int32(shares)
            left -= (left > 0 ? 1 : -1) * shares * apart
        }
        guard left != 0 else { return true }

        // Two prints at levels k and k+1 share their shares so that the residue vanishes:
        // k·s1 + (k+1)·s2 = Q with s1 + s2 = S gives k = ⌊Q/S⌋ and s2 = Q − k·S.
        func balance(_ a: Int, _ b: Int) -> Bool {
            let s1 = Int64(sk.sizes[a]), s2 = Int64(sk.sizes[b])
            let total = s1 + s2
            let q = level(a) * s1 + level(b) * s2 + left
            guard q >= 0 else { return false }
            let k = q / total
            let upper = q - k * total
            let lower = total - upper
            guard k <= width, upper == 0 || k + 1 <= width else { return false }
            guard upper == 0 || (upper >= Int64(minSize) && lower >= Int64(minSize)) else { return false }
            sk.prices[a] = Price(units: low.units + k * g)
            sk.prices[b] = Price(units: low.units + (upper == 0 ? k : k + 1) * g)
            if upper != 0 { sk.sizes[a] = Int32(lower); sk.sizes[b] = Int32(upper) }
            left = 0
            return true
        }
        // Neighbours in time within a tick of each other first, so that nothing visibly jumps.
        for j in 1..<sk.movable.count {
            let a = Int(sk.movable[j - 1]), b = Int(sk.movable[j])
            if abs(level(a) - level(b)) <= 1, balance(a, b) { return true }
        }
        // Otherwise the two largest prints, after moving a third by a tick if the split needs it.
        func largestTwo() -> (Int, Int) {
            var first = -1, second = -1
            for m in sk.movable {
                let i = Int(m)
                if first < 0 || sk.sizes[i] > sk.sizes[first] { second = first; first = i }
                else if second < 0 || sk.sizes[i] > sk.sizes[second] { second = i }
            }
            return (first, second)
        }
        func balanceLargest() -> Bool {
            let (a, b) = largestTwo()
            if balance(a, b) || balance(b, a) { return true }
            for m in sk.movable where Int(m) != a && Int(m) != b {
                let c = Int(m)
                for step: Int64 in [1, -1] {
                    let k = level(c) + step
                    guard k >= 0, k <= width else { continue }
                    sk.prices[c] = Price(units: sk.prices[c].units + step * g)
                    left -= step * Int64(sk.sizes[c])
                    if balance(a, b) || balance(b, a) { return true }
                    sk.prices[c] = Price(units: sk.prices[c].units - step * g)
                    left += step * Int64(sk.sizes[c])
                }
            }
            return false
        }
        if balanceLargest() { return true }
        return canonical()

        /// The last resort, exact for any target the plan allows: anchors keep one lot each, and the
        /// other prints share the rest on two neighbouring levels around the VWAP.
        func canonical() -> Bool {
            var current: Int64 = 0
            for r in sk.roundIndexes { current += level(Int(r)) * Int64(sk.sizes[Int(r)]) }
            let goal = current + left
            var isMovable = Set<Int32>()
            for m in sk.movable { isMovable.insert(m) }
            var pool: Int64 = 0, anchored: Int64 = 0
            for r in sk.roundIndexes where !isMovable.contains(r) {
                let i = Int(r)
                pool += Int64(sk.sizes[i] - minSize)
                anchored += level(i) * Int64(minSize)
            }
            for m in sk.movable { pool += Int64(sk.sizes[Int(m)]) }
            let count = Int64(sk.movable.count)
            let wanted = goal - anchored
            guard wanted >= 0, pool >= count * Int64(minSize) else { return false }
            // Base level k, and x shares' worth of levels above k·pool. One level up carries x when
            // x is at least a lot (and leaves a lot below); otherwise a print one level above and
            // one one level below k differ by x.
            var k = min(wanted / pool, width - 1)
            var x = wanted - k * pool
            if x == pool { k += 1; x = 0 }
            guard x <= pool else { return false }
            let lot = Int64(minSize)
            var levels = [Int64](repeating: k, count: Int(count))
            var sizes = [Int64](repeating: lot, count: Int(count))
            var spare = pool - count * lot
            if x == 0 || (x >= lot && x <= pool - lot) {
                let up = x == 0 ? 0 : max(1, min(count - 1, x / lot))
                for j in 0..<Int(up) { levels[j] = k + 1 }
                if up > 0 { sizes[0] += x - up * lot; spare -= x - up * lot }
            } else {
                if x > pool - lot { k += 1; x -= pool } // now −lot < x < 0, around level k
                guard count >= 3, k >= 1, k + 1 <= width, abs(x) <= spare else { return false }
                for j in levels.indices { levels[j] = k }
                levels[0] = k + 1
                levels[1] = k - 1
                if x > 0 { sizes[0] += x } else { sizes[1] -= x }
                spare -= abs(x)
            }
            // What is left sits at level k, on the first print there.
            guard let home = levels.firstIndex(of: k), spare >= 0 else { return false }
            sizes[home] += spare
            // The prints that stood highest take the highest levels.
            let order = sk.movable.sorted { level(Int($0)) > level(Int($1)) }
            let ranked = levels.indices.sorted { levels[$0] > levels[$1] }
            for r in sk.roundIndexes where !isMovable.contains(r) { sk.sizes[Int(r)] = minSize }
            for (j, m) in order.enumerated() {
                let i = Int(m)
                sk.prices[i] = Price(units: low.units + levels[ranked[j]] * g)
                sk.sizes[i] = Int32(sizes[ranked[j]])
            }
            left = 0
            return true
        }
    }
}
