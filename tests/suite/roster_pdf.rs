//! The roster and the 附件1 list as PDF: the text read back with poppler, and the
//! layout model of a 1,000-row roster.

use crate::report_support;

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use pingshen::report::ReportOptions;
use pingshen::report::layout::{Layout, Role, Shape};
use pingshen::report::roster::{
    RECOMMENDED_HEADER, RECOMMENDED_TITLE, ROSTER_HEADER, Roster, RosterKind, prepare,
};
use pingshen::store::{Inspection, Overview, ReviewKind};
use predicates::prelude::PredicateBooleanExt;
use report_support::{GENERATED_AT, poppler};

const EPS: f32 = 0.01;

fn pingshen(data: &Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env("PINGSHEN_CHECKLIST_DIR", data.join("none"));
    c
}

/// pdftotext's text with all white space removed.
fn text_of(pdf: &Path) -> String {
    poppler("pdftotext", &[pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

use crate::common::Spec;

const DISTRICT: [Spec; 5] = [
    (
        "和平里社区卫生服务中心",
        "北京市东城区",
        "赵昇",
        "13900000001",
        ReviewKind::District,
        "2026-05-10",
        true,
    ),
    (
        "和平里社区卫生服务中心",
        "北京市东城区",
        "赵昇",
        "13900000001",
        ReviewKind::CityRecheck,
        "2026-06-10",
        true,
    ),
    (
        "东四社区卫生服务中心",
        "北京市东城区",
        "钱珺",
        "13900000002",
        ReviewKind::District,
        "2026-05-12",
        false,
    ),
    (
        "朝阳门社区卫生服务中心",
        "北京市东城区",
        "孙彧",
        "13900000004",
        ReviewKind::District,
        "2026-07-01",
        true,
    ),
    (
        "月坛社区卫生服务中心",
        "北京市西城区",
        "李垚",
        "13900000003",
        ReviewKind::District,
        "2025-05-12",
        true,
    ),
];

fn district(dir: &Path) {
    crate::common::district(dir, &DISTRICT);
}

#[test]
fn the_recommended_pdf_is_annex_1_with_its_foot() {
    let dir = tempfile::tempdir().unwrap();
    district(dir.path());
    let out = dir.path().join("附件1.pdf");
    pingshen(dir.path())
        .args([
            "roster",
            "--recommended",
            "--region",
            "东城区",
            "--year",
            "2026",
        ])
        .args([
            "--format",
            "pdf",
            "--filler",
            "李琇",
            "--filler-phone",
            "010-12345678",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicates::str::contains("2 个机构"));
    let text = text_of(&out);
    assert!(text.contains(RECOMMENDED_TITLE), "{text}");
    assert!(text.contains("附件1"));
    for h in RECOMMENDED_HEADER {
        assert!(text.contains(h), "column {h} missing: {text}");
    }
    // Each facility once, as 区名+机构名称, numbered in pinyin order (朝阳门 chao
    // before 和平里 he, though 和 comes first by code point); 东四 did not reach
    // 推荐标准 and 月坛 is in another district.
    let a = "1北京市东城区朝阳门社区卫生服务中心孙彧13900000004";
    let b = "2北京市东城区和平里社区卫生服务中心赵昇13900000001";
    assert!(text.contains(a) && text.contains(b), "{text}");
    assert_eq!(text.matches("和平里社区卫生服务中心").count(), 1);
    assert!(!text.contains("东四") && !text.contains("月坛"));
    assert!(
        text.contains("填报人：李琇") && text.contains("联系电话：010-12345678"),
        "{text}"
    );
    assert!(text.contains("第1页共1页"));
}

#[test]
fn the_roster_pdf_has_every_column_and_every_selected_review() {
    let dir = tempfile::tempdir().unwrap();
    district(dir.path());
    let out = dir.path().join("名单.pdf");
    pingshen(dir.path())
        .args(["roster", "--format", "pdf", "-o"])
        .arg(&out)
        .assert()
        .success();
    let text = text_of(&out);
    for h in ROSTER_HEADER {
        assert!(text.contains(h), "column {h} missing: {text}");
    }
    for (name, region, head, phone, kind, date, _) in DISTRICT {
        for t in [name, region, head, phone, kind.label(), date] {
            assert!(text.contains(t), "{t} missing: {text}");
        }
    }
    assert!(text.contains("达到推荐标准") && text.contains("未达到基本标准"));
    assert!(text.contains("共5条评审记录"));
    // Landscape A4.
    let info = poppler("pdfinfo", &[out.to_str().unwrap()]);
    assert!(
        info.contains("841.89 x 595.276") || info.contains("842 x 595"),
        "{info}"
    );
}

#[test]
fn a_pdf_is_not_printed_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    district(dir.path());
    pingshen(dir.path())
        .args(["roster", "--recommended", "--format", "pdf"])
        .assert()
        .failure()
        .stdout("")
        .stderr(
            predicates::str::contains("PDF 不能输出到屏幕").and(predicates::str::contains("-o")),
        );
}

/// A summary made without a store; the inspection is read from JSON as the store
/// reads it, so fields added later take their defaults.
fn summary(i: usize) -> Overview {
    let district = ["东城区", "西城区", "朝阳区", "海淀区", "丰台区"][i % 5];
    let inspection: Inspection = serde_json::from_value(serde_json::json!({
        "id": format!("{i:010x}"),
        "institution": {
            "name": format!("第{i}社区卫生服务中心"),
            "region": format!("北京市{district}"),
            "kind": "社区卫生服务中心",
            "head": "王五",
            "phone": format!("139{i:08}"),
        },
        "review_kind": "区级评审",
        "date": "2026-11-23",
        "inspectors": ["张三"],
        "status": "进行中",
        "checklist": {
            "id": "community-2022",
            "version": "1",
            "title": "社区卫生服务中心服务能力标准",
            "sha256": "0".repeat(64),
        },
        "created_at": "2026-11-23T09:00:00+08:00",
        "updated_at": "2026-11-23T09:00:00+08:00",
    }))
    .expect("an inspection");
    Overview {
        inspection,
        graded: 112,
        items: 112,
        counts: [40, 60, 12, 0, 0, 0],
        journal_len: 0,
        verdict: "达到推荐标准".into(),
        winner: Some(0),
    }
}

fn options() -> ReportOptions {
    ReportOptions {
        generated_at: Some(GENERATED_AT.into()),
        ..ReportOptions::default()
    }
}

fn texts(layout: &Layout, page: usize, role: impl Fn(Role) -> bool) -> Vec<&str> {
    layout.pages[page]
        .boxes
        .iter()
        .filter(|b| role(b.role))
        .filter_map(|b| match &b.shape {
            Shape::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// Every row once, on consecutive pages; every page with rows has the header above
/// them, the page frame with 第 X 页 共 Y 页, and everything inside the page.
fn assert_paginated(layout: &Layout, rows: usize, header: &[&str]) {
    let g = layout.geometry;
    let placed: Vec<usize> = layout.rows.iter().map(|r| r.row).collect();
    assert_eq!(
        placed,
        (0..rows).collect::<Vec<_>>(),
        "each row once, in order, unsplit"
    );
    let pages: BTreeSet<usize> = layout.rows.iter().map(|r| r.page).collect();
    assert_eq!(pages.len(), layout.pages.len(), "rows on every page");
    let total = layout.pages.len();
    for (p, page) in layout.pages.iter().enumerate() {
        let head: Vec<_> = page
            .boxes
            .iter()
            .filter(|b| matches!(b.role, Role::TableHeader { .. }))
            .collect();
        let head_texts = texts(layout, p, |r| matches!(r, Role::TableHeader { .. }));
        assert_eq!(head_texts, header, "page {}", p + 1);
        let head_bottom = head.iter().map(|b| b.y + b.h).fold(0.0, f32::max);
        let rows_top = page
            .boxes
            .iter()
            .filter(|b| matches!(b.role, Role::TableRow { .. }))
            .map(|b| b.y)
            .fold(f32::INFINITY, f32::min);
        assert!(
            head_bottom <= rows_top + EPS,
            "page {}: header below rows",
            p + 1
        );
        let footer = texts(layout, p, |r| r == Role::PageFooter);
        assert!(
            footer.contains(&format!("第 {} 页 共 {total} 页", p + 1).as_str()),
            "{footer:?}"
        );
        assert!(
            footer.contains(&format!("生成时间 {GENERATED_AT}").as_str()),
            "{footer:?}"
        );
        for b in &page.boxes {
            let (l, t, r, bottom) = match b.role {
                Role::PageHeader | Role::PageFooter => {
                    (10.0, 10.0, g.width - 10.0, g.height - 10.0)
                }
                _ => (g.left, g.top, g.width - g.right, g.height - g.bottom),
            };
            assert!(
                b.x >= l - EPS
                    && b.y >= t - EPS
                    && b.x + b.w <= r + EPS
                    && b.y + b.h <= bottom + EPS,
                "page {}: box outside its area: {b:?}",
                p + 1
            );
        }
    }
}

#[test]
fn a_1000_row_roster_repeats_its_header_on_every_page() {
    let summaries: Vec<Overview> = (0..1000).map(summary).collect();
    let roster = Roster::new(RosterKind::All, &summaries, "年份：2026");
    let layout = prepare(&roster, &options()).unwrap().layout;
    assert!(layout.pages.len() >= 20, "{} pages", layout.pages.len());
    assert!(layout.geometry.width > layout.geometry.height, "landscape");
    assert_paginated(&layout, 1000, &ROSTER_HEADER);
    // The last row is the 1,000th review.
    let last = texts(&layout, layout.pages.len() - 1, |r| {
        r == Role::TableRow { table: 0, row: 999 }
    });
    assert!(
        last.contains(&"1000") && last.contains(&"第999社区卫生服务中心"),
        "{last:?}"
    );

    let roster = Roster::new(
        RosterKind::Recommended {
            filler: "李琇".into(),
            filler_phone: "010-12345678".into(),
        },
        &summaries,
        "",
    );
    let layout = prepare(&roster, &options()).unwrap().layout;
    assert!(layout.geometry.width < layout.geometry.height, "portrait");
    assert_paginated(&layout, 1000, &RECOMMENDED_HEADER);
    // The foot comes once, on the last page, below the table.
    let last = layout.pages.len() - 1;
    let body = texts(&layout, last, |r| r == Role::Body);
    assert!(
        body.contains(&"填报人：") && body.contains(&"李琇") && body.contains(&"010-12345678"),
        "{body:?}"
    );
    for p in 0..last {
        assert!(!texts(&layout, p, |r| r == Role::Body).contains(&"填报人："));
    }
}

#[test]
fn an_empty_foot_leaves_lines_to_write_on() {
    let roster = Roster::new(
        RosterKind::Recommended {
            filler: String::new(),
            filler_phone: String::new(),
        },
        &[],
        "",
    );
    let layout = prepare(&roster, &options()).unwrap().layout;
    assert_eq!(layout.pages.len(), 1);
    let body = texts(&layout, 0, |r| r == Role::Body);
    assert!(body.contains(&"填报人：") && body.contains(&"联系电话："));
    let lines = layout.pages[0]
        .boxes
        .iter()
        .filter(|b| b.role == Role::Body && matches!(b.shape, Shape::Line { .. }))
        .count();
    assert_eq!(lines, 2);
    let rows = texts(&layout, 0, |r| matches!(r, Role::TableRow { .. }));
    assert_eq!(rows, ["没有符合条件的机构。"]);
}
