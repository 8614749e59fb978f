import Foundation
import Testing
import TickforgeClient
import TickforgeDialects
import TickforgeMarket
@testable import TickforgeServer

@Suite("The connection journal: bounded, filtered, paged")
struct JournalTests {
    func journal(maxEntries: Int = 100, maxBytes: Int? = nil) -> ConnectionJournal {
        ConnectionJournal(maxEntries: maxEntries, maxBytes: maxBytes, marketNow: { Timestamp(nanoseconds: 42) })
    }

    @Test("the oldest entries go first past the bound; sequence numbers keep growing; discarded counts what went")
    func bounded() {
        let j = journal(maxEntries: 3)
        for i in 1...5 { j.record("c\(i)", .authenticated, [("key", .text("k\(i)"))]) }
        let page = j.read(.init())
        #expect(page.entries.map(\.sequence) == [3, 4, 5])
        #expect(page.entries.map(\.connection) == ["c3", "c4", "c5"])
        #expect(page.discarded == 2 && page.next == 5)
        #expect(page.entries.allSatisfy { $0.marketTime.nanoseconds == 42 })
    }

    @Test("the byte bound holds with large frames: a frame's text is cut at 4 KB and marked")
    func bytes() {
        let j = journal(maxEntries: 1000, maxBytes: 64 * 1024)
        for _ in 0..<100 { j.recordFrame("c1", text: String(repeating: "x", count: 100_000), format: "text") }
        #expect(j.count < 20, "64 KB holds about 15 cut frames, not 100")
        let last = j.read(.init()).entries.last!
        #expect(last.detail.contains { $0.0 == "truncated" && $0.1 == .flag(true) })
        #expect(last.detail.contains { $0.0 == "bytes" && $0.1 == .number(100_000) })
        #expect(last.detail.contains { $0.0 == "text" && $0.1 == .text(String(repeating: "x", count: ConnectionJournal.maxFrameText)) })
    }

    @Test("filters by connection and kind; pages by `after`, each page's `next` leading to the next")
    func filtersAndPages() {
        let j = journal()
        for i in 0..<10 { j.record(i.isMultiple(of: 2) ? "c1" : "c2", i < 5 ? .subscribed : .unsubscribed) }
        #expect(j.read(.init(connections: ["c1"])).entries.count == 5)
        #expect(j.read(.init(connections: ["c2"], kinds: [.unsubscribed])).entries.map(\.sequence) == [6, 8, 10])
        var seen: [UInt64] = []
        var after: UInt64?
        for _ in 0..<10 {
            let page = j.read(.init(after: after, limit: 3))
            seen += page.entries.map(\.sequence)
            after = page.next
            if page.entries.isEmpty { break }
        }
        #expect(seen == Array(1...10))
        #expect(j.read(.init(after: 10)).next == 10)
    }

    @Test("clearing forgets the entries but not the count: a follower's `after` stays meaningful")
    func clear() {
        let j = journal()
        for _ in 0..<4 { j.record("c1", .received) }
        #expect(j.clear() == 4 && j.count == 0)
        j.record("c1", .closed)
        #expect(j.read(.init()).entries.map(\.sequence) == [5])
    }

    @Test("msgpack frames are written as JSON and Alpaca's secret never shows, in either codec")
    func frameText() {
        var msgpack: [UInt8] = []
        MsgPackWriter.appendMapHeader(count: 3, to: &msgpack)
        for (k, v) in [("action", "auth"), ("key", "id1"), ("secret", "hunter2")] {
            MsgPackWriter.appendString(k, to: &msgpack)
            MsgPackWriter.appendString(v, to: &msgpack)
        }
        #expect(JournalText.render(msgpack, binary: true) == #"{"action":"auth","key":"id1","secret":"***"}"#)
        #expect(JournalText.render(Array(#"{"action":"auth","key":"id1","secret":"hunter2"}"#.utf8), binary: false) == #"{"action":"auth","key":"id1","secret":"***"}"#)
        #expect(JournalText.render(Array(#"{"action":"subscribe","params":"T.AAPL"}"#.utf8), binary: false) == #"{"action":"subscribe","params":"T.AAPL"}"#)
        #expect(JournalText.render([0xC1], binary: true).contains("not msgpack"))
    }
}

