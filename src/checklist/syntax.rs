//! Syntax errors said so that a checklist editor can act on them.
//!
//! toml's messages name parser states ("invalid unquoted key, expected letters…"); here
//! each becomes a Chinese sentence about the line. Full-width punctuation typed with a
//! Chinese input method is named as such. One slip gives one error: the parser recovers
//! and reports again on the same line, and a broken table header or a second
//! `[checklist]` makes it report keys that are fine as duplicates.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::escape::quoted;
use super::fields::Ctx;
use super::fullwidth::{FullWidth, full_width};
use super::outline::{Header, Unclosed, outline};
use super::position::floor_char_boundary;
use super::toml_messages::translated;

/// One toml error: where, and its description without the "expected …" tail.
struct Reported<'e> {
    at: usize,
    span: Range<usize>,
    description: &'e str,
    original: &'e str,
}

/// Reports `errors`, toml's syntax errors for the file in `ctx`.
pub(crate) fn report(ctx: &mut Ctx, errors: &[toml::de::Error]) {
    let src = ctx.src();
    let mut reported: Vec<Reported> = errors
        .iter()
        .map(|e| {
            let span = e.span().unwrap_or(0..0);
            let at = floor_char_boundary(src, span.start.min(src.len()));
            let original = e.message().trim();
            let description = original.split(", expected").next().unwrap_or(original);
            Reported {
                at,
                span,
                description,
                original,
            }
        })
        .collect();
    reported.sort_by_key(|r| r.at);

    let outline = outline(src);
    let headers = &outline.headers;
    let repeated = repeated_tables(ctx, headers);
    // After a list missing its `]`, the parser reads the rest of the file as list
    // elements: every later line is an error. One error, at the list, says why. (Only
    // when the parser did complain where the list should have ended: a line the outline
    // took for a statement may be a list element after all.)
    let error_lines: HashSet<usize> = reported.iter().map(|r| ctx.line_of(r.at)).collect();
    let list_left_open = outline
        .unclosed
        .iter()
        .find(|u| error_lines.contains(&ctx.line_of(u.noticed_at)));
    // After a header lacking its `]`, the parser files the following keys under the
    // wrong table: its "duplicate key" errors there are about lines that are fine.
    let tree_unreliable_after = reported
        .iter()
        .find(|r| r.description.starts_with("unclosed") && r.description.ends_with("table"))
        .map(|r| r.at);

    let mut lines_seen = HashSet::new();
    let before = ctx.error_count();
    for r in &reported {
        if list_left_open.is_some_and(|u| r.at >= u.noticed_at) {
            continue;
        }
        let is_tree_error =
            r.description == "duplicate key" || r.description.starts_with("cannot extend");
        if is_tree_error && tree_unreliable_after.is_some_and(|u| r.at > u) {
            continue;
        }
        let header = header_at(headers, r.at);
        if let Some((i, h)) = header
            && let Some(&first_line) = repeated.get(&i)
            && is_tree_error
        {
            // A repeated table merges into the first: every key it shares is reported
            // as a duplicate. One message, at its header, says what is wrong.
            if r.at <= h.span.end && lines_seen.insert(ctx.line_of(r.at)) {
                let (message, help) = repeated_table(h, first_line);
                ctx.error(h.span.clone(), message, help);
            }
            continue;
        }
        if !lines_seen.insert(ctx.line_of(r.at)) {
            continue;
        }
        let on_header = header
            .map(|(_, h)| h)
            .filter(|h| ctx.line_of(h.span.start) == ctx.line_of(r.at));
        let (message, help) = explain(ctx, r, on_header);
        ctx.error(caret_span(src, r), message, help);
    }
    if let Some(u) = list_left_open
        && lines_seen.insert(ctx.line_of(u.opened_at))
    {
        let (message, help) = unclosed_sentence(u);
        ctx.error(u.opened_at..u.opened_at + 1, message, help);
    }
    // Whatever was left out as a follow-on, a file that does not parse says so.
    if ctx.error_count() == before
        && let Some(r) = reported.first()
    {
        let (message, help) = translated_at(src, r);
        ctx.error(r.span.clone(), message, help);
    }
}

