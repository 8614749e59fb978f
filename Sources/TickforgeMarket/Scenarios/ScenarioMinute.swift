#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How scenarios shape a minute.
///
/// A minute under one regime with a smooth offset is *uniform*: its `MinuteState` is perturbed
/// (levels offset, intensity and variance scaled, the phase forced) and it is generated, and
/// summarised in bounded work, like any other. A minute in which a scenario starts, ends, or pushes
/// a tick is a *boundary* minute, made of segments:
///
/// - the first segment is the uniform minute the regime at its start would have made, so nothing
///   before a scenario's instant changes, not even in a minute already sent;
/// - each later segment is cut from a minute generated under its own regime, its prices moved by
///   the offset in force at each instant (a gap jumps exactly at its instant);
/// - halts add their statuses, a flagged quote, and on resumption a quote and a reopening print;
///   pushed ticks go in as given;
/// - then the minute is numbered afresh in time order (the first segment keeps its numbers) and
///   its bars are built from its trades, so they add up exactly.
extension SymbolTape {
    /// The minute's state under the one regime in force through it.
    func uniformState(_ M: Int64, _ fx: ScenarioEffects) -> MinuteState {
        let (t0, t1) = Self.bounds(M)
        return perturbed(path.minute(M), fx.regime(at: t0), startOffset: fx.offset(at: t0), endOffset: fx.offset(at: t1))
    }

    func perturbed(_ base: MinuteState, _ r: ScenarioEffects.Regime, startOffset: Double, endOffset: Double) -> MinuteState {
        var m = base
        m.startLevel += startOffset
        m.endLevel += endOffset
        if let o = r.session {
            let shape = forcedShape(o, base: base)
            // Intensity keeps the base minute's volatility coupling where it had any activity.
            let perActivity = base.shape.activity > 0 ? base.tradeIntensity / base.shape.activity : profile.liquidity
            m.shape.phase = shape.phase
            m.shape.activity = shape.activity
            m.tradeIntensity = perActivity * shape.activity
        }
        m.variance *= r.varianceFactor
        m.tradeIntensity *= r.intensity
        if r.isQuiet || !m.shape.phase.isOpen {
            m.tradeIntensity = 0
            m.quoting = false
        }
        return m
    }

    private func forcedShape(_ o: SessionOverride, base: MinuteState) -> MinuteShape {
        let start = Timestamp(nanoseconds: base.index * Timestamp.nanosPerMinute)
        let date = NewYorkTime.date(of: start), minute = NewYorkTime.minuteOfDay(of: start)
        switch o {
        case .open:
            return base.shape.phase == .regular ? base.shape : MinuteShape(phase: .regular, activity: 1, varianceWeight: base.shape.varianceWeight)
        case .pre: return MinuteShape(phase: .preMarket, activity: IntradayProfile.preMarketActivity, varianceWeight: base.shape.varianceWeight)
        case .after: return MinuteShape(phase: .afterHours, activity: IntradayProfile.afterHoursActivity, varianceWeight: base.shape.varianceWeight)
        case .closed: return MinuteShape(phase: .closed, activity: 0, varianceWeight: base.shape.varianceWeight)
        case .calendar: return IntradayProfile(mode: .calendar).shape(date: date, minuteOfDay: minute)
        case .alwaysOpen: return IntradayProfile(mode: .alwaysOpen).shape(date: date, minuteOfDay: minute)
        }
    }

    /// The session phase in force at an instant.
    func phase(at t: Timestamp, _ fx: ScenarioEffects) -> SessionPhase {
        perturbed(path.minute(t.minuteIndex), fx.regime(at: t), startOffset: 0, endOffset: 0).shape.phase
    }

    // MARK: boundary minutes

    struct BoundaryMinute {
        let minute: Int64
        /// Trades and quotes, numbered in time order.
        var ticks: [MarketEvent]
        /// Statuses and LULD halt indicators.
        var notices: [MarketEvent]
        /// Whether each trade printed in the regular session (for daily bars).
        var regular: [Bool]

        var summary: MinuteSummary {
            var s = MinuteSummary(minute: minute, phase: .regular)
            var w = WindowTotals()
            for case .trade(let t) in ticks {
                let round = t.size >= t.price.roundLot
                w.add(price: t.price, size: t.size, setsPrice: round)
                if !round { s.oddCount += 1; s.oddVolume += Int64(t.size) }
            }
            s.roundCount = Int32(w.pricedCount)
            s.roundVolume = w.pricedVolume
            s.roundNotional = w.notional
            if w.pricedCount > 0 { s.open = w.open; s.high = w.high; s.low = w.low; s.close = w.close }
            if regular.contains(false) { s.phase = regular.contains(true) ? .regular : .afterHours }
            return s
        }

