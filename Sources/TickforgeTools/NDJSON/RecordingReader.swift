#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import TickforgeMarket

/// Pulls events one at a time from a recording (`generate`'s NDJSON, plain or gzip), reading the
/// file in large chunks, so a long recording is never held in memory. Lines that are not events
/// are skipped.
///
/// Every file goes through zlib's gzip reader, which reads a file that is not gzip as it is: the
/// first bytes decide, not the name. A gzip file cut short (a recorder killed mid-write) reads up
/// to where it was cut.
public final class RecordingReader {
    public let path: String
    private let file: gzFile
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var decoder: NDJSONEventDecoder
    /// Lines read so far that held no event.
    public private(set) var skippedLines = 0

    public init(path: String, resolve: @escaping (String) -> SymbolID?) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputSink.OpenError(path: path, reason: String(cString: strerror(errno))) }
        guard let file = gzdopen(fd, "rb") else {
            close(fd)
            throw OutputSink.OpenError(path: path, reason: "out of memory")
        }
        gzbuffer(file, 1 << 20)
        self.file = file
        self.path = path
        decoder = NDJSONEventDecoder(resolve: resolve)
    }

    deinit { gzclose(file) }

    /// The next event in file order; `nil` at the end of the file.
    public func next() -> MarketEvent? {
        while let line = nextLine() {
            let event = buffer.withUnsafeBufferPointer { decoder.decode(UnsafeBufferPointer(rebasing: $0[line])) }
            if let event { return event }
            if !line.isEmpty { skippedLines += 1 }
        }
        return nil
    }

    /// Back to the first line (`replay --loop`).
    public func rewind() {
        gzrewind(file)
        start = 0
        end = 0
        atEOF = false
    }

    private func nextLine() -> Range<Int>? {
        while true {
            if let newline = buffer[start..<end].firstIndex(of: 10) {
                defer { start = newline + 1 }
                return start..<newline
            }
            if atEOF {
                guard start < end else { return nil }
                defer { start = end }
                return start..<end
            }
            // Keep the partial line at the front; grow when one line fills the buffer.
            if start > 0 {
                buffer.withUnsafeMutableBytes { b in _ = memmove(b.baseAddress!, b.baseAddress! + start, end - start) }
                end -= start
                start = 0
            }
            if end == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
            // `-1` is an error (a truncated gzip stream, say): what came before it stands.
            let n = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress! + end, UInt32($0.count - end)) }
            if n <= 0 { atEOF = true } else { end += Int(n) }
        }
    }
}
