//! The review report PDF read back with poppler: its text, its fonts; and the
//! `pingshen report` command on good and bad input.

use crate::report_support;

use std::path::Path;

use assert_cmd::Command;
use pingshen::report::{ReportOptions, build_pdf, write_pdf};
use pingshen::store::Edit;
use predicates::prelude::*;
use report_support::*;

fn options() -> ReportOptions {
    ReportOptions {
        generated_at: Some(GENERATED_AT.into()),
        ..ReportOptions::default()
    }
}

/// pdftotext's text with all white space removed, so words broken across lines or
/// spaced by the layout still match.
fn text_of(pdf: &Path) -> String {
    poppler("pdftotext", &[pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn pingshen(data: &Path) -> Command {
    let mut cmd = Command::cargo_bin("pingshen").unwrap();
    cmd.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env_remove("PINGSHEN_CHECKLIST_DIR");
    cmd
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_text_has_the_institution_the_verdict_and_every_failing_item() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("data"));
    let township = shipped("township-2022");
    let insp = create(&store, &township);
    let failing = grade_all(&store, &insp, &township.0, 3, 120);
    assert!(!failing.is_empty());
    let report = build_pdf(&store, &insp.id[..6], &options()).unwrap();
    assert!(report.missing.is_empty(), "{:?}", report.missing);
    let out = dir.path().join("报告.pdf");
    write_pdf(&out, &report.pdf).unwrap();

    let text = text_of(&out);
    assert!(text.contains(INSTITUTION));
    assert!(text.contains("服务能力现场评审报告"));
    let eval = pingshen::scoring::evaluate(&township.0, |id| {
        store
            .assessment(&insp.id, id)
            .unwrap()
            .and_then(|a| a.grade)
    });
    assert!(
        text.contains(&format!("评审结论：{}", eval.verdict)),
        "{text}"
    );
    // The 不达标 section itself: from its heading to the next one, it counts the
    // failing items, lists each with its 整改意见, and lists no other item.
    let flat: String = text.split_whitespace().collect();
    let start = flat
        .find("不达标条款及整改意见")
        .expect("the 不达标 section");
    let end = start + flat[start..].find("条款明细").expect("the next section");
    let section = &flat[start..end];
    assert!(
        section.contains(&format!("共{}条条款评为不达标", failing.len())),
        "{section}"
    );
    for id in &failing {
        assert!(
            section.contains(id.as_str()),
            "failing item {id} not in the section"
        );
    }
    assert!(
        section.contains("限期整改，一个月内报送整改报告。"),
        "{section}"
    );
    // Every item id the section prints is a failing one.
    let ids: std::collections::BTreeSet<&str> = township
        .0
        .items()
        .map(|(_, _, it)| it.id.as_str())
        .filter(|id| {
            section.match_indices(id).any(|(at, _)| {
                // Cells run together in the text, so only what follows the id tells
                // 1.1.1 from 1.1.10.
                let id_char = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '.');
                !section[..at].ends_with('.') && !id_char(section[at + id.len()..].chars().next())
            })
        })
        .collect();
    let expected: std::collections::BTreeSet<&str> = failing.iter().map(String::as_str).collect();
    assert_eq!(ids, expected, "the section lists exactly the 不达标 items");
    for section in [
        "基本信息",
        "评审结论",
        "分章统计",
        "不达标条款及整改意见",
        "条款明细",
        "佐证材料索引",
        "评审签字",
    ] {
        assert!(text.contains(section), "section {section} missing");
    }
    assert!(text.contains(&format!("第1页共{}页", report.pages)));
    assert!(text.contains(GENERATED_AT.replace(' ', "").as_str()));
    assert!(text.contains("王堃") && text.contains("李珺玥") && text.contains("赵昇"));
    // Where the checklist's text comes from, and what each verdict means.
    let start = |s: &str, n: usize| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .take(n)
            .collect::<String>()
    };
    assert!(text.contains("清单来源"));
    assert!(text.contains(&start(&township.0.source, 20)), "source");
    let description = township.0.verdicts[1].description.as_deref().unwrap();
    assert!(text.contains(&start(description, 10)), "description");
}

