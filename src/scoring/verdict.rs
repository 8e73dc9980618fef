//! Verdicts from the checklist's rules. The rules are ordered best first; the first
//! whose conditions all hold is the verdict, otherwise the checklist's fallback verdict
//! ([`NOT_REACHED`] unless it names its own). Every rule is
//! evaluated so the result can say why a better verdict was not reached.

use serde::Serialize;

use super::{Counts, Grade};
use crate::checklist::{Checklist, Condition, Level, Selector};

/// The verdict when no rule holds, unless the checklist names its own
/// (`[checklist] fallback_verdict`).
pub const NOT_REACHED: &str = "未达到基本标准";

/// Shares are ratios of small integers; a threshold exactly met (4/5 against 0.8) must
/// hold even if the division rounds a hair below the literal.
const EPSILON: f64 = 1e-9;

#[derive(Debug, Clone, Serialize)]
pub struct ConditionOutcome {
    /// What the condition asks, in words.
    pub description: String,
    pub select: Selector,
    pub min_grade: Level,
    pub min_share: f64,
    /// Items the condition selects, graded or not.
    pub selected: Counts,
    /// Applicable selected items at or above `min_grade`.
    pub reached: usize,
    /// `reached / applicable`; `None` when every selected item is 不适用.
    pub share: Option<f64>,
    pub held: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleOutcome {
    pub name: String,
    /// The rule's `description` from the checklist, shown beside its name.
    pub description: Option<String>,
    pub conditions: Vec<ConditionOutcome>,
    pub held: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// The verdict: the first rule that held, or the checklist's fallback verdict.
    pub verdict: String,
    /// Index into `rules` of the rule that gave the verdict.
    pub winner: Option<usize>,
    pub rules: Vec<RuleOutcome>,
}

/// Evaluates every rule of `checklist` against the grades `grade_of` gives.
/// Pending items count as not reached; 不适用 items leave the denominator.
/// A condition whose selected items are all 不适用 holds: there is nothing to fail.
pub fn evaluate(checklist: &Checklist, grade_of: impl Fn(&str) -> Option<Grade>) -> Evaluation {
    let rules: Vec<RuleOutcome> = checklist
        .verdicts
        .iter()
        .map(|rule| {
            let conditions: Vec<ConditionOutcome> = rule
                .conditions
                .iter()
                .map(|c| evaluate_condition(checklist, c, &grade_of))
                .collect();
            RuleOutcome {
                name: rule.name.clone(),
                description: rule.description.clone(),
                held: conditions.iter().all(|c| c.held),
                conditions,
            }
        })
        .collect();
    let winner = rules.iter().position(|r| r.held);
    Evaluation {
        verdict: winner.map_or_else(
            || checklist.fallback_verdict.clone(),
            |i| rules[i].name.clone(),
        ),
        winner,
        rules,
    }
}

fn evaluate_condition(
    checklist: &Checklist,
    cond: &Condition,
    grade_of: &impl Fn(&str) -> Option<Grade>,
) -> ConditionOutcome {
    let mut selected = Counts::default();
    for (ch, _, item) in checklist.items() {
        if cond.select.matches(&ch.id, item) {
            selected.add(grade_of(&item.id));
        }
    }
    let share = selected.share_at_least(cond.min_grade);
    ConditionOutcome {
        description: cond.describe(),
        select: cond.select.clone(),
        min_grade: cond.min_grade,
        min_share: cond.min_share,
        reached: selected.at_least(cond.min_grade),
        held: share.is_none_or(|s| s + EPSILON >= cond.min_share),
        share,
        selected,
    }
}

impl ConditionOutcome {
    /// How many more applicable items must reach `min_grade` for the condition to hold.
    pub fn missing(&self) -> usize {
        let needed = (self.min_share * self.selected.applicable() as f64 - EPSILON)
            .ceil()
            .max(0.0) as usize;
        needed.saturating_sub(self.reached)
    }
}

impl Evaluation {
    /// The rule one step better than the verdict (the next goal), if any.
    pub fn next_goal(&self) -> Option<&RuleOutcome> {
        match self.winner {
            Some(0) => None,
            Some(i) => self.rules.get(i - 1),
            None => self.rules.last(),
        }
    }
}
