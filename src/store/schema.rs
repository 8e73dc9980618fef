//! The schema version of a database, and migrations from older ones.

use std::path::Path;

use super::Store;
use super::error::{Result, StoreError, read_err, write_err};

/// Version of the record layout this program writes.
///
/// History: 1 — the first layout (inspections, assessments, history, checklists by
/// sha256, meta). When a later version changes a record, add a step to `migrate`.
pub const SCHEMA_VERSION: u32 = 1;

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
/// a backup first. There is no older layout yet: version 0 is a database written
/// before versions were recorded, which never existed in a release.
fn migrate(store: &Store, from: u32) -> Result<()> {
    // A backup of every inspection, as it was, before anything is rewritten.
    store.backup_now()?;
    let mut v = from;
    while v < SCHEMA_VERSION {
        // match v { 1 => { …rewrite records to version 2… } }
        v += 1;
    }
    write_version(store, SCHEMA_VERSION)
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
