//! What enters: imports, merges and typed fields pass the gate or are refused whole.
//! The files here are crafted by a holder of a real key ([`super::crafter`]): every
//! signature holds, so only the gate stands between their content and the store.

use pingshen::identity::Identity;

use super::*;

// 1. Path traversal: an id that is a path must never become one.
#[test]
fn a_bundle_whose_id_is_a_path_is_refused_and_nothing_outside_is_touched() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, bundle) = fixture(root.path());
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
        let mut v = common::payload(&bundle);
        set_id(&mut v, &id);
        let file = write(root.path(), "bad.pingshen", v);
        refused(&data, &file, "不是 pingshen 的编号格式");
    }
    // The next start (backups) and a delete touch nothing outside the data dir.
    pingshen(&data).arg("list").assert().success();
    assert_eq!(victim_before, snapshot(&victim));
}

fn set_id(v: &mut serde_json::Value, id: &str) {
    v["inspection"] = id.into();
    for e in v["entries"].as_array_mut().unwrap() {
        e["inspection"] = id.into();
    }
}

/// The entries of `v` that set a grade, by position.
fn grade_entries(v: &serde_json::Value) -> Vec<usize> {
    let entries = v["entries"].as_array().unwrap();
    (0..entries.len())
        .filter(|&i| entries[i]["change"]["kind"] == "grade")
        .collect()
}

// 2. Key injection: an id with a NUL would read another inspection's records.
#[test]
fn ids_with_nul_are_refused_at_the_gate_and_on_the_command_line() {
    let root = tempfile::tempdir().unwrap();
    let (data, id, bundle) = fixture(root.path());
    for bad_id in [format!("{id}\0x"), "\0".to_string(), String::new()] {
        let mut v = common::payload(&bundle);
        set_id(&mut v, &bad_id);
        for i in grade_entries(&v) {
            v["entries"][i]["change"]["new"] = "A".into();
        }
        let file = write(root.path(), "bad.pingshen", v);
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

// 3. Forgery: a grade changed and the checksum recomputed; entries from a key nobody
// trusts; a forged parent; a rewrite of history.
#[test]
fn a_grade_changed_after_signing_is_refused_whatever_is_recomputed() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, bundle) = fixture(root.path());
    let file = root.path().join("forged.pingshen");
    // The payload edited and the bundle signed again, the entry's own signature left:
    // the entry's signature no longer holds.
    let mut v = common::payload(&bundle);
    let i = grade_entries(&v)[1];
    assert_eq!(v["entries"][i]["change"]["new"], "D");
    v["entries"][i]["change"]["new"] = "A".into();
    common::sign_json(&v, &file, &crafter());
    refused(&data, &file, "签名不符");
    // Only the bundle's bytes edited: its signature no longer holds.
    let good = root.path().join("good.pingshen");
    common::sign_json(&common::payload(&bundle), &good, &crafter());
    let text =
        std::fs::read_to_string(&good)
            .unwrap()
            .replacen("\"new\":\"D\"", "\"new\":\"A\"", 1);
    std::fs::write(&file, text).unwrap();
    refused(&data, &file, "签名不符");
    // The old format: a bare checksum anyone can recompute.
    let payload = r#"{"inspection":{},"checklist_text":"","assessments":[],"history":[]}"#;
    std::fs::write(
        &file,
        format!(
            r#"{{"format":"pingshen-export","format_version":1,"checksum":"sha256:{}","payload":{payload}}}"#,
            pingshen::checklist::sha256_hex(payload.as_bytes())
        ),
    )
    .unwrap();
    refused(&data, &file, "旧版 pingshen 的导出文件");
}

