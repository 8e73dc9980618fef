//! Rotating backups of every inspection, and rebuilding a database from them.
//!
//! sled 0.34 has reports of databases left unopenable after hard stops; the backups
//! keep the data outside sled, in the same verified format as exports.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::envelope::{self, EnvelopeError};
use super::error::{Result, StoreError, write_err};
use super::export::Export;
use super::open::{acquire_lock, open_sled};
use super::{BACKUPS_KEPT, Store};

const BACKUP_FORMAT: &str = "pingshen-backup";
/// History: 1 — the first backup format.
const BACKUP_FORMAT_VERSION: u32 = 1;

/// All inspections; each distinct checklist text stored once.
#[derive(Debug, Serialize, Deserialize)]
struct Backup {
    created_at: String,
    checklists: BTreeMap<String, String>,
    /// Exports with `checklist_text` left empty; see `checklists`.
    inspections: Vec<Export>,
}

pub fn backups_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// Backup files, oldest first (names sort by time).
pub fn backup_files(data_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(backups_dir(data_dir)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("backup-") && n.ends_with(".json"))
        })
        .collect();
    files.sort();
    files
}

impl Store {
    /// Writes a backup of every inspection now and drops the oldest beyond
    /// [`BACKUPS_KEPT`]. Returns the new file.
    pub fn backup_now(&self) -> Result<PathBuf> {
        let mut checklists = BTreeMap::new();
        let mut inspections = Vec::new();
        for inspection in self.list()? {
            let mut export = self.export(&inspection.id)?;
            checklists.insert(
                inspection.checklist.sha256.clone(),
                std::mem::take(&mut export.checklist_text),
            );
            inspections.push(export);
        }
        let now = chrono::Local::now();
        let backup = Backup {
            created_at: super::now(),
            checklists,
            inspections,
        };
        let path =
            backups_dir(&self.dir).join(format!("backup-{}.json", now.format("%Y%m%dT%H%M%S%.6f")));
        let text = envelope::seal(BACKUP_FORMAT, BACKUP_FORMAT_VERSION, &backup);
        envelope::write_atomically(&path, &text)
            .map_err(|e| write_err(format!("备份文件 {} 无法写入：{e}", path.display())))?;
        let files = backup_files(&self.dir);
        for old in files.iter().take(files.len().saturating_sub(BACKUPS_KEPT)) {
            let _ = fs::remove_file(old);
        }
        let guard = self.write_guard()?;
        self.reset_changes()?;
        self.flush()?;
        guard.done();
        Ok(path)
    }
}

fn read_backup(path: &Path) -> Result<Vec<Export>, EnvelopeError> {
    let text = envelope::read_text(path)?;
    let shown = path.display().to_string();
    let backup: Backup = envelope::open(
        &text,
        &shown,
        BACKUP_FORMAT,
        BACKUP_FORMAT_VERSION,
        |v, _| Err(format!("没有从格式版本 {v} 迁移的方法")),
    )?;
    let mut out = Vec::new();
    for mut export in backup.inspections {
        export.checklist_text = backup
            .checklists
            .get(&export.inspection.checklist.sha256)
            .cloned()
            .unwrap_or_default();
        export.verify().map_err(|detail| EnvelopeError::Payload {
            path: shown.clone(),
            detail,
        })?;
        out.push(export);
    }
    Ok(out)
}

/// What `recover` did.
#[derive(Debug)]
pub struct RecoverReport {
    /// Where the damaged database was moved.
    pub moved_aside: Option<PathBuf>,
    /// The backup the new database was built from.
    pub backup_used: Option<PathBuf>,
    /// Newer backups that could not be used, and why.
    pub skipped: Vec<(PathBuf, String)>,
    /// (id, institution, assessments) restored.
    pub restored: Vec<(String, String, usize)>,
}

/// Rebuilds the database of `data_dir` from the newest backup that verifies. The old
/// database is moved aside, never deleted. Refuses when the database opens fine,
/// unless `force`.
pub fn recover(data_dir: &Path, force: bool) -> Result<RecoverReport> {
    let lock = acquire_lock(data_dir)?;
    let db_dir = data_dir.join("db");
    if !force && db_dir.exists() {
        if let Ok(db) = open_sled(data_dir) {
            drop(db);
            return Err(StoreError::Invalid(format!(
                "数据库 {} 可以正常打开，不需要恢复。如确要用最新备份替换当前数据，请加 --force（当前数据库会被移到一旁保留）。",
                db_dir.display()
            )));
        }
    }
    let mut skipped = Vec::new();
    let mut chosen = None;
    for path in backup_files(data_dir).into_iter().rev() {
        match read_backup(&path) {
            Ok(exports) => {
                chosen = Some((path, exports));
                break;
            }
            Err(e) => skipped.push((path, e.to_string())),
        }
    }
    let Some((backup_path, exports)) = chosen else {
        return Err(StoreError::Invalid(format!(
            "在 {} 中没有找到可用的备份，无法恢复。数据库未被改动。如有导出文件（pingshen export 生成的 .json），可在新的数据目录中用 pingshen import 导入。",
            backups_dir(data_dir).display()
        )));
    };
    let moved_aside = if db_dir.exists() {
        let aside = data_dir.join(format!(
            "db.damaged-{}",
            chrono::Local::now().format("%Y%m%dT%H%M%S")
        ));
        fs::rename(&db_dir, &aside)
            .map_err(|e| write_err(format!("无法把损坏的数据库移到 {}：{e}", aside.display())))?;
        Some(aside)
    } else {
        None
    };
    let store = Store::open_locked(data_dir, lock)?;
    let mut restored = Vec::new();
    for export in &exports {
        store.write_whole(export)?;
        restored.push((
            export.inspection.id.clone(),
            export.inspection.institution.name.clone(),
            export.assessments.len(),
        ));
    }
    store.flush()?;
    Ok(RecoverReport {
        moved_aside,
        backup_used: Some(backup_path),
        skipped,
        restored,
    })
}
