//! How a review team works: chapters assigned to inspectors, the export one inspector
//! needs, and the link to the facility's earlier review and the comparison with it.

use super::Store;
use super::bundle::Sealed;
use super::error::{Hint, Result, StoreError};
use super::journal::Change;
use crate::scoring::{Comparison, compare};

impl Store {
    /// Records that `inspector` covers `chapters` (replacing their earlier assignment;
    /// an empty list removes it). Chapters must exist in the pinned checklist.
    pub fn assign(&self, id: &str, inspector: &str, chapters: &[String], by: &str) -> Result<()> {
        let inspection = self.get(id)?;
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
            .cloned()
            .unwrap_or_default();
        let mut chapters: Vec<String> = chapters.to_vec();
        chapters.sort();
        chapters.dedup();
        if chapters == old {
            return Ok(());
        }
        self.record(
            id,
            by,
            vec![Change::Assign {
                inspector: inspector.to_string(),
                old,
                new: chapters,
            }],
        )?;
        Ok(())
    }

    /// Links `id` to the facility's earlier inspection `previous` (for 回头看 and 复核).
    pub fn link_previous(&self, id: &str, previous: Option<&str>, by: &str) -> Result<()> {
        let inspection = self.get(id)?;
        self.ensure_open(&inspection)?;
        if let Some(p) = previous {
            self.get(p)?;
            if p == id {
                return Err(StoreError::Invalid("一次检查不能与自己比较。".into()));
            }
        }
        let new = previous.map(str::to_string);
        if inspection.previous == new {
            return Ok(());
        }
        self.record(
            id,
            by,
            vec![Change::Link {
                old: inspection.previous.clone(),
                new,
            }],
        )?;
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

    /// What one inspector needs on their laptop: the whole record (a journal is only
    /// verifiable whole), refused when the inspector has no chapters assigned — the
    /// assignment is what their laptop shows them as theirs.
    pub fn export_for(&self, id: &str, inspector: &str) -> Result<Sealed> {
        let inspection = self.get(id)?;
        if !inspection.assignments.contains_key(inspector) {
            let assigned: Vec<&str> = inspection.assignments.keys().map(String::as_str).collect();
            return Err(StoreError::Hinted {
                message: format!(
                    "检查 {id} 没有给「{inspector}」分配章节（已分工的专家：{}）。请先给他分配章节。",
                    if assigned.is_empty() {
                        "无".to_string()
                    } else {
                        assigned.join("、")
                    }
                ),
                hint: Hint::Assign {
                    inspection: id.to_string(),
                    inspector: inspector.to_string(),
                },
            });
        }
        self.export(id)
    }
}
