//! Files from other laptops and typed values are hostile until checked. One test per
//! finding of the review that tried pingshen as a hostile or careless user would:
//! each reproduces the finding and shows the harm no longer happens.
//!
//! `files`: what enters (imports, merges, typed fields); `output`: what leaves (the
//! terminal, CSV, pipes) and the data dir itself (leftovers, read-only, the lock).

use crate::common;

mod files;
mod output;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use pingshen::identity::Identity;
use pingshen::scoring::Grade;
use pingshen::store::{Bundle, Edit};

fn pingshen(data: &Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env("PINGSHEN_CHECKLIST_DIR", data.join("no-user-checklists"));
    c
}

/// `program` (pingshen itself, or a shell that runs it) with the environment naming
/// `data` as the data dir.
pub fn process(program: impl AsRef<std::ffi::OsStr>, data: &Path) -> Process {
    let mut p = Process::new(program);
    p.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env("PINGSHEN_CHECKLIST_DIR", data.join("none"));
    p
}

/// Who crafts the hostile files: a fixed key, as a holder of a real key would.
pub fn crafter() -> Identity {
    Identity::from_seed("张三", [3; 32])
}

/// A data dir with one graded inspection, and its bundle as read back.
pub fn fixture(root: &Path) -> (PathBuf, String, Bundle) {
    let data = root.join("data");
    let (store, insp) = common::store_with_inspection(&data, "community-2022");
    for (item, g) in [
        ("1.1.1", Grade::B),
        ("1.1.2", Grade::D),
        ("1.2.1", Grade::A),
    ] {
        store
            .update(
                &insp.id,
                item,
                &[Edit::Grade(Some(g)), Edit::Note(format!("{item} 现场查看"))],
                "张三",
            )
            .unwrap();
    }
    let bundle = common::export_to(&store, &insp.id, &root.join("fixture.pingshen"));
    // Settled as the next start would leave it: backed up.
    store.backup_changed().unwrap();
    (data, insp.id, bundle)
}

/// Every file under `dir` with its bytes, for "nothing changed" checks: the record
/// (journals, pinned checklists, backups, deleted, reports). sled's `db/` is left out
/// — a projection of the journals that sled may rewrite on any open — and so is the
/// lock file, which holds the pid of the last pingshen.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.file_name()
                .is_some_and(|n| n == "db" || n == "pingshen.lock")
            {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    out
}

/// Writes the payload `v` re-signed by [`crafter`] to `root/name`.
pub fn write(root: &Path, name: &str, v: serde_json::Value) -> PathBuf {
    let path = root.join(name);
    common::resign(v, &path, &crafter());
    path
}

/// Fails naming the files that differ between two snapshots (not their bytes).
pub fn same(before: &BTreeMap<PathBuf, Vec<u8>>, after: &BTreeMap<PathBuf, Vec<u8>>, what: &str) {
    let differ: Vec<&PathBuf> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    assert!(differ.is_empty(), "{what} changed the data dir: {differ:?}");
}

pub fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

pub fn stdout_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

/// Imports `file` and expects a refusal that names `why` and leaves `data` as it was.
pub fn refused(data: &Path, file: &Path, why: &str) {
    let before = snapshot(data);
    for args in [
        vec!["import"],
        vec!["import", "--trust"],
        vec!["merge", "--trust"],
    ] {
        let a = pingshen(data)
            .args(&args)
            .arg(file)
            .assert()
            .failure()
            .code(1);
        let err = stderr_of(&a);
        assert!(err.contains(why), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        same(&before, &snapshot(data), &format!("{args:?}"));
    }
}
