import TickforgeMarket

/// Alpaca market-data REST rows in the vendor's words (protocol notes §3, §4): the stream's
/// letters for exchanges, tapes and conditions, RFC 3339 stamps with the nanoseconds trimmed,
/// sizes and counts as JSON integers, quote sizes in round lots.
public enum AlpacaRESTRows {
    /// `{t,o,h,l,c,v,n,vw}`: alpaca-py requires `n` and `vw`.
    public static func bar(_ bar: AggregateBar, into b: inout JSONBody) {
        b.beginObject()
        b.key("t"); b.time(bar.start)
        b.key("o"); b.price(bar.open)
        b.key("h"); b.price(bar.high)
        b.key("l"); b.price(bar.low)
        b.key("c"); b.price(bar.close)
        b.key("v"); b.int(bar.volume)
        b.key("n"); b.int(bar.tradeCount)
        b.key("vw"); b.number(bar.vwap, decimals: 6)
        b.endObject()
    }

    /// `{t,x,p,s,c,i,z}`, as on the stream.
    public static func trade(_ t: Trade, into b: inout JSONBody) {
        b.beginObject()
        b.key("t"); b.time(t.timestamp)
        b.key("x"); b.letter(AlpacaVocabulary.exchange(t.exchange))
        b.key("p"); b.price(t.price)
        b.key("s"); b.int(Int64(t.size))
        let conditions = AlpacaVocabulary.conditions(t.conditions, tape: t.tape)
        b.key("c"); b.beginArray()
        withUnsafeBytes(of: conditions.chars) { chars in
            for i in 0..<conditions.count { b.letter(chars[i]) }
        }
        b.endArray()
        b.key("i"); b.int(t.id)
        b.key("z"); b.letter(AlpacaVocabulary.tape(t.tape))
        b.endObject()
    }

    /// `{t,ax,ap,as,bx,bp,bs,c,z}`, sizes in round lots as on the stream.
    public static func quote(_ q: Quote, into b: inout JSONBody) {
        b.beginObject()
        b.key("t"); b.time(q.timestamp)
        b.key("ax"); b.letter(AlpacaVocabulary.exchange(q.askExchange))
        b.key("ap"); b.price(q.askPrice)
        b.key("as"); b.int(AlpacaEncoder.lots(q.askSize, at: q.askPrice))
        b.key("bx"); b.letter(AlpacaVocabulary.exchange(q.bidExchange))
        b.key("bp"); b.price(q.bidPrice)
        b.key("bs"); b.int(AlpacaEncoder.lots(q.bidSize, at: q.bidPrice))
        b.key("c"); b.beginArray(); b.letter(AlpacaVocabulary.quoteCondition); b.endArray()
        b.key("z"); b.letter(AlpacaVocabulary.tape(q.tape))
        b.endObject()
    }

    /// A snapshot's members (the caller opens and closes the object, so the single-symbol form can
    /// add `symbol`). Members the market has nothing for are left out. Before today has prices
    /// (pre-market), the daily bar is still the last session's, as on Alpaca.
    public static func snapshotMembers(_ s: SymbolSnapshot, into b: inout JSONBody) {
        if let t = s.lastTrade { b.key("latestTrade"); trade(t, into: &b) }
        if let q = s.lastQuote { b.key("latestQuote"); quote(q, into: &b) }
        if let m = s.minuteBar { b.key("minuteBar"); bar(m, into: &b) }
        let (daily, previous) = s.today != nil ? (s.today, s.previousDay) : (s.previousDay, s.sessionBeforePrevious)
        if let d = daily { b.key("dailyBar"); bar(d, into: &b) }
        if let p = previous { b.key("prevDailyBar"); bar(p, into: &b) }
    }
}
