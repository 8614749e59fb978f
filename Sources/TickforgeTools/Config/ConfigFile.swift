import Foundation
import TickforgeMarket

/// The optional configuration file (`--config tickforge.json`): market settings and per-symbol
/// profile overrides. Flags and environment variables win over it.
///
/// ```json
/// {
///   "seed": 7,
///   "marketHours": "calendar",
///   "symbols": ["AAPL", "NVDA", "ACME"],
///   "universe": "fixed",
///   "profiles": { "ACME": { "basePrice": 12.5, "volatility": 0.6, "liquidity": 2, "model": "random-walk", "tape": 3 } }
/// }
/// ```
public struct ConfigFile: Codable, Sendable, Equatable {
    public var seed: UInt64?
    public var marketHours: String?
    public var symbols: [String]?
    public var universe: String?
    public var profiles: [String: ProfileOverride]?

    public init() {}

    public struct LoadError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "config file '\(path)': \(reason)" }
    }

    /// Reads and decodes a JSON config file; errors name the file and what is wrong.
    public static func load(path: String) throws -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(path: path, reason: "cannot be read (does it exist?)")
        }
        do {
            return try JSONDecoder().decode(ConfigFile.self, from: data)
        } catch let DecodingError.dataCorrupted(ctx) {
            throw LoadError(path: path, reason: "is not valid JSON: \(ctx.debugDescription)")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx) {
            throw LoadError(path: path, reason: "field '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))': \(ctx.debugDescription)")
        } catch {
            throw LoadError(path: path, reason: "\(error)")
        }
    }
}
