//! Reading typed fields out of a parsed TOML table while collecting every problem,
//! instead of stopping at the first as serde's derive would.

use std::ops::Range;

use toml::de::{DeArray, DeTable, DeValue};

use super::diagnostic::Diagnostic;
use super::escape::quoted;
use super::phrases::{PHRASE_MAX_CHARS, PHRASES_MAX};
use super::position::Locator;

pub(crate) type Span = Range<usize>;

/// A value written either as one text or as a list of texts.
pub(crate) enum TextOrList {
    Text(String),
    List(Vec<String>),
}

/// The source being checked and the problems found so far.
///
/// Problems are collected as spans and sentences and located only at the end, in file
/// order, so that many problems cost one pass over the file (see [`Locator`]).
pub(crate) struct Ctx<'s> {
    pub file: &'s str,
    found: Vec<Found>,
    locator: Locator<'s>,
}

/// A problem not yet located.
struct Found {
    span: Span,
    message: String,
    help: String,
}

impl<'s> Ctx<'s> {
    pub fn new(src: &'s str, file: &'s str) -> Self {
        Ctx {
            file,
            found: Vec::new(),
            locator: Locator::new(src),
        }
    }

    pub fn src(&self) -> &'s str {
        self.locator.src()
    }

    pub fn error(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.found.push(Found {
            span,
            message: message.into(),
            help: help.into(),
        });
    }

    pub fn has_errors(&self) -> bool {
        !self.found.is_empty()
    }

    pub fn error_count(&self) -> usize {
        self.found.len()
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.locator.line_of(offset)
    }

    /// Every problem found, in file order, the same message at the same place once.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        let Ctx {
            file,
            mut found,
            mut locator,
        } = self;
        found.sort_by_key(|f| (f.span.start, f.span.end));
        found.dedup_by(|a, b| a.span == b.span && a.message == b.message);
        found
            .into_iter()
            .map(|f| Diagnostic::located(&mut locator, file, f.span, f.message, f.help))
            .collect()
    }
}

/// One table being read: which keys it may have, what it is called in messages.
pub(crate) struct Fields<'t, 'i> {
    table: &'t DeTable<'i>,
    /// Where to point when a key is missing: the table's header.
    pub header: Span,
    /// How the table is named in messages, e.g. "条款 2.1.3".
    pub what: String,
}

impl<'t, 'i> Fields<'t, 'i> {
    /// Starts reading `table`, reporting every key not in `allowed` at once.
    pub fn new(
        ctx: &mut Ctx,
        table: &'t DeTable<'i>,
        header: Span,
        what: String,
        allowed: &[&str],
    ) -> Self {
        for (key, _) in table.iter() {
            let name = key.get_ref().as_ref();
            if !allowed.contains(&name) {
                ctx.error(
                    key.span(),
                    format!("{what}里有未知的键 `{}`", quoted(name)),
                    format!(
                        "{}这里可用的键有：{}。",
                        guess(name, allowed),
                        allowed.join("、")
                    ),
                );
            }
        }
        Fields {
            table,
            header,
            what,
        }
    }

    fn get(&self, key: &str) -> Option<(&'t DeValue<'i>, Span)> {
        self.table.get(key).map(|v| (v.get_ref(), v.span()))
    }

