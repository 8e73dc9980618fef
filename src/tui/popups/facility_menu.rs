//! The facility register over the new-inspection form: the registered facilities
//! the name typed so far finds (part of the name or its pinyin initials, as every
//! search does: [`crate::text::search::Query`]), by pinyin. Enter (or a number) fills
//! the form's 机构名称, 所在区县, 机构类型, 负责人 and 电话 from the one chosen.

use std::cell::Cell;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Followup, Step, centered};
use crate::store::Facility;
use crate::text::{pad, truncate, wrap};
use crate::tui::action::{Action, Command, Context};
use crate::tui::keymap::Keymap;
use crate::tui::views::theme;

pub struct FacilityMenu {
    /// What the name field held: the search.
    pub query: String,
    pub facilities: Vec<Facility>,
    pub selected: usize,
    /// First row drawn, so the selection stays in view.
    offset: Cell<usize>,
}

impl FacilityMenu {
    pub fn new(query: &str, facilities: Vec<Facility>) -> FacilityMenu {
        FacilityMenu {
            query: query.trim().to_string(),
            facilities,
            selected: 0,
            offset: Cell::new(0),
        }
    }

    fn choose(&self, n: usize) -> Step {
        match self.facilities.get(n) {
            Some(f) => Step::close_and(Followup::PickFacility(Box::new(f.clone()))),
            None => Step::keep(),
        }
    }

    pub fn update(&mut self, action: Action) -> Step {
        match action {
            Action::Command(Command::Up) => self.selected = self.selected.saturating_sub(1),
            Action::Command(Command::Down) => {
                self.selected = (self.selected + 1).min(self.facilities.len().saturating_sub(1))
            }
            Action::Command(Command::Open) => return self.choose(self.selected),
            Action::Command(Command::Cancel) => return Step::close(),
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
        let width = area.width.saturating_sub(4).min(84);
        let text_w = width.saturating_sub(4) as usize;
        let shown_rows = (area.height.saturating_sub(6) as usize).clamp(1, 12);
        let body: Vec<Line> = if self.facilities.is_empty() {
            let say = if self.query.is_empty() {
                "机构名录是空的：照常填写，创建检查时登记为新机构。".to_string()
            } else {
                format!(
                    "机构名录中没有与「{}」相符的机构：照常填写，创建检查时登记为新机构。",
                    self.query
                )
            };
            wrap(&say, text_w).into_iter().map(Line::from).collect()
        } else {
            let mut offset = self.offset.get();
            if self.selected < offset {
                offset = self.selected;
            } else if self.selected >= offset + shown_rows {
                offset = self.selected + 1 - shown_rows;
            }
            self.offset.set(offset);
            let number = self.facilities.len().to_string().len();
            self.facilities
                .iter()
                .enumerate()
                .skip(offset)
                .take(shown_rows)
                .map(|(i, f)| {
                    let text = truncate(
                        &format!(
                            "{:>number$} {}  {}  {}",
                            i + 1,
                            f.name,
                            f.region,
                            f.kind_text()
                        ),
                        text_w,
                    );
                    if i == self.selected {
                        Line::from(Span::styled(pad(&text, text_w), theme::selected()))
                    } else {
                        Line::from(text)
                    }
                })
                .collect()
        };
        let height = body.len() as u16 + 2;
        let rect = centered(area, width, height);
        super::clear(frame, rect);
        let title = if self.query.is_empty() {
            format!(" 机构名录（{} 家） ", self.facilities.len())
        } else {
            format!(
                " 机构名录 · 「{}」 {} 家 ",
                self.query,
                self.facilities.len()
            )
        };
        let footer = format!(
            " {} 选定  {} 返回 ",
            keymap.first_key(Context::Menu, Command::Open),
            keymap.first_key(Context::Menu, Command::Cancel)
        );
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(truncate(&title, text_w), theme::bold()))
            .title_bottom(Span::styled(footer, theme::key()));
        let inner = crate::tui::views::padded(block.inner(rect));
        frame.render_widget(block, rect);
        frame.render_widget(Paragraph::new(body), inner);
    }
}
