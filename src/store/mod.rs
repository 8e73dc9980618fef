//! The store: each inspection's journal (the record), the pinned checklists, and in
//! sled the projection of the journals — current state, indexes and per-inspection
//! overviews — with signed export bundles, incremental backups and recovery.
//!
//! Layout of a data dir:
//! - `pingshen.lock`: held while a pingshen has the dir open (one process at a time);
//! - `journals/<id>.jsonl`: the journal of each inspection, one signed entry a line;
//! - `pinned/<sha256>.toml`: every checklist text an inspection was pinned to;
//! - `db/`: the sled database, a projection of the journals (rebuilt from them when
//!   it lags or is damaged; the damaged files are moved to `db.damaged-…`; copied
//!   afresh through `db.compacting` when it has grown to twice its size, see
//!   [`compact`]);
//! - `evidence/<sha256>`: every evidence file attached, kept once by its content;
//! - `backups/<id>.jsonl`: a copy of each journal, extended as it grows;
//! - `deleted/`: the journal of each deleted inspection;
//! - `migrations/…`: what an older pingshen left, kept when a newer one upgraded it.

mod actions;
mod assess;
mod backup;
mod bundle;
mod compact;
mod envelope;
mod error;
mod evidence;
mod facility;
mod facility_migration;
pub mod gate;
mod inspections;
pub mod journal;
mod merge;
pub(crate) mod model;
mod open;
mod overview;
mod record;
mod register;
mod repin;
mod sample;
mod schema;
mod selection;
mod status;
mod team;
mod undo;
mod verify;

use std::collections::HashMap;
use std::fs::File;
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

pub use crate::text::clean_text;
pub use actions::{
    ActionItem, FollowUpCounts, NO_OWNER, PreviousAction, PreviousActions, by_owner,
    corrective_actions, has_action, previous_actions,
};
pub use assess::{Edit, Saved};
pub use backup::{RecoverReport, backup_path, read_backup, recover};
pub use bundle::{
    BUNDLE_FILES_MAX, BUNDLE_FORMAT_VERSION, Bundle, EvidenceFile, ImportOutcome, Sealed,
    parse_bundle, read_bundle, signed_message,
};
pub use compact::db_bytes;
pub use envelope::{EnvelopeError, write_atomically};
pub use error::{Hint, Result, StoreError};
pub use evidence::{EVIDENCE_FILE_MAX, evidence_dir, is_picture, size_text};
pub use facility::{Facility, FacilityDraft, check_code, check_facility, is_facility_id, same_key};
pub use facility_migration::{FacilityPlan, Migrated, Spelling};
pub use inspections::{InspectionEdit, NewField, NewInspection, parse_date, split_names};
pub use journal::follow_up_text;
pub use merge::{Candidate, Conflict, MergeReport, Untrusted, Version, versions};
pub use model::*;
pub use open::panic_is_expected;
pub use overview::{ChapterCounts, Overview, Results};
pub use record::Healed;
pub use register::{FacilityChange, REGISTER_FILE, Register, RegisterEntry, facility_differences};
pub use repin::{RepinReport, diff};
pub use sample::{Sample, sample_checklist};
pub use schema::{MIGRATION_AUTHOR, SCHEMA_VERSION};
pub use selection::{FilterError, RosterFilter};
pub use status::Finality;
pub use undo::Undone;
pub use verify::{
    Sealed as SealFound, Verified, VerifyReport, digest, digest_position, verify_entries,
};

use crate::checklist::Checklist;
use crate::identity::Identity;

/// How many changes to an inspection between two automatic backups of its journal
/// (it is also backed up when the store is opened after a change).
pub const BACKUP_EVERY: u64 = 50;

/// An open data dir. One per process: sled allows one handle per database, and the
/// lock file keeps a second process out with a clear message.
pub struct Store {
    dir: PathBuf,
    /// Not dropped after a failed write: see [`Store::drop`].
    db: ManuallyDrop<sled::Db>,
    /// Set when a write failed part-way; sled may then hang on its next flush.
    poisoned: AtomicBool,
    /// Each inspection's sheet: every assessment that holds anything, one value.
    sheets: sled::Tree,
    /// Fields set differently on two laptops, waiting for the lead to settle.
    conflicts: sled::Tree,
    /// One [`Overview`] per inspection, kept with every change: what lists read, and
    /// where the inspection's own record is kept.
    overviews: sled::Tree,
    /// One [`overview::Results`] per inspection, written with its overview.
    results: sled::Tree,
    /// Where each journal ended when the projection was last written.
    tails: sled::Tree,
    meta: sled::Tree,
    /// Who signs the entries this store writes.
    identity: Arc<Identity>,
    /// Parsed pinned checklists by sha256: most inspections share a few checklists.
    parsed: Mutex<HashMap<String, Arc<Checklist>>>,
    /// Something the user should know that did not stop the store from opening.
    warning: Mutex<Option<String>>,
    /// Inspections rebuilt from their journals, not yet told to the user.
    healed: Mutex<Vec<Healed>>,
    /// The sheet of the inspection last changed or read (see [`record::CachedSheet`]).
    sheet: Mutex<Option<record::CachedSheet>>,
    /// The facility register as last read or written: this process is the only one
    /// writing it (the lock), so it is read from its file once.
    register: Mutex<Option<Arc<register::Register>>>,
    /// Held by every write (see [`WriteGuard`]).
    writing: Mutex<()>,
    /// Set when the data dir cannot be written and was opened from a private copy.
    read_only: Option<ReadOnly>,
    /// Held for the life of the store and released on drop; the OS releases it if the
    /// process dies. `None` only for a read-only dir without a lock file.
    lock: Option<File>,
}

