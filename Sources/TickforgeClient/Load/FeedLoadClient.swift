#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Synchronization
import TickforgeMarket
import WSClient

/// One reader of a load test on the Polygon dialect: it subscribes, then counts the events and
/// bytes that arrive inside a measurement window and, given the server's clock, how late each
/// event arrived after its market time came due. It reads raw frames and never decodes JSON, so
/// it costs the shared machine as little as a reader can.
public enum FeedLoadClient {
    /// How the server maps market time to real time (its `/stats` publishes this).
    public struct ClockMapping: Sendable {
        public var anchorMarketNanoseconds: Int64
        public var anchorWallNanoseconds: Int64
        public var speed: Double
        public init(anchorMarketNanoseconds: Int64, anchorWallNanoseconds: Int64, speed: Double) {
            self.anchorMarketNanoseconds = anchorMarketNanoseconds
            self.anchorWallNanoseconds = anchorWallNanoseconds
            self.speed = speed
        }

        /// Wall-clock instant at which market time `t` came due.
        func dueWallNanoseconds(marketNanoseconds t: Int64) -> Double {
            Double(anchorWallNanoseconds) + Double(t - anchorMarketNanoseconds) / speed
        }
    }

    public struct Plan: Sendable {
        public var url: String
        public var key = "bench"
        /// Polygon params, e.g. `T.*,Q.*`.
        public var subscribe: String
        /// Monotonic instants (ns) between which arrivals count.
        public var windowStart: Int64
        public var windowEnd: Int64
        /// With a mapping, every trade's and quote's latency is recorded.
        public var clock: ClockMapping?

        public init(url: String, subscribe: String, windowStart: Int64, windowEnd: Int64, clock: ClockMapping?) {
            self.url = url
            self.subscribe = subscribe
            self.windowStart = windowStart
            self.windowEnd = windowEnd
            self.clock = clock
        }
    }

    public struct Result: Sendable {
        public var events = 0
        public var frames = 0
        public var bytes = 0
        public var latency = LatencyHistogram()
        /// Set when the server ended the session before the window did.
        public var endedEarly = false
        public init() {}

        public mutating func merge(_ other: Result) {
            events += other.events
            frames += other.frames
            bytes += other.bytes
            latency.merge(other.latency)
            endedEarly = endedEarly || other.endedEarly
        }
    }

    /// Runs one reader until its window closes (or the server ends the session).
    public static func run(_ plan: Plan, logger: Logger) async throws -> Result {
        let box = ResultBox()
        _ = try await WebSocketClient.connect(url: plan.url, configuration: .init(maxFrameSize: 1 << 21), logger: logger) { inbound, outbound, _ in
            try await outbound.write(.text(#"{"action":"auth","params":"\#(plan.key)"}"#))
            try await outbound.write(.text(#"{"action":"subscribe","params":"\#(plan.subscribe)"}"#))
            var result = Result()
            var finished = false
            for try await frame in inbound {
                let now = SystemTime.monotonicNanoseconds()
                if now >= plan.windowEnd {
                    finished = true
                    break
                }
                guard now >= plan.windowStart else { continue }
                let wall = Double(SystemTime.now().nanoseconds)
                frame.data.withUnsafeReadableBytes { bytes in
                    // Status frames (acks) are not events.
                    guard !startsWithStatus(bytes) else { return }
                    result.frames += 1
                    result.bytes += bytes.count
                    if let clock = plan.clock {
                        result.events += scanLatencies(bytes, clock: clock, receivedAtWall: wall, into: &result.latency)
                    } else {
                        result.events += countEvents(bytes)
                    }
                }
            }
            result.endedEarly = !finished
            box.set(result)
            if finished { try await outbound.close(.normalClosure, reason: nil) }
        }
        return box.value
    }

    private static let statusPrefix = Array(#"[{"ev":"status""#.utf8)

    private static func startsWithStatus(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= statusPrefix.count && statusPrefix.indices.allSatisfy { bytes[$0] == statusPrefix[$0] }
    }

    /// Every event is one JSON object and holds no nested object, so objects are events.
    static func countEvents(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard var p = bytes.baseAddress else { return 0 }
        let end = p + bytes.count
        var n = 0
        while p < end, let hit = memchr(p, Int32(UInt8(ascii: "{")), end - p) {
            n += 1
            p = UnsafeRawPointer(hit) + 1
        }
        return n
    }

    /// Counts events and records, for each one carrying `,"t":MS` (trades and quotes), the delay
    /// between its due time and `receivedAtWall`.
    static func scanLatencies(_ bytes: UnsafeRawBufferPointer, clock: ClockMapping, receivedAtWall: Double, into histogram: inout LatencyHistogram) -> Int {
        var events = 0
        var i = 0
        let n = bytes.count
        while i + 5 < n {
            let b = bytes[i]
            if b == UInt8(ascii: "{") {
                events += 1
            } else if b == UInt8(ascii: ","), bytes[i + 1] == UInt8(ascii: "\""), bytes[i + 2] == UInt8(ascii: "t"),
                      bytes[i + 3] == UInt8(ascii: "\""), bytes[i + 4] == UInt8(ascii: ":") {
                i += 5
                var ms: Int64 = 0
                while i < n, bytes[i] >= 48, bytes[i] <= 57 {
                    ms = ms &* 10 &+ Int64(bytes[i] - 48)
                    i += 1
                }
                let due = clock.dueWallNanoseconds(marketNanoseconds: ms * 1_000_000)
                histogram.record(microseconds: (receivedAtWall - due) / 1_000)
                continue
            }
            i += 1
        }
        return events
    }
}

/// Hands the session's result out of the client's handler.
private final class ResultBox: Sendable {
    private let result = Mutex(FeedLoadClient.Result())
    func set(_ r: FeedLoadClient.Result) { result.withLock { $0 = r } }
    var value: FeedLoadClient.Result { result.withLock { $0 } }
}
