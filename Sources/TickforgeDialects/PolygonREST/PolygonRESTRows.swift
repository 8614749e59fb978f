import TickforgeMarket

/// Polygon/Massive REST rows in the vendor's words (protocol notes §2.3–§2.10): bars with
/// millisecond stamps, trades and quotes with nanosecond stamps, ids as strings, every integer
/// field a JSON integer (the Go client decodes them as `int64`).
public enum PolygonRESTRows {
    /// An aggregate bar: `v vw o c h l t n`, `t` in milliseconds; `stamp` overrides the bar's
    /// start (previous close and grouped bars are stamped at 16:00 New York).
    public static func bar(_ bar: AggregateBar, ticker: String? = nil, stamp: Timestamp? = nil, into b: inout JSONBody) {
        b.beginObject()
        if let ticker { b.key("T"); b.string(ticker) }
        b.key("v"); b.int(bar.volume)
        b.key("vw"); b.number(bar.vwap, decimals: 4)
        b.key("o"); b.price(bar.open)
        b.key("c"); b.price(bar.close)
        b.key("h"); b.price(bar.high)
        b.key("l"); b.price(bar.low)
        b.key("t"); b.int((stamp ?? bar.start).milliseconds)
        b.key("n"); b.int(bar.tradeCount)
        b.endObject()
    }

    /// `/v2/last/trade`'s result: one-letter keys, nanosecond stamps.
    public static func lastTrade(_ t: Trade, ticker: String, into b: inout JSONBody) {
        b.beginObject()
        b.key("T"); b.string(ticker)
        conditions(t.conditions, into: &b)
        b.key("i"); b.string(String(t.id))
        b.key("p"); b.price(t.price)
        b.key("s"); b.int(Int64(t.size))
        b.key("x"); b.int(Int64(t.exchange))
        if t.trfTimestamp != nil { b.key("r"); b.int(Int64(t.trfID)) }
        b.key("z"); b.int(Int64(t.tape.rawValue))
        b.key("t"); b.int(t.timestamp.nanoseconds)
        b.key("y"); b.int(t.participantTimestamp.nanoseconds)
        if let f = t.trfTimestamp { b.key("f"); b.int(f.nanoseconds) }
        b.key("q"); b.int(t.sequence)
        b.key("ds"); b.string(decimalSize(t.size))
        b.endObject()
    }

    /// `/v2/last/nbbo`'s result: ask `P S X`, bid `p s x`.
    public static func lastQuote(_ q: Quote, ticker: String, into b: inout JSONBody) {
        b.beginObject()
        b.key("T"); b.string(ticker)
        b.key("p"); b.price(q.bidPrice)
        b.key("s"); b.int(Int64(q.bidSize))
        b.key("x"); b.int(Int64(q.bidExchange))
        b.key("P"); b.price(q.askPrice)
        b.key("S"); b.int(Int64(q.askSize))
        b.key("X"); b.int(Int64(q.askExchange))
        b.key("c"); b.beginArray(); b.int(Int64(q.condition)); b.endArray()
        b.key("z"); b.int(Int64(q.tape.rawValue))
        b.key("t"); b.int(q.timestamp.nanoseconds)
        b.key("y"); b.int(q.timestamp.nanoseconds - participantLead)
        b.key("q"); b.int(q.sequence)
        b.endObject()
    }

    /// A `/v3/trades` row.
    public static func tradeRow(_ t: Trade, into b: inout JSONBody) {
        b.beginObject()
        if !t.conditions.isEmpty {
            b.key("conditions"); b.beginArray()
            for code in t.conditions { b.int(Int64(code)) }
            b.endArray()
        }
        b.key("exchange"); b.int(Int64(t.exchange))
        b.key("id"); b.string(String(t.id))
        b.key("participant_timestamp"); b.int(t.participantTimestamp.nanoseconds)
        b.key("price"); b.price(t.price)
        b.key("sequence_number"); b.int(t.sequence)
        b.key("sip_timestamp"); b.int(t.timestamp.nanoseconds)
        b.key("size"); b.int(Int64(t.size))
        b.key("decimal_size"); b.string(decimalSize(t.size))
        b.key("tape"); b.int(Int64(t.tape.rawValue))
        if let f = t.trfTimestamp {
            b.key("trf_id"); b.int(Int64(t.trfID))
            b.key("trf_timestamp"); b.int(f.nanoseconds)
        }
        b.endObject()
    }

