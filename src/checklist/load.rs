//! Loading a checklist from TOML text: every problem in the file is reported at once.
//!
//! Syntax errors come first and alone (see `syntax.rs`): on a file that does not parse,
//! the recovered tree is a guess, and checking its structure would report errors that
//! are not there.

use std::collections::{HashMap, HashSet};

use toml::de::DeTable;

use super::criteria::read_criteria;
use super::diagnostic::Diagnostic;
use super::escape::quoted;
use super::fields::{Ctx, Fields, Span};
use super::model::*;
use super::spellings::{self, SelectWord};
use super::syntax;

const TOP_KEYS: &[&str] = &["checklist", "verdict", "chapter"];
const META_KEYS: &[&str] = &[
    "id",
    "title",
    "institution_type",
    "version",
    "source",
    "fallback_verdict",
];
const VERDICT_KEYS: &[&str] = &["name", "description", "condition"];
const CONDITION_KEYS: &[&str] = &["label", "select", "chapter", "min_grade", "min_share"];
const CHAPTER_KEYS: &[&str] = &["id", "title", "section"];
const SECTION_KEYS: &[&str] = &["id", "title", "item"];
const ITEM_KEYS: &[&str] = &[
    "id",
    "title",
    "tier",
    "core",
    "methods",
    "c",
    "b",
    "a",
    "max_grade",
    "allow_na",
    "guidance",
    "phrases",
    "remarks",
];

/// Parses and validates checklist `text`. `file` is how the file is named in messages.
/// Returns the checklist only when the file has no error at all: a partly loaded
/// checklist is never handed out.
pub fn parse_checklist(text: &str, file: &str) -> Result<Checklist, Vec<Diagnostic>> {
    let mut ctx = Ctx::new(text, file);
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        syntax::report(&mut ctx, &errors);
        return Err(ctx.into_diagnostics());
    }
    let checklist = read_document(&mut ctx, doc.get_ref());
    match checklist {
        Some(c) if !ctx.has_errors() => Ok(c),
        _ => Err(ctx.into_diagnostics()),
    }
}

fn read_document(ctx: &mut Ctx, doc: &DeTable) -> Option<Checklist> {
    let top = Fields::new(ctx, doc, 0..0, "文件顶层".into(), TOP_KEYS);

    let meta = top.table_req(ctx, "checklist").and_then(|(t, span)| {
        let f = Fields::new(ctx, t, span, "[checklist] ".into(), META_KEYS);
        let id = f.text_req(ctx, "id", "\"community-2022\"");
        let fallback = match f.str_opt(ctx, "fallback_verdict") {
            Some((name, span)) if name.trim().is_empty() => {
                ctx.error(
                    span,
                    "[checklist] 的 `fallback_verdict` 是空的",
                    "写出没有一条结论成立时的结论名称，例如 `fallback_verdict = \"未达到基本标准\"`；用默认名称时整行删去。",
                );
                None
            }
            found => found,
        };
        if let Some((id, span)) = &id
            && !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            ctx.error(
                span.clone(),
                format!("清单编号 `{}` 含有不允许的字符", quoted(id)),
                "清单编号只用小写英文字母、数字和连字符，例如 \"community-2022\"。",
            );
        }
        Some((
            id?.0,
            f.text_req(ctx, "title", "\"社区卫生服务中心服务能力标准（2022版）\"")?
                .0,
            f.text_req(ctx, "institution_type", "\"社区卫生服务中心\"")?
                .0,
            f.text_req(ctx, "version", "\"2022.1\"")?.0,
            f.text_req(ctx, "source", "\"本清单的文字来源\"")?.0,
            fallback,
        ))
    });

    let mut ids = IdRegistry::default();
    let chapters: Vec<Chapter> = top
        .tables(ctx, "chapter", true, "[[chapter]]")
        .into_iter()
        .filter_map(|(t, span)| read_chapter(ctx, &mut ids, t, span))
        .collect();

    // Whether a rule selects any item is only known once every item loaded.
    let complete = !ctx.has_errors();
    let selectable = complete.then(|| Selectable::of(&chapters));
    let verdict_tables = top.tables(ctx, "verdict", true, "[[verdict]]");
    let mut verdicts = Vec::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    for (t, span) in verdict_tables {
        let Some((rule, name_span)) = read_verdict(ctx, t, span, selectable.as_ref()) else {
            continue;
        };
        if let Some(first) = names.get(&rule.name) {
            ctx.error(
                name_span,
                format!(
                    "结论名称「{}」重复（第 {first} 行已有）",
                    quoted(&rule.name)
                ),
                "每个结论只写一次；要放宽或收紧条件，请修改原来那一条的 condition。",
            );
        } else {
            names.insert(rule.name.clone(), ctx.line_of(name_span.start));
        }
        verdicts.push(rule);
    }

    let (id, title, institution_type, version, source, fallback) = meta?;
    if let Some((name, span)) = &fallback
        && let Some(line) = names.get(name)
    {
        ctx.error(
            span.clone(),
            format!(
                "`fallback_verdict` 的「{}」与第 {line} 行的结论同名",
                quoted(name)
            ),
            "没有一条结论成立时的结论要与各条结论区分开，换一个名称，例如「未达到基本标准」。",
        );
    }
    Some(Checklist {
        id,
        title,
        institution_type,
        version,
        source,
        fallback_declared: fallback.is_some(),
        fallback_verdict: fallback.map_or_else(|| crate::scoring::NOT_REACHED.to_string(), |f| f.0),
        verdicts,
        chapters,
    })
}

