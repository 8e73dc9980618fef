//! The summary: per-chapter counts and 达标率, the verdict with every condition's
//! measured share against its threshold, and the gaps — the items that keep the
//! facility from the next verdict, each one key away.

use std::cell::Cell;

use crate::checklist::Level;
use crate::scoring::{Evaluation, Grade, Rollup, evaluate, rollup};
use crate::tui::action::{Action, Command, Effect};
use crate::tui::app::{App, Screen};

use super::Walkthrough;

/// An item that does not yet reach what the next verdict asks of it.
#[derive(Debug, Clone)]
pub struct Gap {
    pub item_id: String,
    pub title: String,
    pub core: bool,
    pub grade: Option<Grade>,
    /// The grade the next verdict needs here.
    pub needs: Level,
}

/// A condition of the next verdict that does not hold yet.
#[derive(Debug, Clone)]
pub struct Shortfall {
    pub description: String,
    /// How many more items must reach the grade for it to hold.
    pub missing: usize,
}

pub struct SummaryScreen {
    pub rollup: Rollup,
    pub evaluation: Evaluation,
    /// The verdict one step better, if there is one.
    pub goal: Option<String>,
    pub shortfalls: Vec<Shortfall>,
    pub gaps: Vec<Gap>,
    /// The chosen gap; none until the user moves into the list, so the page opens
    /// at its top.
    pub selected: Option<usize>,
    /// First line drawn; kept by the view so the selection stays on screen.
    pub scroll: Cell<usize>,
}

impl SummaryScreen {
    pub fn new(w: &Walkthrough) -> SummaryScreen {
        let grade_of = |id: &str| w.grade_of(id);
        let rollup = rollup(&w.checklist, grade_of);
        let evaluation = evaluate(&w.checklist, grade_of);
        let mut gaps: Vec<Gap> = Vec::new();
        let mut shortfalls = Vec::new();
        let goal = evaluation.next_goal().map(|r| r.name.clone());
        if let Some(rule) = evaluation.next_goal() {
            for cond in rule.conditions.iter().filter(|c| !c.held) {
                let applicable = cond.selected.applicable();
                let needed = (cond.min_share * applicable as f64 - 1e-9).ceil().max(0.0) as usize;
                shortfalls.push(Shortfall {
                    description: cond.description.clone(),
                    missing: needed.saturating_sub(cond.reached),
                });
                for (ch, _, item) in w.checklist.items() {
                    if !cond.select.matches(&ch.id, item) {
                        continue;
                    }
                    let grade = w.grade_of(&item.id);
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
        }
        // Checklist order, whatever condition found them first.
        let order: Vec<String> = w
            .checklist
            .items()
            .map(|(_, _, it)| it.id.clone())
            .collect();
        gaps.sort_by_key(|g| order.iter().position(|id| *id == g.item_id));
        SummaryScreen {
            rollup,
            evaluation,
            goal,
            shortfalls,
            gaps,
            selected: None,
            scroll: Cell::new(0),
        }
    }
}

impl App {
    pub(crate) fn summary_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(s) = self.summary.as_mut() else {
            self.screen = Screen::Walkthrough;
            return Vec::new();
        };
        match action {
            Action::Command(Command::Up) => s.selected = s.selected.map(|i| i.saturating_sub(1)),
            Action::Command(Command::Down) if !s.gaps.is_empty() => {
                s.selected = Some(s.selected.map_or(0, |i| (i + 1).min(s.gaps.len() - 1)))
            }
            Action::Command(Command::Open) => {
                if let Some(gap) = s.gaps.get(s.selected.unwrap_or(0)) {
                    let id = gap.item_id.clone();
                    self.summary = None;
                    self.screen = Screen::Walkthrough;
                    self.goto(&id);
                }
            }
            Action::Command(Command::Back) => {
                self.summary = None;
                self.screen = Screen::Walkthrough;
            }
            Action::Command(Command::Report) => return self.start_report(),
            Action::Command(Command::Compare) => self.compare_with_previous(Screen::Summary),
            Action::Key(key) => self.unbound_key(key),
            _ => {}
        }
        Vec::new()
    }
}
