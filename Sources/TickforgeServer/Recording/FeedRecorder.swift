#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging
import ServiceLifecycle
import TickforgeFeed

/// Writes `serve --record FILE` (and `proxy --record`): the hub pushes every event it releases,
/// as NDJSON frames, onto this recorder's queue, and a thread of its own writes them to the file,
/// so a slow disk never holds the release loop. The queue's bound is generous; if the disk still
/// falls behind, the hub counts the frames lost (`/stats`: `recordingFramesLost`).
final class FeedRecorder: Service, Sendable {
    let path: String
    let queue = OutboundQueue(limits: .init(maxBytes: 512 << 20, maxAgeNanoseconds: 60_000_000_000))
    private let fd: Int32
    private let logger: Logger
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    struct OpenError: Error, CustomStringConvertible {
        let description: String
    }

    init(path: String, logger: Logger) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OpenError(description: "cannot write the recording '\(path)': \(String(cString: strerror(errno))); check the directory exists and is writable")
        }
        self.path = path
        self.logger = logger
    }

    func run() async throws {
        let wake = self.wake
        queue.setWakeHandler { wake.signal() }
        Thread.detachNewThread { [self] in drain() }
        logger.info("recording every released event", metadata: ["file": "\(path)"])
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

    /// The writer thread: pops frames and writes them whole; waits for a wake when none is queued.
    private func drain() {
        var failed = false
        loop: while true {
            switch queue.popOrRequestWake() {
            case .frame(let bytes):
                guard !failed else { continue }
                if !writeAll(bytes) {
                    failed = true
                    logger.error("recording stopped: the file cannot be written", metadata: ["file": "\(path)", "error": "\(String(cString: strerror(errno)))"])
                }
            case .empty:
                wake.wait()
            case .closed, .end:
                break loop
            }
        }
        close(fd)
        done.signal()
    }

    private func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }
}
