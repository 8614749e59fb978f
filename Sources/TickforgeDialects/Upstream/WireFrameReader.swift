import TickforgeMarket

/// What both vendors' upstream decoders share: a frame's objects read one at a time into one
/// reused field table, and tickers resolved to ids once each.
struct WireFrameReader {
    private var fields = WireFields()
    private var ids: TickerIDs

    init(resolve: @escaping (String) -> SymbolID?) { ids = TickerIDs(resolve: resolve) }

    /// Calls `body` with each object of a frame (a JSON array of objects, or one object) and the
    /// object's range in it. Bytes that are not such JSON end the frame; what came before is kept.
    mutating func forEachObject(in buffer: UnsafeBufferPointer<UInt8>, _ body: (WireFields, Range<Int>, inout TickerIDs) -> Void) {
        var scanner = JSONScanner(buffer)
        scanner.skipSpace()
        let isArray = scanner.peek == UInt8(ascii: "[")
        if isArray { scanner.advance() }
        while true {
            scanner.skipSpace()
            guard scanner.peek == UInt8(ascii: "{") else { break }
            fields.reset()
            let start = scanner.position
            guard scanner.readObject(into: &fields) else { break }
            body(fields, start..<scanner.position, &ids)
            scanner.skipSpace()
            guard isArray, scanner.peek == UInt8(ascii: ",") else { break }
            scanner.advance()
        }
    }
}

/// Ids of tickers, asked once per ticker and then remembered: by their bytes packed in a word
/// when they fit in eight (nearly all do), so a lookup allocates nothing.
struct TickerIDs {
    private let resolve: (String) -> SymbolID?
    private var short: [UInt64: SymbolID] = [:]
    private var long: [[UInt8]: SymbolID] = [:]

    init(resolve: @escaping (String) -> SymbolID?) { self.resolve = resolve }

    /// The id of a ticker's bytes; `nil` when the resolver refuses it.
    mutating func id(_ ticker: Slice<UnsafeBufferPointer<UInt8>>) -> SymbolID? {
        if ticker.count <= 8 {
            let word = WireKey.pack(ticker)
            if let id = short[word] { return id }
            guard let id = resolve(String(decoding: ticker, as: UTF8.self)) else { return nil }
            short[word] = id
            return id
        }
        let bytes = Array(ticker)
        if let id = long[bytes] { return id }
        guard let id = resolve(String(decoding: bytes, as: UTF8.self)) else { return nil }
        long[bytes] = id
        return id
    }
}
