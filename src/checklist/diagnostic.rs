//! Diagnostics a checklist editor can act on: `file:line:column`, the offending line,
//! a caret placed by display width, and a sentence saying what to fix.
//!
//! toml's own error rendering counts a Chinese character as one column, so its caret
//! lands in the wrong place under Chinese text; positions and carets are computed here.

use std::fmt;
use std::ops::Range;

use unicode_width::UnicodeWidthChar;

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
    /// The offending line, control characters made visible, tabs expanded.
    pub source_line: String,
    /// Display cells before the caret and under it.
    pub caret_start: usize,
    pub caret_width: usize,
}

impl Diagnostic {
    /// Builds a diagnostic for a byte span of `src`. Spans are clamped into the file and
    /// onto character boundaries, so a bad span can never panic or point outside the file.
    pub fn new(
        src: &str,
        file: &str,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        let start = floor_char_boundary(src, span.start.min(src.len()));
        let end = floor_char_boundary(src, span.end.clamp(start, src.len()));
        let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
        let line_text = &src[line_start..line_end];
        let line = src[..start].matches('\n').count() + 1;
        let column = src[line_start..start].chars().count() + 1;

        let caret_start = display_width(&src[line_start..start]);
        // A span running past the end of its line is underlined to the line's end.
        let caret_end = end.min(line_end).max(start);
        let caret_width = display_width(&src[start..caret_end]).max(1);

        Diagnostic {
            file: file.to_string(),
            line,
            column,
            span: start..end,
            message: message.into(),
            help: help.into(),
            source_line: visible(line_text),
            caret_start,
            caret_width,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        writeln!(f, "错误: {}", self.message)?;
        writeln!(f, "{pad}--> {}:{}:{}", self.file, self.line, self.column)?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{num} | {}", self.source_line)?;
        writeln!(
            f,
            "{pad} | {}{}",
            " ".repeat(self.caret_start),
            "^".repeat(self.caret_width)
        )?;
        write!(f, "{pad} = 修改建议: {}", self.help)
    }
}

/// Width of `s` in terminal cells as shown by [`visible`]: CJK counts two, a tab four.
pub fn display_width(s: &str) -> usize {
    s.chars().map(cell_width).sum()
}

fn cell_width(c: char) -> usize {
    match c {
        '\t' => 4,
        c if c.is_control() => 1, // shown as U+FFFD
        c => c.width().unwrap_or(0),
    }
}

/// The line as it is printed: tabs as four spaces, control characters as U+FFFD so a
/// stray byte cannot move the terminal's cursor and misplace the caret.
fn visible(line: &str) -> String {
    line.trim_end_matches('\r')
        .chars()
        .map(|c| match c {
            '\t' => "    ".to_string(),
            c if c.is_control() => "\u{FFFD}".to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
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
