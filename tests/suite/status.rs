//! 已完成 means something: a completed inspection refuses changes until it is reopened,
//! and completing and reopening are in the history with who and why.

use std::path::Path;

use assert_cmd::Command;

fn pingshen(data: &Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env("PINGSHEN_CHECKLIST_DIR", data.join("no-user-checklists"));
    c
}

fn out(a: &assert_cmd::assert::Assert) -> (String, String) {
    let o = a.get_output();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_completed_inspection_refuses_changes_until_reopened_and_says_how() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let id = out(&pingshen(data).arg("sample").assert().success())
        .0
        .trim()
        .to_string();
    pingshen(data)
        .args(["complete", &id, "--by", "示例专家甲"])
        .assert()
        .success();
    let (shown, _) = out(&pingshen(data).args(["show", &id]).assert().success());
    assert!(shown.contains("状态 已完成"), "{shown}");

    for args in [
        vec!["grade", id.as_str(), "1.1.1", "D", "--by", "示例专家乙"],
        vec![
            "assign",
            id.as_str(),
            "--inspector",
            "示例专家乙",
            "--chapter",
            "1",
        ],
    ] {
        let (_, err) = out(&pingshen(data).args(&args).assert().failure());
        assert!(
            err.contains("已标记为已完成，不能再修改"),
            "{args:?}: {err}"
        );
        assert!(
            err.contains(&format!("提示：运行 `pingshen reopen {id} --as")),
            "the CLI names its own command: {err}"
        );
    }
    let (_, err) = out(&pingshen(data)
        .args(["reopen", &id, "--by", "示例专家甲", "--reason", " "])
        .assert()
        .failure());
    assert!(err.contains("须写明原因"), "{err}");

    pingshen(data)
        .args([
            "reopen",
            &id,
            "--by",
            "示例专家甲",
            "--reason",
            "复核发现 1.1.1 评分有误",
        ])
        .assert()
        .success();
    pingshen(data)
        .args(["grade", &id, "1.1.1", "D", "--by", "示例专家乙"])
        .assert()
        .success();
    let (history, _) = out(&pingshen(data).args(["history", &id]).assert().success());
    let status_lines: Vec<&str> = history.lines().filter(|l| l.contains("状态")).collect();
    assert_eq!(status_lines.len(), 2, "{history}");
    assert!(status_lines[0].contains("示例专家甲") && status_lines[0].contains("已完成"));
    assert!(
        status_lines[1].contains("复核发现 1.1.1 评分有误"),
        "{history}"
    );
}

/// The same rule from the review app: F completes, a grade is then refused with the
/// key that reopens, O asks why and reopens, and the grade goes through.
#[test]
fn the_tui_completes_refuses_with_its_own_key_and_reopens_with_a_reason() {
    use crate::tui_support::{Harness, stored_grade};
    use pingshen::scoring::Grade;
    use pingshen::store::Progress;

    let (mut h, id) = Harness::walkthrough();
    let item = h.selected_item().unwrap();
    h.press("F");
    assert_eq!(h.store().get(&id).unwrap().status, Progress::Completed);
    assert!(
        h.screen(100, 30).contains("已完成"),
        "the tree title says so"
    );

    h.press("a");
    assert_eq!(stored_grade(&h, &id, &item), None, "nothing changed");
    let status = h.status();
    assert!(status.contains("已标记为已完成"), "{status}");
    assert!(
        status.contains("按 O 重新打开"),
        "the TUI names its key: {status}"
    );
    assert!(!status.contains("pingshen reopen"), "{status}");

    h.press("O");
    h.type_text("复核时发现评分有误");
    h.press("Enter");
    assert_eq!(h.store().get(&id).unwrap().status, Progress::InProgress);
    h.press("a");
    assert_eq!(stored_grade(&h, &id, &item), Some(Grade::A));
    let history = h.store().history(&id, None).unwrap();
    assert!(
        history.iter().any(|e| e.new.contains("复核时发现评分有误")),
        "the reason is in the history"
    );
}
