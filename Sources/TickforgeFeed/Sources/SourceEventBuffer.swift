import TickforgeMarket

/// The bounded hand-over between a source and its one reader: the source waits while the buffer
/// is full, so a reader that is slow (or a replay at `max`) slows the source instead of growing
/// memory. ``stream`` is what ``MarketDataSource/events`` returns.
public actor SourceEventBuffer {
    private var items: [SourcedEvent] = []
    private var head = 0
    private let capacity: Int
    private var finished = false
    private var reader: CheckedContinuation<SourcedEvent?, Never>?
    private var writers: [CheckedContinuation<Void, Never>] = []

    public init(capacity: Int = 65_536) { self.capacity = max(1, capacity) }

    /// Events in order until ``finish()``; one reader.
    public nonisolated var stream: AsyncStream<SourcedEvent> {
        AsyncStream(unfolding: { await self.take() })
    }

    /// Adds events, waiting while the buffer is full. Dropped once finished.
    public func put(_ events: [SourcedEvent]) async {
        for e in events {
            while !finished, items.count - head >= capacity {
                await withCheckedContinuation { writers.append($0) }
            }
            guard !finished else { return }
            if let r = reader {
                reader = nil
                r.resume(returning: e)
            } else {
                items.append(e)
            }
        }
    }

    /// Ends the stream once what is buffered has been read.
    public func finish() {
        finished = true
        if head == items.count, let r = reader {
            reader = nil
            r.resume(returning: nil)
        }
        for w in writers { w.resume() }
        writers.removeAll()
    }

    private func take() async -> SourcedEvent? {
        if head < items.count {
            let e = items[head]
            head += 1
            if head > 4096, head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            if !writers.isEmpty { writers.removeFirst().resume() }
            return e
        }
        if finished { return nil }
        return await withCheckedContinuation { reader = $0 }
    }
}
