//! Cleaning: what may be stored, what may reach a terminal, what may go into a
//! spreadsheet cell, what may become part of a file name.

use std::borrow::Cow;

/// Characters that reorder how text is displayed (bidi embeddings, overrides,
/// isolates and marks). A name containing U+202E can show as something other than
/// what it is, so they are neither stored nor printed raw.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Text as stored: line ends unified, control characters other than newline and tab
/// dropped (they would move the cursor in a terminal and break a PDF), bidi controls
/// dropped, trailing whitespace trimmed. Everything printable is kept.
pub fn clean_text(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let kept: String = unified
        .chars()
        .filter(|c| (!c.is_control() || *c == '\n' || *c == '\t') && !is_bidi_control(*c))
        .collect();
    kept.trim_end().to_string()
}

/// One-line text as stored (names, region, phone, inspector): [`clean_text`] with
/// newlines and tabs turned into spaces and the ends trimmed.
pub fn clean_line(text: &str) -> String {
    clean_text(text)
        .replace(['\n', '\t'], " ")
        .trim()
        .to_string()
}

/// Text as printed to a terminal: control characters (except newline and tab) and
/// bidi controls are shown escaped, as `\u{1b}`, so nothing a file or a user typed
/// can move the cursor, change the window title or reorder what is shown.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    escape_where(text, needs_escape)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// One value quoted on one line of a message: like [`for_terminal`], and newlines and
/// tabs are shown escaped too.
pub fn for_terminal_line(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| c.is_control() || is_bidi_control(c))
}

fn escape_where(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A spreadsheet cell that cannot be taken for a formula: a cell beginning with `=`,
/// `+`, `-`, `@`, tab or carriage return gets a leading `'` (OWASP's advice), which
/// Excel and LibreOffice show as plain text.
pub fn csv_cell(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Why a value cannot be one component of a path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("「{shown}」不能用作文件名：{why}")]
pub struct PathComponentError {
    pub shown: String,
    pub why: &'static str,
}

/// Longest file name most file systems take, in bytes.
pub const PATH_COMPONENT_MAX: usize = 255;

/// `value` when it is one plain path component: not empty, not `.` or `..`, no
/// separator (`/`, `\`), no drive or stream colon, no NUL or other control character,
/// no bidi control, at most [`PATH_COMPONENT_MAX`] bytes. Every path pingshen builds
/// from data (an inspection id, an institution name) goes through here, so no file
/// content can make it read or write outside the directory meant.
pub fn path_component(value: &str) -> Result<&str, PathComponentError> {
    let fail = |why| {
        Err(PathComponentError {
            shown: for_terminal(value).chars().take(80).collect(),
            why,
        })
    };
    if value.is_empty() {
        return fail("是空的");
    }
    if value == "." || value == ".." {
        return fail("表示当前或上级目录");
    }
    if value.len() > PATH_COMPONENT_MAX {
        return fail("太长");
    }
    if value.contains(['/', '\\', ':']) {
        return fail("含有路径分隔符（/ \\ :）");
    }
    if value.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return fail("含有控制字符");
    }
    if value.ends_with([' ', '.']) || value.starts_with(' ') {
        return fail("以空格或句点开头或结尾");
    }
    Ok(value)
}

/// A file name made from free text (an institution name): characters that file
/// systems refuse become `_`, the result is cut to fit, and then checked by
/// [`path_component`].
pub fn file_name_from(text: &str, suffix: &str) -> Result<String, PathComponentError> {
    let mut name: String = text
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() || is_bidi_control(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let name_max = PATH_COMPONENT_MAX.saturating_sub(suffix.len());
    while name.len() > name_max {
        name.pop();
    }
    let name = name.trim_matches([' ', '.']);
    let name = if name.is_empty() { "_" } else { name };
    let full = format!("{name}{suffix}");
    path_component(&full)?;
    Ok(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_escapes_controls_and_bidi() {
        assert_eq!(for_terminal("东城\u{1b}]0;x\u{7}"), "东城\\u{1b}]0;x\\u{7}");
        assert_eq!(for_terminal("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(for_terminal("一行\n二行\t"), "一行\n二行\t");
        assert!(matches!(for_terminal("平常文字"), Cow::Borrowed(_)));
    }

    #[test]
    fn cleaning_drops_controls_and_bidi_keeps_text() {
        assert_eq!(
            clean_text("备注\u{1b}[2J\r\n第二行\u{202e} "),
            "备注[2J\n第二行"
        );
        assert_eq!(clean_line(" 张三\n李四\t"), "张三 李四");
    }

    #[test]
    fn csv_cells_that_look_like_formulas_are_quoted() {
        for bad in ["=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_cell(bad), format!("'{bad}"));
        }
        assert_eq!(csv_cell("010-12345678"), "010-12345678");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn path_components_refuse_traversal() {
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "/etc",
            "a/b",
            "a\\b",
            "C:",
            "a\0b",
            "a\u{202e}",
            "x.",
        ] {
            assert!(path_component(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(path_component("3fa85f6457"), Ok("3fa85f6457"));
        assert_eq!(
            file_name_from("../和平里/社区", "-评审报告.pdf").unwrap(),
            "_和平里_社区-评审报告.pdf"
        );
        let long = "长".repeat(200);
        assert!(file_name_from(&long, ".pdf").unwrap().len() <= PATH_COMPONENT_MAX);
    }
}
