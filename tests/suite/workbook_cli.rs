//! `pingshen checklists export / import / template` as a user runs them.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

use crate::workbook::{ITEM_HEADER, RULE_HEADER, handmade, own};

fn pingshen(data: &Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env("PINGSHEN_CHECKLIST_DIR", data.join("no-user-checklists"))
        .current_dir(data);
    c
}

#[test]
fn export_then_import_gives_a_checklist_that_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pingshen(d)
        .args(["checklists", "export", "township-2022", "-o", "清单.xlsx"])
        .assert()
        .success()
        .stdout(predicate::str::contains("导出为 清单.xlsx"));
    pingshen(d)
        .args(["checklists", "import", "清单.xlsx", "-o", "清单.toml"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("已转换为 清单.toml")
                .and(predicate::str::contains("警告").not()),
        );
    pingshen(d)
        .args(["check", "清单.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("通过。").and(predicate::str::contains("警告").not()));
    // A file path works as well as an id.
    pingshen(d)
        .args(["checklists", "export", "清单.toml", "-o", "again.xlsx"])
        .assert()
        .success();
    pingshen(d)
        .args(["checklists", "template", "-o", "模板.xlsx"])
        .assert()
        .success();
    // An empty template says what is missing, at its cells.
    pingshen(d)
        .args(["checklists", "import", "模板.xlsx", "-o", "空.toml"])
        .assert()
        .failure()
        .stdout(predicate::str::contains(
            "模板.xlsx 工作表「清单信息」第 2 行 B 列：",
        ));
    assert!(!d.join("空.toml").exists());
    // Without a subcommand: the list, as before.
    pingshen(d)
        .arg("checklists")
        .assert()
        .success()
        .stdout(predicate::str::contains("township-2022"));
}

#[test]
fn a_refused_workbook_changes_nothing_and_says_where_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let meta: &[&[&str]] = &[
        &["项目", "内容", "说明"],
        &["编号", "demo-2022", ""],
        &["标题", "示例清单", ""],
        &["机构类型", "社区卫生服务中心", ""],
        &["版本", "1", ""],
        &["来源", "测试", ""],
    ];
    let rules: &[&[&str]] = &[
        RULE_HEADER,
        &["达到基本标准", "", "", "基本标准", "", "C", "0.8"],
    ];
    let items: &[&[&str]] = &[
        ITEM_HEADER,
        &[
            "1.1.1",
            "功能任务",
            "人员",
            "全科医生",
            "基础",
            "",
            "",
            "查阅资料",
            "有",
            "",
            "",
            "",
            "",
            "C",
        ],
    ];
    handmade(&d.join("清单.xlsx"), &own(meta), &own(rules), &own(items));
    std::fs::write(d.join("清单.toml"), "old").unwrap();
    pingshen(d)
        .args(["checklists", "import", "清单.xlsx", "-o", "清单.toml"])
        .assert()
        .failure()
        .stdout(predicate::str::contains(
            "错误：清单.xlsx 工作表「条款」第 2 行 E 列：条款 1.1.1 的标准类别 `基础` 不存在\n  修改建议：tier 可以这样写",
        ));
    assert_eq!(std::fs::read_to_string(d.join("清单.toml")).unwrap(), "old");

    // Not a workbook at all, and a file far too large: refused before reading.
    std::fs::write(d.join("假.xlsx"), "不是工作簿").unwrap();
    pingshen(d)
        .args(["checklists", "import", "假.xlsx", "-o", "清单.toml"])
        .assert()
        .failure()
        .stdout(predicate::str::contains(
            "假.xlsx 不是 Excel 工作簿（.xlsx）",
        ));
    std::fs::write(d.join("大.csv"), vec![b'a'; 5 * 1024 * 1024]).unwrap();
    pingshen(d)
        .args(["checklists", "import", "大.csv", "-o", "清单.toml"])
        .assert()
        .failure()
        .stdout(predicate::str::contains("大.csv 太大，没有读取"));
    assert_eq!(std::fs::read_to_string(d.join("清单.toml")).unwrap(), "old");
}

#[test]
fn check_prints_warnings_and_still_passes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("small.toml"), include_str!("fixtures/small.toml")).unwrap();
    pingshen(d)
        .args(["check", "small.toml"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("警告: 条款 1.1.2 没有 B 档和 A 档评价要点")
                .and(predicate::str::contains("--> small.toml:"))
                .and(predicate::str::contains("small.toml：通过（")),
        );
}
