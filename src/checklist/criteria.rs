//! An item's C/B/A criteria: cumulative (B needs C, A needs B), none blank, each one
//! text or a list of numbered sub-criteria, and an optional `max_grade` that says on
//! purpose that an item is graded only up to C (or B).

use super::escape::quoted;
use super::fields::{Ctx, Fields, TextOrList};
use super::model::{Criteria, Criterion, Level, Points};
use super::spellings;

pub(super) fn read_criteria(ctx: &mut Ctx, f: &Fields) -> Option<(Criteria, Option<Level>)> {
    let mut ok = true;
    let mut read = |ctx: &mut Ctx, key: &str, letter: &str| match f.text_or_list_opt(ctx, key) {
        None => Some(Criterion::Absent),
        Some((None, _)) => {
            ok = false;
            None
        }
        Some((Some(TextOrList::Text(text)), span)) => {
            if text.trim().is_empty() {
                ok = false;
                ctx.error(
                    span,
                    format!("{}的 {letter} 档评价要点是空的", f.what),
                    format!(
                        "写出 {letter} 档要查什么、数什么、看什么；这一档不用时整行删去 `{key} = …`。"
                    ),
                );
                return None;
            }
            Some(Criterion::Text(text))
        }
        Some((Some(TextOrList::List(parts)), _)) => Some(Criterion::List(parts)),
    };
    let c = read(ctx, "c", "C");
    let b = read(ctx, "b", "B");
    let a = read(ctx, "a", "A");
    let present = |x: &Option<Criterion>| !matches!(x, Some(Criterion::Absent));
    let has_c = f.has("c");
    if !has_c {
        ok = false;
        if f.has("b") || f.has("a") {
            let key = if f.has("b") { "b" } else { "a" };
            ctx.error(
                f.span_of(key),
                format!("{}写了 {} 档却没有 C 档", f.what, key.to_uppercase()),
                "评价要点是累进的：先写 c（达到基本要求），再写 b、a。",
            );
        } else {
            ctx.error(
                f.header.clone(),
                format!("{}没有评价要点（缺少必填的键 `c`）", f.what),
                "加上一行 `c = \"……\"`，写明达到 C 档要查什么、看什么。",
            );
        }
    }
    if has_c && f.has("a") && !f.has("b") {
        ok = false;
        ctx.error(
            f.span_of("a"),
            format!("{}写了 A 档却没有 B 档", f.what),
            "评价要点是累进的：A 档在 B 档之上，请先写 b。",
        );
    }
    let written_top = if f.has("a") {
        Level::A
    } else if f.has("b") {
        Level::B
    } else {
        Level::C
    };
    let declared = read_max_grade(ctx, f, written_top, &mut ok);
    if !ok || !present(&c) {
        return None;
    }
    let points = Points {
        c: c?,
        b: b?,
        a: a?,
    };
    let criteria = Criteria {
        c: points.c.shown("C")?,
        b: points.b.shown("B"),
        a: points.a.shown("A"),
        points,
    };
    Some((criteria, declared))
}

/// `max_grade = "C"`: the item is pass/fail on purpose, so no warning that B and A have
/// no text. It must agree with the texts written.
fn read_max_grade(ctx: &mut Ctx, f: &Fields, written_top: Level, ok: &mut bool) -> Option<Level> {
    let (s, span) = f.str_opt(ctx, "max_grade")?;
    let Some(level) = Level::parse(&s) else {
        *ok = false;
        ctx.error(
            span,
            format!("{}的最高档次 max_grade = `{}` 不存在", f.what, quoted(&s)),
            spellings::grade_hint().replace("min_grade", "max_grade"),
        );
        return None;
    };
    if level != written_top {
        *ok = false;
        let help = match level {
            Level::C => {
                "只判「达标 / 不达标」的条款只写 c：删去 b、a，或删去 max_grade。".to_string()
            }
            _ => format!(
                "max_grade = \"{0}\" 时写到 {0} 档为止：补上或删去相应的评价要点，或把 max_grade 改成 \"{1}\"。",
                level.letter(),
                written_top.letter()
            ),
        };
        ctx.error(
            span,
            format!(
                "{}写了 max_grade = \"{}\"，评价要点却写到了 {} 档",
                f.what,
                level.letter(),
                written_top.letter()
            ),
            help,
        );
        return None;
    }
    Some(level)
}
