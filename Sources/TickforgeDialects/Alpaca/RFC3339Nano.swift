import TickforgeMarket

/// Go's `time.RFC3339Nano` in UTC, which Alpaca's JSON uses: nanoseconds with trailing zeros
/// trimmed and no fraction at all on a whole second (`2021-02-22T19:15:00Z`).
enum RFC3339Nano {
    static func append(_ t: Timestamp, to out: inout [UInt8]) {
        let ns = t.nanoseconds
        let seconds = ns.floorDivided(by: Timestamp.nanosPerSecond)
        var fraction = ns - seconds * Timestamp.nanosPerSecond
        let day = seconds.floorDivided(by: 86_400)
        let secondOfDay = Int(seconds - day * 86_400)
        let date = CivilDate(dayNumber: day)
        digits(date.year, 4, &out); out.append(UInt8(ascii: "-"))
        digits(date.month, 2, &out); out.append(UInt8(ascii: "-"))
        digits(date.day, 2, &out); out.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2, &out); out.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2, &out); out.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2, &out)
        if fraction > 0 {
            var width = 9
            while fraction % 10 == 0 { fraction /= 10; width -= 1 }
            out.append(UInt8(ascii: "."))
            digits(Int(fraction), width, &out)
        }
        out.append(UInt8(ascii: "Z"))
    }

    /// `value` in exactly `width` digits, zero-padded.
    @inline(__always) private static func digits(_ value: Int, _ width: Int, _ out: inout [UInt8]) {
        var v = value
        let end = out.count + width
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var i = end - 1
        while v > 0, i >= end - width {
            out[i] = UInt8(48 + v % 10)
            v /= 10
            i -= 1
        }
    }
}
