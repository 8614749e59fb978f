import Testing
@testable import TickforgeMarket

@Suite("Every tape obeys the market's invariants")
struct TapeInvariantTests {
    static let symbols = ["AAPL", "NFLX", "PNNY", "BRK.B", "FAKETICKER", "TESTSTOCK", "ZZTOP"]

    /// A calendar-mode window spanning pre-market into the regular session, and an always-open one.
    static let cases: [(MarketHoursMode, Range<Timestamp>)] = [
        (.calendar, Fixture.window("2026-11-23T09:27:00-05:00", "2026-11-23T09:33:00-05:00")),
        (.alwaysOpen, Fixture.earlyWindow),
    ]

    func eachTape(_ body: (String, [MarketEvent]) -> Void) {
        for (mode, window) in Self.cases {
            let market = Fixture.market(hours: mode)
            for s in Self.symbols {
                let id = market.symbolID(for: s)!
                body(s, market.tape(id).events(in: window))
            }
        }
    }

    @Test("prices sit on the tick grid and are positive; bid < ask")
    func tickGrid() {
        eachTape { symbol, events in
            for t in Fixture.trades(events) { #expect(t.price.isOnTickGrid, "\(symbol) trade \(t.price)") }
            for q in Fixture.quotes(events) {
                #expect(q.bidPrice.isOnTickGrid && q.askPrice.isOnTickGrid, "\(symbol) quote \(q.bidPrice)/\(q.askPrice)")
                #expect(q.bidPrice < q.askPrice)
            }
        }
    }

    @Test("the sub-dollar name quotes in $0.0001")
    func subDollar() {
        let m = Fixture.market()
        let trades = Fixture.trades(m.tape(m.symbolID(for: "PNNY")!).events(in: Fixture.earlyWindow, kinds: .trades))
        #expect(!trades.isEmpty)
        #expect(trades.allSatisfy { $0.price.units < Price.pennyGridFloor })
        #expect(trades.contains { $0.price.units % 100 != 0 })
    }

    @Test("every trade prints inside the NBBO prevailing at its time")
    func tradesInsideNBBO() {
        var checked = 0
        eachTape { symbol, events in
            var bid: Price?, ask: Price?
            for e in events {
                switch e {
                case .quote(let q): (bid, ask) = (q.bidPrice, q.askPrice)
                case .trade(let t):
                    guard let bid, let ask else { Issue.record("\(symbol): trade before any quote"); continue }
                    #expect(t.price >= bid && t.price <= ask, "\(symbol) \(t.price) outside \(bid)–\(ask)")
                    checked += 1
                case .bar, .status, .luld, .correction: break
                }
            }
        }
        #expect(checked > 10_000)
    }

    @Test("bars equal bars rebuilt from the trades by the vendors' rules, including the day totals")
    func barsRebuild() {
        // Whole days from midnight, so the rebuild sees every trade of the day.
        let market = Fixture.market(hours: .alwaysOpen)
        let window = Fixture.window("2026-11-23T00:00:00-05:00", "2026-11-23T00:04:00-05:00")
        var compared = 0
        for s in Self.symbols {
            let events = market.tape(market.symbolID(for: s)!).events(in: window)
            var day = WindowTotals()
            var trades: [Trade] = []
            for e in events {
                switch e {
                case .trade(let t):
                    trades.append(t)
                    day.add(price: t.price, size: t.size, setsPrice: !t.conditions.contains(TradeConditions.oddLot))
                case .bar(let b) where b.start >= window.lowerBound:
                    let rebuilt = Fixture.rebuild(trades.filter { $0.timestamp >= b.start && $0.timestamp < b.end })
                    #expect(rebuilt.pricedCount > 0, "a bar exists only where a round lot printed")
                    #expect(b.open == rebuilt.open && b.close == rebuilt.close && b.high == rebuilt.high && b.low == rebuilt.low)
                    #expect(b.volume == rebuilt.volume && Int64(b.tradeCount) == rebuilt.tradeCount)
                    #expect(b.vwapVolume == rebuilt.pricedVolume && b.notional == rebuilt.notional)
                    #expect(b.dayVolume == day.volume && b.dayVWAPVolume == day.pricedVolume && b.dayNotional == day.notional)
                    #expect(b.officialOpen == day.open)
                    compared += 1
                case .quote, .bar, .status, .luld, .correction: break
                }
            }
            // A second with a round lot always has a bar, and no other second has one.
            // (Bars of the last second are stamped at the window's end, so they fall in the next window.)
            let lastSecond = window.upperBound.secondIndex - 1
            let secondsWithRoundLots = Set(trades.filter { !$0.conditions.contains(TradeConditions.oddLot) }.map { $0.timestamp.secondIndex }.filter { $0 < lastSecond })
            let secondBars = Set(Fixture.bars(events).filter { $0.span == .second && $0.start >= window.lowerBound }.map { $0.start.secondIndex })
            #expect(secondsWithRoundLots.symmetricDifference(secondBars).isEmpty, "\(s)")
        }
        #expect(compared > 500)
    }

    @Test("a daily bar, after every minute, is the day so far: regular round lots' prices, every print's volume and count, stamped at New York midnight")
    func dailyBars() {
        let market = Fixture.market(hours: .alwaysOpen)
        let midnight = Fixture.instant("2026-11-23T00:00:00-05:00")
        let window = midnight..<(midnight + 6 * Timestamp.nanosPerMinute)
        let events = market.tape(market.symbolID(for: "AAPL")!).events(in: window, kinds: [.trades, .dailyBars])
        var trades: [Trade] = []
        var compared = 0
        for e in events {
            switch e {
            case .trade(let t): trades.append(t)
            case .bar(let b) where b.end == midnight:
                // The previous day's last daily bar, stamped at its end.
                #expect(b.span == .day && b.start == midnight + -86_400 * Timestamp.nanosPerSecond)
            case .bar(let b):
                #expect(b.span == .day && b.start == midnight && b.end.nanoseconds % Timestamp.nanosPerMinute == 0)
                let sofar = Fixture.rebuild(trades.filter { $0.timestamp < b.end })
                #expect(b.open == sofar.open && b.close == sofar.close && b.high == sofar.high && b.low == sofar.low)
                #expect(b.volume == sofar.volume && Int64(b.tradeCount) == sofar.tradeCount && b.notional == sofar.notional)
                compared += 1
            case .quote, .status, .luld, .correction: break
            }
        }
        // One per minute, each just after it: the window's last minute's bar falls in the next window.
        #expect(compared == 5)
    }

    @Test("in calendar hours a daily bar takes its prices from the regular session only; extended hours add volume")
    func dailyBarsIgnoreFormT() {
        let market = Fixture.market(hours: .calendar)
        let window = Fixture.window("2026-11-23T09:00:00-05:00", "2026-11-23T09:33:00-05:00")
        let events = market.tape(market.symbolID(for: "SPY")!).events(in: window, kinds: [.trades, .dailyBars])
        let all = Fixture.trades(events)
        let daily = Fixture.bars(events)
        #expect(daily.count == 2, "bars after 09:31 and 09:32, none before the regular session printed")
        let before = market.tape(market.symbolID(for: "SPY")!).dayTotals(before: Fixture.instant("2026-11-23T09:00:00-05:00").minuteIndex)
        for b in daily {
            let regular = Fixture.rebuild(all.filter { $0.timestamp < b.end && !$0.conditions.contains(TradeConditions.formT) })
            #expect(b.open == regular.open && b.high == regular.high && b.low == regular.low && b.close == regular.close)
            let extendedVolume = all.filter { $0.timestamp < b.end && $0.conditions.contains(TradeConditions.formT) }.reduce(Int64(0)) { $0 + Int64($1.size) }
            #expect(extendedVolume > 0)
            #expect(b.volume == before.volume + regular.volume + extendedVolume)
        }
    }

    @Test("a bar computed cold equals the same bar computed after the whole day")
    func coldBarEqualsWarmBar() {
        let window = Fixture.window("2026-11-23T00:20:00-05:00", "2026-11-23T00:21:00-05:00")
        let warm = Fixture.market()
        let wid = warm.symbolID(for: "MSFT")!
        _ = warm.tape(wid).events(in: Fixture.window("2026-11-23T00:00:00-05:00", "2026-11-23T00:20:00-05:00"))
        let cold = Fixture.market()
        let cid = cold.symbolID(for: "MSFT")!
        #expect(Fixture.bars(cold.tape(cid).events(in: window)) == Fixture.bars(warm.tape(wid).events(in: window)))
    }

    @Test("sequence numbers strictly increase and trade ids are unique, per symbol")
    func sequences() {
        eachTape { symbol, events in
            var last = Int64.min
            var ids = Set<Int64>()
            for e in events {
                let q: Int64
                switch e {
                case .trade(let t): q = t.sequence; #expect(ids.insert(t.id).inserted)
                case .quote(let x): q = x.sequence
                case .bar, .status, .luld, .correction: continue
                }
                #expect(q > last, "\(symbol)")
                last = q
            }
        }
    }

    @Test("sizes: round lots dominate, odd lots carry 37, quote sizes are whole round lots")
    func sizes() {
        var trades = 0, oddLots = 0, roundLots = 0
        eachTape { _, events in
            for t in Fixture.trades(events) {
                trades += 1
                let lot = Int32(t.price.units <= 2_500_000 ? 100 : t.price.units <= 10_000_000 ? 40 : 10)
                if t.size < lot { oddLots += 1; #expect(t.conditions.contains(TradeConditions.oddLot)) }
                else { #expect(!t.conditions.contains(TradeConditions.oddLot)) }
                if t.size % lot == 0 { roundLots += 1 }
            }
            for q in Fixture.quotes(events) {
                let lot = { (p: Price) -> Int32 in p.units <= 2_500_000 ? 100 : p.units <= 10_000_000 ? 40 : 10 }
                #expect(q.bidSize % lot(q.bidPrice) == 0 && q.askSize % lot(q.askPrice) == 0 && q.bidSize > 0)
            }
        }
        #expect(Double(oddLots) / Double(trades) > 0.05 && Double(oddLots) / Double(trades) < 0.2)
        #expect(Double(roundLots) / Double(trades) > 0.6)
    }

    @Test("off-exchange prints are x=4 with a TRF id and timestamp; lit prints have neither")
    func trfPrints() {
        var trf = 0, all = 0
        eachTape { _, events in
            for t in Fixture.trades(events) {
                all += 1
                if t.exchange == 4 {
                    trf += 1
                    #expect((201...203).contains(t.trfID))
                    #expect(t.trfTimestamp != nil && t.trfTimestamp! <= t.timestamp)
                } else {
                    #expect(t.trfID == 0 && t.trfTimestamp == nil)
                }
                #expect(t.participantTimestamp < t.timestamp)
            }
        }
        #expect(Double(trf) / Double(all) > 0.25 && Double(trf) / Double(all) < 0.5)
    }

    @Test("quotes are several times as frequent as trades")
    func quoteRate() {
        let m = Fixture.market()
        let events = m.tape(m.symbolID(for: "AAPL")!).events(in: Fixture.earlyWindow, kinds: [.trades, .quotes])
        let ratio = Double(Fixture.quotes(events).count) / Double(Fixture.trades(events).count)
        #expect(ratio > 3 && ratio < 6)
    }

    @Test("liquid names quote tighter than illiquid ones")
    func spreads() throws {
        func medianSpreadBps(_ ticker: String, in universe: Universe) -> Double {
            let m = Market(configuration: MarketConfiguration(seed: 42, universe: universe))
            let qs = Fixture.quotes(m.tape(m.symbolID(for: ticker)!).events(in: Fixture.earlyWindow, kinds: .quotes))
            let bps = qs.map { Double($0.askPrice.units - $0.bidPrice.units) / Double($0.bidPrice.units) * 1e4 }.sorted()
            return bps[bps.count / 2]
        }
        let thin = try Universe(seed: 42, symbols: ["THIN"], overrides: ["THIN": ProfileOverride(basePrice: 200, volatility: 0.5, liquidity: 0.5)])
        // AAPL trades a one-cent spread (about 0.4 bp); a thin, volatile $200 name several basis points.
        #expect(medianSpreadBps("AAPL", in: try Universe(seed: 42)) < 1)
        #expect(medianSpreadBps("THIN", in: thin) > 3)
    }
}
