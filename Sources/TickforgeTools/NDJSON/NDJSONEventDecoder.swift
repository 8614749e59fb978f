import TickforgeMarket

/// Reads the lines `NDJSONEncoder` writes back into events: what `tickforge replay` serves.
///
/// Every field the encoder writes comes back as it was, except what a line does not carry: a
/// bar's VWAPs come back to six decimals (as sums over its volume). Decoding the same line always
/// gives the same event, so a recording replays the same bytes every time.
public struct NDJSONEventDecoder {
    private let resolve: (String) -> SymbolID?
    private var ids: [String: SymbolID] = [:]

    /// - Parameter resolve: the id a ticker goes by; `nil` skips its events.
    public init(resolve: @escaping (String) -> SymbolID?) { self.resolve = resolve }

    /// A line's fields by key, as byte slices of the line.
    private struct Fields {
        var keys: [UInt64] = []
        var values: [UnsafeBufferPointer<UInt8>] = []

        func value(_ key: StaticString) -> UnsafeBufferPointer<UInt8>? {
            let word = Self.pack(UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            guard let i = keys.firstIndex(of: word) else { return nil }
            return values[i]
        }

        func integer(_ key: StaticString) -> Int64? { value(key).map(FlatObjectScanner.integer) }
        func price(_ key: StaticString) -> Price { Price(units: value(key).map { FlatObjectScanner.fixed($0, scale: 4) } ?? 0) }
        func stamp(_ key: StaticString) -> Timestamp? { integer(key).map(Timestamp.init(nanoseconds:)) }
        func tape() -> Tape { Tape(rawValue: UInt8(clamping: integer("z") ?? 1)) ?? .a }

        /// Sale-condition codes, `[14,41]`: integers between the brackets.
        func conditions(_ key: StaticString) -> TradeConditions {
            var conditions = TradeConditions()
            guard let list = value(key) else { return conditions }
            var n: Int64 = -1
            for b in list {
                if b >= 48, b <= 57 { n = max(n, 0) * 10 + Int64(b - 48) } else if n >= 0 { conditions.insert(UInt8(clamping: n)); n = -1 }
            }
            if n >= 0 { conditions.insert(UInt8(clamping: n)) }
            return conditions
        }

        static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
            var word: UInt64 = 0, shift: UInt64 = 0
            for b in bytes.prefix(8) {
                word |= UInt64(b) << shift
                shift += 8
            }
            return word
        }
    }

