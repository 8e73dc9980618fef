//! Recording an inspector's judgement: grade, note, 整改意见, evidence. Each save —
//! one item, or several with [`Store::update_many`] — is one append of journal
//! entries followed by a sync (see [`Store::record`]); only then is it reported saved.

use super::error::{Result, StoreError, read_err};
use super::journal::Change;
use super::model::*;
use super::{BACKUP_EVERY, Store, now};
use std::collections::BTreeMap;

use crate::checklist::{Item, Level};
use crate::scoring::Grade;
use crate::text::clean_text;

/// One thing to change about an item's assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// `None` clears the grade: the item is pending again.
    Grade(Option<Grade>),
    Note(String),
    /// 整改意见.
    CorrectiveAction(String),
    AddEvidence(Evidence),
    /// The evidence named: its sha256 (or its first 8 or more hex digits), its name,
    /// or the path an older pingshen recorded.
    RemoveEvidence(String),
    /// The 整改意见's 责任科室 (empty: none named).
    ActionOwner(String),
    /// The 整改意见's 整改期限 (`None`: none set).
    ActionDue(Option<crate::time::Date>),
    /// Where the 整改意见 stands.
    ActionStatus(ActionStatus),
    /// 责任科室, 整改期限 and status at once.
    Plan(ActionPlan),
    /// What was found of the previous review's 整改意见 (`None`: not checked).
    FollowUp(Option<FollowUp>),
}

impl Edit {
    /// Whether the edit is to the 整改意见's 责任科室, 整改期限 or status: the one
    /// thing that still changes once an inspection is 已完成 (the facility carries
    /// out its corrective actions after the report).
    pub fn is_plan(&self) -> bool {
        matches!(
            self,
            Edit::ActionOwner(_) | Edit::ActionDue(_) | Edit::ActionStatus(_) | Edit::Plan(_)
        )
    }
}

/// The outcome of a durable write.
#[derive(Debug, Clone)]
pub struct Saved {
    pub assessment: Assessment,
    /// False when the change set equalled what was stored: nothing was written.
    pub changed: bool,
    /// The change is saved, but the automatic backup that followed failed.
    pub backup_warning: Option<String>,
}

impl Store {
    /// Applies `changes` to the item's assessment as `by`'s and returns once the
    /// journal entries are on disk.
    pub fn update(
        &self,
        inspection_id: &str,
        item_id: &str,
        changes: &[Edit],
        by: &str,
    ) -> Result<Saved> {
        let mut saved = self.update_many(inspection_id, &[(item_id, changes)], by)?;
        saved
            .pop()
            .ok_or_else(|| StoreError::Write("没有写入任何条款".into()))
    }

    /// Applies the edits of several items in one append and one sync: all are saved
    /// or, when one is refused, none. Returns one [`Saved`] per item, in order.
    pub fn update_many(
        &self,
        inspection_id: &str,
        items: &[(&str, &[Edit])],
        by: &str,
    ) -> Result<Vec<Saved>> {
        let inspection = self.get(inspection_id)?;
        let plan_only = !items.is_empty() && items.iter().all(|(_, e)| e.iter().all(Edit::is_plan));
        if !plan_only {
            self.ensure_open(&inspection)?;
        }
        let checklist = self.pinned(&inspection)?;
        let at = now();
        // The item's assessment as the edits so far left it (an item may come twice).
        let mut current: BTreeMap<String, Assessment> = BTreeMap::new();
        let mut saved = Vec::new();
        let mut changes = Vec::new();
        for (item_id, edits) in items {
            let item = checklist
                .find_item(item_id)
                .ok_or_else(|| StoreError::UnknownItem {
                    inspection: inspection.id.clone(),
                    checklist: checklist.title.clone(),
                    item: item_id.to_string(),
                })?;
            // `get` above brought the projection up to the journal.
            let old = match current.get(*item_id) {
                Some(a) => Some(a.clone()),
                None => self.stored_assessment_of(&inspection.id, item_id)?,
            };
            let (mut new, made) = apply(item, old, edits)?;
            if made.iter().any(|c| matches!(c, Change::Plan { .. })) {
                check_due(&inspection, item_id, &new.plan)?;
            }
            if made
                .iter()
                .any(|c| matches!(c, Change::FollowUp { new: Some(_), .. }))
            {
                self.check_follow_up(&inspection, item_id)?;
            }
            let changed = !made.is_empty();
            if changed {
                new.by = crate::text::clean_line(by);
                new.at = at;
            }
            changes.extend(made);
            current.insert(item_id.to_string(), new.clone());
            saved.push(Saved {
                assessment: new,
                changed,
                backup_warning: None,
            });
        }
        let entries = self.record(&inspection.id, by, changes)?;
        if let Some(last) = entries.last() {
            // What the journal says the assessments are: its time, its author.
            for s in saved.iter_mut().filter(|s| s.changed) {
                s.assessment.at = last.at;
                s.assessment.by = last.author.name.clone();
            }
            if let Some(warning) = self.backup_if_due(&inspection.id)
                && let Some(s) = saved.iter_mut().rev().find(|s| s.changed)
            {
                s.backup_warning = Some(warning);
            }
        }
        Ok(saved)
    }