@Suite("Over sockets: the journal as the witness of what a client did", .serialized)
struct JournalSocketTests: ControlSocketSuite {
    static let start = RFC3339.parse("2026-11-23T10:00:00-05:00")!

    @Test("a connection's life in order: upgraded, its frames, authenticated, subscribed and unsubscribed per item, closed by the client")
    func life() async throws {
        let server = try await RunningServer.start { $0.start = Self.start }
        defer { Task { await server.stop() } }
        let client = polygon(server, key: "k")
        let id = try #require(try await connectionID(server, key: "k"))
        #expect(await client.waitFor { !$0.dataFrames.isEmpty })
        client.send(#"{"action":"unsubscribe","params":"T.AAPL"}"#)
        #expect(await client.waitFor { $0.received.contains { $0.contains("unsubscribed to: T.AAPL") } })
        client.stop()
        var entries: [[String: Any]] = []
        for _ in 0..<600 {
            entries = try await journal(server, "connection=\(id)")
            if entries.last?["kind"] as? String == "closed" { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(entries.map { $0["kind"] as? String ?? "" } == [
            "upgraded", "received", "authenticated", "received", "subscribed", "subscribed", "received", "unsubscribed", "closed",
        ])
        #expect(entries[0]["path"] as? String == "/stocks" && (entries[0]["headers"] as? [String: Any])?["upgrade"] as? String == "websocket")
        #expect(entries[1]["text"] as? String == #"{"action":"auth","params":"k"}"# && entries[1]["format"] as? String == "text")
        #expect(entries[2]["key"] as? String == "k")
        #expect(entries[4...5].map { $0["topic"] as? String } == ["Q.AAPL", "T.AAPL"])
        #expect(entries[7]["topic"] as? String == "T.AAPL")
        // Closed by the client: with a close frame (`by`), or by dropping its socket (`error`).
        #expect(entries[8]["by"] as? String == "client" || entries[8]["error"] != nil)
        let seqs = entries.compactMap { $0["seq"] as? Int }
        #expect(seqs == seqs.sorted())

        let subscribed = try await journal(server, "connection=\(id)&kind=subscribed,unsubscribed")
        #expect(subscribed.count == 3)
        let cleared = try await call(server, "DELETE", "/control/journal")
        #expect(cleared.status == 200 && cleared.json["cleared"] as? Int == entries.count)
        #expect(try await journal(server).isEmpty)
    }

    @Test("a drop is recorded with its fault; --journal-entries bounds the journal; bad queries get 400 naming the parameter")
    func dropAndBounds() async throws {
        let server = try await RunningServer.start {
            $0.start = Self.start
            $0.journalEntries = 6
        }
        defer { Task { await server.stop() } }
        let client = polygon(server, key: "k")
        defer { client.stop() }
        let id = try #require(try await connectionID(server, key: "k"))
        let drop = try await call(server, "POST", "/control/faults", #"{"kind":"drop","connections":["\#(id)"]}"#)
        #expect(await client.waitFor { $0.isClosed })
        let page = try await call(server, "GET", "/control/journal")
        let entries = page.json["entries"] as? [[String: Any]] ?? []
        #expect(entries.count == 6 && (page.json["discarded"] as? Int ?? 0) > 0)
        let dropped = try #require(entries.last { $0["kind"] as? String == "dropped" })
        #expect(dropped["why"] as? String == "fault" && dropped["fault"] as? String == drop.json["id"] as? String)
        #expect(!entries.contains { $0["kind"] as? String == "closed" }, "a connection the server ended is not closed by the client")

        for (query, words) in [("kind=nope", "query 'kind'"), ("connection=x", "query 'connection'"), ("since=yesterday", "query 'since'"),
                               ("after=-1", "query 'after'"), ("limit=0", "query 'limit'"), ("colour=red", "query 'colour'")] {
            let r = try await call(server, "GET", "/control/journal?\(query)")
            #expect(r.status == 400 && (r.json["error"] as? String)?.contains(words) == true, "\(query): \(r)")
        }
    }
}
