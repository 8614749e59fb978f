import TickforgeMarket

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a `generate` stream and measures how market-like it is: return autocorrelation, fat
/// tails, volatility clustering, volume–volatility coupling, the intraday volume curve, and two
/// invariants that must hold exactly (trades inside the NBBO, bars equal to bars rebuilt from trades).
///
/// Returns are measured on the regular session (09:30–16:00 New York) from the NBBO midpoint at
/// each minute's close, the usual way to keep bid–ask bounce out of return statistics; the
/// report also shows the lag-1 autocorrelation of last-trade closes for comparison.
public final class RealismAnalyzer {
    private var symbols: [String: Int] = [:]
    private var states: [SymbolState] = []
    public private(set) var lines = 0
    public private(set) var malformedLines = 0
    /// Bars whose window began before the stream did, so their trades were never seen.
    public private(set) var skippedBars = 0
    private var streamStart: Int64?

    public init() {}

    final class SymbolState {
        var bid: Int64 = 0, ask: Int64 = 0, hasQuote = false
        var trades = 0, tradesInside = 0
        var second = RebuiltBar(), minute = RebuiltBar()
        var dayNumber: Int64 = .min
        var dayVolume: Int64 = 0, dayPricedVolume: Int64 = 0, dayNotional: Int64 = 0
        var firstPrice: Int64 = 0, regularOpen: Int64 = 0
        var bars = 0, barsEqual = 0, tradeWindowsWithoutBar = 0
        var sawSecondBars = false, sawMinuteBars = false
        /// Regular-session minute bars: (NY day, minute of session, last trade, NBBO midpoint ×2 at the close, volume).
        var sessionMinutes: [(day: Int64, minute: Int, close: Int64, mid2: Int64, volume: Int64)] = []
    }

    /// A window rebuilt from its trades by the vendors' rule: every print adds volume and count,
    /// only round lots (no condition 37) set prices and the VWAP.
    struct RebuiltBar {
        var window: Int64 = .min
        var open: Int64 = 0, high: Int64 = 0, low: Int64 = 0, close: Int64 = 0
        var volume: Int64 = 0, count: Int64 = 0
        var pricedVolume: Int64 = 0, notional: Int64 = 0, priced: Int64 = 0
        var matched = true

        /// Adds a trade; returns whether it closed a previous window that should have had a bar and did not.
        mutating func add(window w: Int64, price: Int64, size: Int64, setsPrice: Bool) -> Bool {
            var unmatchedPrevious = false
            if w != window {
                unmatchedPrevious = priced > 0 && !matched
                self = RebuiltBar()
                window = w
                matched = false
            }
            volume += size
            count += 1
            guard setsPrice else { return unmatchedPrevious }
            if priced == 0 { open = price; high = price; low = price }
            high = max(high, price)
            low = min(low, price)
            close = price
            pricedVolume += size
            notional += price * size
            priced += 1
            return unmatchedPrevious
        }
    }

    private func state(_ symbol: String) -> SymbolState {
        if let i = symbols[symbol] { return states[i] }
        symbols[symbol] = states.count
        let s = SymbolState()
        states.append(s)
        return s
    }