    /// Records a grade (the common case).
    pub fn grade(
        &self,
        inspection_id: &str,
        item_id: &str,
        grade: Option<Grade>,
        by: &str,
    ) -> Result<Saved> {
        self.update(inspection_id, item_id, &[Edit::Grade(grade)], by)
    }

    pub fn assessment(&self, inspection_id: &str, item_id: &str) -> Result<Option<Assessment>> {
        self.ensure_current(inspection_id)?;
        self.healing(
            inspection_id,
            || self.stored_assessment_of(inspection_id, item_id),
            |mut p| p.assessments.remove(item_id),
        )
    }

    /// The history of an inspection in journal order, optionally of one item: every
    /// entry described.
    pub fn history(&self, inspection_id: &str, item: Option<&str>) -> Result<Vec<HistoryEntry>> {
        let id = super::gate::checked_id(inspection_id)?;
        let (entries, _) = self.readable_journal(id)?;
        Ok(entries
            .iter()
            .enumerate()
            .filter(|(_, (e, _))| item.is_none_or(|i| e.change.item() == Some(i)))
            .map(|(n, (e, _))| {
                let (field, old, new) = e.change.describe();
                HistoryEntry {
                    seq: n as u64 + 1,
                    at: e.at,
                    by: e.author.name.clone(),
                    item_id: e.change.item().unwrap_or_default().to_string(),
                    field,
                    old,
                    new,
                    key: e
                        .author
                        .key
                        .map(|k| k.short_fingerprint())
                        .unwrap_or_default(),
                    entry: e.id.clone(),
                }
            })
            .collect())
    }

    /// Counts `n` changes to an inspection towards its next backup. A failure only
    /// delays the backup: the count is a hint, not a record.
    pub(super) fn count_change(&self, inspection_id: &str, n: u64) {
        let total = self.changes_since_backup(inspection_id).unwrap_or(0) + n;
        let _ = self
            .meta
            .insert(changes_key(inspection_id), &total.to_be_bytes());
    }

    /// Changes to an inspection since its last backup.
    pub(super) fn changes_since_backup(&self, inspection_id: &str) -> Result<u64> {
        Ok(
            match self
                .meta
                .get(changes_key(inspection_id))
                .map_err(read_err)?
            {
                Some(b) => b.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(1),
                None => 0,
            },
        )
    }

    pub(super) fn reset_changes(&self, inspection_id: &str) -> Result<()> {
        self.meta
            .remove(changes_key(inspection_id))
            .map_err(super::error::write_err)?;
        Ok(())
    }

    /// Inspections changed since their last backup.
    pub(super) fn changed_since_backup(&self) -> Result<Vec<String>> {
        self.meta
            .scan_prefix(CHANGES_PREFIX)
            .keys()
            .map(|k| {
                let k = k.map_err(read_err)?;
                Ok(String::from_utf8_lossy(&k[CHANGES_PREFIX.len()..]).into_owned())
            })
            .collect()
    }

