//! Backups of the journals, and rebuilding the database from the journals.
//!
//! The journals are the record; sled is only their projection, so rebuilding it loses
//! nothing that was reported saved. A backup is a second, compressed copy of each
//! journal, `backups/<id>.jsonl.gz`: a gzip member for each stretch of the journal,
//! appended with what the journal gained since the last backup — on start for every
//! inspection changed since, and after every [`BACKUP_EVERY`] changes to it. Its cost
//! is what changed, not the length of the history. When a journal is damaged, the
//! entries that read in it and in its backup are joined.
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
    backups_dir(data_dir).join(format!("{checked_id}.jsonl.gz"))
}

/// The journal lines a backup holds, as far as it reads (a member cut off by a crash
/// ends it; what came before is kept). Nothing when there is no backup.
pub fn read_backup(path: &Path) -> Vec<u8> {
    let Ok(file) = fs::File::open(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut gz = flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file));
    let mut buf = [0u8; 64 * 1024];
    loop {
        match gz.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    // Only whole lines: a line cut off by a crash was never backed up.
    match out.iter().rposition(|b| *b == b'\n') {
        Some(i) => out.truncate(i + 1),
        None => out.clear(),
    }
    out
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes)?;
    gz.finish()
}

const BACKED_PREFIX: &[u8] = b"backed_up\0";

fn backed_key(id: &str) -> Vec<u8> {
    [BACKED_PREFIX, id.as_bytes()].concat()
}

