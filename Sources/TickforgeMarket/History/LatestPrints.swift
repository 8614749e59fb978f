/// The last trade, quote and minute bar of a symbol as of an instant, found by walking back from
/// it: minutes without prints are passed over on their summaries, so only minutes that printed
/// are generated.
extension SymbolTape {
    /// How far back a lookup walks before it gives up: longer than any weekend or holiday run.
    public static let lookbackMinutes: Int64 = 10 * 24 * 60

    /// The last trade stamped at or before `t` (the one the stream released last), or `nil` if
    /// none printed in the lookback.
    public func lastTrade(atOrBefore t: Timestamp) -> Trade? {
        lastPrint(atOrBefore: t, kinds: .trades, printed: { $0.tradeCount > 0 }) { event in
            if case .trade(let trade) = event { return trade } else { return nil }
        }
    }

    /// The last quote stamped at or before `t`, or `nil` if none in the lookback.
    public func lastQuote(atOrBefore t: Timestamp) -> Quote? {
        // Quotes come only in a session (closed minutes have none) and before each trade.
        lastPrint(atOrBefore: t, kinds: .quotes, printed: { $0.phase != .closed || $0.tradeCount > 0 }) { event in
            if case .quote(let quote) = event { return quote } else { return nil }
        }
    }

    /// The last whole minute before `t`'s minute that has a bar (a print that sets prices).
    public func lastMinuteBar(before t: Timestamp) -> AggregateBar? {
        var M = t.minuteIndex - 1
        let stop = t.minuteIndex - Self.lookbackMinutes
        while M >= stop {
            let s = summary(M)
            if s.hasPrices {
                return AggregateBar(start: Timestamp(nanoseconds: M * Timestamp.nanosPerMinute),
                                    end: Timestamp(nanoseconds: (M + 1) * Timestamp.nanosPerMinute), totals: s.barTotals)
            }
            M -= 1
        }
        return nil
    }

    private func lastPrint<Row>(atOrBefore t: Timestamp, kinds: EventKinds, printed: (MinuteSummary) -> Bool,
                                row: (MarketEvent) -> Row?) -> Row? {
        var events: [MarketEvent] = []
        var M = t.minuteIndex
        let stop = M - Self.lookbackMinutes
        while M >= stop {
            // The minute `t` is in is cut at `t`; earlier ones count whole.
            if M == t.minuteIndex || printed(summary(M)) {
                events.removeAll(keepingCapacity: true)
                appendMinute(M, kinds: kinds, into: &events)
                for event in events.reversed() where event.timestamp <= t {
                    if let r = row(event) { return r }
                }
            }
            M -= 1
        }
        return nil
    }
}

extension SymbolTape {
    /// A day's first pre-market round lot and last after-hours round lot (Polygon's open-close
    /// `preMarket` and `afterHours`), from its minutes' summaries, counting minutes before `asOf`.
    public func extendedSessionPrices(day: Int64, asOf: Timestamp) -> (preMarketOpen: Price?, afterHoursClose: Price?) {
        let first = NewYorkTime.startOfDay(CivilDate(dayNumber: day)).minuteIndex
        let end = min(NewYorkTime.startOfDay(CivilDate(dayNumber: day + 1)).minuteIndex, asOf.minuteIndex)
        var open: Price?, close: Price?
        var M = first
        while M < end {
            let s = summary(M)
            if s.hasPrices {
                if s.phase == .preMarket, open == nil { open = s.open }
                if s.phase == .afterHours { close = s.close }
            }
            M += 1
        }
        return (open, close)
    }
}
