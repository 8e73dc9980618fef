//! Merging the exports of one inspection made on several laptops, item by item.
//!
//! The result depends only on the set of versions seen, so merging is idempotent and
//! order-independent:
//! - a version another version was made from (its `at` is in the other's
//!   `supersedes`) is an older copy and gives way;
//! - versions with the same content (grade, note, 整改意见, evidence) are one version;
//! - versions that still differ are a conflict: all are kept, side by side, until the
//!   lead settles it; meanwhile the item shows the latest of them;
//! - histories are united, so every version's own changes stay on record.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sled::Transactional;

use super::error::{Hint, Result, StoreError, read_err, tx_err};
use super::export::Export;
use super::model::{Assessment, HistoryEntry, Inspection};
use super::{Store, decode, encode, key, now, prefix};
use crate::time::Stamp;

/// An item graded differently in merged exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    pub item_id: String,
    /// The differing versions, oldest first.
    pub candidates: Vec<Assessment>,
}

#[derive(Debug, Clone, Default)]
pub struct MergeReport {
    pub inspection_id: String,
    pub institution: String,
    /// Items that had nothing here and now have an assessment.
    pub added: Vec<String>,
    /// Items whose assessment was replaced by a newer version made from it.
    pub updated: Vec<String>,
    /// Items in conflict after the merge (new or still open).
    pub conflicts: Vec<Conflict>,
    /// False when the files held nothing new: nothing was written.
    pub changed: bool,
}

/// The versions of one item, reduced: superseded ones dropped, equal ones joined.
/// Returns the versions that still differ, oldest first.
fn reduce(versions: Vec<Assessment>) -> Vec<Assessment> {
    // Exact copies once.
    let mut unique: Vec<Assessment> = Vec::new();
    for v in versions {
        if !unique.contains(&v) {
            unique.push(v);
        }
    }
    let mut versions = unique;
    // A version only supersedes versions that existed before it, so one always remains.
    let superseded: BTreeSet<Stamp> = versions
        .iter()
        .flat_map(|v| v.supersedes.iter().copied())
        .collect();
    let current: Vec<Assessment> = versions
        .iter()
        .filter(|v| !superseded.contains(&v.at))
        .cloned()
        .collect();
    // Versions that supersede each other (only a hand-made file can say so) all stay.
    if !current.is_empty() {
        versions = current;
    }
    // Versions with the same content, whoever wrote them and whenever: one group.
    let mut groups: Vec<Vec<Assessment>> = Vec::new();
    for v in versions {
        match groups.iter_mut().find(|g| g[0].same_content(&v)) {
            Some(g) => g.push(v),
            None => groups.push(vec![v]),
        }
    }
    let mut reps: Vec<Assessment> = groups
        .into_iter()
        .filter_map(|mut same| {
            same.sort_by(|a, b| (&a.at, &a.by).cmp(&(&b.at, &b.by)));
            let mut rep = same.pop()?;
            let mut sup: BTreeSet<Stamp> = rep.supersedes.iter().copied().collect();
            for other in &same {
                sup.extend(other.supersedes.iter().copied());
                if other.at != rep.at {
                    sup.insert(other.at);
                }
            }
            rep.supersedes = sup.into_iter().collect();
            Some(rep)
        })
        .collect();
    reps.sort_by(|a, b| (&a.at, &a.by).cmp(&(&b.at, &b.by)));
    reps
}

/// Histories united: each change once, in time order, numbered afresh.
fn unite_histories<'a>(histories: impl Iterator<Item = &'a HistoryEntry>) -> Vec<HistoryEntry> {
    let mut seen = BTreeSet::new();
    let mut out: Vec<HistoryEntry> = Vec::new();
    for e in histories {
        let k = (
            e.at,
            e.item_id.clone(),
            e.field.clone(),
            e.by.clone(),
            e.old.clone(),
            e.new.clone(),
        );
        if seen.insert(k) {
            out.push(e.clone());
        }
    }
    out.sort_by(|a, b| {
        (&a.at, &a.item_id, &a.field, &a.by, &a.old, &a.new)
            .cmp(&(&b.at, &b.item_id, &b.field, &b.by, &b.old, &b.new))
    });
    for (i, e) in out.iter_mut().enumerate() {
        e.seq = i as u64 + 1;
    }
    out
}

