import Testing
@testable import TickforgeMarket

#if canImport(Glibc)
import Glibc
#endif

@Suite("The seed teams' models behave as they specified")
struct SeedModelTests {
    @Test("sine: base 100, amplitude 5, period 10 s, noise within ±0.25 (plus the half-spread)")
    func sine() {
        let m = Fixture.market()
        let window = Fixture.window("2026-11-23T00:02:00-05:00", "2026-11-23T00:04:00-05:00")
        let trades = Fixture.trades(m.tape(m.symbolID(for: "FAKETICKER")!).events(in: window, kinds: .trades))
        // About 10 trades per second, like seed 003's 100 ms cadence.
        #expect(trades.count > 600 && trades.count < 1800)
        for t in trades {
            let seconds = Double(t.timestamp.nanoseconds % 10_000_000_000) / 1e9
            let curve = 100 + 5 * sin(2 * Double.pi * seconds / 10)
            #expect(abs(t.price.dollars - curve) <= 0.25 + 0.05, "\(t.price) vs \(curve)")
        }
        #expect(trades.map(\.price.dollars).max()! > 104.5)
        #expect(trades.map(\.price.dollars).min()! < 95.5)
    }

    @Test("random walk: about one trade a second, steps of 0.1% of price")
    func randomWalk() {
        let m = Fixture.market()
        let window = Fixture.window("2026-11-23T01:00:00-05:00", "2026-11-23T02:00:00-05:00")
        let trades = Fixture.trades(m.tape(m.symbolID(for: "TESTSTOCK")!).events(in: window, kinds: .trades))
        #expect(trades.count > 3000 && trades.count < 4200)
        let steps = zip(trades, trades.dropFirst()).map { log($1.price.dollars / $0.price.dollars) }
        let sd = (steps.reduce(0) { $0 + $1 * $1 } / Double(steps.count)).squareRoot()
        // 0.001 per trade, plus a little bid/ask bounce.
        #expect(sd > 0.0008 && sd < 0.0014, "sd \(sd)")
    }

    @Test("realistic: no idle market — every built-in trades in an always-open minute")
    func realisticTrades() {
        let m = Fixture.market()
        for ticker in Universe.defaultSymbols {
            let trades = Fixture.trades(m.tape(m.symbolID(for: ticker)!).events(in: Fixture.earlyWindow, kinds: .trades))
            #expect(!trades.isEmpty, "\(ticker)")
        }
    }

    @Test("a common factor correlates high-beta names")
    func commonFactor() {
        let m = Fixture.market(hours: .calendar)
        func dailyReturns(_ ticker: String) -> [Double] {
            let tape = m.tape(m.symbolID(for: ticker)!)
            return (0..<120).map { d in
                let minute = CivilDate(year: 2026, month: 1, day: 1).dayNumber * 1440 + Int64(d) * 1440
                return tape.minuteState(minute + 1440).startLevel - tape.minuteState(minute).startLevel
            }
        }
        let a = dailyReturns("QQQ"), b = dailyReturns("NVDA"), c = dailyReturns("TESTSTOCK")
        func corr(_ x: [Double], _ y: [Double]) -> Double {
            let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
            var sxy = 0.0, sxx = 0.0, syy = 0.0
            for i in 0..<x.count { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my) }
            return sxy / (sxx * syy).squareRoot()
        }
        #expect(corr(a, b) > 0.3)
        #expect(abs(corr(a, c)) < 0.3)
    }
}
