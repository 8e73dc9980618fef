//! What changed between two versions of a checklist, in words an inspector reads when
//! moving an inspection to the new version (`pingshen repin`).

use super::model::{Checklist, Item};

/// The parts of an item that differ, e.g. ["★", "B 档要点"].
pub fn item_changes(old: &Item, new: &Item) -> Vec<&'static str> {
    let c = (&old.criteria, &new.criteria);
    [
        (old.title != new.title, "名称"),
        (old.tier != new.tier, "类别"),
        (old.core != new.core, "★"),
        (old.allow_na != new.allow_na, "可否不适用"),
        (c.0.c != c.1.c, "C 档要点"),
        (c.0.b != c.1.b, "B 档要点"),
        (c.0.a != c.1.a, "A 档要点"),
        (old.methods != new.methods, "评价方法"),
        (old.guidance != new.guidance, "评审提示"),
    ]
    .into_iter()
    .filter_map(|(changed, what)| changed.then_some(what))
    .collect()
}

/// Whether the verdict rules (names, conditions, thresholds, fallback) differ.
pub fn rules_changed(old: &Checklist, new: &Checklist) -> bool {
    let shape = |c: &Checklist| {
        let rules: Vec<_> = c
            .verdicts
            .iter()
            .map(|r| {
                let conds: Vec<_> = r
                    .conditions
                    .iter()
                    .map(|x| (x.select.clone(), x.min_grade, x.min_share.to_bits()))
                    .collect();
                (r.name.clone(), conds)
            })
            .collect();
        (rules, c.fallback_verdict.clone())
    };
    shape(old) != shape(new)
}
