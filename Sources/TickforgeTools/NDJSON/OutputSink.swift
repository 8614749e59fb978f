#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered byte sink over a file descriptor (stdout or a file), flushed in large writes.
public final class OutputSink {
    private let fd: Int32
    private let ownsDescriptor: Bool
    public private(set) var bytesWritten: Int64 = 0
    /// Callers append here, then call `flushIfNeeded()`.
    public var buffer: [UInt8] = []
    private let flushThreshold = 1 << 20

    public struct OpenError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write '\(path)': \(reason)" }
    }

    public static func standardOutput() -> OutputSink { OutputSink(fd: 1, owns: false) }

    public static func file(_ path: String) throws -> OutputSink {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw OpenError(path: path, reason: String(cString: strerror(errno))) }
        return OutputSink(fd: fd, owns: true)
    }

    private init(fd: Int32, owns: Bool) {
        self.fd = fd
        ownsDescriptor = owns
        buffer.reserveCapacity(flushThreshold + 4096)
    }

    @inline(__always) public func flushIfNeeded() throws { if buffer.count >= flushThreshold { try flush() } }

    public struct WriteError: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "write failed: \(reason)" }
    }

    public func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw WriteError(reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        bytesWritten += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    deinit {
        try? flush()
        if ownsDescriptor { close(fd) }
    }
}