    /// Backs the inspection's journal up when [`BACKUP_EVERY`] changes were made since
    /// the last backup; says so when that failed.
    fn backup_if_due(&self, inspection_id: &str) -> Option<String> {
        if self.changes_since_backup(inspection_id).unwrap_or(0) < BACKUP_EVERY {
            return None;
        }
        self.backup_inspection(inspection_id)
            .err()
            .map(|e| format!("已保存，但自动备份失败：{e}"))
    }
}

const CHANGES_PREFIX: &[u8] = b"changes_since_backup\0";

fn changes_key(inspection_id: &str) -> Vec<u8> {
    [CHANGES_PREFIX, inspection_id.as_bytes()].concat()
}

/// A note or 整改意见 as stored, refused when over the limit.
pub(super) fn long_text(text: &str, what: &str) -> Result<String> {
    let text = clean_text(text);
    if text.len() > super::gate::LONG_TEXT_MAX {
        return Err(StoreError::Invalid(format!(
            "{what}太长（{} KB，上限 {} KB），未保存。请精简，或把长的材料作为佐证文件附上。",
            text.len().div_ceil(1024),
            super::gate::LONG_TEXT_MAX / 1024
        )));
    }
    Ok(text)
}

/// `edits` applied to an item's assessment: the new assessment and the journal
/// changes of what actually changed. Refuses a grade the item does not allow.
pub(super) fn apply(
    item: &Item,
    old: Option<Assessment>,
    edits: &[Edit],
) -> Result<(Assessment, Vec<Change>)> {
    let item_id = item.id.as_str();
    let mut new = old.unwrap_or_else(|| Assessment::empty(item_id));
    let mut changes: Vec<Change> = Vec::new();
    let it = || item_id.to_string();
    // The plan as the edits leave it, recorded as one change after the others.
    let plan_before = new.plan.clone();
    let mut plan = new.plan.clone();
    for edit in edits {
        match edit {
            Edit::Grade(g) => {
                check_grade(item, *g)?;
                if new.grade != *g {
                    changes.push(Change::Grade {
                        item: it(),
                        old: new.grade,
                        new: *g,
                    });
                    new.grade = *g;
                }
            }
            Edit::Note(text) => {
                let text = long_text(text, "备注")?;
                if new.note != text {
                    let old = std::mem::replace(&mut new.note, text.clone());
                    changes.push(Change::Note {
                        item: it(),
                        old,
                        new: text,
                    });
                }
            }
            Edit::CorrectiveAction(text) => {
                let text = long_text(text, "整改意见")?;
                if new.corrective_action != text {
                    let old = std::mem::replace(&mut new.corrective_action, text.clone());
                    changes.push(Change::CorrectiveAction {
                        item: it(),
                        old,
                        new: text,
                    });
                }
            }
            Edit::AddEvidence(ev) => {
                let ev = Evidence {
                    path: crate::text::clean_line(&ev.path),
                    ..ev.clone()
                };
                // The same file (by content) is kept once an item.
                if !new.evidence.iter().any(|e| e.sha256 == ev.sha256) {
                    if new.evidence.len() >= super::gate::EVIDENCE_MAX {
                        return Err(StoreError::Invalid(format!(
                            "条款 {item_id} 的佐证材料已有 {} 份，不能再加。",
                            super::gate::EVIDENCE_MAX
                        )));
                    }
                    new.evidence.push(ev.clone());
                    changes.push(Change::AddEvidence {
                        item: it(),
                        evidence: ev,
                    });
                }
            }
            Edit::RemoveEvidence(which) => {
                if let Some(i) = new.evidence.iter().position(|e| e.is(which)) {
                    let ev = new.evidence.remove(i);
                    changes.push(Change::RemoveEvidence {
                        item: it(),
                        evidence: ev,
                    });
                }
            }
            Edit::ActionOwner(owner) => plan.owner = owner_text(owner)?,
            Edit::ActionDue(due) => plan.due = *due,
            Edit::ActionStatus(status) => plan.status = *status,
            Edit::Plan(p) => {
                plan = ActionPlan {
                    owner: owner_text(&p.owner)?,
                    ..p.clone()
                }
            }
            Edit::FollowUp(f) => {
                if new.follow_up != *f {
                    changes.push(Change::FollowUp {
                        item: it(),
                        old: new.follow_up,
                        new: *f,
                    });
                    new.follow_up = *f;
                }
            }
        }
    }
    // A plan belongs to a 整改意见: none without one, and a 整改意见 taken away takes
    // its plan with it (a new one starts 待整改).
    if new.corrective_action.is_empty() {
        if !plan.is_default() && edits.iter().any(Edit::is_plan) {
            return Err(StoreError::Invalid(format!(
                "条款 {item_id} 还没有整改意见：先写整改意见，再定责任科室、整改期限和状态。"
            )));
        }
        plan = ActionPlan::default();
    }
    if plan != plan_before {
        changes.push(Change::Plan {
            item: it(),
            old: plan_before,
            new: plan.clone(),
        });
        new.plan = plan;
    }
    Ok((new, changes))
}