#[test]
fn every_font_is_an_embedded_subset() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("data"));
    let community = shipped("community-2022");
    let insp = create(&store, &community);
    grade_all(&store, &insp, &community.0, 4, 60);
    let report = build_pdf(&store, &insp.id, &options()).unwrap();
    let out = dir.path().join("r.pdf");
    write_pdf(&out, &report.pdf).unwrap();

    let listing = poppler("pdffonts", &[out.to_str().unwrap()]);
    let fonts: Vec<&str> = listing
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(fonts.len() >= 2, "regular and bold expected:\n{listing}");
    for line in fonts {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // name type… encoding emb sub uni object-id generation
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{line}");
        assert!(cols[0].chars().nth(6) == Some('+'), "subset tag: {line}");
    }
    // Only the glyphs used are embedded: far below the 5 MB bundled font.
    assert!(report.pdf.len() < 1_000_000, "{} bytes", report.pdf.len());
}

#[test]
fn a_10000_character_note_is_printed_whole_across_pages() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let township = shipped("township-2022");
    let id = {
        let store = open(&data);
        let insp = create(&store, &township);
        store
            .update(
                &insp.id,
                "1.1.1",
                &[
                    Edit::Grade(Some(pingshen::scoring::Grade::D)),
                    Edit::Note(long_note(10_000) + "【备注结束】"),
                ],
                "王堃",
            )
            .unwrap();
        insp.id
    };
    let out = dir.path().join("long.pdf");
    pingshen(&data)
        .args(["report", &id, "-o", out.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("已生成评审报告"));
    let text = text_of(&out);
    // Printed twice (不达标 section and item table), to the very end.
    assert_eq!(text.matches("【备注结束】").count(), 2);
}

#[test]
fn an_unknown_inspection_is_named_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    drop(open(&data));
    let out = dir.path().join("r.pdf");
    pingshen(&data)
        .args(["report", "ffffffff", "-o", out.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("找不到编号为 `ffffffff` 的检查")
                .and(predicate::str::contains("pingshen list")),
        );
    assert!(!out.exists());
}

#[test]
fn an_inspection_with_nothing_graded_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let id = create(&open(&data), &shipped("township-2022")).id;
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("r.pdf");
    pingshen(&data)
        .args(["report", &id, "-o", out.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("还没有任何条款评分")
                .and(predicate::str::contains("pingshen grade")),
        );
    assert!(files_in(&out_dir).is_empty());
}

#[test]
fn an_unwritable_output_path_fails_cleanly_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let township = shipped("township-2022");
    let id = {
        let store = open(&data);
        let insp = create(&store, &township);
        grade_all(&store, &insp, &township.0, 0, 0);
        insp.id
    };
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    // The parent of the output is a regular file.
    let blocker = out_dir.join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let out = blocker.join("r.pdf");
    pingshen(&data)
        .args(["report", &id, "-o", out.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("无法写入").and(predicate::str::contains("换一个输出路径")),
        );
    // The output is a directory.
    pingshen(&data)
        .args(["report", &id, "-o", out_dir.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicate::str::contains("无法写入"));
    assert_eq!(files_in(&out_dir), ["not-a-dir"]);
}

#[test]
fn a_character_no_font_has_is_warned_about_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let township = shipped("township-2022");
    let id = {
        let store = open(&data);
        let insp = create(&store, &township);
        store
            .update(
                &insp.id,
                "1.1.1",
                &[
                    Edit::Grade(Some(pingshen::scoring::Grade::B)),
                    Edit::Note("私用区字符\u{E000}在此".into()),
                ],
                "王堃",
            )
            .unwrap();
        insp.id
    };
    let out = dir.path().join("r.pdf");
    pingshen(&data)
        .args([
            "report",
            &id,
            "-o",
            out.to_str().unwrap(),
            "--no-system-fonts",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("U+E000").and(predicate::str::contains("--font")));
    assert!(text_of(&out).contains("私用区字符□在此"));
}