impl Store {
    /// Brings the backup of one inspection's journal up to the journal: appends what
    /// the journal gained since, or copies it whole when the backup is not a prefix of
    /// it (a journal rewritten after damage). Returns the backup file.
    pub fn backup_inspection(&self, id: &str) -> Result<PathBuf> {
        let id = super::gate::checked_id(id)?;
        let from = file::journal_path(&self.dir, id);
        let to = backup_path(&self.dir, id);
        let backed = match self
            .meta
            .get(backed_key(id))
            .map_err(super::error::read_err)?
        {
            Some(b) if to.exists() => b.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0),
            _ => 0,
        };
        let now = extend_backup(&from, &to, backed)
            .map_err(|e| io_write_err(&e, Some(&format!("备份文件 {} 无法写入", to.display()))))?;
        self.meta
            .insert(backed_key(id), &now.to_be_bytes())
            .map_err(super::error::write_err)?;
        self.reset_changes(id)?;
        Ok(to)
    }

    /// The next backup of `id` copies its journal whole (after the journal was
    /// rewritten by a repair).
    pub(super) fn restart_backup(&self, id: &str) {
        let _ = self.meta.remove(backed_key(id));
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

/// Extends the backup `to` of journal `from` from `backed` (the journal's length the
/// backup already holds) to the journal's end, as one more gzip member, synced; a
/// journal shorter than that, or `backed` 0, is copied whole, replacing the backup.
/// Returns the journal length the backup now holds.
fn extend_backup(from: &Path, to: &Path, backed: u64) -> std::io::Result<u64> {
    let mut src = fs::File::open(from)?;
    let len = src.metadata()?.len();
    if backed == 0 || backed > len {
        let mut bytes = fs::read(from)?;
        whole_lines(&mut bytes);
        super::envelope::write_atomically(to, gzip(&bytes)?)?;
        return Ok(bytes.len() as u64);
    }
    if backed == len {
        return Ok(len);
    }
    let mut delta = Vec::with_capacity((len - backed) as usize);
    src.seek(SeekFrom::Start(backed))?;
    src.take(len - backed).read_to_end(&mut delta)?;
    // Only whole lines: a line a killed write left half-written is cut off by the
    // next append, which would leave the backup's copy of it spliced onto what follows.
    whole_lines(&mut delta);
    if delta.is_empty() {
        return Ok(backed);
    }
    let mut dst = OpenOptions::new().append(true).open(to)?;
    dst.write_all(&gzip(&delta)?)?;
    dst.sync_data()?;
    Ok(backed + delta.len() as u64)
}

/// Cuts `bytes` after its last newline.
fn whole_lines(bytes: &mut Vec<u8>) {
    let keep = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    bytes.truncate(keep);
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
    // Each inspection on its own, on every core: signatures are most of the cost.
    let results = store.rebuild_all(&ids);
    for (id, result) in ids.into_iter().zip(results) {
        match result {
            Ok((name, entries, assessments, repaired)) => {
                if repaired {
                    report.repaired.push(id.clone());
                }
                report.restored.push((id, name, entries, assessments));
            }
            Err(e) => report.skipped.push((id, e.to_string())),
        }
    }
    // An inspection an older pingshen kept only in its backups (a data dir that was
    // never opened by this one): migrated from its newest readable backup.
    for legacy in super::schema::legacy_backups(data_dir) {
        let id = legacy.id();
        if !super::gate::is_inspection_id(&id) || file::journal_path(data_dir, &id).exists() {
            continue;
        }
        let restored = store.migrate_one(legacy).and_then(|id| {
            let name = store.get(&id)?.institution.name;
            let entries = store.history(&id, None)?.len() as u64;
            Ok((name, entries, store.assessments(&id)?.len()))
        });
        match restored {
            Ok((name, entries, n)) => report.restored.push((id, name, entries, n)),
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
            name.strip_suffix(".jsonl.gz")
                .filter(|id| super::gate::is_inspection_id(id))
                .map(str::to_string)
        })
        .collect();
    ids.sort();
    ids
}

/// What rebuilding one inspection gives: its institution, entries, assessments, and
/// whether its journal was repaired.
type Rebuilt = Result<(String, u64, usize, bool)>;

impl Store {
    /// [`Store::rebuild_one`] of each of `ids`, spread over the machine's cores; the
    /// results in the order of `ids`.
    pub(super) fn rebuild_all(&self, ids: &[String]) -> Vec<Rebuilt> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8);
        let chunk = ids.len().div_ceil(threads).max(1);
        std::thread::scope(|s| {
            let workers: Vec<_> = ids
                .chunks(chunk)
                .map(|part| {
                    let work = s.spawn(move || {
                        part.iter()
                            .map(|id| self.rebuild_one(id))
                            .collect::<Vec<_>>()
                    });
                    (part.len(), work)
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|(n, w)| {
                    w.join().unwrap_or_else(|_| {
                        (0..n)
                            .map(|_| Err(StoreError::Write("重建时出错".into())))
                            .collect()
                    })
                })
                .collect()
        })
    }

    /// [`Store::rebuild_all`] of every journal in the data dir: how many there were,
    /// and each that could not be rebuilt, as "id：why".
    pub(super) fn rebuild_every_journal(&self) -> (usize, Vec<String>) {
        let ids = file::journal_ids(&self.dir).unwrap_or_default();
        let failed = ids
            .iter()
            .zip(self.rebuild_all(&ids))
            .filter_map(|(id, r)| r.err().map(|e| format!("{id}：{e}")))
            .collect();
        (ids.len(), failed)
    }

    /// Rebuilds one inspection's projection from its journal joined with its backup;
    /// a journal that was damaged or missing is written anew from what was readable.
    /// Returns the institution, the entries, the assessments and whether the journal
    /// was repaired.
    pub(super) fn rebuild_one(&self, id: &str) -> Rebuilt {
        let id = super::gate::checked_id(id)?;
        let path = file::journal_path(&self.dir, id);
        let shown = crate::text::for_terminal(&path.display().to_string()).into_owned();
        let bytes = match std::fs::read(&path) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(StoreError::Read(format!("无法读取 {shown}：{e}"))),
        };
        let mut end = file::End::default();
        let (mut entries, mut damaged): (Vec<(Entry, Hash)>, Option<String>) = match &bytes {
            None => (Vec::new(), Some("不见了".to_string())),
            Some(b) => match file::parse(b, &shown) {
                Ok(l) => {
                    // A torn last line (never reported saved) is left for the next
                    // append to cut, under the write lock: a reader must not.
                    end = l.end;
                    (l.entries, None)
                }
                Err(file::ReadError::Damaged {
                    good, line, why, ..
                }) => (good, Some(format!("第 {line} 行损坏：{why}"))),
                Err(e) => return Err(StoreError::Read(e.to_string())),
            },
        };
        // A backup the journal starts with holds nothing the journal lacks: not read.
        let backup_file = backup_path(&self.dir, id);
        let backup_bytes = read_backup(&backup_file);
        let covered = damaged.is_none()
            && bytes
                .as_deref()
                .is_some_and(|j| j.starts_with(&backup_bytes));
        let backup = if covered {
            Vec::new()
        } else {
            match file::parse(&backup_bytes, &backup_file.display().to_string()) {
                Ok(l) => l.entries,
                Err(file::ReadError::Damaged { good, .. }) => good,
                Err(_) => Vec::new(),
            }
        };
        let gained = super::merge::unite_sound(&mut entries, backup);
        if gained > 0 && damaged.is_none() {
            damaged = Some("少了备份中有的记录".to_string());
        }
        journal::check(&entries, id, true)
            .map_err(|b| StoreError::Read(format!("检查 {id} 的日志{b}")))?;
        let p = journal::project(&entries)
            .map_err(|b| StoreError::Read(format!("检查 {id} 的日志{b}")))?;
        let end = match &damaged {
            Some(why) => self.rewrite_journal(id, &entries, why)?,
            None => end,
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
