//! The summary: per-chapter counts and 达标率, the verdict with every condition's
//! measured share against its threshold, and the gaps — the items that keep the
//! facility from the next verdict, each one key away.

use std::cell::Cell;

use crate::scoring::{Evaluation, Gap, Goal, Rollup, evaluate, next_goal, rollup};
use crate::tui::action::{Action, Command, Context, Effect};
use crate::tui::app::{App, Screen, Status, View};
use crate::tui::popups::{NoteEditor, Popup, TextField};

use super::Walkthrough;

pub struct SummaryScreen {
    pub rollup: Rollup,
    pub evaluation: Evaluation,
    /// The way to the verdict one step better, if there is one.
    pub goal: Option<Goal>,
    /// The chosen gap; none until the user moves into the list, so the page opens
    /// at its top.
    pub selected: Option<usize>,
    /// First line drawn; kept by the view so the selection stays on screen.
    pub scroll: Cell<usize>,
    /// 整改意见 so far, by status: "整改意见 5 条：待整改 3、整改中 1、已整改 1".
    pub actions: String,
    /// The previous review's open 整改意见 as checked so far, when linked.
    pub follow_ups: Option<String>,
}

impl SummaryScreen {
    pub fn new(w: &Walkthrough) -> SummaryScreen {
        let grade_of = |id: &str| w.grade_of(id);
        let rollup = rollup(&w.checklist, grade_of);
        let evaluation = evaluate(&w.checklist, grade_of);
        let goal = next_goal(&w.checklist, &evaluation, grade_of);
        let actions = crate::store::corrective_actions(&w.checklist, &w.assessments);
        let actions = if actions.is_empty() {
            "还没有整改意见。".to_string()
        } else {
            let by_status: Vec<String> = crate::store::ActionStatus::ALL
                .iter()
                .filter_map(|s| {
                    let n = actions.iter().filter(|a| a.plan.status == *s).count();
                    (n > 0).then(|| format!("{} {n}", s.label()))
                })
                .collect();
            format!("整改意见 {} 条：{}。", actions.len(), by_status.join("、"))
        };
        let follow_ups = (!w.previous_actions.is_empty()).then(|| {
            crate::store::FollowUpCounts::found(
                w.previous_actions
                    .keys()
                    .map(|id| w.assessments.get(id).and_then(|a| a.follow_up)),
            )
            .sentence()
        });
        SummaryScreen {
            actions,
            follow_ups,
            rollup,
            evaluation,
            goal,
            selected: None,
            scroll: Cell::new(0),
        }
    }
}

impl SummaryScreen {
    /// The items that keep the facility from the next verdict (none at the best).
    pub fn gaps(&self) -> &[Gap] {
        self.goal.as_ref().map_or(&[], |g| g.gaps.as_slice())
    }
}

impl App {
    pub(crate) fn summary_action(&mut self, action: Action) -> Vec<Effect> {
        let View::Summary(s) = &mut self.view else {
            return Vec::new();
        };
        match action {
            Action::Command(Command::Up) => s.selected = s.selected.map(|i| i.saturating_sub(1)),
            Action::Command(Command::Down) if !s.gaps().is_empty() => {
                s.selected = Some(s.selected.map_or(0, |i| (i + 1).min(s.gaps().len() - 1)))
            }
            Action::Command(Command::Open) => {
                if let Some(gap) = s.gaps().get(s.selected.unwrap_or(0)) {
                    let id = gap.item_id.clone();
                    self.view = View::Walkthrough;
                    self.goto(&id);
                }
            }
            Action::Command(Command::Back) => self.view = View::Walkthrough,
            Action::Command(Command::Report) => return self.start_report(),
            Action::Command(Command::Notice) => return self.start_notice(),
            Action::Command(Command::EditOpinion) => self.open_opinion_editor(),
            Action::Command(Command::Compare) => self.compare_with_previous(Screen::Summary),
            Action::Command(Command::Complete) => self.complete(),
            Action::Command(Command::Reopen) => self.ask_reopen(),
            Action::Key(key) => self.unbound_key(key),
            _ => {}
        }
        Vec::new()
    }
}

impl App {
    /// Opens the editor on the inspection's 综合评价 (printed above the signatures).
    pub(crate) fn open_opinion_editor(&mut self) {
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        if w.inspection.status == crate::store::Progress::Completed {
            self.status = Some(Status::warning(format!(
                "这次检查已标记为已完成：修改综合评价须先按 {} 重新打开（写明原因）",
                self.keymap.first_key(Context::Summary, Command::Reopen)
            )));
            return;
        }
        let editor = NoteEditor::new(
            TextField::Opinion,
            &w.inspection.institution.name,
            "（印在评审报告的签字栏之上）",
            &w.inspection.opinion,
        );
        self.popups.push(Popup::NoteEditor(Box::new(editor)));
    }

    /// Saves the 综合评价 from the editor; closes it only once saved.
    pub(crate) fn save_opinion(&mut self, text: &str) {
        let Some(by) = self.actor() else {
            return;
        };
        let Some(w) = self.walk.as_mut() else {
            return;
        };
        let edit = crate::store::InspectionEdit {
            opinion: Some(text.to_string()),
            ..Default::default()
        };
        let id = w.inspection.id.clone();
        match self.store.edit(&id, edit, &by) {
            Ok(changed) => {
                if let Ok(inspection) = self.store.get(&id) {
                    w.inspection = inspection;
                }

                self.close_editor();
                self.status = Some(if changed.is_empty() {
                    Status::info("综合评价没有改动")
                } else {
                    Status::saved("已保存：综合评价")
                });
            }
            // The editor stays open with the text, so nothing typed is lost.
            Err(e) => self.status = Some(self.store_error("未保存", &e)),
        }
    }
}
