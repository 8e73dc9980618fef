//! What `pingshen check` and `pingshen checklists` print.
use std::path::Path;

use assert_cmd::Command;
use pingshen::checklist::MAX_PRINTED_ERRORS;

use super::SMALL;

fn pingshen(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", dir.join("data"))
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env("PINGSHEN_CHECKLIST_DIR", dir.join("checklists"));
    c
}

fn stdout(c: &mut Command) -> String {
    String::from_utf8(c.output().unwrap().stdout).unwrap()
}

fn with_unknown_keys(n: usize) -> String {
    let keys: String = (0..n).map(|i| format!("bogus_{i} = 1\n")).collect();
    SMALL.replacen(
        "source = \"pingshen 测试数据\"\n",
        &format!("source = \"pingshen 测试数据\"\n{keys}"),
        1,
    )
}

#[test]
fn check_prints_at_most_the_cap_then_how_many_more() {
    assert_eq!(MAX_PRINTED_ERRORS, 200);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.toml");
    std::fs::write(&file, with_unknown_keys(250)).unwrap();
    let out = stdout(pingshen(dir.path()).arg("check").arg(&file));
    assert_eq!(out.matches("错误: ").count(), 200, "{out}");
    assert!(out.contains("`bogus_199`") && !out.contains("`bogus_200`"));
    assert!(out.contains("还有 50 个错误未列出"), "{out}");
    assert!(out.contains("这个文件共有 250 个错误"), "{out}");
    assert!(out.contains("many.toml：250 个错误"), "{out}");

    // At the cap exactly: all printed, nothing said about more.
    std::fs::write(&file, with_unknown_keys(200)).unwrap();
    let out = stdout(pingshen(dir.path()).arg("check").arg(&file));
    assert_eq!(out.matches("错误: ").count(), 200);
    assert!(!out.contains("未列出"), "{out}");
}

#[test]
fn a_file_that_cannot_be_read_is_said_so_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout(
        pingshen(dir.path())
            .arg("check")
            .arg(dir.path().join("无.toml")),
    );
    assert!(out.contains("无.toml：文件不存在"), "{out}");
    assert!(!out.contains("os error"), "{out}");
    let out = stdout(pingshen(dir.path()).arg("check").arg(dir.path()));
    assert!(out.contains("这是一个目录，不是文件"), "{out}");
}

#[test]
fn checklists_names_a_broken_file_with_its_first_error_and_count() {
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("checklists");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(user.join("broken.toml"), with_unknown_keys(3000)).unwrap();
    let out = stdout(pingshen(dir.path()).arg("checklists"));
    let path = user.join("broken.toml").display().to_string();
    // The first unknown key is on the line after `source = …`.
    let line = SMALL[..SMALL.find("source =").unwrap()]
        .matches('\n')
        .count()
        + 2;
    assert!(
        out.contains(&format!("无法使用 {path}：3000 个错误")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "第一个错误：{path}:{line}:1 [checklist] 里有未知的键 `bogus_0`"
        )),
        "{out}"
    );
    assert!(out.contains(&format!("pingshen check {path}")), "{out}");
    // Not every error: the list stays readable.
    assert!(!out.contains("bogus_1`"), "{out}");
}

#[test]
fn checklists_says_how_to_rename_a_toml_txt_file_and_reads_upper_case_toml() {
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("checklists");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(user.join("某省.toml.txt"), SMALL).unwrap();
    let upper = SMALL.replace("id = \"small-test\"", "id = \"upper-case\"");
    std::fs::write(user.join("UPPER.TOML"), upper).unwrap();
    std::fs::write(user.join("notes.txt"), "不是清单").unwrap();
    let out = stdout(pingshen(dir.path()).arg("checklists"));
    assert!(out.contains("某省.toml.txt"), "{out}");
    assert!(out.contains("请把它改名为 某省.toml"), "{out}");
    assert!(out.contains("upper-case"), "{out}");
    assert!(!out.contains("notes.txt"), "{out}");
    assert!(
        !out.contains("small-test"),
        "not loaded under its .txt name: {out}"
    );
}
