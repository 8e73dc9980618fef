//! What keeps a facility from the next verdict: for each condition of the next better
//! rule that does not hold, how many more items must reach its grade, and the items
//! that do not reach it yet. The TUI summary, `pingshen show` and the PDF render this.

use serde::Serialize;

use super::{Evaluation, Grade};
use crate::checklist::{Checklist, Level};

/// A condition of the next verdict that does not hold yet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shortfall {
    pub description: String,
    pub min_grade: Level,
    /// How many more items must reach `min_grade` for the condition to hold.
    pub missing: usize,
}

/// An item that does not yet reach what the next verdict asks of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    pub item_id: String,
    pub title: String,
    pub core: bool,
    pub grade: Option<Grade>,
    /// The highest grade any failing condition of the next verdict needs here.
    pub needs: Level,
}

/// The way to the next better verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Goal {
    /// The verdict one step better than the present one.
    pub name: String,
    pub shortfalls: Vec<Shortfall>,
    /// In checklist order.
    pub gaps: Vec<Gap>,
}

impl Goal {
    /// Every condition holds already: only a better rule's own conditions stand in the way.
    pub fn is_met(&self) -> bool {
        self.shortfalls.is_empty()
    }
}

/// The gaps to the verdict one step better than `eval`'s; `None` at the best verdict.
pub fn next_goal(
    checklist: &Checklist,
    eval: &Evaluation,
    grade_of: impl Fn(&str) -> Option<Grade>,
) -> Option<Goal> {
    let rule = eval.next_goal()?;
    let mut shortfalls = Vec::new();
    let mut gaps: Vec<Gap> = Vec::new();
    for cond in rule.conditions.iter().filter(|c| !c.held) {
        shortfalls.push(Shortfall {
            description: cond.description.clone(),
            min_grade: cond.min_grade,
            missing: cond.missing(),
        });
        for (ch, _, item) in checklist.items() {
            if !cond.select.matches(&ch.id, item) {
                continue;
            }
            let grade = grade_of(&item.id);
            if grade == Some(Grade::NotApplicable)
                || grade.is_some_and(|g| g.reaches(cond.min_grade))
            {
                continue;
            }
            match gaps.iter_mut().find(|g| g.item_id == item.id) {
                Some(g) => g.needs = g.needs.max(cond.min_grade),
                None => gaps.push(Gap {
                    item_id: item.id.clone(),
                    title: item.title.clone(),
                    core: item.core,
                    grade,
                    needs: cond.min_grade,
                }),
            }
        }
    }
    let order: Vec<&str> = checklist.items().map(|(_, _, it)| it.id.as_str()).collect();
    gaps.sort_by_key(|g| order.iter().position(|id| *id == g.item_id));
    Some(Goal {
        name: rule.name.clone(),
        shortfalls,
        gaps,
    })
}