/// toml's description of `r` in Chinese, quoting what its span covers.
fn translated_at(src: &str, r: &Reported) -> (String, String) {
    let text = src.get(r.span.clone()).unwrap_or("");
    translated(r.description, text, r.original)
}

/// Where the caret goes: under a full-width character alone, not under the rest of the
/// line toml took for a key or value.
fn caret_span(src: &str, r: &Reported) -> Range<usize> {
    match src[r.at..].chars().next() {
        Some(c) if full_width(c).is_some() && !is_escape_error(r) => r.at..r.at + c.len_utf8(),
        _ => r.span.clone(),
    }
}

fn is_escape_error(r: &Reported) -> bool {
    r.description.contains("escaped") || r.description.contains("unicode")
}

/// The header whose table `at` lies in (the last header starting at or before it).
fn header_at(headers: &[Header], at: usize) -> Option<(usize, &Header)> {
    let i = headers
        .partition_point(|h| h.span.start <= at)
        .checked_sub(1)?;
    Some((i, &headers[i]))
}

/// `[name]` headers that repeat an earlier one: index → line of the first.
fn repeated_tables(ctx: &Ctx, headers: &[Header]) -> HashMap<usize, usize> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut repeated = HashMap::new();
    for (i, h) in headers.iter().enumerate().filter(|(_, h)| !h.is_array) {
        match first.get(h.name.as_str()) {
            Some(&line) => {
                repeated.insert(i, line);
            }
            None => {
                first.insert(&h.name, ctx.line_of(h.span.start));
            }
        }
    }
    repeated
}

fn repeated_table(h: &Header, first_line: usize) -> (String, String) {
    if h.name == "checklist" {
        (
            format!("文件里只能有一个 `[checklist]` 表，第 {first_line} 行已经有一个"),
            format!(
                "把这一个 `[checklist]` 下面的键移到第 {first_line} 行的表里（每个键只写一次），再删去这一行 `[checklist]`。"
            ),
        )
    } else {
        let name = quoted(&h.name);
        (
            format!("表 `[{name}]` 写了两次，第 {first_line} 行已经有一个"),
            format!(
                "同名的表只能写一次：把两处的键合并到第 {first_line} 行的表里，删去这一行表头；要写多个同类的表，用 `[[{name}]]`。"
            ),
        )
    }
}

fn explain(ctx: &Ctx, r: &Reported, header: Option<&Header>) -> (String, String) {
    let src = ctx.src();
    let found = src[r.at..].chars().next();
    if !is_escape_error(r)
        && let Some(fw) = found.and_then(full_width)
    {
        return full_width_sentence(fw);
    }
    if found == Some(':') && matches!(r.description, "invalid unquoted key" | "key with no value") {
        return (
            "TOML 语法错误：键和值之间写了冒号 `:`".into(),
            "TOML 里键和值之间用等号：改成 `=`，例如 `core = true`。".into(),
        );
    }
    if let Some(h) = header {
        return header_sentence(src, h, r.description);
    }
    let at_line_end = matches!(found, None | Some('\n' | '\r'));
    match r.description {
        "invalid basic string" | "invalid literal string" if at_line_end => {
            unterminated_string(src, r.at, r.description == "invalid basic string")
        }
        "invalid multi-line basic string" | "invalid multi-line literal string"
            if src[r.at..].trim_start().is_empty() =>
        {
            let quotes = if r.description.contains("basic") {
                "\"\"\""
            } else {
                "'''"
            };
            let opened = src[..r.at]
                .rfind(quotes)
                .map(|i| format!("第 {} 行开始的", ctx.line_of(i)))
                .unwrap_or_default();
            (
                format!("TOML 语法错误：{opened}多行文字（{quotes}）到文件末尾都没有结束"),
                format!("在这段文字的末尾写上 {quotes}。"),
            )
        }
        _ => translated_at(src, r),
    }
}

