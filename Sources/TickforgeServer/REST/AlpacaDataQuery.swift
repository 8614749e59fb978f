import Hummingbird
import TickforgeMarket

/// The query of Alpaca's historical `/v2/stocks/…` endpoints (notes §2.1): symbols, a window
/// (`start` and `end` inclusive, RFC 3339 with any offset or `YYYY-MM-DD`), `limit` counted
/// across symbols, `sort`, `feed`, and the page token that says where this page starts.
struct AlpacaDataQuery: Sendable {
    struct Failure: Error {
        let status: Int, code: Int, text: String
        static func invalid(_ text: String) -> Failure { Failure(status: 400, code: 40010001, text: text) }
    }

    /// Symbols in the order results are listed: "sorted by symbol first".
    var symbols: [String]
    var window: Range<Timestamp>
    var descending: Bool
    var limit: Int
    /// Where this page starts: a symbol, and a place in it (`nil`: its beginning).
    var resume: (symbol: String, position: ListingPosition?)?

    static let defaultLimit = 1_000
    static let maxLimit = 10_000
    static let maxSymbols = 2_000
    static let historicalFeeds: Set<String> = ["sip", "iex", "otc", "boats"]
    static let latestFeeds: Set<String> = ["sip", "iex", "otc", "boats", "delayed_sip", "overnight"]

    static func parse(_ request: Request, symbols single: String? = nil, now: Timestamp) -> Result<AlpacaDataQuery, Failure> {
        let symbols: [String]
        switch parseSymbols(request, single: single) {
        case .success(let s): symbols = s
        case .failure(let f): return .failure(f)
        }
        if let feed = request.query("feed"), !historicalFeeds.contains(feed) {
            return .failure(.invalid("invalid feed: \(feed.prefix(40)) (use sip, iex, otc or boats)"))
        }
        // The day so far by default, and never past now.
        var start = NewYorkTime.startOfDay(NewYorkTime.date(of: now)), end = now
        if let text = request.query("start") {
            guard let t = instant(text, endOfDay: false) else { return .failure(.invalid("invalid start: \(text.prefix(60)) (use RFC 3339 or YYYY-MM-DD)")) }
            start = t
        }
        if let text = request.query("end") {
            guard let t = instant(text, endOfDay: true) else { return .failure(.invalid("invalid end: \(text.prefix(60)) (use RFC 3339 or YYYY-MM-DD)")) }
            end = min(t, now)
        }
        if let text = request.query("start"), let t = instant(text, endOfDay: false), let e = request.query("end").flatMap({ instant($0, endOfDay: true) }), e < t {
            return .failure(.invalid("end should not be before start"))
        }
        let sort = request.query("sort") ?? "asc"
        guard sort == "asc" || sort == "desc" else { return .failure(.invalid("invalid sort: \(sort.prefix(40)) (use asc or desc)")) }
        var limit = defaultLimit
        if let text = request.query("limit") {
            guard let n = Int(text), (1...maxLimit).contains(n) else {
                return .failure(.invalid("invalid limit: \(text.prefix(40)) (use an integer from 1 to \(maxLimit))"))
            }
            limit = n
        }
        var query = AlpacaDataQuery(symbols: symbols, window: start..<max(start, end + 1), descending: sort == "desc", limit: limit)
        if let token = request.query("page_token"), !token.isEmpty {
            guard let fields = PageToken.decode(token), let symbol = fields["symbol"], symbols.contains(symbol) else {
                return .failure(.invalid("invalid page_token"))
            }
            var position: ListingPosition?
            if let at = fields["at"].flatMap({ Int64($0) }) {
                position = ListingPosition(timestamp: Timestamp(nanoseconds: at), skip: fields["skip"].flatMap { Int($0) } ?? 0)
            }
            query.resume = (symbol, position)
        }
        return .success(query)
    }

    /// The symbols of a latest or snapshot request, whose `feed` may also be `delayed_sip` or `overnight`.
    static func parseLatest(_ request: Request, single: String?) -> Result<[String], Failure> {
        if let feed = request.query("feed"), !latestFeeds.contains(feed) { return .failure(.invalid("invalid feed: \(feed.prefix(40))")) }
        return parseSymbols(request, single: single)
    }

    /// `symbols` (comma-separated, required) or the path's one symbol; upper-cased, each once, sorted.
    static func parseSymbols(_ request: Request, single: String?) -> Result<[String], Failure> {
        let raw = single.map { [$0] } ?? (request.query("symbols") ?? "").split(separator: ",").map(String.init)
        let symbols = Array(Set(raw.map { Universe.normalize($0) }.filter { !$0.isEmpty })).sorted()
        guard !symbols.isEmpty else { return .failure(.invalid("missing symbols")) }
        guard symbols.count <= maxSymbols else { return .failure(.invalid("too many symbols: at most \(maxSymbols) per request")) }
        return .success(symbols)
    }

    /// The token of a page that starts at `symbol`, at `position` in it: standard padded base64,
    /// as Alpaca's look.
    static func token(symbol: String, position: ListingPosition?) -> String {
        var fields = [("symbol", symbol)]
        if let position { fields += [("at", String(position.timestamp.nanoseconds)), ("skip", String(position.skip))] }
        return PageToken.encode(fields, url: false)
    }

    /// RFC 3339 (any offset, nanoseconds) or a date: its New York start, or its last nanosecond
    /// when it ends a window.
    static func instant(_ text: String, endOfDay: Bool) -> Timestamp? {
        if text.count > 10 { return RFC3339.parse(text) }
        guard let d = CivilDate(parsing: text), d.isValid, RFC3339.years.contains(d.year) else { return nil }
        return endOfDay ? NewYorkTime.startOfDay(CivilDate(dayNumber: d.dayNumber + 1)) + -1 : NewYorkTime.startOfDay(d)
    }

    /// `timeframe`: `[1-59]Min` (`T`), `[1-23]Hour` (`H`), `1Day` (`D`), `1Week` (`W`),
    /// `[1,2,3,4,6,12]Month` (`M`).
    static func timeframe(_ text: String) -> (BarUnit, Int)? {
        let digits = text.prefix { $0.isNumber }
        guard let n = Int(digits), digits.count <= 2 else { return nil }
        switch text.dropFirst(digits.count) {
        case "Min", "T": return (1...59).contains(n) ? (.minute, n) : nil
        case "Hour", "H": return (1...23).contains(n) ? (.hour, n) : nil
        case "Day", "D": return n == 1 ? (.day, 1) : nil
        case "Week", "W": return n == 1 ? (.week, 1) : nil
        case "Month", "M": return [1, 2, 3, 4, 6, 12].contains(n) ? (.month, n) : nil
        default: return nil
        }
    }
}
