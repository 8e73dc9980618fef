//! The store keeps everything it is given, exactly, and says so only once it is on disk.

use crate::common;

use common::*;
use pingshen::scoring::Grade;
use pingshen::store::*;

#[test]
fn every_field_round_trips_through_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut new = new_inspection("𠀀喆堃社区卫生服务中心 🏥");
    new.institution.head = "赟犇".into();
    new.review_kind = ReviewKind::LookBack;
    new.inspectors = vec!["琇垚".into(), "Zhang San".into()];
    let evidence_file = dir.path().join("排班表.pdf");
    std::fs::write(&evidence_file, b"roster").unwrap();

    let (id, created) = {
        let store = Store::open(dir.path()).unwrap();
        let (c, s) = shipped("township-2022");
        let insp = store.create(new.clone(), &c, &s, "琇垚").unwrap();
        let saved = store
            .update(
                &insp.id,
                "2.3.4",
                &[
                    Edit::Grade(Some(Grade::NotApplicable)),
                    Edit::Note("未开展手术\n第二行：𠀀 and emoji 🩺".into()),
                    Edit::CorrectiveAction("无".into()),
                    Edit::AddEvidence(Evidence::named(
                        &evidence_file.display().to_string(),
                        &pingshen::checklist::sha256_hex(b"roster"),
                    )),
                ],
                "琇垚",
            )
            .unwrap();
        assert!(saved.changed);
        store
            .grade(&insp.id, "1.1.1", Some(Grade::B), "Zhang San")
            .unwrap();
        (insp.id.clone(), insp)
    };

    // A fresh process would see the same: reopen from disk.
    let store = Store::open(dir.path()).unwrap();
    let got = store.get(&id).unwrap();
    assert_eq!(got.institution, created.institution);
    assert_eq!(got.institution.name, "𠀀喆堃社区卫生服务中心 🏥");
    assert_eq!(got.review_kind, ReviewKind::LookBack);
    assert_eq!(got.inspectors, vec!["琇垚", "Zhang San"]);
    assert_eq!(got.date.to_string(), "2026-11-23");
    assert_eq!(got.status, Progress::InProgress);
    assert_eq!(got.checklist, created.checklist);
    assert_eq!(got.checklist.id, "township-2022");
    // The pinned text is the checklist's exact text.
    let (_, s) = shipped("township-2022");
    assert_eq!(store.checklist_text(&got.checklist.sha256).unwrap(), s.text);

    let a = store.assessment(&id, "2.3.4").unwrap().unwrap();
    assert_eq!(a.grade, Some(Grade::NotApplicable));
    assert_eq!(a.note, "未开展手术\n第二行：𠀀 and emoji 🩺");
    assert_eq!(a.corrective_action, "无");
    assert_eq!(a.evidence.len(), 1);
    assert_eq!(
        a.evidence[0].sha256,
        pingshen::checklist::sha256_hex(b"roster")
    );
    assert_eq!(a.by, "琇垚");
    assert!(a.at.rfc3339().starts_with("20"));
    assert_eq!(
        store.assessment(&id, "1.1.1").unwrap().unwrap().by,
        "Zhang San"
    );
}

#[test]
fn export_then_import_gives_back_exactly_the_same() {
    let src = tempfile::tempdir().unwrap();
    let (store, insp) = store_with_inspection(src.path(), "community-2022");
    store
        .grade(&insp.id, "1.1.1", Some(Grade::A), "张三")
        .unwrap();
    store
        .update(
            &insp.id,
            "1.2.4",
            &[
                Edit::Grade(Some(Grade::D)),
                Edit::CorrectiveAction("三个月内整改".into()),
            ],
            "李四",
        )
        .unwrap();
    let file = src.path().join("out.pingshen");
    let read = export_to(&store, &insp.id, &file);
    assert_eq!(
        read.entries.len(),
        4,
        "创建, 1.1.1 档次, 1.2.4 档次 and 整改意见"
    );

    let dst = tempfile::tempdir().unwrap();
    let other = Store::open(dst.path()).unwrap();
    let trust = trusting(&[&read]);
    assert_eq!(
        other.import(&read, &trust).unwrap(),
        ImportOutcome::Imported
    );
    assert_eq!(other.get(&insp.id).unwrap(), store.get(&insp.id).unwrap());
    assert_eq!(
        other.assessments(&insp.id).unwrap(),
        store.assessments(&insp.id).unwrap()
    );
    assert_eq!(
        other.history(&insp.id, None).unwrap(),
        store.history(&insp.id, None).unwrap()
    );
    // Importing the same file again changes nothing.
    assert_eq!(
        other.import(&read, &trust).unwrap(),
        ImportOutcome::AlreadyPresent
    );
    // New changes after an import continue the history in order.
    other
        .grade(&insp.id, "1.1.1", Some(Grade::B), "王五")
        .unwrap();
    let h = other.history(&insp.id, Some("1.1.1")).unwrap();
    assert_eq!(h.last().unwrap().new, "B");
    assert!(h.windows(2).all(|w| w[0].seq < w[1].seq));
}

