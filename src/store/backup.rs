//! Backups of the journals, and rebuilding the database from the journals.
//!
//! The journals are the record; sled is only their projection, so rebuilding it loses
//! nothing that was reported saved. A backup is a second copy of each journal,
//! `backups/<id>.jsonl`, extended by what the journal gained since the last backup:
//! on start for every inspection changed since, and after every [`BACKUP_EVERY`]
//! changes to it. Its cost is what changed, not the length of the history. When a
//! journal is damaged, the entries that read in it and in its backup are joined.
//!
//! [`BACKUP_EVERY`]: super::BACKUP_EVERY

use std::fs::{self, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::Store;
use super::error::{Result, StoreError, io_write_err};
use super::journal::{self, Entry, Hash, file};
use super::open::acquire_lock;
use super::record::Tail;

pub fn backups_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// The backup of inspection `checked_id`'s journal.
pub fn backup_path(data_dir: &Path, checked_id: &str) -> PathBuf {
    backups_dir(data_dir).join(format!("{checked_id}.jsonl"))
}

impl Store {
    /// Brings the backup of one inspection's journal up to the journal: appends what
    /// the journal gained since, or copies it whole when the backup is not a prefix of
    /// it (a journal rewritten after damage). Returns the backup file.
    pub fn backup_inspection(&self, id: &str) -> Result<PathBuf> {
        let id = super::gate::checked_id(id)?;
        let from = file::journal_path(&self.dir, id);
        let to = backup_path(&self.dir, id);
        copy_new_bytes(&from, &to)
            .map_err(|e| io_write_err(&e, Some(&format!("备份文件 {} 无法写入", to.display()))))?;
        self.reset_changes(id)?;
        Ok(to)
    }

    /// Backs up every inspection changed since its last backup. One that cannot be
    /// backed up does not keep the others from it: every failure is reported at the end.
    pub fn backup_changed(&self) -> Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        let mut failed = Vec::new();
        for id in self.changed_since_backup()? {
            if !super::gate::is_inspection_id(&id) || !file::journal_path(&self.dir, &id).exists() {
                self.reset_changes(&id)?;
                continue;
            }
            match self.backup_inspection(&id) {
                Ok(path) => written.push(path),
                Err(e) => failed.push(e.to_string()),
            }
        }
        if let Some(first) = failed.first() {
            return Err(StoreError::Write(if failed.len() == 1 {
                first.clone()
            } else {
                format!("{first}（另有 {} 个检查也未能备份）", failed.len() - 1)
            }));
        }
        Ok(written)
    }
}

