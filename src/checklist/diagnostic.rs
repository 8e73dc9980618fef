//! Diagnostics a checklist editor can act on: `file:line:column`, the offending line,
//! a caret placed by display width, and a sentence saying what to fix.
//!
//! toml's own error rendering counts a Chinese character as one column, so its caret
//! lands in the wrong place under Chinese text; positions and carets are computed here.

use std::fmt;
use std::ops::Range;

use unicode_width::UnicodeWidthChar;

use super::escape::{escape_for_terminal, needs_escape};
use super::position::Locator;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters (what editors show).
    pub column: usize,
    /// Byte range in the file the diagnostic is about.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// The offending line, control characters made visible, tabs expanded; on a very
    /// long line, only the part around the error, cut with `...`.
    pub source_line: String,
    /// Display cells before the caret and under it.
    pub caret_start: usize,
    pub caret_width: usize,
    /// A warning (`警告:`): the file is usable, but this is most likely not meant.
    pub warning: bool,
}

/// Characters of a long line shown before and after the error.
const SHOWN_BEFORE: usize = 100;
const SHOWN_AFTER: usize = 200;
/// Marks where a long line was cut.
const CUT: &str = "...";

impl Diagnostic {
    /// Builds a diagnostic for a byte span of `src`. Spans are clamped into the file and
    /// onto character boundaries, so a bad span can never panic or point outside the file.
    ///
    /// This scans `src` for its lines; for many diagnostics of one file, the checklist
    /// loader locates them all with one scan instead.
    pub fn new(
        src: &str,
        file: &str,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::located(
            &mut Locator::new(src),
            file,
            span,
            message.into(),
            help.into(),
        )
    }

    /// Diagnostics for many `(span, message, help)` of one file, located with one scan
    /// of it, in file order: linear in the size of the file, however many there are.
    /// For files other than checklists (the keymap) that collect their problems first.
    pub fn many(
        src: &str,
        file: &str,
        mut problems: Vec<(Range<usize>, String, String)>,
    ) -> Vec<Diagnostic> {
        problems.sort_by_key(|(span, _, _)| (span.start, span.end));
        let mut loc = Locator::new(src);
        problems
            .into_iter()
            .map(|(span, message, help)| Diagnostic::located(&mut loc, file, span, message, help))
            .collect()
    }

    /// A diagnostic at `span`; costs time proportional to the shown part of its line
    /// (and to the distance from the previous diagnostic located on the same line).
    pub(super) fn located(
        loc: &mut Locator,
        file: &str,
        span: Range<usize>,
        message: String,
        help: String,
    ) -> Diagnostic {
        let span = loc.clamp(span);
        let mut pos = loc.position(span.start);
        // At the `\r` or `\n` ending a line: shown at the line's end.
        if span.start > pos.line_end {
            pos = loc.position(pos.line_end);
        }
        let src = loc.src();
        let start = span.start.min(pos.line_end);
        let end = span.end.max(start);

        let shown_start = back_chars(src, pos.line_start, start, SHOWN_BEFORE);
        let shown_end = forward_chars(src, start, pos.line_end, SHOWN_AFTER);
        let mut source_line = String::new();
        if shown_start > pos.line_start {
            source_line.push_str(CUT);
        }
        source_line.push_str(&visible(&src[shown_start..shown_end]));
        if shown_end < pos.line_end {
            source_line.push_str(CUT);
        }

        let cut_width = if shown_start > pos.line_start {
            CUT.len()
        } else {
            0
        };
        let caret_start = cut_width + display_width(&src[shown_start..start]);
        // A span running past the end of its line is underlined to the line's end.
        let caret_end = end.min(shown_end).max(start);
        let caret_width = display_width(&src[start..caret_end]).max(1);

        Diagnostic {
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            span,
            message,
            help,
            source_line,
            caret_start,
            caret_width,
            warning: false,
        }
    }

    pub fn into_warning(self) -> Diagnostic {
        Diagnostic {
            warning: true,
            ..self
        }
    }
}

/// The offset `n` characters before `from`, but not before `limit`.
fn back_chars(src: &str, limit: usize, from: usize, n: usize) -> usize {
    src[limit..from]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(limit, |(i, _)| limit + i)
}

/// The offset `n` characters after `from`, but not after `limit`.
fn forward_chars(src: &str, from: usize, limit: usize, n: usize) -> usize {
    src[from..limit]
        .char_indices()
        .nth(n)
        .map_or(limit, |(i, _)| from + i)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        let kind = if self.warning { "警告" } else { "错误" };
        writeln!(f, "{kind}: {}", escape_for_terminal(&self.message))?;
        writeln!(
            f,
            "{pad}--> {}:{}:{}",
            escape_for_terminal(&self.file),
            self.line,
            self.column
        )?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{num} | {}", self.source_line)?;
        writeln!(
            f,
            "{pad} | {}{}",
            " ".repeat(self.caret_start),
            "^".repeat(self.caret_width)
        )?;
        write!(f, "{pad} = 修改建议: {}", escape_for_terminal(&self.help))
    }
}

/// Width of `s` in terminal cells as shown by [`visible`]: CJK counts two, a tab four.
pub fn display_width(s: &str) -> usize {
    s.chars().map(cell_width).sum()
}

fn cell_width(c: char) -> usize {
    match c {
        '\t' => 4,
        c if needs_escape(c) => 1, // shown as U+FFFD
        c => c.width().unwrap_or(0),
    }
}

/// The line as it is printed: tabs as four spaces, control and bidi characters as
/// U+FFFD so a stray byte cannot move the terminal's cursor, reorder the line or
/// misplace the caret.
fn visible(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\t' => out.push_str("    "),
            c if needs_escape(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_chinese_counts_two_cells() {
        let src = "title = \"社区\" tilte = 1\n";
        let at = src.find("tilte").unwrap();
        let d = Diagnostic::new(src, "x.toml", at..at + 5, "m", "h");
        assert_eq!((d.line, d.column), (1, 14));
        // `title = "` is 9 cells, 社区 is 4, `" ` is 2.
        assert_eq!(d.caret_start, 15);
        assert_eq!(d.caret_width, 5);
        let shown = d.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[3], "1 | title = \"社区\" tilte = 1");
        assert_eq!(lines[4], "  |                ^^^^^");
    }

    #[test]
    fn an_offset_on_a_line_break_is_at_the_end_of_its_line() {
        let src = "a = 1\r\nb = \"中\r\n";
        // The `\r` and the `\n` of each line: after its last character.
        for (at, line, column, shown) in [
            (5, 1, 6, "a = 1"),
            (6, 1, 6, "a = 1"),
            (src.len() - 2, 2, 7, "b = \"中"),
            (src.len() - 1, 2, 7, "b = \"中"),
        ] {
            let d = Diagnostic::new(src, "x", at..at + 1, "m", "h");
            assert_eq!((d.line, d.column), (line, column), "{at}");
            assert_eq!(d.source_line, shown);
            assert_eq!(d.caret_start, display_width(shown));
        }
    }

    #[test]
    fn spans_outside_the_file_are_clamped() {
        let src = "a = 1\nb = \"中\"";
        let d = Diagnostic::new(src, "x", 100..200, "m", "h");
        assert_eq!(d.line, 2);
        assert!(d.span.start <= src.len());
        // Inside a multi-byte character: moved to its start.
        let mid = src.find('中').unwrap() + 1;
        let d = Diagnostic::new(src, "x", mid..mid + 1, "m", "h");
        assert_eq!((d.line, d.column), (2, 6));
    }
}