/// Ids seen so far, with the line of their first use, for duplicate messages.
#[derive(Default)]
struct IdRegistry {
    seen: HashMap<String, usize>,
}

impl IdRegistry {
    /// Reports `id` when it was used before; returns whether it is new.
    fn claim(&mut self, ctx: &mut Ctx, id: &str, span: &Span, what: &str) -> bool {
        if let Some(line) = self.seen.get(id) {
            ctx.error(
                span.clone(),
                format!("{what}编号 `{}` 重复，第 {line} 行已经用过", quoted(id)),
                "编号必须唯一：改成一个还没用过的编号（已评分的检查靠编号对应条款）。",
            );
            return false;
        }
        self.seen.insert(id.to_string(), ctx.line_of(span.start));
        true
    }
}

/// Checks that `id` is `parent` followed by `.N`, or just `N` at the top.
fn check_number(ctx: &mut Ctx, id: &str, span: &Span, parent: Option<&str>, what: &str) {
    let tail = match parent {
        None => Some(id),
        Some(p) => id.strip_prefix(p).and_then(|r| r.strip_prefix('.')),
    };
    let ok = tail.is_some_and(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()));
    if !ok {
        let id = quoted(id);
        let (message, help) = match parent.map(quoted) {
            None => (
                format!("章编号 `{id}` 不是数字"),
                "章编号写成 \"1\"、\"2\" 这样的数字。".to_string(),
            ),
            Some(p) => (
                format!("{what}编号 `{id}` 与所属的 `{p}` 不符"),
                format!("{p} 之下的{what}编号应写成 \"{p}.N\"（N 为数字），或把它移到正确的位置。"),
            ),
        };
        ctx.error(span.clone(), message, help);
    }
}

fn read_chapter(ctx: &mut Ctx, ids: &mut IdRegistry, t: &DeTable, header: Span) -> Option<Chapter> {
    let what = label_with_id(t, "章");
    let f = Fields::new(ctx, t, header, what, CHAPTER_KEYS);
    let id = f.text_req(ctx, "id", "\"1\"");
    let title = f.text_req(ctx, "title", "\"功能任务与资源配置\"");
    if let Some((id, span)) = &id {
        check_number(ctx, id, span, None, "章");
        ids.claim(ctx, id, span, "章");
    }
    let chapter_id = id.as_ref().map(|(i, _)| i.as_str());
    let sections: Vec<Section> = f
        .tables(ctx, "section", true, "[[chapter.section]]")
        .into_iter()
        .filter_map(|(t, span)| read_section(ctx, ids, t, span, chapter_id))
        .collect();
    Some(Chapter {
        id: id?.0,
        title: title?.0,
        sections,
    })
}

fn read_section(
    ctx: &mut Ctx,
    ids: &mut IdRegistry,
    t: &DeTable,
    header: Span,
    chapter: Option<&str>,
) -> Option<Section> {
    let f = Fields::new(ctx, t, header, label_with_id(t, "节"), SECTION_KEYS);
    let id = f.text_req(ctx, "id", "\"1.1\"");
    let title = f.text_req(ctx, "title", "\"功能任务\"");
    if let Some((id, span)) = &id {
        if let Some(ch) = chapter {
            check_number(ctx, id, span, Some(ch), "节");
        }
        ids.claim(ctx, id, span, "节");
    }
    let section_id = id.as_ref().map(|(i, _)| i.as_str());
    let items: Vec<Item> = f
        .tables(ctx, "item", true, "[[chapter.section.item]]")
        .into_iter()
        .filter_map(|(t, span)| read_item(ctx, ids, t, span, section_id))
        .collect();
    Some(Section {
        id: id?.0,
        title: title?.0,
        items,
    })
}