/// Makes `to` a copy of `from`, appending only the bytes `to` lacks when it is a
/// prefix of `from` (checked by its last 4 KiB), else copying whole; synced.
fn copy_new_bytes(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut src = fs::File::open(from)?;
    let src_len = src.metadata()?.len();
    let have = fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    let is_prefix = have <= src_len && {
        let n = have.min(4096);
        let mut a = vec![0u8; n as usize];
        let mut b = vec![0u8; n as usize];
        let read_end = |f: &mut fs::File, buf: &mut [u8]| -> std::io::Result<()> {
            f.seek(SeekFrom::Start(have - n))?;
            f.read_exact(buf)
        };
        match fs::File::open(to) {
            Ok(mut dst) => {
                read_end(&mut src, &mut a)?;
                read_end(&mut dst, &mut b)?;
                a == b
            }
            Err(_) => have == 0,
        }
    };
    if !is_prefix {
        let bytes = fs::read(from)?;
        return super::envelope::write_atomically(to, bytes);
    }
    if have == src_len && to.exists() {
        return Ok(());
    }
    if let Some(dir) = to.parent() {
        fs::create_dir_all(dir)?;
    }
    let created = !to.exists();
    let mut dst = OpenOptions::new().append(true).create(true).open(to)?;
    src.seek(SeekFrom::Start(have))?;
    let mut rest = Vec::with_capacity((src_len - have) as usize);
    src.take(src_len - have).read_to_end(&mut rest)?;
    dst.write_all(&rest)?;
    dst.sync_data()?;
    if created && let Some(dir) = to.parent() {
        fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// What `recover` did.
#[derive(Debug, Default)]
pub struct RecoverReport {
    /// Where the damaged database was moved.
    pub moved_aside: Option<PathBuf>,
    /// Inspections that could not be rebuilt, and why.
    pub skipped: Vec<(String, String)>,
    /// For each inspection rebuilt: its id, the institution, its journal entries and
    /// its assessments.
    pub restored: Vec<(String, String, u64, usize)>,
    /// Journals that had damaged lines and were joined with their backups.
    pub repaired: Vec<String>,
}

/// Rebuilds the database of `data_dir` from the journals (each joined with its
/// backup) and the pinned checklists. The old database is moved aside, never deleted.
pub fn recover(
    data_dir: &Path,
    identity: std::sync::Arc<crate::identity::Identity>,
) -> Result<RecoverReport> {
    let lock = acquire_lock(data_dir)?;
    let mut ids = file::journal_ids(data_dir)
        .map_err(|e| StoreError::Read(format!("无法读取日志目录：{e}")))?;
    for id in backup_ids(data_dir) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() && super::schema::legacy_backups(data_dir).is_empty() {
        return Err(StoreError::Invalid(format!(
            "在 {} 中没有找到任何检查的日志或备份，无法恢复。数据库未被改动。如有导出文件，可用 pingshen import 导入。",
            data_dir.display()
        )));
    }
    let mut report = RecoverReport {
        moved_aside: move_db_aside(data_dir)?,
        ..RecoverReport::default()
    };
    let store = Store::open_locked(data_dir, lock, identity)?;
    for id in ids {
        match store.rebuild_one(&id) {
            Ok((name, entries, assessments, repaired)) => {
                if repaired {
                    report.repaired.push(id.clone());
                }
                report.restored.push((id, name, entries, assessments));
            }
            Err(e) => report.skipped.push((id, e.to_string())),
        }
    }
    Ok(report)
}

/// Moves `data_dir/db` aside as `db.damaged-<time>` (never deleted); `None` when
/// there is none.
pub(super) fn move_db_aside(data_dir: &Path) -> Result<Option<PathBuf>> {
    let db_dir = data_dir.join("db");
    if !db_dir.exists() {
        return Ok(None);
    }
    let aside = unused_name(
        data_dir,
        &format!(
            "db.damaged-{}",
            chrono::Local::now().format("%Y%m%dT%H%M%S")
        ),
    );
    fs::rename(&db_dir, &aside).map_err(|e| {
        StoreError::Write(format!(
            "无法把原数据库移到 {}（{e}），数据库未被改动",
            aside.display()
        ))
    })?;
    Ok(Some(aside))
}

fn backup_ids(data_dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(backups_dir(data_dir)) else {
        return Vec::new();
    };
    let mut ids: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".jsonl")
                .filter(|id| super::gate::is_inspection_id(id))
                .map(str::to_string)
        })
        .collect();
    ids.sort();
    ids
}

impl Store {
    /// Rebuilds one inspection's projection from its journal joined with its backup;
    /// a journal that was damaged or missing is written anew from what was readable.
    /// Returns the institution, the entries, the assessments and whether the journal
    /// was repaired.
    pub(super) fn rebuild_one(&self, id: &str) -> Result<(String, u64, usize, bool)> {
        let id = super::gate::checked_id(id)?;
        let path = file::journal_path(&self.dir, id);
        let (mut entries, mut damaged): (Vec<(Entry, Hash)>, Option<String>) =
            match file::read(&path) {
                Ok(l) => (l.entries, None),
                Err(file::ReadError::Damaged {
                    good, line, why, ..
                }) => (good, Some(format!("第 {line} 行损坏：{why}"))),
                Err(file::ReadError::Io { io, .. })
                    if io.kind() == std::io::ErrorKind::NotFound =>
                {
                    (Vec::new(), Some("不见了".to_string()))
                }
                Err(e) => return Err(StoreError::Read(e.to_string())),
            };
        let backup = match file::read(&backup_path(&self.dir, id)) {
            Ok(l) => l.entries,
            Err(file::ReadError::Damaged { good, .. }) => good,
            Err(_) => Vec::new(),
        };
        let gained = super::merge::unite(&mut entries, backup);
        if gained > 0 && damaged.is_none() {
            damaged = Some("少了备份中有的记录".to_string());
        }
        journal::check(&entries, id, true)
            .map_err(|b| StoreError::Read(format!("检查 {id} 的日志{b}")))?;
        let p = journal::project(&entries)
            .map_err(|b| StoreError::Read(format!("检查 {id} 的日志{b}")))?;
        let end = match &damaged {
            Some(why) => self.rewrite_journal(id, &entries, why)?,
            None => file::read(&path).map(|l| l.end).unwrap_or_default(),
        };
        self.write_projection(id, &p, &Tail::of(&p, &entries, end))?;
        Ok((
            p.inspection.institution.name.clone(),
            p.entries,
            p.assessments.len(),
            damaged.is_some(),
        ))
    }
}

/// `dir/base`, or `dir/base-2`, `dir/base-3`… when that is taken: two recoveries in
/// the same second each keep their own copy.
pub(super) fn unused_name(dir: &Path, base: &str) -> PathBuf {
    let first = dir.join(base);
    if !first.exists() {
        return first;
    }
    (2u32..)
        .map(|n| dir.join(format!("{base}-{n}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}
