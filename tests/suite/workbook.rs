//! Checklists as spreadsheets: every shipped checklist survives TOML → XLSX → TOML (and
//! → CSV in UTF-8, UTF-8 with BOM and GB18030 → TOML); a hand-made workbook full of
//! mistakes gets each one at its sheet, row and column with `pingshen check`'s sentence.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use pingshen::checklist::workbook::{self, ImportError, Problem};
use pingshen::checklist::{Checklist, builtin_sources, parse_checklist};
use rust_xlsxwriter::Workbook;

/// The checklist without the line numbers of its source, as JSON.
pub fn content(c: &Checklist) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("line");
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(c).unwrap();
    strip(&mut v);
    v
}

fn export(c: &Checklist, dir: &Path) -> PathBuf {
    let path = dir.join("清单.xlsx");
    std::fs::write(&path, workbook::workbook_bytes(Some(c)).unwrap()).unwrap();
    path
}

fn import_ok(paths: &[&Path]) -> workbook::Imported {
    match workbook::import(paths) {
        Ok(done) => done,
        Err(ImportError::Invalid(p)) => panic!("{}", p[0]),
        Err(ImportError::Unreadable(why)) => panic!("{why}"),
    }
}

#[test]
fn every_shipped_checklist_round_trips_through_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    for source in builtin_sources() {
        let original = source.parse().unwrap();
        let path = export(&original, dir.path());
        let done = import_ok(&[&path]);
        assert_eq!(
            content(&done.checklist),
            content(&original),
            "{}",
            original.id
        );
        assert!(done.warnings.is_empty(), "{}", done.warnings[0]);
        // The TOML written is itself a checklist file that loads to the same.
        let again = parse_checklist(&done.toml, "again").unwrap();
        assert_eq!(content(&again), content(&original));
        let first = &original.chapters[0];
        assert!(done.toml.contains(&format!("# 第 1 章 {}", first.title)));
    }
}

/// The sheets of an exported workbook as rows of text, as Excel would save them as CSV.
fn sheet_rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) => format!("{}%", f * 100.0),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn csv_bytes(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

#[test]
fn csv_in_utf8_with_or_without_bom_and_in_gb18030_imports_as_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    for source in builtin_sources() {
        let original = source.parse().unwrap();
        let book = export(&original, dir.path());
        let meta = csv_bytes(&sheet_rows(&book, workbook::META));
        let rules = csv_bytes(&sheet_rows(&book, workbook::RULES));
        let items = csv_bytes(&sheet_rows(&book, workbook::ITEMS));
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(&rules);
        let items_text = String::from_utf8(items).unwrap();
        let (gb, _, unmappable) = encoding_rs::GB18030.encode(&items_text);
        assert!(!unmappable);
        // LibreOffice saves every sheet, 填写说明 too: that one is passed over.
        let help = csv_bytes(&sheet_rows(&book, workbook::HELP));
        let files = [
            ("填写说明.csv", help),
            ("清单信息.csv", meta),
            ("结论规则.csv", with_bom),
            ("条款.csv", gb.into_owned()),
        ];
        let paths: Vec<PathBuf> = files
            .iter()
            .map(|(name, bytes)| {
                let p = dir.path().join(name);
                std::fs::write(&p, bytes).unwrap();
                p
            })
            .collect();
        let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let done = import_ok(&refs);
        assert_eq!(
            content(&done.checklist),
            content(&original),
            "{}",
            original.id
        );
    }
}

pub const ITEM_HEADER: &[&str] = &[
    "编号",
    "章",
    "节",
    "条款",
    "类别",
    "核心",
    "可不适用",
    "评价方法",
    "C",
    "B",
    "A",
    "指导",
    "常用评语",
    "最高档次",
];

/// Writes a workbook of the three sheets, each a list of rows (the first is the header).
pub fn handmade(path: &Path, meta: &[Vec<String>], rules: &[Vec<String>], items: &[Vec<String>]) {
    let mut wb = Workbook::new();
    for (name, rows) in [("条款", items), ("结论规则", rules), ("清单信息", meta)] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                if let Ok(n) = text.parse::<f64>() {
                    ws.write_number(r as u32, c as u16, n).unwrap();
                } else if !text.is_empty() {
                    ws.write_string(r as u32, c as u16, text).unwrap();
                }
            }
        }
    }
    wb.save(path).unwrap();
}

