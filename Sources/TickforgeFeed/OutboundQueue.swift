import Synchronization
import TickforgeMarket

/// A connection's bounded queue of outgoing frames.
///
/// The hub pushes; the connection's writer pops and waits. The bound is in bytes and in age: a
/// consumer whose backlog passes either is *slow*, and the push says so instead of queueing, so one
/// stalled reader can never make the server's memory grow.
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

    private struct State {
        var frames: [(bytes: [UInt8], enqueuedAt: Int64)] = []
        var head = 0
        var bytes = 0
        var closed = false
        var waiter: CheckedContinuation<[UInt8]?, Never>?
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
        // A waiting writer is handed the frame directly, resumed outside the lock.
        let (result, waiter) = state.withLock { s -> (PushResult, CheckedContinuation<[UInt8]?, Never>?) in
            if s.closed { return (.closed, nil) }
            if !bypassLimits, s.head < s.frames.count {
                let oldest = s.frames[s.head].enqueuedAt
                if s.bytes + frame.count > limits.maxBytes || now - oldest > limits.maxAgeNanoseconds { return (.slowConsumer, nil) }
            }
            if let w = s.waiter {
                s.waiter = nil
                return (.queued, w)
            }
            s.frames.append((frame, now))
            s.bytes += frame.count
            return (.queued, nil)
        }
        waiter?.resume(returning: frame)
        return result
    }

    /// The next frame, waiting if none is queued; `nil` once the queue is closed and drained.
    public func next() async -> [UInt8]? {
        if let frame = tryPop() { return frame }
        return await withCheckedContinuation { (c: CheckedContinuation<[UInt8]?, Never>) in
            let ready: [UInt8]?? = state.withLock { s in
                if s.head < s.frames.count { return .some(popLocked(&s)) }
                if s.closed { return .some(nil) }
                s.waiter = c
                return .none
            }
            if let ready { c.resume(returning: ready) }
        }
    }

    /// The next frame if one is queued.
    public func tryPop() -> [UInt8]? {
        state.withLock { s in s.head < s.frames.count ? popLocked(&s) : nil }
    }

    private func popLocked(_ s: inout State) -> [UInt8] {
        let frame = s.frames[s.head].bytes
        s.frames[s.head].bytes = []
        s.head += 1
        s.bytes -= frame.count
        if s.head > 64, s.head * 2 > s.frames.count {
            s.frames.removeFirst(s.head)
            s.head = 0
        }
        return frame
    }

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
    public var queuedFrames: Int { state.withLock { $0.frames.count - $0.head } }

    /// Stops the queue: pending frames can still be popped, pushes are refused, a waiter wakes with nil
    /// once drained.
    public func close() {
        let waiter = state.withLock { s -> CheckedContinuation<[UInt8]?, Never>? in
            s.closed = true
            defer { s.waiter = nil }
            return s.head < s.frames.count ? nil : s.waiter
        }
        waiter?.resume(returning: nil)
    }
}
