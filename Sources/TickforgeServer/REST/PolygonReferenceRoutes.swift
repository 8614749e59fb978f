import Hummingbird
import TickforgeDialects
import TickforgeMarket

/// Polygon/Massive's reference data, minimal but valid (notes §2.11): the universe's listed
/// symbols as tickers (a page at a time, by ticker), one ticker's details, and the stock
/// exchanges whose ids trades and quotes carry.
struct PolygonReferenceRoutes: Sendable {
    let universe: Universe
    let auth: PolygonRESTAuth

    static let defaultLimit = 100
    static let maxLimit = 1_000

    func register(on router: Router<ServerRequestContext>) {
        router.get("/v3/reference/tickers") { request, _ in
            if let refusal = auth.refusal(request) { return refusal }
            return tickers(request)
        }
        router.get("/v3/reference/tickers/:ticker") { request, context in
            if let refusal = auth.refusal(request) { return refusal }
            let ticker = context.parameters.get("ticker") ?? ""
            guard ticker != "*", AlpacaSession.isValidSymbol(ticker), let profile = universe.profile(for: ticker) else {
                return PolygonRESTError.notFound("Ticker not found.")
            }
            var b = JSONBody()
            b.beginObject()
            b.key("results"); Self.ticker(profile, details: true, into: &b)
            PolygonRESTError.finishOK(&b)
            b.endObject()
            return Response.json(200, b)
        }
        router.get("/v3/reference/exchanges") { request, _ in
            if let refusal = auth.refusal(request) { return refusal }
            let assetClass = request.query("asset_class") ?? "stocks", locale = request.query("locale") ?? "us"
            let rows = assetClass == "stocks" && locale == "us" ? Self.exchanges : []
            var b = JSONBody(reservingCapacity: 4096)
            b.beginObject()
            b.key("results"); b.beginArray()
            for e in rows {
                b.beginObject()
                b.key("id"); b.int(Int64(e.id))
                b.key("type"); b.string(e.type)
                b.key("asset_class"); b.string("stocks")
                b.key("locale"); b.string("us")
                b.key("name"); b.string(e.name)
                b.key("acronym"); b.string(e.acronym)
                b.key("mic"); b.string(e.mic)
                b.key("operating_mic"); b.string(e.operatingMIC)
                b.key("participant_id"); b.string(e.participant)
                b.endObject()
            }
            b.endArray()
            PolygonRESTError.finishOK(&b)
            b.key("count"); b.int(rows.count)
            b.endObject()
            return Response.json(200, b)
        }
    }

    private func tickers(_ request: Request) -> Response {
        var fields: [String: String] = [:]
        for name in ["ticker", "ticker.gte", "ticker.gt", "ticker.lte", "ticker.lt", "type", "market", "active", "search", "order", "limit", "sort"] {
            fields[name] = request.query(name)
        }
        if let cursor = request.query("cursor") {
            guard let decoded = PageToken.decode(cursor) else { return PolygonRESTError.badRequest("Invalid cursor") }
            fields = decoded
        }
        var limit = Self.defaultLimit
        if let text = fields["limit"] {
            guard let n = Int(text), (1...Self.maxLimit).contains(n) else {
                return PolygonRESTError.badRequest("Invalid limit '\(text.prefix(40))'. Use an integer from 1 to \(Self.maxLimit)")
            }
            limit = n
        }
        let order = fields["order"] ?? "asc"
        guard order == "asc" || order == "desc" else { return PolygonRESTError.badRequest("Invalid order '\(order.prefix(40))'. Use asc or desc") }
        // Every synthetic listing is an active US common stock.
        let excluded = fields["active"] == "false" || (fields["market"].map { $0 != "stocks" } ?? false) || (fields["type"].map { $0 != "CS" } ?? false)
        var listed = excluded ? [] : universe.symbols.compactMap { universe.profile(for: $0) }.sorted { $0.ticker < $1.ticker }
        if let t = fields["ticker"] { listed = listed.filter { $0.ticker == Universe.normalize(t) } }
        if let t = fields["ticker.gte"] { listed = listed.filter { $0.ticker >= t } }
        if let t = fields["ticker.gt"] { listed = listed.filter { $0.ticker > t } }
        if let t = fields["ticker.lte"] { listed = listed.filter { $0.ticker <= t } }
        if let t = fields["ticker.lt"] { listed = listed.filter { $0.ticker < t } }
        if let s = fields["search"]?.uppercased(), !s.isEmpty { listed = listed.filter { $0.ticker.contains(s) } }
        if order == "desc" { listed.reverse() }
        let page = listed.prefix(limit)
        var b = JSONBody(reservingCapacity: 256 + page.count * 200)
        b.beginObject()
        b.key("results"); b.beginArray()
        for profile in page { Self.ticker(profile, details: false, into: &b) }
        b.endArray()
        PolygonRESTError.finishOK(&b)
        b.key("count"); b.int(page.count)
        if listed.count > limit, let last = page.last {
            // The next page: the same filters, past the last ticker in this order.
            var next = fields
            next.removeValue(forKey: "cursor")
            next[order == "asc" ? "ticker.gt" : "ticker.lt"] = last.ticker
            next["limit"] = String(limit)
            next["order"] = order
            let cursor = PageToken.encode(next.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, url: true)
            b.key("next_url"); b.string(request.origin + "/v3/reference/tickers?cursor=" + cursor)
        }
        b.endObject()
        return Response.json(200, b)
    }