    /// The event a line holds, or `nil` for a line that is not one (blank, unknown kind, unknown
    /// ticker, a missing stamp).
    public mutating func decode(_ line: UnsafeBufferPointer<UInt8>) -> MarketEvent? {
        var f = Fields()
        FlatObjectScanner().scan(line) { key, value in
            f.keys.append(Fields.pack(key))
            f.values.append(value)
        }
        guard let kindBytes = f.value("kind"), let symBytes = f.value("sym") else { return nil }
        let kind = String(decoding: kindBytes, as: UTF8.self)
        guard let symbol = id(String(decoding: symBytes, as: UTF8.self)) else { return nil }
        switch kind {
        case "trade": return trade(f, symbol).map(MarketEvent.trade)
        case "quote":
            guard let t = f.stamp("t") else { return nil }
            return .quote(Quote(
                symbol: symbol, timestamp: t, sequence: f.integer("q") ?? 0,
                bidPrice: f.price("bp"), bidSize: Int32(clamping: f.integer("bs") ?? 0), bidExchange: UInt8(clamping: f.integer("bx") ?? 0),
                askPrice: f.price("ap"), askSize: Int32(clamping: f.integer("as") ?? 0), askExchange: UInt8(clamping: f.integer("ax") ?? 0),
                condition: UInt8(clamping: f.integer("c") ?? 0), tape: f.tape()
            ))
        case "second_bar": return bar(f, symbol, .second)
        case "minute_bar": return bar(f, symbol, .minute)
        case "daily_bar": return bar(f, symbol, .day)
        case "status":
            guard let t = f.stamp("t"), let statusBytes = f.value("status") else { return nil }
            let change: TradingStatus.Change
            switch String(decoding: statusBytes, as: UTF8.self) {
            case "halted": change = .halted
            case "quotation_resumed": change = .quotationResumed
            case "resumed": change = .resumed
            default: return nil
            }
            // A reason Tickforge has no name for reads as news pending (T1), the commonest halt.
            let reason = f.value("reason").flatMap { HaltReason(rawValue: String(decoding: $0, as: UTF8.self)) } ?? .newsPending
            return .status(TradingStatus(symbol: symbol, timestamp: t, change: change, reason: reason, tape: f.tape()))
        case "luld":
            guard let t = f.stamp("t") else { return nil }
            return .luld(LULDBand(symbol: symbol, timestamp: t, sequence: f.integer("q") ?? 0, limitUp: f.price("h"), limitDown: f.price("l"),
                                  indicator: UInt8(clamping: f.integer("i") ?? 0), tape: f.tape()))
        case "cancel", "correction", "error":
            guard let t = f.stamp("t") else { return nil }
            let id = f.integer("i") ?? 0
            let original = TradeCorrection.Print(id: id, price: f.price("p"), size: Int32(clamping: f.integer("s") ?? 0), conditions: f.conditions("c"))
            let outcome: TradeCorrection.Outcome
            switch kind {
            case "correction":
                // Lines written before `ci` was recorded name the id a scenario's correction gets.
                outcome = .corrected(TradeCorrection.Print(id: f.integer("ci") ?? TradeCorrection.correctedID(of: id), price: f.price("cp"),
                                                           size: Int32(clamping: f.integer("cs") ?? 0), conditions: f.conditions("cc")))
            case "cancel": outcome = .cancelled
            default: outcome = .erroneous
            }
            return .correction(TradeCorrection(symbol: symbol, timestamp: t, exchange: UInt8(clamping: f.integer("x") ?? 0), tape: f.tape(),
                                               original: original, outcome: outcome))
        default:
            return nil
        }
    }

    private mutating func id(_ ticker: String) -> SymbolID? {
        if let id = ids[ticker] { return id }
        guard let id = resolve(ticker) else { return nil }
        ids[ticker] = id
        return id
    }

    private func trade(_ f: Fields, _ symbol: SymbolID) -> Trade? {
        guard let t = f.stamp("t") else { return nil }
        return Trade(symbol: symbol, timestamp: t, participantTimestamp: f.stamp("pt") ?? t, sequence: f.integer("q") ?? 0, id: f.integer("i") ?? 0,
                     price: f.price("p"), size: Int32(clamping: f.integer("s") ?? 0), exchange: UInt8(clamping: f.integer("x") ?? 0),
                     tape: f.tape(), conditions: f.conditions("c"), trfID: UInt16(clamping: f.integer("trfi") ?? 0), trfTimestamp: f.stamp("trft"))
    }

    private func bar(_ f: Fields, _ symbol: SymbolID, _ span: BarSpan) -> MarketEvent? {
        guard let start = f.stamp("s"), let end = f.stamp("e") else { return nil }
        let volume = f.integer("v") ?? 0, dayVolume = f.integer("av") ?? 0
        // VWAPs come as decimals; their sums over volume give them back.
        func notional(_ key: StaticString, _ volume: Int64) -> Int64 {
            let micro = f.value(key).map { FlatObjectScanner.fixed($0, scale: NDJSONEncoder.vwapDecimals) } ?? 0
            let (product, overflow) = micro.multipliedReportingOverflow(by: volume)
            return overflow ? 0 : (product + 50) / 100
        }
        return .bar(Bar(
            symbol: symbol, span: span, start: start, end: end, open: f.price("o"), high: f.price("h"), low: f.price("l"), close: f.price("c"),
            volume: volume, tradeCount: Int32(clamping: f.integer("n") ?? 0), vwapVolume: volume, notional: notional("vw", volume),
            dayVolume: dayVolume, dayVWAPVolume: dayVolume, dayNotional: notional("a", dayVolume), officialOpen: f.price("op")
        ))
    }
}
