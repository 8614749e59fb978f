import TickforgeMarket

/// Writes market events as NDJSON, one object per line with a `kind` field.
///
/// Hand-written so a full-session export runs at generation speed: no `JSONEncoder`, no
/// intermediate strings; prices print from fixed point. Field names follow Polygon's where one
/// exists; every timestamp is in **nanoseconds** since the epoch.
///
/// ```
/// {"kind":"trade","sym":"AAPL","t":…,"q":…,"i":…,"p":230.15,"s":100,"x":12,"z":3,"c":[14,41],"pt":…}
/// {"kind":"quote","sym":"AAPL","t":…,"q":…,"bp":230.14,"bs":300,"bx":12,"ap":230.15,"as":200,"ax":19,"c":0,"z":3}
/// {"kind":"minute_bar","sym":"AAPL","s":…,"e":…,"o":…,"h":…,"l":…,"c":…,"v":…,"vw":…,"n":…,"z":…,"av":…,"op":…,"a":…}
/// {"kind":"correction","sym":"AAPL","t":…,"i":…,"p":230.15,"s":100,"x":12,"z":3,"c":[37],"ci":…,"cp":230.16,"cs":100,"cc":[37]}
/// ```
///
/// A cancel and an error (`"kind":"cancel"`, `"kind":"error"`) carry the original print only.
public struct NDJSONEncoder {
    /// Pre-encoded `"sym":"TICKER"` fragments, indexed by symbol id.
    private var symbolFragments: [[UInt8]] = []

    public init() {}

    /// Registers the ticker of a symbol id (call once per id, in id order or not).
    public mutating func register(_ id: SymbolID, ticker: String) {
        while symbolFragments.count <= Int(id) { symbolFragments.append([]) }
        symbolFragments[Int(id)] = Array(",\"sym\":\"\(ticker)\"".utf8)
    }

