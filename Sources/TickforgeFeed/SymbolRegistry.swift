import TickforgeMarket

/// Every ticker the hub can name: the id it goes by, and which source its events come from.
///
/// The synthetic market's tickers go by their tape's index, below `maxSymbols`; when the hub has a
/// live source (a proxy's upstream, a replay, FAKEPACA), every other ticker goes by an id of that
/// source's `LiveSymbolTable`, at or above it. The hub asks here and nowhere else, so nothing
/// outside this type knows where one range ends and the other begins, or that synthetic ids are
/// tape indexes.
struct SymbolRegistry {
    /// Where a symbol's events come from.
    enum Source: Equatable {
        /// The synthetic market, released by the shards' engines.
        case synthetic
        /// A live source, published into the hub as they arrive.
        case live
    }

    struct Resolved: Equatable {
        var id: SymbolID
        var source: Source
        /// A synthetic ticker named for the first time (an open universe's new tape): the
        /// encoders and factories must learn it.
        var isNew: Bool
    }

    /// Used only to resolve tickers; the minutes come from the shards' own markets.
    private let market: Market
    let live: LiveSymbolTable?
    /// Most synthetic tickers there will ever be (an open universe's bound).
    let maxSymbols: Int
    /// The fixed universe's ids, in order: the first tapes, given at the start.
    let universe: [SymbolID]

    init(market: sending Market, live: LiveSymbolTable?, maxSymbols: Int) {
        precondition(live.map { Int($0.base) >= maxSymbols } ?? true, "live ids must start above every tape id")
        universe = market.universe.symbols.compactMap { market.symbolID(for: $0) }
        self.market = market
        self.live = live
        self.maxSymbols = maxSymbols
    }

    /// The id of `ticker`, giving it one on first use. `nil` when it can have none: outside a
    /// fixed universe without a live source, or past the open universe's or the live table's bound.
    func resolve(_ ticker: String) -> Resolved? {
        if let live, !market.universe.contains(ticker) {
            return live.id(for: Universe.normalize(ticker)).map { Resolved(id: $0, source: .live, isNew: false) }
        }
        let known = market.symbolCount
        // In an open universe every new ticker gets a tape; the bound keeps clients that subscribe
        // to endless made-up tickers from growing the server's memory without bound.
        if known >= maxSymbols, !market.hasSymbol(ticker) { return nil }
        guard let id = market.symbolID(for: ticker) else { return nil }
        return Resolved(id: id, source: .synthetic, isNew: Int(id) >= known)
    }

    /// The id of a ticker that has one already; never gives one.
    func existing(_ ticker: String) -> SymbolID? {
        if market.hasSymbol(ticker) { return market.symbolID(for: ticker) }
        return live?.existingID(for: Universe.normalize(ticker))
    }

    func source(of id: SymbolID) -> Source { Int(id) < maxSymbols ? .synthetic : .live }

    /// The ticker an id goes by.
    func ticker(of id: SymbolID) -> String? {
        switch source(of: id) {
        case .synthetic: Int(id) < market.symbolCount ? market.ticker(of: id) : nil
        case .live: live?.ticker(of: id)
        }
    }
}
