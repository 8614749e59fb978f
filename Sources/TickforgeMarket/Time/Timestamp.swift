/// An instant on the market's timeline: nanoseconds since the Unix epoch, UTC.
///
/// Every event carries one. Dialects convert at the edge (Polygon wants milliseconds,
/// Alpaca wants RFC 3339 with nanoseconds); inside Tickforge time is always this integer.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let nanosPerMicrosecond: Int64 = 1_000
    public static let nanosPerMillisecond: Int64 = 1_000_000
    public static let nanosPerSecond: Int64 = 1_000_000_000
    public static let nanosPerMinute: Int64 = 60 * nanosPerSecond
    public static let nanosPerHour: Int64 = 60 * nanosPerMinute
    public static let nanosPerDay: Int64 = 24 * nanosPerHour

    @inlinable public static func seconds(_ s: Int64) -> Timestamp { Timestamp(nanoseconds: s * nanosPerSecond) }
    @inlinable public var milliseconds: Int64 { nanoseconds.floorDivided(by: Self.nanosPerMillisecond) }
    /// Whole minutes since the epoch; the generator's minute bucket.
    @inlinable public var minuteIndex: Int64 { nanoseconds.floorDivided(by: Self.nanosPerMinute) }
    @inlinable public var secondIndex: Int64 { nanoseconds.floorDivided(by: Self.nanosPerSecond) }

    @inlinable public static func < (a: Timestamp, b: Timestamp) -> Bool { a.nanoseconds < b.nanoseconds }
    @inlinable public static func + (a: Timestamp, b: Int64) -> Timestamp { Timestamp(nanoseconds: a.nanoseconds + b) }
    @inlinable public static func - (a: Timestamp, b: Timestamp) -> Int64 { a.nanoseconds - b.nanoseconds }

    public var description: String { RFC3339.format(self) }
}

extension Int64 {
    /// Division rounding toward negative infinity, so instants before 1970 bucket correctly.
    @inlinable public func floorDivided(by d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
    @inlinable public func floorModulo(_ d: Int64) -> Int64 { self - floorDivided(by: d) * d }
}
