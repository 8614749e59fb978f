#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// A recording being written: plain NDJSON, or gzip when its name ends in `.gz`. Both read back
/// with `RecordingReader`, which tells them apart by their first bytes.
///
/// Gzip is written at level 1: a busy feed records well over 100 MB/s of NDJSON, and the fastest
/// level keeps up where the default would not, while still shrinking the file about sixfold.
public final class RecordingFile {
    public let path: String
    public let isCompressed: Bool
    private let fd: Int32
    private let gz: gzFile?

    public struct OpenError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates (or truncates) the file.
    public init(path: String) throws {
        self.path = path
        isCompressed = path.hasSuffix(".gz")
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OpenError(description: "cannot write the recording '\(path)': \(String(cString: strerror(errno))); check the directory exists and is writable")
        }
        guard isCompressed else {
            gz = nil
            return
        }
        // zlib owns the descriptor from here and closes it in `gzclose`.
        guard let file = gzdopen(fd, "wb1") else {
            close(fd)
            throw OpenError(description: "cannot start gzip for the recording '\(path)': out of memory")
        }
        gzbuffer(file, 1 << 20)
        gz = file
    }

    /// Appends bytes whole; false if the file cannot be written (the disk is full, say).
    public func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return true }
            if let gz { return gzwrite(gz, base, UInt32(raw.count)) == Int32(raw.count) }
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, base + offset, raw.count - offset)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }

    /// Makes what was written so far readable from the file (a gzip stream is flushed to a byte
    /// boundary), so a process killed later loses only what came after. Called when the writer
    /// goes idle, not per frame: each flush costs compression.
    public func flush() {
        if let gz { gzflush(gz, Z_SYNC_FLUSH) }
    }

    /// Ends the file (a gzip stream's trailer is written here).
    public func finish() {
        if let gz { gzclose(gz) } else { close(fd) }
    }
}
