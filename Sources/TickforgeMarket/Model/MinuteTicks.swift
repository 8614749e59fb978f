#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns one `MinuteState` into the minute's trades, quotes and bars.
///
/// Generation runs in two layers with separate random streams:
/// 1. the *skeleton* — trade times, sizes and prices, and the NBBO each trade prints against — is
///    all the day totals on bars need, so a cold bar can catch up on a day cheaply;
/// 2. the *dress* — venues, conditions, TRF stamps, quote sizes and the quotes between trades —
///    is added only when events are emitted.
///
/// Every trade is preceded by a quote whose bid and ask contain its price, and no other quote is
/// allowed between the two, so every trade prints inside the NBBO prevailing at its time.
final class MinuteTicks {
    let profile: SymbolProfile
    let symbol: SymbolID
    private let keys: Keys
    private let baseUnits: Double
    private let tradeVenues: Venues.Table
    private let quoteVenues: Venues.Table
    /// Typical quoted spread in basis points: tight for liquid names, wide for thin or volatile ones.
    private let spreadBasisPoints: Double

    struct Keys {
        let count, times, sizes, prices, attributes, quoteCount, quoteTimes, quoteValues, quoteAttributes: RandomKey
        init(_ k: RandomKey) {
            count = k.child(.tradeCount)
            times = k.child(.tradeTimes)
            sizes = k.child(.tradeSizes)
            prices = k.child(.tradePrices)
            attributes = k.child(.tradeAttributes)
            quoteCount = k.child(.quoteCount)
            quoteTimes = k.child(.quoteTimes)
            quoteValues = k.child(.quoteValues)
            quoteAttributes = k.child(.quoteAttributes)
        }
    }

    static let maxTradesPerMinute = 500_000
    static let maxQuotesPerMinute = 2_000_000
    /// Quotes between trades, per trade: with the quote before each trade, about four quotes per trade.
    static let quotesPerTrade = 3.0
    /// Sequence numbers are `minute << 22 | index`, strictly increasing per symbol.
    static let sequenceShift: Int64 = 22

    init(profile: SymbolProfile, symbol: SymbolID, symbolKey: RandomKey) {
        self.profile = profile
        self.symbol = symbol
        keys = Keys(symbolKey)
        baseUnits = profile.basePrice * Double(Price.unitsPerDollar)
        tradeVenues = Venues.trades(profile.tape)
        quoteVenues = Venues.quotes(profile.tape)
        spreadBasisPoints = 0.1 + 1.5 / pow(profile.liquidity, 0.75) * (profile.volatility / 0.3)
    }

    // MARK: skeleton

    /// The skeleton of the minute most recently built, in time order.
    private(set) var tradeCount = 0
    private(set) var times: [Int64] = []
    /// Efficient log level (relative to the base price) at each trade.
    private(set) var efficient: [Double] = []
    private(set) var prices: [Price] = []
    private(set) var sizes: [Int32] = []
    private(set) var bids: [Price] = []
    private(set) var asks: [Price] = []
    private var spacings: [Double] = []

    private func efficientUnits(level: Double) -> Double { baseUnits * exp(level) }

    /// Moves an array out of a property, emptied but with its capacity.
    @inline(__always)
    private func take<T>(_ a: inout [T]) -> [T] {
        var out: [T] = []
        swap(&out, &a)
        out.removeAll(keepingCapacity: true)
        return out
    }

    /// The sine model's price at an instant, before noise.
    private func sineUnits(at t: Int64) -> Double {
        let seconds = Double(t.floorModulo(Int64(profile.sinePeriodSeconds * 1e9))) / 1e9
        return (profile.basePrice + profile.sineAmplitude * sin(2 * Double.pi * seconds / profile.sinePeriodSeconds)) * 10_000
    }

    @inline(__always)
    private func quote(around mid: Double, spreadDraw u: Double, volatility: Double, extended: Bool) -> (Price, Price) {
        let mid = max(mid, 1.5)
        let tick = mid >= Double(Price.pennyGridFloor) ? 100.0 : 1.0
        var typical = spreadBasisPoints * 1e-4 * mid / tick * volatility.squareRoot()
        if extended { typical *= 3 }
        let ticks = max(1, Int64(max(1, typical) * (0.6 + 0.8 * u) + 0.5))
        let bid = Price.gridFloor(mid - Double(ticks) * tick / 2)
        let ask = Price.gridCeil(bid.units + ticks * Int64(tick))
        return (bid, ask)
    }

