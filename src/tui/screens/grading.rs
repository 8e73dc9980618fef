//! The walkthrough's commands: grading and notes (written at once through the store),
//! moving to the next pending / 不达标 item, going to an id, search and filters.

use crate::scoring::Grade;
use crate::store::Edit;
use crate::tui::action::{Action, Command, Effect};
use crate::tui::app::{App, Screen, Status, View};
use crate::tui::popups::{FilterMenu, NoteEditor, Popup, Prompt, PromptKind, TextField};

use super::{SummaryScreen, Walkthrough};

impl App {
    pub(crate) fn open_walkthrough(&mut self, id: &str) {
        match Walkthrough::open(&self.store, id) {
            Ok(w) => {
                let unknown = self
                    .actor_of(&w.inspection.id, &w.inspection.inspectors)
                    .is_none();
                self.walk = Some(w);
                self.view = View::Walkthrough;
                self.status = None;
                self.tell_healed();
                if unknown {
                    self.ask_who();
                }
            }
            Err(e) => self.status = Some(Status::error(format!("无法打开检查：{e}"))),
        }
    }

    pub(crate) fn walkthrough_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(w) = self.walk.as_mut() else {
            self.view = View::List;
            return Vec::new();
        };
        let Action::Command(command) = action else {
            match action {
                Action::Key(key) => self.unbound_key(key),
                Action::Paste(_) => {
                    self.status = Some(Status::info(format!(
                        "要粘贴到备注，先按 {} 打开备注编辑",
                        self.keymap
                            .first_key(crate::tui::action::Context::Walkthrough, Command::EditNote)
                    )))
                }
                _ => {}
            }
            return Vec::new();
        };
        match command {
            Command::Up => w.move_by(-1),
            Command::Down => w.move_by(1),
            Command::Top => w.top(),
            Command::Bottom => w.bottom(),
            Command::Collapse => w.collapse(),
            Command::Expand => w.expand(),
            Command::Toggle => w.toggle(),
            Command::ScrollDown => {
                w.detail_scroll = (w.detail_scroll + 5).min(w.detail_max_scroll.get())
            }
            Command::ScrollUp => w.detail_scroll = w.detail_scroll.saturating_sub(5),
            Command::GradeA => self.grade(Some(Grade::A)),
            Command::GradeB => self.grade(Some(Grade::B)),
            Command::GradeC => self.grade(Some(Grade::C)),
            Command::GradeD => self.grade(Some(Grade::D)),
            Command::GradeNa => self.grade(Some(Grade::NotApplicable)),
            Command::ClearGrade => self.grade(None),
            Command::EditNote => self.open_editor(TextField::Note),
            Command::EditCorrectiveAction => self.open_editor(TextField::CorrectiveAction),
            Command::NextPending => self.jump(true, "待评", |w, it| w.grade_of(&it.id).is_none()),
            Command::PrevPending => {
                self.jump(false, "待评", |w, it| w.grade_of(&it.id).is_none())
            }
            Command::NextFailed => self.jump(true, "不达标", |w, it| {
                w.grade_of(&it.id) == Some(Grade::D)
            }),
            Command::Goto => self
                .popups
                .push(Popup::Prompt(Prompt::new(PromptKind::Goto, ""))),
            Command::Search => {
                let current = w.search.clone();
                self.popups
                    .push(Popup::Prompt(Prompt::new(PromptKind::Search, &current)));
            }
            Command::Filter => {
                let assignments: Vec<(String, Vec<String>)> = w
                    .inspection
                    .assignments
                    .iter()
                    .filter(|(_, chapters)| !chapters.is_empty())
                    .map(|(name, chapters)| (name.clone(), chapters.clone()))
                    .collect();
                let menu =
                    FilterMenu::new(&w.chapters(), &assignments, w.conflicts.len(), &w.filter);
                self.popups.push(Popup::FilterMenu(menu));
            }
            Command::Summary => {
                self.view = View::Summary(Box::new(SummaryScreen::new(w)));
                self.status = None;
            }
            Command::EditChecklist => return self.edit_checklist(),
            Command::Report => return self.start_report(),
            Command::Conflicts => self.open_conflicts(),
            Command::Compare => self.compare_with_previous(Screen::Walkthrough),
            Command::Complete => self.complete(),
            Command::Reopen => self.ask_reopen(),
            Command::Back => {
                self.walk = None;
                self.view = View::List;
                self.status = None;
                self.list.reload(&self.store);
            }
            _ => {}
        }
        Vec::new()
    }

    /// Writes the selected item's grade durably; the status says 已保存 only after
    /// the store's flush returned.
    fn grade(&mut self, grade: Option<Grade>) {
        let Some(by) = self.actor() else {
            return;
        };
        let Some(w) = self.walk.as_mut() else {
            return;
        };
        let Some((_, _, item)) = w.selected_item() else {
            self.status = Some(Status::warning(
                "先选中一个条款再评分（现在选中的是章或节的标题）",
            ));
            return;
        };
        let item_id = item.id.clone();
        match self
            .store
            .update(&w.inspection.id, &item_id, &[Edit::Grade(grade)], &by)
        {
            Ok(saved) => {
                let warning = saved.backup_warning.clone();
                w.apply_saved(saved.assessment);
                let what = match grade {
                    Some(g) => format!("已保存：{item_id} 评为 {}", g.label()),
                    None => format!("已保存：{item_id} 已清除档次（待评）"),
                };
                self.status = Some(match warning {
                    Some(warn) => Status::warning(format!("{what}。{warn}")),
                    None => Status::saved(what),
                });
            }
            Err(e) => self.status = Some(self.store_error("未保存", &e)),
        }
    }

    fn open_editor(&mut self, field: TextField) {
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        let Some((_, _, item)) = w.selected_item() else {
            self.status = Some(Status::warning(
                "先选中一个条款（现在选中的是章或节的标题）",
            ));
            return;
        };
        let current = w.assessments.get(&item.id);
        let text = match field {
            TextField::Note => current.map(|a| a.note.as_str()),
            TextField::CorrectiveAction => current.map(|a| a.corrective_action.as_str()),
        }
        .unwrap_or("");
        let editor = NoteEditor::new(field, &item.id, &item.title, text);
        self.popups.push(Popup::NoteEditor(Box::new(editor)));
    }

    /// Saves the note or 整改意见 from the editor; closes it only once saved.
    pub(crate) fn save_text(&mut self, field: TextField, item_id: &str, text: &str) {
        let Some(by) = self.actor() else {
            return;
        };
        let Some(w) = self.walk.as_mut() else {
            return;
        };
        let change = match field {
            TextField::Note => Edit::Note(text.to_string()),
            TextField::CorrectiveAction => Edit::CorrectiveAction(text.to_string()),
        };
        match self.store.update(&w.inspection.id, item_id, &[change], &by) {
            Ok(saved) => {
                let warning = saved.backup_warning.clone();
                let changed = saved.changed;
                w.apply_saved(saved.assessment);
                self.close_editor();
                let what = if changed {
                    format!("已保存：{item_id} 的{}", field.label())
                } else {
                    format!("{item_id} 的{}没有改动", field.label())
                };
                self.status = Some(match warning {
                    Some(warn) => Status::warning(format!("{what}。{warn}")),
                    None if changed => Status::saved(what),
                    None => Status::info(what),
                });
            }
            // The editor stays open with the text, so nothing typed is lost.
            Err(e) => self.status = Some(self.store_error("未保存", &e)),
        }
    }

    fn jump(
        &mut self,
        forward: bool,
        what: &str,
        wanted: impl Fn(&Walkthrough, &crate::checklist::Item) -> bool,
    ) {
        let Some(w) = self.walk.as_mut() else {
            return;
        };
        match w.find_item(forward, wanted) {
            Some(id) => {
                w.select_item(&id);
                self.status = None;
            }
            None => {
                let scope = if w.filter_active() {
                    format!("（筛选：{}）", w.filter_label())
                } else {
                    String::new()
                };
                self.status = Some(Status::info(format!("没有{what}的条款了{scope}")));
            }
        }
    }

    pub(crate) fn prompt_changed(&mut self, kind: PromptKind, text: &str) {
        if kind == PromptKind::Search
            && let Some(w) = self.walk.as_mut()
        {
            w.search = text.to_string();
            w.rebuild();
        }
    }

    pub(crate) fn prompt_done(&mut self, kind: PromptKind, text: Option<String>) -> Vec<Effect> {
        if kind == PromptKind::Merge {
            return match text {
                Some(text) => self.merge_files(&text),
                None => Vec::new(),
            };
        }
        if kind == PromptKind::Acting {
            if let Some(text) = text {
                self.who_answered(&text);
            }
            return Vec::new();
        }
        if kind == PromptKind::Reopen {
            if let Some(reason) = text {
                self.reopen(&reason);
            }
            return Vec::new();
        }
        let Some(w) = self.walk.as_mut() else {
            return Vec::new();
        };
        match (kind, text) {
            (PromptKind::Goto, Some(text)) => self.goto(&text),
            (PromptKind::Goto, None) => {}
            (PromptKind::Search, Some(text)) => {
                w.search = text.trim().to_string();
                w.rebuild();
                let n = w
                    .rows
                    .iter()
                    .filter(|r| matches!(r, super::Row::Item(..)))
                    .count();
                self.status = Some(if w.search.is_empty() {
                    Status::info("已清除搜索")
                } else {
                    Status::info(format!("搜索「{}」：{n} 条", w.search))
                });
            }
            (PromptKind::Search, None) => {
                w.search.clear();
                w.rebuild();
            }
            (PromptKind::Merge | PromptKind::Reopen | PromptKind::Acting, _) => {}
        }
        Vec::new()
    }

    /// Goes to an item (or chapter/section) by id, clearing a filter that hides it.
    pub(crate) fn goto(&mut self, text: &str) {
        let Some(w) = self.walk.as_mut() else {
            return;
        };
        let id = normalize_id(text);
        if id.is_empty() {
            return;
        }
        let is_item = w.checklist.find_item(&id).is_some();
        let is_header = w
            .checklist
            .chapters
            .iter()
            .any(|c| c.id == id || c.sections.iter().any(|s| s.id == id));
        if !is_item && !is_header {
            self.status = Some(Status::error(format!(
                "没有编号为「{id}」的条款。条款编号形如 2.1.3"
            )));
            return;
        }
        let found = |w: &mut Walkthrough| {
            if is_item {
                w.select_item(&id)
            } else {
                w.select_header(&id)
            }
        };
        if found(w) {
            self.status = None;
            return;
        }
        // Hidden by the filter or the search: clear them and try again.
        w.filter = super::Filter::All;
        w.search.clear();
        w.rebuild();
        found(w);
        self.status = Some(Status::info(format!("已清除筛选，以显示 {id}")));
    }
}

/// An id as typed with a Chinese input method: full-width digits and dots, 。 and 、
/// as separators, spaces around.
pub fn normalize_id(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' | '。' | '、' | '，' | ',' => '.',
            c => c,
        })
        .collect()
}
