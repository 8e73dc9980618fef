//! Time is typed: two laptops on different UTC offsets agree which change came last,
//! and a data dir written by an older pingshen is migrated on open.

use pingshen::identity::Identity;
use pingshen::scoring::Grade;
use pingshen::store::{Edit, Store};
use pingshen::time::Stamp;

use crate::common::{self, store_with_inspection};

/// An inspection with 1.1.1 graded B, in `dir`/a, and its bundle.
fn graded(dir: &std::path::Path) -> (String, pingshen::store::Bundle) {
    let (store, insp) = store_with_inspection(&dir.join("a"), "community-2022");
    store
        .update(&insp.id, "1.1.1", &[Edit::Grade(Some(Grade::B))], "张三")
        .unwrap();
    let b = common::export_to(&store, &insp.id, &dir.join("a.pingshen"));
    (insp.id.clone(), b)
}

/// `base` with one more entry: `who` grades 1.1.2 `grade` at `at`, written on their
/// own laptop (signed with their key), knowing only `base`.
fn laptop(
    base: &pingshen::store::Bundle,
    who: &str,
    seed: u8,
    at: &str,
    grade: &str,
    file: &std::path::Path,
) {
    common::with_entry(
        base,
        base.entries.len() - 1,
        who,
        at,
        serde_json::json!({"kind": "grade", "item": "1.1.2", "old": null, "new": grade}),
        &Identity::from_seed(who, [seed; 32]),
        file,
    );
}

#[test]
fn a_merge_shows_the_change_made_last_as_an_instant_not_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let (id, base) = graded(dir.path());
    // Laptop A, on +08:00, graded at 09:30 Beijing time (01:30 UTC); laptop B, left
    // on UTC, half an hour later, at 02:00 UTC — which sorts first as text.
    let (a, b) = (dir.path().join("甲"), dir.path().join("乙"));
    laptop(&base, "甲", 1, "2026-11-23T09:30:00.000+08:00", "A", &a);
    laptop(&base, "乙", 2, "2026-11-23T02:00:00.000+00:00", "C", &b);
    assert!("2026-11-23T02:00" < "2026-11-23T09:30");
    let bundles = [
        pingshen::store::read_bundle(&a).unwrap(),
        pingshen::store::read_bundle(&b).unwrap(),
    ];
    let fresh = Store::open(&dir.path().join("b")).unwrap();
    let trust = common::trusting(&[&bundles[0], &bundles[1], &base]);
    fresh
        .merge(
            &[
                ("甲".into(), bundles[0].clone()),
                ("乙".into(), bundles[1].clone()),
            ],
            &trust,
        )
        .unwrap();
    // Neither knew of the other: a conflict, showing the later instant meanwhile.
    assert_eq!(fresh.conflicts(&id).unwrap().len(), 1);
    let shown = fresh.assessment(&id, "1.1.2").unwrap().unwrap();
    assert_eq!((shown.grade, shown.by.as_str()), (Some(Grade::C), "乙"));
    let versions = fresh.item_versions(&id, "1.1.2").unwrap();
    assert_eq!(
        versions.last().unwrap().by,
        "乙",
        "the later one is listed last"
    );
}

#[test]
fn the_same_grade_from_two_laptops_is_no_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let (id, base) = graded(dir.path());
    let (a, b) = (dir.path().join("1"), dir.path().join("2"));
    laptop(&base, "甲", 1, "2026-11-23T09:30:00.000+08:00", "B", &a);
    laptop(&base, "乙", 2, "2026-11-23T01:30:00.000Z", "B", &b);
    let bundles = [
        pingshen::store::read_bundle(&a).unwrap(),
        pingshen::store::read_bundle(&b).unwrap(),
    ];
    let fresh = Store::open(&dir.path().join("b")).unwrap();
    let trust = common::trusting(&[&bundles[0], &bundles[1], &base]);
    fresh
        .merge(
            &[
                ("1".into(), bundles[0].clone()),
                ("2".into(), bundles[1].clone()),
            ],
            &trust,
        )
        .unwrap();
    assert!(fresh.conflicts(&id).unwrap().is_empty());
    assert_eq!(
        fresh.assessment(&id, "1.1.2").unwrap().unwrap().grade,
        Some(Grade::B)
    );
    let _ = Stamp::now();
}

