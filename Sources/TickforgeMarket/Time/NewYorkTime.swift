/// Conversion between UTC instants and wall-clock time in America/New_York.
///
/// The US daylight-saving rule (second Sunday of March to first Sunday of November, switching
/// at 02:00 local) is computed here rather than read from tzdata, so the market is a pure
/// function of its inputs on any machine, container or CI image.
public enum NewYorkTime {
    /// UTC offset in seconds (−18000 in EST, −14400 in EDT) in force at `instant`.
    public static func utcOffsetSeconds(at instant: Timestamp) -> Int64 {
        let utcSeconds = instant.nanoseconds.floorDivided(by: Timestamp.nanosPerSecond)
        let year = CivilDate(dayNumber: utcSeconds.floorDivided(by: 86_400)).year
        let (start, end) = daylightSavingBoundsUTC(year: year)
        return (utcSeconds >= start && utcSeconds < end) ? -4 * 3600 : -5 * 3600
    }

    /// The UTC seconds at which DST starts (07:00 UTC = 02:00 EST) and ends (06:00 UTC = 02:00 EDT).
    static func daylightSavingBoundsUTC(year: Int) -> (start: Int64, end: Int64) {
        let startDay = nthWeekday(0, n: 2, month: 3, year: year)
        let endDay = nthWeekday(0, n: 1, month: 11, year: year)
        return (startDay * 86_400 + 7 * 3600, endDay * 86_400 + 6 * 3600)
    }

    /// Day number of the `n`-th given weekday (0 = Sunday) of a month.
    static func nthWeekday(_ weekday: Int, n: Int, month: Int, year: Int) -> Int64 {
        let first = CivilDate(year: year, month: month, day: 1)
        let shift = (weekday - first.weekday + 7) % 7
        return first.dayNumber + Int64(shift + 7 * (n - 1))
    }

    /// The New York calendar date of an instant.
    public static func date(of instant: Timestamp) -> CivilDate {
        CivilDate(dayNumber: localDayNumber(of: instant))
    }

    @inlinable public static func localDayNumber(of instant: Timestamp) -> Int64 {
        localSeconds(of: instant).floorDivided(by: 86_400)
    }

    /// Seconds since the epoch on a New York wall clock (i.e. UTC seconds plus the offset).
    @inlinable public static func localSeconds(of instant: Timestamp) -> Int64 {
        instant.nanoseconds.floorDivided(by: Timestamp.nanosPerSecond) + utcOffsetSeconds(at: instant)
    }

    /// Minutes since local midnight, 0..<1440.
    public static func minuteOfDay(of instant: Timestamp) -> Int {
        Int(localSeconds(of: instant).floorModulo(86_400) / 60)
    }

    /// The UTC instant of a New York wall-clock time on a date. For the skipped hour in March it
    /// resolves forward, for the repeated hour in November to the first occurrence, like most libraries.
    public static func instant(date: CivilDate, hour: Int, minute: Int, second: Int = 0) -> Timestamp {
        let local = date.dayNumber * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        // Try EDT first (earlier instant for repeated times), then EST.
        for offset: Int64 in [-4 * 3600, -5 * 3600] {
            let utc = Timestamp.seconds(local - offset)
            if utcOffsetSeconds(at: utc) == offset { return utc }
        }
        return Timestamp.seconds(local + 5 * 3600)
    }

    /// Start of the New York calendar day (local midnight) as a UTC instant.
    public static func startOfDay(_ date: CivilDate) -> Timestamp { instant(date: date, hour: 0, minute: 0) }
}
