//! The schema version of a database, and migrations from older ones.

use std::path::Path;

use super::Store;
use super::error::{Result, StoreError, read_err, write_err};

/// Version of the record layout this program writes.
///
/// History: 1 — the first layout (inspections, assessments, history, checklists by
/// sha256, meta). 2 — typed time: every timestamp RFC 3339 with its offset, every
/// review date YYYY-MM-DD (a record that said otherwise is rewritten). When a later
/// version changes a record, add a step to `migrate`.
pub const SCHEMA_VERSION: u32 = 2;

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
        if v == 1 {
            typed_time(store)?;
        }
        v += 1;
    }
    write_version(store, SCHEMA_VERSION)
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
    for tree in [
        &store.inspections,
        &store.assessments,
        &store.history,
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
