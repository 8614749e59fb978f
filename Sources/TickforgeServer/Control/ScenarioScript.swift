import Yams

/// Reads a scenario script, JSON or YAML, into the value `ScenarioBook.load` takes.
enum ScenarioScript {
    /// YAML with only what a script needs: `true`/`false` are booleans (so a ticker such as `ON`
    /// stays a string), and instants stay strings, read by Tickforge's time rules.
    private static let resolver = Resolver.default
        .removing(.timestamp)
        .replacing(try! Resolver.Rule(.bool, "^(?:true|True|TRUE|false|False|FALSE)$"))

    /// JSON when the content type says so or the text starts with `{`; YAML otherwise.
    static func parse(_ bytes: [UInt8], contentType: String? = nil, name: String = "the script") throws(ControlError) -> JSONValue {
        let text = String(decoding: bytes, as: UTF8.self)
        let firstCharacter = text.first { !$0.isWhitespace }
        let isJSON = contentType.map { $0.contains("json") } ?? (firstCharacter == "{")
        if isJSON && !(contentType?.contains("yaml") ?? false) {
            do {
                return try JSONValue.parse(bytes)
            } catch {
                throw ControlError(400, "\(name) is not valid JSON: write a JSON object {\"start\": …, \"steps\": [ … ]}, or YAML")
            }
        }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text, resolver)
        } catch {
            throw ControlError(400, "\(name) is not valid YAML or JSON: \(String(describing: error).prefix(300))")
        }
        guard let loaded else { throw ControlError(400, "\(name) is empty: expected 'steps', a list of scenario objects") }
        return try JSONValue(any: loaded)
    }
}
