import NIOCore

/// Runs a task's jobs on a channel's event loop.
///
/// A connection's writer runs here so that `outbound.write` feels the socket's backpressure:
/// on the global executor each write is handed over and returns at once, and a fast producer
/// queues frames without bound behind a reader that stopped reading.
final class EventLoopExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
