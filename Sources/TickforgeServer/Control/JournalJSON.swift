import TickforgeMarket

/// A journal entry as `GET /control/journal` shows it: its sequence number, times, connection and
/// kind, and what the kind says in fields of their own (`channel` and `symbol` of a subscription,
/// `text` of a frame, `why` of a drop).
enum JournalJSON {
    static func object(_ e: ConnectionJournal.Entry) -> JSONValue {
        var o: [String: JSONValue] = [
            "seq": .number(Double(e.sequence)),
            "time": .string(RFC3339.format(e.time)),
            "marketTime": .string(RFC3339.format(e.marketTime)),
            "connection": .string(e.connection),
            "kind": .string(e.kind.rawValue),
        ]
        for (name, value) in e.detail {
            switch value {
            case .text(let s): o[name] = .string(s)
            case .number(let n): o[name] = .number(n)
            case .flag(let b): o[name] = .bool(b)
            case .fields(let pairs):
                var nested: [String: JSONValue] = [:]
                for (k, v) in pairs { nested[k] = .string(v) }
                o[name] = .object(nested)
            }
        }
        return .object(o)
    }

    /// Reads `GET /control/journal`'s query: `connection` and `kind` (comma-separated lists),
    /// `since` (a time), `after` (a sequence number, what a follower passes) and `limit`.
    static func query(_ parameters: [(String, String)]) throws(ControlError) -> ConnectionJournal.Query {
        var q = ConnectionJournal.Query()
        for (name, value) in parameters {
            switch name {
            case "connection":
                let ids = value.split(separator: ",").map(String.init)
                guard !ids.isEmpty, ids.allSatisfy({ $0.hasPrefix("c") && Int($0.dropFirst()) != nil }) else {
                    throw ControlError(400, "query 'connection': connection ids such as c3, or c3,c4 (GET /control/connections lists them)")
                }
                q.connections = Set(ids)
            case "kind":
                var kinds: Set<ConnectionJournal.Entry.Kind> = []
                for name in value.split(separator: ",") {
                    guard let kind = ConnectionJournal.Entry.Kind(rawValue: String(name)) else {
                        let all = ConnectionJournal.Entry.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                        throw ControlError(400, "query 'kind': one or more of \(all), separated by commas; got '\(value.prefix(60))'")
                    }
                    kinds.insert(kind)
                }
                guard !kinds.isEmpty else { throw ControlError(400, "query 'kind': at least one kind, such as subscribed") }
                q.kinds = kinds
            case "since":
                do { q.since = try TimeInput.parse(value) } catch { throw ControlError(400, "query 'since': \(error)") }
            case "after":
                guard let n = UInt64(value) else { throw ControlError(400, "query 'after': a sequence number (an entry's seq, or the 'next' of the last answer), got '\(value.prefix(60))'") }
                q.after = n
            case "limit":
                guard let n = Int(value), (1...100_000).contains(n) else { throw ControlError(400, "query 'limit': a whole number from 1 to 100000, got '\(value.prefix(60))'") }
                q.limit = n
            default:
                throw ControlError(400, "query '\(name.prefix(60))': not a journal filter; expected connection, kind, since, after or limit")
            }
        }
        return q
    }
}
