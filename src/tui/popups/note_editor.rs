//! The multi-line editor for an item's note (备注) and 整改意见.
//!
//! Enter is a newline, never "submit": a terminal that delivers a paste as keystrokes
//! sends Enter for each line break, and those must stay line breaks. Saving is its own
//! key (Ctrl-S by default); Esc asks before throwing changes away.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use super::{Followup, Step, centered};
use crate::text::{truncate, wrap};
use crate::tui::action::{Action, Command, Context};
use crate::tui::keymap::Keymap;
use crate::tui::views::theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Note,
    CorrectiveAction,
    /// The inspection's 综合评价 (not an item's: the editor's item is empty).
    Opinion,
}

impl TextField {
    pub fn label(self) -> &'static str {
        match self {
            TextField::Note => "备注",
            TextField::CorrectiveAction => "整改意见",
            TextField::Opinion => "综合评价",
        }
    }
}

pub struct NoteEditor {
    pub field: TextField,
    pub item_id: String,
    pub item_title: String,
    /// The text as stored, to tell whether anything changed.
    pub original: String,
    pub textarea: TextArea<'static>,
    /// The item's criteria (档次 and text, C first) and its grade now, kept in view
    /// while writing about them.
    pub criteria: Vec<(String, String)>,
    pub grade: String,
}

/// From this width the criteria stand beside the editor; below it, above.
pub const SIDE_BY_SIDE: u16 = 100;

impl NoteEditor {
    pub fn new(field: TextField, item_id: &str, item_title: &str, text: &str) -> NoteEditor {
        NoteEditor::with_criteria(field, item_id, item_title, text, Vec::new(), String::new())
    }

    /// The editor with the item's criteria shown beside (or above) it.
    pub fn with_criteria(
        field: TextField,
        item_id: &str,
        item_title: &str,
        text: &str,
        criteria: Vec<(String, String)>,
        grade: String,
    ) -> NoteEditor {
        let mut textarea = TextArea::from(text.split('\n').map(str::to_string));
        textarea.set_wrap_mode(WrapMode::WordOrGlyph);
        textarea.set_cursor_line_style(Style::default());
        textarea.set_placeholder_text("直接输入；Enter 换行");
        textarea.move_cursor(CursorMove::Bottom);
        textarea.move_cursor(CursorMove::End);
        NoteEditor {
            field,
            item_id: item_id.to_string(),
            item_title: item_title.to_string(),
            original: text.to_string(),
            textarea,
            criteria,
            grade,
        }
    }

    pub fn text(&self) -> String {
        self.textarea.lines().join("\n")
    }

    /// Puts `text` at the caret, as if typed there.
    pub fn insert(&mut self, text: &str) {
        self.textarea.insert_str(text);
    }

    pub fn is_dirty(&self) -> bool {
        self.text() != self.original
    }

    pub fn update(&mut self, action: Action, _keymap: &Keymap) -> Step {
        match action {
            Action::Command(Command::Save) => Step::keep_and(Followup::SaveText {
                field: self.field,
                item_id: self.item_id.clone(),
                text: self.text(),
            }),
            Action::Command(Command::Cancel) => Step::keep_and(Followup::DiscardText {
                dirty: self.is_dirty(),
            }),
            Action::Command(Command::Phrase) => Step::keep_and(Followup::OpenPhrases {
                field: self.field,
                item_id: self.item_id.clone(),
            }),
            Action::Paste(text) => {
                self.textarea.insert_str(clean_paste(&text));
                Step::keep()
            }
            Action::Key(key) => {
                let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
                match key.code {
                    // A raw line feed arrives as Ctrl-J in raw mode: a pasted newline.
                    KeyCode::Char('j') | KeyCode::Char('m') if ctrl => {
                        self.textarea.insert_newline()
                    }
                    KeyCode::Enter => self.textarea.insert_newline(),
                    KeyCode::Char(c) if !ctrl && c.is_control() => {}
                    _ => {
                        self.textarea.input(key);
                    }
                }
                Step::keep()
            }
            _ => Step::keep(),
        }
    }

