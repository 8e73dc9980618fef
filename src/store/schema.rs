//! The schema version of a database, and migrations from older ones.

use std::path::Path;

use super::Store;
use super::error::{Result, StoreError, read_err, write_err};

/// Version of the record layout this program writes.
///
/// History: 1 — the first layout (inspections, assessments, history, checklists by
/// sha256, meta). 2 — typed time: every timestamp RFC 3339 with its offset, every
/// review date YYYY-MM-DD (a record that said otherwise is rewritten). 3 — the
/// journal is the record: each inspection's history becomes its journal (entries
/// marked migrated, unsigned, by the old `by`) ending in a snapshot of its state;
/// checklist texts move to `pinned/`; sled keeps the projection (inspections,
/// assessments, field conflicts, overviews, journal tails). When a later version
/// changes a record, add a step to `migrate`.
/// 4 — the projection keeps each inspection's assessments in one compact value
/// (tree `sheets`: no empty fields, the time as numbers) and the inspection only in
/// its overview; the trees `inspections`, `assessments` and `grades` are dropped.
/// Rebuilt from the journals, which do not change.
/// 5 — a sheet of more than a few items is kept deflated (first byte 0x01); every
/// sheet is rewritten so.
/// 6 — a sheet may hold a 整改意见's plan (责任科室, 整改期限, status) and what was
/// found of the previous review's (`p`, `f`); journals may hold `plan` and
/// `follow_up` changes. Nothing is rewritten: the number tells an older pingshen
/// that it cannot read this database, before it fails on a sheet.
/// 7 — tree `results`: each inspection's items graded 不达标 and each chapter's
/// counts (what the district's year reads), written for every inspection from its
/// sheet; kept with every change from then on.
pub const SCHEMA_VERSION: u32 = 7;

const KEY: &[u8] = b"schema_version";

pub(super) fn check_and_migrate(store: &Store) -> Result<()> {
    let found = read_version(store)?;
    match found {
        None => write_version(store, SCHEMA_VERSION),
        Some(v) if v == SCHEMA_VERSION => Ok(()),
        Some(v) if v > SCHEMA_VERSION => Err(too_new(&store.dir, v)),
        Some(v) => migrate(store, v),
    }
}

fn too_new(dir: &Path, found: u32) -> StoreError {
    StoreError::TooNew {
        dir: dir.join("db"),
        found,
        known: SCHEMA_VERSION,
    }
}

fn read_version(store: &Store) -> Result<Option<u32>> {
    let Some(bytes) = store.meta.get(KEY).map_err(read_err)? else {
        return Ok(None);
    };
    let arr: [u8; 4] = bytes
        .as_ref()
        .try_into()
        .map_err(|_| StoreError::Read("数据格式版本记录损坏".into()))?;
    Ok(Some(u32::from_be_bytes(arr)))
}

pub(super) fn write_version(store: &Store, v: u32) -> Result<()> {
    store
        .meta
        .insert(KEY, &v.to_be_bytes())
        .map_err(write_err)?;
    store.flush()
}

/// Brings a database from `from` up to [`SCHEMA_VERSION`], one step at a time, taking
/// a copy of the database first. Version 0 is a database written before versions
/// were recorded, which never existed in a release; it migrates as version 1.
fn migrate(store: &Store, from: u32) -> Result<()> {
    // The database as it was, byte for byte, before anything is rewritten: a record
    // an older layout wrote may not even read as an export until it is migrated.
    store.flush()?;
    let copy = store.dir.join("migrations").join(format!(
        "db-schema-{from}-{}",
        chrono::Local::now().format("%Y%m%dT%H%M%S")
    ));
    copy_dir(&store.dir.join("db"), &copy).map_err(|e| {
        StoreError::Write(format!(
            "升级数据格式前无法备份数据库到 {}：{e}",
            copy.display()
        ))
    })?;
    let mut v = from.max(1);
    while v < SCHEMA_VERSION {
        match v {
            1 => typed_time(store)?,
            2 => to_journals(store)?,
            3 => {
                // Coming from 2, this version's projection was just written.
                if from == 3 {
                    reproject(store)?;
                }
                for old in ["inspections", "assessments", "grades"] {
                    store.db.drop_tree(old).map_err(write_err)?;
                }
            }
            4 => store.recompress_sheets()?,
            // 5 → 6 adds fields older sheets simply lack.
            5 => {}
            // 6 → 7: overviews hold the failed items and each chapter's counts.
            6 => store.write_all_results()?,
            _ => {}
        }
        v += 1;
    }
    write_version(store, SCHEMA_VERSION)
}

