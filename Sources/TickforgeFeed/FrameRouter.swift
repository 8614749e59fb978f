import TickforgeMarket

/// Where an event goes: a subscriber's slot in the router's dense tables and the dialect it speaks.
struct Receiver: Sendable, Equatable {
    var slot: Int32
    var dialect: Int32
}

/// Encodes released events once per dialect into shared arenas, collects for each subscriber the
/// runs of arena bytes it receives, and turns those into frames on its queue.
///
/// Every table is an array indexed by subscriber slot or dialect: routing an event costs no hashing
/// and no allocation.
struct FrameRouter {
    /// A stretch of one dialect's arena bound for one subscriber: consecutive events of a symbol
    /// are adjacent in the arena, so a run usually covers many events and a frame is a few copies.
    struct Run {
        var range: Range<Int>
        var events: Int32
    }

    private var encoders: [any DialectEncoder]
    private let separators: [[UInt8]]
    let maxFrameBytes: Int
    /// Subscriber queues and dialects by slot; a free slot has no queue.
    private var queues: [OutboundQueue?] = []
    private var dialects: [Int32] = []
    private var freeSlots: [Int32] = []
    private var arenas: [[UInt8]]
    private var pending: [[Run]] = []
    private var touched: [Int32] = []
    /// This event's encoding per dialect: its arena range, `nil` if not encoded yet, empty if the
    /// dialect has no form for it.
    private var encoded: [Range<Int>?]
    private(set) var encodeCount = 0

    /// An empty router to swap in while the real one is borrowed.
    static var placeholder: FrameRouter { FrameRouter(encoders: [], maxFrameBytes: 0) }

    init(encoders: [any DialectEncoder], maxFrameBytes: Int) {
        self.encoders = encoders
        self.maxFrameBytes = maxFrameBytes
        separators = encoders.map(\.frameSeparator)
        arenas = Array(repeating: [], count: encoders.count)
        encoded = Array(repeating: nil, count: encoders.count)
    }

    mutating func register(_ id: SymbolID, ticker: String) {
        for d in encoders.indices { encoders[d].register(id, ticker: ticker) }
    }

    // MARK: slots

    mutating func addSlot(queue: OutboundQueue, dialect: DialectID) -> Int32 {
        if let slot = freeSlots.popLast() {
            queues[Int(slot)] = queue
            dialects[Int(slot)] = Int32(dialect.index)
            return slot
        }
        queues.append(queue)
        dialects.append(Int32(dialect.index))
        pending.append([])
        return Int32(queues.count - 1)
    }

    /// Frees a slot. The caller rebuilds routes right after, so no route names it any more.
    mutating func removeSlot(_ slot: Int32) {
        queues[Int(slot)] = nil
        pending[Int(slot)].removeAll()
        freeSlots.append(slot)
    }

    // MARK: per event

    /// Starts a batch: the arenas only hold what one `advance` releases.
    mutating func begin() {
        for d in arenas.indices { arenas[d].removeAll(keepingCapacity: true) }
    }

    /// Where every routed event also goes, in its own dialect: a recording of what was released.
    var recorder: Receiver?

    /// Encodes an event once per dialect that has a receiver for it and adds it to each
    /// receiver's runs, extending the last run when the event follows it in the arena. An event
    /// someone receives is also handed to the recorder, if there is one.
    ///
    /// `verbatim` is the event as a source already wrote it in one dialect (a proxy's upstream of
    /// the same vendor): those bytes go out as they are, and only the other dialects encode.
    mutating func route(_ event: MarketEvent, to receivers: [Receiver], verbatim: Verbatim? = nil) {
        guard !receivers.isEmpty else { return }
        for d in encoded.indices { encoded[d] = nil }
        if let verbatim { encoded[verbatim.dialect] = append(verbatim.bytes, dialect: verbatim.dialect) }
        for r in receivers { deliver(event, to: r) }
        if let recorder { deliver(event, to: recorder) }
    }

    /// An event's bytes in one dialect's form, valid for one `route` call.
    struct Verbatim {
        var dialect: Int
        var bytes: UnsafeBufferPointer<UInt8>
    }

