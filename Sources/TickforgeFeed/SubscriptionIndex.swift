import TickforgeMarket

/// Who wants what: topics per subscriber, and the routing table the hub reads per event.
///
/// Changes are rare and events are many, so the index keeps a ready-made route per symbol and
/// kind: the sorted subscribers who receive it, wildcard holders included when the symbol is in
/// the universe. Reading a route allocates nothing.
struct SubscriptionIndex {
    /// Symbols a wildcard covers: the configured universe.
    let universe: Set<SymbolID>
    private var topics: [SubscriberID: Set<Topic>] = [:]
    /// routes[symbol][kind index] = receivers.
    private(set) var routes: [SymbolID: [[SubscriberID]]] = [:]

    init(universe: Set<SymbolID>) { self.universe = universe }

    /// Adds a topic; returns whether it was new.
    @discardableResult
    mutating func add(_ topic: Topic, for subscriber: SubscriberID) -> Bool {
        guard topics[subscriber, default: []].insert(topic).inserted else { return false }
        rebuild()
        return true
    }

    @discardableResult
    mutating func remove(_ topic: Topic, for subscriber: SubscriberID) -> Bool {
        guard topics[subscriber]?.remove(topic) != nil else { return false }
        rebuild()
        return true
    }

    mutating func removeAll(for subscriber: SubscriberID) {
        guard topics.removeValue(forKey: subscriber) != nil else { return }
        rebuild()
    }

    /// Receivers of `kind` events of `symbol`.
    @inline(__always)
    func receivers(of kind: EventKinds, symbol: SymbolID) -> [SubscriberID] {
        routes[symbol]?[kind.singleIndex] ?? []
    }

    /// Receivers of `symbol` per kind, in `EventKinds.singles` order.
    func routes(of symbol: SymbolID) -> [[SubscriberID]] {
        routes[symbol] ?? Array(repeating: [], count: EventKinds.singles.count)
    }

    /// The kinds anyone wants of `symbol`; empty means the symbol needs no generation at all.
    func kinds(of symbol: SymbolID) -> EventKinds {
        guard let perKind = routes[symbol] else { return [] }
        var k = EventKinds()
        for (i, receivers) in perKind.enumerated() where !receivers.isEmpty { k.insert(EventKinds.singles[i]) }
        return k
    }

    /// Per kind (`EventKinds.singles` order), the subscribers holding its wildcard. The routes
    /// above already include them for the universe; symbols outside it (a live source's) add them
    /// by hand.
    private(set) var wildcardHolders: [[SubscriberID]] = Array(repeating: [], count: EventKinds.singles.count)

    /// Symbols with at least one receiver: the only ones the market generates.
    var activeSymbols: Dictionary<SymbolID, [[SubscriberID]]>.Keys { routes.keys }

    private mutating func rebuild() {
        var table: [SymbolID: [Set<SubscriberID>]] = [:]
        var wildcards: [Set<SubscriberID>] = Array(repeating: [], count: EventKinds.singles.count)
        func add(_ s: SubscriberID, _ symbol: SymbolID, _ kind: EventKinds) {
            table[symbol, default: Array(repeating: [], count: EventKinds.singles.count)][kind.singleIndex].insert(s)
        }
        for (subscriber, set) in topics {
            for topic in set {
                if let symbol = topic.symbol {
                    add(subscriber, symbol, topic.kind)
                } else {
                    wildcards[topic.kind.singleIndex].insert(subscriber)
                    for symbol in universe { add(subscriber, symbol, topic.kind) }
                }
            }
        }
        routes = table.mapValues { $0.map { $0.sorted() } }
        wildcardHolders = wildcards.map { $0.sorted() }
    }
}