    /// The value of `key` as written, with its span, for a reader of a type of its
    /// own (a share written `0.85` or `"85%"`).
    pub fn value(&self, key: &str) -> Option<(&'t DeValue<'i>, Span)> {
        self.get(key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.table.get(key).is_some()
    }

    pub fn span_of(&self, key: &str) -> Span {
        self.get(key).map_or(self.header.clone(), |(_, s)| s)
    }

    fn missing(&self, ctx: &mut Ctx, key: &str, example: &str) {
        ctx.error(
            self.header.clone(),
            format!("{}缺少必填的键 `{key}`", self.what),
            format!("在这个表里加上一行 `{key} = {example}`。"),
        );
    }

    pub fn wrong_type(&self, ctx: &mut Ctx, key: &str, span: Span, want: &str, got: &DeValue) {
        ctx.error(
            span,
            format!(
                "{}的 `{key}` 应为{want}，这里写的是{}",
                self.what,
                type_name(got)
            ),
            format!("把 `{key}` 的值改成{want}。"),
        );
    }

    /// A string value, or `None` (reported) when absent or of another type.
    pub fn str_req(&self, ctx: &mut Ctx, key: &str, example: &str) -> Option<(String, Span)> {
        match self.get(key) {
            None => {
                self.missing(ctx, key, example);
                None
            }
            Some(_) => self.str_opt(ctx, key),
        }
    }

    pub fn str_opt(&self, ctx: &mut Ctx, key: &str) -> Option<(String, Span)> {
        let (v, span) = self.get(key)?;
        match v {
            DeValue::String(s) => {
                // Text from the file reaches the terminal and the PDF: a control or bidi
                // character there would move the cursor or reorder what is shown.
                if self.invisible(ctx, key, s, &span) {
                    return None;
                }
                Some((s.to_string(), span))
            }
            other => {
                self.wrong_type(ctx, key, span, "带引号的文字", other);
                None
            }
        }
    }

    /// Reports a control or bidi character in text from the file (it reaches the
    /// terminal and the PDF, where it would move the cursor or reorder what is shown).
    fn invisible(&self, ctx: &mut Ctx, key: &str, s: &str, span: &Span) -> bool {
        let Some(c) = s.chars().find(|c| {
            (c.is_control() && !matches!(c, '\n' | '\t' | '\r')) || crate::text::is_bidi_control(*c)
        }) else {
            return false;
        };
        ctx.error(
            span.clone(),
            format!(
                "{}的 `{key}` 含有不可见的控制字符 {}",
                self.what,
                crate::text::for_terminal_line(&c.to_string())
            ),
            "删去这个字符（它通常是从别处复制文字时带进来的）；需要换行时直接换行或写 \\n。",
        );
        true
    }

    /// A required string that must not be blank.
    pub fn text_req(&self, ctx: &mut Ctx, key: &str, example: &str) -> Option<(String, Span)> {
        let (s, span) = self.str_req(ctx, key, example)?;
        if s.trim().is_empty() {
            ctx.error(
                span,
                format!("{}的 `{key}` 是空的", self.what),
                format!("在引号里写上内容，例如 `{key} = {example}`。"),
            );
            return None;
        }
        Some((s, span))
    }

    pub fn bool_opt(&self, ctx: &mut Ctx, key: &str) -> Option<bool> {
        let (v, span) = self.get(key)?;
        match v {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.wrong_type(ctx, key, span, " true 或 false（不加引号）", other);
                None
            }
        }
    }

    /// A whole number written in decimal, when present; `None` (reported) when of
    /// another type or too large.
    pub fn int_opt(&self, ctx: &mut Ctx, key: &str, example: &str) -> Option<(i64, Span)> {
        let (v, span) = self.get(key)?;
        let DeValue::Integer(i) = v else {
            self.wrong_type(
                ctx,
                key,
                span,
                format!("整数（不加引号，例如 {example}）").as_str(),
                v,
            );
            return None;
        };
        let parsed = (i.radix() == 10)
            .then(|| i.as_str().replace('_', "").parse::<i64>().ok())
            .flatten();
        if parsed.is_none() {
            ctx.error(
                span.clone(),
                format!("{}的 `{key}` 不是能读的整数", self.what),
                format!("写成普通的十进制整数，例如 `{key} = {example}`。"),
            );
        }
        parsed.map(|n| (n, span))
    }

    /// A required whole number written in decimal.
    pub fn int_req(&self, ctx: &mut Ctx, key: &str, example: &str) -> Option<(i64, Span)> {
        if !self.has(key) {
            self.missing(ctx, key, example);
            return None;
        }
        self.int_opt(ctx, key, example)
    }

