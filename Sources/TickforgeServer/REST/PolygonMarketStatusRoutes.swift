import Hummingbird
import TickforgeMarket

/// Polygon/Massive's market status (`/v1/marketstatus/now`, `/v1/marketstatus/upcoming`), as of
/// the market clock: they follow `--market-hours`, the NYSE calendar and any forced session, so a
/// backend that asks before connecting sees the market the stream serves.
struct PolygonMarketStatusRoutes: Sendable {
    let sessions: SessionView
    let clock: FeedClock
    let auth: PolygonRESTAuth

    func register(on router: Router<ServerRequestContext>) {
        router.get("/v1/marketstatus/now") { request, _ in
            if let refusal = auth.refusal(request) { return refusal }
            return Response.json(200, Self.status(at: clock.now, phase: sessions.schedule.phase(at: clock.now)))
        }
        router.get("/v1/marketstatus/upcoming") { request, _ in
            if let refusal = auth.refusal(request) { return refusal }
            let today = NewYorkTime.date(of: clock.now)
            return Response.json(200, Self.upcoming(sessions.schedule.upcomingClosures(after: today)))
        }
    }

    /// The bare status object (protocol notes §2.1, §3.3).
    static func status(at t: Timestamp, phase: SessionPhase) -> JSONValue {
        let market: String
        switch phase {
        case .regular: market = "open"
        case .preMarket, .afterHours: market = "extended-hours"
        case .closed: market = "closed"
        }
        // OTC's extended session ends at 17:00, three hours before the exchanges'.
        let otc = phase == .afterHours && NewYorkTime.minuteOfDay(of: t) >= 17 * 60 ? "closed" : market
        let indices: JSONValue = .string(phase == .regular ? "open" : "closed")
        return .object([
            "market": .string(market),
            "earlyHours": .bool(phase == .preMarket),
            "afterHours": .bool(phase == .afterHours),
            "serverTime": .string(RFC3339.formatNewYork(t)),
            "exchanges": .object(["nyse": .string(market), "nasdaq": .string(market), "otc": .string(otc)]),
            "currencies": .object(["fx": .string(fxOpen(at: t) ? "open" : "closed"), "crypto": "open"]),
            "indicesGroups": .object(Dictionary(uniqueKeysWithValues: [
                "s_and_p", "societe_generale", "cgi", "msci", "ftse_russell", "mstar", "mstarc", "cccy", "nasdaq", "dow_jones",
            ].map { ($0, indices) })),
        ])
    }

    /// FX trades from Sunday 17:00 to Friday 17:00, New York time.
    static func fxOpen(at t: Timestamp) -> Bool {
        let weekday = NewYorkTime.date(of: t).weekday, minute = NewYorkTime.minuteOfDay(of: t)
        switch weekday {
        case 6: return false
        case 0: return minute >= 17 * 60
        case 5: return minute < 17 * 60
        default: return true
        }
    }

    /// A top-level array: one record per exchange per date (notes §2.2).
    static func upcoming(_ closures: [SessionSchedule.Closure]) -> JSONValue {
        var records: [JSONValue] = []
        for c in closures {
            for exchange in ["NYSE", "NASDAQ"] {
                var o: [String: JSONValue] = [
                    "exchange": .string(exchange), "name": .string(c.name), "date": .string(c.date.description),
                    "status": .string(c.earlyClose == nil ? "closed" : "early-close"),
                ]
                if let early = c.earlyClose {
                    o["open"] = .string(RFC3339.formatMilliseconds(NewYorkTime.instant(date: c.date, hour: early.open / 60, minute: early.open % 60)))
                    o["close"] = .string(RFC3339.formatMilliseconds(NewYorkTime.instant(date: c.date, hour: early.close / 60, minute: early.close % 60)))
                }
                records.append(.object(o))
            }
        }
        return .array(records)
    }
}
