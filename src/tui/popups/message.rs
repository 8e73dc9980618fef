//! A scrollable text window: results worth reading in full (where a deleted
//! inspection's backup went, a checklist's diagnostics, keymap problems).

use std::cell::Cell;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Followup, Step, centered};
use crate::text::{truncate, wrap};
use crate::tui::action::{Action, Command, Context};
use crate::tui::keymap::Keymap;
use crate::tui::views::theme;

/// One line of a message window, typed by how it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageLine {
    /// A paragraph, wrapped to the window.
    Text(String),
    /// A heading.
    Heading(String),
    /// Shown as is, cut at the window's edge, never wrapped: a source line with the
    /// caret under it, so the caret stays under its character.
    Verbatim(String),
}

impl MessageLine {
    pub fn as_str(&self) -> &str {
        match self {
            MessageLine::Text(s) | MessageLine::Heading(s) | MessageLine::Verbatim(s) => s,
        }
    }

    /// A diagnostic as printed (`checklist::Diagnostic`, keymap problems): its first
    /// line and its `= 修改建议` lines wrap, the source lines and caret stay verbatim.
    pub fn diagnostic(text: &str) -> Vec<MessageLine> {
        text.lines()
            .enumerate()
            .map(|(i, line)| {
                if i == 0 || line.trim_start().starts_with('=') {
                    MessageLine::Text(line.to_string())
                } else {
                    MessageLine::Verbatim(line.to_string())
                }
            })
            .collect()
    }
}

impl From<String> for MessageLine {
    fn from(s: String) -> MessageLine {
        MessageLine::Text(s)
    }
}

impl From<&str> for MessageLine {
    fn from(s: &str) -> MessageLine {
        MessageLine::Text(s.to_string())
    }
}

pub struct MessageView {
    pub title: String,
    pub lines: Vec<MessageLine>,
    pub scroll: usize,
    /// The largest useful scroll at the last draw, so scrolling stops at the end.
    max_scroll: Cell<usize>,
    /// Use most of the screen (help) rather than fit the text.
    pub large: bool,
    /// The folder of the file the message is about: a key opens it.
    pub folder: Option<std::path::PathBuf>,
}

impl MessageView {
    pub fn new(title: impl Into<String>, lines: Vec<MessageLine>) -> MessageView {
        MessageView {
            title: title.into(),
            lines,
            scroll: 0,
            max_scroll: Cell::new(usize::MAX),
            large: false,
            folder: None,
        }
    }

    /// With a key that opens `folder` in the system's file manager.
    pub fn with_folder(mut self, folder: std::path::PathBuf) -> MessageView {
        self.folder = Some(folder);
        self
    }

    /// Every line's text, one per line (for tests and logs).
    pub fn text(&self) -> String {
        let lines: Vec<&str> = self.lines.iter().map(MessageLine::as_str).collect();
        lines.join("\n")
    }

    pub fn update(&mut self, action: Action) -> Step {
        let max = self.max_scroll.get();
        match action {
            Action::Command(Command::Down) => self.scroll = (self.scroll + 1).min(max),
            Action::Command(Command::Up) => self.scroll = self.scroll.saturating_sub(1),
            Action::Command(Command::ScrollDown) => self.scroll = (self.scroll + 10).min(max),
            Action::Command(Command::ScrollUp) => self.scroll = self.scroll.saturating_sub(10),
            Action::Command(Command::Back) => return Step::close(),
            Action::Command(Command::OpenFolder) => {
                if let Some(dir) = &self.folder {
                    return Step::keep_and(Followup::OpenFolder(dir.clone()));
                }
            }
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
        for line in &self.lines {
            match line {
                MessageLine::Heading(h) => {
                    body.push(Line::from(Span::styled(h.to_string(), theme::heading())))
                }
                MessageLine::Verbatim(code) => body.push(Line::from(truncate(code, text_w))),
                MessageLine::Text(para) => {
                    body.extend(wrap(para, text_w).into_iter().map(Line::from));
                }
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
        let footer = match &self.folder {
            Some(_) => format!(
                "{} 打开所在文件夹  {} 关闭{more}",
                keymap.first_key(Context::Viewer, Command::OpenFolder),
                keymap.key_preferring(
                    Context::Viewer,
                    Command::Back,
                    ratatui::crossterm::event::KeyCode::Esc
                )
            ),
            None => format!(
                "{} 关闭{more}",
                keymap.first_key(Context::Viewer, Command::Back)
            ),
        };
        super::clear(frame, rect);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(format!(" {} ", self.title), theme::bold()))
            .title_bottom(Span::styled(format!(" {footer} "), theme::key()));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let inner = crate::tui::views::padded(inner);
        let shown: Vec<Line> = body.into_iter().skip(scroll).take(visible + 1).collect();
        frame.render_widget(Paragraph::new(shown), inner);
    }
}
