import ArgumentParser

@main
struct Tickforge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickforge",
        abstract: "A deterministic synthetic US-equities market.",
        subcommands: []
    )
}
