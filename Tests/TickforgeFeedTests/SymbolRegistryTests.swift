import Testing
import TickforgeMarket
@testable import TickforgeFeed

@Suite("The symbol registry: one id per ticker, and which source makes it")
struct SymbolRegistryTests {
    func market(_ symbols: [String], open: Bool) -> Market {
        Market(configuration: MarketConfiguration(seed: 7, universe: try! Universe(seed: 7, symbols: symbols, isOpen: open)))
    }

    @Test("a fixed universe without a live source: its tickers are synthetic, any other has no id")
    func fixed() {
        let r = SymbolRegistry(market: market(["AAPL", "MSFT"], open: false), live: nil, maxSymbols: 100)
        #expect(r.universe.count == 2)
        let aapl = r.resolve("aapl")
        #expect(aapl?.source == .synthetic && aapl?.isNew == false && r.ticker(of: aapl!.id) == "AAPL")
        #expect(r.resolve("TSLA") == nil && r.existing("TSLA") == nil)
    }

    @Test("an open universe gives a new ticker a tape once, up to its bound")
    func open() {
        let r = SymbolRegistry(market: market(["AAPL"], open: true), live: nil, maxSymbols: 2)
        #expect(r.existing("TSLA") == nil, "asking whether it exists gives no tape")
        let tsla = r.resolve("TSLA")
        #expect(tsla?.source == .synthetic && tsla?.isNew == true)
        #expect(r.resolve("TSLA") == SymbolRegistry.Resolved(id: tsla!.id, source: .synthetic, isNew: false))
        #expect(r.existing("TSLA") == tsla?.id)
        #expect(r.resolve("NVDA") == nil, "the bound is reached")
    }

    @Test("with a live source, every ticker outside the universe is live, with ids above every tape's")
    func live() {
        let table = LiveSymbolTable(base: 100)
        let r = SymbolRegistry(market: market(["FAKETICKER"], open: false), live: table, maxSymbols: 100)
        #expect(r.resolve("FAKETICKER")?.source == .synthetic)
        #expect(r.existing("AAPL") == nil, "asking whether it exists gives no live id")
        let aapl = r.resolve("AAPL")
        #expect(aapl == SymbolRegistry.Resolved(id: 100, source: .live, isNew: false))
        #expect(r.source(of: 100) == .live && r.source(of: 0) == .synthetic)
        #expect(r.ticker(of: 100) == "AAPL" && r.existing("aapl") == 100)
        #expect(r.ticker(of: 101) == nil)
    }
}
