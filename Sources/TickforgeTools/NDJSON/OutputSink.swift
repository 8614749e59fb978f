#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// A buffered byte sink over a file descriptor (stdout or a file), flushed in large writes. A file
/// whose name ends in `.gz` is written gzip-compressed (`replay` reads either).
public final class OutputSink {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let gz: gzFile?
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
        guard path.hasSuffix(".gz") else { return OutputSink(fd: fd, owns: true) }
        // Offline, so zlib's default level: a smaller file is worth the time.
        guard let gz = gzdopen(fd, "wb") else {
            close(fd)
            throw OpenError(path: path, reason: "gzip could not start (out of memory)")
        }
        return OutputSink(fd: fd, owns: true, gz: gz)
    }

    private init(fd: Int32, owns: Bool, gz: gzFile? = nil) {
        self.fd = fd
        self.gz = gz
        ownsDescriptor = owns
        buffer.reserveCapacity(flushThreshold + 4096)
    }

    @inline(__always) public func flushIfNeeded() throws { if buffer.count >= flushThreshold { try flush() } }

    public struct WriteError: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "write failed: \(reason)" }
    }

    public func flush() throws {
        if let gz, !buffer.isEmpty {
            let n = buffer.withUnsafeBytes { gzwrite(gz, $0.baseAddress!, UInt32($0.count)) }
            guard n == Int32(buffer.count) else { throw WriteError(reason: String(cString: strerror(errno))) }
            bytesWritten += Int64(buffer.count)
            buffer.removeAll(keepingCapacity: true)
            return
        }
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
        // zlib owns a gzip file's descriptor and closes it.
        if let gz { gzclose(gz) } else if ownsDescriptor { close(fd) }
    }
}
