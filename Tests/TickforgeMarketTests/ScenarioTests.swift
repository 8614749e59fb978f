import Testing
@testable import TickforgeMarket

/// Each scenario kind: the market before its instant is byte for byte the market without it, and
/// after it the effect holds; bars still equal the bars rebuilt from the trades.
@Suite("Scenarios change the market from their instant on, and never before")
struct ScenarioTests {
    static let universe = try! Universe(seed: 4, symbols: ["AAPL", "JPM", "KO"])
    static let at = Fixture.instant("2026-11-23T10:15:27.25-05:00")
    static let minute = Timestamp.nanosPerMinute
    static let second = Timestamp.nanosPerSecond
    static let everything: EventKinds = [.trades, .quotes, .secondBars, .minuteBars, .dailyBars, .statuses, .lulds]

    func market(_ entries: [Scenario] = [], hours: MarketHoursMode = .alwaysOpen) -> Market {
        Market(configuration: MarketConfiguration(seed: 4, marketHours: hours, universe: Self.universe), timeline: ScenarioTimeline(entries))
    }

    func events(_ m: Market, _ ticker: String = "AAPL", _ window: Range<Timestamp>, _ kinds: EventKinds = ScenarioTests.everything) -> [MarketEvent] {
        m.tape(m.symbolID(for: ticker)!).events(in: window, kinds: kinds)
    }

    func mids(_ events: [MarketEvent]) -> [Double] {
        events.compactMap { if case .quote(let q) = $0 { (q.bidPrice.dollars + q.askPrice.dollars) / 2 } else { nil } }
    }

