//! Rotating backups, and rebuilding a database from them.
//!
//! sled 0.34 has reports of databases left unopenable after hard stops; the backups
//! keep the data outside sled. Each inspection is backed up on its own, as an export
//! file in `backups/<id>/`, so a backup costs one inspection, not the whole data dir:
//! on start for every inspection changed since its last backup, and after every
//! `BACKUP_EVERY` changes to it. The newest [`BACKUPS_KEPT`] of each are kept.

use std::fs;
use std::path::{Path, PathBuf};

use super::error::{Hint, Result, StoreError, io_write_err};
use super::export::{Export, read_export, write_export};
use super::open::{acquire_lock, open_sled};
use super::{BACKUPS_KEPT, Store};

pub fn backups_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// The backup files of one inspection, oldest first (names sort by time).
fn files_of(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Directories of inspections that have backups.
fn inspection_dirs(data_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(backups_dir(data_dir)) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Every backup file in the data dir.
pub fn backup_files(data_dir: &Path) -> Vec<PathBuf> {
    inspection_dirs(data_dir)
        .iter()
        .flat_map(|d| files_of(d))
        .collect()
}

impl Store {
    /// Writes a backup of one inspection now and drops its oldest beyond
    /// [`BACKUPS_KEPT`]. Returns the new file.
    pub fn backup_inspection(&self, id: &str) -> Result<PathBuf> {
        let dir = backups_dir(&self.dir).join(super::gate::checked_id(id)?);
        let export = self.export(id)?;
        let path = dir.join(format!(
            "{}.json",
            chrono::Local::now().format("%Y%m%dT%H%M%S%.6f")
        ));
        write_export(&export, &path).map_err(|e| {
            io_write_err(&e, Some(&format!("备份文件 {} 无法写入", path.display())))
        })?;
        let files = files_of(&dir);
        for old in files.iter().take(files.len().saturating_sub(BACKUPS_KEPT)) {
            let _ = fs::remove_file(old);
        }
        let guard = self.write_guard()?;
        self.reset_changes(id)?;
        self.flush()?;
        guard.done();
        Ok(path)
    }

    /// Backs up every inspection changed since its last backup. One that cannot be
    /// backed up does not keep the others from it: every failure is reported at the end.
    pub fn backup_changed(&self) -> Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        let mut failed = Vec::new();
        for id in self.changed_since_backup()? {
            if self.get(&id).is_err() {
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

    /// Backs up every inspection now.
    pub fn backup_now(&self) -> Result<Vec<PathBuf>> {
        self.list()?
            .iter()
            .map(|i| self.backup_inspection(&i.id))
            .collect()
    }
}

/// What `recover` did.
#[derive(Debug)]
pub struct RecoverReport {
    /// Where the damaged database was moved.
    pub moved_aside: Option<PathBuf>,
    /// Backups that could not be used, and why.
    pub skipped: Vec<(PathBuf, String)>,
    /// For each inspection restored: the backup used, the institution, the assessments.
    pub restored: Vec<(PathBuf, String, usize)>,
}

/// Rebuilds the database of `data_dir`, taking each inspection from its newest backup
/// that verifies. The old database is moved aside, never deleted. Refuses when the
/// database opens fine, unless `force`.
pub fn recover(data_dir: &Path, force: bool) -> Result<RecoverReport> {
    let lock = acquire_lock(data_dir)?;
    let db_dir = data_dir.join("db");
    if !force && db_dir.exists() && open_sled(&db_dir, data_dir).is_ok() {
        return Err(StoreError::Hinted {
            message: format!(
                "数据库 {} 可以正常打开，不需要恢复。如确要用备份替换当前数据，也可以强制恢复（当前数据库会被移到一旁保留）。",
                db_dir.display()
            ),
            hint: Hint::RecoverAnyway,
        });
    }
    let mut skipped = Vec::new();
    let mut chosen: Vec<(PathBuf, Export)> = Vec::new();
    for dir in inspection_dirs(data_dir) {
        for path in files_of(&dir).into_iter().rev() {
            match read_export(&path) {
                Ok(export) => {
                    chosen.push((path, export));
                    break;
                }
                Err(e) => skipped.push((path, e.to_string())),
            }
        }
    }
    if chosen.is_empty() {
        return Err(StoreError::Invalid(format!(
            "在 {} 中没有找到可用的备份，无法恢复。数据库未被改动。如有导出文件（pingshen export 生成的 .json），可在新的数据目录中用 pingshen import 导入。",
            backups_dir(data_dir).display()
        )));
    }
    let moved_aside = if db_dir.exists() {
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
        Some(aside)
    } else {
        None
    };
    let store = Store::open_locked(data_dir, lock)?;
    let guard = store.write_guard()?;
    let mut restored = Vec::new();
    for (path, export) in chosen {
        store.write_whole(&export)?;
        restored.push((
            path,
            export.inspection.institution.name.clone(),
            export.assessments.len(),
        ));
    }
    store.flush()?;
    guard.done();
    Ok(RecoverReport {
        moved_aside,
        skipped,
        restored,
    })
}

/// `dir/base`, or `dir/base-2`, `dir/base-3`… when that is taken: two recoveries in
/// the same second each keep their own copy.
fn unused_name(dir: &Path, base: &str) -> PathBuf {
    let first = dir.join(base);
    if !first.exists() {
        return first;
    }
    (2u32..)
        .map(|n| dir.join(format!("{base}-{n}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}
