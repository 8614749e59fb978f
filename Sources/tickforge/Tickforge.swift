import ArgumentParser
import Logging
import TickforgeMarket

@main
struct Tickforge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickforge",
        abstract: "A deterministic synthetic US-equities market.",
        version: TickforgeVersion.current,
        subcommands: [ServeCommand.self, ProxyCommand.self, ReplayCommand.self, ImportCommand.self, CtlCommand.self, TailCommand.self, GenerateCommand.self, AnalyzeCommand.self, BenchCommand.self]
    )

    static func main() async {
        // Logs are structured key=value lines on standard error, so NDJSON on stdout stays clean.
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
