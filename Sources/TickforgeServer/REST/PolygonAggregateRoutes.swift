import Hummingbird
import TickforgeDialects
import TickforgeMarket

/// Polygon/Massive's aggregates (notes §2.3–§2.6): custom bars over a range, the previous
/// session, a day of every symbol, and a day's open and close. All come from the market's
/// summaries as of the market clock, so a bar here equals the `AM` bar the stream sent for it.
struct PolygonAggregateRoutes: Sendable {
    let history: MarketHistory
    let auth: PolygonRESTAuth

    static let defaultLimit = 5_000
    static let maxLimit = 50_000

    func register(on router: Router<ServerRequestContext>) {
        router.get("/v2/aggs/ticker/:ticker/range/:multiplier/:timespan/:from/:to") { request, context in
            if let refusal = auth.refusal(request) { return refusal }
            let query: AggregateQuery
            switch AggregateQuery.parse(request: request, parameters: context.parameters) {
            case .success(let q): query = q
            case .failure(let message): return PolygonRESTError.badRequest(message.text)
            }
            let origin = request.origin
            return try await history.read { reader in Response.json(200, Self.aggregates(query, origin: origin, reader: &reader)) }
        }
        router.get("/v2/aggs/ticker/:ticker/prev") { request, context in
            if let refusal = auth.refusal(request) { return refusal }
            let ticker = context.parameters.get("ticker") ?? ""
            let adjusted = request.query("adjusted") != "false"
            return try await history.read { reader in Response.json(200, Self.previousClose(ticker, adjusted: adjusted, reader: &reader)) }
        }
        router.get("/v2/aggs/grouped/locale/us/market/stocks/:date") { request, context in
            if let refusal = auth.refusal(request) { return refusal }
            let text = context.parameters.get("date") ?? ""
            guard let date = CivilDate(parsing: text), date.isValid, RFC3339.years.contains(date.year) else {
                return PolygonRESTError.badRequest("Could not parse the date parameter: '\(text.prefix(40))'. Use YYYY-MM-DD")
            }
            let adjusted = request.query("adjusted") != "false"
            return try await history.read { reader in Response.json(200, Self.grouped(date, adjusted: adjusted, reader: &reader)) }
        }
        router.get("/v1/open-close/:ticker/:date") { request, context in
            if let refusal = auth.refusal(request) { return refusal }
            let ticker = context.parameters.get("ticker") ?? "", text = context.parameters.get("date") ?? ""
            guard let date = CivilDate(parsing: text), date.isValid, RFC3339.years.contains(date.year) else {
                return PolygonRESTError.badRequest("Could not parse the date parameter: '\(text.prefix(40))'. Use YYYY-MM-DD")
            }
            return try await history.read { reader in Self.openClose(ticker, date: date, reader: &reader) }
        }
    }

    // MARK: answers

    static func aggregates(_ q: AggregateQuery, origin: String, reader: inout MarketHistory.Reader) -> JSONBody {
        var bars: [AggregateBar] = []
        var ticker = q.ticker
        var more = false
        if let tape = reader.tape(q.ticker) {
            ticker = tape.profile.ticker
            // `limit` counts the base bars behind the bars (minutes, or days from a day up), so
            // a page holds at most `limit` bars: those are fetched, then cut where the base runs out.
            if q.descending {
                // The newest bars, read backwards: a page costs its bars, not the range's.
                (bars, more) = tape.lastBars(unit: q.unit, multiplier: q.multiplier, in: q.range, rules: .polygon, asOf: reader.now,
                                             count: q.limit, memo: &reader.memo)
                let kept = Self.withinBase(bars.reversed(), limit: q.limit)
                more = more || kept < bars.count
                bars.removeFirst(bars.count - kept)
            } else {
                bars = tape.bars(unit: q.unit, multiplier: q.multiplier, in: q.range, rules: .polygon, asOf: reader.now,
                                 limit: q.limit + 1, memo: &reader.memo)
                let kept = Self.withinBase(bars, limit: q.limit)
                more = kept < bars.count
                bars.removeLast(bars.count - kept)
            }
        }
        var nextURL: String?
        if more, let first = bars.first, let last = bars.last {
            // The next page is the same request with `from` (or, descending, `to`) moved past this
            // page, and the options in the cursor (notes §1.3; client-python#888 for desc).
            let cursor = PageToken.encode([("adjusted", String(q.adjusted)), ("limit", String(q.limit)),
                                           ("sort", q.descending ? "desc" : "asc")], url: true)
            let path = "/v2/aggs/ticker/\(ticker)/range/\(q.multiplier)/\(q.unit.rawValue)/"
            if q.descending {
                // `to` snaps to the end of its unit: one millisecond before this page's oldest bar.
                nextURL = origin + path + "\(q.fromText)/\(first.start.milliseconds - 1)?cursor=\(cursor)"
            } else {
                nextURL = origin + path + "\(last.end.milliseconds)/\(q.toText)?cursor=\(cursor)"
            }
        }
        if q.descending { bars.reverse() }
        let baseCount = bars.reduce(0) { $0 + $1.baseCount }
        var b = JSONBody(reservingCapacity: 128 + bars.count * 110)
        b.beginObject()
        b.key("ticker"); b.string(ticker)
        b.key("queryCount"); b.int(baseCount)
        b.key("resultsCount"); b.int(bars.count)
        b.key("adjusted"); b.bool(q.adjusted)
        if !bars.isEmpty {
            b.key("results"); b.beginArray()
            for bar in bars { PolygonRESTRows.bar(bar, into: &b) }
            b.endArray()
        }
        PolygonRESTError.finishOK(&b)
        if !bars.isEmpty { b.key("count"); b.int(bars.count) }
        // The last page has no `next_url` at all: `null` or "" breaks the Python clients.
        if let nextURL { b.key("next_url"); b.string(nextURL) }
        b.endObject()
        return b
    }

