/// Everything the generator needs to know about one symbol.
public struct SymbolProfile: Sendable, Equatable {
    public var ticker: String
    /// Price level the daily path is anchored to (dollars).
    public var basePrice: Double
    /// Annualised volatility, e.g. 0.25.
    public var volatility: Double
    /// Mean trades per second in the regular session.
    public var liquidity: Double
    public var model: PriceModel
    public var tape: Tape
    /// Beta to the common market factor; `nil` means the symbol moves on its own.
    public var beta: Double?
    /// Sine model: amplitude in dollars and period in seconds.
    public var sineAmplitude: Double
    public var sinePeriodSeconds: Double

    public init(
        ticker: String, basePrice: Double, volatility: Double, liquidity: Double,
        model: PriceModel = .realistic, tape: Tape, beta: Double? = nil,
        sineAmplitude: Double = 5, sinePeriodSeconds: Double = 10
    ) {
        self.ticker = ticker
        self.basePrice = basePrice
        self.volatility = volatility
        self.liquidity = liquidity
        self.model = model
        self.tape = tape
        self.beta = beta
        self.sineAmplitude = sineAmplitude
        self.sinePeriodSeconds = sinePeriodSeconds
    }

    /// Annualised volatility of the common market factor that `beta` refers to.
    public static let marketFactorVolatility = 0.18

    /// Loading on the market factor as a correlation in [0, 0.95], from beta = ρ·σ/σ_market.
    public var factorLoading: Double {
        guard let beta, model == .realistic, volatility > 0 else { return 0 }
        return min(0.95, max(0, beta * Self.marketFactorVolatility / volatility))
    }

    /// Checks the profile can be simulated; the message says what to fix.
    public func validate() throws(ProfileError) {
        func fail(_ why: String) -> ProfileError { ProfileError(ticker: ticker, message: why) }
        guard !ticker.isEmpty, ticker.utf8.count <= 16 else { throw fail("ticker must be 1–16 characters") }
        guard basePrice.isFinite, basePrice >= 0.0001, basePrice < 10_000_000 else { throw fail("basePrice must be between 0.0001 and 10,000,000") }
        guard volatility.isFinite, volatility >= 0, volatility <= 5 else { throw fail("volatility must be between 0 and 5 (annualised, 0.25 = 25%)") }
        guard liquidity.isFinite, liquidity > 0, liquidity <= 5_000 else { throw fail("liquidity must be between 0 and 5,000 trades per second") }
        if let beta { guard beta.isFinite, abs(beta) <= 5 else { throw fail("beta must be between -5 and 5") } }
        guard sinePeriodSeconds.isFinite, sinePeriodSeconds > 0 else { throw fail("sinePeriodSeconds must be positive") }
        guard sineAmplitude.isFinite, sineAmplitude >= 0 else { throw fail("sineAmplitude must not be negative") }
    }
}

public struct ProfileError: Error, CustomStringConvertible, Equatable {
    public var ticker: String
    public var message: String
    public var description: String { "profile \(ticker): \(message)" }
}
