//! 上次整改意见: what the inspector found of the previous review's 整改意见 on the
//! selected item (回头看, 复核) — 已落实, 部分落实, 未落实, or not yet checked. The
//! menu shows last time's text, 责任科室 and 整改期限 above the choices.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Followup, Step, centered};
use crate::store::{ActionItem, FollowUp};
use crate::text::{truncate, wrap};
use crate::tui::action::{Action, Command, Context};
use crate::tui::keymap::Keymap;
use crate::tui::views::theme;

/// The choices, in order: each outcome, then "not checked".
const CHOICES: [Option<FollowUp>; 4] = [
    Some(FollowUp::Done),
    Some(FollowUp::Partly),
    Some(FollowUp::NotDone),
    None,
];

pub struct FollowUpMenu {
    pub item_id: String,
    /// The previous review's 整改意见 on the item.
    previous: ActionItem,
    /// Which review it was: 2026-06-01 区级评审.
    review: String,
    /// What is recorded now.
    current: Option<FollowUp>,
    pub selected: usize,
}

impl FollowUpMenu {
    pub fn new(previous: &ActionItem, review: &str, current: Option<FollowUp>) -> FollowUpMenu {
        FollowUpMenu {
            item_id: previous.item_id.clone(),
            previous: previous.clone(),
            review: review.to_string(),
            current,
            selected: CHOICES.iter().position(|c| *c == current).unwrap_or(0),
        }
    }

    fn choose(&self, n: usize) -> Step {
        match CHOICES.get(n) {
            Some(found) => Step::close_and(Followup::SetFollowUp {
                item_id: self.item_id.clone(),
                found: *found,
            }),
            None => Step::keep(),
        }
    }

    pub fn update(&mut self, action: Action) -> Step {
        match action {
            Action::Command(Command::Up) => self.selected = self.selected.saturating_sub(1),
            Action::Command(Command::Down) => {
                self.selected = (self.selected + 1).min(CHOICES.len() - 1)
            }
            Action::Command(Command::Open) => return self.choose(self.selected),
            Action::Command(Command::Cancel) => return Step::close(),
            // A choice's number, as shown.
            Action::Command(c) if c.version().is_some() => {
                if let Some(n) = c.version().and_then(|n| n.checked_sub(1)) {
                    return self.choose(n);
                }
            }
            _ => {}
        }
        Step::keep()
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, keymap: &Keymap) {
        let width = area.width.saturating_sub(4).min(70);
        let text_w = width.saturating_sub(4) as usize;
        let mut head: Vec<Line> = vec![Line::from(Span::styled(
            truncate(&format!("上次评审（{}）的整改意见：", self.review), text_w),
            theme::heading(),
        ))];
        for l in wrap(&self.previous.text, text_w.saturating_sub(2))
            .into_iter()
            .take(4)
        {
            head.push(Line::from(format!("  {l}")));
        }
        head.push(Line::from(Span::styled(
            truncate(&format!("  {}", self.previous.plan.summary()), text_w),
            theme::dim(),
        )));
        head.push(Line::from(""));
        let height = 2 + head.len() as u16 + CHOICES.len() as u16;
        let rect = centered(area, width, height);
        super::clear(frame, rect);
        let footer = format!(
            " {} 选定  1–4 直接选  {} 取消 ",
            keymap.first_key(Context::Menu, Command::Open),
            keymap.first_key(Context::Menu, Command::Cancel)
        );
        let title = truncate(
            &format!(
                " 上次整改落实情况 {} {} ",
                self.item_id, self.previous.title
            ),
            width.saturating_sub(4) as usize,
        );
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(title, theme::bold()))
            .title_bottom(Span::styled(footer, theme::key()));
        let inner = crate::tui::views::padded(block.inner(rect));
        frame.render_widget(block, rect);
        let mut lines = head;
        for (n, c) in CHOICES.iter().enumerate() {
            let mark = if *c == self.current { "●" } else { " " };
            let label = crate::store::follow_up_text(*c);
            let text = format!(" {mark} {} {label}", n + 1);
            lines.push(if n == self.selected {
                Line::from(Span::styled(
                    crate::text::pad(&text, text_w),
                    theme::selected(),
                ))
            } else {
                Line::from(text)
            });
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