/// A data dir as the pingshen before the journal left it (committed in
/// `fixtures/schema2-datadir`: two inspections, grades, notes, evidence, an
/// assignment, a merge conflict, a completed and reopened inspection, old backups)
/// opens with everything it held, its history now journal entries marked migrated.
#[test]
fn a_data_dir_made_before_the_journal_is_migrated_whole() {
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(), dir.path());
    let store = Store::open(dir.path()).expect("migrated");
    let list = store.list().unwrap();
    assert_eq!(list.len(), 2);
    let a = "9c5f32d321";
    let i = store.get(a).unwrap();
    assert_eq!(i.institution.name, "东城区和平里社区卫生服务中心");
    assert_eq!(i.inspectors, vec!["王喆", "李四"]);
    assert_eq!(i.assignments["李四"], vec!["2", "3"]);
    let got = store.assessments(a).unwrap();
    assert_eq!(got.len(), 7);
    assert_eq!(got["1.1.1"].grade, Some(Grade::B));
    assert_eq!(got["1.1.1"].note, "服务区域图未更新");
    assert_eq!(got["1.1.1"].corrective_action, "更新服务区域图");
    assert_eq!(got["1.1.1"].by, "李四");
    assert_eq!(got["1.2.1"].evidence.len(), 1);
    assert_eq!(got["1.2.4"].grade, Some(Grade::D));
    // The open conflict came along: on the grade and on the note of 1.3.3.
    let conflicts = store.conflicts(a).unwrap();
    let fields: Vec<_> = conflicts
        .iter()
        .map(|c| (c.item_id.as_str(), c.field.label()))
        .collect();
    assert_eq!(fields, vec![("1.3.3", "档次"), ("1.3.3", "备注")]);
    assert_eq!(store.item_versions(a, "1.3.3").unwrap().len(), 2);
    // Every old history line is an entry, by its old author, unsigned.
    let h = store.history(a, None).unwrap();
    assert_eq!(h.len(), 21, "20 history lines and the snapshot");
    assert!(h.iter().all(|e| e.key.is_empty()));
    assert_eq!(
        (h[1].by.as_str(), h[1].field.as_str(), h[1].new.as_str()),
        ("王喆", "备注", "功能定位明确，服务区域图上墙")
    );
    // The completed inspection is still completed, and says so to a change.
    let b = store.get("b1d5593dee").unwrap();
    assert_eq!(b.status, pingshen::store::Progress::Completed);
    assert!(
        store
            .grade("b1d5593dee", "1.1.1", Some(Grade::A), "赵六")
            .is_err()
    );
    // The chain and its (absent) signatures verify; what was there is kept aside.
    let report = store.verify().unwrap();
    assert_eq!(report.broken().count(), 0);
    assert!(
        dir.path()
            .join("journals")
            .join(format!("{a}.jsonl"))
            .exists()
    );
    let kept: Vec<String> = std::fs::read_dir(dir.path().join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        kept.iter().any(|n| n.starts_with("db-schema-2-")),
        "{kept:?}"
    );
    assert!(
        kept.iter().any(|n| n.starts_with("backups-schema-2-")),
        "{kept:?}"
    );
    // New changes go on from there, signed.
    store.grade(a, "1.1.2", Some(Grade::A), "王喆").unwrap();
    drop(store);
    let again = Store::open(dir.path()).unwrap();
    assert_eq!(again.assessments(a).unwrap().len(), 8);
    assert!(
        !again
            .history(a, None)
            .unwrap()
            .last()
            .unwrap()
            .key
            .is_empty()
    );
}

