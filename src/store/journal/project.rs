//! From a journal to the state it records: the inspection, its assessments and its
//! open conflicts. A pure function of the *set* of entries, so the laptops of a team
//! that have merged the same entries, in whatever order, hold the same state.
//!
//! Entries form a graph: each names the heads it was written after (its parents).
//! On one laptop that is a chain; after a merge, a chain with branches joined. The
//! entries are replayed parents first, ties broken by time and then hash. Two
//! entries that set the same field of the same item where neither follows the other
//! (neither is in the other's history) are a conflict: both values are kept, the
//! later one is shown, until an entry written after both — a settle, or simply a new
//! grade — sets the field again.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use super::entry::{Change, Entry, Field, Hash, Value};
use crate::store::merge::{Candidate, Conflict};
use crate::store::model::{Assessment, Inspection, Progress};
use crate::time::Stamp;

/// What a journal records, as of its last entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub inspection: Inspection,
    pub assessments: BTreeMap<String, Assessment>,
    pub conflicts: Vec<Conflict>,
    /// The entries no other entry follows: the parents of the next entry written.
    pub heads: Vec<Hash>,
    pub entries: u64,
}

/// Where a journal breaks: which entry, whose, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第 {position} 条记录（{entry}，{author}）{why}")]
pub struct Break {
    /// 1-based position in the journal as given.
    pub position: usize,
    pub entry: String,
    pub author: String,
    pub why: String,
}

fn broken(position: usize, e: &Entry, why: impl Into<String>) -> Break {
    Break {
        position: position + 1,
        entry: e.id.clone(),
        author: e.author.name.clone(),
        why: why.into(),
    }
}

/// Checks a journal as a chain: each entry's parents come before it, no entry twice,
/// every entry of this inspection, the first one a creation (or a migrated snapshot),
/// every signature good (migrated entries excepted, when `allow_migrated`).
pub fn check(entries: &[(Entry, Hash)], id: &str, allow_migrated: bool) -> Result<(), Break> {
    // The chain first; the signatures of the entries before its first break after,
    // all at once (most of the cost), so the first break of either kind is the one told.
    let structural = check_chain(entries, id, allow_migrated);
    let upto = structural.as_ref().err().map_or(entries.len(), |(i, _)| *i);
    if let Some(i) = first_bad_signature(&entries[..upto]) {
        let e = &entries[i].0;
        return Err(broken(
            i,
            e,
            "签名不符：记录在签名后被改动过，或不是所写作者的密钥签的",
        ));
    }
    structural.map_err(|(i, why)| broken(i, &entries[i].0, why))
}

/// The chain without the signatures: the position and reason of its first break.
fn check_chain(
    entries: &[(Entry, Hash)],
    id: &str,
    allow_migrated: bool,
) -> Result<(), (usize, String)> {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(entries.len());
    for (i, (e, hash)) in entries.iter().enumerate() {
        let fail = |why: String| Err((i, why));
        if e.inspection != id {
            return fail(format!("属于另一次检查（{}）", shown(&e.inspection)));
        }
        if seen.insert(hash.as_str(), i).is_some() {
            return fail("重复出现".into());
        }
        if i == 0 {
            if !matches!(
                e.change,
                Change::Create { .. } | Change::Migrated { .. } | Change::Snapshot { .. }
            ) {
                return fail("是第一条记录，却不是「创建」".into());
            }
        } else if e.parents.is_empty() {
            return fail("没有前一条记录的摘要（链断开）".into());
        }
        for p in &e.parents {
            if !seen.contains_key(p.as_str()) || p == hash {
                return fail(format!(
                    "所接的前一条记录 {} 不在它之前（链断开或被改动）",
                    short(p)
                ));
            }
        }
        if e.migrated {
            if !allow_migrated {
                return fail("是未签名的迁移记录，只能来自本机的旧版数据".into());
            }
            if e.sig.is_some() || e.author.key.is_some() {
                return fail("标为迁移记录却带有签名".into());
            }
            if !matches!(e.change, Change::Migrated { .. } | Change::Snapshot { .. }) {
                return fail("标为迁移记录，却是一项修改".into());
            }
        } else if matches!(e.change, Change::Migrated { .. } | Change::Snapshot { .. }) {
            return fail("是迁移记录，却没有标为迁移".into());
        }
    }
    Ok(())
}