fn read_item(
    ctx: &mut Ctx,
    ids: &mut IdRegistry,
    t: &DeTable,
    header: Span,
    section: Option<&str>,
) -> Option<Item> {
    let line = ctx.line_of(header.start);
    let f = Fields::new(ctx, t, header, label_with_id(t, "条款"), ITEM_KEYS);
    let id = f.text_req(ctx, "id", "\"1.1.1\"");
    if let Some((id, span)) = &id {
        if let Some(s) = section {
            check_number(ctx, id, span, Some(s), "条款");
        }
        ids.claim(ctx, id, span, "条款");
    }
    let title = f.text_req(ctx, "title", "\"条款名称\"");
    let tier = f
        .str_req(ctx, "tier", "\"基本标准\"")
        .and_then(|(s, span)| {
            let tier = Tier::parse(&s);
            if tier.is_none() {
                ctx.error(
                    span,
                    format!("{}的标准类别 `{}` 不存在", f.what, quoted(&s)),
                    spellings::tier_hint(),
                );
            }
            tier
        });
    let core = f.bool_opt(ctx, "core").unwrap_or(false);
    let allow_na = f.bool_opt(ctx, "allow_na").unwrap_or(false);
    let methods = f.str_list_req(ctx, "methods", "[\"查阅资料\", \"现场查看\"]");
    let guidance = f.str_opt(ctx, "guidance").map(|(s, _)| s);
    let phrases = read_phrases(ctx, &f);
    let criteria = read_criteria(ctx, &f);

    if core && allow_na {
        ctx.error(
            f.span_of("allow_na"),
            format!("{}是核心条款（★），却允许「不适用」", f.what),
            "核心条款必须评定：删去 allow_na，或去掉 core = true。",
        );
    }
    Some(Item {
        id: id?.0,
        title: title?.0,
        tier: tier?,
        core,
        methods: methods?,
        criteria: criteria.as_ref()?.0.clone(),
        declared_max: criteria?.1,
        allow_na,
        guidance,
        phrases,
        line,
    })
}

/// `phrases`, or `remarks` as the key was first called (pinned checklists keep
/// loading); both on one item is a mistake.
fn read_phrases(ctx: &mut Ctx, f: &Fields) -> Vec<String> {
    if f.has("phrases") && f.has("remarks") {
        ctx.error(
            f.span_of("remarks"),
            format!("{}同时写了 `phrases` 和 `remarks`", f.what),
            "`remarks` 是 `phrases`（常用评语）原来的名字，两者意思相同：把两个列表合成一个 `phrases = [...]`，删去 `remarks` 这一行。",
        );
        return Vec::new();
    }
    let key = if f.has("remarks") {
        "remarks"
    } else {
        "phrases"
    };
    f.phrases_opt(ctx, key)
}

fn read_verdict(
    ctx: &mut Ctx,
    t: &DeTable,
    header: Span,
    selectable: Option<&Selectable>,
) -> Option<(VerdictRule, Span)> {
    let name = t
        .get("name")
        .and_then(|v| v.get_ref().as_str())
        .map(|n| format!("结论「{}」", quoted(n)))
        .unwrap_or_else(|| "结论".into());
    let line = ctx.line_of(header.start);
    let f = Fields::new(ctx, t, header, name, VERDICT_KEYS);
    let name = f.text_req(ctx, "name", "\"达到基本标准\"");
    let description = f.str_opt(ctx, "description").map(|(s, _)| s);
    let conditions: Vec<Option<Condition>> = f
        .tables(ctx, "condition", true, "[[verdict.condition]]")
        .into_iter()
        .map(|(t, span)| read_condition(ctx, &f.what, t, span, selectable))
        .collect();
    let (name, span) = name?;
    Some((
        VerdictRule {
            name,
            description,
            line,
            conditions: conditions.into_iter().collect::<Option<Vec<_>>>()?,
        },
        span,
    ))
}