#[test]
fn the_history_has_an_entry_for_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let (store, insp) = store_with_inspection(dir.path(), "community-2022");
    let id = &insp.id;
    store.grade(id, "2.1.1", Some(Grade::C), "张三").unwrap();
    store.grade(id, "2.1.1", Some(Grade::B), "李四").unwrap();
    store
        .update(id, "2.1.1", &[Edit::Note("抽查10份病历".into())], "李四")
        .unwrap();
    store
        .update(
            id,
            "2.1.1",
            &[Edit::CorrectiveAction("补齐记录".into())],
            "李四",
        )
        .unwrap();
    store.grade(id, "2.1.1", None, "张三").unwrap();
    // Saving the same thing again is not a change.
    let same = store.grade(id, "2.1.1", None, "张三").unwrap();
    assert!(!same.changed);

    let h = store.history(id, Some("2.1.1")).unwrap();
    let lines: Vec<(&str, &str, &str, &str)> = h
        .iter()
        .map(|e| {
            (
                e.by.as_str(),
                e.field.as_str(),
                e.old.as_str(),
                e.new.as_str(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            ("张三", "档次", "待评", "C"),
            ("李四", "档次", "C", "B"),
            ("李四", "备注", "", "抽查10份病历"),
            ("李四", "整改意见", "", "补齐记录"),
            ("张三", "档次", "B", "待评"),
        ]
    );
    // The whole history also has the creation.
    assert_eq!(store.history(id, None).unwrap()[0].field, "创建");
}

#[test]
fn a_second_store_on_the_same_dir_is_refused_with_the_dir_named() {
    let dir = tempfile::tempdir().unwrap();
    let _first = Store::open(dir.path()).unwrap();
    let err = Store::open(dir.path()).err().expect("second open refused");
    let text = err.to_string();
    assert!(matches!(err, StoreError::Locked { .. }));
    assert!(text.contains(&dir.path().display().to_string()), "{text}");
    assert!(text.contains("另一个 pingshen"), "{text}");
}

#[test]
fn tampered_truncated_and_foreign_exports_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (store, insp, _) = graded_b(dir.path());
    let file = dir.path().join("e.pingshen");
    store.export(&insp.id).unwrap().write(&file).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();

    // A grade changed after signing: the exporter's signature no longer holds.
    let tampered = text.replacen("\"new\":\"B\"", "\"new\":\"A\"", 1);
    assert_ne!(tampered, text);
    std::fs::write(&file, &tampered).unwrap();
    let err = read_bundle(&file).unwrap_err();
    assert!(matches!(err, EnvelopeError::BadSignature { .. }), "{err}");
    assert!(err.to_string().contains("签名不符"), "{err}");

    std::fs::write(&file, &text.as_bytes()[..text.len() / 2]).unwrap();
    let err = read_bundle(&file).unwrap_err();
    assert!(matches!(err, EnvelopeError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("截断"));

    std::fs::write(
        &file,
        text.replacen(
            &format!(
                "\"format_version\":{}",
                pingshen::store::BUNDLE_FORMAT_VERSION
            ),
            "\"format_version\":7",
            1,
        ),
    )
    .unwrap();
    let err = read_bundle(&file).unwrap_err();
    assert!(
        matches!(err, EnvelopeError::TooNew { found: 7, .. }),
        "{err}"
    );

    std::fs::write(&file, text.replacen("pingshen-bundle", "something-else", 1)).unwrap();
    assert!(matches!(
        read_bundle(&file).unwrap_err(),
        EnvelopeError::WrongFormat { .. }
    ));
}

#[test]
fn repin_reports_changes_and_keeps_orphaned_grades() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let v1 = include_str!("fixtures/small.toml");
    let (c1, s1) = source(v1, "small.toml");
    let insp = store
        .create(new_inspection("测试中心"), &c1, &s1, "张三")
        .unwrap();
    store
        .grade(&insp.id, "2.1.3", Some(Grade::B), "张三")
        .unwrap();
    store
        .update(
            &insp.id,
            "2.1.3",
            &[Edit::Note("长期处方10份均合规".into())],
            "张三",
        )
        .unwrap();
    store
        .grade(&insp.id, "1.1.2", Some(Grade::C), "张三")
        .unwrap();

    // v2: 2.1.3 removed, 1.1.2 reworded, 2.1.4 added.
    let cut = v1
        .find("    [[chapter.section.item]]\n    id = \"2.1.3\"")
        .unwrap();
    let v2 = v1[..cut]
        .replace("每万服务人口全科医生≥3名。", "每万服务人口全科医生≥4名。")
        .replace("version = \"1\"", "version = \"2\"")
        + "    [[chapter.section.item]]\n    id = \"2.1.4\"\n    title = \"上门服务\"\n    tier = \"基本标准\"\n    methods = [\"查阅资料\"]\n    c = \"有上门服务记录。\"\n";
    let (c2, s2) = source(&v2, "small.toml");

    let preview = store.repin_preview(&insp.id, &c2, &s2).unwrap();
    assert_eq!(
        store.get(&insp.id).unwrap().checklist.version,
        "1",
        "preview changes nothing"
    );
    let report = store.repin(&insp.id, &c2, &s2, "张三").unwrap();
    assert_eq!(report.added, vec!["2.1.4"]);
    assert_eq!(report.removed, vec!["2.1.3"]);
    assert_eq!(report.reworded, vec!["1.1.2"]);
    assert_eq!(report.orphaned, vec!["2.1.3"]);
    assert_eq!(preview.orphaned, report.orphaned);

    let after = store.get(&insp.id).unwrap();
    assert_eq!(after.checklist.version, "2");
    assert_eq!(after.checklist.sha256, s2.sha256());
    let kept = store.assessment(&insp.id, "2.1.3").unwrap().unwrap();
    assert_eq!(kept.grade, Some(Grade::B));
    assert_eq!(kept.note, "长期处方10份均合规");
    let h = store.history(&insp.id, None).unwrap();
    assert_eq!(h.last().unwrap().field, "清单");
}