    /// Feeds one NDJSON line.
    public func consume(line: UnsafeBufferPointer<UInt8>) {
        lines += 1
        var kind: UInt8 = 0 // t=trade q=quote s=second bar m=minute bar
        var symbol = ""
        var f = [Int64](repeating: 0, count: 17)
        var formT = false, oddLot = false
        FlatObjectScanner().scan(line) { key, value in
            let k0 = key.first ?? 0
            switch key.count {
            case 4 where FlatObjectScanner.equals(key, "kind"):
                kind = value.first == 116 ? 116 : (value.first == 113 ? 113 : (value.first == 115 ? 115 : (value.first == 109 ? 109 : 0)))
            case 3 where FlatObjectScanner.equals(key, "sym"):
                symbol = String(decoding: value, as: UTF8.self)
            case 1:
                switch k0 {
                case UInt8(ascii: "t"): f[0] = FlatObjectScanner.integer(value)
                case UInt8(ascii: "p"): f[1] = FlatObjectScanner.fixed(value, scale: 4)
                case UInt8(ascii: "s"): f[2] = FlatObjectScanner.integer(value)
                case UInt8(ascii: "e"): f[3] = FlatObjectScanner.integer(value)
                case UInt8(ascii: "o"): f[4] = FlatObjectScanner.fixed(value, scale: 4)
                case UInt8(ascii: "h"): f[5] = FlatObjectScanner.fixed(value, scale: 4)
                case UInt8(ascii: "l"): f[6] = FlatObjectScanner.fixed(value, scale: 4)
                case UInt8(ascii: "c"):
                    if value.first == 91 {
                        // Trade conditions: look for 12 (Form T, extended hours).
                        var n: Int64 = -1
                        for b in value {
                            if b >= 48, b <= 57 { n = (n < 0 ? 0 : n) * 10 + Int64(b - 48) } else {
                                if n == 12 { formT = true }
                                if n == 37 { oddLot = true }
                                n = -1
                            }
                        }
                    } else {
                        f[7] = FlatObjectScanner.fixed(value, scale: 4)
                    }
                case UInt8(ascii: "v"): f[8] = FlatObjectScanner.integer(value)
                case UInt8(ascii: "n"): f[9] = FlatObjectScanner.integer(value)
                case UInt8(ascii: "z"): f[10] = FlatObjectScanner.integer(value)
                case UInt8(ascii: "a"): f[11] = FlatObjectScanner.fixed(value, scale: 6)
                default: break
                }
            case 2:
                if FlatObjectScanner.equals(key, "bp") { f[12] = FlatObjectScanner.fixed(value, scale: 4) }
                else if FlatObjectScanner.equals(key, "ap") { f[13] = FlatObjectScanner.fixed(value, scale: 4) }
                else if FlatObjectScanner.equals(key, "vw") { f[14] = FlatObjectScanner.fixed(value, scale: 6) }
                else if FlatObjectScanner.equals(key, "av") { f[15] = FlatObjectScanner.integer(value) }
                else if FlatObjectScanner.equals(key, "op") { f[16] = FlatObjectScanner.fixed(value, scale: 4) }
            default: break
            }
        }
        guard kind != 0, !symbol.isEmpty else { malformedLines += 1; return }
        if streamStart == nil { streamStart = kind == 115 || kind == 109 ? f[3] : f[0] }
        let s = state(symbol)
        switch kind {
        case 113: // quote
            s.bid = f[12]; s.ask = f[13]; s.hasQuote = true
        case 116: // trade
            let t = f[0], price = f[1], size = f[2]
            s.trades += 1
            if s.hasQuote, price >= s.bid, price <= s.ask { s.tradesInside += 1 }
            let day = NewYorkTime.localDayNumber(of: Timestamp(nanoseconds: t))
            if day != s.dayNumber {
                s.dayNumber = day
                s.dayVolume = 0; s.dayPricedVolume = 0; s.dayNotional = 0; s.firstPrice = 0; s.regularOpen = 0
            }
            let setsPrice = !oddLot
            s.dayVolume += size
            if setsPrice {
                s.dayPricedVolume += size
                s.dayNotional += price * size
                if s.firstPrice == 0 { s.firstPrice = price }
                if !formT, s.regularOpen == 0 { s.regularOpen = price }
            }
            if s.second.add(window: t.floorDivided(by: 1_000_000_000), price: price, size: size, setsPrice: setsPrice), s.sawSecondBars { s.tradeWindowsWithoutBar += 1 }
            if s.minute.add(window: t.floorDivided(by: 60_000_000_000), price: price, size: size, setsPrice: setsPrice), s.sawMinuteBars { s.tradeWindowsWithoutBar += 1 }
        case 115, 109: // bars
            let start = f[2]
            // A bar stamped at the stream's first instant covers trades from before the stream.
            if let streamStart, start < streamStart { skippedBars += 1; return }
            s.bars += 1
            let isSecond = kind == 115
            if isSecond { s.sawSecondBars = true } else { s.sawMinuteBars = true }
            let rebuilt = isSecond ? s.second : s.minute
            let window = isSecond ? start.floorDivided(by: 1_000_000_000) : start.floorDivided(by: 60_000_000_000)
            let officialOpen = s.regularOpen != 0 ? s.regularOpen : s.firstPrice
            let vwap = Self.rounded6(notional: rebuilt.notional, volume: rebuilt.pricedVolume)
            let dayVWAP = Self.rounded6(notional: s.dayNotional, volume: s.dayPricedVolume)
            let equal = rebuilt.window == window && rebuilt.priced > 0
                && rebuilt.open == f[4] && rebuilt.high == f[5] && rebuilt.low == f[6] && rebuilt.close == f[7]
                && rebuilt.volume == f[8] && rebuilt.count == f[9] && rebuilt.volume / rebuilt.count == f[10]
                && vwap == f[14] && s.dayVolume == f[15] && officialOpen == f[16] && dayVWAP == f[11]
            if equal { s.barsEqual += 1 }
            if isSecond { s.second.matched = true } else { s.minute.matched = true }
            if !isSecond {
                let startTime = Timestamp(nanoseconds: start)
                let m = NewYorkTime.minuteOfDay(of: startTime) - (9 * 60 + 30)
                if m >= 0, m < 390 {
                    s.sessionMinutes.append((NewYorkTime.localDayNumber(of: startTime), m, f[7], s.bid + s.ask, f[8]))
                }
            }
        default:
            break
        }
    }

