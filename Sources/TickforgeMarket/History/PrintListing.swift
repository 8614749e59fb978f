/// Where a listing of prints resumes: past every row stamped before `timestamp` (after it, when
/// descending), and past the first `skip` rows stamped exactly at it. A pure position in the
/// market, so a page token built from it means the same on any server with the same seed.
public struct ListingPosition: Sendable, Equatable {
    public var timestamp: Timestamp
    public var skip: Int

    public init(timestamp: Timestamp, skip: Int) {
        self.timestamp = timestamp
        self.skip = skip
    }
}

/// One page of a listing, and where the next begins (`nil` on the last page: there is no more).
public struct ListingPage<Row: Sendable>: Sendable {
    public var rows: [Row]
    public var next: ListingPosition?
}

/// Trades and quotes in a window, a page at a time, in either order. A page costs its rows and
/// the minutes they are in: minutes with nothing to list are passed over on their summaries.
extension SymbolTape {
    public func trades(in window: Range<Timestamp>, descending: Bool, limit: Int, from position: ListingPosition?) -> ListingPage<Trade> {
        listing(in: window, descending: descending, limit: limit, from: position, kinds: .trades, printed: { $0.tradeCount > 0 }) { event in
            if case .trade(let trade) = event { return trade } else { return nil }
        }
    }

    public func quotes(in window: Range<Timestamp>, descending: Bool, limit: Int, from position: ListingPosition?) -> ListingPage<Quote> {
        listing(in: window, descending: descending, limit: limit, from: position, kinds: .quotes,
                printed: { $0.phase != .closed || $0.tradeCount > 0 }) { event in
            if case .quote(let quote) = event { return quote } else { return nil }
        }
    }

    private func listing<Row: Sendable>(
        in window: Range<Timestamp>, descending: Bool, limit: Int, from position: ListingPosition?,
        kinds: EventKinds, printed: (MinuteSummary) -> Bool, row: (MarketEvent) -> Row?
    ) -> ListingPage<Row> {
        precondition(limit >= 1, "a page holds at least one row")
        guard !window.isEmpty else { return ListingPage(rows: [], next: nil) }
        let first = window.lowerBound.minuteIndex, last = Timestamp(nanoseconds: window.upperBound.nanoseconds - 1).minuteIndex
        var M = descending ? min(last, position?.timestamp.minuteIndex ?? last) : max(first, position?.timestamp.minuteIndex ?? first)
        var rows: [Row] = []
        var stamps: [Timestamp] = []
        var events: [MarketEvent] = []
        var skipped = 0
        // One row past the limit says whether another page exists.
        collecting: while descending ? M >= first : M <= last {
            defer { M += descending ? -1 : 1 }
            guard printed(summary(M)) else { continue }
            events.removeAll(keepingCapacity: true)
            appendMinute(M, kinds: kinds, into: &events)
            var i = descending ? events.count - 1 : 0
            while descending ? i >= 0 : i < events.count {
                defer { i += descending ? -1 : 1 }
                let e = events[i]
                guard window.contains(e.timestamp), let r = row(e) else { continue }
                if let position {
                    let before = descending ? e.timestamp > position.timestamp : e.timestamp < position.timestamp
                    if before { continue }
                    if e.timestamp == position.timestamp, skipped < position.skip { skipped += 1; continue }
                }
                rows.append(r)
                stamps.append(e.timestamp)
                if rows.count > limit { break collecting }
            }
        }
        guard rows.count > limit else { return ListingPage(rows: rows, next: nil) }
        rows.removeLast()
        stamps.removeLast()
        // The next page starts after the rows at the last stamp returned so far, this page's and,
        // if they all share the resume stamp, the pages' before it.
        let lastStamp = stamps[stamps.count - 1]
        var atLast = 0
        for s in stamps.reversed() where s == lastStamp { atLast += 1 }
        if atLast == stamps.count, let position, position.timestamp == lastStamp { atLast += position.skip }
        return ListingPage(rows: rows, next: ListingPosition(timestamp: lastStamp, skip: atLast))
    }
}
