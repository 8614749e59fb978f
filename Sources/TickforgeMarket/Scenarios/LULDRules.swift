/// The limit up–limit down plan's price bands: a percentage of a reference price by tier and price,
/// doubled in the regular session's first 15 and last 25 minutes.
public enum LULDRules {
    /// The band around `units` (a reference price in $0.0001).
    public static func band(aroundUnits units: Double, tier: Int, doubled: Bool) -> (up: Price, down: Price) {
        let dollars = units / 10_000
        var width: Double
        if dollars > 3 {
            width = units * (tier == 1 ? 0.05 : 0.10)
        } else if dollars >= 0.75 {
            width = units * 0.20
        } else {
            width = min(0.15 * 10_000, units * 0.75)
        }
        if doubled { width *= 2 }
        let up = Price.gridNearest(units + width)
        let down = Price.gridNearest(max(1, units - width))
        return (up, down < up ? down : Price(units: max(1, up.units - up.tickUnits)))
    }

    /// Whether bands are doubled at this New York minute of the day (09:30–09:45 and 15:35–16:00).
    public static func isDoubled(minuteOfDay m: Int) -> Bool {
        (m >= 9 * 60 + 30 && m < 9 * 60 + 45) || (m >= 15 * 60 + 35 && m < 16 * 60)
    }
}

extension SymbolProfile {
    /// LULD tier: 1 for the large, liquid names and ETFs (the S&P 500, the Russell 1000 and
    /// select ETPs in the plan), 2 for the rest.
    public var luldTier: Int {
        guard BuiltinProfiles.byTicker[ticker] != nil else { return 2 }
        return ["PNNY", "FAKETICKER", "TESTSTOCK"].contains(ticker) ? 2 : 1
    }
}
