//! 整改安排: the 责任科室, 整改期限 and status of the selected item's 整改意见, in a
//! small form over the walkthrough (the `form` keys: Tab / Enter to the next field,
//! Ctrl-S to save, Esc to cancel). The status is chosen with ← → or 1–4. The form
//! stays open until the store has saved what it holds; the date is checked by the
//! store's own rule ([`crate::store::parse_date`]), and what is wrong is shown in it.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Followup, Step, centered};
use crate::store::{ActionPlan, ActionStatus};
use crate::text::{truncate, wrap};
use crate::tui::action::{Action, Command, Context};
use crate::tui::keymap::Keymap;
use crate::tui::line_input::LineInput;
use crate::tui::views::theme;

const FIELDS: usize = 3;
const LABEL_CELLS: u16 = 10;

pub struct PlanForm {
    pub item_id: String,
    title: String,
    /// The 整改意见 the plan is for, shown for reference.
    action: String,
    owner: LineInput,
    due: LineInput,
    pub status: ActionStatus,
    /// 0 责任科室, 1 整改期限, 2 状态.
    focus: usize,
    /// Why the last save was refused, in the store's words.
    pub error: Option<String>,
}

impl PlanForm {
    pub fn new(item_id: &str, title: &str, action: &str, plan: &ActionPlan) -> PlanForm {
        PlanForm {
            item_id: item_id.to_string(),
            title: title.to_string(),
            action: action.to_string(),
            owner: LineInput::new(&plan.owner),
            due: LineInput::new(&plan.due.map(|d| d.to_string()).unwrap_or_default()),
            status: plan.status,
            focus: 0,
            error: None,
        }
    }

    fn save(&self) -> Step {
        Step::keep_and(Followup::SavePlan {
            item_id: self.item_id.clone(),
            owner: self.owner.text().to_string(),
            due: self.due.text().to_string(),
            status: self.status,
        })
    }

    fn step_status(&mut self, by: isize) {
        let all = ActionStatus::ALL;
        let at = all.iter().position(|s| *s == self.status).unwrap_or(0) as isize;
        let n = all.len() as isize;
        self.status = all[((at + by).rem_euclid(n)) as usize];
    }

    pub fn update(&mut self, action: Action) -> Step {
        match action {
            Action::Command(Command::NextField) if self.focus + 1 == FIELDS => return self.save(),
            Action::Command(Command::NextField) => self.focus += 1,
            Action::Command(Command::PrevField) => self.focus = self.focus.saturating_sub(1),
            Action::Command(Command::Submit) => return self.save(),
            Action::Command(Command::Cancel) => return Step::close(),
            Action::Paste(text) => match self.focus {
                0 => self.owner.insert(&text),
                1 => self.due.insert(&text),
                _ => {}
            },
            Action::Key(key) if self.focus == 2 => match key.code {
                KeyCode::Left => self.step_status(-1),
                KeyCode::Right | KeyCode::Char(' ') => self.step_status(1),
                KeyCode::Char(c) => {
                    let digit = match c {
                        '１'..='４' => char::from_u32(c as u32 - '１' as u32 + '1' as u32),
                        c => Some(c),
                    };
                    if let Some(n) = digit.and_then(|d| d.to_digit(10))
                        && (1..=4).contains(&n)
                    {
                        self.status = ActionStatus::ALL[n as usize - 1];
                    }
                }
                _ => {}
            },
            Action::Key(key) => {
                let input = if self.focus == 0 {
                    &mut self.owner
                } else {
                    &mut self.due
                };
                if input.handle_key(&key) {
                    self.error = None;
                }
            }
            _ => {}
        }
        Step::keep()
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, keymap: &Keymap) -> Option<Position> {
        let width = area.width.saturating_sub(4).min(72);
        let text_w = width.saturating_sub(4) as usize;
        let action: Vec<String> = wrap(&self.action.replace('\n', " "), text_w)
            .into_iter()
            .take(2)
            .collect();
        let error: Vec<String> = self
            .error
            .as_deref()
            .map(|e| wrap(e, text_w).into_iter().take(3).collect())
            .unwrap_or_default();
        // Borders, the 整改意见, a gap, three fields, the hint line, the error.
        let height = 2 + action.len() as u16 + 1 + 3 + 1 + error.len() as u16;
        let rect = centered(area, width, height);
        super::clear(frame, rect);
        let key = |c| keymap.first_key(Context::Form, c);
        let footer = format!(
            " {} 下一项  {} 保存  {} 取消 ",
            key(Command::NextField),
            key(Command::Submit),
            key(Command::Cancel)
        );
        let title = truncate(
            &format!(" 整改安排 {} {} ", self.item_id, self.title),
            width.saturating_sub(4) as usize,
        );
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(title, theme::bold()))
            .title_bottom(Span::styled(footer, theme::key()));
        let inner = crate::tui::views::padded(block.inner(rect));
        frame.render_widget(block, rect);
        let row = |n: u16| Rect {
            y: inner.y + n,
            height: 1,
            ..inner
        };
        let mut y = 0;
        for line in &action {
            frame.render_widget(
                Paragraph::new(Span::styled(line.clone(), theme::dim())),
                row(y),
            );
            y += 1;
        }
        y += 1;
        let label = |n: usize, text: &'static str| {
            let style = if self.focus == n {
                theme::bold()
            } else {
                Style::default()
            };
            Span::styled(text, style)
        };
        let mut cursor = None;
        for (n, name, input, hint) in [
            (0, "责任科室：", &self.owner, "如 公共卫生科，可空"),
            (1, "整改期限：", &self.due, "如 2027-01-31，可空"),
        ] {
            let r = row(y);
            frame.render_widget(Paragraph::new(label(n, name)), r);
            let field = Rect {
                x: r.x + LABEL_CELLS,
                width: r.width.saturating_sub(LABEL_CELLS),
                ..r
            };
            if input.is_empty() && self.focus != n {
                frame.render_widget(Paragraph::new(Span::styled(hint, theme::dim())), field);
            } else {
                let style = if self.focus == n {
                    theme::selected()
                } else {
                    Style::default()
                };
                let at = input.draw(frame, field, style);
                if self.focus == n {
                    cursor = at;
                }
            }
            y += 1;
        }
        let mut spans = vec![label(2, "状　　态：")];
        for (k, s) in ActionStatus::ALL.iter().enumerate() {
            let text = format!(" {} {} ", k + 1, s.label());
            spans.push(if *s == self.status {
                Span::styled(
                    text,
                    if self.focus == 2 {
                        theme::selected()
                    } else {
                        theme::bold()
                    },
                )
            } else {
                Span::styled(text, theme::dim())
            });
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), row(y));
        y += 1;
        if self.focus == 2 {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    truncate("← → 或 1–4 选状态", text_w),
                    theme::dim(),
                )),
                row(y),
            );
        }
        y += 1;
        for line in error {
            frame.render_widget(Paragraph::new(Span::styled(line, theme::error())), row(y));
            y += 1;
        }
        cursor
    }
}
