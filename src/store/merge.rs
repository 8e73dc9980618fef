//! Merging the bundles of one inspection made on several laptops: the union of their
//! journal entries. The state is then replayed from the union (see
//! [`super::journal::project`]), so merging is idempotent and independent of order:
//! - an entry written after another (the other is in its history) replaces it;
//! - two entries that set the same field of the same item where neither is in the
//!   other's history are a conflict: both kept, the later shown, until an entry
//!   written after both — [`Store::settle`], naming both — sets the field again.
//!
//! Every entry's signature and chain are checked when a bundle is read; whether its
//! authors' keys are trusted is checked here (trust on first use, see
//! [`crate::identity::keys`]).

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::bundle::{Bundle, ImportOutcome};
use super::error::{Hint, Result, StoreError};
use super::journal::{self, Change, Entry, Field, Hash, Value, file};
use super::model::Assessment;
use super::record::Tail;
use super::{Store, gate};
use crate::identity::PublicKey;
use crate::identity::keys::{Trust, TrustStore};
use crate::time::Stamp;

/// A field of an item set differently on two laptops, neither knowing of the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    pub item_id: String,
    pub field: Field,
    /// The differing values, oldest first.
    pub candidates: Vec<Candidate>,
}

/// One side of a conflict: the value an entry set, who set it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// The entry's version id (empty for a conflict migrated from an older pingshen).
    pub entry: String,
    pub by: String,
    pub at: Stamp,
    pub value: Value,
}

#[derive(Debug, Clone, Default)]
pub struct MergeReport {
    pub inspection_id: String,
    pub institution: String,
    /// Items that had nothing here and now have an assessment.
    pub added: Vec<String>,
    /// Items whose assessment changed.
    pub updated: Vec<String>,
    /// Conflicts after the merge (new or still open).
    pub conflicts: Vec<Conflict>,
    /// Entries added to the journal; 0 when the files held nothing new.
    pub new_entries: usize,
    /// False when the files held nothing new: nothing was written.
    pub changed: bool,
    /// The inspection was not here before.
    pub created: bool,
    /// Evidence files the bundles carried that this laptop lacked, now kept.
    pub files: usize,
}

impl MergeReport {
    /// The items in conflict, each once (a conflict is on one field of an item).
    pub fn conflicted_items(&self) -> Vec<String> {
        let mut items: Vec<String> = self.conflicts.iter().map(|c| c.item_id.clone()).collect();
        items.dedup();
        items
    }
}

/// A key an entry or a bundle was signed with, that this laptop does not trust yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untrusted {
    pub name: String,
    pub key: PublicKey,
    pub revoked: bool,
}

/// Adds to `all` the entries of `more` it lacks, keeping `all`'s order and `more`'s
/// after it (each list has parents before children, so the union does too).
pub(super) fn unite(all: &mut Vec<(Entry, Hash)>, more: Vec<(Entry, Hash)>) -> usize {
    let mut have: HashSet<Hash> = all.iter().map(|(_, h)| h.clone()).collect();
    let before = all.len();
    for (e, h) in more {
        if have.insert(h.clone()) {
            all.push((e, h));
        }
    }
    all.len() - before
}

/// [`unite`] for entries from a copy that may itself be damaged (a backup): only those
/// that hold up on their own — a good signature (or migrated), every parent already
/// there — are taken; the rest are left out, so a bad copy can never spoil a journal.
pub(super) fn unite_sound(all: &mut Vec<(Entry, Hash)>, more: Vec<(Entry, Hash)>) -> usize {
    let mut have: HashSet<Hash> = all.iter().map(|(_, h)| h.clone()).collect();
    let before = all.len();
    for (e, h) in more {
        if have.contains(&h) {
            continue;
        }
        let placed = if e.parents.is_empty() {
            all.is_empty()
        } else {
            e.parents.iter().all(|p| have.contains(p))
        };
        if placed && (e.migrated || e.signature_holds()) {
            have.insert(h.clone());
            all.push((e, h));
        }
    }
    all.len() - before
}

impl Store {
    /// The keys of `bundles` this laptop does not trust: every entry's author key and
    /// every signer's, except this laptop's own.
    pub fn untrusted(&self, bundles: &[&Bundle], trust: &TrustStore) -> Vec<Untrusted> {
        let own = self.identity.public_key();
        let mut out: Vec<Untrusted> = Vec::new();
        let mut seen = HashSet::new();
        for b in bundles {
            let signer = b.signer.iter().map(|a| (a, true));
            let authors = b.entries.iter().map(|e| (&e.author, false));
            for (author, is_signer) in signer.chain(authors) {
                let Some(key) = author.key else { continue };
                if key == own {
                    continue;
                }
                let status = if is_signer {
                    // The exporter's name is a label: its key is asked about as the
                    // author of its entries, when it wrote any.
                    match trust.knows_key(&key) {
                        Trust::Unknown if b.entries.iter().any(|e| e.author.key == Some(key)) => {
                            continue;
                        }
                        t => t,
                    }
                } else {
                    trust.status(&author.name, &key)
                };
                if !seen.insert((author.name.clone(), key)) {
                    continue;
                }
                match status {
                    Trust::Trusted => {}
                    t => out.push(Untrusted {
                        name: author.name.clone(),
                        key,
                        revoked: t == Trust::Revoked,
                    }),
                }
            }
        }
        out
    }

