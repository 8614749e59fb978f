import TickforgeMarket

/// Reads frames of an Alpaca stock stream (JSON), as an upstream sends them to a proxy: trades,
/// quotes, minute and daily bars, trading statuses, LULD bands, corrections and cancels become `MarketEvent`s in the
/// market's own numbering (Polygon's exchange ids and condition codes, sizes in shares), and
/// `success`, `error` and `subscription` messages come back as notices.
///
/// What the wire rounds stays rounded: a quote's sizes are lots, so shares come back as lots
/// times the round lot; a bar's VWAP comes back to six decimals.
public struct AlpacaWireDecoder: UpstreamDecoding {
    private var reader: WireFrameReader

    public init(resolve: @escaping (String) -> SymbolID?) { reader = WireFrameReader(resolve: resolve) }

    public mutating func decode(_ frame: [UInt8]) -> UpstreamFrame {
        var out = UpstreamFrame()
        frame.withUnsafeBufferPointer { buffer in
            reader.forEachObject(in: buffer) { fields, _, ids in Self.take(fields, buffer, &ids, into: &out) }
        }
        return out
    }

    private static func take(_ f: WireFields, _ buffer: UnsafeBufferPointer<UInt8>, _ ids: inout TickerIDs, into out: inout UpstreamFrame) {
        guard let type = f.string(.bigT, buffer) else { out.skipped += 1; return }
        switch type {
        case "success":
            out.notices.append(UpstreamNotice(status: "success", message: f.string(.msg, buffer) ?? ""))
            return
        case "error":
            let code = f.number(.code)?.integer ?? 0
            out.notices.append(UpstreamNotice(status: "error", message: "\(code) \(f.string(.msg, buffer) ?? "")"))
            return
        case "subscription":
            out.notices.append(UpstreamNotice(status: "subscription", message: ""))
            return
        default:
            break
        }
        guard let tickerRange = f.textRange(.bigS), let symbol = ids.id(buffer[tickerRange]),
              let t = f.string(.t, buffer).flatMap(RFC3339.parse) else {
            out.skipped += 1
            return
        }
        let event: MarketEvent?
        switch type {
        case "t": event = trade(f, buffer, symbol, t)
        case "q": event = quote(f, buffer, symbol, t)
        case "b": event = bar(f, symbol, start: t, span: .minute)
        case "d": event = bar(f, symbol, start: t, span: .day)
        case "c": event = correction(f, buffer, symbol, t)
        case "x": event = cancel(f, buffer, symbol, t)
        case "s": event = status(f, buffer, symbol, t)
        case "l":
            event = .luld(LULDBand(symbol: symbol, timestamp: t, sequence: 0, limitUp: Price(units: f.number(.u)?.fixed4 ?? 0),
                                   limitDown: Price(units: f.number(.d)?.fixed4 ?? 0), indicator: 0, tape: Self.tape(f, buffer)))
        default: event = nil
        }
        if let event { out.events.append(event) } else { out.skipped += 1 }
    }

    private static func trade(_ f: WireFields, _ buffer: UnsafeBufferPointer<UInt8>, _ symbol: SymbolID, _ t: Timestamp) -> MarketEvent? {
        func letter(_ k: WireKey) -> UInt8 { Self.letter(f, k, buffer) }
        guard let p = f.number(.p) else { return nil }
        return .trade(Trade(
            symbol: symbol, timestamp: t, participantTimestamp: t, sequence: 0, id: f.number(.i)?.integer ?? 0, price: Price(units: p.fixed4),
            size: Int32(clamping: f.number(.s)?.integer ?? 0), exchange: Self.exchangeIDs[Int(letter(.x))], tape: Self.tape(letter: letter(.z)),
            conditions: conditions(f.list), trfID: 0, trfTimestamp: nil
        ))
    }

    /// `c`: the original print (`oi`, `op`, `os`, `oc`) and the one it became (`ci`, `cp`, `cs`, `cc`).
    private static func correction(_ f: WireFields, _ buffer: UnsafeBufferPointer<UInt8>, _ symbol: SymbolID, _ t: Timestamp) -> MarketEvent? {
        guard let oi = f.number(.oi), let op = f.number(.op), let ci = f.number(.ci), let cp = f.number(.cp) else { return nil }
        let original = TradeCorrection.Print(id: oi.integer, price: Price(units: op.fixed4), size: Int32(clamping: f.number(.os)?.integer ?? 0),
                                             conditions: conditions(f.list))
        let corrected = TradeCorrection.Print(id: ci.integer, price: Price(units: cp.fixed4), size: Int32(clamping: f.number(.cs)?.integer ?? 0),
                                              conditions: conditions(f.correctedList))
        return .correction(TradeCorrection(symbol: symbol, timestamp: t, exchange: exchangeIDs[Int(letter(f, .x, buffer))], tape: tape(f, buffer),
                                           original: original, outcome: .corrected(corrected)))
    }

    /// `x`: a print cancelled (action `C`) or in error (`E`).
    private static func cancel(_ f: WireFields, _ buffer: UnsafeBufferPointer<UInt8>, _ symbol: SymbolID, _ t: Timestamp) -> MarketEvent? {
        guard f.number(.i) != nil || f.textRange(.i) != nil, let p = f.number(.p) else { return nil }
        let original = TradeCorrection.Print(id: f.tradeID(buffer), price: Price(units: p.fixed4), size: Int32(clamping: f.number(.s)?.integer ?? 0),
                                             conditions: TradeConditions())
        return .correction(TradeCorrection(symbol: symbol, timestamp: t, exchange: exchangeIDs[Int(letter(f, .x, buffer))], tape: tape(f, buffer),
                                           original: original, outcome: letter(f, .a, buffer) == UInt8(ascii: "E") ? .erroneous : .cancelled))
    }

