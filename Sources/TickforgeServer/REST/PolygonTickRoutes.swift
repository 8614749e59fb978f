import Hummingbird
import TickforgeDialects
import TickforgeMarket

/// Polygon/Massive's prints: the last trade and NBBO (`/v2/last/…`), and trades and quotes over
/// a window, a page at a time (`/v3/trades`, `/v3/quotes`; notes §2.9, §2.10). The last trade is
/// the one the stream released last; listings never reach past the market clock, and each page
/// costs its rows.
struct PolygonTickRoutes: Sendable {
    let history: MarketHistory
    let auth: PolygonRESTAuth

    static let defaultLimit = 1_000
    static let maxLimit = 50_000
    /// Where a listing with no lower bound starts: listings walk back minute by minute.
    static let defaultLookback: Int64 = 30 * Timestamp.nanosPerDay

    func register(on router: Router<ServerRequestContext>) {
        router.get("/v2/last/trade/:ticker") { request, context in
            try await last(request, context, what: "trades") { tape, now, b in
                guard let trade = tape.lastTrade(atOrBefore: now) else { return false }
                PolygonRESTRows.lastTrade(trade, ticker: tape.profile.ticker, into: &b)
                return true
            }
        }
        router.get("/v2/last/nbbo/:ticker") { request, context in
            try await last(request, context, what: "quotes") { tape, now, b in
                guard let quote = tape.lastQuote(atOrBefore: now) else { return false }
                PolygonRESTRows.lastQuote(quote, ticker: tape.profile.ticker, into: &b)
                return true
            }
        }
        router.get("/v3/trades/:ticker") { request, context in
            try await listing(request, context, trades: true)
        }
        router.get("/v3/quotes/:ticker") { request, context in
            try await listing(request, context, trades: false)
        }
    }

    /// `{"results":{…},"status":"OK",…}` with what `write` finds, or 404 when it finds nothing.
    private func last(_ request: Request, _ context: ServerRequestContext, what: String,
                      write: @escaping @Sendable (SymbolTape, Timestamp, inout JSONBody) -> Bool) async throws -> Response {
        if let refusal = auth.refusal(request) { return refusal }
        let ticker = context.parameters.get("ticker") ?? ""
        return try await history.read { reader in
            guard let tape = reader.tape(ticker) else { return PolygonRESTError.notFound("Ticker not found.") }
            var b = JSONBody()
            b.beginObject()
            b.key("results")
            guard write(tape, reader.now, &b) else { return PolygonRESTError.notFound("No \(what) found for \(tape.profile.ticker).") }
            PolygonRESTError.finishOK(&b)
            b.endObject()
            return Response.json(200, b)
        }
    }

    private func listing(_ request: Request, _ context: ServerRequestContext, trades: Bool) async throws -> Response {
        if let refusal = auth.refusal(request) { return refusal }
        let ticker = context.parameters.get("ticker") ?? ""
        let now = history.now
        let query: PrintQuery
        switch PrintQuery.parse(request, now: now) {
        case .success(let q): query = q
        case .failure(let failure): return PolygonRESTError.badRequest(failure.text)
        }
        let path = request.uri.path, origin = request.origin
        return try await history.read { reader in
            var b = JSONBody(reservingCapacity: 256 + query.limit * (trades ? 260 : 300))
            b.beginObject()
            b.key("results"); b.beginArray()
            var next: ListingPosition?
            if let tape = reader.tape(ticker) {
                if trades {
                    let page = tape.trades(in: query.window, descending: query.descending, limit: query.limit, from: query.position)
                    for t in page.rows { PolygonRESTRows.tradeRow(t, into: &b) }
                    next = page.next
                } else {
                    let page = tape.quotes(in: query.window, descending: query.descending, limit: query.limit, from: query.position)
                    for q in page.rows { PolygonRESTRows.quoteRow(q, into: &b) }
                    next = page.next
                }
            }
            b.endArray()
            PolygonRESTError.finishOK(&b)
            if let next { b.key("next_url"); b.string(origin + path + "?cursor=" + query.cursor(resumingAt: next)) }
            b.endObject()
            return Response.json(200, b)
        }
    }
}

/// A trades or quotes listing: the window (fixed on the first page, so later pages do not move
/// with the clock), the order, the page size and where this page starts.
struct PrintQuery: Sendable {
    struct Failure: Error { let text: String }

    var window: Range<Timestamp>
    var descending: Bool
    var limit: Int
    var position: ListingPosition?

    /// The cursor of the page after this one: the whole query and the position (notes §1.3).
    func cursor(resumingAt next: ListingPosition) -> String {
        PageToken.encode([
            ("timestamp.gte", String(window.lowerBound.nanoseconds)), ("timestamp.lt", String(window.upperBound.nanoseconds)),
            ("order", descending ? "desc" : "asc"), ("limit", String(limit)), ("sort", "timestamp"),
            ("at", String(next.timestamp.nanoseconds)), ("skip", String(next.skip)),
        ], url: true)
    }

    static func parse(_ request: Request, now: Timestamp) -> Result<PrintQuery, Failure> {
        var fields: [String: String] = [:]
        for name in ["timestamp", "timestamp.gte", "timestamp.gt", "timestamp.lte", "timestamp.lt", "order", "limit", "sort"] {
            fields[name] = request.query(name)
        }
        var position: ListingPosition?
        if let cursor = request.query("cursor") {
            guard let decoded = PageToken.decode(cursor), let at = decoded["at"].flatMap({ Int64($0) }),
                  let skip = decoded["skip"].flatMap({ Int($0) }), skip >= 0 else {
                return .failure(Failure(text: "Invalid cursor"))
            }
            fields = decoded
            position = ListingPosition(timestamp: Timestamp(nanoseconds: at), skip: skip)
        }
        // The filters narrow the window; without a lower one it starts a month back, and it
        // never reaches past the market clock's now.
        var lower: Timestamp?, upper = now + 1
        for name in ["timestamp", "timestamp.gte", "timestamp.gt", "timestamp.lte", "timestamp.lt"] {
            guard let text = fields[name] else { continue }
            guard let t = PolygonTimeParameter(text, integerUnit: 1) else {
                return .failure(Failure(text: "Could not parse the time parameter: '\(name)'. Use YYYY-MM-DD, Unix nanoseconds or RFC 3339"))
            }
            switch name {
            case "timestamp": lower = max(lower ?? t.start, t.start); upper = min(upper, t.end())
            case "timestamp.gte": lower = max(lower ?? t.start, t.start)
            case "timestamp.gt": lower = max(lower ?? t.start + 1, t.start + 1)
            case "timestamp.lte": upper = min(upper, t.end())
            default: upper = min(upper, t.start)
            }
        }
        let from = lower ?? now + -PolygonTickRoutes.defaultLookback
        let order = fields["order"] ?? "desc"
        guard order == "asc" || order == "desc" else { return .failure(Failure(text: "Invalid order '\(order.prefix(40))'. Use asc or desc")) }
        if let sort = fields["sort"], sort != "timestamp" {
            return .failure(Failure(text: "Invalid sort '\(sort.prefix(40))'. The only sort is timestamp"))
        }
        var limit = PolygonTickRoutes.defaultLimit
        if let text = fields["limit"] {
            guard let n = Int(text), (1...PolygonTickRoutes.maxLimit).contains(n) else {
                return .failure(Failure(text: "Invalid limit '\(text.prefix(40))'. Use an integer from 1 to \(PolygonTickRoutes.maxLimit)"))
            }
            limit = n
        }
        return .success(PrintQuery(window: from..<max(from, upper), descending: order == "desc", limit: limit, position: position))
    }
}