    /// Imports one bundle: a merge of one file.
    pub fn import(&self, bundle: &Bundle, trust: &TrustStore) -> Result<ImportOutcome> {
        let report = self.merge(&[("文件".to_string(), bundle.clone())], trust)?;
        Ok(if report.created {
            ImportOutcome::Imported
        } else if report.changed {
            ImportOutcome::Merged
        } else {
            ImportOutcome::AlreadyPresent
        })
    }

    /// Merges bundles of one inspection into the store (where it may or may not exist
    /// yet). `files` pairs each bundle with the name to use in messages. Refuses keys
    /// `trust` does not trust, naming each with its fingerprint.
    pub fn merge(&self, files: &[(String, Bundle)], trust: &TrustStore) -> Result<MergeReport> {
        let Some((first_name, first)) = files.first() else {
            return Err(StoreError::Invalid("没有要合并的文件。".into()));
        };
        let id = gate::checked_id(&first.inspection)?.to_string();
        if let Some((name, other)) = files.iter().find(|(_, b)| b.inspection != id) {
            return Err(StoreError::Invalid(format!(
                "只能合并同一次检查的导出：{first_name} 是检查 {id}，{name} 是检查 {}。",
                crate::text::for_terminal_line(&other.inspection)
            )));
        }
        for (_, b) in files {
            gate::admit_bundle(b).map_err(|r| StoreError::Refused(r.to_string()))?;
        }
        let exists = super::journal::journal_path(&self.dir, &id).exists();
        let (mut all, before) = if exists {
            let inspection = self.get(&id)?;
            self.ensure_open(&inspection)?;
            let (entries, _) = self.readable_journal(&id)?;
            (entries, Some(self.assessments(&id)?))
        } else {
            (Vec::new(), None)
        };
        let start = all.len();
        for (_, b) in files {
            let hashed: Vec<(Entry, Hash)> =
                b.entries.iter().map(|e| (e.clone(), e.hash())).collect();
            unite(&mut all, hashed);
        }
        let added: Vec<Entry> = all[start..].iter().map(|(e, _)| e.clone()).collect();
        // Trust is asked of what is new here: entries already in the journal were
        // accepted when they came.
        if !added.is_empty() {
            let new: HashSet<&str> = all[start..].iter().map(|(_, h)| h.as_str()).collect();
            let fresh: Vec<Bundle> = files
                .iter()
                .map(|(_, b)| Bundle {
                    entries: b
                        .entries
                        .iter()
                        .filter(|e| new.contains(e.hash().as_str()))
                        .cloned()
                        .collect(),
                    ..b.clone()
                })
                .filter(|b| !b.entries.is_empty())
                .collect();
            let refs: Vec<&Bundle> = fresh.iter().collect();
            let untrusted = self.untrusted(&refs, trust);
            if !untrusted.is_empty() {
                return Err(StoreError::Untrusted { keys: untrusted });
            }
        }
        let broken = |b: journal::Break| StoreError::Refused(format!("合并后检查 {id} 的日志{b}"));
        if all.iter().filter(|(e, _)| e.parents.is_empty()).count() > 1 {
            return Err(StoreError::Refused(format!(
                "文件中检查 {id} 的记录与本机的不是同一份记录：两者各自从头开始（例如两台电脑各自升级了同一次检查的旧版数据，或文件的记录被整份重写过），不能合并。请在一台电脑上完成这次检查，把它导出给其他电脑导入"
            )));
        }
        journal::check(&all, &id, true).map_err(broken)?;
        let projection = journal::project(&all).map_err(broken)?;
        let mut report = MergeReport {
            inspection_id: id.clone(),
            institution: projection.inspection.institution.name.clone(),
            conflicts: projection.conflicts.clone(),
            new_entries: added.len(),
            created: !exists,
            ..MergeReport::default()
        };
        let empty = BTreeMap::new();
        let old: &BTreeMap<String, Assessment> = before.as_ref().unwrap_or(&empty);
        for (item, a) in &projection.assessments {
            match old.get(item) {
                None => report.added.push(item.clone()),
                Some(b) if b != a => report.updated.push(item.clone()),
                _ => {}
            }
        }
        if added.is_empty() {
            // Only files may be new: a bundle with the photos after one without.
            report.files = self.keep_bundle_files(files)?;
            return Ok(report);
        }
        report.changed = true;
        // The checklist texts first: no entry may name a text the data dir lacks.
        for (_, b) in files {
            for (sha, text) in &b.checklists {
                self.pin_text(sha, text)?;
            }
        }
        let guard = self.write_guard()?;
        let path = file::journal_path(&self.dir, &id);
        let end = file::append(&path, &added).map_err(|e| {
            super::error::io_write_err(&e, Some(&format!("日志 {} 无法写入", path.display())))
        })?;
        match self.write_projection(&id, &projection, &Tail::of(&projection, &all, end)) {
            Ok(()) => guard.done(),
            Err(e) => self.set_warning(format!(
                "已合并到日志，但数据库未能更新（{e}）；下次打开时会从日志自动补上。"
            )),
        }
        self.count_change(&id, added.len() as u64);
        report.files = self.keep_bundle_files(files)?;
        if let Some(fid) = &projection.inspection.facility {
            self.adopt_facility(fid, files.iter().filter_map(|(_, b)| b.facility.as_ref()));
        }
        Ok(report)
    }

