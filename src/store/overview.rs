//! One line per inspection (an [`Overview`]): progress and the verdict so far, for lists and rosters.

use serde::Serialize;

use super::Store;
use super::error::Result;
use super::model::Inspection;
use crate::scoring::{evaluate, rollup};

#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub inspection: Inspection,
    pub graded: usize,
    pub items: usize,
    /// The verdict the grades so far give.
    pub verdict: String,
    /// Which rule gave it (0 = the best); `None` when no rule held.
    pub winner: Option<usize>,
}

impl Overview {
    pub fn progress(&self) -> f64 {
        if self.items == 0 {
            1.0
        } else {
            self.graded as f64 / self.items as f64
        }
    }
}

impl Store {
    /// Every inspection with its progress and verdict, newest first.
    pub fn overviews(&self) -> Result<Vec<Overview>> {
        let mut out = Vec::new();
        for inspection in self.list()? {
            let checklist = self.pinned(&inspection)?;
            let grades = self.assessments(&inspection.id)?;
            let grade_of = |id: &str| grades.get(id).and_then(|a| a.grade);
            let counts = rollup(&checklist, grade_of).total;
            let evaluation = evaluate(&checklist, grade_of);
            out.push(Overview {
                verdict: evaluation.verdict,
                winner: evaluation.winner,
                graded: counts.graded(),
                items: counts.total(),
                inspection,
            });
        }
        Ok(out)
    }
}