/// Layout 1 (times without their offset, dates in other spellings) goes through
/// layout 2 on its way to the journal.
#[test]
fn a_database_with_untyped_times_is_migrated_on_open_after_a_copy() {
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(), dir.path());
    let id = "b1d5593dee";
    {
        let db = crate::common::sled_open(&dir.path().join("db"));
        db.open_tree("meta")
            .unwrap()
            .insert("schema_version", &1u32.to_be_bytes())
            .unwrap();
        let inspections = db.open_tree("inspections").unwrap();
        let raw = inspections.get(id.as_bytes()).unwrap().unwrap();
        let mut v: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        v["created_at"] = "2025-11-03T09:30:00".into();
        v["date"] = "2025/11/3".into();
        inspections
            .insert(id.as_bytes(), serde_json::to_vec(&v).unwrap())
            .unwrap();
        db.flush().unwrap();
    }
    let store = Store::open(dir.path()).expect("migrated");
    let i = store.get(id).unwrap();
    assert_eq!(i.date.to_string(), "2025-11-03");
    assert_eq!(
        i.created_at.datetime().naive_local().to_string(),
        "2025-11-03 09:30:00"
    );
    assert_eq!(
        store.assessment(id, "1.1.1").unwrap().unwrap().grade,
        Some(Grade::B)
    );
    let copies: Vec<_> = std::fs::read_dir(dir.path().join("migrations"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("db-schema-1-"))
        .collect();
    assert_eq!(copies.len(), 1, "the database as it was is kept");
}

fn fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suite/fixtures/schema2-datadir")
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A data dir of the older pingshen whose database is gone: `recover` brings each
/// inspection back from its newest old backup, migrated as on open.
#[test]
fn recover_migrates_an_older_pingshens_backups() {
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(), dir.path());
    std::fs::remove_dir_all(dir.path().join("db")).unwrap();
    let identity = std::sync::Arc::new(Identity::throwaway("赵六"));
    let report = pingshen::store::recover(dir.path(), identity).unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(report.restored.len(), 2);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.list().unwrap().len(), 2);
    let b = store.assessments("b1d5593dee").unwrap();
    assert_eq!(b["1.1.1"].grade, Some(Grade::B));
    assert_eq!(store.verify().unwrap().broken().count(), 0);
}

fn schema3_fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suite/fixtures/schema3-datadir")
}