/// Writes every inspection's projection anew from its journal.
fn reproject(store: &Store) -> Result<()> {
    let (_, failed) = store.rebuild_every_journal();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Write(format!(
            "升级数据格式时未能从日志重建：{}",
            failed.join("；")
        )))
    }
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// 1 → 2: timestamps without an offset get this machine's (the laptop that wrote
/// them meant its local time); review dates in another spelling become YYYY-MM-DD.
fn typed_time(store: &Store) -> Result<()> {
    let tree = |name: &str| store.db.open_tree(name).map_err(read_err);
    for tree in [
        &tree("inspections")?,
        &tree("assessments")?,
        &tree("history")?,
        &store.conflicts,
    ] {
        for entry in tree.iter() {
            let (k, v) = entry.map_err(read_err)?;
            let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&v) else {
                continue; // unreadable either way; reading it will say so
            };
            if fix_times(&mut value) {
                let bytes = serde_json::to_vec(&value)
                    .map_err(|e| StoreError::Write(format!("升级数据格式失败：{e}")))?;
                tree.insert(k, bytes).map_err(write_err)?;
            }
        }
    }
    store.flush()
}

/// Rewrites, anywhere in a record, the time fields pingshen writes. Returns whether
/// anything changed.
fn fix_times(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    let mut changed = false;
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match (key.as_str(), &*v) {
                    ("created_at" | "updated_at" | "at", Value::String(s)) => {
                        if crate::time::Stamp::parse(s).is_none()
                            && let Some(t) = crate::time::migrate_stamp(s)
                        {
                            *v = Value::String(t.rfc3339());
                            changed = true;
                        }
                    }
                    ("supersedes", Value::Array(list)) => {
                        let fixed: Vec<Value> = list
                            .iter()
                            .map(|x| match x.as_str() {
                                Some(s) if crate::time::Stamp::parse(s).is_none() => {
                                    match crate::time::migrate_stamp(s) {
                                        Some(t) => Value::String(t.rfc3339()),
                                        None => x.clone(),
                                    }
                                }
                                _ => x.clone(),
                            })
                            .collect();
                        if fixed != *list {
                            *v = Value::Array(fixed);
                            changed = true;
                        }
                    }
                    ("date", Value::String(s)) => {
                        if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err()
                            && let Ok(d) = super::parse_date(s)
                        {
                            *v = Value::String(d.to_string());
                            changed = true;
                        }
                    }
                    _ => changed |= fix_times(v),
                }
            }
        }
        Value::Array(list) => {
            for v in list {
                changed |= fix_times(v);
            }
        }
        _ => {}
    }
    changed
}

/// For a read-only store: refuses a newer layout, and an older one that would need a
/// migration (which cannot be written).
pub(super) fn check_readable(store: &Store) -> Result<()> {
    match read_version(store)? {
        Some(v) if v > SCHEMA_VERSION => Err(too_new(&store.dir, v)),
        Some(v) if v < SCHEMA_VERSION => Err(StoreError::ReadOnly {
            dir: store.dir.clone(),
            why: format!("它的数据格式版本 {v} 需要先升级，而升级要写入"),
        }),
        _ => Ok(()),
    }
}

/// An inspection as a pingshen before the journal kept it: in sled, or in one of its
/// backup or export files.
#[derive(Debug, Clone, serde::Deserialize)]
pub(super) struct Legacy {
    inspection: serde_json::Value,
    checklist_text: String,
    #[serde(default)]
    assessments: Vec<serde_json::Value>,
    #[serde(default)]
    history: Vec<LegacyHistory>,
    #[serde(default)]
    conflicts: Vec<LegacyConflict>,
}

