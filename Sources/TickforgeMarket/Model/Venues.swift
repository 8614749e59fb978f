/// Where prints and quotes come from, with realistic weights per listing tape.
///
/// Exchange ids are Polygon's (4 = off-exchange TRF, 10 NYSE, 11 NYSE Arca, 12 Nasdaq, …); about a
/// third of US volume prints off-exchange, the listing market takes the largest lit share.
enum Venues {
    struct Table {
        let ids: [UInt8]
        let cumulative: [Double]

        init(_ weights: [(UInt8, Double)]) {
            let total = weights.reduce(0) { $0 + $1.1 }
            var acc = 0.0
            ids = weights.map(\.0)
            cumulative = weights.map { acc += $0.1 / total; return acc }
        }

        @inline(__always) func pick(_ u: Double) -> UInt8 {
            for i in 0..<cumulative.count where u < cumulative[i] { return ids[i] }
            return ids[ids.count - 1]
        }
    }

    static let trf: UInt8 = 4

    private static let litCommon: [(UInt8, Double)] = [
        (8, 0.06), (19, 0.06), (21, 0.05), (15, 0.03), (18, 0.02), (7, 0.02), (20, 0.02),
        (17, 0.01), (2, 0.01), (9, 0.005), (3, 0.005), (6, 0.003), (14, 0.002),
    ]

    private static func lit(_ tape: Tape) -> [(UInt8, Double)] {
        switch tape {
        case .a: litCommon + [(10, 0.14), (12, 0.10), (11, 0.05), (1, 0.005)]
        case .b: litCommon + [(11, 0.14), (12, 0.10), (10, 0.02), (1, 0.01)]
        case .c: litCommon + [(12, 0.16), (11, 0.05), (10, 0.03)]
        }
    }

    /// Trade venues including the TRF.
    static func trades(_ tape: Tape) -> Table { Table(lit(tape) + [(trf, 0.36)]) }
    /// Quote venues: lit exchanges only.
    static func quotes(_ tape: Tape) -> Table { Table(lit(tape)) }

    /// FINRA TRF ids: NYSE TRF, Nasdaq TRF Carteret, Nasdaq TRF Chicago.
    static let trfIDs = Table([(201, 0.2), (202, 0.7), (203, 0.1)])

    /// Round-lot size by price tier (SEC MDI, in force since November 2025).
    @inline(__always) static func roundLot(_ price: Price) -> Int32 {
        switch price.units {
        case ...2_500_000: 100
        case ...10_000_000: 40
        case ...100_000_000: 10
        default: 1
        }
    }
}
