//! Comparing two reviews of a facility (回头看, 复核): item by item, per chapter, and
//! the verdicts. The two may use different checklist versions; items are matched by id.

use serde::Serialize;

use super::{Grade, evaluate, rollup};
use crate::checklist::{Checklist, Level};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Trend {
    /// 提升
    Improved,
    /// 下降
    Worse,
    /// 不变
    Same,
    /// Only in the newer checklist (新增条款).
    New,
    /// Only in the older checklist (删除条款).
    Removed,
    /// One side is 不适用 or not graded, the other is not: no order between them (不可比).
    Incomparable,
}

impl Trend {
    pub fn label(self) -> &'static str {
        match self {
            Trend::Improved => "提升",
            Trend::Worse => "下降",
            Trend::Same => "不变",
            Trend::New => "新增条款",
            Trend::Removed => "删除条款",
            Trend::Incomparable => "不可比",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemChange {
    pub id: String,
    pub title: String,
    pub old: Option<Grade>,
    pub new: Option<Grade>,
    pub change: Trend,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChapterChange {
    pub id: String,
    pub title: String,
    /// Share at or above C of applicable items, then and now.
    pub old_share: Option<f64>,
    pub new_share: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub items: Vec<ItemChange>,
    pub chapters: Vec<ChapterChange>,
    pub old_verdict: String,
    pub new_verdict: String,
}

impl Comparison {
    pub fn count(&self, change: Trend) -> usize {
        self.items.iter().filter(|i| i.change == change).count()
    }
}

/// A, B, C, 不达标 in order (A highest); 不适用 and pending have no place in it.
pub fn rank(g: Option<Grade>) -> Option<u8> {
    match g? {
        Grade::A => Some(3),
        Grade::B => Some(2),
        Grade::C => Some(1),
        Grade::D => Some(0),
        Grade::NotApplicable => None,
    }
}

pub fn compare(
    old: &Checklist,
    old_grade: impl Fn(&str) -> Option<Grade>,
    new: &Checklist,
    new_grade: impl Fn(&str) -> Option<Grade>,
) -> Comparison {
    let mut items = Vec::new();
    for (_, _, it) in new.items() {
        let n = new_grade(&it.id);
        let (o, change) = match old.find_item(&it.id) {
            None => (None, Trend::New),
            Some(_) => {
                let o = old_grade(&it.id);
                let change = match (rank(o), rank(n)) {
                    (Some(a), Some(b)) if b > a => Trend::Improved,
                    (Some(a), Some(b)) if b < a => Trend::Worse,
                    _ if o == n => Trend::Same,
                    (Some(_), Some(_)) => Trend::Same,
                    _ => Trend::Incomparable,
                };
                (o, change)
            }
        };
        items.push(ItemChange {
            id: it.id.clone(),
            title: it.title.clone(),
            old: o,
            new: n,
            change,
        });
    }
    for (_, _, it) in old.items() {
        if new.find_item(&it.id).is_none() {
            items.push(ItemChange {
                id: it.id.clone(),
                title: it.title.clone(),
                old: old_grade(&it.id),
                new: None,
                change: Trend::Removed,
            });
        }
    }
    let old_roll = rollup(old, &old_grade);
    let new_roll = rollup(new, &new_grade);
    let chapters = new_roll
        .chapters
        .iter()
        .map(|ch| ChapterChange {
            id: ch.id.clone(),
            title: ch.title.clone(),
            old_share: old_roll
                .chapters
                .iter()
                .find(|o| o.id == ch.id)
                .and_then(|o| o.counts.share_at_least(Level::C)),
            new_share: ch.counts.share_at_least(Level::C),
        })
        .collect();
    Comparison {
        items,
        chapters,
        old_verdict: evaluate(old, &old_grade).verdict,
        new_verdict: evaluate(new, &new_grade).verdict,
    }
}
