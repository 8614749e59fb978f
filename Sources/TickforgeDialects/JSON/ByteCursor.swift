#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Array where Element == UInt8 {
    /// Lets `body` write at most `maxBytes` through a raw cursor, then keeps exactly what it wrote.
    ///
    /// An encoder appending field by field pays a capacity and uniqueness check per append, which
    /// costs more than the bytes themselves; this pays them once per event.
    @inline(__always)
    mutating func appendThroughCursor(maxBytes: Int, _ body: (inout ByteCursor) -> Void) {
        let start = count
        // Zeros from a constant, copied in blocks: `repeatElement` appends byte by byte.
        ByteCursor.zeros.withUnsafeBufferPointer { zeros in
            var left = maxBytes
            while left > 0 {
                let n = Swift.min(left, zeros.count)
                append(contentsOf: UnsafeBufferPointer(rebasing: zeros[0..<n]))
                left -= n
            }
        }
        var written = 0
        withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress! + start
            var cursor = ByteCursor(base)
            body(&cursor)
            written = cursor.position - base
            precondition(written <= maxBytes, "an encoder wrote past the room it asked for")
        }
        removeLast(maxBytes - written)
    }
}

/// A write position in memory reserved by `appendThroughCursor`: JSON pieces with no checks.
struct ByteCursor {
    fileprivate static let zeros = [UInt8](repeating: 0, count: 512)
    /// "00" "01" … "99": two digits per division. A literal, not a computed table, so reading it
    /// needs no lazy-initialisation check per event.
    private static var pairs: StaticString { "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899" }

    private(set) var position: UnsafeMutablePointer<UInt8>

    init(_ start: UnsafeMutablePointer<UInt8>) { position = start }

    @inline(__always) mutating func put(_ byte: UInt8) {
        position.pointee = byte
        position += 1
    }

    @inline(__always) mutating func put(_ text: StaticString) {
        let n = text.utf8CodeUnitCount
        memcpy(position, text.utf8Start, n)
        position += n
    }

    @inline(__always) mutating func put(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { b in
            memcpy(position, b.baseAddress!, b.count)
            position += b.count
        }
    }

    /// A decimal integer; at most 20 bytes.
    @inline(__always) mutating func integer(_ value: Int64) {
        if value < 0 {
            put(UInt8(ascii: "-"))
            unsigned(value == .min ? UInt64(Int64.max) + 1 : UInt64(-value))
        } else {
            unsigned(UInt64(value))
        }
    }

    @inline(__always) mutating func unsigned(_ value: UInt64) {
        if value < 10 {
            put(UInt8(truncatingIfNeeded: 48 + value))
            return
        }
        var digits = 0
        var probe = value
        repeat { digits += 1; probe /= 10 } while probe > 0
        var v = value
        var end = position + digits
        position = end
        do {
            let pairs = Self.pairs.utf8Start
            while v >= 100 {
                let r = Int(v % 100)
                v /= 100
                end -= 2
                end[0] = pairs[2 * r]
                end[1] = pairs[2 * r + 1]
            }
            if v >= 10 {
                end -= 2
                end[0] = pairs[2 * Int(v)]
                end[1] = pairs[2 * Int(v) + 1]
            } else {
                end -= 1
                end[0] = UInt8(truncatingIfNeeded: 48 + v)
            }
        }
    }

    /// `value / 10^4` with trailing zeros and a bare point trimmed (`230.15`, `0.4213`, `136`); at most 25 bytes.
    @inline(__always) mutating func fixed4(_ value: Int64) {
        if value < 0 { put(UInt8(ascii: "-")) }
        let v = value.magnitude
        unsigned(v / 10_000)
        var fraction = Int(v % 10_000)
        guard fraction != 0 else { return }
        var digits = 4
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        put(UInt8(ascii: "."))
        var i = digits - 1
        while i >= 0 {
            position[i] = UInt8(48 + fraction % 10)
            fraction /= 10
            i -= 1
        }
        position += digits
    }

    /// A double rounded to 4 decimals, trimmed, as `fixed4` prints it. A value no Int64 can hold
    /// (NaN, infinite, beyond 9e14) prints as 0 rather than trapping: JSON has no spelling for it.
    @inline(__always) mutating func rounded4(_ value: Double) {
        let scaled = (value * 10_000).rounded()
        fixed4(scaled.magnitude < 9.0e18 ? Int64(scaled) : 0)
    }
}
