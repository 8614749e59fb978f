import Hummingbird
import TickforgeDialects
import TickforgeMarket

/// Alpaca's `/v2/assets/{symbol}`: the universe's symbols as tradable US equities, in the shape
/// alpaca-py requires (notes §6.3). The id is a UUID drawn from the seed and the ticker, the
/// same on every run; the exchange follows the symbol's listing tape.
struct AlpacaAssetRoutes: Sendable {
    let universe: Universe
    let seed: UInt64
    let auth: AlpacaRESTAuth

    func register(on router: Router<ServerRequestContext>) {
        router.get("/v2/assets/:symbol") { request, context in
            if let refusal = auth.refusal(request) { return refusal }
            let symbol = context.parameters.get("symbol") ?? ""
            guard AlpacaSession.isValidSymbol(symbol), symbol != "*", let profile = universe.profile(for: symbol) else {
                return AlpacaRESTAuth.error(404, 40410000, "asset not found for \(symbol.prefix(40))")
            }
            return Response.json(200, Self.asset(profile, id: Self.uuid(seed: seed, ticker: profile.ticker)))
        }
    }

    static func asset(_ p: SymbolProfile, id: String) -> JSONValue {
        let exchange: String
        switch p.tape {
        case .a: exchange = "NYSE"
        case .b: exchange = "ARCA"
        case .c: exchange = "NASDAQ"
        }
        return .object([
            "id": .string(id), "class": "us_equity", "exchange": .string(exchange), "symbol": .string(p.ticker),
            "name": .string("\(p.ticker) (Tickforge synthetic)"), "status": "active",
            "tradable": .bool(true), "marginable": .bool(true), "maintenance_margin_requirement": .number(30), "shortable": .bool(true),
            "easy_to_borrow": .bool(true), "fractionable": .bool(true), "attributes": .array([]),
        ])
    }

    /// A version-4-shaped UUID from the seed and the ticker.
    static func uuid(seed: UInt64, ticker: String) -> String {
        let key = RandomKey.seed(seed).symbol(ticker)
        let a = key.child(UInt64(1)).value, b = key.child(UInt64(2)).value
        var hex = Array(String(a, radix: 16).leftPadded(16) + String(b, radix: 16).leftPadded(16))
        hex[12] = "4"
        hex[16] = Array("89ab")[Int(b >> 62)]
        let s = String(hex)
        let i = s.startIndex
        func part(_ from: Int, _ to: Int) -> Substring { s[s.index(i, offsetBy: from)..<s.index(i, offsetBy: to)] }
        return [part(0, 8), part(8, 12), part(12, 16), part(16, 20), part(20, 32)].joined(separator: "-")
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
