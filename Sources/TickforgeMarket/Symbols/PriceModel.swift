/// How a symbol's efficient price moves.
public enum PriceModel: String, Sendable, CaseIterable, Codable {
    /// Stochastic volatility with clustering, jumps, fat tails, U-shaped intraday activity and an
    /// optional common market factor. The default.
    case realistic
    /// `close += N(0, 0.001 × price)` per tick: seed 000's model, anchored to the daily path so it
    /// never wanders off to absurd levels over weeks.
    case randomWalk = "random-walk"
    /// `base + amplitude·sin(2πt/period) + U(−0.25, 0.25)`: seed 003's model.
    case sine
}

/// The listing tape, which decides the SIP that carries a symbol.
public enum Tape: UInt8, Sendable, Codable, CaseIterable {
    /// NYSE-listed.
    case a = 1
    /// NYSE Arca, NYSE American and regional listings (most ETFs).
    case b = 2
    /// Nasdaq-listed.
    case c = 3

    public var letter: Character { switch self { case .a: "A"; case .b: "B"; case .c: "C" } }
}
