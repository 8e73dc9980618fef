//! Undo and redo. An inspector takes back their own last change to an item — a
//! grade, a note, a 整改意见, a piece of evidence — made on this laptop; redo puts it
//! back. Both are entries in the journal like any other change ([`Change::Undo`],
//! [`Change::Redo`]), signed and shown in the history: nothing is ever erased.
//!
//! What can be undone is worked out from the journal alone, so it survives a restart:
//! the entries this laptop's key signed for `by`, replayed as an editor's two stacks.
//! A change to an item is pushed on the done stack (and empties the redo stack); an
//! undo moves the entry it undid to the redo stack; a redo moves it back.
//!
//! An undo is refused when the item has changed since (another inspector, a merge):
//! putting the old value back would silently overwrite what came after.

use super::Store;
use super::error::{Result, StoreError};
use super::journal::{Change, Entry, Field};
use super::model::Assessment;

/// What an undo or a redo did, to tell the inspector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    /// Whether this was a redo.
    pub redo: bool,
    pub item: String,
    /// 档次, 备注, 整改意见 or 佐证.
    pub what: String,
    /// The value before and after, as the history shows them.
    pub from: String,
    pub to: String,
}

impl Undone {
    /// «已撤销：条款 2.5.3 的档次 C → B» (texts shortened).
    pub fn message(&self) -> String {
        let short = |t: &str| {
            let t = if t.is_empty() { "（空）" } else { t };
            crate::text::truncate(&t.replace('\n', " "), 24)
        };
        format!(
            "已{}：条款 {} 的{} {} → {}",
            if self.redo { "重做" } else { "撤销" },
            self.item,
            self.what,
            short(&self.from),
            short(&self.to)
        )
    }
}

impl Store {
    /// Undoes `by`'s last change to an item of inspection `id` made with this laptop's
    /// key, as a new entry; returns once it is on disk.
    pub fn undo(&self, id: &str, by: &str) -> Result<Undone> {
        self.take_back(id, by, false)
    }

    /// Puts back what `by`'s last undo on this laptop took back.
    pub fn redo(&self, id: &str, by: &str) -> Result<Undone> {
        self.take_back(id, by, true)
    }

    fn take_back(&self, id: &str, by: &str, redo: bool) -> Result<Undone> {
        let inspection = self.get(id)?;
        self.ensure_open(&inspection)?;
        let (entries, _) = self.readable_journal(&inspection.id)?;
        let by = crate::text::clean_line(by);
        let (done, undone) = stacks(&entries, &self.identity.public_key(), &by);
        let target = if redo { undone.last() } else { done.last() };
        let Some(target) = target else {
            return Err(StoreError::Invalid(if redo {
                format!("{by} 在本机没有可以重做的撤销。")
            } else {
                format!("{by} 在本机对这个检查没有可以撤销的改动。")
            }));
        };
        let change = target.change.effective();
        let item_id = change.item().unwrap_or_default().to_string();
        let checklist = self.pinned(&inspection)?;
        let item = checklist
            .find_item(&item_id)
            .ok_or_else(|| StoreError::UnknownItem {
                inspection: inspection.id.clone(),
                checklist: checklist.title.clone(),
                item: item_id.clone(),
            })?;
        let current = self.stored_assessment_of(&inspection.id, &item_id)?;
        let edit = reverse(change, current.as_ref(), &item_id)?;
        let (_, made) = super::assess::apply(item, current, &[edit])?;
        let Some(made) = made.into_iter().next() else {
            return Err(StoreError::Invalid(format!(
                "条款 {item_id} 已经是要恢复的样子，没有可{}的。",
                if redo { "重做" } else { "撤销" }
            )));
        };
        let (what, from, to) = made.describe();
        let of = target.id.clone();
        let change = if redo {
            Change::Redo {
                of,
                change: Box::new(made),
            }
        } else {
            Change::Undo {
                of,
                change: Box::new(made),
            }
        };
        self.record(&inspection.id, &by, vec![change])?;
        Ok(Undone {
            redo,
            item: item_id,
            what,
            from,
            to,
        })
    }
}

/// The edit that reverses `change`, refused when the item no longer holds what
/// `change` left (something changed it since).
fn reverse(change: &Change, now: Option<&Assessment>, item: &str) -> Result<super::Edit> {
    use super::Edit;
    let empty = Assessment::empty(item);
    let now = now.unwrap_or(&empty);
    let changed_since = |field: Field| {
        let by = if now.by.is_empty() {
            String::new()
        } else {
            format!("（{} {}）", now.by, now.at.minute())
        };
        StoreError::Invalid(format!(
            "条款 {item} 的{}在这次改动之后又改过{by}，不能撤销，以免盖掉后来的改动。要改请直接修改。",
            field.label()
        ))
    };
    Ok(match change {
        Change::Grade { old, new, .. } => {
            if now.grade != *new {
                return Err(changed_since(Field::Grade));
            }
            Edit::Grade(*old)
        }
        Change::Note { old, new, .. } => {
            if &now.note != new {
                return Err(changed_since(Field::Note));
            }
            Edit::Note(old.clone())
        }
        Change::CorrectiveAction { old, new, .. } => {
            if &now.corrective_action != new {
                return Err(changed_since(Field::CorrectiveAction));
            }
            Edit::CorrectiveAction(old.clone())
        }
        Change::Plan { old, new, .. } => {
            if &now.plan != new {
                return Err(changed_since(Field::Plan));
            }
            Edit::Plan(old.clone())
        }
        Change::FollowUp { old, new, .. } => {
            if now.follow_up != *new {
                return Err(changed_since(Field::FollowUp));
            }
            Edit::FollowUp(*old)
        }
        Change::AddEvidence { evidence, .. } => {
            if !now.evidence.contains(evidence) {
                return Err(StoreError::Invalid(format!(
                    "条款 {item} 的佐证「{}」已经不在了，没有可撤销的。",
                    evidence.path
                )));
            }
            Edit::RemoveEvidence(evidence.path.clone())
        }
        Change::RemoveEvidence { evidence, .. } => Edit::AddEvidence(evidence.clone()),
        _ => {
            return Err(StoreError::Invalid(
                "只能撤销对条款的评分、备注、整改意见（及其安排、落实情况）和佐证的改动。".into(),
            ));
        }
    })
}

/// The done and redo stacks of `by` with `key`, from the journal in order.
fn stacks<'a>(
    entries: &'a [(Entry, super::journal::Hash)],
    key: &crate::identity::PublicKey,
    by: &str,
) -> (Vec<&'a Entry>, Vec<&'a Entry>) {
    let mut done: Vec<&Entry> = Vec::new();
    let mut undone: Vec<&Entry> = Vec::new();
    for (e, _) in entries {
        if e.author.key.as_ref() != Some(key) || e.author.name != by {
            continue;
        }
        match &e.change {
            Change::Undo { of, .. } => {
                if let Some(i) = done.iter().rposition(|d| &d.id == of) {
                    done.remove(i);
                    undone.push(e);
                }
            }
            Change::Redo { of, .. } => {
                if let Some(i) = undone.iter().rposition(|u| &u.id == of) {
                    undone.remove(i);
                    done.push(e);
                }
            }
            c if c.undoable() => {
                done.push(e);
                undone.clear();
            }
            _ => {}
        }
    }
    (done, undone)
}
