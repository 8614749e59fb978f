import Synchronization
import Testing
import TickforgeMarket
@testable import TickforgeServer

/// A connection's deadlines (auth timeout, fault drops, a slow consumer's grace), on a clock the
/// test moves by hand: nothing here sleeps in real time but the wait for the timer's own task.
@Suite("Connection deadlines on a manual clock")
struct ConnectionTimerTests {
    final class Recorder: Sendable {
        private let fired = Mutex<[ConnectionDeadline]>([])
        func record(_ d: ConnectionDeadline) { fired.withLock { $0.append(d) } }
        var all: [ConnectionDeadline] { fired.withLock { $0 } }

        /// Waits (generously, in real time) for the timer's task to hand over `count` deadlines.
        func waitFor(_ count: Int) async -> [ConnectionDeadline] {
            let deadline = SystemTime.monotonicNanoseconds() + 30_000_000_000
            while all.count < count, SystemTime.monotonicNanoseconds() < deadline { await Task.yield() }
            return all
        }
    }

    func timer() -> (ManualClock, ConnectionTimer<ManualClock>, Recorder) {
        let clock = ManualClock()
        let timer = ConnectionTimer(clock: clock)
        let recorder = Recorder()
        timer.onDue { recorder.record($0) }
        return (clock, timer, recorder)
    }

    /// Waits until the timer's task sleeps on the clock (or has none), so that "nothing fired"
    /// means the deadline is not due, not that the task had not run yet.
    func settle(_ clock: ManualClock, sleepers: Int) async {
        let deadline = SystemTime.monotonicNanoseconds() + 30_000_000_000
        while clock.sleeperCount != sleepers, SystemTime.monotonicNanoseconds() < deadline { await Task.yield() }
        #expect(clock.sleeperCount == sleepers)
    }

    @Test("a deadline comes due at its instant and not a moment before")
    func dueAtItsInstant() async {
        let (clock, timer, recorder) = timer()
        timer.arm(.authentication, after: .seconds(10))
        await settle(clock, sleepers: 1)
        clock.advance(by: .milliseconds(9_999))
        await settle(clock, sleepers: 1)
        #expect(recorder.all.isEmpty)
        clock.advance(by: .milliseconds(1))
        #expect(await recorder.waitFor(1) == [.authentication])
        #expect(!timer.isArmed(.authentication))
    }

    @Test("a disarmed deadline never comes due: the client authenticated in time, the fault was lifted")
    func disarmed() async {
        let (clock, timer, recorder) = timer()
        timer.arm(.authentication, after: .seconds(10))
        timer.arm(.drop(fault: "f1"), after: .seconds(30))
        clock.advance(by: .seconds(5))
        timer.disarm(.authentication)
        timer.disarm(.drop(fault: "f1"))
        await settle(clock, sleepers: 0)
        clock.advance(by: .seconds(60))
        #expect(recorder.all.isEmpty && !timer.isArmed(.authentication))
    }

    @Test("several deadlines come due earliest first, however far the clock jumps; arming again moves one")
    func order() async {
        let (clock, timer, recorder) = timer()
        timer.arm(.drop(fault: "f1"), after: .seconds(30))
        timer.arm(.drop(fault: "f2"), after: .seconds(10))
        timer.arm(.authentication, after: .seconds(20))
        timer.arm(.authentication, after: .seconds(40))
        timer.arm(.slowConsumerGrace, after: .seconds(1))
        await settle(clock, sleepers: 1)
        clock.advance(by: .seconds(35))
        #expect(await recorder.waitFor(3) == [.slowConsumerGrace, .drop(fault: "f2"), .drop(fault: "f1")])
        await settle(clock, sleepers: 1)
        #expect(recorder.all.count == 3, "the moved auth deadline is at 40 s")
        clock.advance(by: .seconds(5))
        #expect(await recorder.waitFor(4).last == .authentication)
    }

    @Test("once stopped (the connection is gone) nothing comes due and nothing can be armed")
    func stopped() async {
        let (clock, timer, recorder) = timer()
        timer.arm(.authentication, after: .seconds(1))
        timer.stop()
        timer.arm(.drop(fault: "f1"), after: .seconds(1))
        await settle(clock, sleepers: 0)
        clock.advance(by: .seconds(10))
        #expect(recorder.all.isEmpty && !timer.isArmed(.drop(fault: "f1")))
    }

    @Test("the deadlines as a value: what is due at an instant, earliest first, and nothing twice")
    func deadlinesValue() {
        var d = ConnectionDeadlines<ManualClock.Instant>()
        let at = { (s: Int64) in ManualClock.Instant(offset: .seconds(s)) }
        d.arm(.drop(fault: "b"), at: at(5))
        d.arm(.drop(fault: "a"), at: at(5))
        d.arm(.authentication, at: at(5))
        d.arm(.slowConsumerGrace, at: at(9))
        #expect(d.next == at(5))
        #expect(d.expire(at: at(4)).isEmpty)
        #expect(d.expire(at: at(5)) == [.authentication, .drop(fault: "a"), .drop(fault: "b")])
        #expect(d.expire(at: at(5)).isEmpty)
        #expect(d.next == at(9))
        d.disarm(.slowConsumerGrace)
        #expect(d.next == nil)
    }
}
