//! A one-line question: go to an item by id, search item texts, the export files to merge.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};

use super::{Followup, Step, centered};
use crate::tui::action::{Action, Command, Context};
use crate::tui::keymap::Keymap;
use crate::tui::line_input::LineInput;
use crate::tui::views::theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Goto,
    Search,
    /// Export files from the team's laptops, to merge into this computer's store.
    Merge,
    /// Why a completed inspection is reopened (kept in the history).
    Reopen,
    /// Which of the inspection's inspectors is at the keyboard.
    Acting,
    /// A file or folder to attach to the selected item as evidence.
    Attach,
}

pub struct Prompt {
    pub kind: PromptKind,
    pub input: LineInput,
    /// A line under the input, when the question needs one.
    pub detail: Option<String>,
}

impl Prompt {
    pub fn new(kind: PromptKind, text: &str) -> Prompt {
        Prompt {
            kind,
            input: LineInput::new(text),
            detail: None,
        }
    }

    pub fn update(&mut self, action: Action) -> Step {
        match action {
            Action::Command(Command::Open) => Step::close_and(Followup::PromptDone(
                self.kind,
                Some(self.input.text().to_string()),
            )),
            Action::Command(Command::Cancel) => {
                Step::close_and(Followup::PromptDone(self.kind, None))
            }
            Action::Paste(text) => {
                self.input.insert(&text);
                self.changed()
            }
            Action::Key(key)
                if key.code == ratatui::crossterm::event::KeyCode::Tab
                    && matches!(self.kind, PromptKind::Attach | PromptKind::Merge) =>
            {
                match crate::tui::line_input::complete_path(self.input.text()) {
                    Some((done, choices)) => {
                        self.input = LineInput::new(&done);
                        self.detail = choices;
                    }
                    None => self.detail = Some("没有以此开头的文件或文件夹".into()),
                }
                Step::keep()
            }
            Action::Key(key) => {
                if self.input.handle_key(&key) {
                    self.changed()
                } else {
                    Step::keep()
                }
            }
            _ => Step::keep(),
        }
    }

    fn changed(&self) -> Step {
        Step::keep_and(Followup::PromptChanged(
            self.kind,
            self.input.text().to_string(),
        ))
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, keymap: &Keymap) -> Option<Position> {
        let title = match self.kind {
            PromptKind::Goto => "跳到条款：输入编号，如 2.1.3",
            PromptKind::Search => "搜索条款：编号、名称、评价要点、备注（边输入边筛选）",
            PromptKind::Merge => "合并组员导出的文件：输入或拖入文件路径",
            PromptKind::Reopen => "重新打开已完成的检查：写明原因（记入修改历史）",
            PromptKind::Acting => "你是哪位评审专家？",
            PromptKind::Attach => "附上佐证：文件或文件夹的路径（Tab 补全）",
        };
        // Merging needs a word on how to give several files.
        let help = match self.kind {
            PromptKind::Merge => {
                Some("多个文件用空格分开，路径含空格时加引号；也可以一次合并一个。")
            }
            PromptKind::Attach if self.detail.is_none() => {
                Some("写文件夹时列出其中的文件（新的在前），可选几个；文件复制到数据目录保存。")
            }
            _ => self.detail.as_deref(),
        };
        let footer = format!(
            " {} 确定  {} 取消 ",
            keymap.first_key(Context::Prompt, Command::Open),
            keymap.first_key(Context::Prompt, Command::Cancel)
        );
        let width = area
            .width
            .saturating_sub(4)
            .min(if help.is_some() { 76 } else { 70 });
        let rect = centered(area, width, 3 + help.map_or(0, |_| 1));
        super::clear(frame, rect);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(format!(" {title} "), theme::bold()))
            .title_bottom(Span::styled(footer, theme::key()));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let inner = Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
            height: 1,
            ..inner
        };
        if let Some(help) = help {
            let line = Rect {
                y: inner.y + 1,
                ..inner
            };
            let text = crate::text::truncate(help, line.width as usize);
            frame.render_widget(
                ratatui::widgets::Paragraph::new(Span::styled(text, theme::dim())),
                line,
            );
        }
        self.input
            .draw(frame, inner, ratatui::style::Style::default())
    }
}
