//! The TOML an import writes (formatted like the shipped files, with comments), and
//! cells cleaned of what must not reach a terminal or a PDF.

use pingshen::checklist::parse_checklist;
use pingshen::checklist::workbook::{self, ImportError};

use crate::workbook::{ITEM_HEADER, RULE_HEADER, handmade, own};

#[test]
fn the_toml_written_from_a_workbook_reads_like_a_shipped_file() {
    let dir = tempfile::tempdir().unwrap();
    let c = parse_checklist(include_str!("fixtures/small.toml"), "small.toml").unwrap();
    let path = dir.path().join("small.xlsx");
    std::fs::write(&path, workbook::workbook_bytes(Some(&c)).unwrap()).unwrap();
    let done = workbook::import(&[path.as_path()]).unwrap();
    insta::assert_snapshot!("workbook_import_small_toml", done.toml);
}

#[test]
fn control_and_bidi_characters_in_cells_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("清单.xlsx");
    let meta: &[&[&str]] = &[
        &["项目", "内容", "说明"],
        &["编号", "demo-2022", ""],
        &["标题", "示例\u{202E}清单\u{1b}[2J", ""],
        &["机构类型", "社区卫生服务中心", ""],
        &["版本", "1", ""],
        &["来源", "测试", ""],
    ];
    let rules: &[&[&str]] = &[
        RULE_HEADER,
        &["达到基本标准", "", "", "基本标准", "", "C", "80%"],
    ];
    let items: &[&[&str]] = &[
        ITEM_HEADER,
        &[
            "1.1.1",
            "功能任务",
            "人员",
            "全科\u{7}医生",
            "基本标准",
            "",
            "",
            "查阅资料、访谈",
            "C-1 有花名册\nC-2 有排班表",
            "",
            "",
            "",
            "资料齐全\n记录不全",
            "C",
        ],
    ];
    handmade(&path, &own(meta), &own(rules), &own(items));
    let done = match workbook::import(&[path.as_path()]) {
        Ok(d) => d,
        Err(ImportError::Invalid(p)) => panic!("{}", p[0]),
        Err(ImportError::Unreadable(w)) => panic!("{w}"),
    };
    let c = &done.checklist;
    assert_eq!(c.title, "示例清单[2J");
    let it = c.find_item("1.1.1").unwrap();
    assert_eq!(it.title, "全科医生");
    assert_eq!(it.methods, ["查阅资料", "访谈"]);
    assert_eq!(it.criteria.c, "C-1 有花名册\nC-2 有排班表");
    assert_eq!(it.phrases, ["资料齐全", "记录不全"]);
    assert_eq!(c.verdicts[0].conditions[0].min_share, 0.8);
    assert!(
        !done
            .toml
            .chars()
            .any(|ch| ch == '\u{202E}' || ch == '\u{1b}' || ch == '\u{7}')
    );
}

/// The XML of one part of a workbook.
fn part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn the_workbook_has_frozen_headers_wide_columns_and_drop_downs() {
    for bytes in [
        workbook::workbook_bytes(None).unwrap(),
        workbook::workbook_bytes(Some(&crate::common::shipped("township-2022").0)).unwrap(),
    ] {
        let book = part(&bytes, "xl/workbook.xml");
        for sheet in ["条款", "结论规则", "清单信息", "填写说明"] {
            assert!(book.contains(&format!("name=\"{sheet}\"")), "{sheet}");
        }
        let items = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(items.contains("state=\"frozen\""), "frozen header");
        assert!(items.contains("<cols>"), "column widths");
        for list in ["\"基本标准,推荐标准\"", "\"★\"", "\"是\""] {
            assert!(items.contains(list), "drop-down {list}");
        }
        let rules = part(&bytes, "xl/worksheets/sheet2.xml");
        assert!(rules.contains("\"全部,核心条款,基本标准,推荐标准,章\""));
    }
}

#[test]
fn a_workbook_that_would_unpack_to_far_more_than_a_checklist_is_refused_unread() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("炸弹.xlsx");
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zw.start_file("xl/sharedStrings.xml", deflated).unwrap();
    let zeros = vec![b'0'; 1024 * 1024];
    for _ in 0..40 {
        zw.write_all(&zeros).unwrap();
    }
    let bytes = zw.finish().unwrap().into_inner();
    assert!(bytes.len() < 1024 * 1024, "small on disk: {}", bytes.len());
    std::fs::write(&path, bytes).unwrap();
    match workbook::import(&[path.as_path()]) {
        Err(ImportError::Unreadable(why)) => {
            assert!(why.contains("解压后超过 32 MB，没有读取"), "{why}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_kind_of_rule_and_item_field_survives_a_round_trip() {
    let text = include_str!("fixtures/small.toml")
        .replacen(
            "source = \"pingshen 测试数据\"",
            "source = \"pingshen 测试数据\"\nfallback_verdict = \"不合格\"",
            1,
        )
        .replacen(
            "name = \"达到基本标准\"\n",
            "name = \"达到基本标准\"\ndescription = \"说明：含 \\\"引号\\\" 和\\n换行\"\n\n  [[verdict.condition]]\n  select = \"chapter\"\n  chapter = \"2\"\n  min_grade = \"C\"\n  min_share = 0.5\n\n  [[verdict.condition]]\n  select = \"all\"\n  min_grade = \"C\"\n  min_share = 0.25\n",
            1,
        )
        .replacen(
            "c = \"每万服务人口全科医生≥3名。\"",
            "c = [\"每万服务人口全科医生≥3名。\", \"有排班表。\"]\n    max_grade = \"C\"\n    phrases = [\"资料齐全\", \"排班表缺失\"]\n    guidance = \"路径 C:\\\\名册；第二行\\n第三行\"",
            1,
        );
    let original = parse_checklist(&text, "x").unwrap_or_else(|d| panic!("{}", d[0]));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.xlsx");
    std::fs::write(&path, workbook::workbook_bytes(Some(&original)).unwrap()).unwrap();
    let done = workbook::import(&[path.as_path()]).unwrap();
    assert_eq!(
        crate::workbook::content(&done.checklist),
        crate::workbook::content(&original)
    );
    assert_eq!(done.checklist.fallback_verdict, "不合格");
    let it = done.checklist.find_item("1.1.2").unwrap();
    assert_eq!(it.phrases, ["资料齐全", "排班表缺失"]);
    assert_eq!(
        it.criteria.c,
        "C-1 每万服务人口全科医生≥3名。\nC-2 有排班表。"
    );
}
