//! A review team: chapters split across laptops, merged back, compared with the last
//! visit, compiled into rosters.

use crate::common;

use common::*;
use pingshen::checklist::Checklist;
use pingshen::scoring::{Grade, Trend, compare};
use pingshen::store::*;

/// The lead's store with an inspection split between 甲 (chapters 1, 2) and 乙 (3, 4).
fn split_inspection(lead: &Store) -> (Inspection, Checklist) {
    let (c, s) = shipped("township-2022");
    let insp = lead
        .create(new_inspection("某镇卫生院"), &c, &s, "组长")
        .unwrap();
    lead.assign(&insp.id, "甲", &["1".into(), "2".into()], "组长")
        .unwrap();
    lead.assign(&insp.id, "乙", &["3".into(), "4".into()], "组长")
        .unwrap();
    (lead.get(&insp.id).unwrap(), c)
}

/// A bundle as a file written and read back: checked as any file from elsewhere is.
fn bundle_of(store: &Store, id: &str) -> Bundle {
    let dir = tempfile::tempdir().unwrap();
    export_to(store, id, &dir.path().join("x.pingshen"))
}

/// The lead's bundle for `who`, imported on a fresh laptop.
fn laptop_with(lead: &Store, id: &str, who: &str) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let sealed = lead.export_for(id, who).unwrap();
    let file = dir.path().join("for.pingshen");
    sealed.write(&file).unwrap();
    let b = read_bundle(&file).unwrap();
    store.import(&b, &trusting(&[&b])).unwrap();
    (dir, store)
}

/// An inspector's laptop: imports their part, grades every item of their chapters.
fn laptop(
    lead: &Store,
    id: &str,
    who: &str,
    c: &Checklist,
    grade: Grade,
) -> (tempfile::TempDir, Bundle) {
    let (dir, store) = laptop_with(lead, id, who);
    let chapters = store.get(id).unwrap().assignments[who].clone();
    for (ch, _, item) in c.items() {
        if chapters.contains(&ch.id) {
            store
                .update(
                    id,
                    &item.id,
                    &[
                        Edit::Grade(Some(grade)),
                        Edit::Note(format!("{who}查看了{}", item.id)),
                    ],
                    who,
                )
                .unwrap();
        }
    }
    let bundle = bundle_of(&store, id);
    (dir, bundle)
}

/// What a store holds of an inspection, whatever order its journal lists entries in.
fn state(store: &Store, id: &str) -> (Vec<Assessment>, Vec<Conflict>, Vec<String>) {
    let mut entries: Vec<String> = store
        .history(id, None)
        .unwrap()
        .into_iter()
        .map(|h| h.entry)
        .collect();
    entries.sort();
    (
        store.assessments(id).unwrap().into_values().collect(),
        store.conflicts(id).unwrap(),
        entries,
    )
}

fn merge(store: &Store, files: &[(&str, &Bundle)]) -> pingshen::store::Result<MergeReport> {
    let bundles: Vec<&Bundle> = files.iter().map(|(_, b)| *b).collect();
    let named: Vec<(String, Bundle)> = files
        .iter()
        .map(|(n, b)| (n.to_string(), (*b).clone()))
        .collect();
    store.merge(&named, &trusting(&bundles))
}

#[test]
fn disjoint_chapters_merge_into_one_complete_inspection() {
    let lead_dir = tempfile::tempdir().unwrap();
    let lead = Store::open(lead_dir.path()).unwrap();
    let (insp, c) = split_inspection(&lead);
    let (_a, a) = laptop(&lead, &insp.id, "甲", &c, Grade::A);
    let (_b, b) = laptop(&lead, &insp.id, "乙", &c, Grade::B);

    let report = merge(&lead, &[("甲.pingshen", &a), ("乙.pingshen", &b)]).unwrap();
    assert!(report.conflicts.is_empty());
    assert_eq!(report.added.len(), c.item_count());
    let summary = &lead.overviews().unwrap()[0];
    assert_eq!(
        summary.graded, summary.items,
        "every item graded after the merge"
    );
    let got = lead.assessments(&insp.id).unwrap();
    assert_eq!(got["1.1.1"].grade, Some(Grade::A));
    assert_eq!(got["1.1.1"].by, "甲");
    assert_eq!(got["4.1.1"].grade, Some(Grade::B));
    assert_eq!(got["4.1.1"].note, "乙查看了4.1.1");
    // Each inspector's changes are in the united history, signed by their laptop.
    let h = lead.history(&insp.id, Some("3.1.1")).unwrap();
    assert!(
        h.iter()
            .any(|e| e.by == "乙" && e.new == "B" && !e.key.is_empty())
    );
}

