//! The outline of a file, found by one pass that knows strings, comments and brackets:
//! its table headers (`[checklist]`, `[[chapter.section.item]]`) and the value brackets
//! left open. These explain what toml's errors do not say: where the first
//! `[checklist]` was, that a list missing its `]` is why every later line is an error.
//!
//! Used only on files that failed to parse; a line this scan misreads in a broken file
//! can only cost a better message, never a wrong verdict.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Header {
    /// From the first `[` to the end of the header's text (before a comment).
    pub span: Range<usize>,
    /// The table's name as written between the brackets, spaces around dots removed.
    pub name: String,
    /// `[[…]]` rather than `[…]`.
    pub is_array: bool,
}

impl Header {
    /// The header as it should be written, e.g. `[[chapter.section.item]]`.
    pub fn corrected(&self) -> String {
        if self.is_array {
            format!("[[{}]]", self.name)
        } else {
            format!("[{}]", self.name)
        }
    }
}

/// A `[` or `{` of a value still open at a line that can only be a new statement (a
/// table header, or `key =` inside a list): its closing bracket is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Unclosed {
    /// Offset of the opening bracket (the outermost one still open).
    pub opened_at: usize,
    pub bracket: char,
    /// Start of the line where the file goes on as if it had been closed.
    pub noticed_at: usize,
}

#[derive(Debug, Default)]
pub(super) struct Outline {
    pub headers: Vec<Header>,
    pub unclosed: Vec<Unclosed>,
}

/// Scans `src` once.
pub(super) fn outline(src: &str) -> Outline {
    let bytes = src.as_bytes();
    let mut out = Outline::default();
    // Value brackets open at this point: (bracket, offset).
    let mut open: Vec<(u8, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // At a line start.
        let line_end = src[i..].find('\n').map_or(src.len(), |k| i + k);
        let line = &src[i..line_end];
        if let Some(&(_, first)) = open.first() {
            let innermost = open.last().map_or(b'[', |&(b, _)| b);
            if looks_like_header(line) || (innermost == b'[' && looks_like_key_value(line)) {
                out.unclosed.push(Unclosed {
                    opened_at: first,
                    bracket: char::from(open[0].0),
                    noticed_at: i,
                });
                open.clear();
            }
        }
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if open.is_empty() && line[indent..].starts_with('[') {
            out.headers.push(header_at(src, i + indent, line_end));
            i = line_end + 1;
            continue;
        }
        i = scan_line(bytes, i + indent, &mut open);
    }
    out
}

fn header_at(src: &str, start: usize, line_end: usize) -> Header {
    let line = &src[start..line_end];
    let text = line.split('#').next().unwrap_or("").trim_end();
    let is_array = text.starts_with("[[");
    let inner = text.trim_start_matches('[').trim_end_matches(']');
    let name = inner
        .split('.')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(".");
    Header {
        span: start..start + text.len(),
        name,
        is_array,
    }
}

fn is_bare_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// `[name]` or `[[a.b]]` alone on its line (a comment allowed): never a list element.
fn looks_like_header(line: &str) -> bool {
    let text = line.split('#').next().unwrap_or("").trim();
    let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
        return false;
    };
    let inner = inner
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(inner);
    let mut parts = inner.split('.').map(str::trim);
    parts.all(|p| !p.is_empty() && p.chars().all(is_bare_key_char))
}

/// `key = …` or `a.b = …`: a statement, never a list element.
fn looks_like_key_value(line: &str) -> bool {
    let text = line.trim_start();
    let key_len = text
        .find(|c: char| !(is_bare_key_char(c) || c == '.'))
        .unwrap_or(text.len());
    let rest = text[key_len..].trim_start();
    key_len > 0 && rest.starts_with('=') && !rest.starts_with("==")
}

/// Scans one line of code from `i` (a string may carry on over many lines); returns
/// the offset of the next line's start.
fn scan_line(bytes: &[u8], mut i: usize, open: &mut Vec<(u8, usize)>) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => return i + 1,
            b'#' => return skip_to_line_end(bytes, i),
            b'"' if bytes[i..].starts_with(b"\"\"\"") => i = skip_multi_line(bytes, i + 3, b'"'),
            b'\'' if bytes[i..].starts_with(b"'''") => i = skip_multi_line(bytes, i + 3, b'\''),
            b'"' | b'\'' => i = skip_one_line_string(bytes, i + 1, bytes[i]),
            b @ (b'[' | b'{') => {
                open.push((b, i));
                i += 1;
            }
            b']' | b'}' => {
                open.pop();
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

fn skip_to_line_end(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |k| i + k + 1)
}

/// Past the closing quote of a one-line string, or to the end of its line if unclosed.
fn skip_one_line_string(bytes: &[u8], mut i: usize, quote: u8) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' && bytes.get(i + 1) != Some(&b'\n') => i += 2,
            b'\n' => return i,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Past the closing triple quote of a multi-line string, or to the end of the file.
fn skip_multi_line(bytes: &[u8], mut i: usize, quote: u8) -> usize {
    while i < bytes.len() {
        if bytes[i] == b'\\' && quote == b'"' {
            i += 2;
        } else if bytes[i..].starts_with(&[quote; 3]) {
            // A string may end in up to two more quotes: `""""` closes after the fourth.
            let run = bytes[i..].iter().take_while(|&&b| b == quote).count();
            return i + run.min(5);
        } else {
            i += 1;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(src: &str) -> Vec<String> {
        outline(src)
            .headers
            .into_iter()
            .map(|h| h.corrected())
            .collect()
    }

    #[test]
    fn headers_outside_strings_and_lists() {
        let src = "[checklist]\nid = \"a\" # [x]\nc = \"\"\"\n[not.a.header]\n\"\"\"\n\
                   m = [\n  [1],\n  { a = 1,\n  b = 2 },\n]\n  [[ chapter . section ]] # note\n[checklist\n";
        assert_eq!(
            names(src),
            ["[checklist]", "[[chapter.section]]", "[checklist]"]
        );
        let o = outline(src);
        assert_eq!(&src[o.headers[2].span.clone()], "[checklist");
        assert_eq!(o.unclosed, []);
    }

    #[test]
    fn unclosed_strings_stop_at_their_line() {
        assert_eq!(names("a = \"abc\n[b]\nc = 'x\n[[d]]\n"), ["[b]", "[[d]]"]);
        assert_eq!(names("a = \"\"\"abc\n[b]\n"), Vec::<String>::new());
    }

    #[test]
    fn a_list_left_open_is_noticed_at_the_next_statement() {
        let src = "m = [\"a\", \"b\"\nc = \"x\"\n[[t]]\nd = [\n  \"e\",\n]\n";
        let o = outline(src);
        assert_eq!(
            o.unclosed,
            [Unclosed {
                opened_at: 4,
                bracket: '[',
                noticed_at: src.find("c =").unwrap(),
            }]
        );
        assert_eq!(names(src), ["[[t]]"]);
        // In an inline table, `key =` lines are fine; a header is not.
        let src = "m = { a = 1,\nb = 2\n[t]\n";
        let o = outline(src);
        assert_eq!(o.unclosed.len(), 1);
        assert_eq!(o.unclosed[0].noticed_at, src.find("[t]").unwrap());
    }
}
