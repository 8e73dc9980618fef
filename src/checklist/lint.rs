//! Warnings `pingshen check` gives on a checklist that loads: things that are allowed
//! but most likely not meant. A warning never stops a checklist from being used.
//!
//! - an item with no B (or A) text and no `max_grade` saying that is on purpose: it can
//!   then only be graded up to the level it has text for;
//! - a better verdict that is laxer than a worse one in some condition;
//! - a verdict that needs every selected item at B (or A) while one of them has no text
//!   for that level: it can never be reached.

use super::diagnostic::Diagnostic;
use super::model::{Checklist, Condition, Item, Level, Selector};

const EPSILON: f64 = 1e-9;

/// Every warning of `checklist`, loaded from `src` (named `file` in messages).
pub fn warnings(checklist: &Checklist, src: &str, file: &str) -> Vec<Diagnostic> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(src.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let at_line = |line: usize| {
        let start = starts.get(line.saturating_sub(1)).copied().unwrap_or(0);
        let end = src[start..].find('\n').map_or(src.len(), |e| start + e);
        start..end
    };
    let mut found = Vec::new();
    for (_, _, item) in checklist.items() {
        if let Some((message, help)) = missing_levels(item) {
            found.push((at_line(item.line), message, help));
        }
    }
    for (i, better) in checklist.verdicts.iter().enumerate() {
        for worse in &checklist.verdicts[i + 1..] {
            for cond in &worse.conditions {
                if !better
                    .conditions
                    .iter()
                    .any(|x| implies(checklist, x, cond))
                {
                    found.push((
                        at_line(better.line),
                        format!(
                            "结论「{}」排在「{}」前面，却比它宽松：「{}」要求{}，「{}」没有同样严格的条件",
                            better.name,
                            worse.name,
                            worse.name,
                            cond.describe(),
                            better.name
                        ),
                        format!(
                            "排在前面的结论应当不比后面的宽松：在「{}」里加上这个条件（或更严的），或调整两条结论的顺序。",
                            better.name
                        ),
                    ));
                }
            }
        }
        for cond in &better.conditions {
            if let Some(ids) = unreachable(checklist, cond) {
                found.push((
                    at_line(better.line),
                    format!(
                        "结论「{}」要求{}，但条款 {} 没有 {} 档评价要点，这一结论永远达不到",
                        better.name,
                        cond.describe(),
                        ids.join("、"),
                        cond.min_grade.letter()
                    ),
                    format!(
                        "给这些条款写上 {} 档评价要点，或放宽这个条件（降低 min_grade 或 min_share）。",
                        cond.min_grade.letter()
                    ),
                ));
            }
        }
    }
    Diagnostic::many(src, file, found)
        .into_iter()
        .map(Diagnostic::into_warning)
        .collect()
}

fn missing_levels(item: &Item) -> Option<(String, String)> {
    if item.declared_max.is_some() {
        return None;
    }
    match item.max_level() {
        Level::A => None,
        Level::B => Some((
            format!("条款 {} 没有 A 档评价要点：最高只能评 B 档", item.id),
            "补上 `a = \"……\"`；这一条确实只分到 B 档时，加一行 `max_grade = \"B\"` 说明这是有意的。"
                .to_string(),
        )),
        Level::C => Some((
            format!(
                "条款 {} 没有 B 档和 A 档评价要点：只能评 C 档或不达标",
                item.id
            ),
            "补上 `b = \"……\"` 和 `a = \"……\"`；这一条确实只判达标与否时，加一行 `max_grade = \"C\"` 说明这是有意的。"
                .to_string(),
        )),
    }
}

/// Whether condition `x` holding always makes `y` hold.
fn implies(c: &Checklist, x: &Condition, y: &Condition) -> bool {
    if x.min_grade < y.min_grade || x.min_share + EPSILON < y.min_share {
        return false;
    }
    x.select == y.select || (x.min_share + EPSILON >= 1.0 && covers(c, &x.select, &y.select))
}

/// Whether every item `inner` selects is selected by `outer` too.
fn covers(c: &Checklist, outer: &Selector, inner: &Selector) -> bool {
    c.items()
        .filter(|(ch, _, it)| inner.matches(&ch.id, it))
        .all(|(ch, _, it)| outer.matches(&ch.id, it))
}

/// The selected items that lack text for the level `cond` needs of all of them.
fn unreachable(c: &Checklist, cond: &Condition) -> Option<Vec<String>> {
    if cond.min_share + EPSILON < 1.0 || cond.min_grade == Level::C {
        return None;
    }
    let ids: Vec<String> = c
        .items()
        .filter(|(ch, _, it)| cond.select.matches(&ch.id, it))
        .filter(|(_, _, it)| !it.allow_na && it.max_level() < cond.min_grade)
        .map(|(_, _, it)| it.id.clone())
        .collect();
    (!ids.is_empty()).then_some(ids)
}
