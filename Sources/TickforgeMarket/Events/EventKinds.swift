/// A set of event kinds to generate.
public struct EventKinds: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let trades = EventKinds(rawValue: 1)
    public static let quotes = EventKinds(rawValue: 2)
    public static let secondBars = EventKinds(rawValue: 4)
    public static let minuteBars = EventKinds(rawValue: 8)
    /// The day so far as one bar, after every minute once the regular session has opened
    /// (Alpaca's `dailyBars`). Opt-in: neither `bars` nor `all` includes it.
    public static let dailyBars = EventKinds(rawValue: 16)
    /// Trading statuses (halted, resumed): Alpaca's `statuses`.
    public static let statuses = EventKinds(rawValue: 32)
    /// Price bands and halt indicators: Polygon's `LULD`, Alpaca's `lulds`.
    public static let lulds = EventKinds(rawValue: 64)
    public static let bars: EventKinds = [.secondBars, .minuteBars]
    public static let all: EventKinds = [.trades, .quotes, .secondBars, .minuteBars]
    /// Kinds whose events carry the day's running totals, so generating them needs the day so far.
    public static let needingDayTotals: EventKinds = [.secondBars, .minuteBars, .dailyBars]

    /// Names as used on the command line and in NDJSON `kind` fields.
    public static let names: [(String, EventKinds)] = [
        ("trade", .trades), ("quote", .quotes), ("second_bar", .secondBars), ("minute_bar", .minuteBars), ("daily_bar", .dailyBars),
        ("status", .statuses), ("luld", .lulds),
    ]

    /// Parses `trade,quote,second_bar,minute_bar` (plurals, `bars` and `all` accepted).
    public init?(parsing text: String) {
        var k = EventKinds()
        for raw in text.lowercased().split(separator: ",") {
            var name = raw.trimmingCharacters()
            if name == "all" { k.formUnion(.all); continue }
            if name == "bars" || name == "bar" { k.formUnion(.bars); continue }
            if name.hasSuffix("s") { name.removeLast() }
            guard let match = Self.names.first(where: { $0.0 == name }) else { return nil }
            k.formUnion(match.1)
        }
        guard !k.isEmpty else { return nil }
        self = k
    }
}

extension Substring {
    func trimmingCharacters() -> String { String(self).trimmingSpaces }
}