#[test]
fn a_conflict_is_reported_settled_and_both_versions_stay_in_the_history() {
    let lead_dir = tempfile::tempdir().unwrap();
    let lead = Store::open(lead_dir.path()).unwrap();
    let (insp, c) = split_inspection(&lead);
    let (_a, a) = laptop(&lead, &insp.id, "甲", &c, Grade::A);
    // 乙 also grades 1.1.1, differently, not knowing of 甲's grade.
    let (_b_dir, b_store) = laptop_with(&lead, &insp.id, "乙");
    b_store
        .update(
            &insp.id,
            "1.1.1",
            &[
                Edit::Grade(Some(Grade::C)),
                Edit::Note("乙：功能定位不清".into()),
            ],
            "乙",
        )
        .unwrap();
    let b = bundle_of(&b_store, &insp.id);

    let report = merge(&lead, &[("a", &a), ("b", &b)]).unwrap();
    let fields: Vec<_> = report
        .conflicts
        .iter()
        .map(|c| (c.item_id.as_str(), c.field.label()))
        .collect();
    assert_eq!(fields, vec![("1.1.1", "档次"), ("1.1.1", "备注")]);
    let versions = lead.item_versions(&insp.id, "1.1.1").unwrap();
    let grades: Vec<_> = versions
        .iter()
        .map(|v| (v.assessment.grade, v.by.as_str()))
        .collect();
    assert!(grades.contains(&(Some(Grade::A), "甲")) && grades.contains(&(Some(Grade::C), "乙")));

    let c_index = versions
        .iter()
        .position(|v| v.assessment.grade == Some(Grade::C))
        .unwrap();
    let settled = lead.settle(&insp.id, "1.1.1", c_index, "组长").unwrap();
    assert_eq!(settled.grade, Some(Grade::C));
    assert_eq!(settled.note, "乙：功能定位不清");
    assert!(lead.conflicts(&insp.id).unwrap().is_empty());
    let h = lead.history(&insp.id, Some("1.1.1")).unwrap();
    assert!(
        h.iter()
            .any(|e| e.by == "甲" && e.field == "档次" && e.new == "A")
    );
    assert!(
        h.iter()
            .any(|e| e.by == "乙" && e.field == "档次" && e.new == "C")
    );
    let verdict = h.iter().find(|e| e.field == "冲突裁定（档次）").unwrap();
    assert_eq!(verdict.by, "组长");
    assert!(
        verdict.old.contains("A（甲") && verdict.new.contains("C（乙"),
        "{verdict:?}"
    );

    // The same files merged again do not reopen the settled conflict.
    let again = merge(&lead, &[("a", &a), ("b", &b)]).unwrap();
    assert!(!again.changed, "{again:?}");
    assert!(lead.conflicts(&insp.id).unwrap().is_empty());
    assert_eq!(
        lead.assessment(&insp.id, "1.1.1").unwrap().unwrap().grade,
        Some(Grade::C)
    );
}

#[test]
fn merging_is_idempotent_and_order_independent() {
    let lead_dir = tempfile::tempdir().unwrap();
    let lead = Store::open(lead_dir.path()).unwrap();
    let (insp, c) = split_inspection(&lead);
    let (_a, a) = laptop(&lead, &insp.id, "甲", &c, Grade::A);
    // 乙 grades their chapters, and one of 甲's items too: a conflict.
    let (_b_dir, b_store) = laptop_with(&lead, &insp.id, "乙");
    b_store
        .grade(&insp.id, "2.1.1", Some(Grade::D), "乙")
        .unwrap();
    b_store
        .grade(&insp.id, "3.1.1", Some(Grade::B), "乙")
        .unwrap();
    let b = bundle_of(&b_store, &insp.id);

    let fresh = |files: &[(&str, &Bundle)]| {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        for f in files {
            merge(&store, &[*f]).unwrap();
        }
        let s = state(&store, &insp.id);
        (dir, store, s)
    };
    let (_d1, s1, ab) = fresh(&[("a", &a), ("b", &b)]);
    let (_d2, _s2, ba) = fresh(&[("b", &b), ("a", &a)]);
    assert_eq!(ab, ba, "merge order must not matter");
    assert_eq!(ab.1.len(), 1, "one conflict");

    let once = state(&s1, &insp.id);
    let report = merge(&s1, &[("a", &a)]).unwrap();
    assert!(!report.changed);
    merge(&s1, &[("b", &b), ("a", &a)]).unwrap();
    assert_eq!(
        state(&s1, &insp.id),
        once,
        "merging the same files again changes nothing"
    );
}

