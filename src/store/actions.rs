//! 整改清单: the items with an 整改意见, whatever their grade, each with its plan
//! (责任科室, 整改期限, status). The report's 整改清单 section, its 条款明细 column,
//! the 整改通知书 and `pingshen show` all list what this gives. And the follow-up at
//! the next visit: the previous review's open 整改意见 and what was found of each.

use std::collections::BTreeMap;

use super::model::{ActionPlan, Assessment, FollowUp};
use crate::checklist::Checklist;
use crate::scoring::Grade;

/// One item with an 整改意见.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    pub item_id: String,
    /// The item's title; empty for an item no longer in the pinned checklist.
    pub title: String,
    pub core: bool,
    pub grade: Option<Grade>,
    /// The 整改意见, as stored.
    pub text: String,
    pub plan: ActionPlan,
}

/// Whether an assessment carries an 整改意见 (white space alone is none).
pub fn has_action(a: &Assessment) -> bool {
    !a.corrective_action.trim().is_empty()
}

/// Every item with an 整改意见, in checklist order, then the graded items no longer in
/// the checklist (after a repin) in id order.
pub fn corrective_actions(
    checklist: &Checklist,
    assessments: &BTreeMap<String, Assessment>,
) -> Vec<ActionItem> {
    let mut out: Vec<ActionItem> = checklist
        .items()
        .filter_map(|(_, _, item)| {
            let a = assessments.get(&item.id).filter(|a| has_action(a))?;
            Some(ActionItem {
                item_id: item.id.clone(),
                title: item.title.clone(),
                core: item.core,
                grade: a.grade,
                text: a.corrective_action.clone(),
                plan: a.plan.clone(),
            })
        })
        .collect();
    out.extend(
        assessments
            .values()
            .filter(|a| has_action(a) && checklist.find_item(&a.item_id).is_none())
            .map(|a| ActionItem {
                item_id: a.item_id.clone(),
                title: String::new(),
                core: false,
                grade: a.grade,
                text: a.corrective_action.clone(),
                plan: a.plan.clone(),
            }),
    );
    out
}

/// What the 整改通知书 calls actions with no 责任科室.
pub const NO_OWNER: &str = "未指定责任科室";

/// `actions` grouped by 责任科室: the departments in the order they first appear,
/// then the actions with none named; within a group, the actions' own order.
pub fn by_owner(actions: &[ActionItem]) -> Vec<(&str, Vec<&ActionItem>)> {
    let mut groups: Vec<(&str, Vec<&ActionItem>)> = Vec::new();
    for a in actions.iter().filter(|a| !a.plan.owner.is_empty()) {
        match groups.iter_mut().find(|(o, _)| *o == a.plan.owner) {
            Some((_, list)) => list.push(a),
            None => groups.push((a.plan.owner.as_str(), vec![a])),
        }
    }
    let unowned: Vec<&ActionItem> = actions.iter().filter(|a| a.plan.owner.is_empty()).collect();
    if !unowned.is_empty() {
        groups.push((NO_OWNER, unowned));
    }
    groups
}

/// One of the previous review's 整改意见 still open (not 已复核) when it was last
/// recorded, and what this inspection found of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousAction {
    /// The item as the previous review had it: its id, title and 整改意见.
    pub action: ActionItem,
    /// Whether the item is still in this inspection's checklist (where it can be
    /// checked).
    pub in_checklist: bool,
    /// What this inspection found; `None`: not yet checked.
    pub found: Option<FollowUp>,
}

/// The previous review's open 整改意见, in its checklist's order, each with what
/// `now` (this inspection's assessments) found of it.
pub fn previous_actions(
    previous_checklist: &Checklist,
    previous: &BTreeMap<String, Assessment>,
    checklist: &Checklist,
    now: &BTreeMap<String, Assessment>,
) -> Vec<PreviousAction> {
    corrective_actions(previous_checklist, previous)
        .into_iter()
        .filter(|a| a.plan.status.is_open())
        .map(|a| PreviousAction {
            in_checklist: checklist.find_item(&a.item_id).is_some(),
            found: now.get(&a.item_id).and_then(|x| x.follow_up),
            action: a,
        })
        .collect()
}

/// How the previous review's open 整改意见 were found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowUpCounts {
    pub total: usize,
    pub done: usize,
    pub partly: usize,
    pub not_done: usize,
    /// Not yet checked.
    pub unchecked: usize,
}

impl FollowUpCounts {
    pub fn of(previous: &[PreviousAction]) -> FollowUpCounts {
        FollowUpCounts::found(previous.iter().map(|p| p.found))
    }

    /// The counts of what was found of each previous 整改意见 (`None`: not checked).
    pub fn found(found: impl Iterator<Item = Option<FollowUp>>) -> FollowUpCounts {
        let mut c = FollowUpCounts::default();
        for f in found {
            c.total += 1;
            match f {
                Some(FollowUp::Done) => c.done += 1,
                Some(FollowUp::Partly) => c.partly += 1,
                Some(FollowUp::NotDone) => c.not_done += 1,
                None => c.unchecked += 1,
            }
        }
        c
    }

    /// One sentence: 上次评审的整改意见 N 条：已落实 a 条、部分落实 b 条、未落实 c 条、未核查 d 条。
    pub fn sentence(&self) -> String {
        if self.total == 0 {
            return "上次评审没有未复核的整改意见。".to_string();
        }
        let mut parts = Vec::new();
        for (label, n) in [
            ("已落实", self.done),
            ("部分落实", self.partly),
            ("未落实", self.not_done),
            ("未核查", self.unchecked),
        ] {
            if n > 0 {
                parts.push(format!("{label} {n} 条"));
            }
        }
        format!(
            "上次评审的整改意见 {} 条：{}。",
            self.total,
            parts.join("、")
        )
    }
}

/// The previous review an inspection is linked to, as far as this laptop has it.
#[derive(Debug, Clone)]
pub enum PreviousActions {
    /// Not linked to a previous review.
    None,
    /// Linked, but that review is not in this store (not imported here).
    Missing { id: String },
    /// Its open 整改意见 and what this inspection found of each.
    Found {
        inspection: Box<super::model::Inspection>,
        actions: Vec<PreviousAction>,
    },
}

impl super::Store {
    /// The open 整改意见 of the review `inspection` is linked to (回头看, 复核), with
    /// what `now` found of each.
    pub fn previous_actions(
        &self,
        inspection: &super::model::Inspection,
        now: &BTreeMap<String, Assessment>,
    ) -> super::Result<PreviousActions> {
        let Some(previous) = &inspection.previous else {
            return Ok(PreviousActions::None);
        };
        let old = match self.get(previous) {
            Err(super::StoreError::UnknownInspection(_)) => {
                return Ok(PreviousActions::Missing {
                    id: previous.clone(),
                });
            }
            other => other?,
        };
        let old_checklist = self.pinned(&old)?;
        let old_assessments = self.assessments(&old.id)?;
        let checklist = self.pinned(inspection)?;
        Ok(PreviousActions::Found {
            actions: previous_actions(&old_checklist, &old_assessments, &checklist, now),
            inspection: Box::new(old),
        })
    }
}
