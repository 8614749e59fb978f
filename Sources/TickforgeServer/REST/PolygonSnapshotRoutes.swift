import Hummingbird
import TickforgeDialects
import TickforgeMarket

/// Polygon/Massive's v2 stock snapshots (notes §2.7): each symbol's day so far, last minute,
/// previous day, last trade and quote, and change from the previous close, as of the market
/// clock. A whole-market snapshot covers the universe's listed symbols.
struct PolygonSnapshotRoutes: Sendable {
    let history: MarketHistory
    let auth: PolygonRESTAuth

    static let prefix = "/v2/snapshot/locale/us/markets/stocks"
    /// Gainers and losers list the top 20 with at least this day volume.
    static let moversMinimumVolume: Int64 = 10_000

    func register(on router: Router<ServerRequestContext>) {
        router.get("/v3/snapshot") { request, _ in
            if let refusal = auth.refusal(request) { return refusal }
            return try await universal(request)
        }
        router.get("\(Self.prefix)/tickers") { request, _ in
            if let refusal = auth.refusal(request) { return refusal }
            let requested = (request.query("tickers") ?? "").split(separator: ",").map { String($0) }.filter { !$0.isEmpty }
            return try await history.read { reader in
                let symbols = requested.isEmpty ? reader.market.universe.symbols : requested
                var rows: [(String, SymbolSnapshot)] = []
                for symbol in symbols.prefix(Self.maxTickers) {
                    guard let tape = reader.tape(symbol) else { continue }
                    rows.append((tape.profile.ticker, reader.memo.snapshot(of: tape, at: reader.now)))
                }
                return Response.json(200, Self.tickers(rows))
            }
        }
        router.get("\(Self.prefix)/tickers/:ticker") { request, context in
            if let refusal = auth.refusal(request) { return refusal }
            let ticker = context.parameters.get("ticker") ?? ""
            return try await history.read { reader in
                guard let tape = reader.tape(ticker) else { return PolygonRESTError.notFound("Ticker not found.") }
                let snapshot = reader.memo.snapshot(of: tape, at: reader.now)
                var b = JSONBody()
                b.beginObject()
                PolygonRESTError.finishOK(&b)
                b.key("ticker"); PolygonRESTRows.snapshotTicker(snapshot, ticker: tape.profile.ticker, into: &b)
                b.endObject()
                return Response.json(200, b)
            }
        }
        router.get("\(Self.prefix)/:direction") { request, context in
            if let refusal = auth.refusal(request) { return refusal }
            let direction = context.parameters.get("direction") ?? ""
            guard direction == "gainers" || direction == "losers" else {
                return PolygonRESTError.notFound("Unknown direction '\(direction.prefix(40))': use gainers or losers.")
            }
            return try await history.read { reader in
                var rows: [(String, SymbolSnapshot, Double)] = []
                for symbol in reader.market.universe.symbols.prefix(Self.maxTickers) {
                    guard let tape = reader.tape(symbol) else { continue }
                    let s = reader.memo.snapshot(of: tape, at: reader.now)
                    guard s.dayVolume >= Self.moversMinimumVolume, let change = s.change else { continue }
                    rows.append((tape.profile.ticker, s, change.percent))
                }
                rows.sort { direction == "gainers" ? $0.2 > $1.2 : $0.2 < $1.2 }
                return Response.json(200, Self.tickers(rows.prefix(20).map { ($0.0, $0.1) }))
            }
        }
    }

