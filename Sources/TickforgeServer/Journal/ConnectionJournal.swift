import Synchronization
import TickforgeMarket

/// What each client sent and what happened to its connection, in order: the witness a test reads
/// to check that a client reconnected, authenticated again and subscribed to what it had
/// (`GET /control/journal`).
///
/// Every entry gets a sequence number that only grows, so a reader that follows the journal asks
/// for what came after the last one it saw. The journal is bounded twice: by entries (the oldest go
/// first) and by bytes, since a client may send frames of up to a megabyte; a frame's text is kept
/// up to `maxFrameText` bytes and marked as cut beyond.
public final class ConnectionJournal: Sendable {
    /// One thing that happened on one connection.
    public struct Entry: Sendable {
        public enum Kind: String, Sendable, CaseIterable {
            /// The WebSocket upgrade, with its path and headers.
            case upgraded
            /// An upgrade a `reject` fault answered with an HTTP status (no connection came of it).
            case rejected
            /// A frame the client sent, decoded: text as text, msgpack as JSON.
            case received
            case authenticated
            /// An authentication the server refused: a wrong key, a limit, an `auth-fail` fault.
            case refused
            /// One item of a subscribe (`T.AAPL`, `trades:AAPL`).
            case subscribed
            case unsubscribed
            /// A lasting fault started or stopped acting on the connection (mute, slow, latency).
            case fault
            /// The server ended the connection, and why.
            case dropped
            /// The client closed the connection, or its socket went away.
            case closed
        }

        public let sequence: UInt64
        /// Wall-clock time it was recorded.
        public let time: Timestamp
        /// The market's time then.
        public let marketTime: Timestamp
        /// `c3`.
        public let connection: String
        public let kind: Kind
        /// What the kind needs said, as ordered name–value pairs of text or numbers.
        public let detail: [(String, Value)]

        public enum Value: Sendable, Equatable {
            case text(String)
            case number(Double)
            case flag(Bool)
            case fields([(String, String)])

            public static func == (a: Value, b: Value) -> Bool {
                switch (a, b) {
                case (.text(let x), .text(let y)): x == y
                case (.number(let x), .number(let y)): x == y
                case (.flag(let x), .flag(let y)): x == y
                case (.fields(let x), .fields(let y)): x.elementsEqual(y) { $0 == $1 }
                default: false
                }
            }
        }

        /// Roughly what the entry holds in memory, for the byte bound.
        var weight: Int {
            detail.reduce(96) { total, pair in
                switch pair.1 {
                case .text(let s): total + pair.0.utf8.count + s.utf8.count
                case .fields(let f): total + f.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 32 }
                default: total + pair.0.utf8.count + 16
                }
            }
        }
    }

    /// What a reader asks for: entries after a sequence number or from a time, of some
    /// connections and kinds, at most `limit` of them, oldest first.
    public struct Query: Sendable {
        public var after: UInt64?
        public var since: Timestamp?
        public var connections: Set<String>?
        public var kinds: Set<Entry.Kind>?
        public var limit: Int
        public init(after: UInt64? = nil, since: Timestamp? = nil, connections: Set<String>? = nil, kinds: Set<Entry.Kind>? = nil, limit: Int = 1000) {
            self.after = after
            self.since = since
            self.connections = connections
            self.kinds = kinds
            self.limit = limit
        }

        func matches(_ e: Entry) -> Bool {
            if let after, e.sequence <= after { return false }
            if let since, e.time < since { return false }
            if let connections, !connections.contains(e.connection) { return false }
            if let kinds, !kinds.contains(e.kind) { return false }
            return true
        }
    }

    /// A page of entries, and what a follower passes as `after` next.
    public struct Page: Sendable {
        public var entries: [Entry]
        /// The last sequence number this page covers (its last entry, or the journal's newest when
        /// the filter matched nothing more).
        public var next: UInt64
        /// Entries the bounds have pushed out since the server started (or the journal was cleared).
        public var discarded: Int
    }

    /// Default bound on entries (`serve --journal-entries`).
    public static let defaultMaxEntries = 100_000
    /// The most bytes of one frame's text that are kept.
    public static let maxFrameText = 4096

    public let maxEntries: Int
    public let maxBytes: Int
    private let marketNow: @Sendable () -> Timestamp

    private struct State {
        var entries: [Entry] = []
        var head = 0
        var bytes = 0
        var nextSequence: UInt64 = 1
        var discarded = 0
    }
    private let state = Mutex(State())

    /// `maxEntries` 0 turns the journal off. `maxBytes` defaults to 2 KB an entry on average.
    public init(maxEntries: Int = defaultMaxEntries, maxBytes: Int? = nil, marketNow: @escaping @Sendable () -> Timestamp) {
        self.maxEntries = max(0, maxEntries)
        self.maxBytes = maxBytes ?? max(1 << 20, self.maxEntries * 2048)
        self.marketNow = marketNow
    }

    /// Records one entry; the oldest go while either bound is passed.
    public func record(_ connection: String, _ kind: Entry.Kind, _ detail: [(String, Entry.Value)] = []) {
        guard maxEntries > 0 else { return }
        let time = SystemTime.now()
        let market = marketNow()
        state.withLock { s in
            let entry = Entry(sequence: s.nextSequence, time: time, marketTime: market, connection: connection, kind: kind, detail: detail)
            s.nextSequence += 1
            s.entries.append(entry)
            s.bytes += entry.weight
            while s.entries.count - s.head > maxEntries || (s.bytes > maxBytes && s.entries.count - s.head > 1) {
                s.bytes -= s.entries[s.head].weight
                s.head += 1
                s.discarded += 1
            }
            if s.head > 1024, s.head * 2 > s.entries.count {
                s.entries.removeFirst(s.head)
                s.head = 0
            }
        }
    }

    /// Records a frame the client sent: its text, cut at `maxFrameText` bytes.
    public func recordFrame(_ connection: String, text: String, format: String) {
        var detail: [(String, Entry.Value)] = [("format", .text(format))]
        let size = text.utf8.count
        if size > Self.maxFrameText {
            detail.append(("text", .text(String(decoding: text.utf8.prefix(Self.maxFrameText), as: UTF8.self))))
            detail.append(("truncated", .flag(true)))
        } else {
            detail.append(("text", .text(text)))
        }
        detail.append(("bytes", .number(Double(size))))
        record(connection, .received, detail)
    }

    public func read(_ query: Query) -> Page {
        state.withLock { s in
            var found: [Entry] = []
            var next = s.nextSequence - 1
            for i in s.head..<s.entries.count where query.matches(s.entries[i]) {
                if found.count == query.limit {
                    next = found.last!.sequence
                    return Page(entries: found, next: next, discarded: s.discarded)
                }
                found.append(s.entries[i])
            }
            return Page(entries: found, next: max(next, query.after ?? 0), discarded: s.discarded)
        }
    }

    /// Forgets every entry; sequence numbers go on from where they were, so a follower's `after`
    /// stays meaningful.
    @discardableResult
    public func clear() -> Int {
        state.withLock { s in
            let cleared = s.entries.count - s.head
            s.entries.removeAll()
            s.head = 0
            s.bytes = 0
            s.discarded = 0
            return cleared
        }
    }

    public var count: Int { state.withLock { $0.entries.count - $0.head } }
}