/// Why a store is read-only, and the private copy of its database.
struct ReadOnly {
    why: String,
    copy: PathBuf,
}

impl Store {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn backups_dir(&self) -> PathBuf {
        backup::backups_dir(&self.dir)
    }

    /// Why the store cannot be changed, when it was opened read-only.
    pub fn read_only(&self) -> Option<&str> {
        self.read_only.as_ref().map(|r| r.why.as_str())
    }

    /// A problem met while opening that did not stop it (e.g. a failed backup), once.
    pub fn take_warning(&self) -> Option<String> {
        self.warning.lock().ok().and_then(|mut w| w.take())
    }

    /// Adds a warning to tell the user (several are told together).
    fn set_warning(&self, text: String) {
        if let Ok(mut w) = self.warning.lock() {
            *w = Some(match w.take() {
                Some(before) => format!("{before}\n{text}"),
                None => text,
            });
        }
    }

    /// Marks the start of a sequence of writes. Unless [`WriteGuard::done`] is called,
    /// the store refuses further writes: after an I/O error (a full disk) sled 0.34 can
    /// block forever in its next flush, so the only safe course is to stop writing.
    fn write_guard(&self) -> Result<WriteGuard<'_>> {
        if let Some(r) = &self.read_only {
            return Err(StoreError::ReadOnly {
                dir: self.dir.clone(),
                why: r.why.clone(),
            });
        }
        if self.poisoned.load(Ordering::SeqCst) {
            return Err(StoreError::Write(
                "之前的一次写入失败，为保护数据已停止写入。请腾出磁盘空间后重新启动 pingshen"
                    .into(),
            ));
        }
        let one = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        Ok(WriteGuard {
            store: self,
            done: false,
            _one_at_a_time: one,
        })
    }

    /// The laptop identity that signs this store's entries.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Makes sled's writes so far durable. The journal, not sled, is what makes a
    /// change saved; this is for sled's own records (the schema version).
    fn flush(&self) -> Result<()> {
        self.db.flush().map_err(error::write_err)?;
        Ok(())
    }
}

struct WriteGuard<'a> {
    store: &'a Store,
    done: bool,
    /// One write at a time in this process: two appends to one journal must not both
    /// name the same heads as parents, nor interleave with each other.
    _one_at_a_time: std::sync::MutexGuard<'a, ()>,
}

impl WriteGuard<'_> {
    fn done(mut self) {
        self.done = true;
    }
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.store.poisoned.store(true, Ordering::SeqCst);
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // After a failed write, sled's own drop (a final flush) can block forever; the
        // operating system reclaims everything at exit, and the data already flushed
        // is on disk. Otherwise close normally.
        if !self.poisoned.load(Ordering::SeqCst) {
            // SAFETY: `db` is never used again; this is the only place it is dropped.
            unsafe { ManuallyDrop::drop(&mut self.db) };
        }
        // Released now, not when the last copy of the file handle closes: a child
        // process being started elsewhere in this process briefly holds copies of
        // every open file, and would otherwise keep the next pingshen out.
        if let Some(lock) = &self.lock {
            let _ = lock.unlock();
        }
        if let Some(r) = &self.read_only {
            let _ = std::fs::remove_dir_all(&r.copy);
        }
    }
}

/// Now, as stored: RFC 3339 in local time with its offset.
pub fn now() -> crate::time::Stamp {
    crate::time::Stamp::now()
}

/// Keys are `inspection id` NUL `rest`, so one inspection's records scan by prefix.
fn key(inspection: &str, rest: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(inspection.len() + 1 + rest.len());
    k.extend_from_slice(inspection.as_bytes());
    k.push(0);
    k.extend_from_slice(rest);
    k
}

fn prefix(inspection: &str) -> Vec<u8> {
    key(inspection, b"")
}

#[expect(
    clippy::expect_used,
    reason = "serde_json fails only on maps with non-string keys, which no store record has"
)]
fn encode<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("store records serialise")
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| StoreError::Read(format!("{what}记录无法解析（{e}）")))
}
