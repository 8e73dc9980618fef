//! TOML text built from the sheets, with a map from each written value to the cell it
//! came from. The text is then loaded by the same loader as any checklist file, so a
//! workbook gets exactly the checks and sentences of `pingshen check`; each message is
//! moved from its place in the generated text to the cell.

use super::layout::CellRef;

/// TOML being written, and where each piece came from.
#[derive(Default)]
pub struct Emitter {
    pub text: String,
    /// (byte offset in `text`, cell), in increasing offset order.
    pub marks: Vec<(usize, CellRef)>,
}

impl Emitter {
    pub fn comment(&mut self, indent: &str, line: &str) {
        self.text.push_str(indent);
        if line.is_empty() {
            self.text.push('#');
        } else {
            self.text.push_str("# ");
            self.text.push_str(line);
        }
        self.text.push('\n');
    }

    pub fn blank(&mut self) {
        self.text.push('\n');
    }

    /// A table header such as `[[chapter]]`; problems of the table as a whole (a
    /// missing key) are put at `cell`.
    pub fn header(&mut self, indent: &str, header: &str, cell: CellRef) {
        self.mark(indent, cell);
        self.text.push_str(header);
        self.text.push('\n');
    }

    /// `key = "value"`.
    pub fn string(&mut self, indent: &str, key: &str, value: &str, cell: CellRef) {
        self.raw(indent, key, &quote(value), cell);
    }

    /// `key = ["a", "b"]`.
    pub fn list(&mut self, indent: &str, key: &str, values: &[String], cell: CellRef) {
        let items: Vec<String> = values.iter().map(|v| quote(v)).collect();
        self.raw(indent, key, &format!("[{}]", items.join(", ")), cell);
    }

    /// `key = value`, the value written as given (true, 0.8).
    pub fn raw(&mut self, indent: &str, key: &str, value: &str, cell: CellRef) {
        self.mark(indent, cell);
        self.text.push_str(key);
        self.text.push_str(" = ");
        self.text.push_str(value);
        self.text.push('\n');
    }

    fn mark(&mut self, indent: &str, cell: CellRef) {
        self.text.push_str(indent);
        self.marks.push((self.text.len(), cell));
    }

    /// The cell a byte offset of the text came from: the last piece starting at or
    /// before it.
    pub fn cell_at(&self, offset: usize) -> Option<&CellRef> {
        let i = self.marks.partition_point(|(at, _)| *at <= offset);
        self.marks.get(i.checked_sub(1)?).map(|(_, c)| c)
    }

    /// The cell of the last piece on a 1-based line of the text (or before it).
    pub fn cell_on_line(&self, line: usize) -> Option<&CellRef> {
        let start = match line {
            0 | 1 => 0,
            n => self
                .text
                .match_indices('\n')
                .nth(n - 2)
                .map(|(i, _)| i + 1)?,
        };
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |e| start + e);
        self.cell_at(end)
    }
}

/// A TOML basic string. Cells were cleaned of control characters; newlines and tabs
/// are escaped so every value stays on one line.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_text_reads_back_as_written() {
        let s = "a \"b\" \\ c\n第二行\t制表";
        let doc = format!("k = {}\n", quote(s));
        let t: toml::Table = toml::from_str(&doc).unwrap();
        assert_eq!(t["k"].as_str(), Some(s));
    }
}
