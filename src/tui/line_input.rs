//! A one-line text field: the form's fields and the prompts (go to, search, filter).
//!
//! The caret is a character index; drawing scrolls horizontally by display width so
//! the caret is always on screen, and reports the caret's cell so the view can put the
//! real terminal cursor there (an input method's candidate window follows it).
//! Control characters never get in; a paste with line breaks becomes one line.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_segmentation::UnicodeSegmentation;

use crate::text::cells;

/// Longest text a field keeps: far beyond any name or phone, small enough to draw.
pub const MAX_CHARS: usize = 2000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    /// Caret as a byte offset into `text`, always on a grapheme boundary.
    caret: usize,
}

impl LineInput {
    pub fn new(text: &str) -> LineInput {
        let mut input = LineInput::default();
        input.insert(text);
        input
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.caret = 0;
    }

    /// Inserts text at the caret: line breaks and tabs become spaces, other control
    /// characters are dropped, and the field stops growing at [`MAX_CHARS`].
    pub fn insert(&mut self, text: &str) {
        let room = MAX_CHARS.saturating_sub(self.text.chars().count());
        let clean: String = text
            .replace("\r\n", "\n")
            .chars()
            .map(|c| {
                if c == '\n' || c == '\r' || c == '\t' {
                    ' '
                } else {
                    c
                }
            })
            .filter(|c| !c.is_control())
            .take(room)
            .collect();
        self.text.insert_str(self.caret, &clean);
        self.caret += clean.len();
        self.snap_caret();
    }

    /// Handles an editing key; returns false when the key is not one it edits with.
    pub fn handle_key(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('a') if ctrl => self.caret = 0,
            KeyCode::Char('e') if ctrl => self.caret = self.text.len(),
            KeyCode::Char('u') if ctrl => {
                self.text.drain(..self.caret);
                self.caret = 0;
            }
            KeyCode::Char('k') if ctrl => self.text.truncate(self.caret),
            KeyCode::Char(_) if ctrl || key.modifiers.contains(KeyModifiers::ALT) => return false,
            KeyCode::Char(c) => {
                let mut buf = [0; 4];
                self.insert(c.encode_utf8(&mut buf));
            }
            KeyCode::Backspace => {
                if let Some(prev) = self.prev_boundary() {
                    self.text.drain(prev..self.caret);
                    self.caret = prev;
                }
            }
            KeyCode::Delete => {
                if let Some(next) = self.next_boundary() {
                    self.text.drain(self.caret..next);
                }
            }
            KeyCode::Left => {
                if let Some(prev) = self.prev_boundary() {
                    self.caret = prev;
                }
            }
            KeyCode::Right => {
                if let Some(next) = self.next_boundary() {
                    self.caret = next;
                }
            }
            KeyCode::Home => self.caret = 0,
            KeyCode::End => self.caret = self.text.len(),
            _ => return false,
        }
        true
    }

    fn prev_boundary(&self) -> Option<usize> {
        self.text[..self.caret]
            .grapheme_indices(true)
            .next_back()
            .map(|(i, _)| i)
    }

    fn next_boundary(&self) -> Option<usize> {
        self.text[self.caret..]
            .graphemes(true)
            .next()
            .map(|g| self.caret + g.len())
    }

    /// Moves the caret onto a grapheme boundary (an inserted combining mark can
    /// merge with what follows).
    fn snap_caret(&mut self) {
        self.caret = self.caret.min(self.text.len());
        let mut at = 0;
        for (i, g) in self.text.grapheme_indices(true) {
            if i + g.len() > self.caret {
                break;
            }
            at = i + g.len();
        }
        if !self.text.is_char_boundary(self.caret) || at != self.caret {
            self.caret = at;
        }
    }

    /// Draws the field into `area` (one line); returns where the caret is on screen.
    /// The text scrolls so the caret stays visible.
    pub fn draw(&self, frame: &mut Frame, area: Rect, style: Style) -> Option<Position> {
        if area.width == 0 || area.height == 0 {
            return None;
        }
        let avail = area.width as usize - 1; // one cell for the caret at the end
        let before = &self.text[..self.caret];
        let caret_col = cells(before);
        // Skip graphemes from the left until the caret fits.
        let mut skip_w = 0;
        let mut start = 0;
        for (i, g) in self.text.grapheme_indices(true) {
            if caret_col - skip_w <= avail || i >= self.caret {
                start = i;
                break;
            }
            skip_w += cells(g);
            start = i + g.len();
        }
        let mut shown = String::new();
        let mut used = 0;
        for g in self.text[start..].graphemes(true) {
            let w = cells(g);
            if used + w > area.width as usize {
                break;
            }
            shown.push_str(g);
            used += w;
        }
        frame.render_widget(Paragraph::new(Line::from(Span::styled(shown, style))), area);
        let x = area.x + (caret_col - skip_w).min(avail) as u16;
        Some(Position::new(x, area.y))
    }
}

