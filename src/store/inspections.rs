//! Creating, finding, listing and deleting inspections.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::error::{Result, StoreError, read_err, tx_err, write_err};
use super::model::*;
use super::{Store, decode, encode, now, prefix};
use crate::checklist::{Checklist, Source, parse_checklist};

/// Everything needed to start an inspection, as typed by the user.
#[derive(Debug, Clone)]
pub struct NewInspection {
    pub institution: Institution,
    pub review_kind: ReviewKind,
    pub date: String,
    pub inspectors: Vec<String>,
    pub sample: bool,
}

impl NewInspection {
    /// Required fields present and the date a real date; each problem named.
    pub fn validate(&self) -> Result<()> {
        let mut missing = Vec::new();
        if self.institution.name.trim().is_empty() {
            missing.push("机构名称（--institution）");
        }
        if self.institution.region.trim().is_empty() {
            missing.push("所在区县（--region）");
        }
        if self.inspectors.iter().all(|i| i.trim().is_empty()) {
            missing.push("评审专家（--inspector，可写多次）");
        }
        if !missing.is_empty() {
            return Err(StoreError::Invalid(format!(
                "缺少必填信息：{}。",
                missing.join("、")
            )));
        }
        if chrono::NaiveDate::parse_from_str(&self.date, "%Y-%m-%d").is_err() {
            return Err(StoreError::Invalid(format!(
                "评审日期 `{}` 不是有效日期，请写成 2026-11-23 这样的格式。",
                self.date
            )));
        }
        Ok(())
    }
}

impl Store {
    /// Starts an inspection pinned to `source`, the checklist's exact text.
    pub fn create(
        &self,
        new: NewInspection,
        checklist: &Checklist,
        source: &Source,
    ) -> Result<Inspection> {
        new.validate()?;
        let sha = source.sha256();
        let at = now();
        let inspection = Inspection {
            id: self.fresh_id(&at)?,
            institution: new.institution,
            review_kind: new.review_kind,
            date: new.date,
            inspectors: new
                .inspectors
                .into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            status: Status::InProgress,
            checklist: ChecklistPin {
                id: checklist.id.clone(),
                version: checklist.version.clone(),
                title: checklist.title.clone(),
                sha256: sha.clone(),
            },
            created_at: at.clone(),
            updated_at: at.clone(),
            sample: new.sample,
            assignments: Default::default(),
            previous: None,
        };
        let guard = self.write_guard()?;
        self.checklists
            .insert(sha.as_bytes(), source.text.as_bytes())
            .map_err(write_err)?;
        self.put_inspection(&inspection)?;
        let by = inspection.inspectors.first().cloned().unwrap_or_default();
        self.append_history(
            &inspection.id,
            &by,
            "",
            "创建",
            "",
            &format!(
                "{} {}",
                inspection.checklist.id, inspection.checklist.version
            ),
        )?;
        self.note_change(&inspection.id)?;
        self.flush()?;
        guard.done();
        Ok(inspection)
    }

    /// A short id nobody else is likely to have: the review may later be merged with
    /// exports from other laptops, so ids must not be a per-database counter.
    fn fresh_id(&self, salt: &str) -> Result<String> {
        for attempt in 0u32.. {
            let mut h = Sha256::new();
            h.update(salt.as_bytes());
            h.update(std::process::id().to_le_bytes());
            h.update(self.db.generate_id().map_err(write_err)?.to_le_bytes());
            h.update(attempt.to_le_bytes());
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            h.update(nanos.to_le_bytes());
            let id: String = h.finalize()[..5]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            if !self
                .inspections
                .contains_key(id.as_bytes())
                .map_err(read_err)?
            {
                return Ok(id);
            }
        }
        unreachable!("the loop above only ends by returning")
    }

    pub(super) fn put_inspection(&self, inspection: &Inspection) -> Result<()> {
        self.inspections
            .insert(inspection.id.as_bytes(), encode(inspection))
            .map_err(write_err)?;
        Ok(())
    }

