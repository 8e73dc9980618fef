//! `pingshen verify`: every journal's chain and signatures walked, every break named
//! by inspection, entry and author; and the seal of a record (its digest and its
//! signers) that a report carries.

use std::collections::BTreeMap;

use super::Store;
use super::error::{Result, StoreError};
use super::journal::{self, Entry, Hash, file};
use crate::identity::PublicKey;

/// Who signed a record, with the key each signed with (none: migrated, unsigned).
pub type Signers = Vec<(String, Option<PublicKey>)>;

/// What `verify` found in one inspection's journal.
#[derive(Debug, Clone)]
pub struct Verified {
    pub inspection: String,
    pub institution: String,
    pub entries: u64,
    /// Entries migrated from an older pingshen (unsigned).
    pub migrated: u64,
    /// The record's digest: see [`digest`].
    pub digest: Hash,
    /// Who signed entries, with the key they signed with, in order of first entry.
    pub signers: Vec<(String, Option<PublicKey>)>,
    /// Where the journal breaks, if it does.
    pub problem: Option<String>,
}

/// What `verify` found in the whole data dir.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub inspections: Vec<Verified>,
}

impl VerifyReport {
    pub fn broken(&self) -> impl Iterator<Item = &Verified> {
        self.inspections.iter().filter(|v| v.problem.is_some())
    }
}

/// The digest of a record: the hash of its one head, or, when merged branches left
/// several, the sha256 of their hashes in order. Two laptops holding the same
/// entries have the same digest, whatever order their files list them in.
pub fn digest(heads: &[Hash]) -> Hash {
    match heads {
        [one] => one.clone(),
        many => {
            let mut sorted = many.to_vec();
            sorted.sort();
            crate::checklist::sha256_hex(sorted.join(",").as_bytes())
        }
    }
}

/// The signers of `entries`, in order of their first entry.
pub fn signers(entries: &[(Entry, Hash)]) -> Vec<(String, Option<PublicKey>)> {
    let mut out: Vec<(String, Option<PublicKey>)> = Vec::new();
    for (e, _) in entries {
        let who = (e.author.name.clone(), e.author.key);
        if !out.contains(&who) {
            out.push(who);
        }
    }
    out
}

/// Checks one journal's entries, as read.
pub fn verify_entries(id: &str, entries: &[(Entry, Hash)]) -> Verified {
    let checked = journal::check(entries, id, true);
    verified(id, entries, checked)
}

/// What checking `entries` gave (`checked`), with the state they replay to.
fn verified(id: &str, entries: &[(Entry, Hash)], checked: Result<(), journal::Break>) -> Verified {
    let mut v = Verified {
        inspection: id.to_string(),
        institution: String::new(),
        entries: entries.len() as u64,
        migrated: entries.iter().filter(|(e, _)| e.migrated).count() as u64,
        digest: String::new(),
        signers: signers(entries),
        problem: None,
    };
    if let Err(b) = checked {
        v.problem = Some(b.to_string());
        return v;
    }
    match journal::project(entries) {
        Ok(p) => {
            v.institution = p.inspection.institution.name.clone();
            v.digest = digest(&p.heads);
        }
        Err(b) => v.problem = Some(b.to_string()),
    }
    v
}

/// Verifies the journals `ids` of `dir` a few at a time, so that their signatures
/// are checked in shared batches while only a few journals are held at once.
fn verify_group(dir: &std::path::Path, ids: &[String]) -> Vec<Verified> {
    let mut out = Vec::with_capacity(ids.len());
    // Each journal read: its id, its entries and the bytes their signatures cover.
    let mut read: Vec<(&String, journal::Hashed, Vec<Vec<u8>>)> = Vec::new();
    for id in ids {
        match file::read_signed(&file::journal_path(dir, id)) {
            Ok((l, signed)) => read.push((id, l.entries, signed)),
            Err(e) => out.push(Verified {
                inspection: id.clone(),
                institution: String::new(),
                entries: 0,
                migrated: 0,
                digest: String::new(),
                signers: Vec::new(),
                problem: Some(e.to_string()),
            }),
        }
    }
    let journals: Vec<(&str, &[(Entry, Hash)])> = read
        .iter()
        .map(|(id, entries, _)| (id.as_str(), entries.as_slice()))
        .collect();
    let signed: Vec<&[Vec<u8>]> = read.iter().map(|(_, _, s)| s.as_slice()).collect();
    let checked = journal::check_all(&journals, Some(&signed), true);
    for ((id, entries), checked) in journals.iter().zip(checked) {
        out.push(verified(id, entries, checked));
    }
    out
}