    @inline(__always) private func key(_ k: StaticString, _ out: inout [UInt8]) {
        k.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    public func encode(_ event: MarketEvent, into out: inout [UInt8]) {
        switch event {
        case .trade(let t):
            key("{\"kind\":\"trade\"", &out)
            out.append(contentsOf: symbolFragments[Int(t.symbol)])
            key(",\"t\":", &out); DecimalText.appendInteger(t.timestamp.nanoseconds, to: &out)
            key(",\"q\":", &out); DecimalText.appendInteger(t.sequence, to: &out)
            key(",\"i\":", &out); DecimalText.appendInteger(t.id, to: &out)
            key(",\"p\":", &out); DecimalText.appendFixed(t.price.units, scale: 4, to: &out)
            key(",\"s\":", &out); DecimalText.appendInteger(Int64(t.size), to: &out)
            key(",\"x\":", &out); DecimalText.appendInteger(Int64(t.exchange), to: &out)
            key(",\"z\":", &out); DecimalText.appendInteger(Int64(t.tape.rawValue), to: &out)
            if !t.conditions.isEmpty {
                key(",\"c\":", &out)
                t.conditions.appendJSONArray(to: &out)
            }
            key(",\"pt\":", &out); DecimalText.appendInteger(t.participantTimestamp.nanoseconds, to: &out)
            if let trft = t.trfTimestamp {
                key(",\"trfi\":", &out); DecimalText.appendInteger(Int64(t.trfID), to: &out)
                key(",\"trft\":", &out); DecimalText.appendInteger(trft.nanoseconds, to: &out)
            }
            key("}\n", &out)
        case .quote(let q):
            key("{\"kind\":\"quote\"", &out)
            out.append(contentsOf: symbolFragments[Int(q.symbol)])
            key(",\"t\":", &out); DecimalText.appendInteger(q.timestamp.nanoseconds, to: &out)
            key(",\"q\":", &out); DecimalText.appendInteger(q.sequence, to: &out)
            key(",\"bp\":", &out); DecimalText.appendFixed(q.bidPrice.units, scale: 4, to: &out)
            key(",\"bs\":", &out); DecimalText.appendInteger(Int64(q.bidSize), to: &out)
            key(",\"bx\":", &out); DecimalText.appendInteger(Int64(q.bidExchange), to: &out)
            key(",\"ap\":", &out); DecimalText.appendFixed(q.askPrice.units, scale: 4, to: &out)
            key(",\"as\":", &out); DecimalText.appendInteger(Int64(q.askSize), to: &out)
            key(",\"ax\":", &out); DecimalText.appendInteger(Int64(q.askExchange), to: &out)
            key(",\"c\":", &out); DecimalText.appendInteger(Int64(q.condition), to: &out)
            key(",\"z\":", &out); DecimalText.appendInteger(Int64(q.tape.rawValue), to: &out)
            key("}\n", &out)
        case .bar(let b):
            switch b.span {
            case .second: key("{\"kind\":\"second_bar\"", &out)
            case .minute: key("{\"kind\":\"minute_bar\"", &out)
            case .day: key("{\"kind\":\"daily_bar\"", &out)
            }
            out.append(contentsOf: symbolFragments[Int(b.symbol)])
            key(",\"s\":", &out); DecimalText.appendInteger(b.start.nanoseconds, to: &out)
            key(",\"e\":", &out); DecimalText.appendInteger(b.end.nanoseconds, to: &out)
            key(",\"o\":", &out); DecimalText.appendFixed(b.open.units, scale: 4, to: &out)
            key(",\"h\":", &out); DecimalText.appendFixed(b.high.units, scale: 4, to: &out)
            key(",\"l\":", &out); DecimalText.appendFixed(b.low.units, scale: 4, to: &out)
            key(",\"c\":", &out); DecimalText.appendFixed(b.close.units, scale: 4, to: &out)
            key(",\"v\":", &out); DecimalText.appendInteger(b.volume, to: &out)
            key(",\"vw\":", &out); DecimalText.appendRounded(b.vwap, scale: Self.vwapDecimals, to: &out)
            key(",\"n\":", &out); DecimalText.appendInteger(Int64(b.tradeCount), to: &out)
            key(",\"z\":", &out); DecimalText.appendInteger(b.averageSize, to: &out)
            key(",\"av\":", &out); DecimalText.appendInteger(b.dayVolume, to: &out)
            key(",\"op\":", &out); DecimalText.appendFixed(b.officialOpen.units, scale: 4, to: &out)
            key(",\"a\":", &out); DecimalText.appendRounded(b.dayVWAP, scale: Self.vwapDecimals, to: &out)
            key("}\n", &out)
        case .status(let st):
            key("{\"kind\":\"status\"", &out)
            out.append(contentsOf: symbolFragments[Int(st.symbol)])
            key(",\"t\":", &out); DecimalText.appendInteger(st.timestamp.nanoseconds, to: &out)
            switch st.change {
            case .halted: key(",\"status\":\"halted\"", &out)
            case .quotationResumed: key(",\"status\":\"quotation_resumed\"", &out)
            case .resumed: key(",\"status\":\"resumed\"", &out)
            }
            key(",\"reason\":\"", &out); out.append(contentsOf: Array(st.reason.rawValue.utf8)); key("\"", &out)
            key(",\"z\":", &out); DecimalText.appendInteger(Int64(st.tape.rawValue), to: &out)
            key("}\n", &out)
        case .luld(let l):
            key("{\"kind\":\"luld\"", &out)
            out.append(contentsOf: symbolFragments[Int(l.symbol)])
            key(",\"t\":", &out); DecimalText.appendInteger(l.timestamp.nanoseconds, to: &out)
            key(",\"q\":", &out); DecimalText.appendInteger(l.sequence, to: &out)
            key(",\"h\":", &out); DecimalText.appendFixed(l.limitUp.units, scale: 4, to: &out)
            key(",\"l\":", &out); DecimalText.appendFixed(l.limitDown.units, scale: 4, to: &out)
            key(",\"i\":", &out); DecimalText.appendInteger(Int64(l.indicator), to: &out)
            key(",\"z\":", &out); DecimalText.appendInteger(Int64(l.tape.rawValue), to: &out)
            key("}\n", &out)
        case .correction(let c):
            switch c.outcome {
            case .corrected: key("{\"kind\":\"correction\"", &out)
            case .cancelled: key("{\"kind\":\"cancel\"", &out)
            case .erroneous: key("{\"kind\":\"error\"", &out)
            }
            out.append(contentsOf: symbolFragments[Int(c.symbol)])
            key(",\"t\":", &out); DecimalText.appendInteger(c.timestamp.nanoseconds, to: &out)
            key(",\"i\":", &out); DecimalText.appendInteger(c.original.id, to: &out)
            key(",\"p\":", &out); DecimalText.appendFixed(c.original.price.units, scale: 4, to: &out)
            key(",\"s\":", &out); DecimalText.appendInteger(Int64(c.original.size), to: &out)
            key(",\"x\":", &out); DecimalText.appendInteger(Int64(c.exchange), to: &out)
            key(",\"z\":", &out); DecimalText.appendInteger(Int64(c.tape.rawValue), to: &out)
            if !c.original.conditions.isEmpty {
                key(",\"c\":", &out)
                c.original.conditions.appendJSONArray(to: &out)
            }
            if let fixed = c.corrected {
                key(",\"ci\":", &out); DecimalText.appendInteger(fixed.id, to: &out)
                key(",\"cp\":", &out); DecimalText.appendFixed(fixed.price.units, scale: 4, to: &out)
                key(",\"cs\":", &out); DecimalText.appendInteger(Int64(fixed.size), to: &out)
                if !fixed.conditions.isEmpty {
                    key(",\"cc\":", &out)
                    fixed.conditions.appendJSONArray(to: &out)
                }
            }
            key("}\n", &out)
        }
    }

    /// VWAPs print with this many decimals; readers rebuilding bars round the same way.
    public static let vwapDecimals = 6
}
