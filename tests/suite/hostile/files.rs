//! What enters: imports, merges and typed fields pass the gate or are refused whole.

use pingshen::scoring::Grade;
use pingshen::store::{Assessment, Conflict, Evidence, HistoryEntry};

use super::*;

// 1. Path traversal: an id that is a path must never become one.
#[test]
fn an_export_whose_id_is_a_path_is_refused_and_nothing_outside_is_touched() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, export) = fixture(root.path());
    let victim = root.path().join("victim");
    std::fs::create_dir_all(&victim).unwrap();
    for n in 0..12 {
        std::fs::write(victim.join(format!("{n:02}.json")), "keep").unwrap();
    }
    let victim_before = snapshot(&victim);
    for id in [
        victim.display().to_string(),
        "../victim".to_string(),
        "../../victim".to_string(),
        "..".to_string(),
    ] {
        let mut bad = export.clone();
        bad.inspection.id = id;
        let file = write(root.path(), "bad.json", &bad);
        refused(&data, &file, "不是 pingshen 的编号格式");
    }
    // The next start (backups) and a delete touch nothing outside the data dir.
    pingshen(&data).arg("list").assert().success();
    assert_eq!(victim_before, snapshot(&victim));
}

// 2. Key injection: an id with a NUL would read another inspection's records.
#[test]
fn ids_with_nul_are_refused_at_the_gate_and_on_the_command_line() {
    let root = tempfile::tempdir().unwrap();
    let (data, id, export) = fixture(root.path());
    for bad_id in [format!("{id}\0x"), "\0".to_string(), String::new()] {
        let mut bad = export.clone();
        bad.inspection.id = bad_id;
        bad.assessments
            .iter_mut()
            .for_each(|a| a.grade = Some(Grade::A));
        let file = write(root.path(), "bad.json", &bad);
        refused(&data, &file, "不是 pingshen 的编号格式");
    }
    // The real inspection still shows its own grades.
    let a = pingshen(&data)
        .args(["show", &id, "--json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_str(&stdout_of(&a)).unwrap();
    assert_eq!(v["assessments"]["1.1.2"]["grade"], "D");
    // A typed id with a NUL or a path names nothing, and says so.
    let a = pingshen(&data).args(["show", "../x"]).assert().failure();
    assert!(stderr_of(&a).contains("找不到编号"), "{}", stderr_of(&a));
}

// 3. Panics from a file: a conflict with no versions; versions superseding each other.
#[test]
fn a_conflict_without_two_versions_is_refused_and_nothing_panics() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, export) = fixture(root.path());
    for candidates in [Vec::new(), vec![export.assessments[0].clone()]] {
        let mut bad = export.clone();
        bad.conflicts = vec![Conflict {
            item_id: "1.1.1".into(),
            candidates,
        }];
        let file = write(root.path(), "bad.json", &bad);
        refused(&data, &file, "冲突至少要有两个不同的版本");
    }
    // A version of another item hidden in a conflict.
    let mut bad = export.clone();
    let mut other = export.assessments[1].clone();
    other.item_id = "1.1.2".into();
    bad.conflicts = vec![Conflict {
        item_id: "1.1.1".into(),
        candidates: vec![export.assessments[0].clone(), other],
    }];
    let file = write(root.path(), "bad.json", &bad);
    refused(&data, &file, "混有条款");
}

#[test]
fn versions_that_supersede_each_other_merge_without_a_panic() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, export) = fixture(root.path());
    let mut one = export.clone();
    let mut two = export.clone();
    let a = &mut one.assessments[0];
    let b = &mut two.assessments[0];
    b.grade = Some(Grade::C);
    b.at = pingshen::time::Stamp::parse("2026-11-23T10:00:00.000+08:00").unwrap();
    a.supersedes = vec![b.at];
    b.supersedes = vec![a.at];
    let f1 = write(root.path(), "one.json", &one);
    let f2 = write(root.path(), "two.json", &two);
    let out = pingshen(&data)
        .args(["merge"])
        .arg(&f1)
        .arg(&f2)
        .assert()
        .success();
    assert!(
        stdout_of(&out).contains("评分不一致"),
        "{}",
        stdout_of(&out)
    );
}

// 4. Unchecked content: unknown items, 不适用 where not allowed, wrapping seq numbers.
#[test]
fn grades_the_checklist_does_not_allow_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, export) = fixture(root.path());

    let mut unknown = export.clone();
    unknown.assessments.push(Assessment {
        item_id: "9.9.9".into(),
        ..export.assessments[0].clone()
    });
    let file = write(root.path(), "bad.json", &unknown);
    refused(&data, &file, "条款「9.9.9」不在检查使用的清单中");

    let mut twice = export.clone();
    twice.assessments.push(export.assessments[0].clone());
    let file = write(root.path(), "bad.json", &twice);
    refused(&data, &file, "出现了不止一次");

    // 1.1.1 of the community checklist does not allow 不适用.
    let mut na = export.clone();
    na.assessments[0].grade = Some(Grade::NotApplicable);
    let file = write(root.path(), "bad.json", &na);
    refused(&data, &file, "清单不允许该条款不适用");

    let mut wrap = export.clone();
    let last = wrap.history.last().unwrap().clone();
    wrap.history.push(HistoryEntry {
        seq: u64::MAX,
        ..last
    });
    let file = write(root.path(), "bad.json", &wrap);
    refused(&data, &file, "历史记录的序号不连贯");

    let mut backwards = export.clone();
    backwards.history.reverse();
    let file = write(root.path(), "bad.json", &backwards);
    refused(&data, &file, "历史记录的序号不连贯");
}

