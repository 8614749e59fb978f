import Testing
import TickforgeMarket

/// One set of rules for every instant a person types: flags, environment, control API, scripts.
@Suite("Times typed by people")
struct TimeInputTests {
    @Test("an offset names the instant; no offset is New York time; a date is New York midnight")
    func forms() throws {
        #expect(try TimeInput.parse("2026-11-23T09:30:00-05:00") == RFC3339.parse("2026-11-23T14:30:00Z"))
        #expect(try TimeInput.parse("2026-11-23T14:30:00.25Z").nanoseconds == RFC3339.parse("2026-11-23T14:30:00Z")!.nanoseconds + 250_000_000)
        #expect(try TimeInput.parse("2026-11-23T09:30") == RFC3339.parse("2026-11-23T09:30:00-05:00"))
        #expect(try TimeInput.parse("2026-07-06 09:30:00") == RFC3339.parse("2026-07-06T09:30:00-04:00"), "summer time")
        #expect(try TimeInput.parse("2026-11-23") == RFC3339.parse("2026-11-23T00:00:00-05:00"))
        #expect(try TimeInput.parse(" 2026-11-23T09:30 ") == RFC3339.parse("2026-11-23T09:30:00-05:00"))
    }

    @Test("dates and times that do not exist are refused, never rolled over",
          arguments: ["2026-02-30T09:30:00Z", "2026-04-31", "2025-02-29", "2026-13-01", "2026-11-23T24:00", "2026-11-23T09:60",
                      "2026-11-23T09:30:60Z", "2026-11-23T09:30:00+25:00", "yesterday", "2026-11-23T09", "23/11/2026", ""])
    func impossible(_ text: String) {
        #expect(throws: TimeInput.Failure.self) { try TimeInput.parse(text) }
    }

    @Test("leap days exist in leap years only")
    func leapDays() throws {
        #expect(try TimeInput.parse("2028-02-29") == RFC3339.parse("2028-02-29T00:00:00-05:00"))
        #expect(CivilDate(parsing: "2000-02-29") != nil && CivilDate(parsing: "1900-02-29") == nil)
    }

    @Test("the wire format is strict: an offset is required")
    func strictWire() {
        #expect(RFC3339.parse("2026-11-23T09:30:00") == nil)
        #expect(RFC3339.parse("2026-11-23") == nil)
        #expect(RFC3339.parse("2026-02-30T09:30:00Z") == nil)
        #expect(RFC3339.parse("2026-11-23T09:30:00-05:00") != nil)
    }

    @Test("the error shows the forms that are accepted")
    func message() {
        do {
            _ = try TimeInput.parse("2026-02-30")
            Issue.record("accepted an impossible date")
        } catch {
            #expect(error.description.contains("2026-11-23T09:30:00-05:00") && error.description.contains("New York"))
        }
    }
}