#[test]
fn entries_signed_by_an_unknown_key_are_shown_and_refused_until_trusted() {
    let root = tempfile::tempdir().unwrap();
    let (data, id, bundle) = fixture(root.path());
    // 李四 on another laptop grades 1.1.2 A, after the fixture's D.
    let stranger = Identity::from_seed("李四", [9; 32]);
    let file = root.path().join("stranger.pingshen");
    common::with_entry(
        &bundle,
        bundle.entries.len() - 1,
        "李四",
        "2026-11-23T10:00:00.000+08:00",
        serde_json::json!({"kind": "grade", "item": "1.1.2", "old": "D", "new": "A"}),
        &stranger,
        &file,
    );
    let fp = stranger.public_key().fingerprint();
    let before = snapshot(&data);
    let a = pingshen(&data).arg("import").arg(&file).assert().failure();
    let err = stderr_of(&a);
    assert!(
        err.contains("第一次见到的签名密钥") && err.contains(&fp),
        "{err}"
    );
    assert!(err.contains("pingshen keys trust"), "{err}");
    same(&before, &snapshot(&data), "an import of untrusted keys");
    // Trusted once (here with --trust), the grade merges and the key is remembered.
    pingshen(&data)
        .args(["import", "--trust"])
        .arg(&file)
        .assert()
        .success();
    let a = pingshen(&data)
        .args(["show", &id, "--json"])
        .assert()
        .success();
    let shown: serde_json::Value = serde_json::from_str(&stdout_of(&a)).unwrap();
    assert_eq!(shown["assessments"]["1.1.2"]["grade"], "A");
    assert_eq!(shown["assessments"]["1.1.2"]["by"], "李四");
    let a = pingshen(&data).arg("keys").assert().success();
    assert!(stdout_of(&a).contains(&fp), "{}", stdout_of(&a));
    // Revoked, the key's new entries are refused from then on; trusted again from
    // the file, they merge.
    pingshen(&data)
        .args(["keys", "revoke", &fp])
        .assert()
        .success();
    let later = root.path().join("later.pingshen");
    common::with_entry(
        &bundle,
        bundle.entries.len() - 1,
        "李四",
        "2026-11-23T11:00:00.000+08:00",
        serde_json::json!({"kind": "note", "item": "1.1.2", "old": "", "new": "复查"}),
        &stranger,
        &later,
    );
    let a = pingshen(&data).arg("merge").arg(&later).assert().failure();
    assert!(stderr_of(&a).contains("已被吊销"), "{}", stderr_of(&a));
    pingshen(&data)
        .args(["keys", "trust", &fp, "--from"])
        .arg(&later)
        .assert()
        .success();
    pingshen(&data).arg("merge").arg(&later).assert().success();
}

#[test]
fn forged_parents_are_refused_and_a_rewritten_history_is_a_visible_conflict() {
    let root = tempfile::tempdir().unwrap();
    let (data, id, bundle) = fixture(root.path());
    let crafted = crafter();
    // A parent that is no entry of the journal.
    let file = root.path().join("parent.pingshen");
    let mut v = common::payload(&bundle);
    let unknown = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([0xab; 32])
    };
    v["entries"][2]["parents"] = serde_json::json!([unknown]);
    common::sign_json(&v, &file, &crafted);
    refused(&data, &file, "不在它之前");
    // The whole history signed anew from the creation on, by a key trusted once it
    // is shown: another root, refused all the same.
    let file = write(root.path(), "rewrite.pingshen", common::payload(&bundle));
    let before = snapshot(&data);
    let a = pingshen(&data)
        .args(["import", "--trust"])
        .arg(&file)
        .assert()
        .failure();
    assert!(
        stderr_of(&a).contains("不是同一份记录"),
        "{}",
        stderr_of(&a)
    );
    same(&before, &snapshot(&data), "a rewritten history");

    // Written as if the D of 1.1.2 had never been given (after the entry before it):
    // the A cannot replace the D silently; both stand as a conflict for the lead.
    let d_at = grade_entries(&common::payload(&bundle))[1];
    let file = root.path().join("around.pingshen");
    common::with_entry(
        &bundle,
        d_at - 1,
        "张三",
        "2026-11-23T10:00:00.000+08:00",
        serde_json::json!({"kind": "grade", "item": "1.1.2", "old": null, "new": "A"}),
        &crafted,
        &file,
    );
    pingshen(&data)
        .args(["import", "--trust"])
        .arg(&file)
        .assert()
        .success();
    let a = pingshen(&data).args(["conflicts", &id]).assert().success();
    let out = stdout_of(&a);
    assert!(
        out.contains("条款 1.1.2") && out.contains("不达标"),
        "{out}"
    );
}