impl Store {
    /// The open conflicts of an inspection.
    pub fn conflicts(&self, id: &str) -> Result<Vec<Conflict>> {
        let mut out = Vec::new();
        for entry in self.conflicts.scan_prefix(prefix(id)) {
            let (_, v) = entry.map_err(read_err)?;
            out.push(decode(&v, "冲突")?);
        }
        Ok(out)
    }

    /// Merges exports of one inspection into the store (where it may or may not exist
    /// yet). `files` pairs each export with the name to use in messages.
    pub fn merge(&self, files: &[(String, Export)]) -> Result<MergeReport> {
        let files: Vec<(String, Export)> = files
            .iter()
            .map(|(name, e)| Ok((name.clone(), super::export::admitted(e)?)))
            .collect::<Result<_>>()?;
        let Some((_, first)) = files.first() else {
            return Err(StoreError::Invalid("没有要合并的文件。".into()));
        };
        let id = first.inspection.id.clone();
        if let Some((name, other)) = files.iter().find(|(_, e)| e.inspection.id != id) {
            return Err(StoreError::Invalid(format!(
                "只能合并同一次检查的导出：{} 是检查 {id}（{}），{name} 是检查 {}（{}）。",
                files[0].0,
                first.inspection.institution.name,
                other.inspection.id,
                other.inspection.institution.name
            )));
        }
        let local = match self.get(&id) {
            Ok(i) => {
                self.ensure_open(&i)?;
                Some(self.export(&id)?)
            }
            Err(StoreError::UnknownInspection(_)) => None,
            Err(e) => return Err(e),
        };
        let pin = local
            .as_ref()
            .map_or(&first.inspection.checklist, |l| &l.inspection.checklist);
        for (name, e) in &files {
            let theirs = &e.inspection.checklist;
            if theirs.sha256 != pin.sha256 {
                return Err(StoreError::Hinted {
                    message: format!(
                        "{name} 使用的清单版本（{} {}，sha256 {}）与{}的（{} {}，sha256 {}）不同，不能逐条合并。请在导出这些文件的电脑上把检查换到同一清单版本，重新导出后再合并。",
                        theirs.id,
                        theirs.version,
                        &theirs.sha256[..8],
                        if local.is_some() {
                            "本机检查"
                        } else {
                            files[0].0.as_str()
                        },
                        pin.id,
                        pin.version,
                        &pin.sha256[..8]
                    ),
                    hint: Hint::Repin {
                        inspection: id.clone(),
                    },
                });
            }
        }
        let sources: Vec<&Export> = local.iter().chain(files.iter().map(|(_, e)| e)).collect();

        // The inspection record: the most recently changed one.
        let inspection: Inspection = sources
            .iter()
            .map(|e| &e.inspection)
            .max_by(|a, b| {
                // The latest change as an instant; equal instants: a fixed, content-based order.
                (a.updated_at, encode(a)).cmp(&(b.updated_at, encode(b)))
            })
            .cloned()
            .ok_or_else(|| StoreError::Invalid("没有要合并的文件。".into()))?;

        let mut versions: BTreeMap<String, Vec<Assessment>> = BTreeMap::new();
        for e in &sources {
            for a in &e.assessments {
                versions
                    .entry(a.item_id.clone())
                    .or_default()
                    .push(a.clone());
            }
            for c in &e.conflicts {
                versions
                    .entry(c.item_id.clone())
                    .or_default()
                    .extend(c.candidates.iter().cloned());
            }
        }
        let mut assessments = BTreeMap::new();
        let mut conflicts = Vec::new();
        for (item, vs) in versions {
            let reps = reduce(vs);
            let Some(shown) = reps.last().cloned() else {
                continue;
            };
            if reps.len() > 1 {
                conflicts.push(Conflict {
                    item_id: item.clone(),
                    candidates: reps,
                });
            }
            assessments.insert(item, shown);
        }
        let history = unite_histories(sources.iter().flat_map(|e| e.history.iter()));

        let merged = super::export::admitted(&Export {
            inspection,
            checklist_text: first.checklist_text.clone(),
            assessments: assessments.values().cloned().collect(),
            history,
            conflicts: conflicts.clone(),
        })?;
        let mut report = MergeReport {
            inspection_id: id.clone(),
            institution: merged.inspection.institution.name.clone(),
            conflicts,
            ..MergeReport::default()
        };
        let before: BTreeMap<&str, &Assessment> = local
            .iter()
            .flat_map(|l| l.assessments.iter().map(|a| (a.item_id.as_str(), a)))
            .collect();
        for a in &merged.assessments {
            match before.get(a.item_id.as_str()) {
                None => report.added.push(a.item_id.clone()),
                Some(b) if *b != a => report.updated.push(a.item_id.clone()),
                _ => {}
            }
        }
        if local.as_ref() == Some(&merged) {
            return Ok(report);
        }
        report.changed = true;
        let guard = self.write_guard()?;
        self.write_whole(&merged)?;
        self.note_change(&id)?;
        self.flush()?;
        guard.done();
        Ok(report)
    }

