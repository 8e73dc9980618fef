//! Counts per grade for the whole checklist, each chapter and each section.

use serde::Serialize;

use super::Grade;
use crate::checklist::{Checklist, Level};

/// How many items have each grade.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub a: usize,
    pub b: usize,
    pub c: usize,
    pub d: usize,
    pub na: usize,
    pub pending: usize,
}

impl Counts {
    pub fn add(&mut self, grade: Option<Grade>) {
        match grade {
            Some(Grade::A) => self.a += 1,
            Some(Grade::B) => self.b += 1,
            Some(Grade::C) => self.c += 1,
            Some(Grade::D) => self.d += 1,
            Some(Grade::NotApplicable) => self.na += 1,
            None => self.pending += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.a + self.b + self.c + self.d + self.na + self.pending
    }

    pub fn graded(&self) -> usize {
        self.total() - self.pending
    }

    /// Items that count towards shares: all but 不适用. Pending items count (as not reached).
    pub fn applicable(&self) -> usize {
        self.total() - self.na
    }

    pub fn at_least(&self, level: Level) -> usize {
        match level {
            Level::A => self.a,
            Level::B => self.a + self.b,
            Level::C => self.a + self.b + self.c,
        }
    }

    /// Share of applicable items at or above `level`; `None` when nothing applies.
    pub fn share_at_least(&self, level: Level) -> Option<f64> {
        let n = self.applicable();
        (n > 0).then(|| self.at_least(level) as f64 / n as f64)
    }

    /// Share of items graded (不适用 counts as graded); 1.0 for an empty set.
    pub fn progress(&self) -> f64 {
        match self.total() {
            0 => 1.0,
            n => self.graded() as f64 / n as f64,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionRollup {
    pub id: String,
    pub title: String,
    pub counts: Counts,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChapterRollup {
    pub id: String,
    pub title: String,
    pub counts: Counts,
    pub sections: Vec<SectionRollup>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rollup {
    pub total: Counts,
    pub chapters: Vec<ChapterRollup>,
}

/// Counts every item of `checklist` under the grade `grade_of` gives it.
pub fn rollup(checklist: &Checklist, grade_of: impl Fn(&str) -> Option<Grade>) -> Rollup {
    let mut total = Counts::default();
    let chapters = checklist
        .chapters
        .iter()
        .map(|ch| {
            let mut ch_counts = Counts::default();
            let sections = ch
                .sections
                .iter()
                .map(|s| {
                    let mut counts = Counts::default();
                    for it in &s.items {
                        let g = grade_of(&it.id);
                        counts.add(g);
                        ch_counts.add(g);
                        total.add(g);
                    }
                    SectionRollup {
                        id: s.id.clone(),
                        title: s.title.clone(),
                        counts,
                    }
                })
                .collect();
            ChapterRollup {
                id: ch.id.clone(),
                title: ch.title.clone(),
                counts: ch_counts,
                sections,
            }
        })
        .collect();
    Rollup { total, chapters }
}
