//! How a review team works: chapters assigned to inspectors, the export one inspector
//! needs, and the link to the facility's earlier review and the comparison with it.

use super::Store;
use super::error::{Hint, Result, StoreError};
use super::export::Export;
use crate::scoring::{Comparison, compare};

impl Store {
    /// Records that `inspector` covers `chapters` (replacing their earlier assignment;
    /// an empty list removes it). Chapters must exist in the pinned checklist.
    pub fn assign(&self, id: &str, inspector: &str, chapters: &[String], by: &str) -> Result<()> {
        let mut inspection = self.get(id)?;
        self.ensure_open(&inspection)?;
        let checklist = self.pinned(&inspection)?;
        for ch in chapters {
            if !checklist.chapters.iter().any(|c| &c.id == ch) {
                return Err(StoreError::Invalid(format!(
                    "清单《{}》没有第 {ch} 章。可分配的章：{}。",
                    checklist.title,
                    checklist
                        .chapters
                        .iter()
                        .map(|c| c.id.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                )));
            }
        }
        let inspector = &crate::text::clean_line(inspector);
        let by = &crate::text::clean_line(by);
        if inspector.chars().count() > super::gate::SHORT_TEXT_MAX {
            return Err(StoreError::Invalid(format!(
                "评审专家姓名太长（最多 {} 个字）。",
                super::gate::SHORT_TEXT_MAX
            )));
        }
        if inspector.is_empty() {
            return Err(StoreError::Invalid("请给出评审专家的姓名。".into()));
        }
        let old = inspection
            .assignments
            .get(inspector)
            .map(|c| c.join(","))
            .unwrap_or_default();
        let mut chapters: Vec<String> = chapters.to_vec();
        chapters.sort();
        chapters.dedup();
        if chapters.is_empty() {
            inspection.assignments.remove(inspector);
        } else {
            inspection
                .assignments
                .insert(inspector.to_string(), chapters.clone());
            if !inspection.inspectors.iter().any(|i| i == inspector) {
                inspection.inspectors.push(inspector.to_string());
            }
        }
        inspection.updated_at = super::now();
        let guard = self.write_guard()?;
        self.put_inspection(&inspection)?;
        self.append_history(
            id,
            by,
            "",
            "分工",
            &format!("{inspector}：{old}"),
            &format!("{inspector}：{}", chapters.join(",")),
        )?;
        self.note_change(id)?;
        self.flush()?;
        guard.done();
        Ok(())
    }

    /// Links `id` to the facility's earlier inspection `previous` (for 回头看 and 复核).
    pub fn link_previous(&self, id: &str, previous: Option<&str>, by: &str) -> Result<()> {
        let mut inspection = self.get(id)?;
        self.ensure_open(&inspection)?;
        if let Some(p) = previous {
            self.get(p)?;
            if p == id {
                return Err(StoreError::Invalid("一次检查不能与自己比较。".into()));
            }
        }
        let old = inspection.previous.clone().unwrap_or_default();
        inspection.previous = previous.map(str::to_string);
        let guard = self.write_guard()?;
        self.put_inspection(&inspection)?;
        self.append_history(id, by, "", "上次评审", &old, previous.unwrap_or_default())?;
        self.note_change(id)?;
        self.flush()?;
        guard.done();
        Ok(())
    }

    /// Inspection `new` compared with the facility's earlier inspection `old`: item by
    /// item (matched by id, whatever the checklist versions), per chapter, verdicts.
    pub fn comparison(&self, old: &str, new: &str) -> Result<Comparison> {
        let (o, n) = (self.get(old)?, self.get(new)?);
        let (oc, nc) = (self.pinned(&o)?, self.pinned(&n)?);
        let (oa, na) = (self.assessments(old)?, self.assessments(new)?);
        Ok(compare(
            &oc,
            |id| oa.get(id).and_then(|a| a.grade),
            &nc,
            |id| na.get(id).and_then(|a| a.grade),
        ))
    }

    /// What one inspector needs on their laptop: the inspection and its checklist, with
    /// the assessments and history of their chapters only.
    pub fn export_for(&self, id: &str, inspector: &str) -> Result<Export> {
        let mut export = self.export(id)?;
        let Some(chapters) = export.inspection.assignments.get(inspector).cloned() else {
            let assigned: Vec<&String> = export.inspection.assignments.keys().collect();
            return Err(StoreError::Hinted {
                message: format!(
                    "检查 {id} 没有给「{inspector}」分配章节（已分工的专家：{}）。请先给他分配章节。",
                    if assigned.is_empty() {
                        "无".to_string()
                    } else {
                        assigned
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    }
                ),
                hint: Hint::Assign {
                    inspection: id.to_string(),
                    inspector: inspector.to_string(),
                },
            });
        };
        let checklist = self.pinned(&export.inspection)?;
        let mine = |item: &str| {
            checklist
                .items()
                .any(|(ch, _, it)| it.id == item && chapters.contains(&ch.id))
        };
        export.assessments.retain(|a| mine(&a.item_id));
        export.conflicts.retain(|c| mine(&c.item_id));
        export
            .history
            .retain(|h| h.item_id.is_empty() || mine(&h.item_id));
        Ok(export)
    }
}
