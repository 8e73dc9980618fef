//! Giving back the space sled's log keeps. sled 0.34 writes every change at the end
//! of its file and reclaims a segment only when at most half of it is still live; the
//! file never shrinks. A store graded one item at a time over months (each change
//! rewrites its inspection's sheet) ends with a database two to three times what it
//! holds. So at open, when the database has grown to more than twice its size after
//! the last compaction, its contents are copied into a fresh database, which takes
//! their place.
//!
//! The copy is made beside it (`db.compacting`), checked (same keys and values,
//! sled's checksum), made durable, and only then swapped in: `db` → `db.old`,
//! `db.compacting` → `db`, then `db.old` is removed. A process killed at any point
//! leaves either the old database or the new one complete; [`finish_or_undo`] puts
//! the data dir right at the next open. Compaction never stops a store from opening:
//! when it fails, the old database is kept and the user is told why.

use std::fs::{self, File};
use std::path::Path;

use super::error::Result;
use super::open::open_sled;

/// Below this a database is never compacted: the space is not worth the time.
/// `PINGSHEN_COMPACT_FLOOR` (bytes) sets another, for tests of the compaction itself.
const FLOOR: u64 = 8 << 20;
/// How many times its last compacted size a database may reach before it is compacted.
const GROWTH: u64 = 2;
/// Where the size after the last compaction is kept (meta tree).
const KEY: &[u8] = b"compacted_bytes";
/// Free space wanted on the disk beyond the copy itself: sled 0.34 can hang after
/// running out of space, so a compaction that might fill the disk is not started.
const HEADROOM: u64 = 64 << 20;

const COPY: &str = "db.compacting";
const OLD: &str = "db.old";

/// Completes or undoes a swap a killed process left half-done. Called with the data
/// dir's lock held, before sled is opened.
pub(super) fn finish_or_undo(dir: &Path) {
    let db = dir.join("db");
    let old = dir.join(OLD);
    let copy = dir.join(COPY);
    if !db.exists() && old.is_dir() {
        // Killed between the two renames: the old database is complete, the copy may
        // not have been synced as a whole; keep the old one.
        let _ = fs::rename(&old, &db);
        sync_dir(dir);
    }
    if old.is_dir() {
        // Both renames done: `db` is the synced copy.
        let _ = fs::remove_dir_all(&old);
    }
    if copy.is_dir() {
        let _ = fs::remove_dir_all(&copy);
    }
}

/// Bytes the database's files take (what `du --apparent-size` says of `db/`).
pub fn db_bytes(db_dir: &Path) -> u64 {
    fn walk(p: &Path) -> u64 {
        let Ok(entries) = fs::read_dir(p) else {
            return 0;
        };
        entries
            .filter_map(|e| e.ok())
            .map(|e| match e.file_type() {
                Ok(t) if t.is_dir() => walk(&e.path()),
                Ok(_) => e.metadata().map_or(0, |m| m.len()),
                Err(_) => 0,
            })
            .sum()
    }
    walk(db_dir)
}

