//! Recording an inspector's judgement: grade, note, 整改意见, evidence. Each save —
//! one item, or several with [`Store::update_many`] — is one sled transaction
//! (assessments + history + change counter) followed by a flush; only then is it
//! reported saved.

use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

use super::error::{Result, StoreError, read_err, tx_err, write_err};
use super::model::*;
use super::{BACKUP_EVERY, Store, decode, encode, key, now, prefix};
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
    RemoveEvidence(String),
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
    /// Applies `changes` to the item's assessment, records each in the history and
    /// returns once it is flushed to disk.
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

    /// Applies the edits of several items in one transaction and one flush: all are
    /// saved or, when one is refused, none. Returns one [`Saved`] per item, in order.
    pub fn update_many(
        &self,
        inspection_id: &str,
        items: &[(&str, &[Edit])],
        by: &str,
    ) -> Result<Vec<Saved>> {
        let by = &crate::text::clean_line(by);
        let inspection = self.get(inspection_id)?;
        self.ensure_open(&inspection)?;
        let checklist = self.pinned(&inspection)?;
        let at = now();
        // The item's assessment as the edits so far left it (an item may come twice).
        let mut current: BTreeMap<String, Option<Assessment>> = BTreeMap::new();
        let mut saved = Vec::new();
        let mut history = Vec::new();
        let mut seq = self.next_history_seq(&inspection.id)?;
        for (item_id, changes) in items {
            let item = checklist
                .find_item(item_id)
                .ok_or_else(|| StoreError::UnknownItem {
                    inspection: inspection.id.clone(),
                    checklist: checklist.title.clone(),
                    item: item_id.to_string(),
                })?;
            let old = match current.get(*item_id) {
                Some(a) => a.clone(),
                None => self.assessment(&inspection.id, item_id)?,
            };
            let (mut new, entries) = apply(item, old.clone(), changes)?;
            if entries.is_empty() {
                saved.push(Saved {
                    assessment: new,
                    changed: false,
                    backup_warning: None,
                });
                continue;
            }
            if let Some(old) = &old
                && !new.supersedes.contains(&old.at)
            {
                new.supersedes.push(old.at);
            }
            new.by = by.to_string();
            new.at = at;
            for (field, old_v, new_v) in entries {
                let entry = HistoryEntry {
                    seq,
                    at,
                    by: by.to_string(),
                    item_id: item_id.to_string(),
                    field: field.to_string(),
                    old: old_v,
                    new: new_v,
                };
                history.push((key(&inspection.id, &seq.to_be_bytes()), encode(&entry)));
                seq += 1;
            }
            current.insert(item_id.to_string(), Some(new.clone()));
            saved.push(Saved {
                assessment: new,
                changed: true,
                backup_warning: None,
            });
        }
        let changed = saved.iter().filter(|s| s.changed).count() as u64;
        if changed == 0 {
            return Ok(saved);
        }
        let records: Vec<(Vec<u8>, Option<Vec<u8>>)> = current
            .iter()
            .map(|(item_id, a)| {
                let bytes = a.as_ref().filter(|a| !a.is_blank()).map(encode);
                (key(&inspection.id, item_id.as_bytes()), bytes)
            })
            .collect();
        let mut touched = inspection.clone();
        touched.updated_at = at;
        let pending_backups = self.changes_since_backup(&inspection.id)? + changed;
        let changes_key = changes_key(&inspection.id);

        let guard = self.write_guard()?;
        (
            &self.assessments,
            &self.history,
            &self.inspections,
            &self.meta,
        )
            .transaction(|(a, h, i, m)| {
                for (k, record) in &records {
                    match record {
                        Some(bytes) => a.insert(k.as_slice(), bytes.as_slice())?,
                        None => a.remove(k.as_slice())?,
                    };
                }
                for (k, v) in &history {
                    h.insert(k.as_slice(), v.as_slice())?;
                }
                i.insert(touched.id.as_bytes(), encode(&touched))?;
                m.insert(changes_key.as_slice(), &pending_backups.to_be_bytes())?;
                Ok::<(), ConflictableTransactionError<()>>(())
            })
            .map_err(tx_err)?;
        self.flush()?;
        guard.done();

        if pending_backups >= BACKUP_EVERY {
            let warning = self
                .backup_inspection(&inspection.id)
                .err()
                .map(|e| format!("已保存，但自动备份失败：{e}"));
            if let Some(last) = saved.iter_mut().rev().find(|s| s.changed) {
                last.backup_warning = warning;
            }
        }
        Ok(saved)
    }

    /// Records a grade (the common case), with an optional note and action.
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
        match self
            .assessments
            .get(key(inspection_id, item_id.as_bytes()))
            .map_err(read_err)?
        {
            Some(bytes) => Ok(Some(decode(&bytes, "评分")?)),
            None => Ok(None),
        }
    }

    /// Every assessment of an inspection, by item id (including items a repin removed).
    pub fn assessments(
        &self,
        inspection_id: &str,
    ) -> Result<std::collections::BTreeMap<String, Assessment>> {
        let mut out = std::collections::BTreeMap::new();
        for entry in self.assessments.scan_prefix(prefix(inspection_id)) {
            let (_, v) = entry.map_err(read_err)?;
            let a: Assessment = decode(&v, "评分")?;
            out.insert(a.item_id.clone(), a);
        }
        Ok(out)
    }

    /// The history of an inspection in order, optionally of one item.
    pub fn history(&self, inspection_id: &str, item: Option<&str>) -> Result<Vec<HistoryEntry>> {
        let mut out = Vec::new();
        for entry in self.history.scan_prefix(prefix(inspection_id)) {
            let (_, v) = entry.map_err(read_err)?;
            let e: HistoryEntry = decode(&v, "历史")?;
            if item.is_none_or(|i| i == e.item_id) {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Appends one history line outside an assessment change (creation, repin, import).
    pub(super) fn append_history(
        &self,
        inspection_id: &str,
        by: &str,
        item_id: &str,
        field: &str,
        old: &str,
        new: &str,
    ) -> Result<()> {
        let seq = self.next_history_seq(inspection_id)?;
        let entry = HistoryEntry {
            seq,
            at: now(),
            by: by.to_string(),
            item_id: item_id.to_string(),
            field: field.to_string(),
            old: old.to_string(),
            new: new.to_string(),
        };
        self.history
            .insert(key(inspection_id, &seq.to_be_bytes()), encode(&entry))
            .map_err(write_err)?;
        Ok(())
    }

    /// The next history number of an inspection: one past its last. Numbers are per
    /// inspection so that imported histories keep theirs and stay in order.
    pub(super) fn next_history_seq(&self, inspection_id: &str) -> Result<u64> {
        match self
            .history
            .scan_prefix(prefix(inspection_id))
            .keys()
            .next_back()
        {
            Some(k) => {
                let k = k.map_err(read_err)?;
                let tail: [u8; 8] = k[k.len().saturating_sub(8)..]
                    .try_into()
                    .map_err(|_| StoreError::Read("历史记录的键损坏".into()))?;
                u64::from_be_bytes(tail)
                    .checked_add(1)
                    .ok_or_else(|| StoreError::Read("历史记录的序号已到上限".into()))
            }
            None => Ok(1),
        }
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

    pub(super) fn note_change(&self, inspection_id: &str) -> Result<()> {
        let n = self.changes_since_backup(inspection_id)? + 1;
        self.meta
            .insert(changes_key(inspection_id), &n.to_be_bytes())
            .map_err(write_err)?;
        Ok(())
    }

    pub(super) fn reset_changes(&self, inspection_id: &str) -> Result<()> {
        self.meta
            .remove(changes_key(inspection_id))
            .map_err(write_err)?;
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
}

const CHANGES_PREFIX: &[u8] = b"changes_since_backup\0";

fn changes_key(inspection_id: &str) -> Vec<u8> {
    [CHANGES_PREFIX, inspection_id.as_bytes()].concat()
}

/// A note or 整改意见 as stored, refused when over the limit.
fn long_text(text: &str, what: &str) -> Result<String> {
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

fn grade_label(g: Option<Grade>) -> String {
    g.map_or("待评".to_string(), |g| g.label().to_string())
}

/// A history entry before it is numbered: the field, its old value and its new one.
type Entry = (&'static str, String, String);

/// `changes` applied to an item's assessment: the new assessment and the history
/// entries (field, old, new) of what actually changed. Refuses a grade the item does
/// not allow.
fn apply(
    item: &Item,
    old: Option<Assessment>,
    changes: &[Edit],
) -> Result<(Assessment, Vec<Entry>)> {
    let item_id = item.id.as_str();
    let mut new = old.unwrap_or_else(|| Assessment::empty(item_id));
    let mut entries: Vec<Entry> = Vec::new();
    for change in changes {
        match change {
            Edit::Grade(g) => {
                if *g == Some(Grade::NotApplicable) && !item.allow_na {
                    return Err(StoreError::NotApplicableRefused {
                        item: item_id.to_string(),
                    });
                }
                // An item with no B (or A) text cannot be graded B (or A): there
                // is nothing written that the grade would stand for.
                let wanted = match g {
                    Some(Grade::A) => Some(Level::A),
                    Some(Grade::B) => Some(Level::B),
                    _ => None,
                };
                if let Some(wanted) = wanted
                    && wanted > item.max_level()
                {
                    return Err(StoreError::GradeAboveCriteria {
                        item: item_id.to_string(),
                        grade: wanted.letter(),
                        top: item.max_level().letter(),
                    });
                }
                if new.grade != *g {
                    entries.push(("档次", grade_label(new.grade), grade_label(*g)));
                    new.grade = *g;
                }
            }
            Edit::Note(text) => {
                let text = long_text(text, "备注")?;
                if new.note != text {
                    entries.push(("备注", std::mem::take(&mut new.note), text.clone()));
                    new.note = text;
                }
            }
            Edit::CorrectiveAction(text) => {
                let text = long_text(text, "整改意见")?;
                if new.corrective_action != text {
                    let old = std::mem::take(&mut new.corrective_action);
                    entries.push(("整改意见", old, text.clone()));
                    new.corrective_action = text;
                }
            }
            Edit::AddEvidence(ev) => {
                let ev = &Evidence {
                    path: crate::text::clean_line(&ev.path),
                    sha256: ev.sha256.clone(),
                };
                if !new.evidence.contains(ev) {
                    entries.push((
                        "佐证",
                        String::new(),
                        format!("{} sha256:{}", ev.path, ev.sha256),
                    ));
                    new.evidence.push(ev.clone());
                }
            }
            Edit::RemoveEvidence(path) => {
                if let Some(i) = new.evidence.iter().position(|e| &e.path == path) {
                    let ev = new.evidence.remove(i);
                    entries.push((
                        "佐证",
                        format!("{} sha256:{}", ev.path, ev.sha256),
                        String::new(),
                    ));
                }
            }
        }
    }
    Ok((new, entries))
}