    /// The criteria's lines at `width`, wrapped by display width.
    fn criteria_lines(&self, width: usize) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        if !self.grade.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("当前档次：{}", self.grade),
                theme::bold(),
            )));
        }
        for (label, text) in &self.criteria {
            lines.push(Line::from(Span::styled(label.clone(), theme::bold())));
            for l in wrap(text, width.saturating_sub(2)) {
                lines.push(Line::from(format!("  {l}")));
            }
        }
        lines
    }

    /// Draws the criteria in `rect`, cut with a mark when they do not fit.
    fn draw_criteria(&self, frame: &mut Frame, rect: Rect) {
        super::clear(frame, rect);
        let block = Block::default().borders(Borders::ALL).title(Span::styled(
            truncate(
                &format!(" 评价要点 · {} ", self.item_id),
                rect.width.saturating_sub(2) as usize,
            ),
            theme::bold(),
        ));
        let inner = crate::tui::views::padded(block.inner(rect));
        frame.render_widget(block, rect);
        let height = inner.height as usize;
        let mut lines = self.criteria_lines(inner.width as usize);
        if lines.len() > height && height > 0 {
            lines.truncate(height);
            lines[height - 1] = Line::from(Span::styled("  …（其余见条款详情）", theme::dim()));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, keymap: &Keymap) -> Option<Position> {
        let rect = if self.criteria.is_empty() {
            let width = area.width.saturating_sub(2).min(100);
            let height = area.height.saturating_sub(2).clamp(5, 20);
            centered(area, width, height)
        } else {
            // The criteria stay in view: beside the editor when wide, above it when not.
            let outer = centered(
                area,
                area.width.saturating_sub(2).min(150),
                area.height.saturating_sub(1).min(26),
            );
            if area.width >= SIDE_BY_SIDE {
                let [left, right] =
                    Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                        .areas(outer);
                self.draw_criteria(frame, left);
                right
            } else {
                let wanted = self
                    .criteria_lines(outer.width.saturating_sub(4) as usize)
                    .len() as u16
                    + 2;
                let top_h = wanted.min(outer.height.saturating_sub(7)).max(3);
                let [top, bottom] =
                    Layout::vertical([Constraint::Length(top_h), Constraint::Min(5)]).areas(outer);
                self.draw_criteria(frame, top);
                bottom
            }
        };
        let width = rect.width;
        let title = truncate(
            &format!(
                " {} · {} {} ",
                self.field.label(),
                self.item_id,
                self.item_title
            ),
            width.saturating_sub(4) as usize,
        );
        let changed = if self.is_dirty() {
            "（已修改）"
        } else {
            ""
        };
        // The phrase key is named when there is room (the status bar names it too).
        let phrase = keymap.first_key(Context::Editor, Command::Phrase);
        let footer = |phrase: &str| {
            let phrase = if phrase.is_empty() {
                String::new()
            } else {
                format!("{phrase} 常用评语 · ")
            };
            format!(
                " {} 保存 · {phrase}{} 取消 · Enter 换行{changed} ",
                keymap.first_key(Context::Editor, Command::Save),
                keymap.first_key(Context::Editor, Command::Cancel),
            )
        };
        let footer = Some(footer(&phrase))
            .filter(|f| crate::text::cells(f) + 2 <= width as usize)
            .unwrap_or_else(|| footer(""));
        super::clear(frame, rect);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(title, theme::bold()))
            .title_bottom(Span::styled(footer, theme::key()));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        if inner.width == 0 || inner.height == 0 {
            return None;
        }
        frame.render_widget(&self.textarea, inner);
        let cursor = self.textarea.screen_cursor();
        let (top_row, top_col) = self.textarea.scroll_offset();
        let row = cursor.row.saturating_sub(top_row as usize);
        let col = cursor.col.saturating_sub(top_col as usize);
        Some(Position::new(
            inner.x + col.min(inner.width as usize - 1) as u16,
            inner.y + row.min(inner.height as usize - 1) as u16,
        ))
    }
}

/// Pasted text as the editor takes it: line ends unified, control characters other
/// than newline and tab dropped (they would move the terminal's cursor).
pub fn clean_paste(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}