    /// A number, integer or float.
    pub fn number_req(&self, ctx: &mut Ctx, key: &str, example: &str) -> Option<(f64, Span)> {
        let Some((v, span)) = self.get(key) else {
            self.missing(ctx, key, example);
            return None;
        };
        let parsed = match v {
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            DeValue::Integer(i) if i.radix() == 10 => i.as_str().replace('_', "").parse().ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.wrong_type(ctx, key, span.clone(), "数字（例如 0.8）", v);
        }
        parsed.map(|n| (n, span))
    }

    /// A list of non-empty strings.
    pub fn str_list_req(&self, ctx: &mut Ctx, key: &str, example: &str) -> Option<Vec<String>> {
        let Some((v, span)) = self.get(key) else {
            self.missing(ctx, key, example);
            return None;
        };
        let DeValue::Array(arr) = v else {
            self.wrong_type(
                ctx,
                key,
                span,
                format!("方括号列表，例如 {example}").as_str(),
                v,
            );
            return None;
        };
        let mut out = Vec::new();
        for el in arr.iter() {
            match el.get_ref() {
                DeValue::String(s) if !s.trim().is_empty() => {
                    if !self.invisible(ctx, key, s, &el.span()) {
                        out.push(s.to_string());
                    }
                }
                _ => ctx.error(
                    el.span(),
                    format!("{}的 `{key}` 里有一项不是非空文字", self.what),
                    format!("每一项都写成带引号的文字，例如 {example}。"),
                ),
            }
        }
        if arr.is_empty() {
            ctx.error(
                span,
                format!("{}的 `{key}` 是空列表", self.what),
                format!("至少写一项，例如 `{key} = {example}`。"),
            );
        }
        Some(out)
    }

    /// A list of 常用评语 (`phrases = ["…", "…"]`), when present: each one line of at
    /// most [`PHRASE_MAX_CHARS`] characters, no control or bidi character, none
    /// twice, at most [`PHRASES_MAX`] of them. Each is kept without the spaces around
    /// it. An empty list is no phrase at all.
    pub fn phrases_opt(&self, ctx: &mut Ctx, key: &str) -> Vec<String> {
        let Some((v, span)) = self.get(key) else {
            return Vec::new();
        };
        let example = "[\"消毒记录不全\", \"未见年度工作计划\"]";
        let DeValue::Array(arr) = v else {
            self.wrong_type(
                ctx,
                key,
                span,
                format!("方括号列表，例如 {example}").as_str(),
                v,
            );
            return Vec::new();
        };
        let mut out: Vec<(String, usize)> = Vec::new();
        for (i, el) in arr.iter().enumerate() {
            let n = i + 1;
            let el_span = el.span();
            let text = match el.get_ref() {
                DeValue::String(s) if !s.trim().is_empty() => s,
                _ => {
                    ctx.error(
                        el_span,
                        format!("{}的 `{key}` 第 {n} 条不是非空文字", self.what),
                        format!("每一条都写成带引号的文字，例如 {example}。"),
                    );
                    continue;
                }
            };
            if n == PHRASES_MAX + 1 {
                ctx.error(
                    el_span.clone(),
                    format!(
                        "{}有 {} 条常用评语，最多 {PHRASES_MAX} 条",
                        self.what,
                        arr.len()
                    ),
                    format!(
                        "只留最常用的 {PHRASES_MAX} 条（从这一条起是多出来的）：评审时菜单里条目太多反而难找。"
                    ),
                );
            }
            if text.contains(['\n', '\r', '\t']) {
                ctx.error(
                    el_span,
                    format!("{}的 `{key}` 第 {n} 条不是一行文字", self.what),
                    "一条常用评语只写一行（选用时整条插入备注）：拆成几条，或删去其中的换行（\\n）和制表符（\\t）。",
                );
                continue;
            }
            if self.invisible(ctx, key, text, &el_span) {
                continue;
            }
            let text = text.trim();
            let chars = text.chars().count();
            if chars > PHRASE_MAX_CHARS {
                ctx.error(
                    el_span,
                    format!(
                        "{}的 `{key}` 第 {n} 条有 {chars} 个字，最多 {PHRASE_MAX_CHARS} 个字",
                        self.what
                    ),
                    "常用评语是一两句话的评审发现：拆成几条，较长的说明写进评审提示（guidance）。",
                );
                continue;
            }
            if let Some((_, first)) = out.iter().find(|(t, _)| t == text) {
                ctx.error(
                    el_span,
                    format!(
                        "{}的 `{key}` 第 {n} 条「{}」与第 {first} 条重复",
                        self.what,
                        quoted(text)
                    ),
                    "删去重复的这一条。",
                );
                continue;
            }
            out.push((text.to_string(), n));
        }
        out.into_iter().map(|(t, _)| t).collect()
    }

