import Hummingbird
import TickforgeDialects
import TickforgeMarket

/// Alpaca's market-data REST v2 for stocks (notes §3): bars, trades and quotes for several
/// symbols a page at a time (the limit counts rows across symbols), the latest of each, and
/// snapshots; with the single-symbol forms the legacy SDK calls. From the same market and clock
/// as the stream, so a REST minute bar equals the `b` bar streamed for it.
struct AlpacaMarketDataRoutes: Sendable {
    let history: MarketHistory
    let auth: AlpacaRESTAuth

    /// What a route serves; its raw value is the response's key (`bars`), as in the path.
    enum Kind: String, Sendable {
        case bars, trades, quotes
        /// The single-symbol latest form's key: `bar`, `trade`, `quote`.
        var singular: String { String(rawValue.dropLast()) }
    }

    func register(on router: Router<ServerRequestContext>) {
        for kind in [Kind.bars, .trades, .quotes] {
            router.get("/v2/stocks/\(kind.rawValue)") { request, _ in try await historical(kind, request, single: nil) }
            router.get("/v2/stocks/:symbol/\(kind.rawValue)") { request, context in
                try await historical(kind, request, single: context.parameters.get("symbol") ?? "")
            }
            router.get("/v2/stocks/\(kind.rawValue)/latest") { request, _ in try await latest(kind, request, single: nil) }
            router.get("/v2/stocks/:symbol/\(kind.rawValue)/latest") { request, context in
                try await latest(kind, request, single: context.parameters.get("symbol") ?? "")
            }
        }
        router.get("/v2/stocks/snapshots") { request, _ in try await snapshots(request, single: nil) }
        router.get("/v2/stocks/:symbol/snapshot") { request, context in try await snapshots(request, single: context.parameters.get("symbol") ?? "") }
    }

    private static func error(_ f: AlpacaDataQuery.Failure) -> Response { AlpacaRESTAuth.error(f.status, f.code, f.text) }

    // MARK: bars, trades and quotes over a window

    private func historical(_ kind: Kind, _ request: Request, single: String?) async throws -> Response {
        if let refusal = auth.refusal(request) { return refusal }
        var timeframe: (BarUnit, Int) = (.minute, 1)
        if kind == .bars {
            let text = request.query("timeframe") ?? ""
            guard let parsed = AlpacaDataQuery.timeframe(text) else {
                return Self.error(.invalid("invalid timeframe: '\(text.prefix(40))' (use [1-59]Min, [1-23]Hour, 1Day, 1Week or [1,2,3,4,6,12]Month)"))
            }
            timeframe = parsed
        }
        let query: AlpacaDataQuery
        switch AlpacaDataQuery.parse(request, symbols: single, now: history.now) {
        case .success(let q): query = q
        case .failure(let f): return Self.error(f)
        }
        if kind == .bars, timeframe.0.isDaily, query.window.upperBound - query.window.lowerBound > AggregateQuery.maxDailyRange {
            // Each day is the sum of its minutes: see AggregateQuery.
            return Self.error(.invalid("Tickforge serves at most 20 years of daily and longer bars per request; ask for a shorter range"))
        }
        return try await history.read { [timeframe] reader in
            let page = Self.page(kind, query, timeframe: timeframe, reader: &reader)
            var b = JSONBody(reservingCapacity: 128 + page.rowCount * 160)
            b.beginObject()
            b.key(kind.rawValue)
            if let single = single.map(Universe.normalize) {
                // The single-symbol form: an array, or `null` when empty (notes §3.2).
                let rows = page.rows.first?.1 ?? []
                if rows.isEmpty { b.null() } else { b.beginArray(); for r in rows { r(&b) }; b.endArray() }
                b.key("symbol"); b.string(single)
            } else {
                // Symbols without rows are left out; no rows at all is `{}`, never `null`.
                b.beginObject()
                for (symbol, rows) in page.rows {
                    b.key(symbol); b.beginArray(); for r in rows { r(&b) }; b.endArray()
                }
                b.endObject()
            }
            b.key("next_page_token")
            if let next = page.next { b.string(next) } else { b.null() }
            b.endObject()
            return Response.json(200, b)
        }
    }

    /// One page: rows by symbol (each row a writer), and the token of the next page.
    struct Page {
        var rows: [(String, [(inout JSONBody) -> Void])] = []
        var next: String?
        var rowCount = 0
    }

