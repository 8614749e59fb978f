#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns one `MinuteState` into the minute's summary, and into trades, quotes and bars that add up
/// to that summary exactly.
///
/// A minute is decided in three layers, each with its own random streams:
/// 1. the *plan* (`MinutePlan`): trade counts and the summary — open, high, low, close, volumes and
///    notional — at a bounded cost whatever the trade count, so bars over any range cost their
///    minutes, not their trades;
/// 2. the *skeleton* (`TradeSkeleton`): trade times, prices, sizes and the NBBO each trade prints
///    against, drawn so that they realise the plan exactly;
/// 3. the *dress*: venues, conditions, TRF stamps, quote sizes and the quotes between trades,
///    added only when events are emitted.
///
/// Every trade is preceded by a quote whose bid and ask contain its price, and no other quote is
/// allowed between the two, so every trade prints inside the NBBO prevailing at its time.
final class MinuteTicks {
    let profile: SymbolProfile
    let symbol: SymbolID
    let keys: Keys
    let baseUnits: Double
    private let tradeVenues: Venues.Table
    private let quoteVenues: Venues.Table
    /// Typical quoted spread in basis points: tight for liquid names, wide for thin or volatile ones.
    let spreadBasisPoints: Double

    struct Keys {
        let count, times, sizes, prices, attributes, quoteCount, quoteTimes, quoteValues, quoteAttributes, plan: RandomKey
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
            plan = k.child(.minutePlan)
        }
    }

    static let maxTradesPerMinute = 500_000
    static let maxQuotesPerMinute = 2_000_000
    /// Quotes between trades, per trade: with the quote before each trade, about four quotes per trade.
    static let quotesPerTrade = 3.0
    /// Sequence numbers are `minute << 22 | index`, strictly increasing per symbol.
    static let sequenceShift: Int64 = 22
    /// Share of prints below one round lot, where the price has round lots above one share.
    static let oddLotShare = 0.12

    init(profile: SymbolProfile, symbol: SymbolID, symbolKey: RandomKey) {
        self.profile = profile
        self.symbol = symbol
        keys = Keys(symbolKey)
        baseUnits = profile.basePrice * Double(Price.unitsPerDollar)
        tradeVenues = Venues.trades(profile.tape)
        quoteVenues = Venues.quotes(profile.tape)
        spreadBasisPoints = 0.1 + 1.5 / pow(profile.liquidity, 0.75) * (profile.volatility / 0.3)
    }

    /// The skeleton of the minute most recently built (see `TradeSkeleton.swift`).
    var skeleton = TradeSkeleton()

    func efficientUnits(level: Double) -> Double { baseUnits * exp(level) }

    /// The sine model's price at an instant, before noise.
    func sineUnits(at t: Int64) -> Double {
        let seconds = Double(t.floorModulo(Int64(profile.sinePeriodSeconds * 1e9))) / 1e9
        return (profile.basePrice + profile.sineAmplitude * sin(2 * Double.pi * seconds / profile.sinePeriodSeconds)) * 10_000
    }

    /// The NBBO around a mid price: a spread of whole ticks, wider for volatile minutes and in
    /// extended hours.
    @inline(__always)
    func quote(around mid: Double, spreadDraw u: Double, volatility: Double, extended: Bool) -> (Price, Price) {
        let mid = max(mid, 1.5)
        let tick = mid >= Double(Price.pennyGridFloor) ? 100.0 : 1.0
        let ticks = spreadTicks(around: mid, tick: tick, spreadDraw: u, volatility: volatility, extended: extended)
        let bid = Price.gridFloor(mid - Double(ticks) * tick / 2)
        let ask = Price.gridCeil(bid.units + ticks * Int64(tick))
        return (bid, ask)
    }

    @inline(__always)
    func spreadTicks(around mid: Double, tick: Double, spreadDraw u: Double, volatility: Double, extended: Bool) -> Int64 {
        var typical = spreadBasisPoints * 1e-4 * mid / tick * volatility.squareRoot()
        if extended { typical *= 3 }
        return max(1, Int64(max(1, typical) * (0.6 + 0.8 * u) + 0.5))
    }

    // MARK: sizes

    /// Seed 003's buckets (80% 100–500, 15% 500–2,500, 5% 2,500–12,500) scaled down for expensive
    /// names, mostly whole round lots, never below `lot`.
    @inline(__always)
    func drawRoundSize(_ s: inout RandomStream, dollars: Double, lot: Int32) -> Int32 {
        let uBucket = s.uniform(), uWithin = s.uniform(), uRound = s.uniform()
        let raw: Double = uBucket < 0.80 ? 100 + 400 * uWithin : (uBucket < 0.95 ? 500 + 2_000 * uWithin : 2_500 + 10_000 * uWithin)
        let scaled = dollars > 250 ? raw * 250 / dollars : raw
        if uRound < 0.85 {
            return max(lot, Int32((scaled / Double(lot)).rounded()) * lot)
        }
        return max(lot, Int32(scaled))
    }

    /// Mean and standard deviation of `drawRoundSize` before rounding: the buckets' mixture, scaled.
    static func roundSizeMoments(dollars: Double) -> (mean: Double, sd: Double) {
        let k = dollars > 250 ? 250 / dollars : 1
        return (840 * k, 1_730 * k)
    }

    /// An odd lot: 1 to `maxSize` shares, uniformly.
    @inline(__always)
    func drawOddSize(_ s: inout RandomStream, maxSize: Int32) -> Int32 {
        1 + Int32(s.uniform() * Double(maxSize))
    }

    // MARK: summary

    /// The minute's summary, at a bounded cost: its trades are not generated unless there are few.
    func summary(_ m: MinuteState) -> MinuteSummary { plan(m).summary }

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
        let plan = plan(m)
        if plan.conditioned { buildConditionedSkeleton(m, plan) }
        let sk = skeleton
        let n = sk.count
        let wantTrades = kinds.contains(.trades), wantQuotes = kinds.contains(.quotes)
        let wantSecondBars = kinds.contains(.secondBars), wantMinuteBar = kinds.contains(.minuteBars)
        let wantDailyBar = kinds.contains(.dailyBars)
        let wantBars = wantSecondBars || wantMinuteBar || wantDailyBar
        let extended = m.shape.phase.isExtendedHours
        let regular = m.shape.phase == .regular
        let tape = profile.tape

        // Quotes between trades: a Poisson process at three times the trade intensity (at least
        // 0.2 a second), drawn gap by gap whatever kinds are asked for, so that sequence numbers
        // (and trade ids) never depend on whether quotes are generated.
        let quoteRate = m.shape.phase.isOpen && m.quoting ? max(Self.quotesPerTrade * m.tradeIntensity, 0.2) / 1e9 : 0
        var arrivals = keys.quoteTimes.child(M).stream
        var nextArrival = quoteRate > 0 ? arrivals.exponential() / quoteRate : .infinity // ns after t0
        var qv = keys.quoteValues.child(M).stream

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
            let hasPrices = second.hasPrices
            let bar = second.finish(day: day)
            // Only prints that set prices make a bar: a second of odd lots alone has none.
            if hasPrices { out.append(.bar(bar)) }
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
        // Free quotes are drawn in two loops written out in place (before each trade's quote, and
        // after the last trade), not in a local function: the variables a local function captures
        // get a dynamic exclusivity check on every call, four per trade here.
        sk.times.withUnsafeBufferPointer { times in
        sk.efficient.withUnsafeBufferPointer { efficient in
        sk.prices.withUnsafeBufferPointer { prices in
        sk.sizes.withUnsafeBufferPointer { sizes in
        sk.bids.withUnsafeBufferPointer { bids in
        sk.asks.withUnsafeBufferPointer { asks in
        for i in 0..<n {
            let t = times[i]
            // The quote this trade prints against, a few microseconds earlier, after the previous trade.
            let floor = i == 0 ? t0 : times[i - 1]
            let delay = Int64(2_000 + quoteAttributes.uniform() * 400_000)
            let quoteTime = max(floor, t - delay)
            // Free quotes arriving before this trade's quote, emitted or only numbered.
            let quoteLimit = Double(quoteTime - t0)
            while nextArrival <= quoteLimit {
                if wantQuotes { emitFreeQuote(at: t0 + Int64(nextArrival), from: previous, to: (t, efficient[i])) } else { sequence += 1 }
                nextArrival += arrivals.exponential() / quoteRate
            }
            // No other quote may slip between a trade and the quote it prints against.
            while nextArrival <= Double(t - t0) { nextArrival += arrivals.exponential() / quoteRate }
            if wantQuotes {
                emitQuote(at: quoteTime, bid: bids[i], ask: asks[i], stream: &quoteAttributes)
            } else {
                // Keep the stream position and the numbering identical whether or not quotes are emitted.
                for _ in 0..<4 { _ = quoteAttributes.next() }
                sequence += 1
            }

            let price = prices[i], size = sizes[i]
            let lot = Venues.roundLot(price)
            let isRound = size >= lot
            // Dress: venue, conditions, TRF and participant stamps.
            let uVenue = attributes.uniform(), uISO = attributes.uniform(), uTRF = attributes.uniform()
            let uTRFDelay = attributes.uniform(), uParticipant = attributes.uniform()
            if wantBars {
                flushSeconds(upTo: t)
                if !second.isOpen { second.begin(start: t.floorDivided(by: Timestamp.nanosPerSecond) * Timestamp.nanosPerSecond) }
                day.add(price: price, size: size, setsPrice: isRound, regular: regular)
                second.add(price: price, size: size, setsPrice: isRound)
                minute.add(price: price, size: size, setsPrice: isRound)
            }
            if wantTrades {
                let exchange = tradeVenues.pick(uVenue)
                var conditions = TradeConditions()
                if extended { conditions.insert(TradeConditions.formT) }
                if exchange != Venues.trf, uISO < 0.1, isRound {
                    conditions.insert(TradeConditions.intermarketSweep)
                    conditions.insert(TradeConditions.tradeThroughExempt)
                }
                if !isRound { conditions.insert(TradeConditions.oddLot) }
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
        } } } } } }
        // Free quotes after the last trade, to the minute's end.
        let endLimit = Double(Timestamp.nanosPerMinute - 1)
        while nextArrival <= endLimit {
            if wantQuotes { emitFreeQuote(at: t0 + Int64(nextArrival), from: previous, to: (t1, m.endLevel)) } else { sequence += 1 }
            nextArrival += arrivals.exponential() / quoteRate
        }
        if wantBars {
            flushSeconds(upTo: t1)
            if wantMinuteBar, minute.hasPrices { out.append(.bar(minute.finish(day: day))) }
            // After every minute once the regular session has printed, trades or not.
            if wantDailyBar, day.hasRegularPrices { out.append(.bar(day.dailyBar(symbol: symbol, end: Timestamp(nanoseconds: t1)))) }
        }
        day.nextMinute = M + 1
    }
}