    /// A text or a list of texts (`b = "…"` or `b = ["…", "…"]`), when present.
    /// `None` inside is a value of the wrong type, already reported.
    pub fn text_or_list_opt(&self, ctx: &mut Ctx, key: &str) -> Option<(Option<TextOrList>, Span)> {
        let (v, span) = self.get(key)?;
        let value = match v {
            DeValue::String(_) => self.str_opt(ctx, key).map(|(s, _)| TextOrList::Text(s)),
            DeValue::Array(arr) => {
                let list = self.str_list_req(ctx, key, "[\"……\", \"……\"]")?;
                (list.len() == arr.len() && !list.is_empty()).then_some(TextOrList::List(list))
            }
            other => {
                self.wrong_type(
                    ctx,
                    key,
                    span.clone(),
                    "带引号的文字，或文字的方括号列表",
                    other,
                );
                None
            }
        };
        Some((value, span))
    }

    /// `[[key]]` entries: each table with the span of its header.
    /// A missing key is reported only when `required`.
    pub fn tables(
        &self,
        ctx: &mut Ctx,
        key: &str,
        required: bool,
        header_example: &str,
    ) -> Vec<(&'t DeTable<'i>, Span)> {
        let Some((v, span)) = self.get(key) else {
            if required {
                ctx.error(
                    self.header.clone(),
                    format!("{}没有任何 `{header_example}`", self.what),
                    format!("至少加一个 `{header_example}` 表。"),
                );
            }
            return Vec::new();
        };
        let arr: &DeArray = match v {
            DeValue::Array(a) => a,
            other => {
                self.wrong_type(
                    ctx,
                    key,
                    span,
                    format!("表数组 {header_example}").as_str(),
                    other,
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for el in arr.iter() {
            match el.get_ref() {
                DeValue::Table(t) => out.push((t, el.span())),
                other => self.wrong_type(ctx, key, el.span(), "表", other),
            }
        }
        out
    }

    /// A single `[key]` table.
    pub fn table_req(&self, ctx: &mut Ctx, key: &str) -> Option<(&'t DeTable<'i>, Span)> {
        match self.get(key) {
            None => {
                ctx.error(
                    self.header.clone(),
                    format!("文件里没有 `[{key}]` 表"),
                    format!("在文件开头加上 `[{key}]` 表，写明 id、title 等信息。"),
                );
                None
            }
            Some((DeValue::Table(t), span)) => Some((t, span)),
            Some((other, span)) => {
                self.wrong_type(ctx, key, span, format!("表 [{key}]").as_str(), other);
                None
            }
        }
    }
}

/// "是否想写 `title`？" when `name` is a small slip from an allowed key.
fn guess(name: &str, allowed: &[&str]) -> String {
    // A key far longer than any allowed one is no slip (and not worth comparing).
    if name.len() > 32 {
        return String::new();
    }
    allowed
        .iter()
        .map(|a| (strsim::levenshtein(a, name), *a))
        .min()
        .filter(|(d, _)| *d <= 2)
        .map(|(_, a)| format!("是否想写 `{a}`？"))
        .unwrap_or_default()
}

fn type_name(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "文字",
        DeValue::Integer(_) => "整数",
        DeValue::Float(_) => "小数",
        DeValue::Boolean(_) => "布尔值",
        DeValue::Datetime(_) => "日期时间",
        DeValue::Array(_) => "列表",
        DeValue::Table(_) => "表",
    }
}
