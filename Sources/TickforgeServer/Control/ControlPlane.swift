import Logging
import TickforgeFeed
import TickforgeMarket

/// What the control API does, behind its routes: it stamps each scenario change with the market
/// time it takes effect at, keeps the session's `ScenarioBook`, hands each new timeline to the
/// hub, and steers the clock.
actor ControlPlane {
    private var book: ScenarioBook
    /// Connection faults posted this session, in order.
    private var faults: [Fault] = []
    private var nextFault = 1
    /// The most faults a session keeps.
    static let maxFaults = 10_000
    private let hub: FeedHub
    private let clock: FeedClock
    private let registry: ConnectionRegistry
    private let journalStore: ConnectionJournal
    private let configuration: MarketConfiguration
    /// A market of the plane's own, for the session phase `state` reports.
    private let market: Market
    private let logger: Logger

    init(book: ScenarioBook, configuration: MarketConfiguration, hub: FeedHub, clock: FeedClock, registry: ConnectionRegistry, journal: ConnectionJournal, logger: Logger) {
        journalStore = journal
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

    // MARK: faults

    /// Posts a fault. One that takes effect now acts at once on every open connection its target
    /// names; a lasting one also on those that open, upgrade or authenticate while it lasts. One
    /// with a later `at` waits for the market clock to reach it.
    func addFault(_ request: JSONValue) async throws(ControlError) -> JSONValue {
        let now = clock.now
        let fault = try Fault.parse(request, id: "", now: now, base: now)
        try await post(fault)
        return await faultJSON(faults.last!, now: clock.now)
    }

    /// Posts faults already read (a script's, a startup script's) and returns them as the API shows them.
    func post(_ list: [Fault]) async throws(ControlError) -> [JSONValue] {
        var posted: [JSONValue] = []
        for fault in list {
            // Checked before the script's scenarios went in; a connection that closed since is
            // simply not reached.
            try await post(fault, checkingConnections: false)
            posted.append(await faultJSON(faults.last!, now: clock.now))
        }
        return posted
    }

    private func post(_ fault: Fault, checkingConnections: Bool = true) async throws(ControlError) {
        var fault = fault
        fault.id = "f\(nextFault)"
        guard faults.count < Self.maxFaults else { throw ControlError(409, "this session holds \(Self.maxFaults) faults, the most it keeps; restart the server") }
        if checkingConnections, let ids = fault.target.ids, fault.at <= clock.now {
            let known = Set(await registry.all.map(\.profile.id))
            if let missing = ids.first(where: { !known.contains($0) }) {
                throw ControlError(404, "no open connection with id '\(missing)' (GET /control/connections lists them)")
            }
        }
        nextFault += 1
        faults.append(fault)
        if fault.at > clock.now {
            logger.info("fault scheduled", metadata: ["id": "\(fault.id)", "kind": "\(fault.kindName)", "at": "\(RFC3339.format(fault.at))"])
            schedule(.activate(fault.id), at: fault.at)
        } else {
            await activate(fault.id)
        }
    }

    /// The fault takes effect: it stands (if it lasts) before the open connections are read, so
    /// one that opens in between is reached by the registry as it is added rather than missed.
    private func activate(_ id: String) async {
        guard let i = faults.firstIndex(where: { $0.id == id }), faults[i].endedAt == nil else { return }
        let fault = faults[i]
        if fault.lasts { await registry.addStanding(fault) }
        var reached: [String] = []
        if fault.actsOnOpenConnections {
            let open = await registry.all.sorted { $0.subscriber.id < $1.subscriber.id }
            for c in open where fault.target.matches(c.profile) && !c.profile.faults.contains(fault.id) {
                if fault.act(on: c) { reached.append(c.profile.id) }
            }
        }
        faults[i].appliedTo = reached
        logger.info("fault in effect", metadata: ["id": "\(id)", "kind": "\(fault.kindName)", "connections": "\(reached.joined(separator: ","))"])
        if let until = fault.until { schedule(.expire(id), at: until) }
    }

    func listFaults() async -> JSONValue {
        let now = clock.now
        var list: [JSONValue] = []
        for f in faults { list.append(await faultJSON(f, now: now)) }
        return .object(["faults": .array(list)])
    }

    /// Ends a lasting fault now (a muted connection speaks again), or calls off one still to come.
    func endFault(_ id: String) async throws(ControlError) -> JSONValue {
        guard let i = faults.firstIndex(where: { $0.id == id }) else {
            throw ControlError(404, "no fault with id '\(id)' (GET /control/faults lists them)")
        }
        let now = clock.now
        guard faults[i].lasts || now < faults[i].at else {
            throw ControlError(409, "fault '\(id)' is a \(faults[i].kindName): it acted once, at \(RFC3339.format(faults[i].at)), and has nothing to end")
        }
        if faults[i].endedAt == nil, await faultState(faults[i], now: now) != "ended" {
            faults[i].endedAt = max(now, faults[i].at)
            await lift(faults[i])
            logger.info("fault ended", metadata: ["id": "\(id)"])
        }
        return await faultJSON(faults[i], now: now)
    }

    private func faultState(_ f: Fault, now: Timestamp) async -> String {
        f.state(at: now, used: await registry.usesOf(f.id))
    }

    private func faultJSON(_ f: Fault, now: Timestamp) async -> JSONValue {
        let applied = f.appliedTo + (await registry.standingApplied[f.id] ?? [])
        return f.json(now: now, appliedTo: applied, used: await registry.usesOf(f.id))
    }

    /// Takes a lasting fault off every connection it reached: each connection's writing is shaped
    /// again by the faults still on it (a muted connection speaks unless another mute holds it),
    /// and a disconnect-after's pending drops are called off.
    private func lift(_ f: Fault) async {
        await registry.removeStanding(f.id)
        for c in await registry.all where c.profile.faults.contains(f.id) {
            c.updateProfile { $0.faults.removeAll { $0 == f.id } }
            c.journal(.fault, [("fault", .text(f.id)), ("faultKind", .text(f.kindName)), ("state", .text("off"))])
            if case .disconnectAfter = f.kind { c.disarm(.drop(fault: f.id)) }
            guard f.shapesWriting else { continue }
            let remaining = faults.filter { other in c.profile.faults.contains(other.id) }
            if !remaining.contains(where: { $0.kind == .mute }) { c.setMuted(false) }
            var rate: Double?
            var latency: WritePacing.Latency?
            for other in remaining {
                if case .slow(let r) = other.kind { rate = min(rate ?? r, r) }
                if case .latency(let ms, let jitter, let seed) = other.kind {
                    latency = .init(milliseconds: ms, jitterMilliseconds: jitter, seed: seed &* 1_000_003 &+ UInt64(c.subscriber.id.raw))
                }
            }
            c.setPacing { [rate, latency] in $0 = .init(bytesPerSecond: rate, latency: latency) }
        }
    }

    /// What the plane does when the market clock reaches an instant.
    private enum Due {
        case activate(String)
        case expire(String)
    }
    private var dues: [(at: Timestamp, what: Due)] = []
    private var timerRunning = false

    /// Does `what` when the market clock reaches `t` (so a paused clock holds a fault off, or
    /// keeps it on, as it does a scenario). One task serves every fault that waits, and stops
    /// when none does.
    private func schedule(_ what: Due, at t: Timestamp) {
        dues.append((t, what))
        guard !timerRunning else { return }
        timerRunning = true
        let clock = clock
        Task { [weak self] in
            while true {
                guard let plane = self, await plane.runDue(now: clock.now) else { return }
                try? await Task.sleep(nanoseconds: Self.marketTimePoll)
            }
        }
    }

    /// Carries out what is due by `now`, in time order; `false` when nothing is left to wait for.
    private func runDue(now: Timestamp) async -> Bool {
        let ready = dues.filter { $0.at <= now }.sorted { $0.at < $1.at }
        dues.removeAll { $0.at <= now }
        for due in ready {
            switch due.what {
            case .activate(let id): await activate(id)
            case .expire(let id): await expired(id)
            }
        }
        if dues.isEmpty { timerRunning = false }
        return timerRunning
    }

    private func expired(_ id: String) async {
        guard let i = faults.firstIndex(where: { $0.id == id }), faults[i].endedAt == nil else { return }
        faults[i].endedAt = faults[i].until
        await lift(faults[i])
        logger.info("fault ended", metadata: ["id": "\(id)", "why": "its time was up"])
    }

    /// How often (real nanoseconds) a fault waiting for a market time looks at the clock; a
    /// paused clock keeps it waiting.
    private static let marketTimePoll: UInt64 = 5_000_000

    // MARK: journal

    func journal(_ query: ConnectionJournal.Query) -> JSONValue {
        let page = journalStore.read(query)
        return .object([
            "entries": .array(page.entries.map(JournalJSON.object)),
            "next": .number(Double(page.next)),
            "discarded": .number(Double(page.discarded)),
        ])
    }

    func clearJournal() -> JSONValue {
        let cleared = journalStore.clear()
        logger.info("journal cleared", metadata: ["entries": "\(cleared)"])
        return .object(["cleared": .number(Double(cleared))])
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