    /// How many of `bars` (in page order) fit in `limit` base bars; at least one, so a page always
    /// moves on.
    static func withinBase(_ bars: some Sequence<AggregateBar>, limit: Int) -> Int {
        var used: Int64 = 0, kept = 0
        for bar in bars {
            used += bar.baseCount
            if used > Int64(limit), kept > 0 { break }
            kept += 1
        }
        return kept
    }

    /// The last session before today, stamped at its 16:00 close (notes §2.4).
    static func previousClose(_ requested: String, adjusted: Bool, reader: inout MarketHistory.Reader) -> JSONBody {
        var bar: AggregateBar?
        var ticker = Universe.normalize(requested)
        if let tape = reader.tape(requested) {
            ticker = tape.profile.ticker
            bar = reader.memo.previousDailyBar(of: tape, before: NewYorkTime.localDayNumber(of: reader.now), asOf: reader.now)
        }
        var b = JSONBody()
        b.beginObject()
        b.key("ticker"); b.string(ticker)
        b.key("queryCount"); b.int(bar == nil ? 0 : 1)
        b.key("resultsCount"); b.int(bar == nil ? 0 : 1)
        b.key("adjusted"); b.bool(adjusted)
        if let bar {
            b.key("results"); b.beginArray()
            PolygonRESTRows.bar(bar, ticker: ticker, stamp: closeStamp(bar.start), into: &b)
            b.endArray()
        }
        PolygonRESTError.finishOK(&b)
        if bar != nil { b.key("count"); b.int(1) }
        b.endObject()
        return b
    }

    /// Every symbol of the universe's daily bar on `date` (no `ticker` key; notes §2.5).
    static func grouped(_ date: CivilDate, adjusted: Bool, reader: inout MarketHistory.Reader) -> JSONBody {
        var rows: [(String, AggregateBar)] = []
        for symbol in reader.market.universe.symbols {
            guard let tape = reader.tape(symbol), let bar = reader.memo.dailyBar(of: tape, day: date.dayNumber, asOf: reader.now) else { continue }
            rows.append((tape.profile.ticker, bar))
        }
        var b = JSONBody(reservingCapacity: 128 + rows.count * 130)
        b.beginObject()
        b.key("adjusted"); b.bool(adjusted)
        b.key("queryCount"); b.int(rows.count)
        b.key("resultsCount"); b.int(rows.count)
        if !rows.isEmpty {
            b.key("results"); b.beginArray()
            for (ticker, bar) in rows { PolygonRESTRows.bar(bar, ticker: ticker, stamp: closeStamp(bar.start), into: &b) }
            b.endArray()
        }
        PolygonRESTError.finishOK(&b)
        if !rows.isEmpty { b.key("count"); b.int(rows.count) }
        b.endObject()
        return b
    }

    /// A flat object; a day without a session is 404 "Data not found." (notes §2.6).
    static func openClose(_ requested: String, date: CivilDate, reader: inout MarketHistory.Reader) -> Response {
        guard let tape = reader.tape(requested), let bar = reader.memo.dailyBar(of: tape, day: date.dayNumber, asOf: reader.now) else {
            return PolygonRESTError.notFound("Data not found.")
        }
        let extended = tape.extendedSessionPrices(day: date.dayNumber, asOf: reader.now)
        var b = JSONBody()
        b.beginObject()
        b.key("status"); b.string("OK")
        b.key("from"); b.string(date.description)
        b.key("symbol"); b.string(tape.profile.ticker)
        b.key("open"); b.price(bar.open)
        b.key("high"); b.price(bar.high)
        b.key("low"); b.price(bar.low)
        b.key("close"); b.price(bar.close)
        b.key("volume"); b.int(bar.volume)
        if let close = extended.afterHoursClose { b.key("afterHours"); b.price(close) }
        if let open = extended.preMarketOpen { b.key("preMarket"); b.price(open) }
        b.endObject()
        return Response.json(200, b)
    }

    /// 16:00 New York on a daily bar's day: where Polygon stamps previous-close and grouped bars.
    static func closeStamp(_ dayStart: Timestamp) -> Timestamp {
        NewYorkTime.instant(date: NewYorkTime.date(of: dayStart), hour: 16, minute: 0)
    }
}

/// A custom-bars request, from its path and query or from a cursor (which carries the options).
struct AggregateQuery: Sendable {
    struct Failure: Error { let text: String }