    private static func page(_ kind: Kind, _ q: AlpacaDataQuery, timeframe: (BarUnit, Int), reader: inout MarketHistory.Reader) -> Page {
        var page = Page()
        var symbols = q.symbols[...]
        if let resume = q.resume, let i = symbols.firstIndex(of: resume.symbol) { symbols = symbols[i...] }
        for symbol in symbols {
            let remaining = q.limit - page.rowCount
            guard remaining > 0 else {
                page.next = AlpacaDataQuery.token(symbol: symbol, position: nil)
                break
            }
            guard let tape = reader.tape(symbol) else { continue }
            let position = q.resume?.symbol == symbol ? q.resume?.position : nil
            var rows: [(inout JSONBody) -> Void] = []
            var next: ListingPosition?
            switch kind {
            case .bars:
                var window = q.window
                if let position {
                    window = q.descending ? window.lowerBound..<min(window.upperBound, position.timestamp + 1)
                                          : max(window.lowerBound, position.timestamp)..<window.upperBound
                }
                var bars: [AggregateBar]
                if q.descending {
                    // The newest bars, read backwards; the next page ends before the oldest of them.
                    let last = window.isEmpty ? (bars: [], more: false) : tape.lastBars(unit: timeframe.0, multiplier: timeframe.1, in: window, rules: .alpaca,
                                                                            asOf: reader.now, count: remaining, memo: &reader.memo)
                    bars = last.bars.reversed()
                    if last.more, let oldest = last.bars.first { next = ListingPosition(timestamp: oldest.start + -1, skip: 0) }
                } else {
                    bars = tape.bars(unit: timeframe.0, multiplier: timeframe.1, in: window, rules: .alpaca,
                                     asOf: reader.now, limit: remaining + 1, memo: &reader.memo)
                    if bars.count > remaining {
                        next = ListingPosition(timestamp: bars[remaining].start, skip: 0)
                        bars.removeLast(bars.count - remaining)
                    }
                }
                rows = bars.map { bar in { AlpacaRESTRows.bar(bar, into: &$0) } }
            case .trades:
                let listing = tape.trades(in: q.window, descending: q.descending, limit: remaining, from: position)
                rows = listing.rows.map { t in { AlpacaRESTRows.trade(t, into: &$0) } }
                next = listing.next
            case .quotes:
                let listing = tape.quotes(in: q.window, descending: q.descending, limit: remaining, from: position)
                rows = listing.rows.map { quote in { AlpacaRESTRows.quote(quote, into: &$0) } }
                next = listing.next
            }
            if !rows.isEmpty { page.rows.append((tape.profile.ticker, rows)) }
            page.rowCount += rows.count
            if let next {
                page.next = AlpacaDataQuery.token(symbol: symbol, position: next)
                break
            }
        }
        return page
    }

    // MARK: the latest of each, and snapshots

    private func latest(_ kind: Kind, _ request: Request, single: String?) async throws -> Response {
        if let refusal = auth.refusal(request) { return refusal }
        let symbols: [String]
        switch AlpacaDataQuery.parseLatest(request, single: single) {
        case .success(let s): symbols = s
        case .failure(let f): return Self.error(f)
        }
        return try await history.read { reader in
            var found: [(String, (inout JSONBody) -> Void)] = []
            for symbol in symbols {
                guard let tape = reader.tape(symbol) else { continue }
                switch kind {
                case .bars: if let bar = tape.lastMinuteBar(before: reader.now) { found.append((tape.profile.ticker, { AlpacaRESTRows.bar(bar, into: &$0) })) }
                case .trades: if let t = tape.lastTrade(atOrBefore: reader.now) { found.append((tape.profile.ticker, { AlpacaRESTRows.trade(t, into: &$0) })) }
                case .quotes: if let q = tape.lastQuote(atOrBefore: reader.now) { found.append((tape.profile.ticker, { AlpacaRESTRows.quote(q, into: &$0) })) }
                }
            }
            var b = JSONBody()
            b.beginObject()
            if let single = single.map(Universe.normalize) {
                // `{"symbol":…,"trade":{…}}` (the legacy SDK's single forms).
                guard let (_, write) = found.first else {
                    return AlpacaRESTAuth.error(404, 40410000, "no \(kind.singular) found for \(single.prefix(40))")
                }
                b.key("symbol"); b.string(single)
                b.key(kind.singular); write(&b)
            } else {
                // Values are objects, not arrays; symbols with nothing are left out (notes §3.4).
                b.key(kind.rawValue); b.beginObject()
                for (symbol, write) in found { b.key(symbol); write(&b) }
                b.endObject()
            }
            b.endObject()
            return Response.json(200, b)
        }
    }

    private func snapshots(_ request: Request, single: String?) async throws -> Response {
        if let refusal = auth.refusal(request) { return refusal }
        let symbols: [String]
        switch AlpacaDataQuery.parseLatest(request, single: single) {
        case .success(let s): symbols = s
        case .failure(let f): return Self.error(f)
        }
        return try await history.read { reader in
            var b = JSONBody(reservingCapacity: 64 + symbols.count * 900)
            b.beginObject()
            if single != nil {
                guard let tape = reader.tape(symbols[0]) else { return AlpacaRESTAuth.error(404, 40410000, "no snapshot found for \(symbols[0].prefix(40))") }
                b.key("symbol"); b.string(tape.profile.ticker)
                AlpacaRESTRows.snapshotMembers(reader.memo.snapshot(of: tape, at: reader.now), into: &b)
            } else {
                // No wrapper key: symbol → snapshot at the top level, and nothing else there (notes §3.5).
                for symbol in symbols {
                    guard let tape = reader.tape(symbol) else { continue }
                    b.key(tape.profile.ticker); b.beginObject()
                    AlpacaRESTRows.snapshotMembers(reader.memo.snapshot(of: tape, at: reader.now), into: &b)
                    b.endObject()
                }
            }
            b.endObject()
            return Response.json(200, b)
        }
    }
}