    static func rounded6(notional: Int64, volume: Int64) -> Int64 {
        guard volume > 0 else { return 0 }
        return Int64((Double(notional) / Double(volume) / 10_000 * 1e6).rounded())
    }

    // MARK: report

    public struct Report: Sendable {
        public var symbols = 0
        public var sessions = 0
        public var lines = 0
        /// Lag-1 autocorrelation of 1-min returns of NBBO midpoints (the target).
        public var acf1 = 0.0
        /// The same from last-trade closes, which carry bid–ask bounce.
        public var acf1TradeCloses = 0.0
        public var kurtosis1 = 0.0, kurtosis5 = 0.0, kurtosis30 = 0.0
        public var absACF: [Double] = []
        public var volumeAbsReturnCorrelation = 0.0
        public var halfHourVolume: [Int64] = []
        public var tradesInsideShare = 0.0
        public var trades = 0
        public var barsEqualShare = 0.0
        public var bars = 0
        public var tradeWindowsWithoutBar = 0
    }

    public func report() -> Report {
        var r = Report()
        r.symbols = states.count
        r.lines = lines
        var acf1: [Double] = [], acf1Trades: [Double] = [], absACF = [[Double]](repeating: [], count: 10), volCorr: [Double] = []
        var pooled1: [Double] = [], pooled5: [Double] = [], pooled30: [Double] = []
        r.halfHourVolume = [Int64](repeating: 0, count: 13)
        var sessionDays = Set<Int64>()
        for s in states {
            r.trades += s.trades
            r.bars += s.bars
            r.tradeWindowsWithoutBar += s.tradeWindowsWithoutBar
            r.tradesInsideShare += Double(s.tradesInside)
            r.barsEqualShare += Double(s.barsEqual)
            for m in s.sessionMinutes { r.halfHourVolume[m.minute / 30] += m.volume }
            // Group by day, forward-fill closes on the 390-minute grid.
            var byDay: [Int64: [(Int, Int64, Int64, Int64)]] = [:]
            for m in s.sessionMinutes where m.mid2 > 0 { byDay[m.day, default: []].append((m.minute, m.close, m.mid2, m.volume)) }
            var r1: [Double] = [], t1: [Double] = [], v1: [Double] = [], r5: [Double] = [], r30: [Double] = []
            for (day, minutes) in byDay.sorted(by: { $0.key < $1.key }) where minutes.count > 30 {
                sessionDays.insert(day)
                var closes = [Double](repeating: .nan, count: 390)
                var trades = [Double](repeating: .nan, count: 390)
                var volumes = [Double](repeating: 0, count: 390)
                for (m, c, mid, v) in minutes { closes[m] = log(Double(mid)); trades[m] = log(Double(c)); volumes[m] = Double(v) }
                for i in 1..<390 where closes[i].isNaN { closes[i] = closes[i - 1]; trades[i] = trades[i - 1] }
                for i in 1..<390 where !closes[i - 1].isNaN {
                    r1.append(closes[i] - closes[i - 1])
                    t1.append(trades[i] - trades[i - 1])
                    v1.append(volumes[i])
                }
                for i in stride(from: 5, to: 390, by: 5) where !closes[i - 5].isNaN { r5.append(closes[i] - closes[i - 5]) }
                for i in stride(from: 30, to: 390, by: 30) where !closes[i - 30].isNaN { r30.append(closes[i] - closes[i - 30]) }
            }
            guard r1.count > 50 else { continue }
            acf1.append(Statistics.autocorrelation(r1, lag: 1))
            acf1Trades.append(Statistics.autocorrelation(t1, lag: 1))
            let absR = r1.map(abs)
            for lag in 1...10 { absACF[lag - 1].append(Statistics.autocorrelation(absR, lag: lag)) }
            volCorr.append(Statistics.correlation(v1, absR))
            pooled1 += Statistics.standardized(r1)
            pooled5 += Statistics.standardized(r5)
            pooled30 += Statistics.standardized(r30)
        }
        r.sessions = sessionDays.count
        r.tradesInsideShare = r.trades == 0 ? 0 : r.tradesInsideShare / Double(r.trades)
        r.barsEqualShare = r.bars == 0 ? 0 : r.barsEqualShare / Double(r.bars + r.tradeWindowsWithoutBar)
        r.acf1 = Statistics.mean(acf1)
        r.acf1TradeCloses = Statistics.mean(acf1Trades)
        r.absACF = absACF.map(Statistics.mean)
        r.volumeAbsReturnCorrelation = Statistics.mean(volCorr)
        r.kurtosis1 = Statistics.kurtosis(pooled1)
        r.kurtosis5 = Statistics.kurtosis(pooled5)
        r.kurtosis30 = Statistics.kurtosis(pooled30)
        return r
    }
}
