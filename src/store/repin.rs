//! Moving an inspection to the current version of its checklist, explicitly.
//! Grades of items that no longer exist are kept (orphaned), never dropped.

use super::Store;
use super::error::{Result, StoreError, write_err};
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
        let mut inspection = self.get(id)?;
        let sha = source.sha256();
        let old = format!(
            "{} sha256:{}",
            inspection.checklist.version,
            &inspection.checklist.sha256[..8]
        );
        inspection.checklist.version = new.version.clone();
        inspection.checklist.title = new.title.clone();
        inspection.checklist.sha256 = sha.clone();
        inspection.updated_at = super::now();
        let guard = self.write_guard()?;
        self.checklists
            .insert(sha.as_bytes(), source.text.as_bytes())
            .map_err(write_err)?;
        self.put_inspection(&inspection)?;
        self.append_history(
            id,
            by,
            "",
            "清单",
            &old,
            &format!("{} sha256:{}", new.version, &sha[..8]),
        )?;
        self.note_change(id)?;
        self.flush()?;
        guard.done();
        Ok(report)
    }
}
