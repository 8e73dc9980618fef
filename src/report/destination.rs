//! Where a report is written: one decision for the TUI and the CLI.
//!
//! A file the user named is written there or not at all. Otherwise the report goes,
//! under its own name (机构名称-评审报告-日期.pdf, numbered when taken: never over
//! another file), into the output folder ([`crate::output_dir`]). When that cannot
//! be written, it goes to the data directory's `reports/`, and the result says why,
//! so the message can tell the inspector where to look.

use std::path::{Path, PathBuf};

use super::{ReportError, write_pdf};
use crate::output_dir::place;

/// What the user asked for.
#[derive(Debug, Clone)]
pub enum Wanted {
    /// Exactly this file (`pingshen report -o`).
    File(PathBuf),
    /// The output folder, under the report's own name; `None`: no folder could be
    /// determined (no home folder).
    Directory(Option<PathBuf>),
}

/// Where a report went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    /// The place in words: "指定的文件", "输出文件夹", "数据目录的 reports 文件夹".
    pub place: &'static str,
    /// Why the report is not where it was asked to go, when it is not.
    pub moved: Option<String>,
}

/// Writes `pdf` where `wanted` says, named `file_name` unless a file was named.
pub fn write_report(
    pdf: &[u8],
    file_name: &str,
    wanted: &Wanted,
    data_dir: &Path,
) -> Result<Written, ReportError> {
    let dir = match wanted {
        Wanted::File(path) => {
            write_pdf(path, pdf)?;
            return Ok(Written {
                path: path.clone(),
                place: "指定的文件",
                moved: None,
            });
        }
        Wanted::Directory(dir) => dir.as_deref(),
    };
    let fallback = data_dir.join("reports");
    let placed = place(dir, &fallback, file_name, pdf).map_err(|source| ReportError::Write {
        path: fallback.join(file_name),
        source,
    })?;
    Ok(Written {
        path: placed.path,
        place: if placed.moved.is_some() {
            "数据目录的 reports 文件夹"
        } else {
            "输出文件夹"
        },
        moved: placed.moved,
    })
}
