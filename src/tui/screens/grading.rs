//! The walkthrough's commands: grading and notes (written at once through the store),
//! moving to the next pending / 不达标 item, going to an id, search and filters.

use ratatui::crossterm::event::KeyCode;

use crate::scoring::Grade;
use crate::store::Edit;
use crate::tui::action::{Action, Command, Context, Effect};
use crate::tui::app::{App, Screen, Status, View};
use crate::tui::popups::{FilterMenu, NoteEditor, Popup, Prompt, PromptKind, TextField};

use super::{SummaryScreen, Walkthrough};

impl App {
    pub(crate) fn open_walkthrough(&mut self, id: &str) {
        match Walkthrough::open(&self.store, id) {
            Ok(w) => {
                self.list.show_id(id);
                let unknown = self
                    .actor_of(&w.inspection.id, &w.inspection.inspectors)
                    .is_none();
                self.walk = Some(w);
                self.view = View::Walkthrough;
                self.status = None;
                self.tell_healed();
                if unknown {
                    self.ask_who(super::AfterWho::Nothing);
                }
            }
            Err(e) => self.status = Some(Status::error(format!("无法打开检查：{e}"))),
        }
    }

    pub(crate) fn walkthrough_action(&mut self, action: Action) -> Vec<Effect> {
        if self.walk.is_none() {
            self.view = View::List;
            return Vec::new();
        }
        let Action::Command(command) = action else {
            match action {
                Action::Key(key) if matches!(key.code, KeyCode::Backspace | KeyCode::Delete) => {
                    self.status = Some(Status::info(format!(
                        "退格键和 Del 键不会改动评分；要清除所选条款的评分，按 {}",
                        self.keymap
                            .first_key(Context::Walkthrough, Command::ClearGrade)
                    )));
                }
                Action::Key(key) => self.unbound_key(key),
                Action::Paste(_) => {
                    self.status = Some(Status::info(format!(
                        "要粘贴到备注，先按 {} 打开备注编辑",
                        self.keymap
                            .first_key(Context::Walkthrough, Command::EditNote)
                    )))
                }
                _ => {}
            }
            return Vec::new();
        };
        let effects = self.walkthrough_command(command);
        // Once the inspector has moved to another item, an item kept in view after
        // leaving the filter goes.
        if let Some(w) = self.walk.as_mut() {
            w.settle();
        }
        effects
    }