#[test]
fn refusals_leave_the_store_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (store, insp, before) = graded_b(dir.path());

    let e = store
        .grade("nope", "1.1.1", Some(Grade::A), "x")
        .unwrap_err();
    assert!(matches!(e, StoreError::UnknownInspection(_)));
    assert_eq!(e.hint(), Some(pingshen::store::Hint::ListInspections));
    let e = store
        .grade(&insp.id, "9.9.9", Some(Grade::A), "x")
        .unwrap_err();
    assert!(matches!(e, StoreError::UnknownItem { .. }), "{e}");
    // 1.2.4 (发热诊室) does not allow 不适用.
    let e = store
        .grade(&insp.id, "1.2.4", Some(Grade::NotApplicable), "x")
        .unwrap_err();
    assert!(matches!(e, StoreError::NotApplicableRefused { .. }), "{e}");
    assert_eq!(record_of(&store, &insp.id), before);
}

#[test]
fn ids_resolve_from_a_unique_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let (store, insp) = store_with_inspection(dir.path(), "community-2022");
    assert_eq!(store.resolve(&insp.id[..4]).unwrap(), insp.id);
    assert!(matches!(
        store.resolve("zz"),
        Err(StoreError::UnknownInspection(_))
    ));
}

#[test]
fn delete_keeps_an_export_that_imports_back() {
    let dir = tempfile::tempdir().unwrap();
    let (store, insp, before) = graded_b(dir.path());
    let kept = store.delete(&insp.id).unwrap();
    assert!(store.get(&insp.id).is_err());
    assert!(store.assessments(&insp.id).unwrap().is_empty());
    assert!(store.list().unwrap().is_empty());
    let back = read_bundle(&kept).unwrap();
    store.import(&back, &trusting(&[&back])).unwrap();
    assert_eq!(record_of(&store, &insp.id), before);
}

