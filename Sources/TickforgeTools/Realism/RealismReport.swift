/// Renders a `RealismAnalyzer.Report` as Markdown, each figure next to its target.
extension RealismAnalyzer.Report {
    struct Check {
        let name: String
        let value: String
        let target: String
        let pass: Bool
    }

    var checks: [Check] {
        func f(_ v: Double, _ digits: Int = 3) -> String {
            guard v.isFinite else { return "n/a" }
            var m = 1.0
            for _ in 0..<digits { m *= 10 }
            return String((v * m).rounded() / m)
        }
        let midday = halfHourVolume.count == 13 ? Double(halfHourVolume[4...8].reduce(0, +)) / 5 : 0
        let first = halfHourVolume.first.map { Double($0) / max(midday, 1) } ?? 0
        let last = halfHourVolume.last.map { Double($0) / max(midday, 1) } ?? 0
        let minAbsACF = absACF.min() ?? .nan
        return [
            Check(name: "lag-1 autocorrelation of 1-min midpoint returns (mean over symbols)", value: f(acf1, 4), target: "|x| < 0.05", pass: abs(acf1) < 0.05),
            Check(name: "kurtosis of 1-min returns (pooled, standardised per symbol)", value: f(kurtosis1, 2), target: "> 6", pass: kurtosis1 > 6),
            Check(name: "kurtosis of 5-min returns", value: f(kurtosis5, 2), target: "< 1-min", pass: kurtosis5 < kurtosis1),
            Check(name: "kurtosis of 30-min returns", value: f(kurtosis30, 2), target: "< 5-min", pass: kurtosis30 < kurtosis5),
            Check(name: "autocorrelation of |1-min return|, lags 1–10 (lowest)", value: f(minAbsACF), target: "> 0.1 at every lag", pass: minAbsACF > 0.1),
            Check(name: "corr(minute volume, |1-min return|)", value: f(volumeAbsReturnCorrelation), target: "> 0.3", pass: volumeAbsReturnCorrelation > 0.3),
            Check(name: "first half-hour volume / midday (11:30–14:00 mean)", value: f(first, 2), target: "≥ 1.5", pass: first >= 1.5),
            Check(name: "last half-hour volume / midday", value: f(last, 2), target: "≥ 1.5", pass: last >= 1.5),
            Check(name: "share of trades inside the prevailing NBBO", value: f(tradesInsideShare * 100, 4) + "%", target: "100%", pass: tradesInsideShare == 1),
            Check(name: "share of bars equal to bars rebuilt from trades", value: f(barsEqualShare * 100, 4) + "%", target: "100%", pass: barsEqualShare == 1),
        ]
    }

    public var allPass: Bool { checks.allSatisfy(\.pass) }

    private func f4(_ v: Double) -> String { v.isFinite ? String((v * 10_000).rounded() / 10_000) : "n/a" }

    public func markdown() -> String {
        var out = "Input: \(lines) events, \(symbols) symbols, \(sessions) regular session(s), \(trades) trades, \(bars) bars.\n\n"
        out += "| measure | value | target | |\n|---|---|---|---|\n"
        for c in checks { out += "| \(c.name) | \(c.value) | \(c.target) | \(c.pass ? "pass" : "MISS") |\n" }
        out += "\nLag-1 autocorrelation of 1-min last-trade returns (with bid–ask bounce), for comparison: \(f4(acf1TradeCloses)).\n"
        out += "\nAutocorrelation of |1-min return| by lag: "
        out += absACF.enumerated().map { "\($0.offset + 1): \((($0.element * 1000).rounded() / 1000))" }.joined(separator: ", ") + "\n\n"
        out += "Volume by half-hour of the session (all symbols, shares):\n\n| start | volume | vs midday |\n|---|---|---|\n"
        let midday = halfHourVolume.count == 13 ? Double(halfHourVolume[4...8].reduce(0, +)) / 5 : 1
        for (i, v) in halfHourVolume.enumerated() {
            let minutes = 9 * 60 + 30 + 30 * i
            let label = "\(minutes / 60):\(minutes % 60 == 0 ? "00" : "30")"
            out += "| \(label) | \(v) | \(((Double(v) / max(midday, 1)) * 100).rounded() / 100) |\n"
        }
        if tradeWindowsWithoutBar > 0 { out += "\n\(tradeWindowsWithoutBar) windows had trades but no bar.\n" }
        return out
    }
}
