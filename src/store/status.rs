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

/// Whether a report of an inspection is final, and what a draft says about itself.
/// A report is final only when the inspection is marked 已完成; every face (PDF, TUI,
/// CLI) asks this and prints what it says, so they agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finality {
    /// Marked 已完成. Pending items (if any) count as not reached, as the rules say.
    Final { pending: usize },
    /// Not marked 已完成, with `pending` items still 待评 (more than none).
    Draft { pending: usize },
    /// Every item graded, but not marked 已完成.
    NotCompleted,
}

impl Finality {
    /// The finality of `inspection` with `pending` items not yet graded.
    pub fn of(inspection: &Inspection, pending: usize) -> Finality {
        match (inspection.status, pending) {
            (Progress::Completed, pending) => Finality::Final { pending },
            (Progress::InProgress, 0) => Finality::NotCompleted,
            (Progress::InProgress, pending) => Finality::Draft { pending },
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, Finality::Final { .. })
    }

    /// The watermark on every page of a report that is not final.
    pub fn watermark(self) -> Option<String> {
        match self {
            Finality::Final { .. } => None,
            Finality::Draft { pending } => Some(format!("草稿 — {pending} 条待评")),
            Finality::NotCompleted => Some("草稿 — 未标记为已完成".to_string()),
        }
    }

    /// Why the verdict is only provisional: `暂定（尚有 N 条待评）`; nothing when final.
    pub fn provisional(self) -> Option<String> {
        match self {
            Finality::Final { .. } => None,
            Finality::Draft { pending } => Some(format!("暂定（尚有 {pending} 条待评）")),
            Finality::NotCompleted => Some("暂定（未标记为已完成）".to_string()),
        }
    }

    /// The verdict as a report states it: `verdict` itself when final, else marked
    /// provisional with the reason.
    pub fn verdict(self, verdict: &str) -> String {
        match self.provisional() {
            None => verdict.to_string(),
            Some(p) => format!("{verdict} — {p}"),
        }
    }

    /// The report's state in words, for its basic facts.
    pub fn state(self) -> String {
        match self {
            Finality::Final { .. } => "正式报告（检查已标记为已完成）".to_string(),
            Finality::Draft { pending } => {
                format!("草稿（尚有 {pending} 条待评，检查未标记为已完成）")
            }
            Finality::NotCompleted => "草稿（检查未标记为已完成）".to_string(),
        }
    }

    /// What a face says after writing a report that is not final (and why it is not),
    /// or nothing for a final one.
    pub fn draft_note(self) -> Option<String> {
        match self {
            Finality::Final { .. } => None,
            Finality::Draft { pending } => Some(format!(
                "这是草稿：尚有 {pending} 条待评，每页带「草稿 — {pending} 条待评」水印，评审结论为暂定。全部评完并标记为已完成后重新生成，才是正式报告。"
            )),
            Finality::NotCompleted => Some(
                "这是草稿：检查还没有标记为已完成，每页带「草稿」水印，评审结论为暂定。标记为已完成后重新生成，才是正式报告。"
                    .to_string(),
            ),
        }
    }

    /// The question asked before making a report with pending items, or nothing when
    /// no item is pending.
    pub fn question(self) -> Option<String> {
        match self {
            Finality::Draft { pending } => Some(format!(
                "还有 {pending} 条待评。现在生成的报告是草稿：每页带「草稿 — {pending} 条待评」水印，评审结论为暂定。仍然生成？"
            )),
            Finality::Final { pending } if pending > 0 => Some(format!(
                "检查已标记为已完成，但还有 {pending} 条待评，按规则算作未达到。仍然生成报告？"
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inspection(status: Progress) -> Inspection {
        let at = crate::time::Stamp::now();
        Inspection {
            id: "0123456789".into(),
            institution: crate::store::Institution {
                name: "某中心".into(),
                region: "某区".into(),
                kind: String::new(),
                head: String::new(),
                phone: String::new(),
            },
            review_kind: crate::store::ReviewKind::District,
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
            inspectors: vec!["王堃".into()],
            status,
            checklist: crate::store::model::ChecklistPin {
                id: "x".into(),
                version: "1".into(),
                title: "x".into(),
                sha256: "0".repeat(64),
            },
            created_at: at,
            updated_at: at,
            sample: false,
            assignments: Default::default(),
            previous: None,
            organiser: String::new(),
            opinion: String::new(),
            facility: None,
        }
    }

    #[test]
    fn only_a_completed_inspection_is_final() {
        let open = inspection(Progress::InProgress);
        let done = inspection(Progress::Completed);
        let draft = Finality::of(&open, 52);
        assert_eq!(draft, Finality::Draft { pending: 52 });
        assert!(!draft.is_final());
        assert_eq!(draft.watermark().as_deref(), Some("草稿 — 52 条待评"));
        assert_eq!(
            draft.verdict("未达到基本标准"),
            "未达到基本标准 — 暂定（尚有 52 条待评）"
        );
        assert!(draft.question().is_some_and(|q| q.contains("52 条待评")));
        let graded = Finality::of(&open, 0);
        assert_eq!(graded, Finality::NotCompleted);
        assert!(
            graded
                .watermark()
                .is_some_and(|w| w.contains("未标记为已完成"))
        );
        assert!(graded.question().is_none(), "nothing pending: no question");
        for pending in [0, 3] {
            let f = Finality::of(&done, pending);
            assert!(f.is_final());
            assert_eq!(f.watermark(), None);
            assert_eq!(f.verdict("达到基本标准"), "达到基本标准");
            assert_eq!(f.draft_note(), None);
        }
    }
}