    /// Alpaca's condition characters as the market's codes.
    private static func conditions(_ characters: TradeConditions) -> TradeConditions {
        var codes = TradeConditions()
        for ch in characters { if let code = conditionCode(ch) { codes.insert(code) } }
        return codes
    }

    private static func quote(_ f: WireFields, _ buffer: UnsafeBufferPointer<UInt8>, _ symbol: SymbolID, _ t: Timestamp) -> MarketEvent? {
        func letter(_ k: WireKey) -> UInt8 { Self.letter(f, k, buffer) }
        let bid = Price(units: f.number(.bp)?.fixed4 ?? 0), ask = Price(units: f.number(.ap)?.fixed4 ?? 0)
        func shares(_ key: WireKey, _ price: Price) -> Int32 { Int32(clamping: (f.number(key)?.integer ?? 0) * Int64(max(1, price.roundLot))) }
        return .quote(Quote(
            symbol: symbol, timestamp: t, sequence: 0, bidPrice: bid, bidSize: shares(.bs, bid), bidExchange: Self.exchangeIDs[Int(letter(.bx))],
            askPrice: ask, askSize: shares(.as, ask), askExchange: Self.exchangeIDs[Int(letter(.ax))], condition: 0, tape: Self.tape(letter: letter(.z))
        ))
    }

    private static func bar(_ f: WireFields, _ symbol: SymbolID, start: Timestamp, span: BarSpan) -> MarketEvent? {
        func price(_ k: WireKey) -> Price { Price(units: f.number(k)?.fixed4 ?? 0) }
        let volume = f.number(.v)?.integer ?? 0
        // The VWAP has six decimals and a bar's sums four: a hundredfold VWAP volume keeps all six.
        let vwapMicros = f.number(.vw)?.fixed(decimals: 6) ?? 0
        let (notional, overflow) = vwapMicros.multipliedReportingOverflow(by: volume)
        let (vwapVolume, overflow2) = volume.multipliedReportingOverflow(by: 100)
        return .bar(Bar(
            symbol: symbol, span: span, start: start, end: start + span.nanoseconds, open: price(.o), high: price(.h), low: price(.l), close: price(.c),
            volume: volume, tradeCount: Int32(clamping: f.number(.n)?.integer ?? 0), vwapVolume: overflow || overflow2 ? 0 : vwapVolume,
            notional: overflow || overflow2 ? 0 : notional,
            dayVolume: 0, dayVWAPVolume: 0, dayNotional: 0, officialOpen: price(.o)
        ))
    }

    private static func status(_ f: WireFields, _ buffer: UnsafeBufferPointer<UInt8>, _ symbol: SymbolID, _ t: Timestamp) -> MarketEvent? {
        let change: TradingStatus.Change
        switch f.string(.sc, buffer) {
        case "H", "P", "2": change = .halted
        case "Q": change = .quotationResumed
        case "T", "3": change = .resumed
        default: return nil
        }
        let reason: HaltReason
        switch f.string(.rc, buffer) {
        case "LUDP", "M": reason = .volatilityPause
        case "H10", "X": reason = .secSuspension
        default: reason = .newsPending
        }
        return .status(TradingStatus(symbol: symbol, timestamp: t, change: change, reason: reason, tape: Self.tape(f, buffer)))
    }

    // MARK: Alpaca's letters back to the market's numbers

    /// Polygon exchange ids by SIP participant letter (the inverse of `AlpacaVocabulary`'s).
    static let exchangeIDs: [UInt8] = {
        var ids = [UInt8](repeating: 4, count: 256)
        for id in 1...21 { ids[Int(AlpacaVocabulary.exchange(UInt8(id)))] = UInt8(id) }
        return ids
    }()

    /// A SIP sale-condition character as the market's code; `nil` for the regular-sale marks and
    /// characters the market has no code for.
    static func conditionCode(_ ch: UInt8) -> UInt8? {
        switch ch {
        case UInt8(ascii: "T"): TradeConditions.formT
        case UInt8(ascii: "F"): TradeConditions.intermarketSweep
        case UInt8(ascii: "I"): TradeConditions.oddLot
        case UInt8(ascii: "B"), UInt8(ascii: "W"): TradeConditions.averagePrice
        case UInt8(ascii: "5"): TradeConditions.reopening
        default: nil
        }
    }

    static func tape(letter: UInt8) -> Tape {
        switch letter {
        case UInt8(ascii: "B"): .b
        case UInt8(ascii: "C"): .c
        default: .a
        }
    }

    static func tape(_ f: WireFields, _ buffer: UnsafeBufferPointer<UInt8>) -> Tape { tape(letter: letter(f, .z, buffer)) }

    /// The first character of a one-letter field (0 when absent).
    static func letter(_ f: WireFields, _ key: WireKey, _ buffer: UnsafeBufferPointer<UInt8>) -> UInt8 {
        f.textRange(key).flatMap { $0.isEmpty ? nil : buffer[$0.lowerBound] } ?? 0
    }
}
