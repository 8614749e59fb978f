/// A partial profile from a config file or a `--profile` flag; set fields replace the built-in or
/// derived ones.
public struct ProfileOverride: Sendable, Equatable, Codable {
    public var basePrice: Double?
    public var volatility: Double?
    public var liquidity: Double?
    public var model: PriceModel?
    public var tape: Tape?
    public var beta: Double?
    public var sineAmplitude: Double?
    public var sinePeriodSeconds: Double?

    public init(
        basePrice: Double? = nil, volatility: Double? = nil, liquidity: Double? = nil, model: PriceModel? = nil,
        tape: Tape? = nil, beta: Double? = nil, sineAmplitude: Double? = nil, sinePeriodSeconds: Double? = nil
    ) {
        self.basePrice = basePrice
        self.volatility = volatility
        self.liquidity = liquidity
        self.model = model
        self.tape = tape
        self.beta = beta
        self.sineAmplitude = sineAmplitude
        self.sinePeriodSeconds = sinePeriodSeconds
    }

    public func applied(to p: SymbolProfile) -> SymbolProfile {
        var p = p
        if let basePrice { p.basePrice = basePrice }
        if let volatility { p.volatility = volatility }
        if let liquidity { p.liquidity = liquidity }
        if let model { p.model = model }
        if let tape { p.tape = tape }
        if let beta { p.beta = beta }
        if let sineAmplitude { p.sineAmplitude = sineAmplitude }
        if let sinePeriodSeconds { p.sinePeriodSeconds = sinePeriodSeconds }
        return p
    }

    /// Later fields win.
    public func merged(with later: ProfileOverride) -> ProfileOverride {
        ProfileOverride(
            basePrice: later.basePrice ?? basePrice, volatility: later.volatility ?? volatility,
            liquidity: later.liquidity ?? liquidity, model: later.model ?? model, tape: later.tape ?? tape,
            beta: later.beta ?? beta, sineAmplitude: later.sineAmplitude ?? sineAmplitude,
            sinePeriodSeconds: later.sinePeriodSeconds ?? sinePeriodSeconds
        )
    }

    /// Parses the flag form `TICKER:key=value,key=value`, e.g. `AAPL:basePrice=200,model=sine`.
    public static func parseFlag(_ text: String) throws(ProfileError) -> (ticker: String, override: ProfileOverride) {
        guard let colon = text.firstIndex(of: ":") else {
            throw ProfileError(ticker: text, message: "expected TICKER:key=value[,key=value…], e.g. AAPL:basePrice=200,model=sine")
        }
        let ticker = Universe.normalize(String(text[..<colon]))
        var o = ProfileOverride()
        for pair in text[text.index(after: colon)...].split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
            guard kv.count == 2 else { throw ProfileError(ticker: ticker, message: "'\(pair)' is not key=value") }
            let (key, value) = (kv[0], kv[1])
            func number() throws(ProfileError) -> Double {
                guard let d = Double(value) else { throw ProfileError(ticker: ticker, message: "\(key) must be a number, got '\(value)'") }
                return d
            }
            switch key {
            case "basePrice", "price": o.basePrice = try number()
            case "volatility", "vol": o.volatility = try number()
            case "liquidity": o.liquidity = try number()
            case "beta": o.beta = try number()
            case "sineAmplitude", "amplitude": o.sineAmplitude = try number()
            case "sinePeriodSeconds", "period": o.sinePeriodSeconds = try number()
            case "model":
                guard let m = PriceModel(rawValue: value) else {
                    throw ProfileError(ticker: ticker, message: "model must be one of \(PriceModel.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                o.model = m
            case "tape":
                guard let n = UInt8(value), let t = Tape(rawValue: n) else { throw ProfileError(ticker: ticker, message: "tape must be 1, 2 or 3") }
                o.tape = t
            default:
                throw ProfileError(ticker: ticker, message: "unknown key '\(key)'; known: basePrice, volatility, liquidity, model, tape, beta, sineAmplitude, sinePeriodSeconds")
            }
        }
        return (ticker, o)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