fn unclosed_sentence(u: &Unclosed) -> (String, String) {
    if u.bracket == '{' {
        (
            "TOML 语法错误：这个 `{` 没有对应的 `}`，后面的行都被当成了花括号里的内容".into(),
            "在花括号的最后一项后面补上 `}`，例如 `x = { a = 1, b = 2 }`。".into(),
        )
    } else {
        (
            "TOML 语法错误：这个 `[` 开始的列表缺少右方括号 `]`，后面的行都被当成了列表里的内容"
                .into(),
            "在列表的最后一项后面补上 `]`，例如 `methods = [\"查阅资料\", \"访谈\"]`。".into(),
        )
    }
}

fn full_width_sentence(fw: FullWidth) -> (String, String) {
    let FullWidth { found, name, ascii } = fw;
    let message = if found == '\u{3000}' {
        "TOML 语法错误：这里有一个全角空格".to_string()
    } else {
        format!(
            "TOML 语法错误：这里的 `{found}` 是{name}，TOML 里除了引号中的文字都要用半角（英文）字符"
        )
    };
    let help = match found {
        '\u{3000}' => "把输入法切换到半角后重新输入，或把这个全角空格删去（改成半角空格也可以）。".to_string(),
        '：' => "TOML 里键和值之间用等号：把 `：` 改成半角的 `=`，例如 `title = \"全科医生\"`（把输入法切换到半角后输入）。".to_string(),
        '“' | '”' | '‘' | '’' | '＂' | '＇' => format!(
            "文字两头的引号要用半角的英文双引号：把 `{found}` 改成 `\"`（把输入法切换到半角后输入）。文字里面的中文引号可以保留，例如 `title = \"“优质服务基层行”\"`。"
        ),
        _ => format!(
            "把输入法切换到半角（英文标点）后重新输入，或直接改成半角的 `{ascii}`。只有英文双引号里的文字可以用全角符号。"
        ),
    };
    (message, help)
}

/// A string that runs to the end of its line: often closed with a Chinese quote.
fn unterminated_string(src: &str, at: usize, basic: bool) -> (String, String) {
    let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let last = src[line_start..at].trim_end().chars().next_back();
    if let Some(q @ ('”' | '“' | '’' | '‘' | '＂')) = last {
        return (
            format!(
                "TOML 语法错误：这一行的文字没有用英文双引号结束，末尾的 `{q}` 是全角（中文）引号"
            ),
            format!(
                "把结尾的 `{q}` 改成半角的 `\"`（把输入法切换到半角后输入）；文字里面的中文引号可以保留。"
            ),
        );
    }
    let quote = if basic { "\"" } else { "'" };
    (
        format!("TOML 语法错误：这一行的文字缺少结尾的 `{quote}`"),
        format!(
            "在文字末尾补上 `{quote}`：一段文字要在同一行里用一对英文引号括起来；很长的文字可以写成多行文字 \"\"\"…\"\"\"。"
        ),
    )
}

fn header_sentence(src: &str, h: &Header, description: &str) -> (String, String) {
    let written = quoted(&src[h.span.clone()]);
    let corrected = h.corrected();
    let help = if corrected == src[h.span.clone()] || !is_plain_name(&h.name) {
        "表头写成 `[名称]` 或 `[[名称]]`，名称只用英文字母、数字、`_`、`-` 和 `.`，例如 `[[chapter.section.item]]`。".to_string()
    } else {
        format!("改成 `{}`（左右的方括号个数相同）。", quoted(&corrected))
    };
    if description == "duplicate key" || description.starts_with("cannot extend") {
        return (
            format!("TOML 语法错误：表头 `{written}` 与前面已有的表或键重名"),
            "改用另一个名称，或删去重复的表头；同类的表要写多个时，用 `[[名称]]`。".into(),
        );
    }
    let message = if description.starts_with("unclosed") {
        format!("TOML 语法错误：表头 `{written}` 缺少右方括号")
    } else {
        format!("TOML 语法错误：表头 `{written}` 的写法有误")
    };
    (message, help)
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}