// 4. Unchecked content: unknown items, grades the checklist does not allow.
#[test]
fn grades_the_checklist_does_not_allow_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, bundle) = fixture(root.path());
    let edit = |item: &str, grade: &str| {
        let mut v = common::payload(&bundle);
        let i = grade_entries(&v)[0];
        v["entries"][i]["change"]["item"] = item.into();
        v["entries"][i]["change"]["new"] = grade.into();
        v
    };
    let file = write(root.path(), "bad.pingshen", edit("9.9.9", "B"));
    refused(&data, &file, "条款「9.9.9」不在所用的清单中");
    // 1.1.1 of the community checklist does not allow 不适用.
    let file = write(root.path(), "bad.pingshen", edit("1.1.1", "NotApplicable"));
    refused(&data, &file, "清单不允许");
    // An item with only a C text cannot be graded A.
    let (c, _) = common::shipped("community-2022");
    let c_only = c
        .items()
        .map(|(_, _, it)| it)
        .find(|it| it.max_level() == pingshen::checklist::Level::C)
        .map(|it| it.id.clone());
    if let Some(item) = c_only {
        let file = write(root.path(), "bad.pingshen", edit(&item, "A"));
        refused(&data, &file, "清单不允许");
    }
}

// 5. No size limits: a 600 MB file (the limit is 512 MB, for bundles carrying
// photos) is refused before it is read.
#[test]
fn a_bundle_over_the_size_limit_is_refused_unread() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, bundle) = fixture(root.path());
    let file = write(root.path(), "big.pingshen", common::payload(&bundle));
    let f = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    f.set_len(600 * 1024 * 1024).unwrap();
    let before = snapshot(&data);
    for cmd in ["import", "merge"] {
        let a = pingshen(&data).arg(cmd).arg(&file).assert().failure();
        let err = stderr_of(&a);
        assert!(err.contains("太大（600 MB，上限 512 MB）"), "{err}");
    }
    same(&before, &snapshot(&data), "an import over the size limit");

    // A note over the limit is refused with a message.
    let mut v = common::payload(&bundle);
    let i = grade_entries(&v)[0];
    v["entries"][i]["change"] = serde_json::json!({
        "kind": "note", "item": "1.1.1", "old": "", "new": "长".repeat(100 * 1024)
    });
    let file = write(root.path(), "long.pingshen", v);
    refused(&data, &file, "超过 256 KB");
}

// 13. Text a terminal would obey: typed text is cleaned; a signed entry cannot be,
// so one that holds such text is refused.
#[test]
fn control_characters_in_a_signed_entry_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, bundle) = fixture(root.path());
    let mut v = common::payload(&bundle);
    v["entries"][0]["change"]["institution"]["name"] = "东城\u{1b}]0;x\u{7}中心\u{202e}".into();
    let file = write(root.path(), "dirty.pingshen", v);
    refused(&data, &file, "含有控制字符");
    let mut v = common::payload(&bundle);
    v["entries"][1]["author"]["name"] = "张三\u{1b}[31m".into();
    let file = write(root.path(), "dirty.pingshen", v);
    refused(&data, &file, "含有控制字符");
}