    /// A `/v3/quotes` row.
    public static func quoteRow(_ q: Quote, into b: inout JSONBody) {
        b.beginObject()
        b.key("ask_exchange"); b.int(Int64(q.askExchange))
        b.key("ask_price"); b.price(q.askPrice)
        b.key("ask_size"); b.int(Int64(q.askSize))
        b.key("bid_exchange"); b.int(Int64(q.bidExchange))
        b.key("bid_price"); b.price(q.bidPrice)
        b.key("bid_size"); b.int(Int64(q.bidSize))
        b.key("conditions"); b.beginArray(); b.int(Int64(q.condition)); b.endArray()
        b.key("participant_timestamp"); b.int(q.timestamp.nanoseconds - participantLead)
        b.key("sequence_number"); b.int(q.sequence)
        b.key("sip_timestamp"); b.int(q.timestamp.nanoseconds)
        b.key("tape"); b.int(Int64(q.tape.rawValue))
        b.endObject()
    }

    /// A `/v2/snapshot/…` ticker: the day, the last minute, the previous day, the last trade and
    /// quote, and the change from the previous close. Objects the market has nothing for are zeros
    /// (`day` before the day has prices), or left out (notes §1.2: never `null`).
    public static func snapshotTicker(_ s: SymbolSnapshot, ticker: String, into b: inout JSONBody) {
        b.beginObject()
        b.key("ticker"); b.string(ticker)
        let change = s.change
        b.key("todaysChange"); b.number(change?.amount ?? 0, decimals: 4)
        b.key("todaysChangePerc"); b.number(change?.percent ?? 0, decimals: 4)
        b.key("updated"); b.int(s.lastTrade?.timestamp.nanoseconds ?? 0)
        b.key("day"); dayBar(s.today, into: &b)
        if let m = s.minuteBar {
            b.key("min"); b.beginObject()
            b.key("av"); b.int(s.dayVolume)
            b.key("t"); b.int(m.start.milliseconds)
            b.key("n"); b.int(m.tradeCount)
            b.key("o"); b.price(m.open)
            b.key("h"); b.price(m.high)
            b.key("l"); b.price(m.low)
            b.key("c"); b.price(m.close)
            b.key("v"); b.int(m.volume)
            b.key("vw"); b.number(m.vwap, decimals: 4)
            b.endObject()
        }
        b.key("prevDay"); dayBar(s.previousDay, into: &b)
        if let t = s.lastTrade {
            b.key("lastTrade"); b.beginObject()
            conditions(t.conditions, into: &b)
            b.key("i"); b.string(String(t.id))
            b.key("p"); b.price(t.price)
            b.key("s"); b.int(Int64(t.size))
            b.key("t"); b.int(t.timestamp.nanoseconds)
            b.key("x"); b.int(Int64(t.exchange))
            b.key("ds"); b.string(decimalSize(t.size))
            b.endObject()
        }
        if let q = s.lastQuote {
            b.key("lastQuote"); b.beginObject()
            b.key("P"); b.price(q.askPrice)
            b.key("S"); b.int(Int64(q.askSize))
            b.key("p"); b.price(q.bidPrice)
            b.key("s"); b.int(Int64(q.bidSize))
            b.key("t"); b.int(q.timestamp.nanoseconds)
            b.endObject()
        }
        b.endObject()
    }

    private static func dayBar(_ bar: AggregateBar?, into b: inout JSONBody) {
        b.beginObject()
        b.key("o"); b.price(bar?.open ?? Price(units: 0))
        b.key("h"); b.price(bar?.high ?? Price(units: 0))
        b.key("l"); b.price(bar?.low ?? Price(units: 0))
        b.key("c"); b.price(bar?.close ?? Price(units: 0))
        b.key("v"); b.int(bar?.volume ?? 0)
        b.key("vw"); b.number(bar?.vwap ?? 0, decimals: 4)
        b.endObject()
    }

    private static func conditions(_ c: TradeConditions, into b: inout JSONBody) {
        guard !c.isEmpty else { return }
        b.key("c"); b.beginArray()
        for code in c { b.int(Int64(code)) }
        b.endArray()
    }

    /// Sizes as Massive's fractional-share strings: whole shares, `"236.0"`.
    static func decimalSize(_ size: Int32) -> String { "\(size).0" }

