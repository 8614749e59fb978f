import TickforgeMarket

/// Reads Polygon's flat files (stocks trades, quotes and minute aggregates, as CSV with a header)
/// into events, for `tickforge import`, which writes them as a recording `tickforge replay` serves.
///
/// Columns are found by their header names, so their order does not matter and columns Tickforge
/// has no use for are ignored. Flat files are sorted by ticker, then time; a recording must be in
/// time order, so the importer keeps what it reads (only the tickers asked for, if any) and sorts
/// it. Naming tickers is what keeps a day of the whole market out of memory (`maxEvents`).
public struct FlatFileImporter {
    public enum Layout: String, Sendable {
        case trades, quotes, minuteAggregates = "minute aggregates"
    }

    public struct ImportError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Tickers to keep; `nil` keeps all.
    public let tickers: Set<String>?
    /// Most events kept in memory before the importer refuses (name fewer tickers).
    public let maxEvents: Int
    public private(set) var events: [MarketEvent] = []
    public private(set) var tickerNames: [String] = []
    private var ids: [String: SymbolID] = [:]
    /// Rows of kept tickers that could not be read (no ticker, no SIP timestamp).
    public private(set) var skippedRows = 0

    public init(tickers: Set<String>?, maxEvents: Int = 50_000_000) {
        self.tickers = tickers
        self.maxEvents = maxEvents
    }

    /// Reads one file's lines: the header first, then rows. Returns the layout it recognised.
    @discardableResult
    public mutating func read(lines reader: LineReader, name: String) throws -> Layout {
        var columns: [String: Int] = [:]
        var layout: Layout?
        var failure: ImportError?
        try reader.forEachLine { line in
            guard failure == nil else { return }
            let fields = Self.split(line)
            guard let known = layout else {
                for (i, f) in fields.enumerated() { columns[String(decoding: f, as: UTF8.self)] = i }
                if columns["window_start"] != nil { layout = .minuteAggregates }
                else if columns["bid_price"] != nil { layout = .quotes }
                else if columns["price"] != nil, columns["sip_timestamp"] != nil { layout = .trades }
                else { failure = ImportError(description: "\(name): not a Polygon flat file (its header names no sip_timestamp and price, bid_price, or window_start)") }
                return
            }
            guard let ticker = columns["ticker"].flatMap({ $0 < fields.count ? String(decoding: fields[$0], as: UTF8.self) : nil }) else {
                skippedRows += 1
                return
            }
            if let tickers, !tickers.contains(ticker) { return }
            guard let event = row(fields, columns, known, symbol: id(ticker)) else { skippedRows += 1; return }
            guard events.count < maxEvents else {
                failure = ImportError(description: "\(name): more than \(maxEvents) events; name the tickers you need with --tickers")
                return
            }
            events.append(event)
        }
        if let failure { throw failure }
        guard let layout else { throw ImportError(description: "\(name): empty file") }
        return layout
    }

    /// Every event read so far, in time order (stable: rows of one instant keep their order).
    public mutating func sortedEvents() -> [MarketEvent] {
        let indexed = events.enumerated().sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }
        return indexed.map(\.element)
    }

    /// A row of a ticker kept; `nil` when a field it needs is missing or zero.
    private func row(_ f: [UnsafeBufferPointer<UInt8>], _ c: [String: Int], _ layout: Layout, symbol: SymbolID) -> MarketEvent? {
        func field(_ name: String) -> UnsafeBufferPointer<UInt8>? { c[name].flatMap { $0 < f.count ? f[$0] : nil } }
        func int(_ name: String) -> Int64 { field(name).map(FlatObjectScanner.integer) ?? 0 }
        func price(_ name: String) -> Price { Price(units: field(name).map { FlatObjectScanner.fixed($0, scale: 4) } ?? 0) }
        func tape() -> Tape { Tape(rawValue: UInt8(clamping: int("tape"))) ?? .a }
        switch layout {
        case .trades:
            guard int("sip_timestamp") > 0 else { return nil }
            var conditions = TradeConditions()
            if let list = field("conditions") {
                var n: Int64 = -1
                for b in list {
                    if b >= 48, b <= 57 { n = max(n, 0) * 10 + Int64(b - 48) } else if n >= 0 { conditions.insert(UInt8(clamping: n)); n = -1 }
                }
                if n >= 0 { conditions.insert(UInt8(clamping: n)) }
            }
            let trft = int("trf_timestamp")
            return .trade(Trade(
                symbol: symbol, timestamp: Timestamp(nanoseconds: int("sip_timestamp")),
                participantTimestamp: Timestamp(nanoseconds: int("participant_timestamp")), sequence: int("sequence_number"), id: int("id"),
                price: price("price"), size: Int32(clamping: int("size")), exchange: UInt8(clamping: int("exchange")), tape: tape(),
                conditions: conditions, trfID: UInt16(clamping: int("trf_id")), trfTimestamp: trft > 0 ? Timestamp(nanoseconds: trft) : nil
            ))
        case .quotes:
            guard int("sip_timestamp") > 0 else { return nil }
            return .quote(Quote(
                symbol: symbol, timestamp: Timestamp(nanoseconds: int("sip_timestamp")), sequence: int("sequence_number"),
                bidPrice: price("bid_price"), bidSize: Int32(clamping: int("bid_size")), bidExchange: UInt8(clamping: int("bid_exchange")),
                askPrice: price("ask_price"), askSize: Int32(clamping: int("ask_size")), askExchange: UInt8(clamping: int("ask_exchange")),
                condition: 0, tape: tape()
            ))
        case .minuteAggregates:
            let start = Timestamp(nanoseconds: int("window_start"))
            let volume = int("volume")
            let (o, h, l, cl) = (price("open"), price("high"), price("low"), price("close"))
            // Flat-file minute aggregates carry no VWAP: the typical price (h + l + c) / 3 stands in.
            let typical = (h.units + l.units + cl.units) / 3
            let (notional, overflow) = typical.multipliedReportingOverflow(by: volume)
            return .bar(Bar(
                symbol: symbol, span: .minute, start: start, end: start + Timestamp.nanosPerMinute, open: o, high: h, low: l, close: cl,
                volume: volume, tradeCount: Int32(clamping: int("transactions")), vwapVolume: overflow ? 0 : volume, notional: overflow ? 0 : notional,
                dayVolume: 0, dayVWAPVolume: 0, dayNotional: 0, officialOpen: o
            ))
        }
    }

    private mutating func id(_ ticker: String) -> SymbolID {
        if let id = ids[ticker] { return id }
        let id = SymbolID(tickerNames.count)
        ids[ticker] = id
        tickerNames.append(ticker)
        return id
    }

    /// A CSV line's fields; a field in double quotes may hold commas (`"12,37"`), and comes without its quotes.
    static func split(_ line: UnsafeBufferPointer<UInt8>) -> [UnsafeBufferPointer<UInt8>] {
        var out: [UnsafeBufferPointer<UInt8>] = []
        var i = 0
        let n = line.count
        var end = n
        if end > 0, line[end - 1] == 13 { end -= 1 } // CRLF
        while i <= end {
            if i < end, line[i] == 34 {
                let start = i + 1
                var j = start
                while j < end, line[j] != 34 { j += 1 }
                out.append(UnsafeBufferPointer(rebasing: line[start..<j]))
                i = j + 1
                while i < end, line[i] != 44 { i += 1 }
            } else {
                let start = i
                while i < end, line[i] != 44 { i += 1 }
                out.append(UnsafeBufferPointer(rebasing: line[start..<i]))
            }
            i += 1
        }
        return out
    }
}