    static func ticker(_ p: SymbolProfile, details: Bool, into b: inout JSONBody) {
        b.beginObject()
        b.key("ticker"); b.string(p.ticker)
        b.key("name"); b.string("\(p.ticker) (Tickforge synthetic)")
        b.key("market"); b.string("stocks")
        b.key("locale"); b.string("us")
        b.key("primary_exchange"); b.string(primaryExchange(p.tape))
        b.key("type"); b.string("CS")
        b.key("active"); b.bool(true)
        b.key("currency_name"); b.string("usd")
        if details {
            b.key("description"); b.string("A synthetic US-listed common stock served by Tickforge; its prices are deterministic in the seed.")
            b.key("round_lot"); b.int(100)
            b.key("ticker_root"); b.string(p.ticker)
        }
        b.endObject()
    }

    /// The listing market's MIC, by tape.
    static func primaryExchange(_ tape: Tape) -> String {
        switch tape {
        case .a: "XNYS"
        case .b: "ARCX"
        case .c: "XNAS"
        }
    }

    struct Exchange {
        var id: Int, type: String, name: String, acronym: String, mic: String, operatingMIC: String, participant: String
    }

    /// The US stock venues by Polygon's ids, as trades and quotes carry them (the SIP's
    /// participant letters are Alpaca's `x`).
    static let exchanges: [Exchange] = [
        Exchange(id: 1, type: "exchange", name: "NYSE American, LLC", acronym: "AMEX", mic: "XASE", operatingMIC: "XNYS", participant: "A"),
        Exchange(id: 2, type: "exchange", name: "Nasdaq OMX BX, Inc.", acronym: "BX", mic: "XBOS", operatingMIC: "XNAS", participant: "B"),
        Exchange(id: 3, type: "exchange", name: "NYSE National, Inc.", acronym: "NSX", mic: "XCIS", operatingMIC: "XNYS", participant: "C"),
        Exchange(id: 4, type: "TRF", name: "FINRA Nasdaq TRF Carteret", acronym: "FINN", mic: "FINN", operatingMIC: "FINR", participant: "D"),
        Exchange(id: 4, type: "TRF", name: "FINRA NYSE TRF", acronym: "FINY", mic: "FINY", operatingMIC: "FINR", participant: "D"),
        Exchange(id: 4, type: "TRF", name: "FINRA Nasdaq TRF Chicago", acronym: "FINC", mic: "FINC", operatingMIC: "FINR", participant: "D"),
        Exchange(id: 6, type: "exchange", name: "International Securities Exchange, LLC - Stocks", acronym: "ISE", mic: "XISE", operatingMIC: "XNAS", participant: "I"),
        Exchange(id: 7, type: "exchange", name: "Cboe EDGA", acronym: "EDGA", mic: "EDGA", operatingMIC: "XCBO", participant: "J"),
        Exchange(id: 8, type: "exchange", name: "Cboe EDGX", acronym: "EDGX", mic: "EDGX", operatingMIC: "XCBO", participant: "K"),
        Exchange(id: 9, type: "exchange", name: "NYSE Chicago, Inc.", acronym: "CHX", mic: "XCHI", operatingMIC: "XNYS", participant: "M"),
        Exchange(id: 10, type: "exchange", name: "New York Stock Exchange", acronym: "NYSE", mic: "XNYS", operatingMIC: "XNYS", participant: "N"),
        Exchange(id: 11, type: "exchange", name: "NYSE Arca, Inc.", acronym: "ARCA", mic: "ARCX", operatingMIC: "XNYS", participant: "P"),
        Exchange(id: 12, type: "exchange", name: "Nasdaq", acronym: "NASDAQ", mic: "XNAS", operatingMIC: "XNAS", participant: "Q"),
        Exchange(id: 14, type: "exchange", name: "Long-Term Stock Exchange", acronym: "LTSE", mic: "LTSE", operatingMIC: "LTSE", participant: "L"),
        Exchange(id: 15, type: "exchange", name: "Investors Exchange", acronym: "IEX", mic: "IEXG", operatingMIC: "IEXG", participant: "V"),
        Exchange(id: 17, type: "exchange", name: "Nasdaq Philadelphia Exchange LLC", acronym: "PHLX", mic: "XPHL", operatingMIC: "XNAS", participant: "X"),
        Exchange(id: 18, type: "exchange", name: "Cboe BYX", acronym: "BYX", mic: "BATY", operatingMIC: "XCBO", participant: "Y"),
        Exchange(id: 19, type: "exchange", name: "Cboe BZX", acronym: "BZX", mic: "BATS", operatingMIC: "XCBO", participant: "Z"),
        Exchange(id: 20, type: "exchange", name: "MIAX Pearl", acronym: "MPRL", mic: "EPRL", operatingMIC: "MIHI", participant: "H"),
        Exchange(id: 21, type: "exchange", name: "Members Exchange", acronym: "MEMX", mic: "MEMX", operatingMIC: "MEMX", participant: "U"),
    ]
}
