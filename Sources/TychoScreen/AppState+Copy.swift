import Foundation
import TychoModel

/// Copies to the clipboard (`y` id, `Y` JSON, `c` view, `M` Markdown timeline), through OSC 52.
extension AppState {
    /// The most text (UTF-8 bytes, before base64) a copy sends: 100 kB. An event's JSON is a
    /// few hundred bytes and a Markdown timeline of a hundred events about 20 kB, so nothing an
    /// incident write-up pastes comes near it; beyond it OSC 52 stops working (the sequence,
    /// 4/3 larger and sent twice inside tmux, takes seconds over SSH while the screen waits,
    /// and terminals drop or cut sequences past their own limits without a word).
    public static let clipboardLimit = 100_000

    /// How much of a description a Markdown timeline row keeps: a row sums an event up.
    static let markdownDescriptionLimit = 300

    mutating func copySelected(asJSON: Bool) {
        guard let record = focusedRecord else { return }
        guard asJSON else {
            copy(store.id(record), what: "id", orElse: "Enter shows it")
            return
        }
        let id = store.id(record, prefixBytes: 200)
        let wayOut = id.isCut ? "use tycho get with its id (Enter shows it)" : "use tycho get " + Self.shellWord(id.text)
        // Refused before the event is read whole: encoding a 100 MB description froze the screen.
        let size = store.descriptionByteCount(record)
        guard size <= Self.clipboardLimit else {
            notice = "too large to copy (\(Format.bytes(size))): \(wayOut)"
            return
        }
        copy(EventJSON.encode(store.event(record)), what: "event JSON", orElse: wayOut)
    }

    /// The view string, which `tycho --filter` reopens; with no filter there is nothing to
    /// copy (every event is what plain `tycho` shows), and an empty OSC 52 payload clears the
    /// clipboard in some terminals, so nothing is sent.
    mutating func copyView() {
        let view = filter.viewString
        guard !view.isEmpty else {
            notice = "nothing to copy: no filter, this view is every event (/ sets a filter)"
            return
        }
        copy(view, what: "view", orElse: "shorten the filter")
    }

    /// The marked events, oldest first, as a Markdown table for the incident write-up.
    mutating func copyMarkdown() {
        let records = marked.compactMap { store.record(id: $0) }.sorted { store.startTime($0) < store.startTime($1) }
        guard !records.isEmpty else {
            notice = "nothing marked: m marks the selected event"
            return
        }
        var text = "| time (UTC) | local (\(timeZone.identifier)) | id | source | status | description |\n|---|---|---|---|---|---|\n"
        for record in records {
            let start = store.startTime(record)
            let (description, isCut) = store.description(record, prefixBytes: Self.markdownDescriptionLimit)
            let cells = [Format.fullTime(start).replacingUTC(), Format.clock(start + Int64(utcOffset(at: start)) * 1000), store.id(record),
                         store.firstTagValue(record, key: "source"), store.firstTagValue(record, key: "status"), description + (isCut ? "…" : "")]
            text += "| " + cells.enumerated().map { $1.markdownCell(isExact: $0 == 2) }.joined(separator: " | ") + " |\n"
        }
        copy(text, what: "Markdown timeline of \(Format.count(records.count, "event"))", isMultiline: true,
             orElse: "mark fewer events, or export them with x")
    }

    /// Asks the run loop to copy `text`, made safe (on one line unless `isMultiline`), unless
    /// it is empty (some terminals clear the clipboard on an empty payload) or larger than
    /// `clipboardLimit`: then says so and what to do instead.
    mutating func copy(_ text: String, what: String, isMultiline: Bool = false, orElse wayOut: String) {
        let text = SafeText.clipboard(text, isMultiline: isMultiline)  // measured as it will be sent
        let size = text.utf8.count
        if size == 0 {
            notice = "nothing to copy: the \(what) is empty"
        } else if size > Self.clipboardLimit {
            notice = "too large to copy (\(Format.bytes(size))): \(wayOut)"
        } else {
            effects.append(.copy(text: text, what: what))
        }
    }

    /// An id as a shell word: as it is when it is plain, else quoted (and made visible).
    static func shellWord(_ text: String) -> String {
        let plain = !text.isEmpty && text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || "-_.:/@+=,".utf8.contains(byte)
        }
        return plain ? text : "'" + SafeText.visible(text).replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
