import Hummingbird
import TickforgeMarket

/// The parts of Alpaca's trading API bots use to tell the time (`/v2/clock`, `/v2/calendar`), as
/// of the market clock, following `--market-hours`, the NYSE calendar and forced sessions.
struct AlpacaClockRoutes: Sendable {
    let sessions: SessionView
    let clock: FeedClock
    let auth: AlpacaRESTAuth

    /// The longest range one calendar request may ask for.
    static let maxCalendarDays: Int64 = 3660

    func register(on router: Router<ServerRequestContext>) {
        router.get("/v2/clock") { request, _ in
            if let refusal = auth.refusal(request) { return refusal }
            return Response.json(200, Self.clock(at: clock.now, sessions.schedule))
        }
        router.get("/v2/calendar") { request, _ in
            if let refusal = auth.refusal(request) { return refusal }
            let today = NewYorkTime.date(of: clock.now)
            let query = request.uri.queryParameters
            let start: CivilDate, end: CivilDate
            do throws(QueryError) {
                start = try Self.date(query["start"].map(String.init), field: "start") ?? today
                end = try Self.date(query["end"].map(String.init), field: "end") ?? CivilDate(dayNumber: start.dayNumber + 365)
            } catch {
                return AlpacaRESTAuth.error(400, 40010000, error.message)
            }
            if let type = query["date_type"], type != "TRADING", type != "SETTLEMENT" {
                return AlpacaRESTAuth.error(400, 40010000, "date_type: expected TRADING or SETTLEMENT")
            }
            guard end.dayNumber - start.dayNumber <= Self.maxCalendarDays else {
                return AlpacaRESTAuth.error(400, 40010000, "the range from start to end is at most \(Self.maxCalendarDays) days here; ask in pieces")
            }
            return Response.json(200, Self.calendar(sessions.schedule, from: start, through: end))
        }
    }

    /// `{"timestamp", "is_open", "next_open", "next_close"}` in New York time (notes §6.1).
    static func clock(at t: Timestamp, _ schedule: SessionSchedule) -> JSONValue {
        let c = schedule.clock(at: t)
        return .object([
            "timestamp": .string(RFC3339.formatNewYork(t, fraction: true)),
            "is_open": .bool(c.isOpen),
            "next_open": .string(RFC3339.formatNewYork(c.nextOpen)),
            "next_close": .string(RFC3339.formatNewYork(c.nextClose)),
        ])
    }

    /// A bare array of trading days, times as `HH:MM` and `HHMM` (notes §6.2).
    static func calendar(_ schedule: SessionSchedule, from start: CivilDate, through end: CivilDate) -> JSONValue {
        func hhmm(_ m: Int, colon: Bool) -> String {
            let h = m / 60, mm = m % 60
            return (h < 10 ? "0" : "") + "\(h)" + (colon ? ":" : "") + (mm < 10 ? "0" : "") + "\(mm)"
        }
        return .array(schedule.tradingDays(from: start, through: end).map { d in
            .object([
                "date": .string(d.date.description),
                "open": .string(hhmm(d.open, colon: true)), "close": .string(hhmm(d.close, colon: true)),
                "session_open": .string(hhmm(d.sessionOpen, colon: false)), "session_close": .string(hhmm(d.sessionClose, colon: false)),
                "settlement_date": .string(schedule.nextTradingDay(after: d.date).description),
            ])
        })
    }

    struct QueryError: Error { let message: String }

    /// `YYYY-MM-DD`, or a date-time whose New York date is taken.
    static func date(_ text: String?, field: String) throws(QueryError) -> CivilDate? {
        guard let text, !text.isEmpty else { return nil }
        if let d = CivilDate(parsing: text), d.isValid { return d }
        if let t = RFC3339.parse(text) { return NewYorkTime.date(of: t) }
        throw QueryError(message: "\(field): expected a date such as 2026-11-23 (or an RFC 3339 date-time), got '\(text.prefix(40))'")
    }
}