// The organising unit and the 综合评价 are texts like the others: an entry holding
// control characters in them, or an opinion over the limit, is refused.
#[test]
fn control_characters_in_the_organiser_or_the_opinion_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, bundle) = fixture(root.path());
    let mut v = common::payload(&bundle);
    v["entries"][0]["change"]["organiser"] = "东城区\u{1b}[2J卫健委".into();
    let file = write(root.path(), "organiser.pingshen", v);
    refused(&data, &file, "的组织单位含有控制字符");

    let crafted = crafter();
    let last = bundle.entries.len() - 1;
    let edit = |organiser: &str| {
        let details = serde_json::json!({
            "institution": serde_json::to_value(&bundle.entries[0].change).unwrap()["institution"],
            "review_kind": "区级评审",
            "date": "2026-11-20",
            "inspectors": ["张三"],
        });
        let mut new = details.clone();
        new["organiser"] = organiser.into();
        serde_json::json!({"kind": "edit", "old": details, "new": new})
    };
    let file = root.path().join("edit.pingshen");
    common::with_entry(
        &bundle,
        last,
        "张三",
        "2026-11-23T10:00:00.000+08:00",
        edit("东城区卫健委\u{202e}"),
        &crafted,
        &file,
    );
    refused(&data, &file, "的组织单位含有控制字符");

    for (text, why) in [
        (
            "总体较好。\u{1b}]0;x\u{7}".to_string(),
            "的综合评价含有控制字符",
        ),
        ("长".repeat(100 * 1024), "的综合评价超过 256 KB"),
    ] {
        let file = root.path().join("opinion.pingshen");
        common::with_entry(
            &bundle,
            last,
            "张三",
            "2026-11-23T10:00:00.000+08:00",
            serde_json::json!({"kind": "opinion", "old": "", "new": text}),
            &crafted,
            &file,
        );
        refused(&data, &file, why);
    }
    // The same entries with clean text are admitted.
    let file = root.path().join("clean.pingshen");
    common::with_entry(
        &bundle,
        last,
        "张三",
        "2026-11-23T10:00:00.000+08:00",
        serde_json::json!({"kind": "opinion", "old": "", "new": "总体较好。\n建议加强院感管理。"}),
        &crafted,
        &file,
    );
    pingshen(&data)
        .args(["import", "--trust"])
        .arg(&file)
        .assert()
        .success();
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
    let (data, _, bundle) = fixture(root.path());
    let mut v = common::payload(&bundle);
    let i = grade_entries(&v)[0];
    v["entries"][i]["change"] = serde_json::json!({
        "kind": "add_evidence", "item": "1.1.1",
        "evidence": {"path": "照片.jpg", "sha256": "../../etc/passwd"}
    });
    let file = write(root.path(), "bad.pingshen", v);
    refused(&data, &file, "sha256「../../etc/passwd」格式不正确");
}

// A field this pingshen does not know is refused, not dropped on the floor: the file
// may come from a newer pingshen whose data an import would otherwise lose silently.
#[test]
fn unknown_fields_and_newer_formats_are_refused_not_dropped() {
    let root = tempfile::tempdir().unwrap();
    let (data, _, bundle) = fixture(root.path());
    let file = root.path().join("newer.pingshen");
    for (place, edit) in [
        ("记录", "/entries/1"),
        ("修改", "/entries/1/change"),
        ("机构", "/entries/0/change/institution"),
        ("文件", ""),
    ] {
        let mut v = common::payload(&bundle);
        v.pointer_mut(edit)
            .and_then(|x| x.as_object_mut())
            .unwrap()
            .insert("photo_hash".into(), "abc".into());
        common::sign_json(&v, &file, &crafter());
        let before = snapshot(&data);
        let a = pingshen(&data).arg("import").arg(&file).assert().failure();
        let err = stderr_of(&a);
        assert!(err.contains("photo_hash"), "{place}: {err}");
        same(&before, &snapshot(&data), place);
    }
    // A newer format version is refused before its payload is read.
    let ok = write(root.path(), "ok.pingshen", common::payload(&bundle));
    let text = std::fs::read_to_string(ok).unwrap();
    let v = pingshen::store::BUNDLE_FORMAT_VERSION;
    let newer = text.replacen(
        &format!("\"format_version\":{v}"),
        &format!("\"format_version\":{}", v + 1),
        1,
    );
    assert_ne!(newer, text);
    std::fs::write(&file, newer).unwrap();
    let a = pingshen(&data).arg("import").arg(&file).assert().failure();
    assert!(stderr_of(&a).contains("更新"), "{}", stderr_of(&a));
}

#[test]
fn a_crafted_plan_with_a_control_character_or_an_overlong_department_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let (data, _id, bundle) = fixture(root.path());
    let crafted = crafter();
    for (n, (owner, why)) in [
        ("\u{1b}[31m院办".to_string(), "责任科室含有控制字符"),
        ("科".repeat(41), "责任科室超过 40 个字"),
    ]
    .into_iter()
    .enumerate()
    {
        let file = root.path().join(format!("plan{n}.pingshen"));
        common::with_entry(
            &bundle,
            bundle.entries.len() - 1,
            "张三",
            "2026-11-23T10:00:00.000+08:00",
            serde_json::json!({
                "kind": "plan",
                "item": "1.1.2",
                "old": {"status": "open"},
                "new": {"owner": owner, "due": "2027-01-31", "status": "in_progress"},
            }),
            &crafted,
            &file,
        );
        refused(&data, &file, why);
    }
}