    /// Builds the minute's trade skeleton; returns the trade count.
    @discardableResult
    func buildSkeleton(_ m: MinuteState) -> Int {
        let M = m.index
        let t0 = M * Timestamp.nanosPerMinute
        var countStream = keys.count.child(M).stream
        let n = min(Self.maxTradesPerMinute, countStream.poisson(m.tradeIntensity * 60))
        tradeCount = n
        // Work on locals: the arrays are class properties, and touching those in the loop would pay
        // a dynamic exclusivity check per access. Swapping keeps their capacity.
        var times = take(&self.times), efficient = take(&self.efficient), prices = take(&self.prices)
        var sizes = take(&self.sizes), bids = take(&self.bids), asks = take(&self.asks), spacings = take(&self.spacings)
        defer {
            self.times = times; self.efficient = efficient; self.prices = prices
            self.sizes = sizes; self.bids = bids; self.asks = asks; self.spacings = spacings
        }
        guard n > 0 else { return 0 }

        // Arrival times: sorted uniforms from normalised exponential spacings.
        var ts = keys.times.child(M).stream
        spacings.removeAll(keepingCapacity: true)
        var cumulative = 0.0
        for _ in 0..<n {
            cumulative += ts.exponential()
            spacings.append(cumulative)
        }
        let scale = Double(Timestamp.nanosPerMinute) / (cumulative + ts.exponential())
        for s in spacings { times.append(t0 + Int64(s * scale)) }

        var ps = keys.prices.child(M).stream
        var ss = keys.sizes.child(M).stream
        let extended = m.shape.phase.isExtendedHours
        let t1 = t0 + Timestamp.nanosPerMinute
        let variancePerNano = m.variance / Double(Timestamp.nanosPerMinute)
        var prevTime = t0
        var level = m.startLevel
        for i in 0..<n {
            let t = times[i]
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
            efficient.append(profile.model == .sine ? log(mid / baseUnits) : level)
            let (bid, ask) = quote(around: mid, spreadDraw: ps.uniform(), volatility: m.volatilityMultiplier, extended: extended)
            bids.append(bid)
            asks.append(ask)
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
            prices.append(price)
            sizes.append(drawSize(&ss, price: price))
        }
        return n
    }

    /// Seed 003's buckets (80% 100–500, 15% 500–2,500, 5% 2,500–12,500), mostly whole round lots,
    /// scaled down for expensive names, plus odd lots below one round lot.
    @inline(__always)
    private func drawSize(_ s: inout RandomStream, price: Price) -> Int32 {
        let lot = Venues.roundLot(price)
        let uOdd = s.uniform(), uBucket = s.uniform(), uWithin = s.uniform(), uRound = s.uniform()
        if lot > 1, uOdd < 0.12 {
            return 1 + Int32(uWithin * Double(lot - 1))
        }
        let raw: Double = uBucket < 0.80 ? 100 + 400 * uWithin : (uBucket < 0.95 ? 500 + 2_000 * uWithin : 2_500 + 10_000 * uWithin)
        let dollars = Double(price.units) / 10_000
        let scaled = dollars > 250 ? raw * 250 / dollars : raw
        if uRound < 0.85 {
            return max(lot, Int32((scaled / Double(lot)).rounded()) * lot)
        }
        return max(lot, Int32(scaled))
    }

    // MARK: emission