        /// The minute's events of `kinds`, with bars built from its trades, in time order.
        func emit(kinds: EventKinds, annotations: [MarketEvent], into out: inout [MarketEvent], day: inout DayAccumulator, tape: SymbolTape) {
            let t0 = minute * Timestamp.nanosPerMinute, t1 = t0 + Timestamp.nanosPerMinute
            let wantSecond = kinds.contains(.secondBars), wantMinute = kinds.contains(.minuteBars), wantDaily = kinds.contains(.dailyBars)
            var second = BarBuilder(symbol: tape.id, span: .second)
            var minuteBar = BarBuilder(symbol: tape.id, span: .minute)
            minuteBar.begin(start: t0)
            let start = out.count
            func flushSeconds(upTo t: Int64) {
                guard wantSecond, second.isOpen, second.end <= t else { return }
                let hasPrices = second.hasPrices
                let bar = second.finish(day: day)
                if hasPrices { out.append(.bar(bar)) }
            }
            var tradeIndex = 0
            for e in ticks {
                flushSeconds(upTo: e.timestamp.nanoseconds)
                switch e {
                case .trade(let trade):
                    let round = trade.size >= trade.price.roundLot
                    let ns = trade.timestamp.nanoseconds
                    if !second.isOpen { second.begin(start: ns.floorDivided(by: Timestamp.nanosPerSecond) * Timestamp.nanosPerSecond) }
                    day.add(price: trade.price, size: trade.size, setsPrice: round, regular: regular[tradeIndex])
                    second.add(price: trade.price, size: trade.size, setsPrice: round)
                    minuteBar.add(price: trade.price, size: trade.size, setsPrice: round)
                    tradeIndex += 1
                    if kinds.contains(.trades) { out.append(e) }
                case .quote:
                    if kinds.contains(.quotes) { out.append(e) }
                default:
                    break
                }
            }
            flushSeconds(upTo: t1)
            if wantMinute, minuteBar.hasPrices { out.append(.bar(minuteBar.finish(day: day))) }
            if wantDaily, day.hasRegularPrices { out.append(.bar(day.dailyBar(symbol: tape.id, end: Timestamp(nanoseconds: t1)))) }
            day.nextMinute = minute + 1
            let extra = notices.filter { kinds.contains($0.kind) } + annotations
            if !extra.isEmpty { SymbolTape.merge(extra, into: &out, from: start) }
        }
    }