impl Store {
    /// Walks every journal: chains, signatures, and whether the state replays. Uses
    /// both cores: signatures are most of the cost.
    pub fn verify(&self) -> Result<VerifyReport> {
        let ids = file::journal_ids(&self.dir)
            .map_err(|e| StoreError::Read(format!("无法读取日志目录：{e}")))?;
        let dir = self.dir.clone();
        let dir = dir.as_path();
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8);
        // 16 journals at a time (batches of about 2,000 signatures), each thread taking
        // the next group when it is done with one, so that none waits for another.
        let groups: Vec<&[String]> = ids.chunks(16).collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut found: BTreeMap<String, Verified> = BTreeMap::new();
        std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads.min(groups.len()))
                .map(|_| {
                    s.spawn(|| {
                        let mut out = Vec::new();
                        loop {
                            let g = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(group) = groups.get(g) else { break };
                            out.extend(verify_group(dir, group));
                        }
                        out
                    })
                })
                .collect();
            for w in workers {
                if let Ok(list) = w.join() {
                    for v in list {
                        found.insert(v.inspection.clone(), v);
                    }
                }
            }
        });
        Ok(VerifyReport {
            inspections: found.into_values().collect(),
        })
    }

    /// The seal of inspection `id`'s record as it is now: its digest, its entries
    /// and its signers.
    pub fn seal(&self, id: &str) -> Result<(Hash, u64, Signers)> {
        let id = super::gate::checked_id(id)?;
        let tail = self.current_tail(id)?;
        let (entries, _) = self.readable_journal(id)?;
        Ok((digest(&tail.heads), tail.entries, signers(&entries)))
    }
}

/// Where a record digest (a report's seal) was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sealed {
    /// It is the inspection's record as it is now, of `entries` entries.
    Current { inspection: String, entries: u64 },
    /// The inspection's record was once at that digest; `later` entries have been
    /// written after it since.
    Earlier {
        inspection: String,
        at: u64,
        later: u64,
    },
}

impl Store {
    /// Finds which inspection's record has (or had) `digest`: first among the records
    /// as they are now, then within every journal, entry by entry.
    pub fn find_digest(&self, digest: &str) -> Result<Option<Sealed>> {
        for entry in self.tails.iter() {
            let (k, v) = entry.map_err(super::error::read_err)?;
            let tail: super::record::Tail = super::decode(&v, "日志位置")?;
            if self::digest(&tail.heads) == digest {
                return Ok(Some(Sealed::Current {
                    inspection: String::from_utf8_lossy(&k).into_owned(),
                    entries: tail.entries,
                }));
            }
        }
        let ids = file::journal_ids(&self.dir)
            .map_err(|e| StoreError::Read(format!("无法读取日志目录：{e}")))?;
        for id in ids {
            let Ok(l) = file::read(&file::journal_path(&self.dir, &id)) else {
                continue;
            };
            if let Some(at) = digest_position(&l.entries, digest) {
                return Ok(Some(Sealed::Earlier {
                    inspection: id,
                    at,
                    later: l.entries.len() as u64 - at,
                }));
            }
        }
        Ok(None)
    }
}

/// After how many entries of `entries` (in their order) the record had `digest`, if
/// it ever had: the heads are followed entry by entry.
pub fn digest_position(entries: &[(Entry, Hash)], wanted: &str) -> Option<u64> {
    let mut heads: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for (n, (e, h)) in entries.iter().enumerate() {
        for p in &e.parents {
            heads.remove(p.as_str());
        }
        heads.insert(h.as_str());
        let now: Vec<Hash> = heads.iter().map(|s| s.to_string()).collect();
        if digest(&now) == wanted {
            return Some(n as u64 + 1);
        }
    }
    None
}