fn read_condition(
    ctx: &mut Ctx,
    verdict: &str,
    t: &DeTable,
    header: Span,
    selectable: Option<&Selectable>,
) -> Option<Condition> {
    let f = Fields::new(ctx, t, header, format!("{verdict}的条件"), CONDITION_KEYS);
    let label = f.str_opt(ctx, "label").map(|(s, _)| s);
    let chapter = f.str_opt(ctx, "chapter");
    let select = f.str_req(ctx, "select", "\"core\"").and_then(|(s, span)| {
        let sel = match spellings::parse(spellings::SELECT_WORDS, &s) {
            Some(SelectWord::All) => Some(Selector::All),
            Some(SelectWord::Core) => Some(Selector::Core),
            Some(SelectWord::Tier(t)) => Some(Selector::Tier(t)),
            Some(SelectWord::Chapter) => match &chapter {
                Some((c, _)) => Some(Selector::Chapter(c.clone())),
                None => {
                    ctx.error(
                        span.clone(),
                        format!("{}按章选择条款，却没写是哪一章", f.what),
                        "在这个条件里加上 `chapter = \"2\"` 这样的一行。",
                    );
                    return None;
                }
            },
            None => None,
        };
        match &sel {
            None => ctx.error(
                span.clone(),
                format!("{}的 select = \"{}\" 无法识别", f.what, quoted(&s)),
                spellings::select_hint(),
            ),
            Some(sel) if selectable.is_some_and(|all| !all.selects_any(sel)) => {
                let (what_span, detail) = match (sel, &chapter) {
                    (Selector::Chapter(_), Some((_, cspan))) => (cspan.clone(), "清单里没有这一章"),
                    _ => (span.clone(), "清单里没有这类条款"),
                };
                ctx.error(
                    what_span,
                    format!(
                        "{}选不到任何条款（{}：{detail}）",
                        f.what,
                        quoted(&sel.describe())
                    ),
                    "检查 select/chapter 是否写对；选不到条款的条件无法判断，请改正或删去。",
                );
            }
            _ => {}
        }
        sel.map(|s| (s, span))
    });
    if let (Some((_, cspan)), Some((sel, _))) = (&chapter, &select)
        && !matches!(sel, Selector::Chapter(_))
    {
        ctx.error(
            cspan.clone(),
            format!("{}写了 chapter，但 select 不是 \"chapter\"", f.what),
            "只在 select = \"chapter\" 时写 chapter；否则删去这一行。",
        );
    }
    let min_grade = f.str_req(ctx, "min_grade", "\"C\"").and_then(|(s, span)| {
        let level = Level::parse(&s);
        if level.is_none() {
            ctx.error(
                span,
                format!("{}的档次 `{}` 不存在", f.what, quoted(&s)),
                spellings::grade_hint(),
            );
        }
        level
    });
    let min_share = f.number_req(ctx, "min_share", "0.8").and_then(|(n, span)| {
        if !(0.0..=1.0).contains(&n) {
            ctx.error(
                span,
                format!("{}的 min_share = {n} 超出 0 到 1 的范围", f.what),
                "min_share 是比例，写成 0 到 1 之间的小数：80% 写作 0.8，全部写作 1.0。",
            );
            return None;
        }
        Some(n)
    });
    Some(Condition {
        label,
        select: select?.0,
        min_grade: min_grade?,
        min_share: min_share?,
    })
}

/// "条款 2.1.3" when the table has a readable id, else just "条款".
fn label_with_id(t: &DeTable, kind: &str) -> String {
    match t.get("id").and_then(|v| v.get_ref().as_str()) {
        Some(id) if !id.trim().is_empty() => format!("{kind} {} ", quoted(id)),
        _ => kind.to_string(),
    }
}

/// Which selectors pick at least one item, worked out once: asking each condition to
/// look through every item would cost conditions × items.
struct Selectable {
    any: bool,
    core: bool,
    tiers: HashSet<Tier>,
    chapters: HashSet<String>,
}

impl Selectable {
    fn of(chapters: &[Chapter]) -> Selectable {
        let mut s = Selectable {
            any: false,
            core: false,
            tiers: HashSet::new(),
            chapters: HashSet::new(),
        };
        for ch in chapters {
            for item in ch.sections.iter().flat_map(|sec| sec.items.iter()) {
                s.any = true;
                s.core |= item.core;
                s.tiers.insert(item.tier);
                s.chapters.insert(ch.id.clone());
            }
        }
        s
    }

    fn selects_any(&self, sel: &Selector) -> bool {
        match sel {
            Selector::All => self.any,
            Selector::Core => self.core,
            Selector::Tier(t) => self.tiers.contains(t),
            Selector::Chapter(c) => self.chapters.contains(c),
        }
    }
}
