/// Latencies in log-spaced buckets 1% wide: fixed memory however many samples, and percentiles
/// within 1% of the truth, which is finer than the millisecond event times it measures.
public struct LatencyHistogram: Sendable {
    private static let growth = 1.01
    private static let logGrowth = log(growth)
    /// Up to about 10⁷ µs (10 s); later samples land in the last bucket.
    private static let bucketCount = 1_700
    private var counts = [UInt64](repeating: 0, count: bucketCount)
    public private(set) var samples: UInt64 = 0
    public private(set) var maxMicroseconds: Double = 0

    public init() {}

    /// Records one latency; negative values (clock noise) count as zero.
    public mutating func record(microseconds: Double) {
        let v = max(0, microseconds)
        let i = min(Self.bucketCount - 1, Int(log(v + 1) / Self.logGrowth))
        counts[i] += 1
        samples += 1
        if v > maxMicroseconds { maxMicroseconds = v }
    }

    public mutating func merge(_ other: LatencyHistogram) {
        for i in counts.indices { counts[i] += other.counts[i] }
        samples += other.samples
        maxMicroseconds = max(maxMicroseconds, other.maxMicroseconds)
    }

    /// The latency below which a fraction `p` (0…1) of the samples fall, in µs (bucket upper edge).
    public func percentile(_ p: Double) -> Double {
        guard samples > 0 else { return 0 }
        let rank = UInt64((Double(samples) * p).rounded(.up))
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() {
            seen += c
            if seen >= max(rank, 1) { return min(maxMicroseconds, pow(Self.growth, Double(i + 1)) - 1) }
        }
        return maxMicroseconds
    }

    /// The histogram as one line of text (`samples;max;bucket:count,…`, empty buckets left out),
    /// so readers in other processes can hand theirs back whole and be merged exactly.
    public var encoded: String {
        let buckets = counts.enumerated().filter { $0.element > 0 }.map { "\($0.offset):\($0.element)" }.joined(separator: ",")
        return "\(samples);\(maxMicroseconds);\(buckets)"
    }

    public init?(encoded text: String) {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count == 3, let n = UInt64(parts[0]), let m = Double(parts[1]) else { return nil }
        samples = n
        maxMicroseconds = m
        for pair in parts[2].split(separator: ",") {
            let kv = pair.split(separator: ":")
            guard kv.count == 2, let i = Int(kv[0]), let c = UInt64(kv[1]), counts.indices.contains(i) else { return nil }
            counts[i] = c
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