    /// Settles a conflict by taking version `choice` (0-based, oldest first). The choice
    /// becomes a new version made from all of them; the history records the versions
    /// set aside.
    pub fn settle(&self, id: &str, item: &str, choice: usize, by: &str) -> Result<Assessment> {
        let by = &crate::text::clean_line(by);
        self.ensure_open(&self.get(id)?)?;
        let conflict: Conflict = match self
            .conflicts
            .get(key(id, item.as_bytes()))
            .map_err(read_err)?
        {
            Some(v) => decode(&v, "冲突")?,
            None => {
                return Err(StoreError::Hinted {
                    message: format!("检查 {id} 的条款 {item} 没有待裁定的冲突。"),
                    hint: Hint::ListConflicts {
                        inspection: id.to_string(),
                    },
                });
            }
        };
        let Some(chosen) = conflict.candidates.get(choice) else {
            return Err(StoreError::Invalid(format!(
                "条款 {item} 只有 {} 个版本，请选 1 到 {}。",
                conflict.candidates.len(),
                conflict.candidates.len()
            )));
        };
        let at = now();
        let mut settled = chosen.clone();
        let mut sup: BTreeSet<Stamp> = BTreeSet::new();
        for c in &conflict.candidates {
            sup.extend(c.supersedes.iter().copied());
            sup.insert(c.at);
        }
        settled.supersedes = sup.into_iter().collect();
        settled.by = by.to_string();
        settled.at = at;
        let describe = |a: &Assessment| {
            format!(
                "{}（{} {}）{}",
                a.grade.map_or("待评", |g| g.label()),
                a.by,
                a.at.minute(),
                a.note
            )
        };
        let others: Vec<String> = conflict
            .candidates
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != choice)
            .map(|(_, a)| describe(a))
            .collect();
        let seq = self.next_history_seq(id)?;
        let entry = HistoryEntry {
            seq,
            at,
            by: by.to_string(),
            item_id: item.to_string(),
            field: "冲突裁定".into(),
            old: others.join("；"),
            new: describe(chosen),
        };
        let guard = self.write_guard()?;
        let k = key(id, item.as_bytes());
        (&self.assessments, &self.conflicts, &self.history)
            .transaction(|(a, x, h)| {
                a.insert(k.as_slice(), encode(&settled))?;
                x.remove(k.as_slice())?;
                h.insert(key(id, &seq.to_be_bytes()), encode(&entry))?;
                Ok(())
            })
            .map_err(tx_err)?;
        self.note_change(id)?;
        self.flush()?;
        guard.done();
        Ok(settled)
    }
}