    /// The inspection whose id is `id` or starts with it (like a git hash).
    pub fn resolve(&self, id: &str) -> Result<String> {
        let id = id.trim();
        if id.is_empty() {
            return Err(StoreError::UnknownInspection(id.to_string()));
        }
        if self
            .inspections
            .contains_key(id.as_bytes())
            .map_err(read_err)?
        {
            return Ok(id.to_string());
        }
        let matches: Vec<String> = self
            .inspections
            .scan_prefix(id.as_bytes())
            .keys()
            .filter_map(|k| k.ok())
            .map(|k| String::from_utf8_lossy(&k).into_owned())
            .collect();
        match matches.len() {
            0 => Err(StoreError::UnknownInspection(id.to_string())),
            1 => Ok(matches.into_iter().next().unwrap_or_default()),
            _ => Err(StoreError::AmbiguousInspection {
                prefix: id.to_string(),
                matches: matches.join("、"),
            }),
        }
    }

    pub fn get(&self, id: &str) -> Result<Inspection> {
        let bytes = self
            .inspections
            .get(id.as_bytes())
            .map_err(read_err)?
            .ok_or_else(|| StoreError::UnknownInspection(id.to_string()))?;
        decode(&bytes, "检查")
    }

    /// Every inspection, newest review date first.
    pub fn list(&self) -> Result<Vec<Inspection>> {
        let mut all = Vec::new();
        for entry in self.inspections.iter() {
            let (_, v) = entry.map_err(read_err)?;
            all.push(decode::<Inspection>(&v, "检查")?);
        }
        all.sort_by(|a, b| b.date.cmp(&a.date).then(b.created_at.cmp(&a.created_at)));
        Ok(all)
    }

    /// The pinned checklist text of `sha256`.
    pub fn checklist_text(&self, sha256: &str) -> Result<String> {
        let bytes = self
            .checklists
            .get(sha256.as_bytes())
            .map_err(read_err)?
            .ok_or_else(|| {
                StoreError::PinnedChecklist(sha256.to_string(), "清单文本缺失".into())
            })?;
        String::from_utf8(bytes.to_vec())
            .map_err(|e| StoreError::PinnedChecklist(sha256.to_string(), e.to_string()))
    }

    /// The checklist an inspection is pinned to, parsed once per process.
    pub fn pinned(&self, inspection: &Inspection) -> Result<Arc<Checklist>> {
        let sha = &inspection.checklist.sha256;
        if let Some(c) = self.cache().get(sha) {
            return Ok(c.clone());
        }
        let text = self.checklist_text(sha)?;
        let parsed = parse_checklist(&text, &format!("{}（固定版本）", inspection.checklist.id))
            .map_err(|d| {
                StoreError::PinnedChecklist(inspection.id.clone(), format!("{} 个错误", d.len()))
            })?;
        let parsed = Arc::new(parsed);
        self.cache().insert(sha.clone(), parsed.clone());
        Ok(parsed)
    }

    fn cache(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Arc<Checklist>>> {
        // A poisoned cache only means a panic elsewhere; the map itself is still sound.
        self.parsed.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Deletes an inspection after writing an export of it to `deleted/`; returns
    /// the path of that export.
    pub fn delete(&self, id: &str) -> Result<std::path::PathBuf> {
        let export = self.export(id)?;
        let dir = self.dir.join("deleted");
        let path = dir.join(format!(
            "{id}-{}.json",
            chrono::Local::now().format("%Y%m%dT%H%M%S%.3f")
        ));
        super::write_export(&export, &path)
            .map_err(|e| StoreError::Write(format!("删除前的备份未能写入（{e}），检查未删除")))?;
        let keys = |tree: &sled::Tree| -> Result<Vec<sled::IVec>> {
            tree.scan_prefix(prefix(id))
                .keys()
                .map(|k| k.map_err(read_err))
                .collect()
        };
        let (assessment_keys, history_keys) = (keys(&self.assessments)?, keys(&self.history)?);
        let conflict_keys = keys(&self.conflicts)?;
        // One transaction: a crash leaves the inspection either whole or gone.
        use sled::Transactional;
        let guard = self.write_guard()?;
        (
            &self.inspections,
            &self.assessments,
            &self.history,
            &self.conflicts,
        )
            .transaction(|(i, a, h, x)| {
                i.remove(id.as_bytes())?;
                for k in &assessment_keys {
                    a.remove(k)?;
                }
                for k in &history_keys {
                    h.remove(k)?;
                }
                for k in &conflict_keys {
                    x.remove(k)?;
                }
                Ok(())
            })
            .map_err(tx_err)?;
        self.reset_changes(id)?;
        self.flush()?;
        guard.done();
        // Its backups would bring it back on `recover`; the export in deleted/ keeps it.
        let _ = std::fs::remove_dir_all(super::backup::backups_dir(&self.dir).join(id));
        Ok(path)
    }
}
