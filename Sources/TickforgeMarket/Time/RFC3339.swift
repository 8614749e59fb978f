/// Parsing and formatting RFC 3339 instants, e.g. `2026-11-23T09:30:00-05:00` or `2026-11-23T14:30:00.5Z`.
public enum RFC3339 {
    /// Formats as UTC with nanoseconds, trailing zeros trimmed (Go's `RFC3339Nano`).
    public static func format(_ t: Timestamp) -> String {
        let secs = t.nanoseconds.floorDivided(by: Timestamp.nanosPerSecond)
        var frac = t.nanoseconds - secs * Timestamp.nanosPerSecond
        let date = CivilDate(dayNumber: secs.floorDivided(by: 86_400))
        let sod = Int(secs.floorModulo(86_400))
        func pad(_ v: Int, _ w: Int = 2) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        var out = "\(date)T\(pad(sod / 3600)):\(pad(sod / 60 % 60)):\(pad(sod % 60))"
        if frac > 0 {
            var digits = 9
            while frac % 10 == 0 { frac /= 10; digits -= 1 }
            out += "." + pad(Int(frac), digits)
        }
        return out + "Z"
    }

    /// Formats in New York wall time with its offset (`2026-11-23T09:30:00-05:00`), as Polygon's
    /// market status and Alpaca's trading API write times: with the nanoseconds (trailing zeros
    /// trimmed) if `fraction`, else to the second.
    public static func formatNewYork(_ t: Timestamp, fraction: Bool = false) -> String {
        let offset = NewYorkTime.utcOffsetSeconds(at: t)
        let shifted = Timestamp(nanoseconds: t.nanoseconds + offset * Timestamp.nanosPerSecond)
        var text = String(format(fraction ? shifted : Timestamp(nanoseconds: shifted.nanoseconds.floorDivided(by: Timestamp.nanosPerSecond) * Timestamp.nanosPerSecond)).dropLast())
        let hours = abs(offset) / 3600, minutes = abs(offset) / 60 % 60
        text += (offset < 0 ? "-" : "+") + (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
        return text
    }

    /// Formats as UTC to the millisecond, always three digits (`2026-11-27T18:00:00.000Z`), as
    /// Polygon's upcoming-holiday list writes an early close.
    public static func formatMilliseconds(_ t: Timestamp) -> String {
        let ms = t.nanoseconds.floorDivided(by: Timestamp.nanosPerMillisecond)
        let whole = String(format(Timestamp(nanoseconds: ms.floorDivided(by: 1000) * Timestamp.nanosPerSecond)).dropLast())
        let frac = Int(ms.floorModulo(1000))
        return whole + "." + String(repeating: "0", count: 3 - String(frac).count) + String(frac) + "Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH:MM)`, strictly: the offset is required and
    /// the date must exist. For instants typed by people, see `TimeInput`.
    public static func parse(_ text: String) -> Timestamp? {
        guard let p = parts(text), let offset = p.offsetSeconds else { return nil }
        return p.instant(offsetSeconds: offset)
    }

    /// The fields of `YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]][Z|±HH:MM]]`, or `nil` if the text has
    /// another form or names a date or time that does not exist.
    struct Parts {
        var date: CivilDate
        /// `nil` for a bare date.
        var secondOfDay: Int?
        var nanoseconds: Int64 = 0
        /// `nil` when no offset was written.
        var offsetSeconds: Int?

        func instant(offsetSeconds: Int) -> Timestamp {
            let local = date.dayNumber * 86_400 + Int64(secondOfDay ?? 0)
            return Timestamp(nanoseconds: (local - Int64(offsetSeconds)) * Timestamp.nanosPerSecond + nanoseconds)
        }
    }

    /// The years Tickforge reads.
    public static let years = 1970...2200

    static func parts(_ text: String) -> Parts? {
        let s = Array(text.utf8)
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= s.count else { return nil }
            var v = 0
            for i in from..<(from + len) {
                guard s[i] >= 48, s[i] <= 57 else { return nil }
                v = v * 10 + Int(s[i] - 48)
            }
            return v
        }
        guard s.count >= 10, let y = num(0, 4), s[4] == 45, let mo = num(5, 2), s[7] == 45, let d = num(8, 2) else { return nil }
        let date = CivilDate(year: y, month: mo, day: d)
        // Nanoseconds since 1970 in an Int64 reach 2262; the market's calendars start in 1970.
        guard date.isValid, Self.years.contains(y) else { return nil }
        if s.count == 10 { return Parts(date: date, secondOfDay: nil) }
        guard s.count >= 16, s[10] == 84 || s[10] == 116 || s[10] == 32, let h = num(11, 2), s[13] == 58,
              let mi = num(14, 2), h < 24, mi < 60 else { return nil }
        var i = 16
        var sec = 0
        var nanos: Int64 = 0
        if i < s.count, s[i] == 58 {
            guard let v = num(17, 2), v < 60 else { return nil }
            sec = v
            i = 19
            if i < s.count, s[i] == 46 {
                i += 1
                var digits = 0
                while i < s.count, s[i] >= 48, s[i] <= 57 {
                    if digits < 9 { nanos = nanos * 10 + Int64(s[i] - 48); digits += 1 }
                    i += 1
                }
                guard digits > 0 else { return nil }
                for _ in digits..<9 { nanos *= 10 }
            }
        }
        var offset: Int?
        if i < s.count {
            if s[i] == 90 || s[i] == 122 {
                offset = 0
                i += 1
            } else if s[i] == 43 || s[i] == 45 {
                guard let oh = num(i + 1, 2), i + 3 < s.count, s[i + 3] == 58, let om = num(i + 4, 2), oh < 24, om < 60 else { return nil }
                offset = (oh * 3600 + om * 60) * (s[i] == 45 ? -1 : 1)
                i += 6
            } else {
                return nil
            }
        }
        guard i == s.count else { return nil }
        return Parts(date: date, secondOfDay: h * 3600 + mi * 60 + sec, nanoseconds: nanos, offsetSeconds: offset)
    }
}
