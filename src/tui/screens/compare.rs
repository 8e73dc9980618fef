//! The comparison with the facility's earlier review (回头看, 复核): the verdict then
//! and now, each chapter's 达标率 then and now, and every item whose grade changed, one
//! key from the walkthrough.
//!
//! Opened from the walkthrough or the summary when the inspection is linked to an
//! earlier one (`Inspection.previous`); from the list, on a linked inspection, or by
//! picking two: the first pick is the earlier review, the second is compared with it.

use std::cell::Cell;

use crate::scoring::{Comparison, ItemChange, Trend};
use crate::store::{Inspection, StoreError};
use crate::tui::action::{Action, Command, Context, Effect};
use crate::tui::app::{App, Screen, Status, View};

use super::SummaryScreen;

pub struct CompareScreen {
    /// The earlier review and this one.
    pub old: Inspection,
    pub new: Inspection,
    pub comparison: Comparison,
    /// The items listed (those whose grade changed), as indexes into
    /// `comparison.items`, in checklist order.
    pub rows: Vec<usize>,
    pub selected: usize,
    /// First line drawn; kept by the view so the selection stays on screen.
    pub scroll: Cell<usize>,
    /// Lines of the list shown at the last draw, for paging.
    pub page: Cell<usize>,
    /// Where Back goes.
    pub back_to: Screen,
}

impl CompareScreen {
    pub fn new(old: Inspection, new: Inspection, comparison: Comparison, back_to: Screen) -> Self {
        let rows = comparison
            .items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.change != Trend::Same)
            .map(|(n, _)| n)
            .collect();
        CompareScreen {
            old,
            new,
            comparison,
            rows,
            selected: 0,
            scroll: Cell::new(0),
            page: Cell::new(10),
            back_to,
        }
    }

    pub fn selected_item(&self) -> Option<&ItemChange> {
        let i = *self.rows.get(self.selected)?;
        self.comparison.items.get(i)
    }

    fn move_by(&mut self, delta: isize) {
        let last = self.rows.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }
}

impl App {
    /// From the walkthrough or the summary: the comparison with the linked earlier review.
    pub(crate) fn compare_with_previous(&mut self, back_to: Screen) {
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        let new = w.inspection.id.clone();
        match w.inspection.previous.clone() {
            Some(old) => self.open_compare(&old, &new, back_to),
            None => {
                self.status = Some(Status::info(format!(
                    "本检查没有关联上次评审。在检查列表中先在上次的检查上按 {0}，再在本次的检查上按 {0}",
                    self.keymap.first_key(Context::List, Command::Compare)
                )))
            }
        }
    }

    /// From the list: the selected inspection with its linked earlier review, or with
    /// the one picked before; else the selected one becomes the pick.
    pub(crate) fn list_compare(&mut self) {
        let Some(s) = self.list.selected_summary() else {
            return;
        };
        let (id, date, name) = (
            s.inspection.id.clone(),
            s.inspection.date,
            s.inspection.institution.name.clone(),
        );
        let previous = s.inspection.previous.clone();
        let key = self.keymap.first_key(Context::List, Command::Compare);
        match self.compare_mark.take() {
            Some(mark) if mark == id => {
                self.status = Some(Status::info("已取消对比的选择"));
            }
            Some(mark) => {
                // The earlier review is the one with the earlier date.
                let mark_date = self
                    .list
                    .all
                    .iter()
                    .find(|s| s.inspection.id == mark)
                    .map(|s| s.inspection.date)
                    .unwrap_or_default();
                let (old, new) = if date < mark_date {
                    (id, mark)
                } else {
                    (mark, id)
                };
                self.open_compare(&old, &new, Screen::List);
            }
            None => match previous {
                Some(old) => self.open_compare(&old, &id, Screen::List),
                None => {
                    self.compare_mark = Some(id);
                    self.status = Some(Status::info(format!(
                        "已选「{name}」{date} 作为对比的一方；再选另一次检查按 {key} 对比（再按一次 {key} 取消）"
                    )));
                }
            },
        }
    }

    fn open_compare(&mut self, old: &str, new: &str, back_to: Screen) {
        let inspections = self
            .store
            .get(old)
            .and_then(|o| Ok((o, self.store.get(new)?)));
        let result = inspections.and_then(|(o, n)| Ok((o, n, self.store.comparison(old, new)?)));
        match result {
            Ok((o, n, comparison)) => {
                self.view = View::Compare(Box::new(CompareScreen::new(o, n, comparison, back_to)));
                self.status = None;
            }
            Err(StoreError::UnknownInspection(_)) => {
                self.status = Some(Status::error(format!(
                    "上次评审（编号 {old}）不在本机的数据中：可能已删除，或还没有导入"
                )))
            }
            Err(e) => self.status = Some(Status::error(format!("无法对比：{e}"))),
        }
    }

    pub(crate) fn compare_action(&mut self, action: Action) -> Vec<Effect> {
        let View::Compare(c) = &mut self.view else {
            return Vec::new();
        };
        match action {
            Action::Command(Command::Up) => c.move_by(-1),
            Action::Command(Command::Down) => c.move_by(1),
            Action::Command(Command::ScrollDown) => c.move_by(c.page.get() as isize),
            Action::Command(Command::ScrollUp) => c.move_by(-(c.page.get() as isize)),
            Action::Command(Command::Top) => c.selected = 0,
            Action::Command(Command::Bottom) => c.move_by(isize::MAX),
            Action::Command(Command::Open) => self.compare_jump(),
            Action::Command(Command::Back) => {
                let back_to = c.back_to;
                self.return_to(back_to);
            }
            Action::Key(key) => self.unbound_key(key),
            _ => {}
        }
        Vec::new()
    }

    /// To the selected item in this inspection's walkthrough.
    fn compare_jump(&mut self) {
        let View::Compare(c) = &self.view else {
            return;
        };
        let Some(item) = c.selected_item() else {
            return;
        };
        if item.change == Trend::Removed {
            self.status = Some(Status::info(format!(
                "{} 是上次清单里的条款，本次的清单已删除，无法跳转",
                item.id
            )));
            return;
        }
        let (item_id, new_id) = (item.id.clone(), c.new.id.clone());
        self.view = View::List;
        if self
            .walk
            .as_ref()
            .is_some_and(|w| w.inspection.id == new_id)
        {
            self.view = View::Walkthrough;
        } else {
            self.open_walkthrough(&new_id);
        }
        if self.screen() == Screen::Walkthrough {
            self.goto(&item_id);
        }
    }

    /// Back to the screen a comparison was opened from; a summary is made afresh
    /// from the open inspection.
    fn return_to(&mut self, screen: Screen) {
        self.view = match (screen, self.walk.as_ref()) {
            (Screen::Summary, Some(w)) => View::Summary(Box::new(SummaryScreen::new(w))),
            (Screen::Walkthrough, Some(_)) => View::Walkthrough,
            _ => View::List,
        };
    }
}
