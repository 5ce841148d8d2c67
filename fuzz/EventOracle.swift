import Foundation

/// What Tycho should make of one JSON line, worked out from Foundation's reading of it and
/// the event format's rules, independently of Tycho's parser.
enum Expectation {
    case rejected
    case deletion
    case event(CanonicalEvent)
}

/// An event's fields as exact bytes (`String ==` would hide a change of Unicode normal form),
/// with links and tags as maps (Foundation's objects forget member order). `id` is nil when a
/// line gives none (Tycho then derives one).
struct CanonicalEvent: Equatable {
    var id: [UInt8]?
    var parent: [UInt8] = []
    var source: [UInt8] = []
    var text: [UInt8] = []
    var start: Int64 = 0
    var end: Int64 = 0
    var links: [[UInt8]: [UInt8]] = [:]
    var tags: [[UInt8]: [[UInt8]]] = [:]

    init() {}

    init(_ event: Event) {
        id = Array(event.id.utf8)
        parent = Array(event.parentID.utf8)
        source = Array(event.sourceID.utf8)
        text = Array(event.description.utf8)
        (start, end) = (event.startTime, event.endTime)
        for link in event.detailURLs { links[Array(link.name.utf8)] = Array(link.url.utf8) }
        for tag in event.tags { tags[Array(tag.key.utf8), default: []] += tag.values.map { Array($0.utf8) } }
    }
}

enum EventOracle {
    /// The expected reading of a line Foundation parsed as `object` (with no repeated keys).
    static func expectation(for object: [String: Any]) -> Expectation {
        // Known members are type-checked at the top level whether or not the line is wrapped.
        guard var top = fields(of: object) else { return .rejected }
        switch object["delete"] {
        case nil, is NSNull: break
        case let id as String: if object["event"] as? [String: Any] == nil { return id.isEmpty ? .rejected : .deletion }
        default: return .rejected
        }
        if let inner = object["event"] as? [String: Any] {
            guard let wrapped = fields(of: inner) else { return .rejected }
            top = wrapped
        }
        guard top.start != nil || top.end != nil else { return .rejected }
        if top.event.id == [] { return .rejected }
        var event = top.event
        event.start = top.start ?? top.end ?? 0
        event.end = top.end ?? event.start
        return .event(event)
    }

    private struct Fields {
        var event = CanonicalEvent()
        var start: Int64?
        var end: Int64?
    }

    /// The known members of one object, or nil when one has the wrong type or value.
    private static func fields(of object: [String: Any]) -> Fields? {
        var f = Fields()
        guard let id = string(object["id"]), let parent = string(object["parent_id"]),
              let source = string(object["source_id"]), let text = string(object["description"]),
              let start = time(object["start_time"]), let end = time(object["end_time"]),
              let links = links(object["detail_urls"]), let tags = tags(object["tags"])
        else { return nil }
        f.event.id = id.map { Array($0.utf8) }
        f.event.parent = Array((parent ?? "").utf8)
        f.event.source = Array((source ?? "").utf8)
        f.event.text = Array((text ?? "").utf8)
        (f.start, f.end) = (start, end)
        f.event.links = links
        f.event.tags = tags
        return f
    }

    /// `.some(nil)` for absent or null, `.some(text)` for a string, nil for anything else.
    private static func string(_ value: Any?) -> String?? {
        switch value {
        case nil, is NSNull: return .some(nil)
        case let text as String: return .some(text)
        default: return nil
        }
    }

    private static func time(_ value: Any?) -> Int64?? {
        switch value {
        case nil, is NSNull: return .some(nil)
        case let text as String: return TimestampReference.milliseconds(Array(text.utf8)).map { .some($0) }
        default: return nil
        }
    }

    private static func links(_ value: Any?) -> [[UInt8]: [UInt8]]? {
        switch value {
        case nil, is NSNull: return [:]
        case let object as [String: Any]:
            var result: [[UInt8]: [UInt8]] = [:]
            for (name, url) in object {
                guard let url = url as? String else { return nil }
                result[Array(name.utf8)] = Array(url.utf8)
            }
            return result
        default: return nil
        }
    }

    /// Tag lists keep their order with repeats dropped; a single string is a one-value list; an
    /// empty list gives the key no values (so it is not there at all).
    private static func tags(_ value: Any?) -> [[UInt8]: [[UInt8]]]? {
        switch value {
        case nil, is NSNull: return [:]
        case let object as [String: Any]:
            var result: [[UInt8]: [[UInt8]]] = [:]
            for (key, values) in object {
                let list: [Any]
                switch values {
                case let one as String: list = [one]
                case let many as [Any]: list = many
                default: return nil
                }
                var unique: [[UInt8]] = []
                for item in list {
                    guard let text = item as? String else { return nil }
                    if !unique.contains(Array(text.utf8)) { unique.append(Array(text.utf8)) }
                }
                if !unique.isEmpty { result[Array(key.utf8)] = unique }
            }
            return result
        default: return nil
        }
    }

    /// How many member names a JSON text has (a string followed by `:`), counted on the bytes;
    /// compared with Foundation's key count it tells whether any object repeats a key.
    static func memberNameCount(_ bytes: [UInt8]) -> Int {
        var count = 0, i = 0, inString = false
        while i < bytes.count {
            let byte = bytes[i]
            if inString {
                if byte == 0x5C { i += 1 } else if byte == 0x22 {
                    inString = false
                    var k = i + 1
                    while k < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[k]) { k += 1 }
                    if k < bytes.count && bytes[k] == 0x3A { count += 1 }
                }
            } else if byte == 0x22 {
                inString = true
            }
            i += 1
        }
        return count
    }

    /// How many keys the objects of a Foundation value have, all levels together.
    static func keyCount(_ value: Any) -> Int {
        switch value {
        case let object as [String: Any]: return object.count + object.values.reduce(0) { $0 + keyCount($1) }
        case let array as [Any]: return array.reduce(0) { $0 + keyCount($1) }
        default: return 0
        }
    }
}