    /// Events routed with their source's own bytes instead of being encoded.
    private(set) var verbatimCount = 0

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, dialect d: Int) -> Range<Int> {
        if !arenas[d].isEmpty { arenas[d].append(contentsOf: separators[d]) }
        let start = arenas[d].count
        arenas[d].append(contentsOf: bytes)
        verbatimCount += 1
        return start..<arenas[d].count
    }

    @inline(__always)
    private mutating func deliver(_ event: MarketEvent, to r: Receiver) {
        let d = Int(r.dialect)
        if encoded[d] == nil { encoded[d] = encode(event, dialect: d) }
        guard let range = encoded[d], !range.isEmpty else { return }
        let slot = Int(r.slot)
        if pending[slot].isEmpty { touched.append(r.slot) }
        let last = pending[slot].count - 1
        if last >= 0, pending[slot][last].range.upperBound + separators[d].count == range.lowerBound,
           range.upperBound - pending[slot][last].range.lowerBound <= maxFrameBytes / 4 {
            pending[slot][last].range = pending[slot][last].range.lowerBound..<range.upperBound
            pending[slot][last].events += 1
        } else {
            pending[slot].append(Run(range: range, events: 1))
        }
    }

    /// Appends the event to the dialect's arena, after a separator so that adjacent events can be
    /// framed as one run; returns its range (empty if the dialect has no form for it).
    private mutating func encode(_ event: MarketEvent, dialect d: Int) -> Range<Int> {
        let mark = arenas[d].count
        if mark > 0 { arenas[d].append(contentsOf: separators[d]) }
        let start = arenas[d].count
        guard Self.encode(event, with: &encoders[d], into: &arenas[d]) else {
            arenas[d].removeLast(arenas[d].count - mark)
            return start..<start
        }
        encodeCount += 1
        return start..<arenas[d].count
    }

    /// Opens the existential in place: reading `encoders[d]` for a call would copy the encoder out
    /// of the array, retaining and releasing every table it holds, once per event.
    private static func encode<Encoder: DialectEncoder>(_ event: MarketEvent, with encoder: inout Encoder, into arena: inout [UInt8]) -> Bool {
        encoder.encode(event, into: &arena)
    }

    /// Concatenates each receiver's runs into frames no larger than the limit and queues them;
    /// slots over their queue bound are appended to `slow`.
    mutating func flush(slow: inout [Int32]) {
        var routers = [self]
        self = .placeholder
        Self.flush(&routers, slow: &slow)
        self = routers[0]
    }

    /// A receiver's run and the router (shard) whose arenas hold it.
    private struct Piece {
        var router: Int
        var run: Run
    }

    /// Frames each receiver's runs from every router in `routers` (the hub's shards, which agree
    /// on slots, dialects and framing) and queues the frames; slots over their queue bound are
    /// appended to `slow`. A receiver of symbols on several shards gets one frame a turn, as with
    /// one shard, shard 0's events first: each symbol lives on one shard, so its order holds.
    static func flush(_ routers: inout [FrameRouter], slow: inout [Int32]) {
        guard routers.contains(where: { !$0.touched.isEmpty }) else { return }
        let clock = SystemTime.monotonicNanoseconds()
        var pieces: [Piece] = []
        swap(&pieces, &routers[0].pieces)
        for r in routers.indices {
            for slot in routers[r].touched {
                let s = Int(slot)
                // Empty when an earlier router's list named the slot and framed it already.
                guard !routers[r].pending[s].isEmpty else { continue }
                pieces.removeAll(keepingCapacity: true)
                for q in r..<routers.count {
                    for run in routers[q].pending[s] { pieces.append(Piece(router: q, run: run)) }
                    routers[q].pending[s].removeAll(keepingCapacity: true)
                }
                if let queue = routers[0].queues[s] { frame(pieces, routers: routers, slot: slot, queue: queue, now: clock, slow: &slow) }
            }
            routers[r].touched.removeAll(keepingCapacity: true)
        }
        swap(&pieces, &routers[0].pieces)
    }

    /// Reused between flushes, so framing a receiver allocates nothing but its frames.
    private var pieces: [Piece] = []

    private static func frame(_ runs: [Piece], routers: [FrameRouter], slot: Int32, queue: OutboundQueue, now: Int64, slow: inout [Int32]) {
        let d = Int(routers[0].dialects[Int(slot)])
        let encoder = routers[0].encoders[d]
        let separator = routers[0].separators[d]
        let suffix = encoder.frameSuffix
        let maxFrameBytes = routers[0].maxFrameBytes
        // Room for the framing around the events (a msgpack array header is at most 5 bytes).
        let framing = 8 + suffix.count
        var first = 0
        while first < runs.count {
            // As many whole runs as fit in one frame, and always at least one.
            var last = first, bytes = runs[first].run.range.count, events = Int(runs[first].run.events)
            while last + 1 < runs.count, bytes + separator.count + runs[last + 1].run.range.count + framing <= maxFrameBytes {
                last += 1
                bytes += separator.count + runs[last].run.range.count
                events += Int(runs[last].run.events)
            }
            var frame: [UInt8] = []
            frame.reserveCapacity(bytes + framing)
            encoder.appendFramePrefix(eventCount: events, to: &frame)
            for k in first...last {
                if k > first { frame.append(contentsOf: separator) }
                routers[runs[k].router].arenas[d].withUnsafeBufferPointer { arena in
                    frame.append(contentsOf: UnsafeBufferPointer(rebasing: arena[runs[k].run.range]))
                }
            }
            frame.append(contentsOf: suffix)
            if queue.push(frame, now: now) == .slowConsumer { slow.append(slot) }
            first = last + 1
        }
    }
}
