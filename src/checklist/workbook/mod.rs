//! Checklists as spreadsheets, both ways: export and template (rust_xlsxwriter), import
//! of a workbook (calamine) or CSV files.
//!
//! Import builds checklist TOML from the cells, keeping a map from each written value
//! to its cell, and loads that text with the one checklist loader: a workbook passes
//! exactly the checks of a TOML file, and each message of `pingshen check` is shown at
//! the cell it is about (`清单.xlsx 工作表「条款」第 12 行 F 列：…`).

mod convert;
mod emit;
mod items;
mod layout;
mod read;
mod rows;
mod write;

use std::fmt;
use std::path::Path;

pub use layout::{CellRef, HELP, ITEM_COLUMNS, ITEMS, META, RULE_COLUMNS, RULES, column_letter};
pub use write::workbook_bytes;
pub(crate) use write::{body_format, header_format};

use super::diagnostic::Diagnostic;
use super::model::Checklist;

/// A problem at a cell, with the sentence saying what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub cell: CellRef,
    pub message: String,
    pub help: String,
}

impl Problem {
    fn new(cell: CellRef, message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            cell,
            message: message.into(),
            help: help.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}：{}\n  修改建议：{}",
            self.cell,
            crate::text::for_terminal_line(&self.message),
            crate::text::for_terminal_line(&self.help)
        )
    }
}

/// A workbook that converted: the TOML to write, the checklist it loads as, and the
/// warnings `pingshen check` would give, at their cells.
#[derive(Debug)]
pub struct Imported {
    pub toml: String,
    pub checklist: Checklist,
    pub warnings: Vec<Problem>,
}

#[derive(Debug)]
pub enum ImportError {
    /// The file(s) could not be read as sheets at all.
    Unreadable(String),
    /// Every problem found, in sheet, row and column order.
    Invalid(Vec<Problem>),
}

/// Reads `paths` (one `.xlsx`, or one `.csv` per sheet) and converts them.
pub fn import(paths: &[&Path]) -> Result<Imported, ImportError> {
    let sheets = read::read_sheets(paths).map_err(ImportError::Unreadable)?;
    let (out, mut problems) = convert::to_toml(&sheets).map_err(ImportError::Unreadable)?;
    let order = |c: &CellRef| sheets.iter().position(|s| s.place == c.place).unwrap_or(0);
    let locate = |d: &Diagnostic| -> Problem {
        let cell = out
            .cell_at(d.span.start)
            .cloned()
            .unwrap_or_else(|| sheets[0].cell(0, 0));
        let rows = |s: &str| toml_lines_to_rows(s, &out);
        Problem::new(cell, rows(&d.message), rows(&d.help))
    };
    if out.text.is_empty() {
        problems.sort_by_key(|p| (order(&p.cell), p.cell.row, p.cell.col));
        return Err(ImportError::Invalid(problems));
    }
    match super::load::parse_checklist(&out.text, "工作簿") {
        Ok(checklist) if problems.is_empty() => {
            let warnings = super::lint::warnings(&checklist, &out.text, "工作簿")
                .iter()
                .map(locate)
                .collect();
            Ok(Imported {
                toml: out.text.clone(),
                checklist,
                warnings,
            })
        }
        result => {
            if let Err(diags) = result {
                problems.extend(diags.iter().map(locate));
            }
            problems.sort_by_key(|p| (order(&p.cell), p.cell.row, p.cell.col));
            Err(ImportError::Invalid(problems))
        }
    }
}

/// "第 57 行" in a loader message means a line of the generated TOML: said as the row
/// of the cell written on that line.
fn toml_lines_to_rows(s: &str, out: &emit::Emitter) -> String {
    let mut result = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("第 ") {
        result.push_str(&rest[..at + "第 ".len()]);
        rest = &rest[at + "第 ".len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with(" 行") {
            let line: usize = rest[..digits].parse().unwrap_or(0);
            match out.cell_on_line(line) {
                Some(cell) => result.push_str(&cell.row.to_string()),
                None => result.push_str(&rest[..digits]),
            }
            rest = &rest[digits..];
        }
    }
    result.push_str(rest);
    result
}
