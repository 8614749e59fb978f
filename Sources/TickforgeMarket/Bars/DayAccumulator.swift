/// Running totals of one symbol's New York day, which every bar carries (`av`, `op`, `a`).
public struct DayAccumulator: Sendable, Equatable {
    /// New York day number.
    public var day: Int64
    /// The next minute (since the epoch) whose trades are not yet counted.
    public var nextMinute: Int64
    public var volume: Int64 = 0
    public var notional: Int64 = 0
    public var firstPrice: Price?
    public var regularOpen: Price?

    public init(day: Int64, firstMinute: Int64) {
        self.day = day
        nextMinute = firstMinute
    }

    public var officialOpen: Price { regularOpen ?? firstPrice ?? Price(units: 0) }

    @inline(__always)
    public mutating func add(price: Price, size: Int32, regular: Bool) {
        volume += Int64(size)
        notional += price.units * Int64(size)
        if firstPrice == nil { firstPrice = price }
        if regular, regularOpen == nil { regularOpen = price }
    }
}
