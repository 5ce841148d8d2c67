import TychoModel
import TychoScreen
import XCTest

final class CanvasTests: XCTestCase {
    func testDisplayWidthOfWideAndZeroWidthCharacters() {
        XCTAssertEqual(DisplayWidth.of("abc"), 3)
        XCTAssertEqual(DisplayWidth.of("修复登录问题"), 12)
        XCTAssertEqual(DisplayWidth.of("배포 완료"), 9)
        XCTAssertEqual(DisplayWidth.of("🚀"), 2)
        XCTAssertEqual(DisplayWidth.of("👩‍💻"), 2, "a ZWJ sequence is one emoji")
        XCTAssertEqual(DisplayWidth.of("🇺🇸"), 2, "a flag is one emoji")
        XCTAssertEqual(DisplayWidth.of("é"), 1, "e + combining acute is one cell")
        XCTAssertEqual(DisplayWidth.of("café"), 4)
        XCTAssertEqual(DisplayWidth.of("☺"), 1, "text presentation")
        XCTAssertEqual(DisplayWidth.of("☺️"), 2, "emoji presentation selector")
        XCTAssertEqual(DisplayWidth.of("ｆｕｌｌ"), 8, "fullwidth forms")
    }

    /// The canvas draws text made only of "plain narrow" scalars a scalar per cell, skipping
    /// grapheme breaking: every such scalar must be one cell, safe as it is, and never join a
    /// neighbour into one grapheme, or columns would shift.
    func testPlainNarrowScalarsAreOneCellEachAndNeverJoin() {
        var checked = 0
        for value in UInt32(0)...0x3_0000 {
            guard let scalar = Unicode.Scalar(value), DisplayWidth.isPlainNarrow(scalar) else { continue }
            let text = String(Character(scalar))
            XCTAssertEqual(DisplayWidth.of(Character(scalar)), 1, "U+\(String(value, radix: 16))")
            XCTAssertEqual(SafeText.visible(text), text, "U+\(String(value, radix: 16)) must need no escape")
            XCTAssertEqual(("x" + text + text + "x").count, 4, "U+\(String(value, radix: 16)) joins a neighbour")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 900)
    }

    func testPlainAndMixedTextDrawAlike() {
        // The tree's guides and a label: drawn a scalar per cell, the same as through graphemes.
        var canvas = Canvas(width: 12, height: 2)
        XCTAssertEqual(canvas.draw("├─▾ deploy/x", x: 0, y: 0), 12)
        XCTAssertEqual(canvas.rowText(0), "├─▾ deploy/x")
        XCTAssertEqual(canvas.draw("├─▾ de\u{301}ploy/xyz", x: 0, y: 1), 12)
        XCTAssertEqual(canvas.rowText(1), "├─▾ déploy/…", "a combining mark takes the slow path, which cuts the same way")
        var narrow = Canvas(width: 5, height: 1)
        narrow.draw("修复", x: 0, y: 0)
        narrow.draw("ab", x: 1, y: 0)
        XCTAssertEqual(narrow.rowText(0), " ab", "overwriting half of a wide character blanks the other half")
    }

    func testWideCharactersAreNeverCutInHalf() {
        var canvas = Canvas(width: 10, height: 1)
        let used = canvas.draw("ab修复登录", x: 0, y: 0, limit: 7)
        // 2 + 2 + 2 = 6 columns fit before the ellipsis; the next wide character does not.
        XCTAssertEqual(canvas.rowText(0), "ab修复…")
        XCTAssertEqual(used, 7)
        XCTAssertTrue(canvas[3, 0].isContinuation)
    }

    func testTextThatFitsHasNoEllipsis() {
        var canvas = Canvas(width: 10, height: 1)
        canvas.draw("🚀 go", x: 0, y: 0, limit: 5)
        XCTAssertEqual(canvas.rowText(0), "🚀 go")
    }

    func testControlCharactersAndEscapesAreShownEscaped() {
        var canvas = Canvas(width: 80, height: 1)
        canvas.draw("a\u{1B}[2Jb\u{07}c\u{08}d\re\u{202E}f\u{1B}]52;c;aGk=\u{07}", x: 0, y: 0)
        XCTAssertEqual(canvas.rowText(0), "a\\x1B[2Jb\\x07c\\x08d\\re\\u202Ef\\x1B]52;c;aGk=\\x07")
        for x in 0..<canvas.width {
            for scalar in canvas[x, 0].text.unicodeScalars {
                XCTAssertFalse(scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value), "raw control character in cell \(x)")
                XCTAssertNotEqual(scalar.value, 0x202E)
            }
        }
    }

    func testALoneCombiningMarkIsShownAsItsCode() {
        var canvas = Canvas(width: 20, height: 1)
        canvas.draw("\u{301}x", x: 0, y: 0)
        XCTAssertEqual(canvas.rowText(0), "\\u0301x")
    }

    func testOverwritingHalfOfAWideCharacterBlanksTheOtherHalf() {
        var canvas = Canvas(width: 6, height: 1)
        canvas.draw("修复登", x: 0, y: 0)
        canvas.draw("x", x: 1, y: 0)
        XCTAssertEqual(canvas.rowText(0), " x复登")
        XCTAssertFalse(canvas[0, 0].isContinuation)
    }

    func testDrawingOutsideTheCanvasIsIgnored() {
        var canvas = Canvas(width: 3, height: 1)
        XCTAssertEqual(canvas.draw("abc", x: 5, y: 0), 0)
        XCTAssertEqual(canvas.draw("abc", x: 0, y: 3), 0)
        XCTAssertEqual(canvas.draw("abcdef", x: 1, y: 0), 2)
        XCTAssertEqual(canvas.rowText(0), " a…")
    }
}