/// [`check`] of many journals at once, each with its inspection id: the signatures of
/// all of them are verified in shared batches (ed25519 batch verification costs less
/// a signature the larger the batch, and a key that signed in several journals is
/// decompressed once). Only a batch that fails is gone through journal by journal.
/// `signed`, when given, holds for each journal the bytes each entry's signature
/// covers, taken from its line ([`super::file::read_signed`]), so they need not be
/// made again.
pub fn check_all(
    journals: &[(&str, &[(Entry, Hash)])],
    signed: Option<&[&[Vec<u8>]]>,
    allow_migrated: bool,
) -> Vec<Result<(), Break>> {
    const BATCH: usize = 2048;
    let mut keys = Keys::new();
    let structural: Vec<Result<(), (usize, String)>> = journals
        .iter()
        .map(|(id, entries)| check_chain(entries, id, allow_migrated))
        .collect();
    let upto = |j: usize| {
        structural[j]
            .as_ref()
            .err()
            .map_or(journals[j].1.len(), |(i, _)| *i)
    };
    let mut bad: Vec<Option<usize>> = vec![None; journals.len()];
    let mut batch = Batch::default();
    let mut members: Vec<usize> = Vec::new();
    let settle = |batch: &mut Batch, members: &mut Vec<usize>, bad: &mut Vec<Option<usize>>| {
        if !batch.holds() {
            for &j in members.iter() {
                bad[j] = first_bad_signature(&journals[j].1[..upto(j)]);
            }
        }
        *batch = Batch::default();
        members.clear();
    };
    for (j, (_, entries)) in journals.iter().enumerate() {
        let mut own = Batch::default();
        let lines = signed
            .and_then(|s| s.get(j))
            .filter(|l| l.len() == entries.len());
        let readable = entries[..upto(j)]
            .iter()
            .enumerate()
            .filter(|(_, (e, _))| !e.migrated)
            .all(|(i, (e, _))| {
                let message = lines.map_or_else(|| e.signed_bytes(), |l| l[i].clone());
                own.add(e, message, &mut keys)
            });
        if !readable {
            bad[j] = first_bad_signature(&entries[..upto(j)]);
            continue;
        }
        if !members.is_empty() && batch.len() + own.len() > BATCH {
            settle(&mut batch, &mut members, &mut bad);
        }
        batch.extend(own);
        members.push(j);
    }
    settle(&mut batch, &mut members, &mut bad);
    journals
        .iter()
        .enumerate()
        .map(|(j, (_, entries))| {
            if let Some(i) = bad[j] {
                return Err(broken(
                    i,
                    &entries[i].0,
                    "签名不符：记录在签名后被改动过，或不是所写作者的密钥签的",
                ));
            }
            structural[j]
                .clone()
                .map_err(|(i, why)| broken(i, &entries[i].0, why))
        })
        .collect()
}

/// Author keys, each decompressed once.
type Keys = HashMap<[u8; 32], Option<ed25519_dalek::VerifyingKey>>;

/// Signatures to verify together.
#[derive(Default)]
struct Batch {
    messages: Vec<Vec<u8>>,
    signatures: Vec<ed25519_dalek::Signature>,
    keys: Vec<ed25519_dalek::VerifyingKey>,
}

impl Batch {
    /// Adds `e`'s signature of `message`; `false` when it has none, or its key is no
    /// key.
    fn add(&mut self, e: &Entry, message: Vec<u8>, keys: &mut Keys) -> bool {
        let key = e.author.key.and_then(|k| {
            *keys
                .entry(k.0)
                .or_insert_with(|| ed25519_dalek::VerifyingKey::from_bytes(&k.0).ok())
        });
        let sig = e
            .sig
            .as_deref()
            .and_then(crate::identity::unhex)
            .and_then(|b| <[u8; 64]>::try_from(b).ok());
        match (key, sig) {
            (Some(k), Some(sig)) => {
                self.messages.push(message);
                self.signatures
                    .push(ed25519_dalek::Signature::from_bytes(&sig));
                self.keys.push(k);
                true
            }
            _ => false,
        }
    }

