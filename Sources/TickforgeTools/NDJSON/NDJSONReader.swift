#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif


/// Reads NDJSON lines from a file descriptor in large chunks and hands each line's bytes to a
/// callback. No Foundation, no per-line allocation beyond what the callback does.
public struct LineReader {
    let fd: Int32

    public init(fd: Int32) { self.fd = fd }

    public static func open(path: String) throws -> LineReader {
        let fd = TickforgeTools.openForReading(path)
        guard fd >= 0 else { throw OutputSink.OpenError(path: path, reason: String(cString: strerror(errno))) }
        return LineReader(fd: fd)
    }

    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 22)
        var filled = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputSink.WriteError(reason: "read failed: \(String(cString: strerror(errno)))")
            }
            let end = filled + n
            var consumed = 0
            try buffer.withUnsafeBufferPointer { all in
                var i = 0
                while i < end {
                    if all[i] == 10 {
                        if i > consumed { try body(UnsafeBufferPointer(rebasing: all[consumed..<i])) }
                        consumed = i + 1
                    }
                    i += 1
                }
                if n == 0, end > consumed { try body(UnsafeBufferPointer(rebasing: all[consumed..<end])) }
            }
            if n == 0 { return }
            // Keep the partial line; grow if one line fills the buffer.
            let rest = end - consumed
            if consumed > 0 { buffer.withUnsafeMutableBytes { b in _ = memmove(b.baseAddress!, b.baseAddress! + consumed, rest) } }
            filled = rest
            if filled == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
        }
    }
}

func openForReading(_ path: String) -> Int32 { open(path, O_RDONLY) }

/// A scanner for the flat objects `NDJSONEncoder` writes: string values, integers, decimals (kept
/// as fixed point with 4 or 6 decimals) and integer arrays.
public struct FlatObjectScanner {
    public init() {}

    /// Calls `field(key, value)` for every key; numbers come as raw byte slices.
    @inline(__always)
    public func scan(_ line: UnsafeBufferPointer<UInt8>, _ field: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
        var i = 0
        let n = line.count
        while i < n {
            // Find the next key.
            while i < n, line[i] != 34 { i += 1 }
            guard i < n else { return }
            let keyStart = i + 1
            i = keyStart
            while i < n, line[i] != 34 { i += 1 }
            let keyEnd = i
            i += 1
            while i < n, line[i] == 58 || line[i] == 32 { i += 1 }
            guard i < n else { return }
            let valueStart: Int
            let valueEnd: Int
            if line[i] == 34 {
                valueStart = i + 1
                i = valueStart
                while i < n, line[i] != 34 { i += 1 }
                valueEnd = i
                i += 1
            } else if line[i] == 91 {
                valueStart = i
                while i < n, line[i] != 93 { i += 1 }
                i += 1
                valueEnd = i
            } else {
                valueStart = i
                while i < n, line[i] != 44, line[i] != 125 { i += 1 }
                valueEnd = i
            }
            field(UnsafeBufferPointer(rebasing: line[keyStart..<keyEnd]), UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd]))
        }
    }

    /// Parses an integer.
    @inline(__always)
    public static func integer(_ v: UnsafeBufferPointer<UInt8>) -> Int64 {
        var r: Int64 = 0
        var negative = false
        for b in v {
            if b == 45 { negative = true; continue }
            guard b >= 48, b <= 57 else { break }
            r = r * 10 + Int64(b - 48)
        }
        return negative ? -r : r
    }

    /// Parses a decimal into fixed point with `scale` decimals, exactly (extra digits truncated).
    @inline(__always)
    public static func fixed(_ v: UnsafeBufferPointer<UInt8>, scale: Int) -> Int64 {
        var r: Int64 = 0
        var negative = false
        var decimals = -1
        for b in v {
            if b == 45 { negative = true; continue }
            if b == 46 { decimals = 0; continue }
            guard b >= 48, b <= 57 else { break }
            if decimals >= scale { continue }
            r = r * 10 + Int64(b - 48)
            if decimals >= 0 { decimals += 1 }
        }
        for _ in max(decimals, 0)..<scale { r *= 10 }
        return negative ? -r : r
    }

    @inline(__always)
    public static func equals(_ v: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
        guard v.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for i in 0..<v.count where v[i] != p[i] { return false }
        return true
    }
}
