import ArgumentParser
import Logging

@main
struct Tickforge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickforge",
        abstract: "A deterministic synthetic US-equities market.",
        subcommands: [GenerateCommand.self, AnalyzeCommand.self, BenchCommand.self]
    )

    static func main() {
        // Logs are structured key=value lines on standard error, so NDJSON on stdout stays clean.
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
