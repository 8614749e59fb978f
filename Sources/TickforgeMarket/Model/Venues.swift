/// Where prints and quotes come from, with realistic weights per listing tape.
///
/// Exchange ids are Polygon's (4 = off-exchange TRF, 10 NYSE, 11 NYSE Arca, 12 Nasdaq, …); about a
/// third of US volume prints off-exchange, the listing market takes the largest lit share.
enum Venues {
    /// A weighted choice in O(1): the unit interval cut into 1,024 slots, each holding the venue
    /// whose cumulative weight covers it (weights resolve to 1/1,024, plenty for venue shares).
    struct Table {
        private let slots: [UInt8]

        init(_ weights: [(UInt8, Double)]) {
            let total = weights.reduce(0) { $0 + $1.1 }
            var cumulative: [Double] = []
            var acc = 0.0
            for w in weights { acc += w.1 / total; cumulative.append(acc) }
            slots = (0..<1024).map { i in
                let u = (Double(i) + 0.5) / 1024
                return weights[cumulative.firstIndex { u < $0 } ?? weights.count - 1].0
            }
        }

        @inline(__always) func pick(_ u: Double) -> UInt8 { slots[min(1023, Int(u * 1024))] }
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

    // Built once per process: a tape is created per symbol, and a cold minute should not pay for tables.
    private static let tradeTables: [Table] = Tape.allCases.map { Table(lit($0) + [(trf, 0.36)]) }
    private static let quoteTables: [Table] = Tape.allCases.map { Table(lit($0)) }

    /// Trade venues including the TRF.
    static func trades(_ tape: Tape) -> Table { tradeTables[Int(tape.rawValue) - 1] }
    /// Quote venues: lit exchanges only.
    static func quotes(_ tape: Tape) -> Table { quoteTables[Int(tape.rawValue) - 1] }

    /// FINRA TRF ids: NYSE TRF, Nasdaq TRF Carteret, Nasdaq TRF Chicago.
    static let trfIDs = Table([(201, 0.2), (202, 0.7), (203, 0.1)])

    @inline(__always) static func roundLot(_ price: Price) -> Int32 { price.roundLot }
}
