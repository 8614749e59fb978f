import Logging
import TickforgeMarket

/// The control plane's connection faults and journal: posting faults now or at a market time,
/// ending them, and what each connection they reached does when they lift.
extension ControlPlane {
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
            let pacing = Fault.pacing(of: remaining, for: c.subscriber.id)
            c.setPacing { $0 = pacing }
        }
    }

    /// What the plane does when the market clock reaches an instant.
    enum Due {
        case activate(String)
        case expire(String)
    }

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
}
