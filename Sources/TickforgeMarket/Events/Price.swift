/// A price in fixed point: units of $0.0001.
///
/// Integer prices make the tick grid exact, make bars rebuildable bit for bit, and let encoders
/// print prices without floating-point formatting.
public struct Price: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var units: Int64

    public static let unitsPerDollar: Int64 = 10_000
    /// The sub-penny grid ends at $1.00: from there on prices move in cents.
    public static let pennyGridFloor: Int64 = 10_000

    @inlinable public init(units: Int64) { self.units = units }
    public init(dollars: Double) { units = Int64((dollars * 10_000).rounded()) }

    @inlinable public var dollars: Double { Double(units) / 10_000 }

    /// The tick size in force at this price: $0.01 at $1 and above, $0.0001 below.
    @inlinable public var tickUnits: Int64 { units >= Self.pennyGridFloor ? 100 : 1 }
    @inlinable public var isOnTickGrid: Bool { units > 0 && units % tickUnits == 0 }

    /// The largest grid price ≤ `units` (never below one tick).
    @inlinable public static func gridFloor(_ units: Double) -> Price {
        if units >= Double(pennyGridFloor) { return Price(units: Int64(units / 100) * 100) }
        return Price(units: max(1, Int64(units)))
    }

    /// The smallest grid price ≥ `units`.
    @inlinable public static func gridCeil(_ units: Int64) -> Price {
        if units > pennyGridFloor { return Price(units: (units + 99) / 100 * 100) }
        return Price(units: max(1, units))
    }

    /// The grid price nearest to `units` (never below one tick).
    @inlinable public static func gridNearest(_ units: Double) -> Price {
        if units >= Double(pennyGridFloor) { return Price(units: Int64((units / 100).rounded()) * 100) }
        return Price(units: max(1, Int64(units.rounded())))
    }

    /// The next grid price above.
    @inlinable public var nextUp: Price { Price(units: units + tickUnits) }

    @inlinable public static func < (a: Price, b: Price) -> Bool { a.units < b.units }

    /// Shortest decimal form: `230.15`, `0.4213`, `136`.
    public var description: String {
        var out = [UInt8]()
        DecimalText.appendFixed(units, scale: 4, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Allocation-free decimal formatting shared by every text encoder.
public enum DecimalText {
    /// Appends `value / 10^scale` with trailing zeros (and a bare point) trimmed.
    @inlinable
    public static func appendFixed(_ value: Int64, scale: Int, to out: inout [UInt8]) {
        var v = value
        if v < 0 { out.append(UInt8(ascii: "-")); v = -v }
        var divisor: Int64 = 1
        for _ in 0..<scale { divisor *= 10 }
        appendInteger(v / divisor, to: &out)
        var frac = v % divisor
        guard frac != 0 else { return }
        var digits = scale
        while frac % 10 == 0 { frac /= 10; digits -= 1 }
        out.append(UInt8(ascii: "."))
        var buf: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48)
        withUnsafeMutableBytes(of: &buf) { b in
            var i = digits - 1
            while i >= 0 { b[i] = UInt8(48 + frac % 10); frac /= 10; i -= 1 }
            // A typed buffer, not a slice of raw bytes: `append(contentsOf:)` then copies in one go.
            out.append(contentsOf: UnsafeBufferPointer(start: b.baseAddress!.assumingMemoryBound(to: UInt8.self), count: digits))
        }
    }

    @inlinable
    public static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            appendInteger(value == .min ? .max : -value, to: &out)
            return
        }
        if value < 10 { out.append(UInt8(48 + value)); return }
        var buf: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &buf) { b in
            var v = value
            var i = 24
            while v > 0 { i -= 1; b[i] = UInt8(48 + v % 10); v /= 10 }
            out.append(contentsOf: UnsafeBufferPointer(start: b.baseAddress!.assumingMemoryBound(to: UInt8.self) + i, count: 24 - i))
        }
    }

    /// Appends a double rounded to `scale` decimals, trimmed.
    @inlinable
    public static func appendRounded(_ value: Double, scale: Int, to out: inout [UInt8]) {
        var m = 1.0
        for _ in 0..<scale { m *= 10 }
        appendFixed(Int64((value * m).rounded()), scale: scale, to: &out)
    }
}

extension Price {
    /// Round-lot size in shares at this price (SEC MDI tiers, in force since November 2025):
    /// quotes are sized in these, and a trade below one is an odd lot.
    @inlinable public var roundLot: Int32 {
        switch units {
        case ...2_500_000: 100
        case ...10_000_000: 40
        case ...100_000_000: 10
        default: 1
        }
    }
}
