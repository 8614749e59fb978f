/// A control API failure: the HTTP status and the `{"error": "..."}` body, which names the field
/// and what was expected.
struct ControlError: Error, CustomStringConvertible {
    var code: Int
    var message: String

    init(_ status: Int = 400, _ message: String) {
        self.code = status
        self.message = message
    }

    static func field(_ name: String, _ expected: String, got value: JSONValue? = nil) -> ControlError {
        ControlError(400, "field '\(name)': expected \(expected)\(value.map { " (got \($0.description))" } ?? "")")
    }

    var description: String { message }
    var body: String { JSONValue.object(["error": .string(message)]).encoded() }
}