    /// The versions of `item` in conflict, as [`versions`] makes them.
    pub fn item_versions(&self, id: &str, item: &str) -> Result<Vec<Version>> {
        let conflicts: Vec<Conflict> = self
            .conflicts(id)?
            .into_iter()
            .filter(|c| c.item_id == item)
            .collect();
        let current = self.assessment(id, item)?;
        Ok(versions(item, current.as_ref(), &conflicts))
    }

    /// Settles the conflicts of `item` by taking version `choice` (0-based, as
    /// [`Store::item_versions`] lists them): one settling entry per field in
    /// conflict, each naming the entry chosen and those set aside. Returns the item's
    /// assessment after.
    pub fn settle(&self, id: &str, item: &str, choice: usize, by: &str) -> Result<Assessment> {
        self.ensure_open(&self.get(id)?)?;
        let conflicts: Vec<Conflict> = self
            .conflicts(id)?
            .into_iter()
            .filter(|c| c.item_id == item)
            .collect();
        if conflicts.is_empty() {
            return Err(StoreError::Hinted {
                message: format!("检查 {id} 的条款 {item} 没有待裁定的冲突。"),
                hint: Hint::ListConflicts {
                    inspection: id.to_string(),
                },
            });
        }
        let current = self.assessment(id, item)?;
        let all = versions(item, current.as_ref(), &conflicts);
        let Some(chosen) = all.get(choice) else {
            return Err(StoreError::Invalid(format!(
                "条款 {item} 只有 {} 个版本，请选 1 到 {}。",
                all.len(),
                all.len()
            )));
        };
        let mut changes = Vec::new();
        for c in &conflicts {
            let Some(pick) = chosen
                .picks
                .iter()
                .find(|(f, _)| *f == c.field)
                .map(|(_, i)| *i)
            else {
                continue;
            };
            let Some(taken) = c.candidates.get(pick) else {
                continue;
            };
            changes.push(Change::Settle {
                item: item.to_string(),
                field: c.field,
                chosen: taken.clone(),
                set_aside: c
                    .candidates
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != pick)
                    .map(|(_, x)| x.clone())
                    .collect(),
                value: taken.value.clone(),
            });
        }
        self.record(id, by, changes)?;
        self.assessment(id, item)?
            .ok_or_else(|| StoreError::Read(format!("裁定后条款 {item} 没有评分记录")))
    }
}

/// One way to settle an item in conflict: the values one person gave (each field in
/// conflict takes that person's latest candidate; the others stay as they are).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub by: String,
    pub at: Stamp,
    /// The item's assessment as it would be with this version taken.
    pub assessment: Assessment,
    /// For each field in conflict, which candidate this version takes.
    pub picks: Vec<(Field, usize)>,
}

/// The versions of an item in conflict, one per person who gave a differing value,
/// oldest first; the last is what the item shows until it is settled.
pub fn versions(item: &str, current: Option<&Assessment>, conflicts: &[Conflict]) -> Vec<Version> {
    let base = current.cloned().unwrap_or_else(|| Assessment::empty(item));
    let mut out: Vec<Version> = Vec::new();
    for c in conflicts {
        for (i, cand) in c.candidates.iter().enumerate() {
            let v = match out.iter_mut().position(|v| v.by == cand.by) {
                Some(at) => &mut out[at],
                None => {
                    out.push(Version {
                        by: cand.by.clone(),
                        at: cand.at,
                        assessment: base.clone(),
                        picks: Vec::new(),
                    });
                    let last = out.len() - 1;
                    &mut out[last]
                }
            };
            // A person's latest value for the field wins within their version.
            let earlier = v.picks.iter().position(|(f, _)| *f == c.field);
            if let Some(p) = earlier {
                if c.candidates[v.picks[p].1].at > cand.at {
                    continue;
                }
                v.picks.remove(p);
            }
            v.picks.push((c.field, i));
            v.at = v.at.max(cand.at);
            v.assessment.by = cand.by.clone();
            v.assessment.at = v.at;
            match (&c.field, &cand.value) {
                (Field::Grade, Value::Grade(g)) => v.assessment.grade = *g,
                (Field::Note, Value::Text(t)) => v.assessment.note = t.clone(),
                (Field::CorrectiveAction, Value::Text(t)) => {
                    v.assessment.corrective_action = t.clone()
                }
                (Field::Plan, Value::Plan(p)) => v.assessment.plan = p.clone(),
                (Field::FollowUp, Value::FollowUp(c)) => v.assessment.follow_up = c.follow_up,
                _ => {}
            }
        }
    }
    out.sort_by(|a, b| (a.at, &a.by).cmp(&(b.at, &b.by)));
    out
}
