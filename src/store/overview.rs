//! One line per inspection (an [`Overview`]): progress, counts per grade and the
//! verdict so far, kept in sled and updated in the same write as each change, so a
//! list of all inspections reads one small record each and decodes no assessment.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::Store;
use super::error::{Result, read_err};
use super::model::{Assessment, Inspection};
use crate::checklist::Checklist;
use crate::scoring::{evaluate, rollup};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overview {
    pub inspection: Inspection,
    pub graded: usize,
    pub items: usize,
    /// Items per grade: A, B, C, D (不达标), 不适用, pending.
    pub counts: [usize; 6],
    /// The verdict the grades so far give.
    pub verdict: String,
    /// Which rule gave it (0 = the best); `None` when no rule held.
    pub winner: Option<usize>,
}

impl Overview {
    /// The overview of an inspection with these assessments on its pinned checklist.
    pub fn of(
        inspection: &Inspection,
        checklist: &Checklist,
        assessments: &BTreeMap<String, Assessment>,
    ) -> Overview {
        let grade_of = |id: &str| assessments.get(id).and_then(|a| a.grade);
        let c = rollup(checklist, grade_of).total;
        let evaluation = evaluate(checklist, grade_of);
        Overview {
            inspection: inspection.clone(),
            graded: c.graded(),
            items: c.total(),
            counts: [c.a, c.b, c.c, c.d, c.na, c.pending],
            verdict: evaluation.verdict,
            winner: evaluation.winner,
        }
    }

    pub fn progress(&self) -> f64 {
        if self.items == 0 {
            1.0
        } else {
            self.graded as f64 / self.items as f64
        }
    }
}

impl Store {
    /// Every inspection with its progress and verdict, newest first. Reads the kept
    /// overviews; before that, compares each journal's length with what sled last
    /// wrote (one `stat` each) and rebuilds those that differ or that sled lacks.
    pub fn overviews(&self) -> Result<Vec<Overview>> {
        if self.read_only.is_none() {
            self.catch_up()?;
        }
        let mut out = Vec::new();
        for entry in self.overviews.iter() {
            let (_, v) = entry.map_err(read_err)?;
            out.push(super::decode::<Overview>(&v, "检查概要")?);
        }
        out.sort_by(|a, b| {
            b.inspection
                .date
                .cmp(&a.inspection.date)
                .then(b.inspection.created_at.cmp(&a.inspection.created_at))
        });
        Ok(out)
    }

    /// Brings every inspection's projection up to its journal, cheaply: by length.
    fn catch_up(&self) -> Result<()> {
        let ids = super::journal::file::journal_ids(&self.dir)
            .map_err(|e| super::StoreError::Read(format!("无法读取日志目录：{e}")))?;
        let on_disk: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        for id in &ids {
            let path = super::journal::journal_path(&self.dir, id);
            let len = std::fs::metadata(&path).map(|m| m.len()).ok();
            let stored = self.stored_tail(id).ok().flatten();
            let current = matches!((&stored, len), (Some(t), Some(l)) if t.len == l)
                && self.overviews.contains_key(id.as_bytes()).unwrap_or(false);
            if !current && let Err(e) = self.heal(id, "数据库记录落后于日志或缺失") {
                self.set_warning(format!("检查 {id} 无法从日志重建：{e}"));
            }
        }
        // A projection whose journal is gone is kept (it may be the last copy of the
        // data), and the user told how to get the journal back.
        let orphans: Vec<String> = self
            .overviews
            .iter()
            .keys()
            .filter_map(|k| k.ok())
            .map(|k| String::from_utf8_lossy(&k).into_owned())
            .filter(|id| !on_disk.contains(id.as_str()))
            .collect();
        if !orphans.is_empty() {
            self.set_warning(format!(
                "{} 个检查的日志文件不见了（{}）：它们只能查看，不能修改。请用 pingshen recover 从备份恢复日志。",
                orphans.len(),
                orphans.join("、")
            ));
        }
        Ok(())
    }
}
