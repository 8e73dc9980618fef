//! The user's own phrases: `phrases.toml` in the config dir, written by hand.
//!
//! ```toml
//! phrases = ["已当场指出，机构负责人表示立即整改"]   # offered for every item
//!
//! [[item]]
//! id = "3.3.1"
//! checklist = "township-2022"   # optional: without it, item 3.3.1 of every checklist
//! phrases = ["消毒登记本缺少周末记录"]
//! ```
//!
//! The file is hostile until checked, and checked at one gate, [`UserPhrases::load`]:
//! the same syntax messages and text rules as a checklist (one line each, no control
//! or bidi character, [`super::PHRASE_MAX_CHARS`], [`super::PHRASES_MAX`] per list),
//! every problem with file:line:col. A file with any problem is not used at all
//! (the checklist's phrases still are), and the problems are handed back to be shown.

use std::path::Path;

use toml::de::DeTable;

use crate::checklist::diagnostic::Diagnostic;
use crate::checklist::escape::quoted;
use crate::checklist::fields::{Ctx, Fields, Span};
use crate::checklist::user_file::{self, UserFile};

/// The file's name in the config dir.
pub const PHRASES_FILE: &str = "phrases.toml";
/// Largest phrases file read, in bytes: 50 phrases of 200 characters for each of a
/// hundred items would fit.
pub const PHRASES_FILE_MAX: usize = 2 * 1024 * 1024;
const TOP_KEYS: &[&str] = &["phrases", "item"];
const ITEM_KEYS: &[&str] = &["id", "checklist", "phrases"];

/// The user's phrases, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserPhrases {
    /// Offered for every item.
    pub every_item: Vec<String>,
    /// Offered for one item, in file order.
    pub items: Vec<ItemPhrases>,
}

/// One `[[item]]` of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPhrases {
    pub id: String,
    /// Only for this checklist; `None`: for the item of this id in every checklist.
    pub checklist: Option<String>,
    pub phrases: Vec<String>,
}

impl UserPhrases {
    /// The phrases file in `config_dir` through the config dir's one gate
    /// ([`user_file::load`]), and what is wrong with it: each problem a message (with
    /// file:line:col where there is a place), at most [`user_file::PROBLEMS_SHOWN`]
    /// and then how many more. A file with any problem gives no phrases. No config
    /// dir or no file is no problem.
    pub fn load(config_dir: Option<&Path>) -> (UserPhrases, Vec<String>) {
        let Some(dir) = config_dir else {
            return (UserPhrases::default(), Vec::new());
        };
        match user_file::load(
            &dir.join(PHRASES_FILE),
            "常用评语文件",
            PHRASES_FILE_MAX,
            UserPhrases::parse,
        ) {
            UserFile::Absent => (UserPhrases::default(), Vec::new()),
            UserFile::Read(phrases) => (phrases, Vec::new()),
            UserFile::Problems(problems) => (UserPhrases::default(), problems),
        }
    }

    /// Checks `text`, a phrases file named `file` in messages: the phrases, or every
    /// problem in the file.
    pub fn parse(text: &str, file: &str) -> Result<UserPhrases, Vec<Diagnostic>> {
        let mut ctx = Ctx::new(text, file);
        let Some(doc) = user_file::parse_toml(&mut ctx, text) else {
            return Err(ctx.into_diagnostics());
        };
        let top = Fields::new(&mut ctx, &doc, 0..0, "常用评语文件".into(), TOP_KEYS);
        let every_item = top.phrases_opt(&mut ctx, "phrases");
        let items = top
            .tables(&mut ctx, "item", false, "[[item]]")
            .into_iter()
            .filter_map(|(t, span)| read_item(&mut ctx, t, span))
            .collect();
        if ctx.has_errors() {
            return Err(ctx.into_diagnostics());
        }
        Ok(UserPhrases { every_item, items })
    }

    /// The phrases for item `item` of checklist `checklist`: its own first, in file
    /// order, then those for every item.
    pub fn for_item<'a>(
        &'a self,
        checklist: &'a str,
        item: &'a str,
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.items
            .iter()
            .filter(move |i| i.id == item && i.checklist.as_deref().is_none_or(|c| c == checklist))
            .flat_map(|i| i.phrases.iter())
            .chain(self.every_item.iter())
            .map(String::as_str)
    }

    /// Every phrase that applies somewhere in checklist `checklist`.
    pub(in crate::checklist) fn known_in<'a>(
        &'a self,
        checklist: &'a str,
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.items
            .iter()
            .filter(move |i| i.checklist.as_deref().is_none_or(|c| c == checklist))
            .flat_map(|i| i.phrases.iter())
            .chain(self.every_item.iter())
            .map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.every_item.is_empty() && self.items.iter().all(|i| i.phrases.is_empty())
    }
}

fn read_item(ctx: &mut Ctx, t: &DeTable, header: Span) -> Option<ItemPhrases> {
    let what = match t.get("id").and_then(|v| v.get_ref().as_str()) {
        Some(id) if !id.trim().is_empty() => format!("条款 {} ", quoted(id.trim())),
        _ => "[[item]] ".to_string(),
    };
    let f = Fields::new(ctx, t, header.clone(), what, ITEM_KEYS);
    let id = f.text_req(ctx, "id", "\"3.3.1\"");
    let checklist = f.str_opt(ctx, "checklist");
    if let Some((c, span)) = &checklist
        && (c.is_empty()
            || !c
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
    {
        ctx.error(
            span.clone(),
            format!("{}的清单编号 `{}` 不是清单编号", f.what, quoted(c)),
            "写清单的编号（pingshen checklists 列出的，如 \"township-2022\"），只用小写英文字母、数字和连字符；用于所有清单时整行删去。",
        );
    }
    if !f.has("phrases") {
        ctx.error(
            header,
            format!("{}缺少 `phrases`", f.what),
            "在这个 [[item]] 里加上一行 `phrases = [\"……\", \"……\"]`，写这一条款的常用评语。",
        );
    }
    let phrases = f.phrases_opt(ctx, "phrases");
    Some(ItemPhrases {
        id: id?.0.trim().to_string(),
        checklist: checklist.map(|(c, _)| c),
        phrases,
    })
}
