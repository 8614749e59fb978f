import TickforgeMarket

/// One item of a Polygon subscription list, e.g. `T.AAPL`, `AM.*`, `Q.BRK.B`.
public struct PolygonTopic: Hashable, Sendable, CustomStringConvertible {
    /// Event channels the stocks cluster knows.
    public enum Channel: String, Sendable, CaseIterable {
        case trades = "T", quotes = "Q", secondAggregates = "A", minuteAggregates = "AM", luld = "LULD", imbalances = "NOI"

        /// The market event kind the channel carries; `nil` for channels acknowledged but not generated.
        public var kind: EventKinds? {
            switch self {
            case .trades: .trades
            case .quotes: .quotes
            case .secondAggregates: .secondBars
            case .minuteAggregates: .minuteBars
            case .luld: .lulds
            case .imbalances: nil
            }
        }
    }

    public var channel: Channel
    /// Upper-cased ticker, or `*`.
    public var ticker: String

    public init(channel: Channel, ticker: String) {
        self.channel = channel
        self.ticker = ticker
    }

    public var description: String { "\(channel.rawValue).\(ticker)" }

    /// Parses a comma list. Items split on their *first* dot (`T.BRK.B` is BRK.B); items with an
    /// unknown channel are dropped silently, as the real cluster does.
    public static func parseList(_ params: String) -> [PolygonTopic] {
        params.split(separator: ",").compactMap { raw in
            let item = raw.trimmingCharacters(in: " \t")
            guard let dot = item.firstIndex(of: ".") else { return nil }
            guard let channel = Channel(rawValue: String(item[..<dot]).uppercased()) else { return nil }
            let ticker = String(item[item.index(after: dot)...]).uppercased()
            guard !ticker.isEmpty, ticker.utf8.count <= 16 else { return nil }
            return PolygonTopic(channel: channel, ticker: ticker)
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
