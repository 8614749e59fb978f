import Foundation
import Logging
import ServiceLifecycle
import TickforgeFeed
import TickforgeTools

/// Writes `serve --record FILE` (and `proxy --record`): the hub pushes every event it releases,
/// as NDJSON frames, onto this recorder's queue, and a thread of its own writes them to the file,
/// so a slow disk never holds the release loop. The queue's bound is generous; if the disk still
/// falls behind, the hub counts the frames lost (`/stats`: `recordingFramesLost`). A name ending
/// in `.gz` records gzip, at zlib's fastest level so the writer keeps up with a busy feed.
final class FeedRecorder: Service, @unchecked Sendable {
    // Unchecked: `file` is used by the writer thread only, from `drain`'s start to its end.
    let path: String
    let queue = OutboundQueue(limits: .init(maxBytes: 512 << 20, maxAgeNanoseconds: 60_000_000_000))
    private let file: OutputSink
    private let logger: Logger
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    struct OpenError: Error, CustomStringConvertible {
        let description: String
    }

    init(path: String, logger: Logger) throws {
        do {
            file = try OutputSink.file(path, gzipLevel: 1)
        } catch let error as OutputSink.OpenError {
            throw OpenError(description: "cannot write the recording '\(path)': \(error.reason); check the directory exists and is writable")
        }
        self.path = path
        self.logger = logger
    }

    func run() async throws {
        let wake = self.wake
        queue.setWakeHandler { wake.signal() }
        Thread.detachNewThread { [self] in drain() }
        logger.info("recording every released event", metadata: ["file": "\(path)", "gzip": "\(file.isCompressed)"])
        // Serve until shutdown, then let the writer finish what was queued.
        await withGracefulShutdownHandler {
            while !Task.isCancelled, !Task.isShuttingDownGracefully { try? await Task.sleep(for: .milliseconds(200)) }
        } onGracefulShutdown: {}
        queue.close()
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { [done] in
                done.wait()
                finished.resume()
            }
        }
        logger.info("recording closed", metadata: ["file": "\(path)"])
    }

    /// Written data is synced at most this often (gzip compresses worse for every sync), and
    /// never later than this after the feed goes quiet.
    static let flushInterval: DispatchTimeInterval = .milliseconds(200)

    /// The writer thread: pops frames and writes them whole; when none is queued it waits for a
    /// wake, and flushes what it wrote (so the file is readable up to there) once it has waited
    /// `flushInterval` or has not flushed for that long.
    private func drain() {
        var failed = false, unflushed = false
        var lastFlush = DispatchTime.now()
        loop: while true {
            switch queue.popOrRequestWake() {
            case .frame(let bytes):
                guard !failed else { continue }
                file.buffer.append(contentsOf: bytes)
                do { try file.flushIfNeeded() } catch { fail(error) }
                unflushed = true
            case .empty:
                guard unflushed, !failed else {
                    wake.wait()
                    continue
                }
                if DispatchTime.now() >= lastFlush + Self.flushInterval || wake.wait(timeout: .now() + Self.flushInterval) == .timedOut {
                    do { try file.sync() } catch { fail(error) }
                    unflushed = false
                    lastFlush = DispatchTime.now()
                }
            case .closed, .end:
                break loop
            }
        }
        if !failed {
            do { try file.close() } catch { fail(error) }
        }
        done.signal()

        func fail(_ error: any Error) {
            failed = true
            file.buffer.removeAll()
            logger.error("recording stopped: the file cannot be written", metadata: ["file": "\(path)", "error": "\(error)"])
        }
    }
}