/// sled is only a projection of the journals: a database destroyed file by file is
/// moved aside and rebuilt from them when the store opens, and `recover` does the
/// same on demand; no saved change is lost either way.
#[test]
fn a_damaged_database_is_rebuilt_from_the_journals() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let (store, insp) = store_with_inspection(dir.path(), "community-2022");
        store
            .grade(&insp.id, "1.1.1", Some(Grade::A), "张三")
            .unwrap();
        store
            .update(
                &insp.id,
                "1.1.1",
                &[Edit::Note("花名册齐全".into())],
                "张三",
            )
            .unwrap();
        insp.id
    };
    // Damage every file of the database.
    for entry in walk(&dir.path().join("db")) {
        let len = std::fs::metadata(&entry).unwrap().len() as usize;
        std::fs::write(&entry, vec![0xA5u8; len.max(64)]).unwrap();
    }
    {
        let store = Store::open(dir.path()).unwrap();
        let warning = store.take_warning().unwrap_or_default();
        assert!(warning.contains("已从 1 个检查的日志重建"), "{warning}");
        let a = store.assessment(&id, "1.1.1").unwrap().unwrap();
        assert_eq!(a.grade, Some(Grade::A));
        assert_eq!(a.note, "花名册齐全");
    }
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("db.damaged-"))
        .collect();
    assert_eq!(aside.len(), 1, "the damaged database is kept aside");

    let identity = std::sync::Arc::new(pingshen::identity::Identity::throwaway("张三"));
    let report = recover(dir.path(), identity).unwrap();
    assert_eq!(report.restored.len(), 1);
    assert!(report.moved_aside.as_ref().unwrap().exists());
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(
        store.assessment(&id, "1.1.1").unwrap().unwrap().note,
        "花名册齐全"
    );
}

#[test]
fn a_newer_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    {
        let db = crate::common::sled_open(&dir.path().join("db"));
        db.open_tree("meta")
            .unwrap()
            .insert("schema_version", &99u32.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let err = Store::open(dir.path()).err().expect("refused");
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("升级"));
}

