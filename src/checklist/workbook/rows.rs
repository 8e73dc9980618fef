//! A sheet's data rows read by column name, whatever order the columns are in.

use super::layout::{CellRef, ITEM_COLUMNS, ITEMS, META_COLUMNS, RULE_COLUMNS, RULES};
use super::read::Sheet;

#[derive(Clone, Copy)]
pub(super) struct Row<'s> {
    sheet: &'s Sheet,
    cols: &'s [Option<usize>],
    /// 0-based index into the sheet's rows (the header is 0).
    pub index: usize,
}

fn names(sheet: &Sheet) -> &'static [&'static str] {
    match sheet.kind {
        k if k == ITEMS => ITEM_COLUMNS,
        k if k == RULES => RULE_COLUMNS,
        _ => META_COLUMNS,
    }
}

/// The non-blank rows below the header, in order. `cols[i]` is the column of the
/// i-th expected header.
pub(super) fn data_rows<'s>(
    sheet: &'s Sheet,
    cols: &'s [Option<usize>],
) -> impl Iterator<Item = Row<'s>> + 's {
    (1..sheet.rows.len())
        .map(move |index| Row { sheet, cols, index })
        .filter(|r| r.sheet.rows[r.index].iter().any(|c| !c.is_empty()))
}

impl<'s> Row<'s> {
    fn col(&self, name: &str) -> Option<usize> {
        let i = names(self.sheet).iter().position(|n| *n == name)?;
        self.cols.get(i).copied().flatten()
    }

    /// The cell's text; "" when blank or when the sheet has no such column.
    pub fn get(&self, name: &str) -> &'s str {
        match self.col(name) {
            Some(c) => self.sheet.rows[self.index]
                .get(c)
                .map_or("", String::as_str),
            None => "",
        }
    }

    /// Where messages about this column of the row point (column A if it has none).
    pub fn cell(&self, name: &str) -> CellRef {
        self.sheet.cell(self.index, self.col(name).unwrap_or(0))
    }
}