// 5. No size limits: a 60 MB export is refused before it is read.
#[test]
fn an_export_over_the_size_limit_is_refused_unread() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, export) = fixture(root.path());
    let file = write(root.path(), "big.json", &export);
    let f = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    f.set_len(60 * 1024 * 1024).unwrap();
    let before = snapshot(&data);
    for cmd in ["import", "merge"] {
        let a = pingshen(&data).arg(cmd).arg(&file).assert().failure();
        let err = stderr_of(&a);
        assert!(err.contains("太大（60 MB，上限 50 MB）"), "{err}");
    }
    assert_eq!(before, snapshot(&data));

    // A note over the limit is refused with a message, and the item keeps its note.
    let mut long = export.clone();
    long.assessments[0].note = "长".repeat(100 * 1024);
    let file = write(root.path(), "long.json", &long);
    refused(&data, &file, "备注超过 256 KB");
}

// 13. Import skips the cleaning that typed input gets: no longer.
#[test]
fn imported_text_is_cleaned_like_typed_text() {
    let root = tempfile::tempdir().unwrap();
    let (data, id, mut export) = fixture(root.path());
    export.inspection.institution.name = "东城\u{1b}]0;x\u{7}中心\u{202e}".into();
    export.assessments[0].note = "发现\u{1b}[2J问题\r\n第二行\u{202e}".into();
    export.history[0].by = "张三\u{1b}[31m".into();
    let other = tempfile::tempdir().unwrap();
    let file = write(root.path(), "dirty.json", &export);
    pingshen(other.path())
        .arg("import")
        .arg(&file)
        .assert()
        .success();
    let a = pingshen(other.path())
        .args(["show", &id, "--json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_str(&stdout_of(&a)).unwrap();
    assert_eq!(v["inspection"]["institution"]["name"], "东城]0;x中心");
    assert_eq!(v["assessments"]["1.1.1"]["note"], "发现[2J问题\n第二行");
    drop(data);
}

#[test]
fn the_cli_and_the_form_accept_the_same_new_inspection() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let base = [
        "new",
        "--checklist",
        "community-2022",
        "--institution",
        "和平里社区卫生服务中心",
        "--region",
        "东城区",
        "--inspector",
        "张三",
    ];
    let a = pingshen(&data)
        .args(base)
        .args(["--phone", "abc😀"])
        .assert()
        .failure();
    assert!(
        stderr_of(&a).contains("联系电话：只能包含数字、空格和 - + ( )"),
        "{}",
        stderr_of(&a)
    );
    let a = pingshen(&data)
        .args(base)
        .args(["--date", "2026-13-45"])
        .assert()
        .failure();
    assert!(stderr_of(&a).contains("没有 13 月"), "{}", stderr_of(&a));
    // The same rule, asked of the store the form uses.
    let mut new = common::new_inspection("和平里社区卫生服务中心");
    new.institution.phone = "abc😀".into();
    let problems = new.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, pingshen::store::NewField::Phone);
    // Dates as people write them are understood.
    let a = pingshen(&data)
        .args(base)
        .args(["--date", "2026/12/1"])
        .assert()
        .success();
    let id = stdout_of(&a).trim().to_string();
    let a = pingshen(&data)
        .args(["show", &id, "--json"])
        .assert()
        .success();
    assert!(stdout_of(&a).contains("\"date\": \"2026-12-01\""));
}

/// Evidence with a hash that is not one is refused too.
#[test]
fn evidence_must_carry_a_real_hash() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, mut export) = fixture(root.path());
    export.assessments[0].evidence.push(Evidence {
        path: "照片.jpg".into(),
        sha256: "../../etc/passwd".into(),
    });
    let file = write(root.path(), "bad.json", &export);
    refused(&data, &file, "sha256「../../etc/passwd」格式不正确");
}

// A field this pingshen does not know is refused, not dropped on the floor: the file
// may come from a newer pingshen whose data an import would otherwise lose silently.
#[test]
fn unknown_fields_and_newer_formats_are_refused_not_dropped() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, export) = fixture(root.path());
    let file = root.path().join("newer.json");
    for (place, edit) in [
        ("评分", "/assessments/0"),
        ("检查", "/inspection"),
        ("机构", "/inspection/institution"),
        ("历史", "/history/0"),
    ] {
        let mut v = serde_json::to_value(&export).unwrap();
        v.pointer_mut(edit)
            .and_then(|x| x.as_object_mut())
            .unwrap()
            .insert("photo_hash".into(), "abc".into());
        crate::common::seal_json(&v, &file);
        let before = snapshot(&data);
        let a = pingshen(&data).arg("import").arg(&file).assert().failure();
        let err = stderr_of(&a);
        assert!(err.contains("photo_hash"), "{place}: {err}");
        assert_eq!(
            snapshot(&data),
            before,
            "{place}: a refused file changes nothing"
        );
    }
    // A newer format version is refused before its payload is read.
    let text = std::fs::read_to_string(write(root.path(), "ok.json", &export)).unwrap();
    let newer = text.replacen("\"format_version\":1", "\"format_version\":2", 1);
    assert_ne!(newer, text);
    std::fs::write(&file, newer).unwrap();
    let a = pingshen(&data).arg("import").arg(&file).assert().failure();
    assert!(stderr_of(&a).contains("更新"), "{}", stderr_of(&a));
}