    func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(max(1, xs.count)) }

    static let kinds: [(String, Scenario.Kind, Int64?)] = [
        ("halt", .halt(reason: .volatilityPause, reopenPercent: 3), 5 * minute),
        ("gap", .gap(.percent(-8)), nil),
        ("volatility", .volatility(multiplier: 4), 30 * minute),
        ("liquidity", .liquidity(multiplier: 5), 10 * minute),
        ("trend", .trend(percentPerHour: 2), nil),
        ("stale", .stale, 2 * minute),
        ("session", .session(.closed), 20 * minute),
        ("push", .push(.trade(price: Price(dollars: 250), size: 700, exchange: 12, conditions: TradeConditions()), moveMarket: true), nil),
        ("limit", .limit(direction: .up), nil),
    ]

    @Test("before its instant, the market is byte for byte the market without the scenario", arguments: 0..<9)
    func nothingBefore(_ k: Int) {
        let (name, kind, duration) = Self.kinds[k]
        let scenario = Scenario(id: name, kind: kind, symbol: kind == .session(.closed) ? nil : "AAPL", start: Self.at, end: duration.map { Self.at + $0 })
        let window = (Self.at + -10 * Self.minute)..<Self.at
        let plain = events(market(), "AAPL", window), perturbed = events(market([scenario]), "AAPL", window)
        #expect(plain.count > 10_000)
        #expect(perturbed == plain, "\(name)")
        // Another symbol is untouched throughout.
        let later = (Self.at + -Self.minute)..<(Self.at + 20 * Self.minute)
        if scenario.symbol != nil { #expect(events(market([scenario]), "KO", later) == events(market(), "KO", later)) }
    }

    @Test("bars equal the bars rebuilt from the trades in every perturbed minute, and trades print inside their NBBO", arguments: 0..<9)
    func barsStillAddUp(_ k: Int) {
        let (name, kind, duration) = Self.kinds[k]
        let scenario = Scenario(id: name, kind: kind, symbol: kind == .session(.closed) ? nil : "AAPL", start: Self.at, end: duration.map { Self.at + $0 })
        let m = market([scenario])
        let tape = m.tape(m.symbolID(for: "AAPL")!)
        var minuteStart = Self.at.minuteIndex
        var compared = 0
        for _ in 0..<8 {
            let t0 = Timestamp(nanoseconds: minuteStart * Self.minute)
            let evts = tape.events(in: t0..<(t0 + Self.minute), kinds: [.trades, .quotes])
            let trades = Fixture.trades(evts)
            let rebuilt = Fixture.rebuild(trades)
            let s = tape.summary(minuteStart)
            #expect(s.volume == rebuilt.volume && s.tradeCount == rebuilt.tradeCount && s.roundNotional == rebuilt.notional, "\(name) \(t0)")
            if rebuilt.pricedCount > 0 { #expect(s.open == rebuilt.open && s.high == rebuilt.high && s.low == rebuilt.low && s.close == rebuilt.close) }
            let bars = Fixture.bars(tape.events(in: (t0 + 1)..<(t0 + Self.minute + 1), kinds: .minuteBars))
            #expect(bars.count == (rebuilt.pricedCount > 0 ? 1 : 0), "\(name) \(t0)")
            if let b = bars.first { #expect(b.volume == rebuilt.volume && b.notional == rebuilt.notional && b.open == rebuilt.open && b.close == rebuilt.close) }
            var bid: Price?, ask: Price?
            for e in evts {
                if case .quote(let q) = e { (bid, ask) = (q.bidPrice, q.askPrice) }
                if case .trade(let t) = e, !(name == "push" && t.timestamp == Self.at), let bid, let ask {
                    #expect(t.price >= bid && t.price <= ask, "\(name): \(t.price) outside \(bid)–\(ask) at \(t.timestamp)")
                    #expect(t.price.isOnTickGrid)
                }
            }
            compared += 1
            minuteStart += 1
        }
        #expect(compared == 8)
    }

    @Test("halt: trades stop, the last quote is flagged, statuses and LULD indicators mark it, and a reopening print resumes it")
    func halt() {
        let end = Self.at + 5 * Self.minute
        let m = market([Scenario(id: "h", kind: .halt(reason: .volatilityPause, reopenPercent: 3), symbol: "AAPL", start: Self.at, end: end)])
        let during = events(m, "AAPL", Self.at..<end)
        #expect(Fixture.trades(during).isEmpty)
        let quotes = Fixture.quotes(during)
        #expect(quotes.count == 1 && quotes[0].timestamp == Self.at && quotes[0].condition == 43)
        let statuses = during.compactMap { if case .status(let s) = $0 { s } else { nil } }
        #expect(statuses.map(\.change) == [.halted] && statuses[0].reason == .volatilityPause)
        #expect(during.contains { if case .luld(let l) = $0 { l.indicator == LULDBand.suspended } else { false } })
        // No minute bars for the minutes wholly inside the halt.
        let bars = Fixture.bars(events(m, "AAPL", (Self.at + Self.minute)..<end, .minuteBars))
        #expect(bars.allSatisfy { $0.start < Timestamp(nanoseconds: (Self.at.minuteIndex + 1) * Self.minute) })
        let after = events(m, "AAPL", end..<(end + 10 * Self.second))
        let resumed = after.compactMap { if case .status(let s) = $0 { s } else { nil } }
        #expect(resumed.map(\.change) == [.resumed] && resumed[0].timestamp == end)
        let reopening = Fixture.trades(after).first
        #expect(reopening?.conditions.contains(TradeConditions.reopening) == true && reopening?.exchange == 12)
        // It reopens about 3% above where the path would have been.
        let plainMid = mean(mids(events(market(), "AAPL", end..<(end + 5 * Self.second))))
        let mid = mean(mids(after))
        #expect(abs(mid / plainMid - 1.03) < 0.01)
    }

    @Test("gap: the price moves by the percentage at the instant and carries on from there; to a price, it goes there")
    func gap() {
        let m = market([Scenario(id: "g", kind: .gap(.percent(-8)), symbol: "AAPL", start: Self.at)])
        let before = mean(mids(events(m, "AAPL", (Self.at + -5 * Self.second)..<Self.at)))
        let after = mean(mids(events(m, "AAPL", Self.at..<(Self.at + 5 * Self.second))))
        #expect(abs(after / before - 0.92) < 0.005)
        let hour = mean(mids(events(m, "AAPL", (Self.at + Self.minute * 60)..<(Self.at + Self.minute * 61))))
        let plainHour = mean(mids(events(market(), "AAPL", (Self.at + Self.minute * 60)..<(Self.at + Self.minute * 61))))
        #expect(abs(hour / plainHour - 0.92) < 0.005, "the path carries on from the new level")
        let toPrice = market([Scenario(id: "p", kind: .gap(.price(Price(dollars: 180))), symbol: "AAPL", start: Self.at)])
        #expect(abs(mean(mids(events(toPrice, "AAPL", Self.at..<(Self.at + 2 * Self.second)))) - 180) < 0.3)
    }

    @Test("volatility: bigger moves inside the window, the unperturbed market after it")
    func volatility() {
        let end = Self.at + 30 * Self.minute
        let m = market([Scenario(id: "v", kind: .volatility(multiplier: 4), symbol: "AAPL", start: Self.at, end: end)])
        func minuteReturns(_ mkt: Market, _ from: Timestamp) -> Double {
            var sum = 0.0
            var previous: Double?
            for k in 0..<25 {
                let t = from + Int64(k) * Self.minute
                let mid = mean(mids(events(mkt, "AAPL", t..<(t + Self.second), .quotes)))
                if let p = previous { sum += (mid / p - 1) * (mid / p - 1) }
                previous = mid
            }
            return sum
        }
        #expect(minuteReturns(m, Self.at + Self.minute) > 4 * minuteReturns(market(), Self.at + Self.minute))
        // Prices after the window are the unperturbed market's (day totals on bars, and LULD bands,
        // which read the minutes before, remember the window, as they should).
        let afterWindow = (end + Self.minute)..<(end + 3 * Self.minute)
        #expect(events(m, "AAPL", afterWindow, [.trades, .quotes]) == events(market(), "AAPL", afterWindow, [.trades, .quotes]), "no price moves outside its window")
    }

    @Test("liquidity and burst: trades arrive that many times as often, in the window only")
    func liquidity() {
        let window = (Self.at + Self.minute)..<(Self.at + 9 * Self.minute)
        let m = market([Scenario(id: "l", kind: .liquidity(multiplier: 5), symbol: "AAPL", start: Self.at, end: Self.at + 10 * Self.minute)])
        let ratio = Double(Fixture.trades(events(m, "AAPL", window, .trades)).count) / Double(Fixture.trades(events(market(), "AAPL", window, .trades)).count)
        #expect(ratio > 4 && ratio < 6)
        let burst = market([Scenario(id: "b", kind: .liquidity(multiplier: 10), symbol: "AAPL", start: Self.at, end: Self.at + 10 * Self.second)])
        let tenSeconds = Self.at..<(Self.at + 10 * Self.second)
        let burstRatio = Double(Fixture.trades(events(burst, "AAPL", tenSeconds, .trades)).count) / Double(Fixture.trades(events(market(), "AAPL", tenSeconds, .trades)).count)
        #expect(burstRatio > 6 && burstRatio < 15)
    }

    @Test("stacked regimes multiply no further than one may go: eight 100× volatilities and bursts still make a sane minute")
    func stackedRegimes() {
        // Found by fuzzing the control API: eight stacked 100× volatilities asked for a spread of
        // 10^16 ticks and trapped converting it to an integer.
        let stack = (0..<8).flatMap { i in
            [Scenario(id: "v\(i)", kind: .volatility(multiplier: 100), symbol: "AAPL", start: Self.at),
             Scenario(id: "l\(i)", kind: .liquidity(multiplier: 100), symbol: "AAPL", start: Self.at)]
        }
        let one = [Scenario(id: "v", kind: .volatility(multiplier: 100), symbol: "AAPL", start: Self.at),
                   Scenario(id: "l", kind: .liquidity(multiplier: 100), symbol: "AAPL", start: Self.at)]
        let window = (Self.at + Self.minute).minuteIndex
        let start = Timestamp(nanoseconds: window * Self.minute)
        let stacked = events(market(stack), "AAPL", start..<(start + Self.minute), [.trades])
        let single = events(market(one), "AAPL", start..<(start + Self.minute), [.trades])
        #expect(!stacked.isEmpty)
        #expect(stacked.count == single.count, "the stack is capped where a single regime is")
    }

    @Test("trend: a steady drift of the given percentage per hour")
    func trend() {
        let m = market([Scenario(id: "t", kind: .trend(percentPerHour: 2), symbol: "AAPL", start: Self.at)])
        let later = (Self.at + 60 * Self.minute)..<(Self.at + 60 * Self.minute + 5 * Self.second)
        let ratio = mean(mids(events(m, "AAPL", later))) / mean(mids(events(market(), "AAPL", later)))
        #expect(abs(ratio - 1.02) < 0.002)
    }

    @Test("stale: nothing at all, not even quotes or a status, then the tape carries on")
    func stale() {
        let end = Self.at + 2 * Self.minute
        let m = market([Scenario(id: "s", kind: .stale, symbol: "AAPL", start: Self.at, end: end)])
        #expect(events(m, "AAPL", Self.at..<end, [.trades, .quotes, .statuses, .lulds]).isEmpty)
        #expect(!Fixture.trades(events(m, "AAPL", end..<(end + 5 * Self.second))).isEmpty)
    }

    @Test("session: a Saturday forced open trades like a regular session; a regular session forced closed is silent")
    func session() {
        let saturday = Fixture.instant("2026-11-21T11:00:00-05:00")
        let closedDay = market([], hours: .calendar)
        #expect(events(closedDay, "AAPL", saturday..<(saturday + 10 * Self.minute)).isEmpty)
        let open = market([Scenario(id: "o", kind: .session(.open), symbol: nil, start: saturday, end: saturday + Self.minute * 60)], hours: .calendar)
        let forced = events(open, "AAPL", (saturday + Self.minute)..<(saturday + 11 * Self.minute))
        let trades = Fixture.trades(forced)
        #expect(trades.count > 1000)
        #expect(trades.allSatisfy { !$0.conditions.contains(TradeConditions.formT) }, "regular-session prints")
        #expect(Fixture.bars(forced).contains { $0.span == .minute })
        let weekday = Fixture.instant("2026-11-23T11:00:00-05:00")
        let closed = market([Scenario(id: "c", kind: .session(.closed), symbol: nil, start: weekday, end: weekday + 10 * Self.minute)], hours: .calendar)
        #expect(events(closed, "JPM", weekday..<(weekday + 10 * Self.minute), [.trades, .quotes]).isEmpty)
    }

    @Test("push: the tick goes out exactly as given, counts in the bar, and with moveMarket the price follows")
    func push() {
        let conditions = TradeConditions([14, 41])
        let m = market([Scenario(id: "p", kind: .push(.trade(price: Price(dollars: 250), size: 700, exchange: 12, conditions: conditions), moveMarket: true), symbol: "AAPL", start: Self.at)])
        let pushed = Fixture.trades(events(m, "AAPL", Self.at..<(Self.at + 1), .trades))
        #expect(pushed.count == 1 && pushed[0].price == Price(dollars: 250) && pushed[0].size == 700 && pushed[0].exchange == 12 && pushed[0].conditions == conditions)
        let bar = Fixture.bars(events(m, "AAPL", (Self.at + Self.minute)..<(Self.at + 2 * Self.minute), .minuteBars))
        #expect(bar.first.map { $0.high >= Price(dollars: 250) } == true)
        #expect(abs(mean(mids(events(m, "AAPL", (Self.at + 1)..<(Self.at + 3 * Self.second)))) - 250) < 1)
        let quote = market([Scenario(id: "q", kind: .push(.quote(bid: Price(dollars: 1), ask: Price(dollars: 2), bidSize: 100, askSize: 200, bidExchange: 12, askExchange: 11), moveMarket: false), symbol: "AAPL", start: Self.at)])
        let q = Fixture.quotes(events(quote, "AAPL", Self.at..<(Self.at + 1), .quotes))
        #expect(q.count == 1 && q[0].bidPrice == Price(dollars: 1) && q[0].askSize == 200)
    }

    @Test("cancel and correction name the earlier trade and leave it as it was")
    func corrections() {
        let earlier = Fixture.trades(events(market(), "AAPL", (Self.at + -Self.minute)..<Self.at, .trades))[10]
        let m = market([
            Scenario(id: "x", kind: .cancel(tradeID: earlier.id), symbol: "AAPL", start: Self.at),
            Scenario(id: "c", kind: .correction(tradeID: earlier.id, price: Price(dollars: 1), size: 5), symbol: "AAPL", start: Self.at + 1),
        ])
        let out = events(m, "AAPL", Self.at..<(Self.at + 2), .trades).compactMap { if case .correction(let c) = $0 { c } else { nil } }
        #expect(out.count == 2)
        #expect(out[0].isCancel && out[0].original == .init(earlier) && out[0].exchange == earlier.exchange && out[0].tape == earlier.tape)
        #expect(out[1].corrected?.price == Price(dollars: 1) && out[1].corrected?.size == 5 && out[1].original == .init(earlier))
        #expect(out[1].corrected?.id == TradeCorrection.correctedID(of: earlier.id) && out[1].corrected?.conditions == earlier.conditions)
        #expect(Fixture.trades(events(m, "AAPL", (Self.at + -Self.minute)..<Self.at, .trades))[10] == earlier)
        // A trade of the cancel's own minute: looking it up must not look up the cancel again.
        let sameMinute = Fixture.trades(events(market(), "AAPL", Self.at..<(Self.at + 5 * Self.second), .trades))[0]
        let n = market([Scenario(id: "x", kind: .cancel(tradeID: sameMinute.id), symbol: "AAPL", start: Self.at + 20 * Self.second)])
        let cancels = events(n, "AAPL", Self.at..<(Self.at + Self.minute), .trades).compactMap { if case .correction(let c) = $0 { c } else { nil } }
        #expect(cancels.count == 1 && cancels[0].original == .init(sameMinute))
    }

    @Test("a correction carries both prints and still makes no event larger than a bar")
    func correctionSize() {
        #expect(MemoryLayout<TradeCorrection>.size <= MemoryLayout<Bar>.size)
        #expect(MemoryLayout<MarketEvent>.size <= MemoryLayout<Bar>.size, "\(MemoryLayout<MarketEvent>.size) bytes an event")
    }

    @Test("limit: the price reaches its band, holds it 15 s, then the band pauses trading for 5 minutes")
    func limit() {
        var timeline = ScenarioTimeline()
        timeline.add(Scenario(id: "L", kind: .limit(direction: .up), symbol: "AAPL", start: Self.at))
        #expect(timeline.entries.map(\.id) == ["L", "L-pause"])
        let m = Market(configuration: MarketConfiguration(seed: 4, universe: Self.universe), timeline: timeline)
        let hold = (Self.at + 10 * Self.second)..<(Self.at + 25 * Self.second)
        let held = Fixture.trades(events(m, "AAPL", hold, .trades))
        #expect(held.count > 100)
        let band = held[0].price
        #expect(held.allSatisfy { $0.price == band })
        let before = mean(mids(events(m, "AAPL", (Self.at + -5 * Self.second)..<Self.at)))
        #expect(band.dollars / before > 1.045 && band.dollars / before < 1.06, "AAPL is tier 1: a 5% band")
        let pause = (Self.at + 25 * Self.second)..<(Self.at + 25 * Self.second + 5 * Self.minute)
        #expect(Fixture.trades(events(m, "AAPL", pause, .trades)).isEmpty)
        #expect(events(m, "AAPL", pause, .statuses).contains { if case .status(let s) = $0 { s.change == .halted && s.reason == .volatilityPause } else { false } })
    }

    @Test("the same script gives the same market: in two markets, and added live after the market has run")
    func reproducible() {
        let entries = [
            Scenario(id: "h", kind: .halt(reason: .newsPending, reopenPercent: -2), symbol: "AAPL", start: Self.at, end: Self.at + 3 * Self.minute),
            Scenario(id: "v", kind: .volatility(multiplier: 3), symbol: "AAPL", start: Self.at + 5 * Self.minute, end: Self.at + 20 * Self.minute),
            Scenario(id: "p", kind: .push(.trade(price: Price(dollars: 233), size: 100, exchange: 4, conditions: TradeConditions()), moveMarket: false), symbol: "AAPL", start: Self.at + 7 * Self.minute),
        ]
        let window = (Self.at + -2 * Self.minute)..<(Self.at + 25 * Self.minute)
        let a = events(market(entries), "AAPL", window), b = events(market(entries), "AAPL", window)
        #expect(a == b)
        // Live: the market runs up to the first instant, then the entries arrive.
        let live = market()
        let tape = live.tape(live.symbolID(for: "AAPL")!)
        var out = tape.events(in: window.lowerBound..<Self.at, kinds: Self.everything)
        live.timeline = ScenarioTimeline(entries)
        out += tape.events(in: Self.at..<window.upperBound, kinds: Self.everything)
        #expect(out == a)
    }
}