    /// Emits the minute's events in time order into `out`.
    ///
    /// - Parameters:
    ///   - kinds: which event kinds to emit; quotes between trades are only generated when asked for.
    ///   - day: running day totals; required when bars are asked for, updated with every trade.
    func emit(_ m: MinuteState, kinds: EventKinds, into out: inout [MarketEvent], day: inout DayAccumulator) {
        let M = m.index
        let t0 = M * Timestamp.nanosPerMinute
        let t1 = t0 + Timestamp.nanosPerMinute
        let n = buildSkeleton(m)
        let times = self.times, efficient = self.efficient, prices = self.prices, sizes = self.sizes
        let bids = self.bids, asks = self.asks
        let wantTrades = kinds.contains(.trades), wantQuotes = kinds.contains(.quotes)
        let wantSecondBars = kinds.contains(.secondBars), wantMinuteBar = kinds.contains(.minuteBars)
        let wantDailyBar = kinds.contains(.dailyBars)
        let wantBars = wantSecondBars || wantMinuteBar || wantDailyBar
        let extended = m.shape.phase.isExtendedHours
        let regular = m.shape.phase == .regular
        let tape = profile.tape

        // Quotes between trades.
        var quoteTimes: [Int64] = []
        var qv = keys.quoteValues.child(M).stream
        if wantQuotes, m.shape.phase.isOpen {
            var qc = keys.quoteCount.child(M).stream
            let intensity = max(Self.quotesPerTrade * m.tradeIntensity, 0.2)
            let q = min(Self.maxQuotesPerMinute, qc.poisson(intensity * 60))
            if q > 0 {
                quoteTimes.reserveCapacity(q)
                var qt = keys.quoteTimes.child(M).stream
                var cumulative = 0.0
                var sums = [Double]()
                sums.reserveCapacity(q)
                for _ in 0..<q { cumulative += qt.exponential(); sums.append(cumulative) }
                let scale = Double(Timestamp.nanosPerMinute) / (cumulative + qt.exponential())
                for s in sums { quoteTimes.append(t0 + Int64(s * scale)) }
            }
        }

        var attributes = keys.attributes.child(M).stream
        var quoteAttributes = keys.quoteAttributes.child(M).stream
        var sequence = M << Self.sequenceShift
        let variancePerNano = m.variance / Double(Timestamp.nanosPerMinute)

        // Bars in progress.
        var second = BarBuilder(symbol: symbol, span: .second)
        var minute = BarBuilder(symbol: symbol, span: .minute)
        minute.begin(start: t0)

        @inline(__always) func flushSeconds(upTo t: Int64) {
            guard wantSecondBars, second.isOpen, second.end <= t else { return }
            out.append(.bar(second.finish(day: day)))
        }

        @inline(__always) func emitQuote(at t: Int64, bid: Price, ask: Price, stream s: inout RandomStream) {
            let lotBid = Venues.roundLot(bid), lotAsk = Venues.roundLot(ask)
            // 1–12 round lots, mostly few: u² skews toward the small end without a logarithm.
            let ub = s.uniform(), ua = s.uniform()
            let bidSize = lotBid * (1 + Int32(ub * ub * 12))
            let askSize = lotAsk * (1 + Int32(ua * ua * 12))
            let bx = quoteVenues.pick(s.uniform()), ax = quoteVenues.pick(s.uniform())
            flushSeconds(upTo: t)
            out.append(.quote(Quote(
                symbol: symbol, timestamp: Timestamp(nanoseconds: t), sequence: sequence, bidPrice: bid, bidSize: bidSize,
                bidExchange: bx, askPrice: ask, askSize: askSize, askExchange: ax, condition: 0, tape: tape
            )))
            sequence += 1
        }

        /// A quote between trades: the efficient log level interpolated on a Brownian bridge between
        /// its neighbouring skeleton points.
        @inline(__always) func emitFreeQuote(at t: Int64, from a: (Int64, Double), to b: (Int64, Double)) {
            let z = qv.gaussian(), u = qv.uniform()
            var mid: Double
            if profile.model == .sine {
                mid = sineUnits(at: t) + (qv.uniform() - 0.5) * 0.5 * 10_000
            } else {
                let span = Double(b.0 - a.0)
                let w = span > 0 ? Double(t - a.0) / span : 0
                let sd = span > 0 ? (Double(t - a.0) * Double(b.0 - t) / span * variancePerNano).squareRoot() : 0
                mid = efficientUnits(level: a.1 + w * (b.1 - a.1) + sd * z)
                _ = qv.uniform()
            }
            mid = max(mid, 1.5)
            let (bid, ask) = quote(around: mid, spreadDraw: u, volatility: m.volatilityMultiplier, extended: extended)
            emitQuote(at: t, bid: bid, ask: ask, stream: &qv)
        }

        var previous: (Int64, Double) = (t0, m.startLevel)
        var q = 0
        for i in 0..<n {
            let t = times[i]
            // The quote this trade prints against, a few microseconds earlier, after the previous trade.
            let floor = i == 0 ? t0 : times[i - 1]
            let delay = Int64(2_000 + quoteAttributes.uniform() * 400_000)
            let quoteTime = max(floor, t - delay)
            if wantQuotes {
                while q < quoteTimes.count, quoteTimes[q] <= quoteTime {
                    emitFreeQuote(at: quoteTimes[q], from: previous, to: (t, efficient[i]))
                    q += 1
                }
                emitQuote(at: quoteTime, bid: bids[i], ask: asks[i], stream: &quoteAttributes)
                // No other quote may slip between a trade and the quote it prints against.
                while q < quoteTimes.count, quoteTimes[q] <= t { q += 1 }
            } else {
                // Keep the stream position identical whether or not quotes are emitted.
                for _ in 0..<4 { _ = quoteAttributes.next() }
            }

            let price = prices[i], size = sizes[i]
            // Dress: venue, conditions, TRF and participant stamps.
            let uVenue = attributes.uniform(), uISO = attributes.uniform(), uTRF = attributes.uniform()
            let uTRFDelay = attributes.uniform(), uParticipant = attributes.uniform()
            if wantBars {
                flushSeconds(upTo: t)
                if !second.isOpen { second.begin(start: t.floorDivided(by: Timestamp.nanosPerSecond) * Timestamp.nanosPerSecond) }
                day.add(price: price, size: size, regular: regular)
                second.add(price: price, size: size)
                minute.add(price: price, size: size)
            }
            if wantTrades {
                let exchange = tradeVenues.pick(uVenue)
                var conditions = TradeConditions()
                if extended { conditions.insert(TradeConditions.formT) }
                if exchange != Venues.trf, uISO < 0.1, size >= Venues.roundLot(price) {
                    conditions.insert(TradeConditions.intermarketSweep)
                    conditions.insert(TradeConditions.tradeThroughExempt)
                }
                if size < Venues.roundLot(price) { conditions.insert(TradeConditions.oddLot) }
                let isTRF = exchange == Venues.trf
                out.append(.trade(Trade(
                    symbol: symbol, timestamp: Timestamp(nanoseconds: t),
                    participantTimestamp: Timestamp(nanoseconds: t - Int64(5_000 + uParticipant * 300_000)),
                    sequence: sequence, id: sequence, price: price, size: size, exchange: exchange, tape: tape,
                    conditions: conditions, trfID: isTRF ? UInt16(Venues.trfIDs.pick(uTRF)) : 0,
                    trfTimestamp: isTRF ? Timestamp(nanoseconds: t - Int64(uTRFDelay * 2_000_000)) : nil
                )))
            }
            sequence += 1
            previous = (t, efficient[i])
        }
        if wantQuotes {
            while q < quoteTimes.count {
                emitFreeQuote(at: quoteTimes[q], from: previous, to: (t1, m.endLevel))
                q += 1
            }
        }
        if wantBars {
            flushSeconds(upTo: t1)
            if wantMinuteBar, minute.tradeCount > 0 { out.append(.bar(minute.finish(day: day))) }
            // After every minute once the regular session has opened, trades or not.
            if wantDailyBar, day.regularOpen != nil { out.append(.bar(day.dailyBar(symbol: symbol, end: Timestamp(nanoseconds: t1)))) }
        }
        day.nextMinute = M + 1
    }

    /// Adds the minute's trades to the day totals without emitting anything: the cheap path a
    /// cold bar uses to catch up on its day.
    func accumulate(_ m: MinuteState, into day: inout DayAccumulator) {
        let n = buildSkeleton(m)
        let regular = m.shape.phase == .regular
        for i in 0..<n { day.add(price: prices[i], size: sizes[i], regular: regular) }
        day.nextMinute = m.index + 1
    }
}