/// A data dir of the first journal (layout 3, committed in `fixtures/schema3-datadir`:
/// entries written in hex by two laptops, 王喆's and 李四's, merged with a note in
/// conflict, evidence, an assignment, a completed inspection) opens with everything
/// it held; its journals are not rewritten, new entries are written compactly, and
/// the mixed journal verifies, exports and imports.
#[test]
fn a_data_dir_of_the_first_journal_opens_whole_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    copy(&schema3_fixture(), dir.path());
    let a = "dc0a03a75c";
    let journal = dir.path().join("journals").join(format!("{a}.jsonl"));
    let before = std::fs::read(&journal).unwrap();
    let store = Store::open(dir.path()).expect("opened");
    assert_eq!(store.list().unwrap().len(), 2);
    let got = store.assessments(a).unwrap();
    assert_eq!(got["1.1.1"].grade, Some(Grade::B));
    assert_eq!(got["1.1.1"].note, "服务区域图未更新");
    assert_eq!(got["1.1.1"].corrective_action, "更新服务区域图");
    assert_eq!(got["1.1.1"].by, "王喆");
    assert_eq!(got["1.2.1"].evidence.len(), 1);
    assert_eq!(got["2.1.1"].grade, Some(Grade::C));
    assert_eq!(got["2.1.1"].by, "李四");
    assert_eq!(got["1.1.2"].grade, Some(Grade::B));
    let conflicts = store.conflicts(a).unwrap();
    let fields: Vec<_> = conflicts
        .iter()
        .map(|c| (c.item_id.as_str(), c.field.label()))
        .collect();
    assert_eq!(fields, vec![("1.1.2", "备注")]);
    assert_eq!(store.get(a).unwrap().assignments["李四"], vec!["2", "3"]);
    let b = store.get("d8eced5fe7").unwrap();
    assert_eq!(b.status, pingshen::store::Progress::Completed);
    assert_eq!(store.assessments("d8eced5fe7").unwrap().len(), 3);
    let h = store.history(a, None).unwrap();
    let authors: std::collections::BTreeSet<&str> = h.iter().map(|e| e.by.as_str()).collect();
    assert_eq!(authors, ["李四", "王喆"].into_iter().collect());
    assert!(h.iter().all(|e| !e.key.is_empty()), "every entry signed");
    let report = store.verify().unwrap();
    assert_eq!(report.broken().count(), 0);
    assert!(
        std::fs::read_dir(dir.path().join("migrations"))
            .unwrap()
            .any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("db-schema-3-")),
        "the database as it was is kept"
    );

    // A new entry follows the old ones, in base64; the old lines are untouched.
    store.grade(a, "1.1.3", Some(Grade::A), "王喆").unwrap();
    let after = std::fs::read(&journal).unwrap();
    assert_eq!(&after[..before.len()], &before[..]);
    let last: serde_json::Value =
        serde_json::from_slice(after[before.len()..].trim_ascii_end()).unwrap();
    assert_eq!(last["sig"].as_str().unwrap().len(), 86);
    assert_eq!(last["author"]["key"].as_str().unwrap().len(), 43);
    assert_eq!(last["parents"][0].as_str().unwrap().len(), 43);
    assert_eq!(store.verify().unwrap().broken().count(), 0);

    // The mixed journal travels: exported, imported on a fresh laptop, the same.
    let file = dir.path().join("mixed.pingshen");
    let bundle = common::export_to(&store, a, &file);
    let other = tempfile::tempdir().unwrap();
    let fresh = Store::open(other.path()).unwrap();
    fresh
        .import(&bundle, &common::trusting(&[&bundle]))
        .unwrap();
    assert_eq!(fresh.assessments(a).unwrap(), store.assessments(a).unwrap());
    assert_eq!(fresh.verify().unwrap().broken().count(), 0);
    drop(store);
    let again = Store::open(dir.path()).unwrap();
    assert_eq!(
        again.assessment(a, "1.1.3").unwrap().unwrap().grade,
        Some(Grade::A)
    );
    drop(again);
    // The old layout's trees are gone, not left to take space.
    let db = common::sled_open(&dir.path().join("db"));
    let names: Vec<String> = db
        .tree_names()
        .iter()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n == "assessments" || n == "grades"),
        "{names:?}"
    );
}

/// An export written by the first journal (bundle format 1, entries in hex) still
/// imports, and a changed grade in it is still refused.
#[test]
fn an_export_of_the_first_journal_still_imports() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/suite/fixtures/schema3-export.pingshen");
    let bundle = pingshen::store::read_bundle(&file).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .import(&bundle, &common::trusting(&[&bundle]))
        .unwrap();
    let got = store.assessments("dc0a03a75c").unwrap();
    assert_eq!(got["2.1.1"].grade, Some(Grade::C));
    assert_eq!(got["1.1.2"].note, "李四：部分达标");
    assert_eq!(store.verify().unwrap().broken().count(), 0);

    let text = std::fs::read_to_string(&file).unwrap();
    let forged = text.replacen(r#""new":"C""#, r#""new":"A""#, 1);
    assert_ne!(forged, text);
    let copy = dir.path().join("forged.pingshen");
    std::fs::write(&copy, forged).unwrap();
    assert!(pingshen::store::read_bundle(&copy).is_err());
}
