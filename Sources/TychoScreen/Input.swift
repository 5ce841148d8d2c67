/// A key press, already decoded by the terminal adapter.
public enum Key: Equatable, Hashable, Sendable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace
    /// Ctrl-C (or SIGINT): always quits.
    case interrupt
    /// Ctrl-U: clears the line being edited.
    case clearLine
    /// F1 … F12 (F1 opens the help, as people expect).
    case function(Int)
    case delete
    /// Ctrl and a letter (Ctrl-A, Ctrl-E, Ctrl-W edit the filter as in a shell).
    case control(Character)
    /// Alt and a character (ESC then it): word motions in the editors, else Escape then it.
    case alt(Character)
    /// Text the terminal marked as pasted (bracketed paste): typed into an editor as text, so
    /// a pasted newline is never Enter and the letters after it are never commands.
    case paste(String)
}

/// What the terminal hands the program.
public enum Input: Equatable, Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
}

/// Everything the user can ask for; `AppState.apply` gives each its meaning.
public enum Action: Equatable, Sendable {
    case quit
    case closeOverlay
    case showHelp
    case showProblems
    case startFilter
    case move(Int)
    case page(Int)
    case first
    case last
    case switchFocus
    case openDetail
    case toggleNode
    case collapseOrParent
    case expandOrChild
    case filterInsert(String)
    case filterBackspace
    case filterDeleteForward
    case filterDeleteWord
    case filterMove(FilterEditor.Motion)
    case filterClear
    case filterApply
    case filterCancel
    case filterComplete
    case resize(width: Int, height: Int)
    case toggleFollow
    case showFacets
    /// Adds the facet value under the cursor to the filter (or excludes it).
    case chooseFacet(isExcluded: Bool)
    /// Opens the filter editor to type an anchor time (`at:`).
    case startAnchor
    /// Narrows (< 1) or widens (> 1) the time window around the anchor.
    case zoom(Double)
    case cycleTimeMode
    case jumpToFailure(Int)
    case toggleMark
    case copyID
    case copyJSON
    case copyView
    case copyMarkdown
    case startExport
    case toggleTimeBars
    /// A message from the run loop (what an effect did).
    case notice(String)
    /// "Yes" to a question (overwrite a file).
    case confirm
    /// The time now, from the run loop.
    case clock(Int64)
}

/// The two panes that take the cursor.
public enum Pane: Equatable, Sendable {
    case list
    case tree
}