    fn walkthrough_command(&mut self, command: Command) -> Vec<Effect> {
        let Some(w) = self.walk.as_mut() else {
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
            Command::ScrollDown => w.scroll_page(true),
            Command::ScrollUp => w.scroll_page(false),
            Command::AutoAdvance => {
                self.auto_advance = !self.auto_advance;
                self.status = Some(Status::info(if self.auto_advance {
                    "已开：评分后自动跳到下一条待评"
                } else {
                    "已关：评分后不再自动跳转"
                }));
            }
            Command::SwitchInspector => self.switch_inspector(),
            Command::GradeA => self.grade(Some(Grade::A)),
            Command::GradeB => self.grade(Some(Grade::B)),
            Command::GradeC => self.grade(Some(Grade::C)),
            Command::GradeD => self.grade(Some(Grade::D)),
            Command::GradeNa => self.grade(Some(Grade::NotApplicable)),
            Command::ClearGrade => self.clear_grade(),
            Command::AttachEvidence => self.ask_attach(),
            Command::ShowEvidence => self.show_evidence(),
            Command::Undo => self.take_back(false),
            Command::Redo => self.take_back(true),
            Command::EditNote => self.open_editor(TextField::Note),
            Command::EditCorrectiveAction => self.open_editor(TextField::CorrectiveAction),
            Command::EditPlan => self.open_plan_form(),
            Command::FollowUp => self.open_follow_up(),
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
                let menu = FilterMenu::new(
                    &w.chapters(),
                    &assignments,
                    w.conflicts.len(),
                    !w.previous_actions.is_empty(),
                    &w.filter,
                    |f| w.count_for(f),
                    (!w.search.trim().is_empty()).then(|| w.search.trim().to_string()),
                );
                self.popups.push(Popup::FilterMenu(menu));
            }
            Command::Summary => {
                self.view = View::Summary(Box::new(SummaryScreen::new(w)));
                self.status = None;
            }
            Command::EditChecklist => return self.edit_checklist(),
            Command::Report => return self.start_report(),
            Command::Notice => return self.start_notice(),
            Command::Conflicts => self.open_conflicts(),
            Command::Compare => self.compare_with_previous(Screen::Walkthrough),
            Command::Complete => self.complete(),
            Command::Reopen => self.ask_reopen(),
            // Esc clears a search first; the next one leaves.
            Command::Back if !w.search.trim().is_empty() => {
                w.set_search("");
                self.status = Some(Status::info(format!(
                    "已清除搜索；再按 {} 返回检查列表",
                    self.keymap
                        .key_preferring(Context::Walkthrough, Command::Back, KeyCode::Esc)
                )));
            }
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

    /// Why nothing can be graded or noted now: no item matches the filter, or a
    /// heading is selected.
    pub(crate) fn no_item_selected(&mut self, doing: &str) {
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        let key = |c| self.keymap.first_key(Context::Walkthrough, c);
        let text = if w.filter_active() && w.matches.is_empty() && w.kept.is_none() {
            let search = if w.search.trim().is_empty() {
                String::new()
            } else {
                format!(
                    "，或按 {} 清除搜索",
                    self.keymap
                        .key_preferring(Context::Walkthrough, Command::Back, KeyCode::Esc)
                )
            };
            format!(
                "没有符合筛选的条款，无从{doing}：按 {} 换一个筛选{search}",
                key(Command::Filter)
            )
        } else {
            format!("先选中一个条款再{doing}（现在选中的是章或节的标题）")
        };
        self.status = Some(Status::warning(text));
    }

    /// `x`: clears the selected item's grade and says what it was.
    fn clear_grade(&mut self) {
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        let Some((_, _, item)) = w.selected_item() else {
            self.no_item_selected("清除评分");
            return;
        };
        match w.grade_of(&item.id) {
            Some(was) => self.grade_as(None, Some(was)),
            None => {
                self.status = Some(Status::info(format!(
                    "{} 还没有评分，没有可清除的",
                    item.id
                )))
            }
        }
    }

    /// `u` / `U`: undoes (or redoes) the acting inspector's last change on this
    /// laptop, then selects the item it changed — shown even when the filter hides
    /// it — and says exactly what changed.
    fn take_back(&mut self, redo: bool) {
        let Some(by) = self.actor() else {
            return;
        };
        let Some(w) = self.walk.as_mut() else {
            return;
        };
        let id = w.inspection.id.clone();
        let done = if redo {
            self.store.redo(&id, &by)
        } else {
            self.store.undo(&id, &by)
        };
        let done = match done {
            Ok(done) => done,
            Err(e) => {
                let doing = if redo { "未重做" } else { "未撤销" };
                self.status = Some(self.store_error(doing, &e));
                return;
            }
        };
        match self.store.assessment(&id, &done.item) {
            Ok(a) => {
                w.apply_saved(a.unwrap_or_else(|| crate::store::Assessment::empty(&done.item)))
            }
            Err(e) => {
                self.status = Some(self.store_error("已保存，但未能重新读取", &e));
                return;
            }
        }
        w.reveal(&done.item);
        let mut what = done.message();
        if w.selected_is_kept() {
            what.push_str("；已不在筛选中，移到别的条款后隐藏");
        }
        self.status = Some(Status::saved(what));
    }

    fn grade(&mut self, grade: Option<Grade>) {
        self.grade_as(grade, None);
    }

    /// Writes the selected item's grade durably; the status says 已保存 only after
    /// the store's flush returned. `was`: the grade a clearing removes, named in the
    /// status.
    fn grade_as(&mut self, grade: Option<Grade>, was: Option<Grade>) {
        let Some(by) = self.actor() else {
            return;
        };
        let Some(w) = self.walk.as_mut() else {
            return;
        };
        let Some((_, _, item)) = w.selected_item() else {
            self.no_item_selected("评分");
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
                let mut what = match (grade, was) {
                    (Some(g), _) => format!("已保存：{item_id} 评为 {}", g.label()),
                    (None, Some(was)) => {
                        format!("已清除 {item_id} 的评分（原为 {}）", was.label())
                    }
                    (None, None) => format!("已清除 {item_id} 的评分"),
                };
                if w.selected_is_kept() {
                    what.push_str("；已不在筛选中，移到别的条款后隐藏");
                }
                if grade.is_some() && self.auto_advance {
                    match w.find_item(true, |w, it| w.grade_of(&it.id).is_none()) {
                        Some(next) if next != item_id => {
                            w.select_item(&next);
                            w.settle();
                            what.push_str(&format!("，已跳到下一条待评 {next}"));
                        }
                        _ => what.push_str("；没有待评的条款了"),
                    }
                }
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
            let doing = format!("编辑{}", field.label());
            self.no_item_selected(&doing);
            return;
        };
        let current = w.assessments.get(&item.id);
        let text = match field {
            TextField::Note => current.map(|a| a.note.as_str()),
            TextField::CorrectiveAction => current.map(|a| a.corrective_action.as_str()),
            TextField::Opinion => None,
        }
        .unwrap_or("");
        let criteria = [
            ("C", Some(&item.criteria.c)),
            ("B", item.criteria.b.as_ref()),
            ("A", item.criteria.a.as_ref()),
        ]
        .into_iter()
        .filter_map(|(tier, text)| text.map(|t| (format!("{tier} 档"), t.clone())))
        .collect();
        let grade = crate::tui::views::theme::grade_label(w.grade_of(&item.id)).to_string();
        let editor = NoteEditor::with_criteria(field, &item.id, &item.title, text, criteria, grade);
        self.popups.push(Popup::NoteEditor(Box::new(editor)));
    }

    /// Saves the note or 整改意见 from the editor; closes it only once saved.
    pub(crate) fn save_text(&mut self, field: TextField, item_id: &str, text: &str) {
        if field == TextField::Opinion {
            return self.save_opinion(text);
        }
        let Some(by) = self.actor() else {
            return;
        };
        let Some(w) = self.walk.as_mut() else {
            return;
        };
        let change = match field {
            TextField::Note => Edit::Note(text.to_string()),
            TextField::CorrectiveAction => Edit::CorrectiveAction(text.to_string()),
            TextField::Opinion => return,
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
            w.set_search(text);
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
        if kind == PromptKind::Attach {
            if let Some(text) = text {
                self.attach_from(&text);
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
                w.set_search(text.trim());
                self.status = Some(if w.search.is_empty() {
                    Status::info("已清除搜索")
                } else {
                    Status::info(format!("搜索「{}」：{}", w.search, found_text(w)))
                });
            }
            (PromptKind::Search, None) => {
                let had = !w.search.trim().is_empty();
                w.set_search("");
                if had {
                    self.status = Some(Status::info("已清除搜索"));
                }
            }
            (
                PromptKind::Merge | PromptKind::Reopen | PromptKind::Acting | PromptKind::Attach,
                _,
            ) => {}
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
        w.set_search("");
        found(w);
        self.status = Some(Status::info(format!("已清除筛选，以显示 {id}")));
    }
}

/// How many items a filter or search found and which is selected, for the status
/// line: "共 8 条，已选中第 1 条 2.1.3", or that none match.
pub(crate) fn found_text(w: &Walkthrough) -> String {
    match (w.position(), w.selected_item()) {
        ((_, 0), _) => "没有符合筛选的条款".to_string(),
        ((Some(k), n), Some((_, _, it))) => format!("共 {n} 条，已选中第 {k} 条 {}", it.id),
        ((_, n), _) => format!("共 {n} 条"),
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
