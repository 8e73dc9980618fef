//! A scrollable text window: results worth reading in full (where a deleted
//! inspection's backup went, a checklist's diagnostics, keymap problems).

use std::cell::Cell;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Step, centered};
use crate::text::{truncate, wrap};
use crate::tui::action::{Action, Command, Context};
use crate::tui::keymap::Keymap;
use crate::tui::views::theme;

/// Starts a line that is shown as is (cut at the window's edge, not wrapped).
pub const PRE: &str = "\u{1}";

pub struct MessageView {
    pub title: String,
    /// Paragraphs; each is wrapped to the window.
    pub lines: Vec<String>,
    pub scroll: usize,
    /// The largest useful scroll at the last draw, so scrolling stops at the end.
    max_scroll: Cell<usize>,
    /// Use most of the screen (help) rather than fit the text.
    pub large: bool,
}

impl MessageView {
    pub fn new(title: impl Into<String>, lines: Vec<String>) -> MessageView {
        MessageView {
            title: title.into(),
            lines,
            scroll: 0,
            max_scroll: Cell::new(usize::MAX),
            large: false,
        }
    }

    pub fn update(&mut self, action: Action) -> Step {
        let max = self.max_scroll.get();
        match action {
            Action::Command(Command::Down) => self.scroll = (self.scroll + 1).min(max),
            Action::Command(Command::Up) => self.scroll = self.scroll.saturating_sub(1),
            Action::Command(Command::ScrollDown) => self.scroll = (self.scroll + 10).min(max),
            Action::Command(Command::ScrollUp) => self.scroll = self.scroll.saturating_sub(10),
            Action::Command(Command::Back) => return Step::close(),
            _ => {}
        }
        Step::keep()
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, keymap: &Keymap) {
        let width = if self.large {
            area.width.saturating_sub(4).min(100)
        } else {
            area.width.saturating_sub(4).min(80)
        };
        let text_w = width.saturating_sub(4) as usize;
        let mut body: Vec<Line> = Vec::new();
        for para in &self.lines {
            if let Some(h) = para.strip_prefix("## ") {
                body.push(Line::from(Span::styled(h.to_string(), theme::heading())));
                continue;
            }
            if let Some(code) = para.strip_prefix(PRE) {
                // Source lines with a caret under them: cut, never wrapped, so the
                // caret stays under the character it points at.
                body.push(Line::from(truncate(code, text_w)));
                continue;
            }
            for l in wrap(para, text_w) {
                body.push(Line::from(l));
            }
        }
        let max_h = area.height.saturating_sub(2);
        let height = if self.large {
            max_h
        } else {
            (body.len() as u16 + 3).min(max_h)
        };
        let rect = centered(area, width, height);
        let visible = rect.height.saturating_sub(3) as usize;
        let max_scroll = body.len().saturating_sub(visible);
        self.max_scroll.set(max_scroll);
        let scroll = self.scroll.min(max_scroll);
        let more = if max_scroll > 0 {
            format!(
                "  {}/{} 滚动",
                keymap.first_key(Context::Viewer, Command::Down),
                keymap.first_key(Context::Viewer, Command::Up)
            )
        } else {
            String::new()
        };
        let footer = format!(
            "{} 关闭{more}",
            keymap.first_key(Context::Viewer, Command::Back)
        );
        super::clear(frame, rect);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(format!(" {} ", self.title), theme::bold()))
            .title_bottom(Span::styled(format!(" {footer} "), theme::key()));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let inner = Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
            ..inner
        };
        let shown: Vec<Line> = body.into_iter().skip(scroll).take(visible + 1).collect();
        frame.render_widget(Paragraph::new(shown), inner);
    }
}
