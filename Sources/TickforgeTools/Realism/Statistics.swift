/// Small sample statistics for the realism report.
enum Statistics {
    static func mean(_ x: [Double]) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }

    static func variance(_ x: [Double]) -> Double {
        let m = mean(x)
        return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count)
    }

    /// Sample autocorrelation at `lag`.
    static func autocorrelation(_ x: [Double], lag: Int) -> Double {
        guard x.count > lag + 1 else { return .nan }
        let m = mean(x)
        var num = 0.0, den = 0.0
        for i in 0..<x.count {
            den += (x[i] - m) * (x[i] - m)
            if i >= lag { num += (x[i] - m) * (x[i - lag] - m) }
        }
        return den == 0 ? 0 : num / den
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let ma = mean(a), mb = mean(b)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in 0..<min(a.count, b.count) {
            sab += (a[i] - ma) * (b[i] - mb)
            saa += (a[i] - ma) * (a[i] - ma)
            sbb += (b[i] - mb) * (b[i] - mb)
        }
        return saa == 0 || sbb == 0 ? 0 : sab / (saa * sbb).squareRoot()
    }

    /// Pearson kurtosis (3 for a normal distribution).
    static func kurtosis(_ x: [Double]) -> Double {
        let m = mean(x)
        var m2 = 0.0, m4 = 0.0
        for v in x {
            let d = (v - m) * (v - m)
            m2 += d
            m4 += d * d
        }
        m2 /= Double(x.count)
        m4 /= Double(x.count)
        return m2 == 0 ? .nan : m4 / (m2 * m2)
    }

    /// Demeaned and scaled to unit variance, so symbols with different volatility can be pooled.
    static func standardized(_ x: [Double]) -> [Double] {
        let m = mean(x), sd = variance(x).squareRoot()
        return sd == 0 ? [] : x.map { ($0 - m) / sd }
    }
}
