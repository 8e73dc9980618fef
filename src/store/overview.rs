//! One line per inspection (an [`Overview`]): progress, counts per grade and the
//! verdict so far, kept in sled and updated in the same write as each change, so a
//! list of all inspections reads one small record each and decodes no assessment.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::Store;
use super::error::{Result, read_err};
use super::model::{Assessment, Inspection};
use crate::checklist::Checklist;
use crate::scoring::{Grade, evaluate, rollup};

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
    /// How long the inspection's journal was when this was written: `list` compares
    /// it with the file's length to see, cheaply, that nothing is missing.
    #[serde(default)]
    pub journal_len: u64,
}

/// What the district's year reads of each inspection beyond its overview, kept
/// beside it (tree `results`, layout 7) in the same write, so `list` decodes none of
/// it: the items graded 不达标 and each chapter's counts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results {
    /// The items graded 不达标, in checklist order.
    #[serde(default, rename = "d", skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<String>,
    /// Items per grade in each chapter, in checklist order, as [`Overview::counts`].
    #[serde(default, rename = "c")]
    pub chapters: Vec<ChapterCounts>,
}

impl Results {
    /// The results of these assessments on the pinned checklist.
    pub fn of(checklist: &Checklist, assessments: &BTreeMap<String, Assessment>) -> Results {
        let grade_of = |id: &str| assessments.get(id).and_then(|a| a.grade);
        let failed = checklist
            .items()
            .filter(|(_, _, it)| grade_of(&it.id) == Some(Grade::D))
            .map(|(_, _, it)| it.id.clone())
            .collect();
        let chapters = rollup(checklist, grade_of)
            .chapters
            .iter()
            .map(|ch| {
                let k = &ch.counts;
                ChapterCounts {
                    id: ch.id.clone(),
                    counts: [k.a, k.b, k.c, k.d, k.na, k.pending],
                }
            })
            .collect();
        Results { failed, chapters }
    }
}

/// One chapter's items per grade: A, B, C, D (不达标), 不适用, pending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChapterCounts {
    #[serde(rename = "i")]
    pub id: String,
    #[serde(rename = "n")]
    pub counts: [usize; 6],
}

impl Overview {
    /// The overview of an inspection with these assessments on its pinned checklist.
    pub fn of(
        inspection: &Inspection,
        checklist: &Checklist,
        assessments: &BTreeMap<String, Assessment>,
    ) -> Overview {
        // Looked up once an item and rule: hashed, not searched by string order.
        let grades: std::collections::HashMap<&str, Grade> = assessments
            .iter()
            .filter_map(|(id, a)| a.grade.map(|g| (id.as_str(), g)))
            .collect();
        Overview::of_grade(inspection, checklist, |id| grades.get(id).copied())
    }