    /// A quote's exchange stamp leads the SIP's by this much (the market keeps only the SIP's).
    static let participantLead: Int64 = 180_000
}

extension PolygonRESTRows {
    /// A `/v3/snapshot` stocks item (notes §2.8): `session` with the change from the previous
    /// close, `last_trade`, `last_quote` and `last_minute`, every stamp in nanoseconds.
    /// `marketStatus` is `open`, `closed`, `early_trading` or `late_trading`.
    public static func universalSnapshot(_ s: SymbolSnapshot, ticker: String, name: String, marketStatus: String, into b: inout JSONBody) {
        b.beginObject()
        b.key("ticker"); b.string(ticker)
        b.key("type"); b.string("stocks")
        b.key("name"); b.string(name)
        b.key("market_status"); b.string(marketStatus)
        b.key("timeframe"); b.string("REAL-TIME")
        if let t = s.lastTrade { b.key("last_updated"); b.int(t.timestamp.nanoseconds) }
        b.key("session"); b.beginObject()
        let previousClose = s.previousDay?.close
        if let t = s.lastTrade { b.key("price"); b.price(t.price) }
        if let change = s.change {
            b.key("change"); b.number(change.amount, decimals: 4)
            b.key("change_percent"); b.number(change.percent, decimals: 4)
        }
        if let today = s.today {
            b.key("open"); b.price(today.open)
            b.key("high"); b.price(today.high)
            b.key("low"); b.price(today.low)
            b.key("close"); b.price(today.close)
            b.key("vwap"); b.number(today.vwap, decimals: 4)
            if let previousClose, previousClose.units > 0 {
                let regular = Double(today.close.units - previousClose.units) / Double(Price.unitsPerDollar)
                b.key("regular_trading_change"); b.number(regular, decimals: 4)
                b.key("regular_trading_change_percent"); b.number(regular / previousClose.dollars * 100, decimals: 4)
            }
        }
        if let previousClose { b.key("previous_close"); b.price(previousClose) }
        b.key("volume"); b.int(s.dayVolume)
        b.key("decimal_volume"); b.string("\(s.dayVolume).0")
        b.endObject()
        if let t = s.lastTrade {
            b.key("last_trade"); b.beginObject()
            b.key("id"); b.string(String(t.id))
            b.key("price"); b.price(t.price)
            b.key("size"); b.int(Int64(t.size))
            b.key("decimal_size"); b.string(decimalSize(t.size))
            b.key("exchange"); b.int(Int64(t.exchange))
            b.key("conditions"); b.beginArray(); for code in t.conditions { b.int(Int64(code)) }; b.endArray()
            b.key("sip_timestamp"); b.int(t.timestamp.nanoseconds)
            b.key("participant_timestamp"); b.int(t.participantTimestamp.nanoseconds)
            b.key("last_updated"); b.int(t.timestamp.nanoseconds)
            b.key("timeframe"); b.string("REAL-TIME")
            b.endObject()
        }
        if let q = s.lastQuote {
            b.key("last_quote"); b.beginObject()
            b.key("ask"); b.price(q.askPrice)
            b.key("ask_size"); b.int(Int64(q.askSize))
            b.key("ask_exchange"); b.int(Int64(q.askExchange))
            b.key("bid"); b.price(q.bidPrice)
            b.key("bid_size"); b.int(Int64(q.bidSize))
            b.key("bid_exchange"); b.int(Int64(q.bidExchange))
            b.key("midpoint"); b.number(Double(q.bidPrice.units + q.askPrice.units) / 2 / Double(Price.unitsPerDollar), decimals: 5)
            b.key("last_updated"); b.int(q.timestamp.nanoseconds)
            b.key("timeframe"); b.string("REAL-TIME")
            b.endObject()
        }
        if let m = s.minuteBar {
            b.key("last_minute"); b.beginObject()
            b.key("open"); b.price(m.open)
            b.key("high"); b.price(m.high)
            b.key("low"); b.price(m.low)
            b.key("close"); b.price(m.close)
            b.key("volume"); b.int(m.volume)
            b.key("vwap"); b.number(m.vwap, decimals: 4)
            b.key("transactions"); b.int(m.tradeCount)
            b.key("decimal_volume"); b.string("\(m.volume).0")
            b.endObject()
        }
        b.endObject()
    }
}
