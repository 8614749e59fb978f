/// Well-known tickers with plausible price levels and liquidity, plus the seeds' test symbols.
public enum BuiltinProfiles {
    public static let all: [SymbolProfile] = [
        .init(ticker: "AAPL", basePrice: 230, volatility: 0.25, liquidity: 30, tape: .c, beta: 1.1),
        .init(ticker: "MSFT", basePrice: 420, volatility: 0.24, liquidity: 20, tape: .c, beta: 1.0),
        .init(ticker: "NVDA", basePrice: 180, volatility: 0.45, liquidity: 45, tape: .c, beta: 1.6),
        .init(ticker: "GOOGL", basePrice: 175, volatility: 0.30, liquidity: 18, tape: .c, beta: 1.1),
        .init(ticker: "AMZN", basePrice: 200, volatility: 0.32, liquidity: 22, tape: .c, beta: 1.2),
        .init(ticker: "META", basePrice: 600, volatility: 0.35, liquidity: 15, tape: .c, beta: 1.3),
        .init(ticker: "TSLA", basePrice: 330, volatility: 0.60, liquidity: 40, tape: .c, beta: 1.8),
        .init(ticker: "AMD", basePrice: 150, volatility: 0.50, liquidity: 25, tape: .c, beta: 1.7),
        .init(ticker: "AVGO", basePrice: 300, volatility: 0.40, liquidity: 12, tape: .c, beta: 1.4),
        .init(ticker: "NFLX", basePrice: 1_150, volatility: 0.35, liquidity: 5, tape: .c, beta: 1.2),
        .init(ticker: "PLTR", basePrice: 120, volatility: 0.65, liquidity: 25, tape: .c, beta: 1.9),
        .init(ticker: "JPM", basePrice: 240, volatility: 0.22, liquidity: 10, tape: .a, beta: 1.0),
        .init(ticker: "XOM", basePrice: 115, volatility: 0.25, liquidity: 9, tape: .a, beta: 0.8),
        .init(ticker: "KO", basePrice: 68, volatility: 0.15, liquidity: 6, tape: .a, beta: 0.5),
        .init(ticker: "JNJ", basePrice: 155, volatility: 0.16, liquidity: 6, tape: .a, beta: 0.5),
        .init(ticker: "BRK.B", basePrice: 470, volatility: 0.16, liquidity: 5, tape: .a, beta: 0.8),
        .init(ticker: "F", basePrice: 11, volatility: 0.30, liquidity: 12, tape: .a, beta: 1.1),
        .init(ticker: "SPY", basePrice: 600, volatility: 0.16, liquidity: 50, tape: .b, beta: 1.0),
        .init(ticker: "QQQ", basePrice: 520, volatility: 0.20, liquidity: 35, tape: .c, beta: 1.2),
        .init(ticker: "IWM", basePrice: 220, volatility: 0.22, liquidity: 15, tape: .b, beta: 1.1),
        // A sub-dollar name: prices tick in $0.0001 and quotes carry 100-share lots.
        .init(ticker: "PNNY", basePrice: 0.42, volatility: 0.90, liquidity: 3, tape: .c, beta: 0.6),
        // Seed 003's oscillating test symbol: 100 ms cadence around $100.
        .init(ticker: "FAKETICKER", basePrice: 100, volatility: 0.3, liquidity: 10, model: .sine, tape: .c),
        // Seed 000's random walk at about 1 Hz.
        .init(ticker: "TESTSTOCK", basePrice: 50, volatility: 0.3, liquidity: 1, model: .randomWalk, tape: .a),
    ]

    public static let byTicker: [String: SymbolProfile] = Dictionary(uniqueKeysWithValues: all.map { ($0.ticker, $0) })

    /// A plausible profile for any other ticker, derived from (seed, ticker) alone.
    public static func derived(ticker: String, seed: UInt64) -> SymbolProfile {
        var r = RandomKey.seed(seed).symbol(ticker).child(.profile).stream
        let price = exp(log(8.0) + r.uniform() * (log(500.0) - log(8.0)))
        let volatility = 0.2 + 0.5 * r.uniform()
        let liquidity = exp(log(0.3) + r.uniform() * (log(8.0) - log(0.3)))
        let tape: Tape = r.uniform() < 0.55 ? .c : (r.uniform() < 0.8 ? .a : .b)
        let beta = 0.5 + r.uniform()
        return SymbolProfile(
            ticker: ticker, basePrice: (price * 100).rounded() / 100, volatility: (volatility * 100).rounded() / 100,
            liquidity: (liquidity * 100).rounded() / 100, tape: tape, beta: (beta * 100).rounded() / 100
        )
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