    fn len(&self) -> usize {
        self.messages.len()
    }

    fn extend(&mut self, other: Batch) {
        self.messages.extend(other.messages);
        self.signatures.extend(other.signatures);
        self.keys.extend(other.keys);
    }

    fn holds(&self) -> bool {
        if self.messages.is_empty() {
            return true;
        }
        let refs: Vec<&[u8]> = self.messages.iter().map(Vec::as_slice).collect();
        ed25519_dalek::verify_batch(&refs, &self.signatures, &self.keys).is_ok()
    }
}

/// The position of the first signed entry whose signature does not hold. Entries are
/// verified in batches (ed25519 batch verification, several times faster than one by
/// one, each author key decompressed once); only a batch that fails is gone through
/// entry by entry, to name the one.
fn first_bad_signature(entries: &[(Entry, Hash)]) -> Option<usize> {
    const BATCH: usize = 512;
    let mut keys = Keys::new();
    let signed: Vec<usize> = (0..entries.len())
        .filter(|&i| !entries[i].0.migrated)
        .collect();
    for chunk in signed.chunks(BATCH) {
        let mut batch = Batch::default();
        let readable = chunk
            .iter()
            .all(|&i| batch.add(&entries[i].0, entries[i].0.signed_bytes(), &mut keys));
        if (!readable || !batch.holds())
            && let Some(&i) = chunk.iter().find(|&&i| !entries[i].0.signature_holds())
        {
            return Some(i);
        }
    }
    None
}

fn short(hash: &str) -> String {
    shown(&hash.chars().take(12).collect::<String>())
}

fn shown(s: &str) -> String {
    crate::text::for_terminal_line(s).into_owned()
}

/// The order entries are replayed in: parents first; among entries ready at once,
/// the earliest, then the smallest hash. The same for any order of the same set.
fn canonical_order(entries: &[(Entry, Hash)]) -> Vec<usize> {
    let index: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, (_, h))| (h.as_str(), i))
        .collect();
    let mut waiting: Vec<usize> = vec![0; entries.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
    for (i, (e, _)) in entries.iter().enumerate() {
        for p in &e.parents {
            if let Some(&pi) = index.get(p.as_str()) {
                waiting[i] += 1;
                children[pi].push(i);
            }
        }
    }
    let key = |i: usize| Reverse((entries[i].0.at, entries[i].1.clone()));
    let mut ready: BinaryHeap<(Reverse<(Stamp, Hash)>, usize)> = (0..entries.len())
        .filter(|&i| waiting[i] == 0)
        .map(|i| (key(i), i))
        .collect();
    let mut order = Vec::with_capacity(entries.len());
    while let Some((_, i)) = ready.pop() {
        order.push(i);
        for &c in &children[i] {
            waiting[c] -= 1;
            if waiting[c] == 0 {
                ready.push((key(c), c));
            }
        }
    }
    order
}

/// Who follows whom, by position in the replay order.
struct Graph {
    parents: Vec<Vec<usize>>,
    /// Every entry follows the one before it: nothing is concurrent.
    linear: bool,
    mark: Vec<usize>,
    round: usize,
}

impl Graph {
    /// Whether entry `a` is in the history of entry `b` (both replay positions).
    fn precedes(&mut self, a: usize, b: usize) -> bool {
        if a >= b {
            return false;
        }
        if self.linear {
            return true;
        }
        self.round += 1;
        let round = self.round;
        let mut stack = vec![b];
        while let Some(n) = stack.pop() {
            for &p in &self.parents[n] {
                if p == a {
                    return true;
                }
                if p > a && self.mark[p] != round {
                    self.mark[p] = round;
                    stack.push(p);
                }
            }
        }
        false
    }
}

