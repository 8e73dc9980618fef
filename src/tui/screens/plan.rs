//! The walkthrough's corrective-action commands: the 整改安排 of the selected item's
//! 整改意见 (责任科室, 整改期限, status) and what was found of the previous review's
//! 整改意见 on it (回头看, 复核). Both are saved through the store, which decides what
//! is allowed (a plan needs a 整改意见; a follow-up needs a previous review that had
//! one); the TUI says what it said.

use crate::store::{ActionPlan, ActionStatus, Edit, FollowUp};
use crate::tui::action::{Command, Context};
use crate::tui::app::{App, Status};
use crate::tui::popups::{FollowUpMenu, PlanForm, Popup};

impl App {
    /// `R`: the form for the selected item's 整改安排.
    pub(crate) fn open_plan_form(&mut self) {
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        let Some((_, _, item)) = w.selected_item() else {
            self.no_item_selected("定整改安排");
            return;
        };
        let Some(a) = w
            .assessments
            .get(&item.id)
            .filter(|a| crate::store::has_action(a))
        else {
            self.status = Some(Status::info(format!(
                "{} 还没有整改意见：先按 {} 写整改意见，再定责任科室、整改期限和状态",
                item.id,
                self.keymap
                    .first_key(Context::Walkthrough, Command::EditCorrectiveAction)
            )));
            return;
        };
        let form = PlanForm::new(&item.id, &item.title, &a.corrective_action, &a.plan);
        self.popups.push(Popup::PlanForm(Box::new(form)));
    }

    /// Saves the form's plan; closes the form only once saved, and otherwise shows in
    /// it what is wrong.
    pub(crate) fn save_plan(
        &mut self,
        item_id: &str,
        owner: &str,
        due: &str,
        status: ActionStatus,
    ) {
        let due = match due.trim() {
            "" => None,
            text => match crate::store::parse_date(text) {
                Ok(d) => Some(d),
                Err(why) => {
                    self.plan_refused(format!("整改期限「{}」不对：{why}", text));
                    return;
                }
            },
        };
        let plan = ActionPlan {
            owner: owner.to_string(),
            due,
            status,
        };
        let Some(by) = self.actor() else {
            return;
        };
        let Some(w) = self.walk.as_mut() else {
            return;
        };
        match self
            .store
            .update(&w.inspection.id, item_id, &[Edit::Plan(plan)], &by)
        {
            Ok(saved) => {
                if matches!(self.popups.last(), Some(Popup::PlanForm(_))) {
                    self.popups.pop();
                }
                let changed = saved.changed;
                let warning = saved.backup_warning.clone();
                let summary = saved.assessment.plan.summary();
                w.apply_saved(saved.assessment);
                let what = if changed {
                    format!("已保存：{item_id} 的整改安排（{summary}）")
                } else {
                    format!("{item_id} 的整改安排没有改动")
                };
                self.status = Some(match warning {
                    Some(warn) => Status::warning(format!("{what}。{warn}")),
                    None if changed => Status::saved(what),
                    None => Status::info(what),
                });
            }
            Err(e) => {
                let status = self.store_error("未保存", &e);
                self.plan_refused(e.to_string());
                self.status = Some(status);
            }
        }
    }

    /// Shows why the plan was not saved, in the form (which stays open with what was
    /// typed).
    fn plan_refused(&mut self, why: String) {
        if let Some(Popup::PlanForm(form)) = self.popups.last_mut() {
            form.error = Some(why.clone());
        }
        self.status = Some(Status::error(format!("整改安排未保存：{why}")));
    }

    /// `y`: what was found of the previous review's 整改意见 on the selected item.
    pub(crate) fn open_follow_up(&mut self) {
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        let Some((_, _, item)) = w.selected_item() else {
            self.no_item_selected("记录上次整改的落实情况");
            return;
        };
        let Some(previous) = w.previous_actions.get(&item.id) else {
            let text = match &w.inspection.previous {
                None => format!(
                    "本次检查没有关联上次评审，无从核查上次的整改意见（关联：pingshen link {} --previous 上次的检查编号）",
                    w.inspection.id
                ),
                Some(_) if w.previous_review.is_empty() => {
                    "关联的上次评审不在本机，看不到它的整改意见：先导入它的导出文件".to_string()
                }
                Some(_) => format!(
                    "上次评审（{}）没有对 {} 提出未复核的整改意见",
                    w.previous_review, item.id
                ),
            };
            self.status = Some(Status::info(text));
            return;
        };
        let current = w.assessments.get(&item.id).and_then(|a| a.follow_up);
        let menu = FollowUpMenu::new(previous, &w.previous_review, current);
        self.popups.push(Popup::FollowUpMenu(Box::new(menu)));
    }

    pub(crate) fn save_follow_up(&mut self, item_id: &str, found: Option<FollowUp>) {
        let Some(by) = self.actor() else {
            return;
        };
        let Some(w) = self.walk.as_mut() else {
            return;
        };
        match self
            .store
            .update(&w.inspection.id, item_id, &[Edit::FollowUp(found)], &by)
        {
            Ok(saved) => {
                let changed = saved.changed;
                let warning = saved.backup_warning.clone();
                w.apply_saved(saved.assessment);
                let mut what = match (changed, found) {
                    (false, _) => format!("{item_id} 的上次整改落实情况没有改动"),
                    (true, Some(f)) => format!("已保存：{item_id} 上次的整改意见{}", f.label()),
                    (true, None) => format!("已清除 {item_id} 上次整改意见的核查结果"),
                };
                if w.selected_is_kept() {
                    what.push_str("；已不在筛选中，移到别的条款后隐藏");
                }
                self.status = Some(match warning {
                    Some(warn) => Status::warning(format!("{what}。{warn}")),
                    None if changed => Status::saved(what),
                    None => Status::info(what),
                });
            }
            Err(e) => self.status = Some(self.store_error("未保存", &e)),
        }
    }
}
