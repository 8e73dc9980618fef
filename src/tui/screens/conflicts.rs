//! Settling conflicts: after a merge, the items graded differently on two laptops wait
//! for the lead. This screen shows one such item's versions side by side; one key per
//! version takes it, written at once (`Store::settle`); the versions set aside stay in
//! the history. Then the next conflicting item comes up, until none is left.

use std::cell::Cell;

use crate::tui::action::{Action, Command, Context, Effect};
use crate::tui::app::{App, Status, View};

pub struct ConflictsScreen {
    /// The conflicting item shown.
    pub item_id: String,
    /// Lines scrolled in the versions (shared by all of them).
    pub scroll: usize,
    /// The largest useful scroll at the last draw.
    pub max_scroll: Cell<usize>,
}

impl ConflictsScreen {
    fn new(item_id: String) -> ConflictsScreen {
        ConflictsScreen {
            item_id,
            scroll: 0,
            max_scroll: Cell::new(0),
        }
    }
}

impl App {
    /// Opens the conflicts view on the selected item when it is in conflict, else on
    /// the first conflicting item.
    pub(crate) fn open_conflicts(&mut self) {
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        let items = w.conflict_items();
        let Some(first) = items.first() else {
            self.status = Some(Status::info(
                "本检查没有待裁定的冲突（合并组员的导出文件时，评分不一致的条款会在这里裁定）",
            ));
            return;
        };
        let here = w.selected_item().map(|(_, _, it)| it.id.clone());
        let item = here
            .filter(|id| w.conflicts.contains_key(id))
            .unwrap_or_else(|| first.clone());
        self.view = View::Conflicts(Box::new(ConflictsScreen::new(item)));
        self.status = None;
    }

    pub(crate) fn conflicts_action(&mut self, action: Action) -> Vec<Effect> {
        let (Some(w), View::Conflicts(c)) = (self.walk.as_mut(), &mut self.view) else {
            self.view = View::Walkthrough;
            return Vec::new();
        };
        let step = |delta: isize, c: &mut ConflictsScreen| {
            let items = w.conflict_items();
            let at = items.iter().position(|id| *id == c.item_id).unwrap_or(0);
            let to = at
                .saturating_add_signed(delta)
                .min(items.len().saturating_sub(1));
            if let Some(id) = items.get(to) {
                *c = ConflictsScreen::new(id.clone());
            }
        };
        match action {
            Action::Command(Command::Down) => step(1, c),
            Action::Command(Command::Up) => step(-1, c),
            Action::Command(Command::ScrollDown) => {
                c.scroll = (c.scroll + 5).min(c.max_scroll.get())
            }
            Action::Command(Command::ScrollUp) => c.scroll = c.scroll.saturating_sub(5),
            Action::Command(Command::Back) => self.close_conflicts(),
            Action::Command(command) => {
                if let Some(version) = command.version() {
                    self.settle(version);
                }
            }
            Action::Key(key) => self.unbound_key(key),
            _ => {}
        }
        Vec::new()
    }

    /// Back to the walkthrough, on the item that was shown.
    fn close_conflicts(&mut self) {
        if let (Some(w), View::Conflicts(c)) = (self.walk.as_mut(), &self.view) {
            w.select_item(&c.item_id);
        }
        self.view = View::Walkthrough;
    }

    /// Takes version `version` (1-based) of the shown item; 已保存 once the store
    /// returned. Moves on to the next conflicting item, or back when none is left.
    fn settle(&mut self, version: usize) {
        let Some(by) = self.actor() else {
            return;
        };
        let (Some(w), View::Conflicts(c)) = (self.walk.as_mut(), &mut self.view) else {
            return;
        };
        let Some(conflict) = w.conflicts.get(&c.item_id) else {
            return;
        };
        let n = conflict.len();
        let Some(chosen) = conflict.get(version.wrapping_sub(1)) else {
            let item = c.item_id.clone();
            self.status = Some(Status::warning(format!(
                "条款 {item} 只有 {n} 个版本：按 {} 取其中一个",
                take_keys(self, n)
            )));
            return;
        };
        let who = chosen.by.clone();
        let items_before = w.conflict_items();
        let at = items_before
            .iter()
            .position(|id| *id == c.item_id)
            .unwrap_or(0);
        let item = c.item_id.clone();
        match self.store.settle(&w.inspection.id, &item, version - 1, &by) {
            Ok(settled) => {
                let grade = crate::tui::views::theme::grade_label(settled.grade);
                w.conflicts.remove(&item);
                w.apply_saved(settled);
                let mut text = format!(
                    "已保存：{item} 取版本 {version}（{grade}，{who}），其余 {} 个版本记入历史",
                    n - 1
                );
                let items = w.conflict_items();
                // The item that came after this one, or the last one left.
                match items.get(at.min(items.len().saturating_sub(1))) {
                    Some(next) => {
                        **c = ConflictsScreen::new(next.clone());
                        text.push_str(&format!("；还有 {} 个冲突", items.len()));
                    }
                    None => {
                        text.push_str("；冲突已全部裁定");
                        self.close_conflicts();
                    }
                }
                self.status = Some(Status::saved(text));
            }
            Err(e) => self.status = Some(Status::error(format!("未保存：{e}"))),
        }
    }
}

/// The keys that take versions 1 to `n`, as shown: `1/2/3`.
pub fn take_keys(app: &App, n: usize) -> String {
    Command::TAKE
        .iter()
        .take(n)
        .map(|c| app.keymap.first_key(Context::Conflicts, *c))
        .filter(|k| !k.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}
