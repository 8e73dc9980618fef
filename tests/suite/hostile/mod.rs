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
use pingshen::scoring::Grade;
use pingshen::store::{Edit, Export, write_export};

fn pingshen(data: &Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CHECKLIST_DIR", data.join("no-user-checklists"));
    c
}

/// `program` (pingshen itself, or a shell that runs it) with the environment naming
/// `data` as the data dir.
pub fn process(program: impl AsRef<std::ffi::OsStr>, data: &Path) -> Process {
    let mut p = Process::new(program);
    p.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CHECKLIST_DIR", data.join("none"));
    p
}

/// A data dir with one graded inspection, and its export.
pub fn fixture(root: &Path) -> (PathBuf, String, Export) {
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
    let export = store.export(&insp.id).unwrap();
    (data, insp.id, export)
}

/// Every file under `dir` with its bytes, for "nothing changed" checks.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    out
}

pub fn write(root: &Path, name: &str, export: &Export) -> PathBuf {
    let path = root.join(name);
    write_export(export, &path).unwrap();
    path
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
    for args in [vec!["import"], vec!["import", "--replace"], vec!["merge"]] {
        let a = pingshen(data)
            .args(&args)
            .arg(file)
            .assert()
            .failure()
            .code(1);
        let err = stderr_of(&a);
        assert!(err.contains(why), "{args:?}: {err}");
        assert!(err.contains("未被接受"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(before, snapshot(data), "{args:?} changed the data dir");
    }
}
