import HTTPTypes

/// An upgrade request's headers as the journal keeps them: every one, with the credentials'
/// values hidden (Alpaca's secret header, an `Authorization`), so the journal can be shared.
enum JournalHeaders {
    static let hidden: Set<String> = ["apca-api-secret-key", "authorization", "cookie"]

    static func fields(_ headers: HTTPFields) -> [(String, String)] {
        headers.map { field in
            let name = field.name.canonicalName
            return (name, hidden.contains(name) ? JournalText.secretShown : String(field.value.prefix(512)))
        }
    }
}
