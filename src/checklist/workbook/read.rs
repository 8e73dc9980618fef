//! Reading a workbook (calamine) or CSV files (UTF-8 with or without BOM, or GB18030 as
//! Excel saves them) into plain sheets of text cells. The files are hostile until
//! checked: sizes are limited before anything is unpacked or decoded, cells are read
//! one by one (a sheet's declared dimensions are never trusted), and control and bidi
//! characters are removed from every cell.

use std::io::{Cursor, Read};
use std::path::Path;
use std::rc::Rc;

use calamine::{DataRef, Reader, Xlsx};

use super::layout::{CellRef, ITEMS, META, RULES};
use crate::checklist::CHECKLIST_FILE_MAX;

/// Rows and columns read from one sheet: a full standard has about 120 items.
pub const MAX_ROWS: u32 = 5000;
pub const MAX_COLS: u16 = 40;
/// What a workbook may unpack to, and how many parts it may have.
const UNPACKED_MAX: u64 = 32 * 1024 * 1024;
const ENTRIES_MAX: usize = 500;

/// One sheet as text: `rows[0]` is the header (row 1 as Excel numbers it).
#[derive(Debug, Clone)]
pub struct Sheet {
    /// ITEMS, RULES or META.
    pub kind: &'static str,
    /// How messages name it: `清单.xlsx 工作表「条款」` or `条款.csv`.
    pub place: Rc<str>,
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    pub fn cell(&self, row: usize, col: usize) -> CellRef {
        CellRef {
            place: self.place.clone(),
            row: row + 1,
            col,
        }
    }
}

/// A file that cannot be read at all: one sentence saying why and what to do.
pub type Unreadable = String;

/// Sheets of `paths`: one `.xlsx`, or one or more `.csv` files (one per sheet).
pub fn read_sheets(paths: &[&Path]) -> Result<Vec<Sheet>, Unreadable> {
    let mut sheets = Vec::new();
    for path in paths {
        let name = shown_name(path);
        let bytes = read_limited(path, &name)?;
        if is_xlsx(path) {
            if paths.len() > 1 {
                return Err(format!(
                    "{name}：一次只能导入一个工作簿（或几个 CSV 文件），请分别导入。"
                ));
            }
            sheets.extend(read_xlsx(bytes, &name)?);
        } else if let Some(sheet) = read_csv(&bytes, &name)? {
            sheets.push(sheet);
        }
    }
    Ok(sheets)
}

fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

pub fn shown_name(path: &Path) -> String {
    crate::text::clean_line(&path.display().to_string())
}

fn read_limited(path: &Path, name: &str) -> Result<Vec<u8>, Unreadable> {
    let fail = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => format!("无法读取 {name}：文件不存在。请确认路径正确。"),
        std::io::ErrorKind::PermissionDenied => format!("无法读取 {name}：没有读取权限。"),
        _ => format!(
            "无法读取 {name}：{}。",
            crate::text::clean_line(&e.to_string())
        ),
    };
    let file = std::fs::File::open(path).map_err(fail)?;
    let mut bytes = Vec::new();
    file.take(CHECKLIST_FILE_MAX as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    if bytes.len() > CHECKLIST_FILE_MAX {
        return Err(format!(
            "{name} 太大，没有读取：清单工作簿或 CSV 最大 {} MB（一份完整的标准约 50 KB）。请确认选对了文件。",
            CHECKLIST_FILE_MAX / 1024 / 1024
        ));
    }
    Ok(bytes)
}

