//! sled never gives back the space of values it rewrote: a store graded one item at a
//! time grows to a few times what it holds. At open, a database grown to twice its
//! last compacted size is copied afresh and swapped in. What must hold: nothing
//! recorded changes, the database gets smaller, and a process killed half-way through
//! the swap leaves a data dir that opens with everything.
//!
//! Real growth past the 8 MiB below which nothing is compacted takes hundreds of
//! inspections graded one item at a time (benches/journal.rs measures that); here the
//! binary is run with `PINGSHEN_COMPACT_FLOOR` lowered.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use pingshen::scoring::Grade;
use pingshen::store::{Store, db_bytes};

use crate::common::{grade_many, shipped, store_with_inspection};
use crate::crash::{pingshen, run, shown};

fn township_items() -> Vec<String> {
    shipped("township-2022")
        .0
        .items()
        .map(|(_, _, item)| item.id.clone())
        .collect()
}

/// What the projection holds of inspection `id`: the inspection, its assessments and
/// its overview, as `show` and `list` read them.
fn projected(store: &Store, id: &str) -> String {
    let overview = store
        .overviews()
        .unwrap()
        .into_iter()
        .find(|o| o.inspection.id == id);
    format!(
        "{:?}\n{:?}\n{:?}\n{}",
        store.get(id).unwrap(),
        store.assessments(id).unwrap(),
        overview,
        store.history(id, None).unwrap().len()
    )
}

/// The identity of the `db` directory: a compaction swaps in another one.
fn db_inode(dir: &Path) -> u64 {
    fs::metadata(dir.join("db")).unwrap().ino()
}

/// Opens the data dir in the binary (as `pingshen list`), with `floor` as the size
/// below which nothing is compacted.
fn open_in_binary(dir: &Path, floor: u64) {
    let mut cmd = pingshen(dir);
    cmd.arg("list")
        .env("PINGSHEN_COMPACT_FLOOR", floor.to_string());
    let out = run(cmd, b"", "list");
    assert!(out.status.success(), "{}", shown(&out));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("整理数据库"),
        "{}",
        shown(&out)
    );
}

#[test]
fn a_database_grown_by_rewrites_is_compacted_at_open_and_keeps_every_record() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (before_state, id) = {
        let (store, insp) = store_with_inspection(dir, "township-2022");
        let items = township_items();
        let all: Vec<(&str, Grade, &str, &str)> = items
            .iter()
            .map(|i| (i.as_str(), Grade::B, "现场查看了记录", "补齐签字"))
            .collect();
        grade_many(&store, &insp.id, "张三", &all);
        // Every item graded again, one change at a time: each rewrites the sheet.
        for round in [Grade::A, Grade::C, Grade::B] {
            for item in &items {
                store.grade(&insp.id, item, Some(round), "李四").unwrap();
            }
        }
        (projected(&store, &insp.id), insp.id)
    };
    let before = db_bytes(&dir.join("db"));
    let inode = db_inode(dir);

    open_in_binary(dir, 64 << 10);
    let after = db_bytes(&dir.join("db"));
    assert_ne!(db_inode(dir), inode, "the database was not compacted");
    assert!(
        after < before,
        "sled's files are {after} bytes after compaction, {before} before"
    );
    for left in ["db.compacting", "db.old"] {
        assert!(!dir.join(left).exists(), "{left} left behind");
    }
    {
        let store = Store::open(dir).unwrap();
        assert!(
            projected(&store, &id) == before_state,
            "what the store holds changed in the compaction"
        );
        assert_eq!(store.verify().unwrap().broken().count(), 0);
        assert_eq!(store.take_warning(), None);
    }

    // Not grown since: opened again, it is not copied again.
    let inode = db_inode(dir);
    open_in_binary(dir, 64 << 10);
    assert_eq!(db_inode(dir), inode, "compacted again without growth");
    // And with the default floor, a store this small is never compacted.
    let (store, insp) = store_with_inspection(&dir.join("other"), "township-2022");
    drop((store, insp));
    let inode = db_inode(&dir.join("other"));
    open_in_binary(&dir.join("other"), 8 << 20);
    assert_eq!(db_inode(&dir.join("other")), inode);
}

#[test]
fn a_swap_killed_half_way_leaves_a_data_dir_that_opens_with_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (state, id) = {
        let (store, insp) = store_with_inspection(dir, "township-2022");
        let items = township_items();
        grade_many(
            &store,
            &insp.id,
            "张三",
            &[(items[0].as_str(), Grade::A, "有记录", "")],
        );
        (projected(&store, &insp.id), insp.id)
    };
    let copy_of_db = |to: &str| {
        let to = dir.join(to);
        fs::create_dir_all(&to).unwrap();
        for e in fs::read_dir(dir.join("db")).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_file() {
                fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    };

    // Killed between the renames: `db` is gone, the old one is `db.old`, the copy
    // (maybe not all on disk) is `db.compacting`.
    copy_of_db("db.compacting");
    fs::write(dir.join("db.compacting").join("db"), b"half written").unwrap();
    fs::rename(dir.join("db"), dir.join("db.old")).unwrap();
    {
        let store = Store::open(dir).unwrap();
        assert!(projected(&store, &id) == state, "the record changed");
        assert_eq!(store.take_warning(), None);
    }
    for left in ["db.compacting", "db.old"] {
        assert!(!dir.join(left).exists(), "{left} left behind");
    }

    // Killed after both renames: `db` is the copy, `db.old` still there.
    copy_of_db("db.old");
    let store = Store::open(dir).unwrap();
    assert!(projected(&store, &id) == state, "the record changed");
    assert!(!dir.join("db.old").exists());
}