    /// `/v3/snapshot` (notes §2.8): stocks only, by ticker, a page at a time; a ticker asked for by
    /// `ticker.any_of` that the universe lacks is an error item inside the results.
    private func universal(_ request: Request) async throws -> Response {
        var fields: [String: String] = [:]
        for name in ["ticker", "ticker.any_of", "ticker.gte", "ticker.gt", "ticker.lte", "ticker.lt", "type", "order", "limit", "sort"] {
            fields[name] = request.query(name)
        }
        if let cursor = request.query("cursor") {
            guard let decoded = PageToken.decode(cursor) else { return PolygonRESTError.badRequest("Invalid cursor") }
            fields = decoded
        }
        var limit = 10
        if let text = fields["limit"] {
            guard let n = Int(text), (1...250).contains(n) else { return PolygonRESTError.badRequest("Invalid limit '\(text.prefix(40))'. Use an integer from 1 to 250") }
            limit = n
        }
        let order = fields["order"] ?? "asc"
        guard order == "asc" || order == "desc" else { return PolygonRESTError.badRequest("Invalid order '\(order.prefix(40))'. Use asc or desc") }
        if let sort = fields["sort"], sort != "ticker" { return PolygonRESTError.badRequest("Invalid sort '\(sort.prefix(40))'. The only sort is ticker") }
        let anyOf = fields["ticker.any_of"].map { $0.split(separator: ",").map { Universe.normalize(String($0)) } }
        if let anyOf, anyOf.count > 250 { return PolygonRESTError.badRequest("ticker.any_of takes at most 250 tickers") }
        let origin = request.origin
        return try await history.read { [fields, limit] reader in
            let stocksOnly = fields["type"].map { $0 == "stocks" } ?? true
            var tickers = stocksOnly ? (anyOf ?? fields["ticker"].map { [Universe.normalize($0)] } ?? reader.market.universe.symbols) : []
            tickers = Array(Set(tickers)).sorted()
            if let t = fields["ticker.gte"] { tickers = tickers.filter { $0 >= t } }
            if let t = fields["ticker.gt"] { tickers = tickers.filter { $0 > t } }
            if let t = fields["ticker.lte"] { tickers = tickers.filter { $0 <= t } }
            if let t = fields["ticker.lt"] { tickers = tickers.filter { $0 < t } }
            if order == "desc" { tickers.reverse() }
            let page = tickers.prefix(limit)
            let status: String = switch reader.market.sessionPhase(at: reader.now) {
            case .regular: "open"
            case .preMarket: "early_trading"
            case .afterHours: "late_trading"
            case .closed: "closed"
            }
            var b = JSONBody(reservingCapacity: 256 + page.count * 1200)
            b.beginObject()
            b.key("results"); b.beginArray()
            for ticker in page {
                if let tape = reader.tape(ticker) {
                    PolygonRESTRows.universalSnapshot(reader.memo.snapshot(of: tape, at: reader.now), ticker: tape.profile.ticker,
                                                      name: "\(tape.profile.ticker) (Tickforge synthetic)", marketStatus: status, into: &b)
                } else {
                    b.beginObject()
                    b.key("ticker"); b.string(ticker)
                    b.key("error"); b.string("NOT_FOUND")
                    b.key("message"); b.string("Ticker not found.")
                    b.endObject()
                }
            }
            b.endArray()
            PolygonRESTError.finishOK(&b)
            if tickers.count > limit, let last = page.last {
                var next = fields
                next[order == "asc" ? "ticker.gt" : "ticker.lt"] = last
                next["limit"] = String(limit)
                next["order"] = order
                let cursor = PageToken.encode(next.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, url: true)
                b.key("next_url"); b.string(origin + "/v3/snapshot?cursor=" + cursor)
            }
            b.endObject()
            return Response.json(200, b)
        }
    }

    /// At most this many symbols in one answer.
    static let maxTickers = 5_000

    static func tickers(_ rows: [(String, SymbolSnapshot)]) -> JSONBody {
        var b = JSONBody(reservingCapacity: 128 + rows.count * 700)
        b.beginObject()
        PolygonRESTError.finishOK(&b)
        b.key("count"); b.int(rows.count)
        b.key("tickers"); b.beginArray()
        for (ticker, snapshot) in rows { PolygonRESTRows.snapshotTicker(snapshot, ticker: ticker, into: &b) }
        b.endArray()
        b.endObject()
        return b
    }
}
