/// Which symbols exist and what they look like.
///
/// `symbols` is the configured list: what a wildcard subscription means. In an *open* universe any
/// other ticker asked for also trades, with a profile derived from (seed, ticker); in a *fixed*
/// universe other tickers have no profile and produce nothing.
public struct Universe: Sendable {
    public let seed: UInt64
    public let symbols: [String]
    public let isOpen: Bool
    public let overrides: [String: ProfileOverride]

    /// The built-in tickers: the default universe.
    public static let defaultSymbols = BuiltinProfiles.all.map(\.ticker)

    /// - Throws: `ProfileError` when an override makes a profile invalid, naming the ticker and field.
    public init(seed: UInt64, symbols: [String] = Universe.defaultSymbols, isOpen: Bool = true, overrides: [String: ProfileOverride] = [:]) throws(ProfileError) {
        self.seed = seed
        var seen = Set<String>()
        self.symbols = symbols.map(Self.normalize).filter { !$0.isEmpty && seen.insert($0).inserted }
        self.isOpen = isOpen
        self.overrides = Dictionary(overrides.map { (Self.normalize($0.key), $0.value) }, uniquingKeysWith: { $0.merged(with: $1) })
        for ticker in Set(self.symbols).union(self.overrides.keys) {
            try Self.resolve(ticker, seed: seed, overrides: self.overrides).validate()
        }
    }

    /// Upper-cased, trimmed ticker.
    public static func normalize(_ ticker: String) -> String { ticker.trimmingSpaces.uppercased() }

    public func contains(_ ticker: String) -> Bool {
        isOpen || symbols.contains(Self.normalize(ticker)) || overrides[Self.normalize(ticker)] != nil
    }

    /// The profile of a ticker, or `nil` if it is outside a fixed universe.
    public func profile(for ticker: String) -> SymbolProfile? {
        let t = Self.normalize(ticker)
        guard !t.isEmpty, contains(t) else { return nil }
        return Self.resolve(t, seed: seed, overrides: overrides)
    }

    static func resolve(_ ticker: String, seed: UInt64, overrides: [String: ProfileOverride]) -> SymbolProfile {
        let base = BuiltinProfiles.byTicker[ticker] ?? BuiltinProfiles.derived(ticker: ticker, seed: seed)
        return overrides[ticker]?.applied(to: base) ?? base
    }
}