/// A backup is the journal copied (compressed), and extended by what was added since:
/// after [`BACKUP_EVERY`] changes it holds the journal again, whole.
#[test]
fn a_backup_is_taken_every_so_many_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (store, insp) = store_with_inspection(dir.path(), "community-2022");
    let journal = dir
        .path()
        .join("journals")
        .join(format!("{}.jsonl", insp.id));
    let backup = backup_path(dir.path(), &insp.id);
    assert_eq!(read_backup(&backup), std::fs::read(&journal).unwrap());
    let (c, _) = shipped("community-2022");
    let items: Vec<String> = c.items().map(|(_, _, i)| i.id.clone()).collect();
    for item in items.iter().take(BACKUP_EVERY as usize - 1) {
        store.grade(&insp.id, item, Some(Grade::C), "张三").unwrap();
    }
    assert!(read_backup(&backup).len() < std::fs::metadata(&journal).unwrap().len() as usize);
    store
        .grade(
            &insp.id,
            &items[BACKUP_EVERY as usize],
            Some(Grade::C),
            "张三",
        )
        .unwrap();
    let journal_bytes = std::fs::read(&journal).unwrap();
    assert_eq!(read_backup(&backup), journal_bytes);
    assert!(
        std::fs::metadata(&backup).unwrap().len() * 2 < journal_bytes.len() as u64,
        "kept compressed: {} of {} bytes",
        std::fs::metadata(&backup).unwrap().len(),
        journal_bytes.len()
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Several items in one transaction: all saved with one history entry each, or, when
/// one is refused, none.
#[test]
fn update_many_saves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (store, insp) = store_with_inspection(dir.path(), "township-2022");
    let (c, _) = shipped("township-2022");
    let refuses_na = c
        .items()
        .map(|(_, _, it)| it)
        .find(|it| !it.allow_na)
        .unwrap()
        .id
        .clone();
    let before = record_of(&store, &insp.id);
    let a = [Edit::Grade(Some(Grade::C))];
    let na = [Edit::Grade(Some(Grade::NotApplicable))];
    let err = store
        .update_many(
            &insp.id,
            &[("1.1.1", &a), (refuses_na.as_str(), &na)],
            "张三",
        )
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotApplicableRefused { .. }),
        "{err}"
    );
    assert_eq!(record_of(&store, &insp.id), before, "nothing written");

    let d = [Edit::Grade(Some(Grade::D)), Edit::Note("记录缺失".into())];
    let saved = store
        .update_many(
            &insp.id,
            &[("1.1.1", &a), ("1.1.2", &d), ("1.1.1", &a)],
            "张三",
        )
        .unwrap();
    assert_eq!(saved.len(), 3);
    assert!(saved[0].changed && saved[1].changed && !saved[2].changed);
    assert_eq!(
        store.assessment(&insp.id, "1.1.1").unwrap().unwrap().grade,
        Some(Grade::C)
    );
    assert_eq!(
        store.assessment(&insp.id, "1.1.2").unwrap().unwrap().note,
        "记录缺失"
    );
    let history = store.history(&insp.id, None).unwrap();
    let item_entries = history.iter().filter(|e| !e.item_id.is_empty()).count();
    assert_eq!(item_entries, 3, "档次 of 1.1.1, 档次 and 备注 of 1.1.2");
}

/// A community inspection with 1.1.1 graded B by 张三, and its record as it stands.
fn graded_b(dir: &std::path::Path) -> (Store, Inspection, String) {
    let (store, insp) = store_with_inspection(dir, "community-2022");
    store
        .grade(&insp.id, "1.1.1", Some(Grade::B), "张三")
        .unwrap();
    let record = record_of(&store, &insp.id);
    (store, insp, record)
}

/// Found by the crash test: a write a kill cut off leaves half a line at the journal's
/// end; a backup taken then must not copy it, or the next append (which cuts it off)
/// leaves the backup with that half spliced onto the next entry — a line that reads as
/// an entry with a signature that does not hold, which a recovery took in.
#[test]
fn a_half_written_line_never_reaches_the_backup() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let (store, insp) = store_with_inspection(dir.path(), "township-2022");
        store
            .grade(&insp.id, "1.1.1", Some(Grade::B), "张三")
            .unwrap();
        insp.id
    };
    let journal = dir.path().join("journals").join(format!("{id}.jsonl"));
    let text = std::fs::read_to_string(&journal).unwrap();
    let last = text.lines().last().unwrap().to_string();
    // A killed write: the first half of an entry like the last one, no newline.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap();
    std::io::Write::write_all(&mut f, &last.as_bytes()[..last.len() / 2]).unwrap();
    drop(f);
    {
        // Opening backs up what changed; the next grade cuts the half line off.
        let store = Store::open(dir.path()).unwrap();
        store.grade(&id, "1.1.2", Some(Grade::C), "张三").unwrap();
        store.backup_inspection(&id).unwrap();
    }
    let backup = read_backup(&backup_path(dir.path(), &id));
    assert_eq!(
        backup,
        std::fs::read(&journal).unwrap(),
        "the backup is the journal"
    );
    // And a recovery from it alone gives both grades.
    std::fs::remove_file(&journal).unwrap();
    let identity = std::sync::Arc::new(pingshen::identity::Identity::throwaway("张三"));
    let report = recover(dir.path(), identity).unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    let store = Store::open(dir.path()).unwrap();
    let a = store.assessments(&id).unwrap();
    assert_eq!(a["1.1.1"].grade, Some(Grade::B));
    assert_eq!(a["1.1.2"].grade, Some(Grade::C));
    assert_eq!(store.verify().unwrap().broken().count(), 0);
}
