import TickforgeMarket

/// A time as Polygon's REST paths and filters take it (notes §1.4): a `YYYY-MM-DD` date (a whole
/// New York day), or an integer in the endpoint's unit (milliseconds in aggregate paths,
/// nanoseconds in trade and quote filters), or an RFC 3339 instant (which the vendor's own
/// cursors carry).
enum PolygonTimeParameter: Equatable {
    case date(CivilDate)
    case instant(Timestamp)

    /// `integerUnit`: nanoseconds per integer step (1,000,000 for milliseconds, 1 for nanoseconds).
    init?(_ text: String, integerUnit: Int64) {
        if let date = CivilDate(parsing: text), date.isValid, RFC3339.years.contains(date.year) {
            self = .date(date)
        } else if let n = Int64(text), n >= 0, n <= Int64.max / integerUnit / 2 {
            self = .instant(Timestamp(nanoseconds: n * integerUnit))
        } else if text.count > 10, let t = RFC3339.parse(text) {
            self = .instant(t)
        } else {
            return nil
        }
    }

    /// The first instant it names.
    var start: Timestamp {
        switch self {
        case .date(let d): NewYorkTime.startOfDay(d)
        case .instant(let t): t
        }
    }

    /// Just past the last instant it names (a date's next midnight; an instant plus `resolution`).
    func end(resolution: Int64 = 1) -> Timestamp {
        switch self {
        case .date(let d): NewYorkTime.startOfDay(CivilDate(dayNumber: d.dayNumber + 1))
        case .instant(let t): t + resolution
        }
    }

    /// The New York day it falls on.
    var dayNumber: Int64 {
        switch self {
        case .date(let d): d.dayNumber
        case .instant(let t): NewYorkTime.localDayNumber(of: t)
        }
    }
}