    fn of_grade(
        inspection: &Inspection,
        checklist: &Checklist,
        grade_of: impl Fn(&str) -> Option<Grade> + Copy,
    ) -> Overview {
        let c = rollup(checklist, grade_of).total;
        let evaluation = evaluate(checklist, grade_of);
        Overview {
            inspection: inspection.clone(),
            graded: c.graded(),
            items: c.total(),
            counts: [c.a, c.b, c.c, c.d, c.na, c.pending],
            verdict: evaluation.verdict,
            winner: evaluation.winner,
            journal_len: 0,
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
        // The journals' lengths (one `stat` each) and the kept overviews (one decode
        // each) are read at once, on separate threads: at 10,000 inspections both
        // take tens of milliseconds.
        let dir = super::journal::journals_dir(&self.dir);
        let (out, lengths) = std::thread::scope(|s| {
            let lengths = s.spawn(|| journal_lengths(&dir));
            let out = self.stored_overviews();
            (out, lengths.join())
        });
        let lengths =
            lengths.unwrap_or_else(|_| Err(super::StoreError::Read("无法读取日志目录".into())))?;
        let mut out = out?;
        if self.read_only.is_none() && self.catch_up(&out, &lengths)? {
            out = self.stored_overviews()?;
        }
        out.sort_by(|a, b| {
            b.inspection
                .date
                .cmp(&a.inspection.date)
                .then(b.inspection.created_at.cmp(&a.inspection.created_at))
        });
        Ok(out)
    }

    /// The pinned checklist of every overview's inspection, by sha256 (each parsed
    /// once).
    pub fn pinned_checklists(
        &self,
        overviews: &[Overview],
    ) -> Result<std::collections::HashMap<String, std::sync::Arc<Checklist>>> {
        let mut out = std::collections::HashMap::new();
        for o in overviews {
            if !out.contains_key(&o.inspection.checklist.sha256) {
                out.insert(
                    o.inspection.checklist.sha256.clone(),
                    self.pinned(&o.inspection)?,
                );
            }
        }
        Ok(out)
    }

    /// Writes every inspection's [`Results`] from its sheet and pinned checklist:
    /// the upgrade to layout 7.
    pub(super) fn write_all_results(&self) -> Result<()> {
        for o in self.stored_overviews()? {
            let i = &o.inspection;
            let results = Results::of(&*self.pinned(i)?, &self.assessments(&i.id)?);
            self.results
                .insert(i.id.as_bytes(), super::encode(&results))
                .map_err(super::error::write_err)?;
        }
        Ok(())
    }

    /// Every inspection's [`Results`], by id (those of an inspection whose results
    /// were never written are empty).
    pub fn results(&self) -> Result<std::collections::HashMap<String, Results>> {
        let mut out = std::collections::HashMap::new();
        for kv in self.results.iter() {
            let (k, v) = kv.map_err(read_err)?;
            out.insert(
                String::from_utf8_lossy(&k).into_owned(),
                super::decode::<Results>(&v, "检查结果")?,
            );
        }
        Ok(out)
    }

    /// Every kept overview, decoded on two threads.
    fn stored_overviews(&self) -> Result<Vec<Overview>> {
        let raw: Vec<sled::IVec> = self
            .overviews
            .iter()
            .values()
            .collect::<std::result::Result<_, _>>()
            .map_err(read_err)?;
        let decode = |part: &[sled::IVec]| -> Result<Vec<Overview>> {
            part.iter()
                .map(|v| super::decode::<Overview>(v, "检查概要"))
                .collect()
        };
        if raw.len() < 256 {
            return decode(&raw);
        }
        let (a, b) = raw.split_at(raw.len() / 2);
        let (first, second) = std::thread::scope(|s| {
            let second = s.spawn(|| decode(b));
            (decode(a), second.join())
        });
        let mut out = first?;
        out.extend(
            second.unwrap_or_else(|_| Err(super::StoreError::Read("检查概要无法读取".into())))?,
        );
        Ok(out)
    }

    /// Brings every inspection's projection up to its journal, cheaply: each
    /// journal's length against the length its overview was written at. Returns
    /// whether anything was rebuilt.
    fn catch_up(&self, overviews: &[Overview], lengths: &[(String, Option<u64>)]) -> Result<bool> {
        let written: std::collections::HashMap<&str, u64> = overviews
            .iter()
            .map(|o| (o.inspection.id.as_str(), o.journal_len))
            .collect();
        let mut rebuilt = false;
        for (id, len) in lengths {
            if written.get(id.as_str()).copied() != *len || len.is_none() {
                if let Err(e) = self.heal(id, "数据库记录落后于日志或缺失") {
                    self.set_warning(format!("检查 {id} 无法从日志重建：{e}"));
                }
                rebuilt = true;
            }
        }
        let on_disk: BTreeSet<&str> = lengths.iter().map(|(id, _)| id.as_str()).collect();
        // A projection whose journal is gone is kept (it may be the last copy of the
        // data), and the user told how to get the journal back.
        let orphans: Vec<String> = overviews
            .iter()
            .map(|o| o.inspection.id.clone())
            .filter(|id| !on_disk.contains(id.as_str()))
            .collect();
        if !orphans.is_empty() {
            self.set_warning(format!(
                "{} 个检查的日志文件不见了（{}）：它们只能查看，不能修改。请用 pingshen recover 从备份恢复日志。",
                orphans.len(),
                orphans.join("、")
            ));
        }
        Ok(rebuilt)
    }
}

/// Every journal in `dir` by inspection id, with its length (`None` when it could not
/// be read), from the directory: one `stat` each, relative to the directory.
fn journal_lengths(dir: &std::path::Path) -> Result<Vec<(String, Option<u64>)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(super::StoreError::Read(format!("无法读取日志目录：{e}"))),
    };
    Ok(entries
        .filter_map(|e| e.ok())
        .filter_map(|entry| {
            let name = entry.file_name();
            let id = name
                .to_str()
                .and_then(|n| n.strip_suffix(".jsonl"))
                .filter(|id| super::gate::is_inspection_id(id))?
                .to_string();
            Some((id, entry.metadata().map(|m| m.len()).ok()))
        })
        .collect())
}