/// Refuses a workbook that would unpack to far more than a checklist needs, before
/// calamine unpacks anything.
fn check_zip(bytes: &[u8], name: &str) -> Result<(), Unreadable> {
    let not_xlsx = || {
        format!(
            "{name} 不是 Excel 工作簿（.xlsx）：文件已损坏，或是别的格式。请在 Excel/WPS 里另存为「Excel 工作簿（*.xlsx）」后再导入。"
        )
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    if zip.len() > ENTRIES_MAX {
        return Err(not_xlsx());
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let size = zip.by_index_raw(i).map_err(|_| not_xlsx())?.size();
        total = total.saturating_add(size);
    }
    if total > UNPACKED_MAX {
        return Err(format!(
            "{name} 解压后超过 {} MB，没有读取：清单工作簿不会这么大。请确认选对了文件。",
            UNPACKED_MAX / 1024 / 1024
        ));
    }
    Ok(())
}

fn read_xlsx(bytes: Vec<u8>, name: &str) -> Result<Vec<Sheet>, Unreadable> {
    check_zip(&bytes, name)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        format!(
            "{name} 无法作为 Excel 工作簿读取（{}）。请在 Excel/WPS 里另存为「Excel 工作簿（*.xlsx）」后再导入。",
            crate::text::clean_line(&e.to_string())
        )
    })?;
    let names = book.sheet_names();
    let mut sheets = Vec::new();
    for kind in [ITEMS, RULES, META] {
        if !names.iter().any(|n| n == kind) {
            continue;
        }
        let place: Rc<str> = format!("{name} 工作表「{kind}」").into();
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut reader = book
            .worksheet_cells_reader(kind)
            .map_err(|e| sheet_broken(&place, &e.to_string()))?;
        while let Some(cell) = reader
            .next_cell()
            .map_err(|e| sheet_broken(&place, &e.to_string()))?
        {
            let (row, col) = cell.get_position();
            let text = cell_text(cell.get_value());
            if text.is_empty() {
                continue;
            }
            if row >= MAX_ROWS || col >= u32::from(MAX_COLS) {
                return Err(format!(
                    "{place} 的内容超出了第 {MAX_ROWS} 行或第 {MAX_COLS} 列，没有读取：清单不会有这么多行。请删去表格末尾多余的内容后再导入。"
                ));
            }
            let (row, col) = (row as usize, col as usize);
            if rows.len() <= row {
                rows.resize(row + 1, Vec::new());
            }
            let r = &mut rows[row];
            if r.len() <= col {
                r.resize(col + 1, String::new());
            }
            r[col] = text;
        }
        sheets.push(Sheet { kind, place, rows });
    }
    if sheets.is_empty() {
        return Err(format!(
            "{name} 里没有「{ITEMS}」「{RULES}」「{META}」工作表（只有：{}）。请用 `pingshen checklists template -o 模板.xlsx` 生成的模板填写。",
            names
                .iter()
                .map(|n| crate::text::clean_line(n))
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    Ok(sheets)
}

fn sheet_broken(place: &str, why: &str) -> Unreadable {
    format!(
        "{place} 无法读取（{}）。请在 Excel/WPS 里打开并重新保存后再导入。",
        crate::text::clean_line(why)
    )
}

/// A cell as text: numbers as Excel shows them without formatting (2, 0.8), errors as
/// their code (#N/A), all cleaned of control and bidi characters.
fn cell_text(v: &DataRef) -> String {
    let raw = match v {
        DataRef::Empty => return String::new(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Bool(b) => if *b { "true" } else { "false" }.to_string(),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    };
    crate::text::clean_text(&raw).trim().to_string()
}

/// One CSV file as one sheet, told apart by its header row; `None` for the 填写说明
/// sheet (LibreOffice saves every sheet, that one too).
fn read_csv(bytes: &[u8], name: &str) -> Result<Option<Sheet>, Unreadable> {
    let text = decode(bytes, name)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            format!(
                "{name} 第 {} 行不是有效的 CSV（{}）。请在 Excel/WPS 里另存为「CSV」后再导入。",
                i + 1,
                crate::text::clean_line(&e.to_string())
            )
        })?;
        if i as u32 >= MAX_ROWS || record.len() > usize::from(MAX_COLS) {
            return Err(format!(
                "{name} 超过 {MAX_ROWS} 行或 {MAX_COLS} 列，没有读取：清单不会有这么多行。请确认选对了文件。"
            ));
        }
        rows.push(
            record
                .iter()
                .map(|c| crate::text::clean_text(c).trim().to_string())
                .collect(),
        );
    }
    let first = rows
        .first()
        .and_then(|r| r.first())
        .map_or("", String::as_str);
    let kind = match first {
        "编号" => ITEMS,
        "结论" => RULES,
        "项目" => META,
        "工作表" => return Ok(None),
        _ => {
            return Err(format!(
                "{name} 第 1 行不是「{ITEMS}」「{RULES}」或「{META}」工作表的表头（第一格应为 编号、结论 或 项目）。请从 pingshen 导出的工作簿或模板另存 CSV，不要改动表头。"
            ));
        }
    };
    Ok(Some(Sheet {
        kind,
        place: name.into(),
        rows,
    }))
}

/// UTF-8 (a BOM is dropped), else GB18030, which Excel uses for 「CSV」 on Chinese Windows.
fn decode(bytes: &[u8], name: &str) -> Result<String, Unreadable> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(format!(
            "{name} 既不是 UTF-8 也不是 GB18030（GBK）编码的文字，没有读取。请在 Excel/WPS 里另存为「CSV UTF-8」后再导入。"
        ));
    }
    Ok(text.into_owned())
}