    var ticker: String
    var multiplier: Int
    var unit: BarUnit
    var range: Range<Timestamp>
    /// `from` and `to` as given, for the next page's path.
    var fromText: String, toText: String
    var adjusted: Bool
    var descending: Bool
    var limit: Int

    static let maxSecondRange: Int64 = 31 * Timestamp.nanosPerDay
    static let maxDailyRange: Int64 = 7_306 * Timestamp.nanosPerDay

    static func parse(request: Request, parameters: Parameters) -> Result<AggregateQuery, Failure> {
        let ticker = Universe.normalize(parameters.get("ticker") ?? "")
        let multiplierText = parameters.get("multiplier") ?? "", spanText = parameters.get("timespan") ?? ""
        let fromText = parameters.get("from") ?? "", toText = parameters.get("to") ?? ""
        guard let multiplier = Int(multiplierText), (1...1_000_000).contains(multiplier) else {
            return .failure(Failure(text: "Could not parse the multiplier parameter: '\(multiplierText.prefix(40))'. Use a positive integer"))
        }
        guard let unit = BarUnit(rawValue: spanText) else {
            return .failure(Failure(text: "Invalid timespan '\(spanText.prefix(40))'. Use one of second, minute, hour, day, week, month, quarter, year"))
        }
        guard let from = PolygonTimeParameter(fromText, integerUnit: Timestamp.nanosPerMillisecond) else {
            return .failure(Failure(text: "Could not parse the time parameter: 'from'. Use YYYY-MM-DD or Unix MS Timestamps"))
        }
        guard let to = PolygonTimeParameter(toText, integerUnit: Timestamp.nanosPerMillisecond) else {
            return .failure(Failure(text: "Could not parse the time parameter: 'to'. Use YYYY-MM-DD or Unix MS Timestamps"))
        }
        guard to.end() > from.start else {
            return .failure(Failure(text: "The parameter 'to' cannot be a time that occurs before 'from'"))
        }
        // A cursor carries the first page's options; the path carries the position.
        var options: [String: String] = [:]
        for name in ["adjusted", "sort", "limit"] { options[name] = request.query(name) }
        if let cursor = request.query("cursor") {
            guard let fields = PageToken.decode(cursor) else { return .failure(Failure(text: "Invalid cursor")) }
            options = fields
        }
        let sort = options["sort"] ?? "asc"
        guard sort == "asc" || sort == "desc" else {
            return .failure(Failure(text: "Invalid sort '\(sort.prefix(40))'. Use asc or desc"))
        }
        var limit = PolygonAggregateRoutes.defaultLimit
        if let text = options["limit"] {
            guard let n = Int(text), n >= 1 else {
                return .failure(Failure(text: "Invalid limit '\(text.prefix(40))'. Use an integer from 1 to \(PolygonAggregateRoutes.maxLimit)"))
            }
            limit = min(n, PolygonAggregateRoutes.maxLimit)
        }
        // `from` snaps to the start of its unit and `to` to the end (notes §2.3): whole New York
        // days for a day and longer, whole seconds, minutes or hours below.
        let range: Range<Timestamp>
        if unit.isDaily {
            range = NewYorkTime.startOfDay(CivilDate(dayNumber: from.dayNumber))..<NewYorkTime.startOfDay(CivilDate(dayNumber: to.dayNumber + 1))
        } else {
            let length: Int64 = unit == .second ? Timestamp.nanosPerSecond : (unit == .minute ? Timestamp.nanosPerMinute : Timestamp.nanosPerHour)
            func snap(_ t: Timestamp) -> Timestamp { Timestamp(nanoseconds: t.nanoseconds.floorDivided(by: length) * length) }
            let upper: Timestamp
            if case .date = to { upper = to.end() } else { upper = snap(to.start) + length }
            range = snap(from.start)..<upper
        }
        // A bar of a day and longer is the sum of its days' minutes: bars are kept to ten years and
        // ranges to twenty, so one request cannot keep the history thread for minutes.
        if unit.isDaily {
            let maxMultiplier = ["day": 3_660, "week": 520, "month": 120, "quarter": 40, "year": 10][unit.rawValue] ?? 1
            guard multiplier <= maxMultiplier else {
                return .failure(Failure(text: "A \(unit.rawValue) multiplier is at most \(maxMultiplier) on Tickforge (bars of ten years)"))
            }
            guard range.upperBound - range.lowerBound <= Self.maxDailyRange else {
                return .failure(Failure(text: "Tickforge serves at most 20 years of daily and longer bars per request; ask for a shorter range"))
            }
        }
        // Second bars are cut from trades, so their cost is the range's trades: a range is kept
        // to what a client pages through (Tickforge's limit, not the vendor's).
        if unit == .second, range.upperBound - range.lowerBound > Self.maxSecondRange {
            return .failure(Failure(text: "Second aggregates cover at most 31 days per request on Tickforge; ask for a shorter range"))
        }
        return .success(AggregateQuery(ticker: ticker, multiplier: multiplier, unit: unit, range: range, fromText: fromText, toText: toText,
                                       adjusted: options["adjusted"] != "false", descending: sort == "desc", limit: limit))
    }
}