/// Longest 责任科室 kept, in characters.
pub const OWNER_MAX: usize = 40;

/// A 责任科室 as stored: one line, refused when too long.
fn owner_text(owner: &str) -> Result<String> {
    let owner = crate::text::clean_line(owner);
    if owner.chars().count() > OWNER_MAX {
        return Err(StoreError::Invalid(format!(
            "责任科室「{}…」太长（上限 {OWNER_MAX} 字），未保存。请只写科室名称，如「公共卫生科」。",
            owner.chars().take(12).collect::<String>()
        )));
    }
    Ok(owner)
}

/// Refuses a 整改期限 before the review itself: a typo, not a deadline.
fn check_due(inspection: &Inspection, item_id: &str, plan: &ActionPlan) -> Result<()> {
    match plan.due {
        Some(due) if due < inspection.date => Err(StoreError::Invalid(format!(
            "条款 {item_id} 的整改期限 {due} 早于评审日期 {}，未保存。请写评审之后的日期，如 {}。",
            inspection.date,
            inspection.date + chrono::Days::new(30)
        ))),
        _ => Ok(()),
    }
}

impl Store {
    /// Refuses to record what was found of the previous review's 整改意见 on an item
    /// where there is none to check: the inspection is linked to no previous review,
    /// or that review (when it is on this laptop) gave the item no 整改意见.
    fn check_follow_up(&self, inspection: &Inspection, item_id: &str) -> Result<()> {
        let Some(previous) = &inspection.previous else {
            return Err(StoreError::Invalid(format!(
                "检查 {} 没有关联上次评审，无从核查上次的整改意见。请先关联：pingshen link {} --previous 上次的检查编号。",
                inspection.id, inspection.id
            )));
        };
        match self.get(previous) {
            Err(StoreError::UnknownInspection(_)) => Ok(()),
            Err(e) => Err(e),
            Ok(old) => {
                let had = self
                    .assessments(&old.id)?
                    .get(item_id)
                    .is_some_and(super::actions::has_action);
                if had {
                    Ok(())
                } else {
                    Err(StoreError::Invalid(format!(
                        "上次评审（{}，{}）没有对条款 {item_id} 提出整改意见，没有可核查的落实情况。",
                        old.id, old.date
                    )))
                }
            }
        }
    }
}

/// Refuses a grade the item does not allow: 不适用 where the checklist does not say
/// `allow_na`, and A or B where it has no A or B text.
pub(super) fn check_grade(item: &Item, g: Option<Grade>) -> Result<()> {
    if g == Some(Grade::NotApplicable) && !item.allow_na {
        return Err(StoreError::NotApplicableRefused {
            item: item.id.clone(),
        });
    }
    let wanted = match g {
        Some(Grade::A) => Some(Level::A),
        Some(Grade::B) => Some(Level::B),
        _ => None,
    };
    if let Some(wanted) = wanted
        && wanted > item.max_level()
    {
        return Err(StoreError::GradeAboveCriteria {
            item: item.id.clone(),
            grade: wanted.letter(),
            top: item.max_level().letter(),
        });
    }
    Ok(())
}
