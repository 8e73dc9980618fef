//! Moving an inspection to the current version of its checklist, explicitly.
//! Grades of items that no longer exist are kept (orphaned), never dropped.

use super::Store;
use super::error::{Result, StoreError};
use super::journal::Change;
use crate::checklist::{Checklist, Item, Source};

#[derive(Debug, Clone, Default)]
pub struct RepinReport {
    pub from_version: String,
    pub to_version: String,
    /// False when the new text is the pinned one: nothing changed.
    pub changed: bool,
    pub added: Vec<String>,
    /// Items gone from the checklist; those with an assessment are listed in `orphaned`.
    pub removed: Vec<String>,
    /// Items whose title, tier, ★, criteria or 不适用 rule changed.
    pub reworded: Vec<String>,
    /// Removed items that have a grade or note: kept, shown as orphaned.
    pub orphaned: Vec<String>,
}

/// The items of `old` and `new` compared by id.
pub fn diff(old: &Checklist, new: &Checklist) -> RepinReport {
    let old_items: Vec<&Item> = old.items().map(|(_, _, i)| i).collect();
    let new_items: Vec<&Item> = new.items().map(|(_, _, i)| i).collect();
    let mut report = RepinReport {
        from_version: old.version.clone(),
        to_version: new.version.clone(),
        ..RepinReport::default()
    };
    for n in &new_items {
        match old_items.iter().find(|o| o.id == n.id) {
            None => report.added.push(n.id.clone()),
            Some(o) if reworded(o, n) => report.reworded.push(n.id.clone()),
            Some(_) => {}
        }
    }
    for o in &old_items {
        if !new_items.iter().any(|n| n.id == o.id) {
            report.removed.push(o.id.clone());
        }
    }
    report
}

fn reworded(a: &Item, b: &Item) -> bool {
    a.title != b.title
        || a.tier != b.tier
        || a.core != b.core
        || a.allow_na != b.allow_na
        || a.criteria.c != b.criteria.c
        || a.criteria.b != b.criteria.b
        || a.criteria.a != b.criteria.a
}

impl Store {
    /// The report of moving `id` to `new`, without changing anything.
    pub fn repin_preview(&self, id: &str, new: &Checklist, source: &Source) -> Result<RepinReport> {
        let inspection = self.get(id)?;
        if new.id != inspection.checklist.id {
            return Err(StoreError::Invalid(format!(
                "检查 {id} 使用的清单是 `{}`，不能改用 `{}`。",
                inspection.checklist.id, new.id
            )));
        }
        let old = self.pinned(&inspection)?;
        let mut report = diff(&old, new);
        report.changed = source.sha256() != inspection.checklist.sha256;
        let assessed = self.assessments(id)?;
        report.orphaned = assessed
            .keys()
            .filter(|item| new.find_item(item).is_none())
            .cloned()
            .collect();
        Ok(report)
    }

    /// Pins `id` to `new` (the text in `source`) and records it in the history.
    pub fn repin(
        &self,
        id: &str,
        new: &Checklist,
        source: &Source,
        by: &str,
    ) -> Result<RepinReport> {
        self.ensure_open(&self.get(id)?)?;
        let report = self.repin_preview(id, new, source)?;
        if !report.changed {
            return Ok(report);
        }
        let inspection = self.get(id)?;
        let sha = source.sha256();
        self.pin_text(&sha, &source.text)?;
        self.record(
            id,
            by,
            vec![Change::Repin {
                old: inspection.checklist.clone(),
                new: super::model::ChecklistPin {
                    id: new.id.clone(),
                    version: new.version.clone(),
                    title: new.title.clone(),
                    sha256: sha,
                },
            }],
        )?;
        Ok(report)
    }
}
