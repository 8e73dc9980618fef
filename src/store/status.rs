//! 已完成: an inspection marked complete takes no more changes until it is reopened.
//! Completing and reopening are changes themselves, each a journal entry naming
//! who did it (and, for a reopen, why). Every method that changes an inspection's
//! grades, notes, assignments, checklist or links asks [`Store::ensure_open`] first.

use super::Store;
use super::error::{Result, StoreError};
use super::journal::Change;
use super::model::{Inspection, Progress};

impl Store {
    /// Refuses a change to a completed inspection.
    pub(super) fn ensure_open(&self, inspection: &Inspection) -> Result<()> {
        match inspection.status {
            Progress::InProgress => Ok(()),
            Progress::Completed => Err(StoreError::Completed {
                id: inspection.id.clone(),
                name: inspection.institution.name.clone(),
            }),
        }
    }

    /// Marks the inspection 已完成, recorded as `by`'s. Completing a completed one
    /// changes nothing.
    pub fn complete(&self, id: &str, by: &str) -> Result<Inspection> {
        self.set_status(id, Progress::Completed, by, "")
    }

    /// Reopens a completed inspection so it can be changed again; `reason` is kept in
    /// the history. Refuses an empty reason: a reopened record must say why.
    pub fn reopen(&self, id: &str, by: &str, reason: &str) -> Result<Inspection> {
        let reason = crate::text::clean_line(reason);
        if reason.is_empty() {
            return Err(StoreError::Invalid(
                "重新打开已完成的检查须写明原因（会记入修改历史）。".into(),
            ));
        }
        self.set_status(id, Progress::InProgress, by, &reason)
    }

    fn set_status(&self, id: &str, to: Progress, by: &str, reason: &str) -> Result<Inspection> {
        let inspection = self.get(id)?;
        if inspection.status == to {
            return Ok(inspection);
        }
        self.record(
            &inspection.id,
            by,
            vec![Change::Status {
                old: inspection.status,
                new: to,
                reason: reason.to_string(),
            }],
        )?;
        self.stored_inspection(&inspection.id)
    }
}
