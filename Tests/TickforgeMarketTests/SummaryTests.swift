import Testing
@testable import TickforgeMarket

/// Every minute has a summary decided before its trades; the trades then add up to it exactly.
@Suite("Minute summaries: bars at the cost of their bars, realised exactly by the trades")
struct SummaryTests {
    /// Profiles covering each price model, a sub-dollar name, very thin and very busy tape, an
    /// expensive name (forty-share and ten-share round lots), and tickers derived from the seed.
    static let universe = try! Universe(seed: 5, symbols: ["AAPL", "PNNY", "FAKETICKER", "TESTSTOCK", "NFLX", "KO", "ACME", "ZZTOP", "THIN", "BUSY", "PRICY", "CENT"], overrides: [
        "THIN": ProfileOverride(liquidity: 0.3),
        "BUSY": ProfileOverride(basePrice: 45, volatility: 0.5, liquidity: 400),
        "PRICY": ProfileOverride(basePrice: 4_800, liquidity: 6),
        "CENT": ProfileOverride(basePrice: 0.0185, volatility: 1.2, liquidity: 20),
    ])

    /// The minute rebuilt from its trades by the vendors' rule: odd lots (37) add volume only.
    static func rebuilt(_ trades: [Trade], minute: Int64, phase: SessionPhase) -> MinuteSummary {
        var s = MinuteSummary(minute: minute, phase: phase)
        var w = WindowTotals()
        for t in trades {
            let odd = t.conditions.contains(TradeConditions.oddLot)
            #expect(odd == (t.size < t.price.roundLot))
            w.add(price: t.price, size: t.size, setsPrice: !odd)
            if odd { s.oddCount += 1; s.oddVolume += Int64(t.size) }
        }
        s.roundCount = Int32(w.pricedCount); s.roundVolume = w.pricedVolume; s.roundNotional = w.notional
        if w.pricedCount > 0 { s.open = w.open; s.high = w.high; s.low = w.low; s.close = w.close }
        return s
    }

    @Test("summaries equal the minutes rebuilt from their trades, exactly, over random minutes, symbols, days and modes",
          arguments: [MarketHoursMode.alwaysOpen, .calendar])
    func exact(mode: MarketHoursMode) {
        let market = Market(configuration: MarketConfiguration(seed: 5, marketHours: mode, universe: Self.universe))
        var rng = RandomKey(99).stream
        let first = RFC3339.parse("2025-01-01T00:00:00Z")!.minuteIndex
        var conditioned = 0, natural = 0, withTrades = 0
        for ticker in Self.universe.symbols {
            let tape = market.tape(market.symbolID(for: ticker)!)
            for _ in 0..<120 {
                let M = first + Int64(rng.below(3 * 365 * 1440))
                let summary = tape.summary(M)
                let trades = tape.events(in: Timestamp(nanoseconds: M * Timestamp.nanosPerMinute)..<Timestamp(nanoseconds: (M + 1) * Timestamp.nanosPerMinute), kinds: .trades)
                    .compactMap { if case .trade(let t) = $0 { t } else { nil } }
                let again = Self.rebuilt(trades, minute: M, phase: summary.phase)
                #expect(summary == again, "\(ticker) minute \(M) (\(Timestamp(nanoseconds: M * Timestamp.nanosPerMinute)))")
                if summary.tradeCount > 0 { withTrades += 1 }
                if summary.tradeCount > Int64(MinuteTicks.naturalTradeLimit) { conditioned += 1 } else { natural += 1 }
            }
        }
        #expect(withTrades > 500)
        #expect(conditioned > 300)
        #expect(natural > 50)
    }
}
