/// Tickforge's version: the one place it is set. `tickforge --version`, the server's start-up
/// banner and `/health` all read it; a release bumps it here.
public enum TickforgeVersion {
    public static let current = "0.5.0"
}
