//! Rosters and the spreadsheet export, as files a district opens in Excel.

use assert_cmd::Command;
use pingshen::store::ReviewKind;

use crate::common::Spec;

fn read_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[3..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn pingshen(data: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env("PINGSHEN_CHECKLIST_DIR", data.join("none"));
    c
}

/// Three facilities: one that reaches 推荐标准 (twice reviewed), one that does not,
/// one in another district.
const DISTRICT: [Spec; 4] = [
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
        "月坛社区卫生服务中心",
        "北京市西城区",
        "孙彧",
        "13900000003",
        ReviewKind::District,
        "2025-05-12",
        true,
    ),
];

fn district(dir: &std::path::Path) -> Vec<String> {
    crate::common::district(dir, &DISTRICT)
}

#[test]
fn the_recommended_list_follows_annex_1() {
    let dir = tempfile::tempdir().unwrap();
    district(dir.path());
    let out = dir.path().join("附件1.csv");
    pingshen(dir.path())
        .args([
            "roster",
            "--recommended",
            "--region",
            "东城区",
            "--year",
            "2026",
            "--format",
            "csv",
            "--filler",
            "李琇",
            "--filler-phone",
            "010-12345678",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let rows = read_csv(&out);
    assert_eq!(
        rows[0],
        [
            "序号",
            "机构名称（区名+机构名称）",
            "机构负责人",
            "联系手机"
        ]
    );
    // The facility reviewed twice is listed once; 东四 did not reach it; 西城 is filtered out.
    assert_eq!(
        rows[1],
        [
            "1",
            "北京市东城区和平里社区卫生服务中心",
            "赵昇",
            "13900000001"
        ]
    );
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows[2].iter().all(|c| c.is_empty()));
    assert_eq!(rows[3], ["填报人", "李琇", "联系电话", "010-12345678"]);
}

#[test]
fn the_roster_lists_every_selected_review_with_its_verdict() {
    let dir = tempfile::tempdir().unwrap();
    district(dir.path());
    let out = dir.path().join("roster.csv");
    pingshen(dir.path())
        .args(["roster", "--kind", "区级评审", "--format", "csv", "-o"])
        .arg(&out)
        .assert()
        .success();
    let rows = read_csv(&out);
    assert_eq!(
        rows[0][..8],
        [
            "序号",
            "区县",
            "机构名称",
            "机构类型",
            "评审类型",
            "评审日期",
            "进度",
            "评审结论"
        ]
    );
    let body: Vec<(&str, &str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[2].as_str(), r[6].as_str(), r[7].as_str()))
        .collect();
    assert_eq!(
        body,
        [
            ("东四社区卫生服务中心", "0%", "未达到基本标准"),
            ("和平里社区卫生服务中心", "100%", "达到推荐标准"),
            ("月坛社区卫生服务中心", "100%", "达到推荐标准"),
        ]
    );
    pingshen(dir.path())
        .args(["roster", "--kind", "年检"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("评审类型 `年检` 无法识别"));
    for year in ["26", "二〇二六", "2026-11"] {
        pingshen(dir.path())
            .args(["roster", "--year", year])
            .assert()
            .failure()
            .stderr(predicates::str::contains(format!(
                "年份 `{year}` 应写成四位数字"
            )));
    }
}

#[test]
fn the_grades_export_opens_as_a_spreadsheet() {
    let dir = tempfile::tempdir().unwrap();
    let ids = district(dir.path());
    let out = dir.path().join("评分表.csv");
    pingshen(dir.path())
        .args(["export", &ids[2], "--format", "csv", "-o"])
        .arg(&out)
        .assert()
        .success();
    let rows = read_csv(&out);
    assert_eq!(rows[0][0], "条款编号");
    assert_eq!(rows.len(), 1 + 126);
    assert_eq!(rows[1][0], "1.1.1");
    assert_eq!(rows[1][6], "待评");
}
