//! Grades, roll-ups and verdicts: pure functions over a checklist and its grades.
//! Every threshold comes from the checklist's TOML rules; none lives here.

mod compare;
mod gaps;
mod grade;
mod rollup;
mod verdict;

pub use compare::{ChapterChange, Comparison, ItemChange, Trend, compare, rank};
pub use gaps::{Gap, Goal, Shortfall, next_goal};
pub use grade::Grade;
pub use rollup::{ChapterRollup, Counts, Rollup, SectionRollup, rollup};
pub use verdict::{ConditionOutcome, Evaluation, NOT_REACHED, RuleOutcome, evaluate};

/// A share as a percentage for people: "80%", "66.7%".
pub fn percent(share: f64) -> String {
    let p = (share * 1000.0).round() / 10.0;
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}