/// A value set by an entry that nothing after it has replaced (yet).
#[derive(Debug, Clone)]
struct Head {
    pos: usize,
    candidate: Candidate,
}

/// The state being built: what [`project`] replays all entries into, and what the
/// store applies one new local entry to (an entry written after every head, so every
/// earlier value precedes it).
#[derive(Debug, Default)]
pub struct Fold {
    pub inspection: Option<Inspection>,
    pub assessments: BTreeMap<String, Assessment>,
    pub conflicts: BTreeMap<(String, Field), Conflict>,
    heads: BTreeMap<(String, Field), Vec<Head>>,
    /// Items whose assessment or conflicts changed since the fold was made.
    pub touched: std::collections::BTreeSet<String>,
}

impl Fold {
    /// A fold holding a stored state, for entries that follow all of it.
    pub fn from_state(
        inspection: Inspection,
        assessments: BTreeMap<String, Assessment>,
        conflicts: Vec<Conflict>,
    ) -> Fold {
        Fold {
            inspection: Some(inspection),
            assessments,
            conflicts: conflicts
                .into_iter()
                .map(|c| ((c.item_id.clone(), c.field), c))
                .collect(),
            ..Fold::default()
        }
    }

    /// Applies entry `e`, at replay position `pos`; `precedes(a, b)` says whether the
    /// entry at position `a` is in the history of the one at `b`.
    pub fn apply(
        &mut self,
        e: &Entry,
        pos: usize,
        precedes: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<(), String> {
        // An undo or a redo does what its change does.
        let change = e.change.effective();
        match change {
            Change::Snapshot {
                inspection,
                assessments,
                conflicts,
            } => {
                self.inspection = Some((**inspection).clone());
                self.touched.extend(self.assessments.keys().cloned());
                self.assessments = assessments
                    .iter()
                    .map(|a| (a.item_id.clone(), a.clone()))
                    .collect();
                self.touched.extend(self.assessments.keys().cloned());
                self.heads.clear();
                self.conflicts = conflicts
                    .iter()
                    .map(|c| ((c.item_id.clone(), c.field), c.clone()))
                    .collect();
                self.touched
                    .extend(conflicts.iter().map(|c| c.item_id.clone()));
                return Ok(());
            }
            Change::Create {
                institution,
                review_kind,
                date,
                inspectors,
                checklist,
                sample,
                organiser,
                facility,
            } => {
                if self.inspection.is_some() {
                    return Err("又一次「创建」了已有的检查".into());
                }
                self.inspection = Some(Inspection {
                    id: e.inspection.clone(),
                    institution: institution.clone(),
                    review_kind: *review_kind,
                    date: *date,
                    inspectors: inspectors.clone(),
                    status: Progress::InProgress,
                    checklist: checklist.clone(),
                    created_at: e.at,
                    updated_at: e.at,
                    sample: *sample,
                    assignments: Default::default(),
                    previous: None,
                    organiser: organiser.clone(),
                    opinion: String::new(),
                    facility: facility.clone(),
                });
                return Ok(());
            }
            Change::Migrated { .. } => return Ok(()),
            _ => {}
        }
        let Some(ins) = self.inspection.as_mut() else {
            return Err("出现在检查创建之前".into());
        };
        if e.at > ins.updated_at {
            ins.updated_at = e.at;
        }
        match change {
            Change::Assign { inspector, new, .. } => {
                if new.is_empty() {
                    ins.assignments.remove(inspector);
                } else {
                    ins.assignments.insert(inspector.clone(), new.clone());
                    if !ins.inspectors.contains(inspector) {
                        ins.inspectors.push(inspector.clone());
                    }
                }
            }
            Change::Edit { new, .. } => {
                ins.institution = new.institution.clone();
                ins.review_kind = new.review_kind;
                ins.date = new.date;
                ins.inspectors = new.inspectors.clone();
                ins.organiser = new.organiser.clone();
            }
            Change::Opinion { new, .. } => ins.opinion = new.clone(),
            Change::Repin { new, .. } => ins.checklist = new.clone(),
            Change::Link { new, .. } => ins.previous = new.clone(),
            Change::Facility { new, .. } => ins.facility = new.clone(),
            Change::Status { new, .. } => ins.status = *new,
            Change::AddEvidence { item, evidence } => {
                let a = self.touch(item, e);
                if !a.evidence.contains(evidence) {
                    a.evidence.push(evidence.clone());
                }
            }
            Change::RemoveEvidence { item, evidence } => {
                let a = self.touch(item, e);
                a.evidence
                    .retain(|x| x.path != evidence.path || x.sha256 != evidence.sha256);
            }
            change => {
                if let Some((item, field, value)) = change.field() {
                    self.set_field(e, pos, item, field, value, precedes)?;
                }
            }
        }
        Ok(())
    }

    fn set_field(
        &mut self,
        e: &Entry,
        pos: usize,
        item: &str,
        field: Field,
        value: Value,
        precedes: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<(), String> {
        let key = (item.to_string(), field);
        let list = self.heads.entry(key.clone()).or_default();
        let mut kept: Vec<Head> = Vec::with_capacity(list.len() + 1);
        for h in list.drain(..) {
            if !precedes(h.pos, pos) {
                kept.push(h);
            }
        }
        kept.push(Head {
            pos,
            candidate: Candidate {
                entry: e.id.clone(),
                by: e.author.name.clone(),
                at: e.at,
                value,
            },
        });
        // Shown meanwhile: the latest value (by time, then entry id).
        let shown = kept
            .iter()
            .max_by(|a, b| {
                (a.candidate.at, &a.candidate.entry).cmp(&(b.candidate.at, &b.candidate.entry))
            })
            .map(|h| h.candidate.clone());
        // Heads that agree are no conflict: two laptops gave the same value.
        let differ = kept
            .iter()
            .any(|h| h.candidate.value != kept[0].candidate.value);
        if differ {
            let mut candidates: Vec<Candidate> = kept.iter().map(|h| h.candidate.clone()).collect();
            candidates.sort_by(|a, b| (a.at, &a.entry).cmp(&(b.at, &b.entry)));
            self.conflicts.insert(
                key,
                Conflict {
                    item_id: item.to_string(),
                    field,
                    candidates,
                },
            );
        } else {
            self.conflicts.remove(&key);
        }
        *list = kept;
        let Some(shown) = shown else {
            return Ok(());
        };
        let a = self.touch(item, e);
        a.by = shown.by.clone();
        a.at = shown.at;
        match (field, shown.value) {
            (Field::Grade, Value::Grade(g)) => a.grade = g,
            (Field::Note, Value::Text(t)) => a.note = t,
            (Field::CorrectiveAction, Value::Text(t)) => a.corrective_action = t,
            (Field::Plan, Value::Plan(p)) => a.plan = p,
            (Field::FollowUp, Value::FollowUp(c)) => a.follow_up = c.follow_up,
            _ => return Err("所改的值与字段不符".into()),
        }
        Ok(())
    }

    /// The item's assessment, created empty, marked as last changed by `e`.
    fn touch(&mut self, item: &str, e: &Entry) -> &mut Assessment {
        self.touched.insert(item.to_string());
        let a = self
            .assessments
            .entry(item.to_string())
            .or_insert_with(|| Assessment::empty(item));
        a.by = e.author.name.clone();
        a.at = e.at;
        a
    }
}

/// The state `entries` record. Assumes [`check`] passed; an entry that makes no sense
/// where it stands (a grade before the creation) is a [`Break`].
pub fn project(entries: &[(Entry, Hash)]) -> Result<Projection, Break> {
    let order = canonical_order(entries);
    let position: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(pos, &i)| (entries[i].1.as_str(), pos))
        .collect();
    let parents: Vec<Vec<usize>> = order
        .iter()
        .map(|&i| {
            entries[i]
                .0
                .parents
                .iter()
                .filter_map(|p| position.get(p.as_str()).copied())
                .collect()
        })
        .collect();
    let linear = parents
        .iter()
        .enumerate()
        .all(|(pos, ps)| pos == 0 || ps.as_slice() == [pos - 1]);
    let mut has_child = vec![false; entries.len()];
    for ps in &parents {
        for &p in ps {
            has_child[p] = true;
        }
    }
    let mut graph = Graph {
        linear,
        mark: vec![0; parents.len()],
        round: 0,
        parents,
    };
    let mut fold = Fold::default();
    for (pos, &i) in order.iter().enumerate() {
        let (e, _) = &entries[i];
        fold.apply(e, pos, &mut |a, b| graph.precedes(a, b))
            .map_err(|why| broken(i, e, why))?;
    }
    let Some(inspection) = fold.inspection else {
        return Err(Break {
            position: 0,
            entry: String::new(),
            author: String::new(),
            why: "日志是空的：没有「创建」记录".into(),
        });
    };
    let mut assessments = fold.assessments;
    assessments.retain(|_, a| !a.is_blank());
    let mut heads: Vec<Hash> = (0..order.len())
        .filter(|&pos| !has_child[pos])
        .map(|pos| entries[order[pos]].1.clone())
        .collect();
    heads.sort();
    Ok(Projection {
        inspection,
        assessments,
        conflicts: fold.conflicts.into_values().collect(),
        heads,
        entries: entries.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Identity;
    use crate::scoring::Grade;

    /// A journal of `n` grades by `who`, chained.
    fn journal(id: &str, who: &Identity, n: usize) -> Vec<(Entry, Hash)> {
        let mut out: Vec<(Entry, Hash)> = Vec::new();
        let create: Change = serde_json::from_value(serde_json::json!({
            "kind": "create",
            "institution": {"name": "东城区某社区卫生服务中心", "region": "北京市东城区",
                            "kind": "社区卫生服务中心", "head": "", "phone": ""},
            "review_kind": "区级评审", "date": "2026-11-23", "inspectors": ["王喆"],
            "checklist": {"id": "c", "version": "1", "title": "t", "sha256": "ab".repeat(32)}
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        for k in 0..=n {
            let change = if k == 0 {
                create.clone()
            } else {
                Change::Grade {
                    item: format!("1.1.{k}"),
                    old: None,
                    new: Some(Grade::B),
                }
            };
            let parents = out.last().map(|(_, h)| vec![h.clone()]).unwrap_or_default();
            let e = Entry::signed(who, "王喆", id, parents, change);
            let h = e.hash();
            out.push((e, h));
        }
        out
    }

    #[test]
    fn checking_journals_together_finds_what_checking_each_finds() {
        let who = Identity::from_seed("王喆", [3; 32]);
        let other = Identity::from_seed("李四", [4; 32]);
        let ids: Vec<String> = (0..40).map(|i| format!("{i:010x}")).collect();
        let mut all: Vec<Vec<(Entry, Hash)>> = ids.iter().map(|id| journal(id, &who, 60)).collect();
        // A grade changed after signing, deep in one journal.
        if let Change::Grade { new, .. } = &mut all[7][30].0.change {
            *new = Some(Grade::A);
        }
        // Signed by another key than the one it names.
        let e = &mut all[21][12].0;
        e.sig = Some(other.sign(&e.signed_bytes()));
        // A chain broken later than a bad signature, and one broken with none bad.
        all[21][40].0.parents = vec!["cd".repeat(32)];
        all[33][5].0.parents = vec!["cd".repeat(32)];
        let journals: Vec<(&str, &[(Entry, Hash)])> = ids
            .iter()
            .zip(&all)
            .map(|(id, j)| (id.as_str(), j.as_slice()))
            .collect();
        let together = check_all(&journals, None, true);
        for (j, (id, entries)) in journals.iter().enumerate() {
            assert_eq!(together[j], check(entries, id, true), "journal {j}");
        }
        let broken: Vec<(usize, usize)> = together
            .iter()
            .enumerate()
            .filter_map(|(j, r)| r.as_ref().err().map(|b| (j, b.position)))
            .collect();
        assert_eq!(broken, vec![(7, 31), (21, 13), (33, 6)]);
    }
}
