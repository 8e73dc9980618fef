//! 整改清单: the items with an 整改意见, whatever their grade. The report's 整改清单
//! section, its 条款明细 column and `pingshen show` all list what this gives.

use std::collections::BTreeMap;

use super::model::Assessment;
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
            }),
    );
    out
}
