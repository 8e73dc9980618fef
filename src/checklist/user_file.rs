//! The one gate for a file the user writes by hand in the config dir (`phrases.toml`,
//! `targets.toml`, `deadlines.toml`): read with a size limit, a UTF-8 byte-order mark
//! dropped, refused where it stops being UTF-8, parsed with the checklist's syntax
//! messages, every problem said with file:line:col (at most [`PROBLEMS_SHOWN`], then
//! how many more). A file with any problem is not used at all.

use std::path::Path;

use toml::de::DeTable;

use super::diagnostic::Diagnostic;
use super::fields::Ctx;
use super::syntax;

/// Most problems handed back from one file; the rest are counted.
pub(crate) const PROBLEMS_SHOWN: usize = 20;

/// What reading a user's file came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserFile<T> {
    /// There is no such file (or no config dir): nothing to use, nothing wrong.
    Absent,
    /// The file, checked.
    Read(T),
    /// The file was not used: each problem a message, with file:line:col where there
    /// is a place.
    Problems(Vec<String>),
}

/// Reads `path` through the gate and checks it with `parse` (its text and the file
/// as named in messages). `what` names the file in messages ("常用评语文件"), `max` is
/// its largest size in bytes.
pub(crate) fn load<T>(
    path: &Path,
    what: &str,
    max: usize,
    parse: impl FnOnce(&str, &str) -> Result<T, Vec<Diagnostic>>,
) -> UserFile<T> {
    let shown = path.display().to_string();
    let bytes = match read(path, what, max) {
        Ok(None) => return UserFile::Absent,
        Ok(Some(bytes)) => bytes,
        Err(e) => {
            return UserFile::Problems(vec![format!(
                "无法读取{what} {}：{}",
                crate::text::for_terminal_line(&shown),
                crate::text::for_terminal_line(&e.to_string())
            )]);
        }
    };
    let text = match decode(bytes, &shown, what) {
        Ok(text) => text,
        Err(said) => return UserFile::Problems(vec![said]),
    };
    match parse(&text, &shown) {
        Ok(value) => UserFile::Read(value),
        Err(diags) => UserFile::Problems(said(&diags)),
    }
}

/// `diags` as messages: at most [`PROBLEMS_SHOWN`], then how many more.
fn said(diags: &[Diagnostic]) -> Vec<String> {
    let mut problems: Vec<String> = diags
        .iter()
        .take(PROBLEMS_SHOWN)
        .map(|d| d.to_string())
        .collect();
    if diags.len() > PROBLEMS_SHOWN {
        problems.push(format!(
            "还有 {} 个错误未列出（共 {} 个）。",
            diags.len() - PROBLEMS_SHOWN,
            diags.len()
        ));
    }
    problems
}

/// The document in `text`, or `None` with its syntax errors reported in `ctx`.
pub(crate) fn parse_toml<'s>(ctx: &mut Ctx, text: &'s str) -> Option<DeTable<'s>> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        syntax::report(ctx, &errors);
        return None;
    }
    Some(doc.into_inner())
}

/// The file's bytes, without a UTF-8 byte-order mark; `None` when there is no file.
fn read(path: &Path, what: &str, max: usize) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    let mut bytes = Vec::new();
    file.take(max as u64 + 1).read_to_end(&mut bytes)?;
    if len > max as u64 || bytes.len() > max {
        return Err(std::io::Error::other(format!(
            "文件超过 {}，不像是{what}",
            size_said(max)
        )));
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    Ok(Some(bytes))
}

/// "2 MB", "256 KB".
fn size_said(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// The file's text, or where it stops being UTF-8, said.
fn decode(bytes: Vec<u8>, file: &str, what: &str) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Diagnostic::new(
            &String::from_utf8_lossy(e.as_bytes()),
            file,
            at..at + 1,
            format!("{what}不是 UTF-8 编码（这里有一个无法识别的字节）"),
            "用文本编辑器把文件另存为「UTF-8」编码后再试（GBK/GB2312 编码无法读取）。",
        )
        .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_said_in_the_unit_that_fits() {
        assert_eq!(size_said(2 * 1024 * 1024), "2 MB");
        assert_eq!(size_said(256 * 1024), "256 KB");
    }
}
