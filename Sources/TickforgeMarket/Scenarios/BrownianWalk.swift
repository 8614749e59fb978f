/// A standard Brownian motion with random access, addressed by a key: B(0) = 0, and B at any
/// instant costs a descent through a dyadic bridge (about 22 addressed normals), never a walk
/// from the start. Regimes that add volatility (a `volatility` scenario, a session forced open
/// overnight) add σ·B(minutes since they began) to the price, so their extra moves are a pure
/// function of the scenario and the instant.
struct BrownianWalk {
    let key: RandomKey
    /// The walk is built on [0, 2^levels) minutes (about 8 years), and carries on as a random walk beyond.
    static let levels = 22

    /// B at `minutes` ≥ 0 (fractional minutes interpolate linearly between whole ones).
    func value(atMinutes minutes: Double) -> Double {
        guard minutes > 0 else { return 0 }
        let whole = Int64(minutes)
        let a = value(atMinute: whole)
        let fraction = minutes - Double(whole)
        guard fraction > 0 else { return a }
        return a + fraction * (value(atMinute: whole + 1) - a)
    }

    func value(atMinute target: Int64) -> Double {
        let span = Int64(1) << Int64(Self.levels)
        let block = target / span
        var base = 0.0
        // Whole spans: the end of each is an independent normal step of variance `span`.
        for b in 0..<block { base += Double(span).squareRoot() * key.child(Int64(b) << 40).gaussian }
        let t = target - block * span
        var (lo, hi) = (Int64(0), span)
        var (wLo, wHi) = (0.0, Double(span).squareRoot() * key.child(block << 40).gaussian)
        while true {
            if t == lo { return base + wLo }
            if t == hi { return base + wHi }
            let mid = (lo + hi) / 2
            let wMid = (wLo + wHi) / 2 + (Double(hi - lo) / 4).squareRoot() * key.child(block << 40 | mid).gaussian
            if t < mid { (hi, wHi) = (mid, wMid) } else { (lo, wLo) = (mid, wMid) }
        }
    }
}