    func boundaryMinute(_ M: Int64, _ fx: ScenarioEffects) -> BoundaryMinute {
        let (t0, t1) = Self.bounds(M)
        let base = path.minute(M)
        let points = fx.breakpoints(from: t0, to: t1)
        var ticks: [MarketEvent] = []
        var notices: [MarketEvent] = []
        var lastQuote: Quote?
        let tape = profile.tape

        for (i, b) in points.enumerated() {
            let e = i + 1 < points.count ? points[i + 1] : t1
            let r = fx.regime(at: b)
            // A halt that starts here: its status, the halt indicator, and the last quote flagged.
            for h in fx.entries where h.start == b {
                guard case .halt(let reason, _) = h.kind else { continue }
                notices.append(.status(TradingStatus(symbol: id, timestamp: b, change: .halted, reason: reason, tape: tape)))
                let (bid, ask) = lastQuote.map { ($0.bidPrice, $0.askPrice) } ?? nbbo(aroundLevel: baseLevel(at: b) + fx.offset(at: b), at: b, fx: fx)
                notices.append(.luld(luldIndicator(LULDBand.suspended, at: b, around: (bid, ask))))
                ticks.append(.quote(Quote(symbol: id, timestamp: b, sequence: 0, bidPrice: bid, bidSize: bid.roundLot, bidExchange: listingExchange,
                                          askPrice: ask, askSize: ask.roundLot, askExchange: listingExchange,
                                          condition: reason == .volatilityPause || reason == .luldPause ? 43 : 27, tape: tape)))
            }
            // A halt that ends here: its status and indicator; the quote and the reopening print
            // open the segment below, around the NBBO it opens with.
            var reopening: (reason: HaltReason, id: String)?
            for h in fx.entries where h.end == b {
                guard case .halt(let reason, _) = h.kind, !r.isQuiet else { continue }
                reopening = (reason, h.id)
                notices.append(.status(TradingStatus(symbol: id, timestamp: b, change: .resumed, reason: reason, tape: tape)))
            }
            guard !r.isQuiet else { continue }
            // The segment's events, from a minute under its own regime.
            let state = i == 0
                ? perturbed(base, r, startOffset: fx.continuationOffset(at: t0, from: t0), endOffset: fx.continuationOffset(at: t1, from: t0))
                : perturbed(base, r, startOffset: 0, endOffset: 0)
            guard state.shape.phase.isOpen, state.tradeIntensity > 0 || state.quoting else { continue }
            var generated: [MarketEvent] = []
            var scratch = DayAccumulator(day: 0, firstMinute: M)
            self.ticks.emit(state, kinds: [.trades, .quotes], into: &generated, day: &scratch)
            var opening: Quote?
            var opened = i == 0
            func open() {
                opened = true
                // The NBBO in force as the segment opens, so that its first trade prints inside it.
                var q = opening ?? Quote(symbol: id, timestamp: b, sequence: 0, bidPrice: Price(units: 0), bidSize: 0, bidExchange: listingExchange,
                                          askPrice: Price(units: 0), askSize: 0, askExchange: listingExchange, condition: 0, tape: tape)
                q.timestamp = b
                if opening == nil {
                    let (bid, ask) = nbbo(aroundLevel: baseLevel(at: b), at: b, fx: fx)
                    (q.bidPrice, q.askPrice, q.bidSize, q.askSize) = (bid, ask, bid.roundLot, ask.roundLot)
                }
                if let reopening {
                    q.condition = 16
                    q.bidSize *= 5
                    q.askSize *= 5
                }
                appendTransformed(.quote(q), true, r, fx, &ticks, &lastQuote)
                guard let reopening, let resumeQuote = lastQuote else { return }
                // The reopening cross, at the listing market, inside the quote it opens with.
                let price = Price.gridNearest(ticksMid(resumeQuote.bidPrice, resumeQuote.askPrice))
                var draw = symbolKey.child(.minutePlan).child(ScenarioEffects.hash(reopening.id + "/reopen")).stream
                let size = price.roundLot * Int32(5 + draw.below(40))
                var conditions = TradeConditions()
                conditions.insert(TradeConditions.reopening)
                ticks.append(.trade(Trade(symbol: id, timestamp: b + 1_000, participantTimestamp: b, sequence: 0, id: 0,
                                          price: min(max(price, resumeQuote.bidPrice), resumeQuote.askPrice), size: size,
                                          exchange: listingExchange, tape: tape, conditions: conditions, trfID: 0, trfTimestamp: nil)))
                notices.append(.luld(luldIndicator(LULDBand.reopening, at: b, around: (resumeQuote.bidPrice, resumeQuote.askPrice))))
            }
            for event in generated {
                let t = event.timestamp
                if t < b {
                    if case .quote(let q) = event { opening = q }
                    continue
                }
                guard t < e else { break }
                if !opened { open() }
                appendTransformed(event, i > 0, r, fx, &ticks, &lastQuote)
            }
            if !opened { open() }
        }
        // Pushed ticks, exactly as given, at their instants.
        for p in fx.entries where p.start >= t0 && p.start < t1 {
            guard case .push(let tick, _) = p.kind else { continue }
            switch tick {
            case .trade(let price, let size, let exchange, let conditions):
                ticks.append(.trade(Trade(symbol: id, timestamp: p.start, participantTimestamp: p.start, sequence: 0, id: 0, price: price,
                                          size: size, exchange: exchange, tape: tape, conditions: conditions, trfID: 0, trfTimestamp: nil)))
            case .quote(let bid, let ask, let bidSize, let askSize, let bx, let ax):
                ticks.append(.quote(Quote(symbol: id, timestamp: p.start, sequence: 0, bidPrice: bid, bidSize: bidSize, bidExchange: bx,
                                          askPrice: ask, askSize: askSize, askExchange: ax, condition: 0, tape: tape)))
            }
        }
        // Time order (stable), then numbers afresh: the first segment keeps its own.
        let ordered = ticks.enumerated().sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }.map(\.element)
        var numbered: [MarketEvent] = []
        numbered.reserveCapacity(ordered.count)
        var regular: [Bool] = []
        var sequence = M << MinuteTicks.sequenceShift
        for var event in ordered {
            switch event {
            case .trade(var t):
                t.sequence = sequence
                t.id = sequence
                regular.append(phase(at: t.timestamp, fx) == .regular)
                event = .trade(t)
            case .quote(var q):
                q.sequence = sequence
                event = .quote(q)
            default: break
            }
            sequence += 1
            numbered.append(event)
        }
        return BoundaryMinute(minute: M, ticks: numbered, notices: notices, regular: regular)
    }

    /// Adds a segment's event, moved by the offset in force at its instant (later segments) and
    /// pinned at a band while a `limit` holds; a trade is kept inside the quote it prints against.
    private func appendTransformed(_ event: MarketEvent, _ move: Bool, _ r: ScenarioEffects.Regime, _ fx: ScenarioEffects,
                                   _ ticks: inout [MarketEvent], _ lastQuote: inout Quote?) {
        let factor = move ? exp(fx.offset(at: event.timestamp)) : 1
        switch event {
        case .quote(var q):
            if move {
                q.bidPrice = Price.gridFloor(Double(q.bidPrice.units) * factor)
                q.askPrice = Price.gridCeil(Int64((Double(q.askPrice.units) * factor).rounded(.up)))
                if q.askPrice <= q.bidPrice { q.askPrice = q.bidPrice.nextUp }
            }
            if let pin = r.pin {
                // Limit state: the band's side of the book sits at the band.
                if q.askPrice > pin || q.bidPrice >= pin { q.askPrice = pin; q.bidPrice = Price(units: max(1, pin.units - pin.tickUnits)) }
            }
            lastQuote = q
            ticks.append(.quote(q))
        case .trade(var t):
            if move { t.price = Price.gridNearest(Double(t.price.units) * factor) }
            if let pin = r.pin { t.price = pin }
            if move || r.pin != nil {
                // A new price may change the round lot, and so whether the print is an odd lot.
                var conditions = TradeConditions()
                for c in t.conditions where c != TradeConditions.oddLot { conditions.insert(c) }
                if t.size < t.price.roundLot { conditions.insert(TradeConditions.oddLot) }
                t.conditions = conditions
            }
            if var q = lastQuote, t.price < q.bidPrice || t.price > q.askPrice {
                // Widen the quote it prints against (the last one before it) to hold it.
                if t.price < q.bidPrice { q.bidPrice = t.price }
                if t.price > q.askPrice { q.askPrice = t.price }
                if let k = ticks.lastIndex(where: { if case .quote = $0 { true } else { false } }) { ticks[k] = .quote(q) }
                lastQuote = q
            }
            ticks.append(.trade(t))
        default:
            ticks.append(event)
        }
    }

    /// The NBBO around a log level at an instant.
    private func nbbo(aroundLevel level: Double, at t: Timestamp, fx: ScenarioEffects) -> (Price, Price) {
        let units = profile.basePrice * 10_000 * exp(level)
        return ticks.quote(around: units, spreadDraw: 0.5, volatility: 1, extended: phase(at: t, fx).isExtendedHours)
    }

    private func ticksMid(_ bid: Price, _ ask: Price) -> Double { (Double(bid.units) + Double(ask.units)) / 2 }

    /// The listing market, which runs a symbol's reopening auction.
    var listingExchange: UInt8 {
        switch profile.tape {
        case .a: 10
        case .b: 11
        case .c: 12
        }
    }

    // MARK: annotations

    /// Corrections and cancels due in minute `M`: events that leave the minute's trades alone.
    func annotations(_ M: Int64, _ fx: ScenarioEffects, kinds: EventKinds) -> [MarketEvent] {
        guard kinds.contains(.trades) else { return [] }
        let (t0, t1) = Self.bounds(M)
        var out: [MarketEvent] = []
        for e in fx.entries where e.start >= t0 && e.start < t1 {
            let id: Int64, price: Price?, size: Int32?, cancel: Bool
            switch e.kind {
            case .cancel(let tradeID): (id, price, size, cancel) = (tradeID, nil, nil, true)
            case .correction(let tradeID, let p, let s): (id, price, size, cancel) = (tradeID, p, s, false)
            default: continue
            }
            guard let original = trade(id: id) else { continue }
            var corrected: Trade?
            if !cancel {
                var c = original
                c.price = price ?? original.price
                c.size = size ?? original.size
                // A corrected print is a new print: its own id, above any the minute could number.
                c.id = TradeCorrection.correctedID(of: original.id)
                corrected = c
            }
            out.append(.correction(TradeCorrection(symbol: self.id, timestamp: e.start, original: original, corrected: corrected)))
        }
        return out
    }

    /// The trade with this id, if this tape printed one.
    public func trade(id: Int64) -> Trade? {
        let M = TradeCorrection.minuteIndex(ofTradeID: id)
        // An id arrives from outside (a cancel names it): one whose minute no timestamp can hold
        // names no trade, and must not reach the minute arithmetic, which would overflow.
        guard id >= 0, M < Int64.max / Timestamp.nanosPerMinute - 1 else { return nil }
        var events: [MarketEvent] = []
        appendMinute(M, kinds: .trades, into: &events, annotated: false)
        for case .trade(let t) in events where t.id == id { return t }
        return nil
    }

    private func luldIndicator(_ indicator: UInt8, at t: Timestamp, around quote: (Price, Price)) -> LULDBand {
        let mid = ticksMid(quote.0, quote.1)
        let minute = NewYorkTime.minuteOfDay(of: t)
        let band = LULDRules.band(aroundUnits: mid, tier: profile.luldTier, doubled: LULDRules.isDoubled(minuteOfDay: minute))
        return LULDBand(symbol: id, timestamp: t, sequence: t.minuteIndex * 16 + (indicator == LULDBand.suspended ? 14 : 15),
                        limitUp: band.up, limitDown: band.down, indicator: indicator, tape: profile.tape)
    }
}