/// The database of data dir `dir`, compacted when it has grown past [`GROWTH`] times
/// its last compacted size, with a warning for the user when compacting failed (the
/// old database is then kept). `Err` only when neither database would open again:
/// the caller treats it as any database that cannot be opened.
pub(super) fn if_grown(dir: &Path, db: sled::Db) -> Result<(sled::Db, Option<String>)> {
    let before = db_bytes(&dir.join("db"));
    let last = db
        .open_tree("meta")
        .ok()
        .and_then(|m| m.get(KEY).ok().flatten())
        .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
        .map_or(0, u64::from_be_bytes);
    let floor = std::env::var("PINGSHEN_COMPACT_FLOOR")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(FLOOR);
    if before < floor || before <= last.saturating_mul(GROWTH) {
        return Ok((db, None));
    }
    if free_bytes(dir).is_some_and(|free| free < before.saturating_add(HEADROOM)) {
        return Ok((db, None));
    }
    let failed = |why: String| {
        Some(format!(
            "整理数据库（回收已不用的空间）未完成：{why}；数据库未被改动，下次打开时会再试"
        ))
    };
    let copy_dir = dir.join(COPY);
    let _ = fs::remove_dir_all(&copy_dir);
    if let Err(e) = copy_into(&db, &copy_dir, dir)
        .and_then(|()| db.flush().map(|_| ()).map_err(|e| e.to_string()))
    {
        let _ = fs::remove_dir_all(&copy_dir);
        return Ok((db, failed(e)));
    }
    // The copy is complete and on disk; the old database is closed and swapped out.
    drop(db);
    let db_dir = dir.join("db");
    let old = dir.join(OLD);
    let swapped = fs::rename(&db_dir, &old).and_then(|()| {
        fs::rename(&copy_dir, &db_dir).inspect_err(|_| {
            let _ = fs::rename(&old, &db_dir);
        })
    });
    sync_dir(dir);
    if let Err(e) = swapped {
        let _ = fs::remove_dir_all(&copy_dir);
        return Ok((open_sled(&db_dir, dir)?, failed(e.to_string())));
    }
    match open_sled(&db_dir, dir) {
        Ok(db) => {
            let _ = fs::remove_dir_all(&old);
            sync_dir(dir);
            let after = db_bytes(&db_dir);
            let _ = db
                .open_tree("meta")
                .and_then(|m| m.insert(KEY, &after.to_be_bytes()))
                .and_then(|_| db.flush());
            Ok((db, None))
        }
        Err(e) => {
            // The copy would not open: put the old database back.
            let _ = fs::remove_dir_all(&db_dir);
            let _ = fs::rename(&old, &db_dir);
            sync_dir(dir);
            Ok((open_sled(&db_dir, dir)?, failed(e.to_string())))
        }
    }
}

/// Copies every tree of `db` into a fresh database at `to`, checks it and makes it
/// durable, then closes it.
fn copy_into(db: &sled::Db, to: &Path, dir: &Path) -> std::result::Result<(), String> {
    let fresh = open_sled(to, dir).map_err(|e| e.to_string())?;
    for name in db.tree_names() {
        let from = db.open_tree(&name).map_err(|e| e.to_string())?;
        let into = fresh.open_tree(&name).map_err(|e| e.to_string())?;
        let mut batch = sled::Batch::default();
        let mut n = 0;
        for kv in from.iter() {
            let (k, v) = kv.map_err(|e| e.to_string())?;
            batch.insert(k, v);
            n += 1;
            if n == 512 {
                into.apply_batch(std::mem::take(&mut batch))
                    .map_err(|e| e.to_string())?;
                n = 0;
            }
        }
        into.apply_batch(batch).map_err(|e| e.to_string())?;
    }
    if fresh.checksum().map_err(|e| e.to_string())? != db.checksum().map_err(|e| e.to_string())? {
        return Err("整理后的数据库与原数据库不一致".into());
    }
    fresh.flush().map_err(|e| e.to_string())?;
    drop(fresh);
    // sled's flush is `sync_file_range`: sync every file and the directories too.
    sync_tree(to).map_err(|e| e.to_string())
}

fn sync_tree(p: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(p)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            sync_tree(&entry.path())?;
        } else {
            File::open(entry.path())?.sync_all()?;
        }
    }
    File::open(p)?.sync_all()
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Free bytes for an unprivileged user on the file system holding `dir`.
#[cfg(unix)]
fn free_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut s = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a NUL-terminated path; `s` is written by statvfs on success only.
    let rc = unsafe { libc::statvfs(c.as_ptr(), s.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled `s`.
    let s = unsafe { s.assume_init() };
    #[allow(
        clippy::unnecessary_cast,
        reason = "fsblkcnt_t and c_ulong are u64 here but not on every unix"
    )]
    Some((s.f_bavail as u64).saturating_mul(s.f_frsize as u64))
}

#[cfg(not(unix))]
fn free_bytes(_: &Path) -> Option<u64> {
    None
}
