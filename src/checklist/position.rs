//! From byte offsets to what an editor shows: line, column, the line's text.
//!
//! The file is scanned once for its line starts; after that a line number is a binary
//! search and a column is counted only over its own line. Offsets located in file order
//! on one line are counted from the previous one, so even a file that is one huge line
//! with an error every few bytes costs time linear in its size.

use std::ops::Range;

/// Where one offset is: its line and the line's bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// Byte offset of the line's first character.
    pub line_start: usize,
    /// Byte offset just past the line's last character (before `\n`, and before a `\r`
    /// that ends the line).
    pub line_end: usize,
}

pub(super) struct Locator<'s> {
    src: &'s str,
    /// Byte offset of every line start: 0 and just after each `\n`.
    line_starts: Vec<usize>,
    /// The last offset located, its 0-based line and 0-based column.
    last: (usize, usize, usize),
}

impl<'s> Locator<'s> {
    pub fn new(src: &'s str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Locator {
            src,
            line_starts,
            last: (0, 0, 0),
        }
    }

    pub fn src(&self) -> &'s str {
        self.src
    }

    /// 1-based line of a byte offset (offsets past the end count as on the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    /// `span` moved into the file and onto character boundaries. An offset at the very
    /// end of a file that ends in a newline is moved back onto the last line: toml
    /// reports "end of input" there, and there is no line after the last one to show.
    pub fn clamp(&self, span: Range<usize>) -> Range<usize> {
        let src = self.src;
        let mut start = floor_char_boundary(src, span.start.min(src.len()));
        if start == src.len() && src.ends_with('\n') {
            start -= 1;
            if src[..start].ends_with('\r') {
                start -= 1;
            }
            return start..start;
        }
        let end = floor_char_boundary(src, span.end.clamp(start, src.len()));
        start..end
    }

    /// Line and column of `offset`, which must be a character boundary in the file.
    pub fn position(&mut self, offset: usize) -> Position {
        let line_index = self.line_of(offset) - 1;
        let line_start = self.line_starts[line_index];
        let line_end = match self.line_starts.get(line_index + 1) {
            Some(&next) => next - 1,
            None => self.src.len(),
        };
        let line_end = if self.src[line_start..line_end].ends_with('\r') {
            line_end - 1
        } else {
            line_end
        };
        let (last_offset, last_line, last_column) = self.last;
        let column = if last_line == line_index && last_offset <= offset {
            last_column + self.src[last_offset..offset].chars().count()
        } else {
            self.src[line_start..offset].chars().count()
        };
        self.last = (offset, line_index, column);
        Position {
            line: line_index + 1,
            column: column + 1,
            line_start,
            line_end: line_end.max(line_start),
        }
    }
}

pub(super) fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_on_their_own_line() {
        let src = "a = 1\nb = \"中文\" c\r\nlast";
        let mut loc = Locator::new(src);
        let at = src.find('c').unwrap();
        let p = loc.position(at);
        assert_eq!((p.line, p.column), (2, 10));
        assert_eq!(&src[p.line_start..p.line_end], "b = \"中文\" c");
        // Out of order: counted again from the line start.
        let p = loc.position(src.find('b').unwrap());
        assert_eq!((p.line, p.column), (2, 1));
        let p = loc.position(src.len());
        assert_eq!((p.line, p.column), (3, 5));
    }

    #[test]
    fn the_end_of_a_file_ending_in_a_newline_is_on_its_last_line() {
        let src = "a = 1\nb = \n";
        let loc = Locator::new(src);
        let span = loc.clamp(src.len()..src.len());
        assert_eq!(span, src.len() - 1..src.len() - 1);
        assert_eq!(loc.line_of(span.start), 2);
        let crlf = "a = 1\r\n";
        let loc = Locator::new(crlf);
        assert_eq!(loc.clamp(7..9), 5..5);
        assert_eq!(Locator::new("").clamp(3..4), 0..0);
    }
}
