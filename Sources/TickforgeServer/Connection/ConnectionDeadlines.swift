/// Something a connection must do, or have done, by a given instant.
enum ConnectionDeadline: Hashable, Sendable {
    /// The client has not authenticated in time.
    case authentication
    /// A `disconnect-after` fault drops the connection now.
    case drop(fault: String)
    /// A slow consumer's status had its chance to go out: reset the connection.
    case slowConsumerGrace
}

/// The deadlines one connection lives by, as a value: authenticate in time, the drops a
/// `disconnect-after` fault schedules, the grace a slow consumer's status gets before the reset.
///
/// It only records instants and says what is due; `ConnectionTimer` sleeps on a `Clock` and hands
/// each deadline to the connection when it comes. Generic over the instant, so tests drive it
/// with a clock they move by hand.
struct ConnectionDeadlines<Instant: InstantProtocol>: Sendable where Instant: Sendable {
    typealias Deadline = ConnectionDeadline

    private(set) var pending: [Deadline: Instant] = [:]

    /// Sets (or moves) a deadline.
    mutating func arm(_ deadline: Deadline, at instant: Instant) { pending[deadline] = instant }

    /// Calls a deadline off; nothing if it was not set.
    mutating func disarm(_ deadline: Deadline) { pending[deadline] = nil }

    mutating func disarmAll() { pending.removeAll() }

    /// The earliest instant something is due at.
    var next: Instant? { pending.values.min() }

    /// Removes and returns what is due at `now`, earliest first (ties in a fixed order).
    mutating func expire(at now: Instant) -> [Deadline] {
        let due = pending.filter { $0.value <= now }.sorted { a, b in
            a.value != b.value ? a.value < b.value : Self.rank(a.key) < Self.rank(b.key)
        }
        for (deadline, _) in due { pending[deadline] = nil }
        return due.map(\.key)
    }

    private static func rank(_ d: Deadline) -> String {
        switch d {
        case .authentication: "0"
        case .slowConsumerGrace: "1"
        case .drop(let fault): "2" + fault
        }
    }
}