impl Legacy {
    /// The inspection's id as the old record gives it (checked when migrated).
    pub(super) fn id(&self) -> String {
        self.inspection["id"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

#[derive(Debug, Clone, serde::Deserialize)]
struct LegacyHistory {
    at: crate::time::Stamp,
    #[serde(default)]
    by: String,
    #[serde(default)]
    item_id: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    old: String,
    #[serde(default)]
    new: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct LegacyConflict {
    item_id: String,
    candidates: Vec<serde_json::Value>,
}

/// The author of a migrated snapshot: not a person, the migration itself.
pub const MIGRATION_AUTHOR: &str = "旧版数据迁移";

/// 2 → 3: every inspection's records in sled become its journal and projection.
fn to_journals(store: &Store) -> Result<()> {
    let history = store.db.open_tree("history").map_err(read_err)?;
    let checklists = store.db.open_tree("checklists").map_err(read_err)?;
    let inspections = store.db.open_tree("inspections").map_err(read_err)?;
    let assessments = store.db.open_tree("assessments").map_err(read_err)?;
    let ids: Vec<String> = inspections
        .iter()
        .keys()
        .filter_map(|k| k.ok())
        .map(|k| String::from_utf8_lossy(&k).into_owned())
        .collect();
    for id in ids {
        let Some(bytes) = inspections.get(id.as_bytes()).map_err(read_err)? else {
            continue;
        };
        let inspection: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| StoreError::Read(format!("检查 {id} 的记录无法解析（{e}）")))?;
        let sha = inspection["checklist"]["sha256"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let text = checklists
            .get(sha.as_bytes())
            .map_err(read_err)?
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .ok_or_else(|| StoreError::PinnedChecklist(id.clone(), "清单文本缺失".into()))?;
        let values = |tree: &sled::Tree| -> Result<Vec<serde_json::Value>> {
            tree.scan_prefix(super::prefix(&id))
                .values()
                .map(|v| {
                    let v = v.map_err(read_err)?;
                    serde_json::from_slice(&v)
                        .map_err(|e| StoreError::Read(format!("检查 {id} 的记录无法解析（{e}）")))
                })
                .collect()
        };
        let legacy = Legacy {
            inspection,
            checklist_text: text,
            assessments: values(&assessments)?,
            history: values(&history)?
                .into_iter()
                .filter_map(|v| serde_json::from_value(v).ok())
                .collect(),
            conflicts: values(&store.conflicts)?
                .into_iter()
                .filter_map(|v| serde_json::from_value(v).ok())
                .collect(),
        };
        store.migrate_one(legacy)?;
    }
    let _ = store.db.drop_tree("history");
    let _ = store.db.drop_tree("checklists");
    // The old backups are export files of the old format: kept, out of the way.
    let old = super::backup::backups_dir(&store.dir);
    if !legacy_backups(&store.dir).is_empty() {
        let aside = store.dir.join("migrations").join(format!(
            "backups-schema-2-{}",
            chrono::Local::now().format("%Y%m%dT%H%M%S")
        ));
        std::fs::create_dir_all(&aside)
            .map_err(|e| StoreError::Write(format!("旧备份无法移到 {}：{e}", aside.display())))?;
        if let Ok(entries) = std::fs::read_dir(&old) {
            for e in entries.filter_map(|e| e.ok()) {
                if e.path().is_dir() {
                    let _ = std::fs::rename(e.path(), aside.join(e.file_name()));
                }
            }
        }
    }
    Ok(())
}

impl Store {
    /// Writes the journal and projection of an inspection an older pingshen kept:
    /// its history as migrated entries (unsigned, each by its old author), then a
    /// snapshot of its state. Writing it again gives the same state.
    pub(super) fn migrate_one(&self, legacy: Legacy) -> Result<String> {
        use super::journal::{Author, Change, Entry, Field, Value};
        let mut inspection = legacy.inspection;
        fix_times(&mut inspection);
        let inspection: super::model::Inspection = serde_json::from_value(inspection)
            .map_err(|e| StoreError::Read(format!("旧版检查记录无法解析（{e}）")))?;
        let id = super::gate::checked_id(&inspection.id)?.to_string();
        let sha = crate::checklist::sha256_hex(legacy.checklist_text.as_bytes());
        if sha != inspection.checklist.sha256 {
            return Err(StoreError::PinnedChecklist(
                id,
                "清单文本与 sha256 不符".into(),
            ));
        }
        self.pin_text(&sha, &legacy.checklist_text)?;
        let bare = |mut v: serde_json::Value| -> Result<super::model::Assessment> {
            fix_times(&mut v);
            if let Some(m) = v.as_object_mut() {
                m.remove("supersedes");
            }
            serde_json::from_value(v)
                .map_err(|e| StoreError::Read(format!("检查 {id} 的旧版评分无法解析（{e}）")))
        };
        let assessments = legacy
            .assessments
            .into_iter()
            .map(bare)
            .collect::<Result<Vec<_>>>()?;
        let mut conflicts = Vec::new();
        for c in legacy.conflicts {
            let versions = c
                .candidates
                .into_iter()
                .map(bare)
                .collect::<Result<Vec<_>>>()?;
            for field in [Field::Grade, Field::Note, Field::CorrectiveAction] {
                let value = |a: &super::model::Assessment| match field {
                    Field::Grade => Value::Grade(a.grade),
                    Field::Note => Value::Text(a.note.clone()),
                    Field::CorrectiveAction => Value::Text(a.corrective_action.clone()),
                    Field::Plan => Value::Plan(a.plan.clone()),
                    Field::FollowUp => Value::FollowUp(super::journal::Checked {
                        follow_up: a.follow_up,
                    }),
                };
                let first = versions.first().map(value);
                if versions.iter().all(|a| Some(value(a)) == first) {
                    continue;
                }
                conflicts.push(super::merge::Conflict {
                    item_id: c.item_id.clone(),
                    field,
                    candidates: versions
                        .iter()
                        .map(|a| super::merge::Candidate {
                            entry: String::new(),
                            by: a.by.clone(),
                            at: a.at,
                            value: value(a),
                        })
                        .collect(),
                });
            }
        }
        let mut entries: Vec<Entry> = Vec::new();
        let mut parents: Vec<String> = Vec::new();
        let mut push = |at, name: &str, change| {
            let e = Entry {
                id: uuid::Uuid::now_v7().to_string(),
                inspection: id.clone(),
                at,
                author: Author {
                    name: crate::text::clean_line(name),
                    key: None,
                },
                parents: std::mem::take(&mut parents),
                change,
                migrated: true,
                sig: None,
                encoding: Default::default(),
            };
            parents = vec![e.hash()];
            entries.push(e);
        };
        for h in legacy.history {
            push(
                h.at,
                &h.by,
                Change::Migrated {
                    item: h.item_id,
                    field: h.field,
                    old: h.old,
                    new: h.new,
                },
            );
        }
        push(
            super::journal::entry::now_to_the_millisecond(),
            MIGRATION_AUTHOR,
            Change::Snapshot {
                inspection: Box::new(inspection),
                assessments,
                conflicts,
            },
        );
        let hashed: Vec<_> = entries.iter().map(|e| (e.clone(), e.hash())).collect();
        super::journal::check(&hashed, &id, true)
            .map_err(|b| StoreError::Read(format!("迁移检查 {id} 时{b}")))?;
        let p = super::journal::project(&hashed)
            .map_err(|b| StoreError::Read(format!("迁移检查 {id} 时{b}")))?;
        let path = super::journal::journal_path(&self.dir, &id);
        let mut text = String::new();
        for e in &entries {
            text.push_str(&e.line());
            text.push('\n');
        }
        super::envelope::write_atomically(&path, &text)
            .map_err(|e| super::error::io_write_err(&e, Some("日志无法写入")))?;
        let last_len = entries.last().map_or(0, |e| e.line().len() as u64 + 1);
        let tail = super::record::Tail {
            entries: p.entries,
            len: text.len() as u64,
            last_start: text.len() as u64 - last_len,
            last: hashed.last().map(|(_, h)| h.clone()).unwrap_or_default(),
            heads: p.heads.clone(),
        };
        self.write_projection(&id, &p, &tail)?;
        let _ = self.backup_inspection(&id);
        Ok(id)
    }
}

/// The newest readable backup of each inspection an older pingshen kept in
/// `backups/<id>/*.json` (export files with a checksum), for `recover`.
pub(super) fn legacy_backups(data_dir: &Path) -> Vec<Legacy> {
    let Ok(dirs) = std::fs::read_dir(super::backup::backups_dir(data_dir)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in dirs
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
    {
        let Ok(files) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut files: Vec<_> = files
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        if let Some(l) = files.iter().rev().find_map(|f| read_legacy(f)) {
            out.push(l);
        }
    }
    out
}

/// An old export file, if it reads and its checksum holds.
fn read_legacy(path: &Path) -> Option<Legacy> {
    #[derive(serde::Deserialize)]
    struct Env {
        format: String,
        checksum: String,
        payload: Box<serde_json::value::RawValue>,
    }
    let text = super::envelope::read_text(path, super::gate::EXPORT_FILE_MAX).ok()?;
    let env: Env = serde_json::from_str(&text).ok()?;
    let sum = format!(
        "sha256:{}",
        crate::checklist::sha256_hex(env.payload.get().as_bytes())
    );
    if env.format != "pingshen-export" || env.checksum != sum {
        return None;
    }
    serde_json::from_str(env.payload.get()).ok()
}
