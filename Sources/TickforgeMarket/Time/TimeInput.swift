/// Instants as people type them to Tickforge, on the command line, in the control API and in
/// scenario scripts: one set of rules everywhere.
///
/// - With an offset (`2026-11-23T09:30:00-05:00`, `2026-11-23T14:30:00Z`): that instant.
/// - Without one (`2026-11-23T09:30`, `2026-11-23 09:30:00`): New York wall-clock time, like every
///   other time in Tickforge (sessions, calendars, daily bars).
/// - A bare date (`2026-11-23`): New York midnight of that date.
///
/// Dates and times that do not exist (30 February, 24:00, 09:61) are refused, never rolled over.
public enum TimeInput {
    /// The forms accepted, for error messages and help texts.
    public static let forms = "an RFC 3339 instant such as 2026-11-23T09:30:00-05:00 (or …Z), a New York time such as 2026-11-23T09:30, or a date such as 2026-11-23 (New York midnight), in the years 1970–2200"

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var text: String
        public var description: String { "'\(text)' is not a time Tickforge reads: expected \(TimeInput.forms)" }
    }

    public static func parse(_ text: String) throws(Failure) -> Timestamp {
        let trimmed = text.trimmingSpaces
        guard let p = RFC3339.parts(trimmed) else { throw Failure(text: text) }
        if let offset = p.offsetSeconds { return p.instant(offsetSeconds: offset) }
        let seconds = p.secondOfDay ?? 0
        let t = NewYorkTime.instant(date: p.date, hour: seconds / 3600, minute: seconds / 60 % 60, second: seconds % 60)
        return t + p.nanoseconds
    }
}