pub fn own(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

pub const RULE_HEADER: &[&str] = &[
    "结论",
    "说明",
    "条件说明",
    "选择",
    "章",
    "最低档次",
    "最低比例",
];

fn problems(path: &Path) -> Vec<Problem> {
    match workbook::import(&[path]) {
        Err(ImportError::Invalid(p)) => p,
        other => panic!("expected problems, got {other:?}"),
    }
}

/// "工作表「条款」第 5 行 E 列：message", without the file name.
fn located(p: &Problem) -> String {
    let at = p.cell.to_string();
    let at = at
        .split_once(' ')
        .map_or(at.as_str(), |(_, rest)| rest)
        .to_string();
    format!("{at}：{}", p.message)
}

#[test]
fn a_handmade_workbook_gets_every_mistake_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("清单.xlsx");
    let meta: &[&[&str]] = &[
        &["项目", "内容", "说明"],
        &["编号", "Demo 2022", ""],
        &["标题", "示例清单", ""],
        &["机构类型", "社区卫生服务中心", ""],
        &["版本", "1", ""],
        &["来源", "测试", ""],
        &["作者", "张三", ""],
    ];
    let rules: &[&[&str]] = &[
        RULE_HEADER,
        &["达到推荐标准", "", "", "基础", "", "B", "1"],
        &["", "", "", "核心条款", "", "D", "1"],
        &["达到基本标准", "", "", "基本标准", "", "C", "八成"],
        &["", "", "", "全部", "", "C", "1.5"],
    ];
    #[rustfmt::skip]
    let items: &[&[&str]] = &[
        &[ITEM_HEADER, &["备注"]].concat(),
        &["1.1.1", "功能任务", "人员", "全科医生", "基本标准", "★", "", "查阅资料", "有", "更多", "最多", "", "", ""],
        &["1.1.2", "功能任务", "人员", "护士", "基础标准", "", "", "查阅资料", "有", "", "", "", "", ""],
        &["1.1", "功能任务", "人员", "公卫医师", "基本标准", "", "", "查阅资料", "有", "", "", "", "", ""],
        &["1.1.1", "功能任务", "人员", "重复的条款", "基本标准", "", "", "查阅资料", "有", "", "", "", "", ""],
        &["1.1.4", "", "", "药师", "基本标准", "", "", "查阅资料", "", "", "", "", "", ""],
        &["1.1.5", "", "", "CT", "推荐标准", "★", "是", "现场查看", "有", "更多", "", "", "", ""],
        &["1.1.6", "", "", "超声", "推荐标准", "", "", "现场查看", "有", "", "最多", "", "", ""],
        &["1.1.7", "", "", "检验", "推荐标准", "", "", "", "有", "", "", "", "", ""],
        &["2.1.1", "资源配置", "床位", "床位", "基本标准", "", "", "现场查看", "有", "", "", "", "床位数与登记不符\n资料齐全\n床位数与登记不符", ""],
        &["2.1.2", "医疗服务", "床位", "病房", "基本标准", "", "", "现场查看", "有", "多", "", "", "", "C"],
    ];
    handmade(&path, &own(meta), &own(rules), &own(items));
    let got: Vec<String> = problems(&path).iter().map(located).collect();
    let want = [
        "工作表「条款」第 1 行 O 列：表头「备注」不认识",
        "工作表「条款」第 3 行 E 列：条款 1.1.2 的标准类别 `基础标准` 不存在",
        "工作表「条款」第 4 行 A 列：条款编号 `1.1` 不是「章.节.条」的形式",
        "工作表「条款」第 5 行 A 列：条款编号 `1.1.1` 重复，第 2 行已经用过",
        "工作表「条款」第 6 行 I 列：条款 1.1.4 的 C 档评价要点是空的",
        "工作表「条款」第 7 行 G 列：条款 1.1.5 是核心条款（★），却允许「不适用」",
        "工作表「条款」第 8 行 K 列：条款 1.1.6 写了 A 档却没有 B 档",
        "工作表「条款」第 9 行 H 列：条款 1.1.7 的 `methods` 是空列表",
        "工作表「条款」第 10 行 M 列：条款 2.1.1 的 `phrases` 第 3 条「床位数与登记不符」与第 1 条重复",
        "工作表「条款」第 11 行 B 列：编号 2 的章名在第 10 行写作「资源配置」，这里写作「医疗服务」",
        "工作表「条款」第 11 行 N 列：条款 2.1.2 写了 max_grade = \"C\"，评价要点却写到了 B 档",
        "工作表「结论规则」第 2 行 D 列：结论「达到推荐标准」的条件的 select = \"基础\" 无法识别",
        "工作表「结论规则」第 3 行 F 列：结论「达到推荐标准」的条件的档次 `D` 不存在",
        "工作表「结论规则」第 4 行 G 列：结论「达到基本标准」的条件的 `min_share` 应为数字（例如 0.8），这里写的是文字",
        "工作表「结论规则」第 5 行 G 列：结论「达到基本标准」的条件的 min_share = 1.5 超出 0 到 1 的范围",
        "工作表「清单信息」第 2 行 B 列：清单编号 `Demo 2022` 含有不允许的字符",
        "工作表「清单信息」第 7 行 A 列：「作者」不是清单信息的项目",
    ];
    assert_eq!(got, want);
}

#[test]
fn messages_are_the_sentences_pingshen_check_gives() {
    // The same mistake in a TOML file and in a workbook: one sentence, one hint.
    let toml =
        include_str!("fixtures/small.toml").replacen("tier = \"基本标准\"", "tier = \"基础\"", 1);
    let from_check = &parse_checklist(&toml, "x.toml").unwrap_err()[0];
    let dir = tempfile::tempdir().unwrap();
    let c = parse_checklist(include_str!("fixtures/small.toml"), "s").unwrap();
    let path = export(&c, dir.path());
    // Edit the exported workbook's first item's 类别 to the same mistake.
    let mut rows = sheet_rows(&path, workbook::ITEMS);
    rows[1][4] = "基础".into();
    let meta = sheet_rows(&path, workbook::META);
    let rules = sheet_rows(&path, workbook::RULES);
    handmade(&path, &meta, &rules, &rows);
    let p = &problems(&path)[0];
    assert_eq!(p.message, from_check.message);
    assert_eq!(p.help, from_check.help);
    assert_eq!(
        (p.cell.row, workbook::column_letter(p.cell.col)),
        (2, "E".into())
    );
}
