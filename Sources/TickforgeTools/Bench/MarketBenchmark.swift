import TickforgeMarket

/// Measures the generator: sustained throughput and the cost of a cold minute.
///
/// Timed in-process with a monotonic clock, repeated, and reported as medians, because this
/// machine class is small and noisy.
public enum MarketBenchmark {
    public struct Throughput: Sendable {
        public var events: Int
        public var seconds: [Double]
        public var medianEventsPerSecond: Double {
            Double(events) / seconds.sorted()[seconds.count / 2]
        }
    }

    /// Generates trades and quotes for `symbols` over `minutes` regular-session minutes,
    /// `repetitions` times on fresh markets.
    public static func throughput(symbols: Int, minutes: Int, repetitions: Int, kinds: EventKinds = [.trades, .quotes]) -> Throughput {
        let configuration = MarketConfiguration.standard(seed: 7)
        let tickers = Array(Universe.defaultSymbols.prefix(symbols)) + (0..<max(0, symbols - Universe.defaultSymbols.count)).map { "SYN\($0)" }
        let start = RFC3339.parse("2026-11-23T10:00:00-05:00")!.minuteIndex
        var times: [Double] = []
        var events = 0
        for _ in 0..<repetitions {
            let market = Market(configuration: configuration)
            let ids = tickers.compactMap { market.symbolID(for: $0) }
            var buffer: [MarketEvent] = []
            buffer.reserveCapacity(1 << 16)
            var count = 0
            let began = SystemTime.monotonicNanoseconds()
            for M in start..<(start + Int64(minutes)) {
                for id in ids {
                    buffer.removeAll(keepingCapacity: true)
                    market.tape(id).appendMinute(M, kinds: kinds, into: &buffer)
                    count += buffer.count
                }
            }
            times.append(Double(SystemTime.monotonicNanoseconds() - began) / 1e9)
            events = count
        }
        return Throughput(events: events, seconds: times)
    }

    public struct ColdMinute: Sendable {
        public var microseconds: [Double]
        public var events: Int
        public func percentile(_ p: Double) -> Double {
            let s = microseconds.sorted()
            return s[min(s.count - 1, Int(Double(s.count) * p))]
        }
    }

    /// Computes one arbitrary minute of one symbol on a brand-new market, `samples` times, at
    /// minutes spread over two years, and times each from nothing. With `kinds` empty it times only
    /// the random-access path state (day level, hour path, minute path) that the ticks hang on.
    public static func coldMinute(samples: Int, ticker: String = "AAPL", kinds: EventKinds = [.trades, .quotes]) -> ColdMinute {
        let configuration = MarketConfiguration.standard(seed: 11)
        var rng = RandomKey(2024).stream
        let base = RFC3339.parse("2025-01-01T00:00:00Z")!.minuteIndex
        var times: [Double] = []
        var events = 0
        for _ in 0..<samples {
            let M = base + Int64(rng.below(2 * 365 * 1440))
            let began = SystemTime.monotonicNanoseconds()
            let market = Market(configuration: configuration)
            let id = market.symbolID(for: ticker)!
            var out: [MarketEvent] = []
            if kinds.isEmpty {
                _ = market.tape(id).minuteState(M)
            } else {
                market.tape(id).appendMinute(M, kinds: kinds, into: &out)
            }
            times.append(Double(SystemTime.monotonicNanoseconds() - began) / 1e3)
            events += out.count
        }
        return ColdMinute(microseconds: times, events: events / max(samples, 1))
    }
}

extension MarketBenchmark {
    /// Cold history requests: each sample builds a new `Market` and asks one question of it, so
    /// nothing is cached from the sample before.
    public struct History: Sendable {
        public var name: String
        public var milliseconds: [Double]
        public var bars: Int
        public var median: Double { milliseconds.sorted()[milliseconds.count / 2] }
        public var worst: Double { milliseconds.max() ?? 0 }
    }

    public static func history(samples: Int, ticker: String = "AAPL") -> [History] {
        let configuration = MarketConfiguration.standard(seed: 11)
        var rng = RandomKey(77).stream
        let firstDay = CivilDate(year: 2025, month: 1, day: 1).dayNumber
        func time(_ name: String, _ body: (SymbolTape, Int64) -> Int) -> History {
            var ms: [Double] = []
            var bars = 0
            for _ in 0..<samples {
                let day = firstDay + Int64(rng.below(700))
                let market = Market(configuration: configuration)
                let tape = market.tape(market.symbolID(for: ticker)!)
                let began = SystemTime.monotonicNanoseconds()
                bars = body(tape, day)
                ms.append(Double(SystemTime.monotonicNanoseconds() - began) / 1e6)
            }
            return History(name: name, milliseconds: ms, bars: bars)
        }
        func midnight(_ day: Int64) -> Timestamp { NewYorkTime.startOfDay(CivilDate(dayNumber: day)) }
        return [
            time("one year of daily bars") { tape, day in
                tape.bars(unit: .day, in: midnight(day)..<midnight(day + 365), rules: .polygon).count
            },
            time("one day of minute bars") { tape, day in
                tape.bars(unit: .minute, in: midnight(day)..<midnight(day + 1), rules: .polygon).count
            },
            time("day totals at 19:59 New York") { tape, day in
                let t = NewYorkTime.instant(date: CivilDate(dayNumber: day), hour: 19, minute: 59)
                return Int(tape.dayTotals(before: t.minuteIndex).tradeCount > 0 ? 1 : 0)
            },
        ]
    }
}
