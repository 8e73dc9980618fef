//! CSV files for spreadsheets: UTF-8 with a byte-order mark, which Excel on Chinese
//! Windows needs to read UTF-8 instead of GBK; written whole or not at all. Every cell
//! that could be taken for a formula is neutralised ([`pingshen::text::csv_cell`]).

use std::path::Path;

use anyhow::Context;

/// The CSV text of `rows` under `header`, BOM first.
pub fn to_csv(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    // Flexible: the 附件1 list has a shorter footer row.
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(header)?;
    for row in rows {
        w.write_record(
            row.iter()
                .map(|cell| pingshen::text::csv_cell(cell).into_owned()),
        )?;
    }
    w.into_inner().context("CSV 生成失败")
}

/// Writes `bytes` to `path` (temporary file, then rename), or to stdout without a path.
pub fn emit(bytes: &[u8], path: Option<&Path>) -> anyhow::Result<()> {
    match path {
        Some(p) => pingshen::store::write_atomically(p, bytes).with_context(|| {
            format!(
                "无法写入 {}（目录是否存在、是否可写、磁盘是否已满？）；没有留下不完整的文件",
                p.display()
            )
        }),
        None => Ok(super::output::data(bytes)?),
    }
}
