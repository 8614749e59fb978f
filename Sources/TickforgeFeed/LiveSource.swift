import Synchronization
import TickforgeMarket

/// A source whose events arrive as they happen (an upstream vendor feed) rather than being made
/// from market time, as the synthetic market's are.
///
/// The hub tells it what its subscribers want, as the reference-counted union of their topics
/// (`interestChanged`); the source answers with events through `FeedHub.publish(_:)`, naming
/// symbols by the ids of the hub's `LiveSymbolTable`.
public protocol LiveSource: Sendable {
    /// The union of subscribers' topics on live symbols changed: `added` topics now have their
    /// first subscriber, `removed` ones lost their last. Called on the hub's actor, so it must
    /// return at once (hand the change to the source's own task).
    func interestChanged(_ change: LiveInterestChange)
}

/// One kind of one live ticker, or of every live ticker (`ticker == "*"`).
public struct LiveTopic: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Exactly one kind.
    public var kind: EventKinds
    public var ticker: String

    public init(kind: EventKinds, ticker: String) {
        self.kind = kind
        self.ticker = ticker
    }

    public var isWildcard: Bool { ticker == "*" }

    public static func < (a: LiveTopic, b: LiveTopic) -> Bool {
        (a.kind.rawValue, a.ticker) < (b.kind.rawValue, b.ticker)
    }

    public var description: String { "kind \(kind.rawValue) of \(ticker)" }
}

/// A change in what a live source must deliver.
public struct LiveInterestChange: Sendable, Equatable {
    public var added: [LiveTopic]
    public var removed: [LiveTopic]
    public init(added: [LiveTopic], removed: [LiveTopic]) {
        self.added = added
        self.removed = removed
    }
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty }
}

/// Ids for live tickers, apart from the synthetic market's tapes: they start at `base` (above any
/// tape id the hub allows) and are handed out in order of first use, so encoders' per-id tables
/// stay dense. Shared between the hub and a source's decoding thread.
public final class LiveSymbolTable: Sendable {
    public let base: SymbolID
    /// Most live tickers ever named: an upstream sending endless new tickers cannot grow it
    /// without bound.
    public let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var ids: [String: SymbolID] = [:]
        var tickers: [String] = []
    }

    public init(base: SymbolID, capacity: Int = 100_000) {
        self.base = base
        self.capacity = capacity
    }

    /// The id of `ticker`, giving it one on first use; `nil` once the table is full.
    public func id(for ticker: String) -> SymbolID? {
        state.withLock { s in
            if let id = s.ids[ticker] { return id }
            guard s.tickers.count < capacity else { return nil }
            let id = base + SymbolID(s.tickers.count)
            s.ids[ticker] = id
            s.tickers.append(ticker)
            return id
        }
    }

    /// The id of `ticker` if it has one.
    public func existingID(for ticker: String) -> SymbolID? { state.withLock { $0.ids[ticker] } }

    /// The ticker of a live id.
    public func ticker(of id: SymbolID) -> String? {
        state.withLock { s in
            guard id >= base, Int(id - base) < s.tickers.count else { return nil }
            return s.tickers[Int(id - base)]
        }
    }
}
