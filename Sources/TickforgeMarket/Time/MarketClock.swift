#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How fast market time runs relative to real time.
public enum ClockSpeed: Sendable, Equatable, CustomStringConvertible {
    /// Market time advances `factor` seconds per real second (1 = real time).
    case multiplier(Double)
    /// Market time is stepped as fast as the consumer takes events (CI, fixtures).
    case max

    /// Parses `1`, `10`, `0.5`, `max`.
    public init?(parsing text: String) {
        if text.lowercased() == "max" { self = .max; return }
        guard let f = Double(text), f > 0, f.isFinite else { return nil }
        self = .multiplier(f)
    }

    public var description: String {
        switch self {
        case .max: "max"
        case .multiplier(let f): f == f.rounded() ? String(Int(f)) : String(f)
        }
    }
}

/// Reads real time; the only place in the market that touches the system clock.
public enum SystemTime {
    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(nanoseconds: Int64(ts.tv_sec) * Timestamp.nanosPerSecond + Int64(ts.tv_nsec))
    }

    /// A monotonic reading for measuring durations and pacing.
    public static func monotonicNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * Timestamp.nanosPerSecond + Int64(ts.tv_nsec)
    }
}

/// The market clock: maps real time to market time.
///
/// Three modes, chosen by `start` and `speed`:
/// - wall clock (`start == nil`, speed 1): market time is real time;
/// - virtual (`start` given, speed N): market time starts at `start` and runs N× real time;
/// - stepped (`speed == .max`): market time only moves when the consumer calls `advance(to:)`,
///   so a pipeline runs as fast as its slowest consumer drains.
///
/// It is a value type: the owner (the generator loop) holds it and nothing else mutates it.
public struct MarketClock: Sendable {
    public private(set) var speed: ClockSpeed
    /// Market time at the anchor.
    public private(set) var anchorMarketTime: Timestamp
    /// Monotonic real time at the anchor.
    private var anchorReal: Int64
    /// Wall-clock time at the anchor. With it a client can tell when an event was due in real
    /// time, `anchorWallTime + (t − anchorMarketTime) / speed`, and so measure feed latency at any speed.
    public private(set) var anchorWallTime: Timestamp
    /// Current market time in stepped mode.
    private var steppedNow: Timestamp

    /// - Parameters:
    ///   - start: the market instant the clock starts at; `nil` means "now".
    ///   - speed: `.multiplier(1)` for real time.
    ///   - realNow: injectable monotonic reading, for tests.
    public init(start: Timestamp? = nil, speed: ClockSpeed = .multiplier(1), realNow: Int64 = SystemTime.monotonicNanoseconds()) {
        self.speed = speed
        let wall = SystemTime.now()
        let startTime = start ?? wall
        anchorWallTime = wall
        anchorMarketTime = startTime
        anchorReal = realNow
        steppedNow = startTime
    }

    /// Carries on from market time `at` at a new speed (0 holds time still), from this real instant.
    public mutating func reanchor(at market: Timestamp, speed: ClockSpeed, realNow: Int64 = SystemTime.monotonicNanoseconds()) {
        self.speed = speed
        anchorMarketTime = market
        anchorReal = realNow
        anchorWallTime = SystemTime.now()
        steppedNow = market
    }

    public var isStepped: Bool { speed == .max }

    /// Market time given a monotonic real reading.
    public func now(realNow: Int64 = SystemTime.monotonicNanoseconds()) -> Timestamp {
        switch speed {
        case .max:
            return steppedNow
        case .multiplier(let factor):
            let elapsed = Double(realNow - anchorReal) * factor
            return anchorMarketTime + Int64(elapsed)
        }
    }

    /// Moves a stepped clock forward; ignored by real-time clocks, and never moves backwards.
    public mutating func advance(to t: Timestamp) {
        if isStepped, t > steppedNow { steppedNow = t }
    }

    /// Real nanoseconds until market time reaches `t` (0 if already past; stepped clocks never wait).
    public func realNanosUntil(_ t: Timestamp, realNow: Int64 = SystemTime.monotonicNanoseconds()) -> Int64 {
        guard case .multiplier(let factor) = speed else { return 0 }
        let ahead = t - now(realNow: realNow)
        return ahead <= 0 ? 0 : Int64(Double(ahead) / factor)
    }
}
