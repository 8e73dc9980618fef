//! Which items the walkthrough shows: all, pending, 不达标, 冲突, ★ core, one chapter,
//! one inspector's chapters. Each choice shows how many items it would show; the
//! menu opens on the active filter, marked ●.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Followup, Step, centered};
use crate::text::{cells, pad, truncate};
use crate::tui::action::{Action, Command, Context};
use crate::tui::keymap::Keymap;
use crate::tui::screens::Filter;
use crate::tui::views::theme;

pub struct FilterMenu {
    /// Each choice with its label.
    pub choices: Vec<(Filter, String)>,
    /// How many items each choice shows (with the search, when there is one).
    pub counts: Vec<usize>,
    /// The filter in force when the menu opened.
    pub active: usize,
    pub selected: usize,
    /// The search the counts are within, if any.
    pub search: Option<String>,
}

impl FilterMenu {
    /// `chapters`: (id, title) of each chapter; `assignments`: each inspector's
    /// chapters (分工); `conflicts`: how many items wait to be settled (the choice is
    /// offered only when some do); `current` is preselected and marked; `count`:
    /// how many items a filter shows, within `search` when one is active.
    pub fn new(
        chapters: &[(String, String)],
        assignments: &[(String, Vec<String>)],
        conflicts: usize,
        follow_ups: bool,
        current: &Filter,
        count: impl Fn(&Filter) -> usize,
        search: Option<String>,
    ) -> FilterMenu {
        let mut choices = vec![
            (Filter::All, "全部条款".to_string()),
            (Filter::Pending, "待评条款".to_string()),
            (Filter::Failed, "不达标条款".to_string()),
        ];
        if conflicts > 0 || *current == Filter::Conflicts {
            choices.push((Filter::Conflicts, "冲突条款（待裁定）".to_string()));
        }
        if follow_ups || *current == Filter::FollowUp {
            choices.push((Filter::FollowUp, "上次整改意见未核查".to_string()));
        }
        choices.push((Filter::Core, "★ 核心条款".to_string()));
        for (id, title) in chapters {
            choices.push((Filter::Chapter(id.clone()), format!("第{id}章 {title}")));
        }
        for (name, chapters) in assignments {
            let which = chapters
                .iter()
                .map(|c| format!("第{c}章"))
                .collect::<Vec<_>>()
                .join("、");
            choices.push((
                Filter::Assigned(name.clone()),
                format!("{name}的分工：{which}"),
            ));
        }
        let selected = choices.iter().position(|(f, _)| f == current).unwrap_or(0);
        let counts = choices.iter().map(|(f, _)| count(f)).collect();
        FilterMenu {
            choices,
            counts,
            active: selected,
            selected,
            search,
        }
    }

    pub fn update(&mut self, action: Action) -> Step {
        match action {
            Action::Command(Command::Up) => self.selected = self.selected.saturating_sub(1),
            Action::Command(Command::Down) => {
                self.selected = (self.selected + 1).min(self.choices.len().saturating_sub(1))
            }
            Action::Command(Command::Open) => {
                return match self.choices.get(self.selected) {
                    Some((filter, _)) => Step::close_and(Followup::SetFilter(filter.clone())),
                    None => Step::close(),
                };
            }
            Action::Command(Command::Cancel) => return Step::close(),
            _ => {}
        }
        Step::keep()
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, keymap: &Keymap) {
        // As wide as the longest choice with its count, within the screen.
        let longest = self
            .choices
            .iter()
            .zip(&self.counts)
            .map(|((_, label), n)| cells(label) + cells(&format!(" {n} 条 ")) + 3)
            .chain(self.search.iter().map(|s| cells(s) + 24))
            .max()
            .unwrap_or(0)
            .max(28);
        let width = area
            .width
            .saturating_sub(4)
            .min(u16::try_from(longest + 4).unwrap_or(u16::MAX))
            .min(60);
        let extra = u16::from(self.search.is_some());
        let rect = centered(area, width, self.choices.len() as u16 + 2 + extra);
        let footer = format!(
            " {} 选定  {} 取消 ",
            keymap.first_key(Context::Menu, Command::Open),
            keymap.first_key(Context::Menu, Command::Cancel)
        );
        super::clear(frame, rect);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(" 筛选条款 ", theme::bold()))
            .title_bottom(Span::styled(footer, theme::key()));
        let mut inner = block.inner(rect);
        frame.render_widget(block, rect);
        if let Some(search) = &self.search {
            let note = format!(" 条数只算搜索「{search}」找到的 ");
            frame.render_widget(
                Paragraph::new(Span::styled(
                    truncate(&note, inner.width as usize),
                    theme::dim(),
                )),
                inner,
            );
            inner.y += 1;
            inner.height = inner.height.saturating_sub(1);
        }
        let width = inner.width as usize;
        let lines: Vec<Line> = self
            .choices
            .iter()
            .enumerate()
            .map(|(i, (_, label))| {
                let mark = if i == self.active { "●" } else { " " };
                let count = format!(" {} 条 ", self.counts.get(i).copied().unwrap_or(0));
                let room = width.saturating_sub(cells(&count) + 3);
                let text = format!(" {mark} {}{count}", pad(&truncate(label, room), room));
                if i == self.selected {
                    Line::from(Span::styled(text, theme::selected()))
                } else {
                    Line::from(text)
                }
            })
            .collect();
        let skip = (self.selected + 1).saturating_sub(inner.height as usize);
        frame.render_widget(
            Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()),
            inner,
        );
    }
}
