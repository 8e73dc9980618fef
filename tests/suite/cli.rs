//! The headless commands as a user runs them: output, exit codes and messages.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn pingshen(data: &Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env("PINGSHEN_CHECKLIST_DIR", data.join("no-user-checklists"));
    c
}

fn new_inspection(data: &Path) -> String {
    let out = pingshen(data)
        .args([
            "new",
            "--checklist",
            "community-2022",
            "--institution",
            "东城区某社区卫生服务中心",
            "--region",
            "北京市东城区",
            "--kind",
            "区级评审",
            "--inspector",
            "张三",
            "--inspector",
            "李四",
            "--head",
            "王五",
            "--phone",
            "13800000000",
            "--date",
            "2026-11-23",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap().trim().to_string()
}

#[test]
fn new_grade_show_list_history() {
    let dir = tempfile::tempdir().unwrap();
    let id = new_inspection(dir.path());
    assert_eq!(id.len(), 10);
    pingshen(dir.path())
        .args([
            "grade",
            &id,
            "1.1.1",
            "B",
            "--note",
            "花名册齐全",
            "--by",
            "李四",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "已保存：检查 {id} 条款 1.1.1 → B"
        )));
    pingshen(dir.path())
        .args([
            "grade",
            &id[..5],
            "1.2.4",
            "不达标",
            "--action",
            "一个月内按标准设置发热诊室",
        ])
        .assert()
        .success();
    pingshen(dir.path())
        .args(["list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("东城区某社区卫生服务中心"))
        .stdout(predicate::str::contains("2/126"))
        .stdout(predicate::str::contains("未达到基本标准"));
    pingshen(dir.path())
        .args(["show", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains("评审结论：未达到基本标准"))
        .stdout(predicate::str::contains(
            "  清单来源 pingshen 项目依据公开政策文件",
        ))
        .stdout(predicate::str::contains(
            "达到基本标准：未满足（核心条款全部达到C档；",
        ))
        .stdout(predicate::str::contains(
            "✗ 核心条款（★）全部达到C档及以上：实测 0%（0/22），要求 ≥ 100%",
        ))
        .stdout(predicate::str::contains("花名册齐全"));
    let json = pingshen(dir.path())
        .args(["show", &id, "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["assessments"]["1.1.1"]["grade"], "B");
    assert_eq!(
        v["assessments"]["1.2.4"]["action"],
        "一个月内按标准设置发热诊室"
    );
    assert_eq!(v["evaluation"]["verdict"], "未达到基本标准");
    pingshen(dir.path())
        .args(["history", &id, "1.1.1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("待评 → B"))
        .stdout(predicate::str::contains("李四"));
}

#[test]
fn export_import_delete_through_the_cli() {
    let a = tempfile::tempdir().unwrap();
    let id = new_inspection(a.path());
    pingshen(a.path())
        .args(["grade", &id, "2.1.1", "A"])
        .assert()
        .success();
    let file = a.path().join("导出.json");
    pingshen(a.path())
        .args(["export", &id, "-o"])
        .arg(&file)
        .assert()
        .success();
    let b = tempfile::tempdir().unwrap();
    pingshen(b.path())
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("已导入"));
    pingshen(b.path())
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("未改动"));
    pingshen(b.path())
        .args(["delete", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains("deleted"));
    pingshen(b.path()).args(["show", &id]).assert().failure();
}

#[test]
fn bad_input_gets_a_message_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let id = new_inspection(dir.path());
    pingshen(dir.path())
        .args(["grade", &id, "1.1.1", "B"])
        .assert()
        .success();
    let before = pingshen(dir.path())
        .args(["show", &id, "--json"])
        .assert()
        .get_output()
        .stdout
        .clone();

    #[rustfmt::skip]
    let cases: &[(&[&str], &str)] = &[
        (&["grade", "0000000000", "1.1.1", "A"], "找不到编号为 `0000000000` 的检查"),
        (&["grade", &id, "9.9.9", "A"], "里没有条款 `9.9.9`"),
        (&["grade", &id, "1.1.1", "E"], "档次 `E` 不存在"),
        (&["grade", &id, "1.2.4", "不适用"], "不能评为「不适用」：清单规定这一条必须评分"),
        (&["new", "--checklist", "nope", "--institution", "x", "--region", "y", "--inspector", "z"], "没有编号为 `nope` 的清单"),
        (&["new", "--checklist", "community-2022", "--institution", "x", "--region", "y", "--inspector", "z", "--kind", "年检"], "评审类型 `年检` 无法识别"),
        (&["new", "--checklist", "community-2022", "--institution", "x", "--region", "y", "--inspector", "z", "--date", "2026-13-45"], "没有 13 月：月份是 1 到 12"),
    ];
    for (args, message) in cases {
        pingshen(dir.path())
            .args(*args)
            .assert()
            .failure()
            .stderr(predicate::str::contains(*message));
    }
    let after = pingshen(dir.path())
        .args(["show", &id, "--json"])
        .assert()
        .get_output()
        .stdout
        .clone();
    assert_eq!(before, after);
}

#[test]
fn a_second_pingshen_gets_the_lock_message() {
    let dir = tempfile::tempdir().unwrap();
    let store = pingshen::store::Store::open(dir.path()).unwrap();
    pingshen(dir.path())
        .arg("list")
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .failure()
        .stderr(predicate::str::contains("正被另一个 pingshen 使用"))
        .stderr(predicate::str::contains(dir.path().display().to_string()));
    drop(store);
    pingshen(dir.path()).arg("list").assert().success();
}

#[test]
fn an_unwritable_data_dir_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let data = file.join("data");
    Command::cargo_bin("pingshen")
        .unwrap()
        // Its own config dir: no test writes a signing key into the user's.
        .env("PINGSHEN_CONFIG_DIR", dir.path().join("config"))
        .arg("--data-dir")
        .arg(&data)
        .arg("list")
        .assert()
        .failure()
        .stderr(predicate::str::contains("无法使用数据目录"))
        .stderr(predicate::str::contains("--data-dir"));
}

/// A full disk, simulated with a file-size limit: the grade is refused with a message
/// and what was saved before is intact.
#[cfg(unix)]
#[test]
fn a_full_disk_refuses_the_write_and_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let id = new_inspection(dir.path());
    pingshen(dir.path())
        .args(["grade", &id, "1.1.1", "B", "--note", "保存过的"])
        .assert()
        .success();
    let before = pingshen(dir.path())
        .args(["show", &id, "--json"])
        .assert()
        .get_output()
        .stdout
        .clone();

    let bin = assert_cmd::cargo::cargo_bin("pingshen");
    let huge_note = "满".repeat(400_000);
    let script = format!(
        "trap '' XFSZ; ulimit -f 64; exec '{}' grade {id} --batch",
        bin.display()
    );
    let mut child = std::process::Command::new("bash")
        .args(["-c", &script])
        .env("PINGSHEN_DATA_DIR", dir.path())
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env("PINGSHEN_CHECKLIST_DIR", dir.path().join("none"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        let _ = writeln!(stdin, "1.1.2\tA\t{huge_note}");
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "write past the limit should fail; stderr: {stderr}"
    );
    assert!(
        stderr.contains("磁盘已满")
            || stderr.contains("无法使用数据目录")
            || stderr.contains("写入失败"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let after = pingshen(dir.path())
        .args(["show", &id, "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let (b, a): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&before).unwrap(),
        serde_json::from_slice(&after).unwrap(),
    );
    assert_eq!(b["assessments"], a["assessments"]);
    assert_eq!(a["assessments"]["1.1.1"]["note"], "保存过的");
}

#[test]
fn check_prints_every_error_with_position_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let text = include_str!("fixtures/small.toml")
        .replacen("    title = \"全科医生\"", "    tilte = \"全科医生\"", 1)
        .replacen("min_share = 0.8", "min_share = 80", 1);
    std::fs::write(&bad, &text).unwrap();
    let line = text[..text.find("tilte").unwrap()].matches('\n').count() + 1;
    pingshen(dir.path())
        .arg("check")
        .arg(&bad)
        .assert()
        .failure()
        .stdout(predicate::str::contains(format!("bad.toml:{line}:5")))
        .stdout(predicate::str::contains("是否想写 `title`"))
        .stdout(predicate::str::contains("超出 0 到 1"))
        .stdout(predicate::str::contains("3 个错误"));
    pingshen(dir.path())
        .args([
            "check",
            "checklists/community-2022.toml",
            "checklists/township-2022.toml",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("126 条"))
        .stdout(predicate::str::contains("121 条"));
    let gbk = dir.path().join("gbk.toml");
    std::fs::write(&gbk, b"[checklist]\nid = \"\xc9\xe7\xc7\xf8\"\n").unwrap();
    pingshen(dir.path())
        .arg("check")
        .arg(&gbk)
        .assert()
        .failure()
        .stdout(
            predicate::str::contains("不是 UTF-8").and(predicate::str::contains("gbk.toml:2:7")),
        );
}

#[test]
fn user_checklists_are_listed_and_replace_shipped_ones() {
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("no-user-checklists");
    std::fs::create_dir_all(&user).unwrap();
    let province = include_str!("../../checklists/community-2022.toml")
        .replace("version = \"2022-pingshen.3\"", "version = \"2022-某省.1\"");
    std::fs::write(user.join("community-2022-某省.toml"), province).unwrap();
    std::fs::write(user.join("broken.toml"), "[checklist\n").unwrap();
    pingshen(dir.path())
        .arg("checklists")
        .assert()
        .success()
        .stdout(predicate::str::contains("2022-某省.1"))
        .stdout(predicate::str::contains("替换了 内置:community-2022.toml"))
        .stdout(predicate::str::contains("township-2022"))
        .stdout(predicate::str::contains("broken.toml：1 个错误"));
}

#[test]
fn repin_says_what_changed_in_each_item_and_in_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let id = new_inspection(dir.path());
    for (item, grade) in [("1.1.1", "A"), ("1.2.1", "B")] {
        pingshen(dir.path())
            .args(["grade", &id, item, grade, "--by", "张三"])
            .assert()
            .success();
    }
    // A province's revision: 1.1.1 becomes ★, the fallback verdict is renamed.
    let user = dir.path().join("no-user-checklists");
    std::fs::create_dir_all(&user).unwrap();
    let text = include_str!("../../checklists/community-2022.toml")
        .replacen("version = \"2022-pingshen.3\"", "version = \"2022-某省.1\"", 1)
        .replacen("institution_type = \"社区卫生服务中心\"", "institution_type = \"社区卫生服务中心\"\nfallback_verdict = \"不合格\"", 1)
        .replacen("    id = \"1.1.1\"\n    title = \"功能定位与服务区域\"\n    tier = \"基本标准\"\n", "    id = \"1.1.1\"\n    title = \"功能定位与服务区域\"\n    tier = \"基本标准\"\n    core = true\n", 1);
    std::fs::write(user.join("community-2022-某省.toml"), text).unwrap();
    pingshen(dir.path())
        .args(["repin", &id, "--dry-run"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("文字或要求有改动 1 条：1.1.1")
                .and(predicate::str::contains("    1.1.1：★\n"))
                .and(predicate::str::contains(
                    "评审结论规则有改动：按目前的评分，结论由「未达到基本标准」变为「不合格」。",
                )),
        );
}

/// An inspection's own fields are corrected with `edit`: what changed is said, shown
/// by `show` and `list`, recorded in the history under the one who acted, carried by
/// an export; bad values and a completed inspection are refused and change nothing.
#[test]
fn the_organiser_and_the_opinion_are_set_shown_and_travel_with_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let out = pingshen(data)
        .args(["new", "--checklist", "community-2022"])
        .args([
            "--institution",
            "和平里社区卫生服务中心",
            "--region",
            "北京市东城区",
        ])
        .args(["--inspector", "张三", "--inspector", "李四"])
        .args(["--organiser", "北京市东城区卫生健康委员会"])
        .assert()
        .success();
    let id = String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .trim()
        .to_string();
    let journal = data.join("journals").join(format!("{id}.jsonl"));
    let first = std::fs::read_to_string(&journal).unwrap();
    assert!(
        first.contains(r#""organiser":"北京市东城区卫生健康委员会""#),
        "{first}"
    );
    let opinion = "该中心基础设施较完善。\n建议加强院感管理和慢病随访。";
    let out = pingshen(data)
        .args(["edit", &id, "--opinion", opinion])
        .args(["--organiser", "东城区卫健委"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("组织单位：北京市东城区卫生健康委员会 → 东城区卫健委"),
        "{text}"
    );
    assert!(
        text.contains("综合评价：") && text.contains("（空）"),
        "{text}"
    );
    assert!(text.contains("建议加强院感管理和慢病随访。"), "{text}");
    // One append: an edit and an opinion entry.
    let kinds: Vec<String> = std::fs::read_to_string(&journal)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["change"]["kind"].to_string()
        })
        .collect();
    assert_eq!(kinds, [r#""create""#, r#""edit""#, r#""opinion""#]);
    let show = |data: &Path| {
        let out = pingshen(data).args(["show", &id]).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let text = show(data);
    assert!(text.contains("组织单位 东城区卫健委"), "{text}");
    assert!(text.contains("评审组长 张三"), "{text}");
    assert!(text.contains("综合评价"), "{text}");
    assert!(
        text.contains("  该中心基础设施较完善。\n  建议加强院感管理和慢病随访。"),
        "{text}"
    );
    pingshen(data)
        .args(["history", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains("综合评价"));
    // An 整改意见 on a C item is listed in 整改清单 and in its row.
    pingshen(data)
        .args([
            "grade",
            &id,
            "1.1.2",
            "C",
            "--action",
            "补充慢病随访记录\n两周内完成",
        ])
        .assert()
        .success();
    let text = show(data);
    assert!(text.contains("整改清单（1 条）"), "{text}");
    assert!(
        text.contains("  1.1.2 C  ") && text.contains("      补充慢病随访记录\n      两周内完成"),
        "{text}"
    );
    let row = text.lines().find(|l| l.starts_with("1.1.2 ")).unwrap();
    assert!(row.contains("补充慢病随访记录"), "{row}");
    // The same text again writes nothing; the record travels with an export.
    let before = std::fs::read(&journal).unwrap();
    pingshen(data)
        .args(["edit", &id, "--opinion", opinion])
        .assert()
        .success()
        .stdout(predicate::str::contains("未改动"));
    assert_eq!(std::fs::read(&journal).unwrap(), before);
    let file = data.join("out.pingshen");
    pingshen(data)
        .args(["export", &id, "-o"])
        .arg(&file)
        .assert()
        .success();
    let other = tempfile::tempdir().unwrap();
    pingshen(other.path())
        .args(["import", "--trust"])
        .arg(&file)
        .assert()
        .success();
    let there = show(other.path());
    assert!(there.contains("组织单位 东城区卫健委"), "{there}");
    assert!(there.contains("建议加强院感管理和慢病随访。"), "{there}");
    // A completed inspection takes no new opinion until reopened.
    pingshen(data).args(["complete", &id]).assert().success();
    let completed = std::fs::read(&journal).unwrap();
    pingshen(data)
        .args(["edit", &id, "--opinion", "改"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("reopen"));
    assert_eq!(std::fs::read(&journal).unwrap(), completed);
}

#[test]
fn edit_corrects_an_inspections_own_fields_on_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let id = new_inspection(data);
    let out = pingshen(data)
        .args(["edit", &id, "--institution", "东城区和平里社区卫生服务中心"])
        .args([
            "--date",
            "2026/11/24",
            "--inspector",
            "张三",
            "--inspector",
            "赵六",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("机构名称：东城区某社区卫生服务中心 → 东城区和平里社区卫生服务中心"),
        "{text}"
    );
    assert!(text.contains("评审日期：2026-11-23 → 2026-11-24"), "{text}");
    assert!(text.contains("评审专家：张三、李四 → 张三、赵六"), "{text}");
    pingshen(data)
        .args(["show", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains("东城区和平里社区卫生服务中心"))
        .stdout(predicate::str::contains("2026-11-24"));
    pingshen(data)
        .arg("list")
        .assert()
        .success()
        .stdout(predicate::str::contains("东城区和平里社区卫生服务中心"));
    pingshen(data)
        .args(["history", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains("张三"))
        .stdout(predicate::str::contains("东城区和平里社区卫生服务中心"));

    // The same values again: nothing written.
    let journal = data.join("journals").join(format!("{id}.jsonl"));
    let before = std::fs::read(&journal).unwrap();
    pingshen(data)
        .args(["edit", &id, "--date", "20261124"])
        .assert()
        .success()
        .stdout(predicate::str::contains("未改动"));
    // Bad values: a message naming the field, nothing written.
    pingshen(data)
        .args(["edit", &id, "--date", "2026-13-45"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("评审日期"))
        .stderr(predicate::str::contains("1 到 12"));
    pingshen(data)
        .args(["edit", &id, "--institution", "  "])
        .assert()
        .failure()
        .stderr(predicate::str::contains("机构名称"));
    pingshen(data)
        .args(["edit", &id, "--kind", "抽查"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("区级评审"));
    // Someone with chapters cannot be taken off the team.
    pingshen(data)
        .args(["assign", &id, "--inspector", "赵六", "--chapter", "2"])
        .assert()
        .success();
    let assigned = std::fs::read(&journal).unwrap();
    assert!(assigned.starts_with(&before));
    pingshen(data)
        .args(["edit", &id, "--inspector", "张三"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("赵六 还负责第 2 章"));
    assert_eq!(std::fs::read(&journal).unwrap(), assigned);

    // The correction travels with the record.
    let file = data.join("out.pingshen");
    pingshen(data)
        .args(["export", &id, "-o"])
        .arg(&file)
        .assert()
        .success();
    let other = tempfile::tempdir().unwrap();
    pingshen(other.path())
        .args(["import", "--trust"])
        .arg(&file)
        .assert()
        .success();
    pingshen(other.path())
        .args(["show", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains("东城区和平里社区卫生服务中心"));

    // A completed inspection must be reopened first.
    pingshen(data).args(["complete", &id]).assert().success();
    pingshen(data)
        .args(["edit", &id, "--head", "钱七"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("reopen"));
}
