#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TickforgeMarket

/// Pulls events one at a time from a recording (`generate`'s NDJSON), reading the file in large
/// chunks, so a long recording is never held in memory. Lines that are not events are skipped.
public final class RecordingReader {
    public let path: String
    private var fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var decoder: NDJSONEventDecoder
    /// Lines read so far that held no event.
    public private(set) var skippedLines = 0

    public init(path: String, resolve: @escaping (String) -> SymbolID?) throws {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputSink.OpenError(path: path, reason: String(cString: strerror(errno))) }
        self.path = path
        decoder = NDJSONEventDecoder(resolve: resolve)
    }

    deinit { close(fd) }

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
        lseek(fd, 0, SEEK_SET)
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
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + end, $0.count - end) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { atEOF = true } else { end += n }
        }
    }
}
