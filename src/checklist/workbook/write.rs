//! Writing a checklist as a workbook (rust_xlsxwriter): 条款, 结论规则, 清单信息 and a
//! 填写说明 sheet; headers frozen, columns sized for Chinese, drop-downs where a column
//! takes a fixed set of words.

use rust_xlsxwriter::{
    Color, DataValidation, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::layout::*;
use crate::checklist::model::{Checklist, Criterion, Level, Selector, Tier};

/// Rows given drop-downs in an empty or short sheet, so new rows get them too.
const VALIDATED_ROWS: u32 = 2000;

/// The workbook of `checklist`, or the empty, documented template when `None`.
pub fn workbook_bytes(checklist: Option<&Checklist>) -> Result<Vec<u8>, String> {
    build(checklist).map_err(|e| format!("无法生成工作簿（{e}）"))
}

/// The header row of every workbook pingshen writes: bold on light blue, boxed,
/// wrapped.
pub(crate) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top)
        .set_text_wrap()
}

/// A body cell of every workbook pingshen writes: top-aligned, wrapped.
pub(crate) fn body_format() -> Format {
    Format::new().set_align(FormatAlign::Top).set_text_wrap()
}

fn build(checklist: Option<&Checklist>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let header = header_format();
    let body = body_format();
    let share = body.clone().set_num_format("0%");

    let ws = wb.add_worksheet();
    ws.set_name(ITEMS)?;
    heading(ws, ITEM_COLUMNS, &header)?;
    for (col, width) in [8, 16, 16, 22, 10, 6, 9, 18, 50, 50, 50, 36, 24, 9]
        .into_iter()
        .enumerate()
    {
        ws.set_column_width(col as u16, width)?;
    }
    ws.set_freeze_panes(1, 1)?;
    drop_down(ws, 4, &["基本标准", "推荐标准"])?;
    drop_down(ws, 5, &["★"])?;
    drop_down(ws, 6, &["是"])?;
    drop_down(ws, 13, &["C", "B"])?;
    if let Some(c) = checklist {
        for (row, (ch, sec, it)) in c.items().enumerate() {
            let cells = [
                it.id.clone(),
                ch.title.clone(),
                sec.title.clone(),
                it.title.clone(),
                it.tier.label().to_string(),
                if it.core { "★" } else { "" }.to_string(),
                if it.allow_na { "是" } else { "" }.to_string(),
                it.methods.join("、"),
                cell_text(&it.criteria.points.c, "C"),
                cell_text(&it.criteria.points.b, "B"),
                cell_text(&it.criteria.points.a, "A"),
                it.guidance.clone().unwrap_or_default(),
                it.phrases.join("\n"),
                it.declared_max.map_or("", Level::letter).to_string(),
            ];
            text_row(ws, row as u32 + 1, &cells, &body)?;
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name(RULES)?;
    heading(ws, RULE_COLUMNS, &header)?;
    for (col, width) in [16, 36, 40, 12, 6, 10, 10].into_iter().enumerate() {
        ws.set_column_width(col as u16, width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    drop_down(ws, 3, &["全部", "核心条款", "基本标准", "推荐标准", "章"])?;
    drop_down(ws, 5, &["A", "B", "C"])?;
    if let Some(c) = checklist {
        let mut row = 1;
        for rule in &c.verdicts {
            for (i, cond) in rule.conditions.iter().enumerate() {
                let (select, chapter) = select_words(&cond.select);
                let first = i == 0;
                let cells = [
                    if first {
                        rule.name.clone()
                    } else {
                        String::new()
                    },
                    if first {
                        rule.description.clone().unwrap_or_default()
                    } else {
                        String::new()
                    },
                    cond.label.clone().unwrap_or_default(),
                    select.to_string(),
                    chapter,
                    cond.min_grade.letter().to_string(),
                ];
                text_row(ws, row, &cells, &body)?;
                ws.write_number_with_format(row, 6, cond.min_share, &share)?;
                row += 1;
            }
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name(META)?;
    heading(ws, META_COLUMNS, &header)?;
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, 60)?;
    ws.set_column_width(2, 50)?;
    ws.set_freeze_panes(1, 0)?;
    for (i, (label, key, required, help)) in META_ROWS.iter().enumerate() {
        let value = checklist.map_or(String::new(), |c| match *key {
            "id" => c.id.clone(),
            "title" => c.title.clone(),
            "institution_type" => c.institution_type.clone(),
            "version" => c.version.clone(),
            "source" => c.source.clone(),
            _ if c.fallback_declared => c.fallback_verdict.clone(),
            _ => String::new(),
        });
        let help = format!("{}{help}", if *required { "必填。" } else { "选填。" });
        text_row(ws, i as u32 + 1, &[label.to_string(), value, help], &body)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name(HELP)?;
    heading(ws, &["工作表", "列", "填写什么"], &header)?;
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, 12)?;
    ws.set_column_width(2, 90)?;
    let mut row = 1;
    let intro = [
        "说明",
        "",
        "本工作簿是 pingshen 评审清单的表格形式：填好后运行 `pingshen checklists import 本文件.xlsx -o 清单.toml` 转换，再用 `pingshen check 清单.toml` 检查。出错时会指出工作表、行和列。另存为 CSV 时，每个工作表存一个 CSV 文件，一起导入。第一行是表头，不要改动；「填写说明」工作表不会被读取。",
    ];
    text_row(ws, row, &intro.map(String::from), &body)?;
    row += 1;
    for (sheet, columns, help) in [
        (ITEMS, ITEM_COLUMNS, ITEM_HELP),
        (RULES, RULE_COLUMNS, RULE_HELP),
    ] {
        for (col, what) in columns.iter().zip(help.iter()) {
            text_row(
                ws,
                row,
                &[sheet.to_string(), col.to_string(), what.to_string()],
                &body,
            )?;
            row += 1;
        }
    }
    for (label, _, _, help) in META_ROWS {
        text_row(
            ws,
            row,
            &[META.to_string(), label.to_string(), help.to_string()],
            &body,
        )?;
        row += 1;
    }
    wb.save_to_buffer()
}

/// A criterion as one cell: the text, or "B-1 …" lines for numbered sub-criteria.
pub fn cell_text(c: &Criterion, letter: &str) -> String {
    c.shown(letter).unwrap_or_default()
}

/// The words written in 选择 and 章 for a selector.
fn select_words(s: &Selector) -> (&'static str, String) {
    match s {
        Selector::All => ("全部", String::new()),
        Selector::Core => ("核心条款", String::new()),
        Selector::Tier(Tier::Basic) => ("基本标准", String::new()),
        Selector::Tier(Tier::Recommended) => ("推荐标准", String::new()),
        Selector::Chapter(c) => ("章", c.clone()),
    }
}

fn heading(ws: &mut Worksheet, names: &[&str], format: &Format) -> Result<(), XlsxError> {
    for (col, name) in names.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, *name, format)?;
    }
    Ok(())
}

fn text_row(ws: &mut Worksheet, row: u32, cells: &[String], f: &Format) -> Result<(), XlsxError> {
    for (col, text) in cells.iter().enumerate() {
        if !text.is_empty() {
            ws.write_string_with_format(row, col as u16, text, f)?;
        }
    }
    Ok(())
}

fn drop_down(ws: &mut Worksheet, col: u16, words: &[&str]) -> Result<(), XlsxError> {
    let dv = DataValidation::new().allow_list_strings(words)?;
    ws.add_data_validation(1, col, VALIDATED_ROWS, col, &dv)?;
    Ok(())
}
