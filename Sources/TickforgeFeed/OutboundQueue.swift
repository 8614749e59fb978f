import Synchronization
import TickforgeMarket

/// A connection's bounded queue of outgoing frames.
///
/// The hub pushes; the connection's writer pops until the queue is empty and then asks to be woken
/// by the next push (`popOrRequestWake`), the way a socket reports readiness. No task waits on the
/// queue, so a frame costs no task switch. The bound is in bytes and in age: a consumer whose
/// backlog passes either is *slow*, and the push says so instead of queueing, so one stalled reader
/// can never make the server's memory grow.
public final class OutboundQueue: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Backlog in bytes that marks a slow consumer.
        public var maxBytes: Int
        /// Age of the oldest queued frame (real nanoseconds) that marks a slow consumer.
        public var maxAgeNanoseconds: Int64

        public init(maxBytes: Int = 8 << 20, maxAgeNanoseconds: Int64 = 5 * Timestamp.nanosPerSecond) {
            self.maxBytes = maxBytes
            self.maxAgeNanoseconds = maxAgeNanoseconds
        }
    }

    public enum PushResult: Equatable, Sendable {
        case queued
        /// The consumer is over its bound; the frame was not queued.
        case slowConsumer
        /// The queue was closed; the frame was dropped.
        case closed
    }

    /// How a connection ends after what was queued before it goes out.
    public enum Ending: Equatable, Sendable {
        /// A TCP reset and no close frame, as the vendors' servers drop a connection.
        case abort
        /// A WebSocket close frame with this code and reason, then the TCP close.
        case close(code: UInt16, reason: String)
    }

    /// What the writer finds when it asks for the next frame.
    public enum Next: Equatable, Sendable {
        case frame([UInt8])
        /// Everything queued before the ending went out: end the connection so.
        case end(Ending)
        /// Nothing queued; the next push (or `close`) calls the wake handler.
        case empty
        /// Closed and drained: nothing more will come.
        case closed
    }

    private struct State {
        var frames: [(bytes: [UInt8], enqueuedAt: Int64)] = []
        var head = 0
        var bytes = 0
        var closed = false
        /// Set once: the connection ends after the frames queued before it. Pushes are refused from then.
        var ending: Ending?
        /// Muted: frames are accepted and dropped, so the client hears nothing and no backlog builds.
        var muted = false
        /// Frames and bytes handed to the writer so far (what the control API reports as sent).
        var sentFrames = 0
        var sentBytes = 0
        /// The writer found the queue empty and waits for a wake.
        var wakeRequested = false
        var wake: (@Sendable () -> Void)?
    }

    public let limits: Limits
    private let state = Mutex(State())

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Queues a data frame unless the consumer is over its bound.
    public func push(_ frame: [UInt8], now: Int64 = SystemTime.monotonicNanoseconds()) -> PushResult {
        push(frame, now: now, bypassLimits: false)
    }

    /// Queues a control frame (an acknowledgement, a status) regardless of the bound: these are small
    /// and the client must see them.
    public func pushControl(_ frame: [UInt8], now: Int64 = SystemTime.monotonicNanoseconds()) -> PushResult {
        push(frame, now: now, bypassLimits: true)
    }

    private func push(_ frame: [UInt8], now: Int64, bypassLimits: Bool) -> PushResult {
        // The wake handler runs outside the lock: it may pop at once.
        let (result, wake) = state.withLock { s -> (PushResult, (@Sendable () -> Void)?) in
            if s.closed || s.ending != nil { return (.closed, nil) }
            if s.muted { return (.queued, nil) }
            if !bypassLimits, s.head < s.frames.count {
                let oldest = s.frames[s.head].enqueuedAt
                if s.bytes + frame.count > limits.maxBytes || now - oldest > limits.maxAgeNanoseconds { return (.slowConsumer, nil) }
            }
            s.frames.append((frame, now))
            s.bytes += frame.count
            return (.queued, takeWakeLocked(&s))
        }
        wake?()
        return result
    }

    /// Installs the writer's wake handler and calls it once, so frames queued before the writer
    /// existed go out. It is called on a push after `popOrRequestWake` found the queue empty, at
    /// most once per such request, from the pushing thread.
    public func setWakeHandler(_ wake: @escaping @Sendable () -> Void) {
        // Not kept once closed: close() is what breaks the cycle queue → handler → writer → queue.
        state.withLock { s in if !s.closed { s.wake = wake } }
        wake()
    }

    /// The next frame; or, when none is queued, a request that the next push wake the writer.
    public func popOrRequestWake() -> Next {
        state.withLock { s in
            if s.head < s.frames.count { return .frame(popLocked(&s)) }
            if let ending = s.ending { return .end(ending) }
            if s.closed { return .closed }
            s.wakeRequested = true
            return .empty
        }
    }

    /// When the next frame was queued (monotonic nanoseconds), if one is: a writer that holds
    /// frames back (a latency fault) looks before it pops.
    public var nextEnqueuedAt: Int64? {
        state.withLock { s in s.head < s.frames.count ? s.frames[s.head].enqueuedAt : nil }
    }

    /// The next frame if one is queued.
    public func tryPop() -> [UInt8]? {
        state.withLock { s in s.head < s.frames.count ? popLocked(&s) : nil }
    }

    private func takeWakeLocked(_ s: inout State) -> (@Sendable () -> Void)? {
        guard s.wakeRequested else { return nil }
        s.wakeRequested = false
        return s.wake
    }

    private func popLocked(_ s: inout State) -> [UInt8] {
        let frame = s.frames[s.head].bytes
        s.frames[s.head].bytes = []
        s.head += 1
        s.bytes -= frame.count
        s.sentFrames += 1
        s.sentBytes += frame.count
        if s.head > 64, s.head * 2 > s.frames.count {
            s.frames.removeFirst(s.head)
            s.head = 0
        }
        return frame
    }

    /// Ends the connection after what is queued now; the first ending asked for wins. Pushes are
    /// refused from here on.
    public func end(_ ending: Ending) {
        let wake = state.withLock { s -> (@Sendable () -> Void)? in
            guard !s.closed, s.ending == nil else { return nil }
            s.ending = ending
            return takeWakeLocked(&s)
        }
        wake?()
    }

    /// Mutes or unmutes the connection. Muting drops what is queued and every frame pushed while
    /// it lasts (data, acknowledgements, statuses), without counting them as backlog, so a muted
    /// connection is never judged slow; an ending still goes out.
    public func setMuted(_ muted: Bool) {
        state.withLock { s in
            s.muted = muted
            if muted {
                s.frames.removeAll()
                s.head = 0
                s.bytes = 0
            }
        }
    }

    public var isMuted: Bool { state.withLock { $0.muted } }

    /// Discards every queued frame (a slow consumer's backlog) and returns how many bytes went.
    @discardableResult
    public func dropBacklog() -> Int {
        state.withLock { s in
            let dropped = s.bytes
            s.frames.removeAll()
            s.head = 0
            s.bytes = 0
            return dropped
        }
    }

    /// Queued bytes right now.
    public var backlogBytes: Int { state.withLock { $0.bytes } }
    /// Frames and bytes handed to the socket writer so far, and the backlog: one consistent reading.
    public var traffic: (sentFrames: Int, sentBytes: Int, backlogFrames: Int, backlogBytes: Int) {
        state.withLock { ($0.sentFrames, $0.sentBytes, $0.frames.count - $0.head, $0.bytes) }
    }
    public var queuedFrames: Int { state.withLock { $0.frames.count - $0.head } }

    /// Stops the queue: pending frames can still be popped, pushes are refused, and a writer waiting
    /// for a wake gets one, to find `.closed`.
    public func close() {
        let wake = state.withLock { s -> (@Sendable () -> Void)? in
            s.closed = true
            let wake = takeWakeLocked(&s)
            s.wake = nil // drops what the handler captured (the connection's channel)
            return wake
        }
        wake?()
    }
}
