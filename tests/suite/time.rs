//! Time is typed: two laptops on different UTC offsets agree which change came last,
//! and a database written before stamps were typed is migrated on open.

use pingshen::scoring::Grade;
use pingshen::store::{Edit, Store};
use pingshen::time::Stamp;

use crate::common::store_with_inspection;

fn at(s: &str) -> Stamp {
    Stamp::parse(s).unwrap()
}

/// An inspection with 1.1.1 graded B, in `dir`/a, and its export.
fn graded(dir: &std::path::Path) -> (String, pingshen::store::Export) {
    let (store, insp) = store_with_inspection(&dir.join("a"), "community-2022");
    store
        .update(&insp.id, "1.1.1", &[Edit::Grade(Some(Grade::B))], "张三")
        .unwrap();
    (insp.id.clone(), store.export(&insp.id).unwrap())
}

#[test]
fn a_merge_keeps_the_change_made_last_as_an_instant_not_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let (id, base) = graded(dir.path());

    // Laptop A, on +08:00, changed the inspection at 09:30 Beijing time (01:30 UTC).
    let mut beijing = base.clone();
    beijing.inspection.institution.head = "甲".into();
    beijing.inspection.updated_at = at("2026-11-23T09:30:00.000+08:00");
    // Laptop B, left on UTC, changed it half an hour later, at 02:00 UTC — which
    // sorts first as text ("…T02:00" < "…T09:30").
    let mut utc = base.clone();
    utc.inspection.institution.head = "乙".into();
    utc.inspection.updated_at = at("2026-11-23T02:00:00.000+00:00");
    assert!(utc.inspection.updated_at.rfc3339() < beijing.inspection.updated_at.rfc3339());

    let fresh = Store::open(&dir.path().join("b")).unwrap();
    fresh
        .merge(&[("甲.json".into(), beijing), ("乙.json".into(), utc)])
        .unwrap();
    let merged = fresh.get(&id).unwrap();
    assert_eq!(merged.institution.head, "乙", "the later instant wins");
}

#[test]
fn the_same_grade_from_two_offsets_is_one_version_not_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let (id, base) = graded(dir.path());
    let mut one = base.clone();
    let mut two = base.clone();
    // The same instant, written by laptops on +08:00 and on UTC.
    one.assessments[0].at = at("2026-11-23T09:30:00.000+08:00");
    two.assessments[0].at = at("2026-11-23T01:30:00.000Z");
    let fresh = Store::open(&dir.path().join("b")).unwrap();
    fresh
        .merge(&[("1.json".into(), one), ("2.json".into(), two)])
        .unwrap();
    assert!(fresh.conflicts(&id).unwrap().is_empty());
    assert_eq!(
        fresh.assessment(&id, "1.1.1").unwrap().unwrap().grade,
        Some(Grade::B)
    );
}

#[test]
fn a_database_with_untyped_times_is_migrated_on_open_after_a_copy() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let (store, insp) = store_with_inspection(dir.path(), "community-2022");
        store
            .update(&insp.id, "1.1.1", &[Edit::Grade(Some(Grade::A))], "张三")
            .unwrap();
        insp.id
    };
    // As an older pingshen could have left it: layout 1, a time without its offset
    // and a date in another spelling.
    {
        let db = crate::common::sled_open(&dir.path().join("db"));
        db.open_tree("meta")
            .unwrap()
            .insert("schema_version", &1u32.to_be_bytes())
            .unwrap();
        let inspections = db.open_tree("inspections").unwrap();
        let raw = inspections.get(id.as_bytes()).unwrap().unwrap();
        let mut v: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        v["created_at"] = "2026-11-23T09:30:00".into();
        v["date"] = "2026/11/23".into();
        inspections
            .insert(id.as_bytes(), serde_json::to_vec(&v).unwrap())
            .unwrap();
        db.flush().unwrap();
    }
    let store = Store::open(dir.path()).expect("migrated");
    let i = store.get(&id).unwrap();
    assert_eq!(i.date.to_string(), "2026-11-23");
    assert_eq!(
        i.created_at.datetime().naive_local().to_string(),
        "2026-11-23 09:30:00"
    );
    assert_eq!(
        store.assessment(&id, "1.1.1").unwrap().unwrap().grade,
        Some(Grade::A)
    );
    let copies: Vec<_> = std::fs::read_dir(dir.path().join("migrations"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("db-schema-1-"))
        .collect();
    assert_eq!(copies.len(), 1, "the database as it was is kept");
}