#[test]
fn bad_merges_are_refused_and_change_nothing() {
    let lead_dir = tempfile::tempdir().unwrap();
    let lead = Store::open(lead_dir.path()).unwrap();
    let (insp, c) = split_inspection(&lead);
    let (_a, a) = laptop(&lead, &insp.id, "甲", &c, Grade::A);
    let before = record_of(&lead, &insp.id);

    // Another inspection.
    let (c2, s2) = shipped("township-2022");
    let other = lead
        .create(new_inspection("另一个卫生院"), &c2, &s2, "组长")
        .unwrap();
    let other_bundle = bundle_of(&lead, &other.id);
    let err = merge(&lead, &[("a", &a), ("other", &other_bundle)]).unwrap_err();
    assert!(
        err.to_string().contains("只能合并同一次检查的导出"),
        "{err}"
    );

    // Keys never seen before: refused, each named with its fingerprint.
    let err = lead
        .merge(
            &[("a".into(), a.clone())],
            &pingshen::identity::keys::TrustStore::empty(),
        )
        .unwrap_err();
    let StoreError::Untrusted { keys } = &err else {
        panic!("{err}")
    };
    assert!(keys.iter().any(|k| k.name == "甲"));
    assert!(
        err.to_string().contains(&keys[0].key.fingerprint()),
        "{err}"
    );

    // A truncated or tampered file is refused when read.
    let file = lead_dir.path().join("a.pingshen");
    let sealed = {
        let (_d, store) = laptop_with(&lead, &insp.id, "甲");
        store.export(&insp.id).unwrap()
    };
    sealed.write(&file).unwrap();
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() - 100]).unwrap();
    assert!(matches!(
        read_bundle(&file),
        Err(EnvelopeError::Malformed { .. })
    ));
    let text = String::from_utf8(bytes).unwrap().replacen(
        "\"inspector\":\"甲\"",
        "\"inspector\":\"乙\"",
        1,
    );
    std::fs::write(&file, text).unwrap();
    assert!(matches!(
        read_bundle(&file),
        Err(EnvelopeError::BadSignature { .. })
    ));

    assert_eq!(record_of(&lead, &insp.id), before);
}

#[test]
fn compare_reports_the_expected_changes() {
    let v1 = include_str!("fixtures/small.toml");
    let (old_c, _) = source(v1, "small.toml");
    // The new version drops 2.1.3 and adds 2.1.4.
    let cut = v1
        .find("    [[chapter.section.item]]\n    id = \"2.1.3\"")
        .unwrap();
    let v2 = v1[..cut].to_string()
        + "    [[chapter.section.item]]\n    id = \"2.1.4\"\n    title = \"上门服务\"\n    tier = \"基本标准\"\n    methods = [\"查阅资料\"]\n    c = \"有上门服务记录。\"\n";
    let (new_c, _) = source(&v2, "small.toml");
    let old = [
        ("1.1.1", Grade::C),
        ("1.1.2", Grade::B),
        ("1.2.1", Grade::D),
        ("2.1.1", Grade::A),
        ("2.1.3", Grade::B),
        ("1.1.3", Grade::NotApplicable),
    ];
    let new = [
        ("1.1.1", Grade::A),
        ("1.1.2", Grade::B),
        ("1.2.1", Grade::C),
        ("2.1.1", Grade::C),
        ("2.1.4", Grade::B),
        ("1.1.3", Grade::C),
    ];
    let get = |pairs: &'static [(&'static str, Grade)]| {
        move |id: &str| pairs.iter().find(|(i, _)| *i == id).map(|(_, g)| *g)
    };
    let old: &'static [(&str, Grade)] = Box::leak(Box::new(old));
    let new: &'static [(&str, Grade)] = Box::leak(Box::new(new));
    let cmp = compare(&old_c, get(old), &new_c, get(new));
    let change = |id: &str| cmp.items.iter().find(|i| i.id == id).unwrap().change;
    assert_eq!(change("1.1.1"), Trend::Improved);
    assert_eq!(change("1.2.1"), Trend::Improved);
    assert_eq!(change("1.1.2"), Trend::Same);
    assert_eq!(change("2.1.1"), Trend::Worse);
    assert_eq!(change("2.1.4"), Trend::New);
    assert_eq!(change("2.1.3"), Trend::Removed);
    assert_eq!(change("1.1.3"), Trend::Incomparable);
    assert_eq!(change("1.2.2"), Trend::Same); // pending both times
    assert_eq!(cmp.old_verdict, "未达到基本标准");
    assert_eq!(cmp.new_verdict, "达到基本标准");
    // Chapter 1: then 2 of 4 applicable at C+ (1.1.3 不适用, 1.2.2 pending), now 4 of 5.
    assert_eq!(cmp.chapters[0].old_share, Some(0.5));
    assert_eq!(cmp.chapters[0].new_share, Some(0.8));
}
