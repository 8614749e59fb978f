#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// A buffered byte sink over a file descriptor (stdout or a file), flushed in large writes: what
/// `generate` and `import` write, and what `--record` records into. A file whose name ends in
/// `.gz` is written gzip-compressed (`RecordingReader` reads either).
public final class OutputSink {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let gz: gzFile?
    private var closed = false
    public private(set) var bytesWritten: Int64 = 0
    /// Callers append here, then call `flushIfNeeded()`.
    public var buffer: [UInt8] = []
    private let flushThreshold = 1 << 20

    /// Whether the file is written as gzip.
    public var isCompressed: Bool { gz != nil }

    public struct OpenError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write '\(path)': \(reason)" }
    }

    public static func standardOutput() -> OutputSink { OutputSink(fd: 1, owns: false) }

    /// Creates (or truncates) the file.
    /// - Parameter gzipLevel: zlib's level for a `.gz` name, 1 (fastest) to 9; `nil` is zlib's
    ///   default (6), right offline. A recorder keeping up with a live feed wants 1.
    public static func file(_ path: String, gzipLevel: Int? = nil) throws -> OutputSink {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OpenError(path: path, reason: String(cString: strerror(errno))) }
        guard path.hasSuffix(".gz") else { return OutputSink(fd: fd, owns: true) }
        // zlib owns the descriptor from here and closes it in `gzclose`.
        guard let gz = gzdopen(fd, "wb" + (gzipLevel.map { String(min(9, max(1, $0))) } ?? "")) else {
            closeDescriptor(fd)
            throw OpenError(path: path, reason: "gzip could not start (out of memory)")
        }
        gzbuffer(gz, 1 << 20)
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

    /// Hands the buffer to the file (to zlib, for a gzip file, which may hold some of it back).
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        if let gz {
            let n = buffer.withUnsafeBytes { gzwrite(gz, $0.baseAddress!, UInt32($0.count)) }
            guard n == Int32(buffer.count) else { throw WriteError(reason: String(cString: strerror(errno))) }
        } else {
            var offset = 0
            while offset < buffer.count {
                let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WriteError(reason: String(cString: strerror(errno)))
                }
                offset += n
            }
        }
        bytesWritten += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, and makes everything written so far readable from the file: a gzip stream is
    /// flushed to a byte boundary, so a process killed later loses only what came after. Each
    /// such flush costs compression, so a recorder calls it when it goes idle, not per frame.
    public func sync() throws {
        try flush()
        if let gz { gzflush(gz, Z_SYNC_FLUSH) }
    }

    /// Flushes and closes the file (a gzip stream's trailer is written here); once only.
    public func close() throws {
        guard !closed else { return }
        closed = true
        defer {
            if let gz { gzclose(gz) } else if ownsDescriptor { closeDescriptor(fd) }
        }
        try flush()
    }

    deinit { try? close() }
}

/// The C library's `close`, which `OutputSink.close()` hides inside the class.
private func closeDescriptor(_ fd: Int32) { _ = close(fd) }
