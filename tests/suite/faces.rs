//! One rule, every face: what the domain decides, the CLI, the PDF and the TUI print
//! alike — the gaps to the next verdict, the sample inspection, where a report goes.

use std::path::Path;

use assert_cmd::Command;
use pingshen::report::{Wanted, write_report};
use pingshen::scoring::{evaluate, next_goal};
use pingshen::store::Store;

use crate::report_support::poppler;

fn pingshen(data: &Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env("PINGSHEN_CHECKLIST_DIR", data.join("no-user-checklists"));
    c
}

/// `pingshen sample`, headless; returns the sample's id.
fn sample(data: &Path) -> String {
    let out = pingshen(data).arg("sample").assert().success();
    let out = out.get_output();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("已创建示例检查"), "{stderr}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_sample_can_be_made_headless_and_is_marked_and_graded() {
    let dir = tempfile::tempdir().unwrap();
    let id = sample(dir.path());
    let list = pingshen(dir.path())
        .args(["list", "--json"])
        .assert()
        .success();
    let list: serde_json::Value = serde_json::from_slice(&list.get_output().stdout).unwrap();
    let row = &list[0]["inspection"];
    assert_eq!(row["id"], id.as_str());
    assert_eq!(row["sample"], true, "{row}");
    let store = Store::open(dir.path()).unwrap();
    let graded = store.assessments(&id).unwrap();
    assert_eq!(graded.len(), 5, "the sample grades five items");
    assert!(
        graded.values().any(|a| !a.corrective_action.is_empty()),
        "one 整改意见"
    );
}

#[test]
fn show_and_the_pdf_print_the_gaps_the_domain_computes() {
    let dir = tempfile::tempdir().unwrap();
    let id = sample(dir.path());
    let expected = {
        let store = Store::open(dir.path()).unwrap();
        let inspection = store.get(&id).unwrap();
        let checklist = store.pinned(&inspection).unwrap();
        let a = store.assessments(&id).unwrap();
        let grade_of = |item: &str| a.get(item).and_then(|a| a.grade);
        let eval = evaluate(&checklist, grade_of);
        next_goal(&checklist, &eval, grade_of).expect("a sample is far from the best verdict")
    };
    assert!(!expected.shortfalls.is_empty());

    let shown = pingshen(dir.path()).args(["show", &id]).assert().success();
    let shown = String::from_utf8_lossy(&shown.get_output().stdout).into_owned();
    assert!(
        shown.contains(&format!("距「{}」还差", expected.name)),
        "{shown}"
    );
    for s in &expected.shortfalls {
        let line = format!("{}：还差 {} 条", s.description, s.missing);
        assert!(shown.contains(&line), "show lacks {line}:\n{shown}");
    }
    assert!(shown.contains(&format!("未达到要求的条款（{} 条）", expected.gaps.len())));

    let json = pingshen(dir.path())
        .args(["show", &id, "--json"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    assert_eq!(json["next_goal"]["name"], expected.name.as_str());
    assert_eq!(
        json["next_goal"]["gaps"].as_array().map(Vec::len),
        Some(expected.gaps.len())
    );

    let pdf = dir.path().join("r.pdf");
    pingshen(dir.path())
        .args(["report", &id, "-o"])
        .arg(&pdf)
        .assert()
        .success();
    let text = poppler("pdftotext", &["-nodiag", pdf.to_str().unwrap(), "-"]);
    let flat: String = text.split_whitespace().collect();
    assert!(
        flat.contains(&format!("距「{}」还差", expected.name)),
        "{text}"
    );
    let first = &expected.shortfalls[0];
    let line: String = format!("{}：还差{}条", first.description, first.missing)
        .split_whitespace()
        .collect();
    assert!(flat.contains(&line), "the PDF lacks {line}");
}

#[test]
fn a_report_that_cannot_go_where_asked_goes_to_the_data_dir_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("a-file");
    std::fs::write(&not_a_dir, "x").unwrap();
    let data = dir.path().join("data");
    let pdf = b"%PDF-1.7 test";
    let written = write_report(
        pdf,
        "某中心-评审报告-2026-11-23.pdf",
        &Wanted::Directory(Some(not_a_dir.clone())),
        &data,
    )
    .unwrap();
    assert_eq!(
        written.path,
        data.join("reports").join("某中心-评审报告-2026-11-23.pdf")
    );
    assert_eq!(std::fs::read(&written.path).unwrap(), pdf);
    let why = written.moved.expect("the result says why");
    assert!(why.starts_with("输出文件夹"), "{why}");
    assert!(why.contains("无法写入"), "{why}");

    // A file the user named is written there or not at all.
    let refused = write_report(pdf, "x.pdf", &Wanted::File(not_a_dir.join("x.pdf")), &data);
    assert!(refused.is_err());
    let ok = write_report(
        pdf,
        "x.pdf",
        &Wanted::Directory(Some(dir.path().into())),
        &data,
    )
    .unwrap();
    assert_eq!((ok.place, ok.moved), ("输出文件夹", None));
    // A second report of the same name is numbered; the first one stays.
    let again = write_report(
        b"%PDF-1.7 again",
        "x.pdf",
        &Wanted::Directory(Some(dir.path().into())),
        &data,
    )
    .unwrap();
    assert_eq!(again.path, dir.path().join("x(2).pdf"));
    assert_eq!(std::fs::read(&ok.path).unwrap(), pdf);
}
