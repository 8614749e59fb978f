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