/// Tab in a prompt for a path: the last word of `text` completed as a file or folder
/// name — all of it when one name fits (a folder gets its `/`), else as far as the
/// names that fit agree. Also returns, when several fit, a few of them to show.
/// `None` when nothing fits. `~/` stands for the home folder.
pub fn complete_path(text: &str) -> Option<(String, Option<String>)> {
    let start = text.rfind(' ').map_or(0, |i| i + 1);
    let (before, word) = text.split_at(start);
    let (dir_part, prefix) = match word.rfind('/') {
        Some(i) => word.split_at(i + 1),
        None => ("", word),
    };
    let listed = if dir_part.is_empty() {
        std::path::PathBuf::from(".")
    } else if let Some(rest) = dir_part.strip_prefix("~/") {
        etcetera::home_dir().ok()?.join(rest)
    } else {
        std::path::PathBuf::from(dir_part)
    };
    let mut fits: Vec<(String, bool)> = std::fs::read_dir(&listed)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let shown = prefix.starts_with('.') || !name.starts_with('.');
            (shown && name.starts_with(prefix)).then(|| (name, e.path().is_dir()))
        })
        .collect();
    fits.sort();
    let done = |name: &str, slash: bool| {
        format!("{before}{dir_part}{name}{}", if slash { "/" } else { "" })
    };
    match fits.as_slice() {
        [] => None,
        [(name, is_dir)] => Some((done(name, *is_dir), None)),
        many => {
            let first: Vec<char> = many[0].0.chars().collect();
            let common = many.iter().skip(1).fold(first.len(), |n, (name, _)| {
                name.chars()
                    .zip(&first)
                    .take(n)
                    .take_while(|(a, b)| a == *b)
                    .count()
            });
            let common: String = first[..common].iter().collect();
            let shown: Vec<&str> = many.iter().take(6).map(|(n, _)| n.as_str()).collect();
            let more = if many.len() > 6 {
                format!(" 等 {} 个", many.len())
            } else {
                String::new()
            };
            Some((
                done(&common, false),
                Some(
                    crate::text::for_terminal_line(&format!("可选：{}{more}", shown.join("  ")))
                        .into_owned(),
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEvent;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn edits_by_grapheme() {
        let mut f = LineInput::new("北京𠀀😀");
        f.handle_key(&key(KeyCode::Backspace));
        assert_eq!(f.text(), "北京𠀀");
        f.handle_key(&key(KeyCode::Left));
        f.handle_key(&key(KeyCode::Char('市')));
        assert_eq!(f.text(), "北京市𠀀");
        f.handle_key(&key(KeyCode::Home));
        f.handle_key(&key(KeyCode::Delete));
        assert_eq!(f.text(), "京市𠀀");
    }

    #[test]
    fn control_characters_and_line_breaks_are_cleaned() {
        let f = LineInput::new("a\u{1b}[31mb\r\nc\u{0}");
        assert_eq!(f.text(), "a[31mb c");
        let long = "字".repeat(MAX_CHARS + 10);
        assert_eq!(LineInput::new(&long).text().chars().count(), MAX_CHARS);
    }

    #[test]
    fn tab_completes_a_path_as_far_as_the_names_agree() {
        let dir = tempfile::tempdir().unwrap();
        for n in ["IMG_2031.jpg", "IMG_2032.jpg", "消毒记录.pdf"] {
            std::fs::write(dir.path().join(n), b"x").unwrap();
        }
        std::fs::create_dir(dir.path().join("手机照片")).unwrap();
        let base = format!("{}/", dir.path().display());
        let (done, choices) = super::complete_path(&format!("{base}IMG")).unwrap();
        assert_eq!(done, format!("{base}IMG_203"));
        assert!(choices.unwrap().contains("IMG_2032.jpg"));
        let (done, choices) = super::complete_path(&format!("{base}消")).unwrap();
        assert_eq!(done, format!("{base}消毒记录.pdf"));
        assert_eq!(choices, None);
        let (done, _) = super::complete_path(&format!("{base}手")).unwrap();
        assert_eq!(done, format!("{base}手机照片/"), "a folder gets its slash");
        assert_eq!(super::complete_path(&format!("{base}没有")), None);
    }
}
