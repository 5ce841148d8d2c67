/// Events as Tycho's API prints them: all eight fields, times in UTC with microseconds.
public enum EventJSON {
    /// One event as a JSON object.
    public static func encode(_ event: Event) -> String {
        var out = ""
        append(event, to: &out)
        return out
    }

    public static func append(_ event: Event, to out: inout String) {
        out += "{\"id\": "
        appendString(event.id, to: &out)
        out += ", \"parent_id\": "
        appendString(event.parentID, to: &out)
        out += ", \"source_id\": "
        appendString(event.sourceID, to: &out)
        out += ", \"start_time\": \""
        out += Timestamp.format(event.startTime)
        out += "\", \"end_time\": \""
        out += Timestamp.format(event.endTime)
        out += "\", \"description\": "
        appendString(event.description, to: &out)
        out += ", \"detail_urls\": {"
        for (k, link) in event.detailURLs.enumerated() {
            if k > 0 { out += ", " }
            appendString(link.name, to: &out)
            out += ": "
            appendString(link.url, to: &out)
        }
        out += "}, \"tags\": {"
        for (k, tag) in event.tags.enumerated() {
            if k > 0 { out += ", " }
            appendString(tag.key, to: &out)
            out += ": ["
            for (v, value) in tag.values.enumerated() {
                if v > 0 { out += ", " }
                appendString(value, to: &out)
            }
            out += "]"
        }
        out += "}}"
    }

    /// A list of events as a JSON array.
    public static func encodeList(_ events: [Event]) -> String {
        var out = "["
        for (k, event) in events.enumerated() {
            if k > 0 { out += ", " }
            append(event, to: &out)
        }
        return out + "]"
    }

    /// Tree rows (from `impact` or `tree`) as nested `{"event": ..., "children": [...]}` objects,
    /// built without recursion so a chain of any depth prints. Back references are left out.
    public static func encodeTree(_ rows: [TreeRow], store: EventStore) -> String {
        var out = ""
        var openDepths: [Int] = []
        var isFirstChild = true
        for row in rows where !row.isBackReference {
            while let depth = openDepths.last, depth >= row.depth {
                out += "]}"
                openDepths.removeLast()
                isFirstChild = false
            }
            if !openDepths.isEmpty && !isFirstChild { out += ", " }
            out += "{\"event\": "
            append(store.event(row.record), to: &out)
            out += ", \"children\": ["
            openDepths.append(row.depth)
            isFirstChild = true
        }
        for _ in openDepths { out += "]}" }
        return out
    }

    /// A JSON string literal. Every control character (C0, DEL, C1), bidi control and invisible
    /// format character is escaped, so the output is valid JSON and safe to print on a terminal.
    public static func appendString(_ text: String, to out: inout String) {
        out += "\""
        var plainStart = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        while index != scalars.endIndex {
            let scalar = scalars[index]
            let value = scalar.value
            let escape: String?
            switch value {
            case 0x22: escape = "\\\""
            case 0x5C: escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x08: escape = "\\b"
            case 0x0C: escape = "\\f"
            case 0..<0x20, 0x7F..<0xA0, 0x2028, 0x2029: escape = "\\u" + hex4(value)
            // Bidi controls and invisible format characters are valid JSON as they are, but
            // escaped they cannot reorder or hide what a terminal shows of the output.
            default: escape = SafeText.escape(scalar) == nil ? nil : unicodeEscape(value)
            }
            if let escape {
                // Not `out.unicodeScalars.append`: that view copies the whole of `out` on every
                // call, which made printing N events take O(N²) time.
                out += Substring(scalars[plainStart..<index])
                out += escape
                plainStart = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        out += Substring(scalars[plainStart..<scalars.endIndex])
        out += "\""
    }

    /// `\uXXXX`, or a UTF-16 surrogate pair of them above U+FFFF.
    private static func unicodeEscape(_ value: UInt32) -> String {
        guard value > 0xFFFF else { return "\\u" + hex4(value) }
        let offset = value - 0x10000
        return "\\u" + hex4(0xD800 + (offset >> 10)) + "\\u" + hex4(0xDC00 + (offset & 0x3FF))
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return String((0..<4).map { digits[Int(value >> UInt32(12 - $0 * 4) & 0xF)] })
    }
}
