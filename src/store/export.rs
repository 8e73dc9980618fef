//! `pingshen export` / `import`: one inspection in a self-contained file, with its
//! pinned checklist, assessments and history, a format version and a checksum.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::envelope::{self, EnvelopeError};
use super::error::{Hint, Result, StoreError, read_err, tx_err};
use super::gate;
use super::model::*;
use super::{Store, encode, key, prefix};

pub const EXPORT_FORMAT: &str = "pingshen-export";
/// History: 1 — the first export format.
pub const EXPORT_FORMAT_VERSION: u32 = 1;

/// Everything about one inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    pub inspection: Inspection,
    /// The full pinned checklist TOML; its sha256 is `inspection.checklist.sha256`.
    pub checklist_text: String,
    pub assessments: Vec<Assessment>,
    pub history: Vec<HistoryEntry>,
    /// Items waiting for the lead to choose between differing grades.
    #[serde(default)]
    pub conflicts: Vec<super::Conflict>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported,
    /// The same inspection with the same content was already there: nothing changed.
    AlreadyPresent,
    /// An inspection with this id was replaced; its previous content went to `deleted/`.
    Replaced,
}

pub fn write_export(export: &Export, path: &Path) -> std::io::Result<()> {
    let text = envelope::seal(EXPORT_FORMAT, EXPORT_FORMAT_VERSION, export);
    envelope::write_atomically(path, &text)
}

/// Reads an export file and passes it through the gate ([`super::gate::admit`]).
/// Refuses a file over the size limit, a wrong format, a newer version, a checksum
/// mismatch, a truncated file, and content that breaks the project's rules; returns
/// the export with its text cleaned.
pub fn read_export(path: &Path) -> Result<Export, EnvelopeError> {
    let text = envelope::read_text(path, gate::EXPORT_FILE_MAX)?;
    let shown = crate::text::for_terminal(&path.display().to_string()).into_owned();
    let export: Export = envelope::open(
        &text,
        &shown,
        EXPORT_FORMAT,
        EXPORT_FORMAT_VERSION,
        |v, _| Err(format!("没有从格式版本 {v} 迁移的方法")),
    )?;
    drop(text);
    gate::admit(export).map_err(|refusal| EnvelopeError::Refused {
        path: shown,
        refusal,
    })
}

/// `export` through the gate, for an export that did not come from [`read_export`].
pub(super) fn admitted(export: &Export) -> Result<Export> {
    gate::admit(export.clone()).map_err(|r| StoreError::Refused(r.to_string()))
}

impl Store {
    pub fn export(&self, id: &str) -> Result<Export> {
        let inspection = self.get(id)?;
        Ok(Export {
            checklist_text: self.checklist_text(&inspection.checklist.sha256)?,
            assessments: self.assessments(id)?.into_values().collect(),
            history: self.history(id, None)?,
            conflicts: self.conflicts(id)?,
            inspection,
        })
    }

    /// Writes `export` into the store exactly as it is. An existing inspection with the
    /// same id is left alone when identical, refused when different unless `replace`.
    pub fn import(&self, export: &Export, replace: bool) -> Result<ImportOutcome> {
        let export = &admitted(export)?;
        let id = &export.inspection.id;
        let mut outcome = ImportOutcome::Imported;
        if self
            .inspections
            .contains_key(id.as_bytes())
            .map_err(read_err)?
        {
            if &self.export(id)? == export {
                return Ok(ImportOutcome::AlreadyPresent);
            }
            if !replace {
                return Err(StoreError::Hinted {
                    message: format!(
                        "已有编号为 {id} 的检查，且内容与文件不同，没有导入。可以用文件内容替换它（替换前会把现有内容备份到 deleted/ 目录）。"
                    ),
                    hint: Hint::ImportReplacing,
                });
            }
            self.delete(id)?;
            outcome = ImportOutcome::Replaced;
        }
        let guard = self.write_guard()?;
        self.write_whole(export)?;
        self.note_change(id)?;
        self.flush()?;
        guard.done();
        Ok(outcome)
    }

    /// Replaces everything stored for the inspection by `export`, in one transaction:
    /// records it no longer has are removed. The caller holds a write guard and flushes.
    pub(super) fn write_whole(&self, export: &Export) -> Result<()> {
        use sled::Transactional;
        let id = &export.inspection.id;
        let keys = |tree: &sled::Tree| -> Result<Vec<sled::IVec>> {
            tree.scan_prefix(prefix(id))
                .keys()
                .map(|k| k.map_err(read_err))
                .collect()
        };
        let old = (
            keys(&self.assessments)?,
            keys(&self.history)?,
            keys(&self.conflicts)?,
        );
        (
            &self.inspections,
            &self.assessments,
            &self.history,
            &self.checklists,
            &self.conflicts,
        )
            .transaction(|(i, a, h, c, x)| {
                for k in &old.0 {
                    a.remove(k)?;
                }
                for k in &old.1 {
                    h.remove(k)?;
                }
                for k in &old.2 {
                    x.remove(k)?;
                }
                c.insert(
                    export.inspection.checklist.sha256.as_bytes(),
                    export.checklist_text.as_bytes(),
                )?;
                for asmt in &export.assessments {
                    a.insert(key(id, asmt.item_id.as_bytes()), encode(asmt))?;
                }
                for e in &export.history {
                    h.insert(key(id, &e.seq.to_be_bytes()), encode(e))?;
                }
                for conflict in &export.conflicts {
                    x.insert(key(id, conflict.item_id.as_bytes()), encode(conflict))?;
                }
                i.insert(id.as_bytes(), encode(&export.inspection))?;
                Ok(())
            })
            .map_err(tx_err)?;
        Ok(())
    }
}
