import Testing
import TickforgeMarket
@testable import TickforgeDialects

@Suite("FAKEPACA's schedule: a quote and a trade every 5 s from the first interest, a bar after each minute, nothing while nobody wants it")
struct FakepacaScheduleTests {
    static let second = Timestamp.nanosPerSecond
    /// 2024-07-24T07:56:53Z, seven seconds before a minute ends.
    static let start = Timestamp(nanoseconds: 1_721_807_813 * second)

    func at(_ seconds: Double) -> Timestamp { Self.start + Int64(seconds * 1e9) }

    @Test("nothing until someone wants it; then ticks 5 s apart, stamped when sent, and the bar of the minute just ended")
    func cadence() {
        var s = FakepacaFeed.Schedule()
        #expect(s.take(now: at(0), wanted: false).isEmpty && s.nextDue == nil)
        #expect(s.take(now: at(0), wanted: true).isEmpty, "the first tick comes one interval after the first interest")
        #expect(s.nextDue == at(5))
        #expect(s.take(now: at(4.9), wanted: true).isEmpty)
        #expect(s.take(now: at(5.002), wanted: true) == [.tick(at: at(5.002))])
        #expect(s.nextDue == at(7), "07:57:00, the minute's end, comes before the next tick")
        let minute = Timestamp(nanoseconds: 1_721_807_760 * Self.second) // 07:56:00
        #expect(s.take(now: at(7.001), wanted: true) == [.bar(minuteStart: minute)])
        #expect(s.take(now: at(10), wanted: true) == [.tick(at: at(10))], "the cadence keeps its phase: 5 s after the last due time")
        #expect(s.nextDue == at(15))
    }

    @Test("when interest ends the schedule stops; when it comes back the first tick is an interval later")
    func stopAndRestart() {
        var s = FakepacaFeed.Schedule()
        _ = s.take(now: at(0), wanted: true)
        #expect(s.take(now: at(3), wanted: false).isEmpty && s.nextDue == nil)
        #expect(s.take(now: at(5), wanted: false).isEmpty, "nobody wants it: no tick at 5 s")
        #expect(s.take(now: at(30), wanted: true).isEmpty)
        #expect(s.nextDue == at(35))
    }

    @Test("after a stall (a suspended process) one tick and one bar go out, not a burst of the missed ones")
    func stall() {
        var s = FakepacaFeed.Schedule()
        _ = s.take(now: at(0), wanted: true)
        let due = s.take(now: at(187), wanted: true)
        #expect(due.count == 2)
        #expect(due.first == .bar(minuteStart: Timestamp(nanoseconds: (at(187).minuteIndex - 1) * Timestamp.nanosPerMinute)))
        #expect(s.nextDue == at(192))
    }
}
