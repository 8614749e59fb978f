import Logging
import TickforgeFeed
import TickforgeMarket

/// What the control API does, behind its routes: it stamps each scenario change with the market
/// time it takes effect at, keeps the session's `ScenarioBook`, hands each new timeline to the
/// hub, and steers the clock.
actor ControlPlane {
    private var book: ScenarioBook
    /// Connection faults posted this session, in order.
    var faults: [Fault] = []
    var nextFault = 1
    /// The most faults a session keeps.
    static let maxFaults = 10_000
    /// What waits for the market clock (faults to take effect or end), and whether the one task
    /// that waits for them runs (ControlPlane+Faults).
    var dues: [(at: Timestamp, what: Due)] = []
    var timerRunning = false
    private let hub: FeedHub
    let clock: FeedClock
    let registry: ConnectionRegistry
    let journalStore: ConnectionJournal
    /// What REST answers from (the sessions, the market's history): told of every new timeline.
    private let followers: [any TimelineFollower]
    private let configuration: MarketConfiguration
    /// A market of the plane's own, for the session phase `state` reports.
    private let market: Market
    let logger: Logger

    init(book: ScenarioBook, configuration: MarketConfiguration, hub: FeedHub, clock: FeedClock, registry: ConnectionRegistry, journal: ConnectionJournal,
         followers: [any TimelineFollower], logger: Logger) {
        journalStore = journal
        self.followers = followers
        self.book = book
        self.configuration = configuration
        self.hub = hub
        self.clock = clock
        self.registry = registry
        self.logger = logger
        market = Market(configuration: configuration, timeline: book.timeline)
    }

    // MARK: scenarios

    func add(_ request: JSONValue) async throws(ControlError) -> (status: Int, body: JSONValue) {
        let (change, now) = try await change { book, now throws(ControlError) in try book.apply(request, now: now) }
        if case .added(let s) = change { log("scenario added", s) }
        return (change.isAddition ? 201 : 200, change.json(now: now))
    }

    /// Loads a script: its scenarios go on the timeline and its faults are posted, all of them
    /// or (when one step is wrong) none.
    func load(script: JSONValue) async throws(ControlError) -> JSONValue {
        let scriptFaults = try Fault.parseScript(script, now: clock.now)
        guard faults.count + scriptFaults.count <= Self.maxFaults else {
            throw ControlError(409, "this session holds \(faults.count) faults, and the script's \(scriptFaults.count) would pass the \(Self.maxFaults) it keeps; restart the server")
        }
        let open = Set(await registry.all.map(\.profile.id))
        for f in scriptFaults {
            if let missing = f.target.ids?.first(where: { !open.contains($0) }) {
                throw ControlError(404, "a fault in the script names connection '\(missing)', which is not open (GET /control/connections lists them)")
            }
        }
        let (changes, now) = try await change { book, now throws(ControlError) in try book.load(script: script, now: now, skipping: Fault.isStep) }
        let posted = try await post(scriptFaults)
        logger.info("script loaded", metadata: ["scenarios": "\(changes.count)", "faults": "\(posted.count)"])
        return .object(["loaded": .array(changes.map { $0.json(now: now) } + posted)])
    }

    func end(_ id: String) async throws(ControlError) -> JSONValue {
        let (scenario, now) = try await change { book, now throws(ControlError) in try book.end(id, now: now) }
        log("scenario ended", scenario)
        return ScenarioJSON.object(scenario, now: now)
    }

    func reset() async throws(ControlError) -> JSONValue {
        let (ended, _) = try await change { book, now throws(ControlError) in book.reset(now: now) }
        logger.info("scenarios reset", metadata: ["ended": "\(ended)"])
        return .object(["ended": .number(Double(ended))])
    }

    func list() async -> JSONValue { book.list(now: await now()) }

    /// The session as a script: its scenarios, then its faults, each at the instant it took effect.
    func script() -> JSONValue {
        guard case .object(var o) = book.script(), case .array(let steps)? = o["steps"] else { return book.script() }
        o["steps"] = .array(steps + faults.map { $0.step() })
        return .object(o)
    }

    /// Applies one change to a copy of the book at the earliest instant nothing was released at,
    /// and hands the timeline to the hub. If the feed released past that instant meanwhile (a fast
    /// clock covers a lot of market time between two hops), the change is stamped again further
    /// ahead, by twice what the feed ran past it and doubling, so it lands however fast the clock
    /// runs; nothing already sent can change. The book's work stays here, off the release path.
    private func change<R>(_ body: (inout ScenarioBook, Timestamp) throws(ControlError) -> R) async throws(ControlError) -> (R, Timestamp) {
        var lead: Int64 = 0
        for _ in 0..<30 {
            let now = await now() + lead
            var next = book
            let result = try body(&next, now)
            if next.timeline == book.timeline { return (result, now) }
            if await hub.apply(next.timeline, changingFrom: now) {
                book = next
                market.timeline = next.timeline
                for follower in followers { follower.follow(next.timeline) }
                return (result, now)
            }
            let overshoot = await hub.releasedThrough.nanoseconds - now.nanoseconds
            lead = max(2 * lead, 2 * max(overshoot, Self.minimumLead))
        }
        throw ControlError(503, "the feed kept moving past the instant this change was stamped at; try again")
    }

    /// The smallest step ahead a change is stamped again at: a millisecond of market time.
    private static let minimumLead = Timestamp.nanosPerMillisecond

    /// The market time a change takes effect at: the clock's, and always after what the feed
    /// has released.
    private func now() async -> Timestamp {
        let released = await hub.releasedThrough
        return max(clock.now, released + 1)
    }

    private func log(_ message: Logger.Message, _ s: Scenario) {
        logger.info(message, metadata: [
            "id": "\(s.id)", "symbol": "\(s.symbol ?? "*")",
            "at": "\(RFC3339.format(s.start))", "until": "\(s.end.map(RFC3339.format) ?? "-")",
        ])
    }

    // MARK: connections

    /// Every open connection, in the order they connected.
    func connections() async -> JSONValue {
        let all = await registry.all.sorted { $0.subscriber.id < $1.subscriber.id }
        return .object(["connections": .array(all.map(ConnectionJSON.object))])
    }

    // MARK: state and clock

    func state() async -> JSONValue {
        let snapshot = clock.snapshot
        let now = snapshot.clock.now()
        let forced = book.timeline.entries.last { e in
            guard case .session = e.kind else { return false }
            return e.isActive(at: now)
        }
        var forcedText: JSONValue = .null
        if let forced, case .session(let o) = forced.kind { forcedText = .string(o.rawValue) }
        let counts = book.counts(now: now)
        return .object([
            "marketTime": .string(RFC3339.format(now)),
            "speed": .string(snapshot.running.description),
            "paused": .bool(snapshot.paused),
            "phase": .string(market.sessionPhase(at: now).description),
            "forcedSession": forcedText,
            "marketHours": .string(configuration.marketHours.rawValue),
            "scenarios": .object([
                "scheduled": .number(Double(counts[.scheduled] ?? 0)),
                "active": .number(Double(counts[.active] ?? 0)),
                "ended": .number(Double(counts[.ended] ?? 0)),
            ]),
            "connections": .number(Double(await registry.count)),
            "version": .string(TickforgeVersion.current),
        ])
    }

    /// `{"speed": N}`, `{"pause": true}`, `{"resume": true}` or `{"jumpTo": T}`: one at a time.
    func clock(_ request: JSONValue) async throws(ControlError) -> JSONValue {
        let expected = #"one of {"speed": 10}, {"speed": "max"}, {"pause": true}, {"resume": true}, {"jumpTo": "2026-11-23T15:59:30-05:00"}"#
        guard case .object(let object) = request, object.count == 1, let (field, value) = object.first else {
            throw ControlError(400, "expected \(expected)")
        }
        switch (field, value) {
        case ("speed", .number(let n)) where n > 0 && n <= 1_000_000:
            clock.setSpeed(.multiplier(n))
        case ("speed", .string("max")):
            clock.setSpeed(.max)
        case ("speed", _):
            throw ControlError.field("speed", "a positive number of market seconds per real second (up to 1000000), or \"max\"", got: value)
        case ("pause", .bool(true)):
            clock.pause()
        case ("resume", .bool(true)):
            clock.resume()
        case ("pause", _), ("resume", _):
            throw ControlError.field(field, "true", got: value)
        case ("jumpTo", .string(let text)):
            let target: Timestamp
            do { target = try TimeInput.parse(text) } catch { throw ControlError(400, "field 'jumpTo': \(error)") }
            let now = await now()
            guard target > now else {
                throw ControlError(400, "field 'jumpTo': \(RFC3339.format(target)) is not after the market's current time \(RFC3339.format(now)); the clock only jumps forward")
            }
            // The hub first: the loop then never releases what lies between.
            await hub.jump(to: target)
            _ = clock.jump(to: target)
            logger.info("clock jumped", metadata: ["to": "\(RFC3339.format(target))"])
        case ("jumpTo", _):
            throw ControlError.field("jumpTo", TimeInput.forms, got: value)
        default:
            throw ControlError(400, "field '\(field)': not a clock setting; expected \(expected)")
        }
        return await state()
    }
}

extension ScenarioBook.Change {
    var isAddition: Bool { if case .added = self { true } else { false } }
}
