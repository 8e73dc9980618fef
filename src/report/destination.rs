//! Where a report is written: one decision for the TUI and the CLI.
//!
//! A file the user named is written there or not at all. Otherwise the report goes,
//! under its own name (机构名称-评审报告-日期.pdf), into the report directory the user
//! chose, or else the current directory — where the inspector started pingshen. When
//! that cannot be written, it goes to the data directory's `reports/`, and the result
//! says why, so the message can tell the inspector where to look.

use std::path::{Path, PathBuf};

use super::{ReportError, write_pdf};

/// What the user asked for.
#[derive(Debug, Clone)]
pub enum Wanted {
    /// Exactly this file (`pingshen report -o`).
    File(PathBuf),
    /// This directory, under the report's own name; `None`: the current directory.
    Directory(Option<PathBuf>),
}

/// Where a report went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    /// The place in words: "指定的文件", "报告目录", "当前目录", "数据目录的 reports 文件夹".
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
    let (dir, place) = match wanted {
        Wanted::File(path) => {
            write_pdf(path, pdf)?;
            return Ok(Written {
                path: path.clone(),
                place: "指定的文件",
                moved: None,
            });
        }
        Wanted::Directory(Some(dir)) => (Ok(dir.clone()), "报告目录"),
        Wanted::Directory(None) => (std::env::current_dir(), "当前目录"),
    };
    let why = match dir {
        Ok(dir) => {
            let path = dir.join(file_name);
            match write_pdf(&path, pdf) {
                Ok(()) => {
                    return Ok(Written {
                        path,
                        place,
                        moved: None,
                    });
                }
                Err(e) => format!("{place}无法写入（{e}）"),
            }
        }
        Err(e) => format!("无法确定{place}（{e}）"),
    };
    let fallback = data_dir.join("reports");
    std::fs::create_dir_all(&fallback).map_err(|source| ReportError::Write {
        path: fallback.clone(),
        source,
    })?;
    let path = fallback.join(file_name);
    write_pdf(&path, pdf)?;
    Ok(Written {
        path,
        place: "数据目录的 reports 文件夹",
        moved: Some(why),
    })
}
