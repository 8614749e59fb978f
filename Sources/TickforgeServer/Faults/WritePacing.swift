import Synchronization
import TickforgeMarket

/// How a connection's writer holds frames back, as `slow` and `latency` faults ask: a cap on the
/// bytes per second the client gets, and a delay on each frame counted from when it was queued.
///
/// Frames that wait stay in the connection's bounded queue, so a cap below the feed's rate grows
/// the backlog into the real slow-consumer path (`slow_consumer` on Polygon, 407 on Alpaca), and
/// server memory stays within the queue's bound.
final class WritePacing: Sendable {
    struct Latency: Sendable, Equatable {
        var milliseconds: Double
        var jitterMilliseconds: Double
        /// Picks the jitter of each frame: the same seed gives the same delays, frame by frame.
        var seed: UInt64

        /// The delay of the `index`th frame the writer sends (counted from 0), in nanoseconds:
        /// `milliseconds` ± up to `jitterMilliseconds`, never below zero.
        func delayNanoseconds(frame index: Int) -> Int64 {
            let u = RandomKey.seed(seed).child(UInt64(index)).uniform
            let ms = max(0, milliseconds + jitterMilliseconds * (2 * u - 1))
            return Int64(ms * 1e6)
        }
    }

    struct Settings: Sendable, Equatable {
        var bytesPerSecond: Double?
        var latency: Latency?
        var isActive: Bool { bytesPerSecond != nil || latency != nil }
    }

    private let state = Mutex(Settings())

    var settings: Settings { state.withLock { $0 } }

    func update(_ body: (inout Settings) -> Void) { state.withLock { body(&$0) } }
}
