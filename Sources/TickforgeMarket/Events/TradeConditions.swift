/// Up to four sale-condition codes packed in one word, so a trade carries its conditions without
/// allocating an array. Codes use Polygon's numbering (`12` Form T, `14` ISO, `37` odd lot, `41`
/// trade-through exempt); dialects map them to their own vocabulary.
public struct TradeConditions: Hashable, Sendable, Sequence {
    public private(set) var packed: UInt32 = 0 // codes, 8 bits each, first in the low byte
    public private(set) var count: Int = 0

    public static let formT: UInt8 = 12
    public static let intermarketSweep: UInt8 = 14
    public static let oddLot: UInt8 = 37
    public static let tradeThroughExempt: UInt8 = 41
    public static let averagePrice: UInt8 = 2
    /// Re-opening print after a halt (SIP `5`).
    public static let reopening: UInt8 = 28

    public init() {}
    public init(_ codes: [UInt8]) { for c in codes { insert(c) } }

    public var isEmpty: Bool { count == 0 }

    /// Adds a code in order; a fifth code is dropped (no real print carries more than four here).
    public mutating func insert(_ code: UInt8) {
        guard count < 4 else { return }
        packed |= UInt32(code) << (8 * count)
        count += 1
    }

    public func contains(_ code: UInt8) -> Bool { contains { $0 == code } }

    public func makeIterator() -> AnyIterator<UInt8> {
        var i = 0
        let (p, n) = (packed, count)
        return AnyIterator {
            guard i < n else { return nil }
            defer { i += 1 }
            return UInt8(truncatingIfNeeded: p >> (8 * i))
        }
    }

    /// Appends the codes as a JSON array of integers, e.g. `[12,37]` (shared by every JSON encoder).
    public func appendJSONArray(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        var i = 0
        while i < count {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            DecimalText.appendInteger(Int64(UInt8(truncatingIfNeeded: packed >> (8 * i))), to: &out)
            i += 1
        }
        out.append(UInt8(ascii: "]"))
    }
}
