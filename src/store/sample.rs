//! The sample inspection (示例): a made-up facility with a few grades, notes and one
//! 整改意见 filled in, so a newcomer sees the whole flow in a minute. It is marked as
//! a sample everywhere (lists, rosters drop it) and can be deleted like any other.
//! The TUI offers it on a first start; `pingshen sample` makes it headless.

use super::{Edit, Inspection, Institution, NewInspection, ReviewKind, Store, StoreError};
use crate::checklist::{Available, Catalog, Level};
use crate::scoring::Grade;

/// The checklist the sample prefers; any other available one will do.
const PREFERRED: &str = "community-2022";

/// (grade, note, 整改意见) for the first items of the checklist.
const PLAN: &[(Grade, &str, &str)] = &[
    (Grade::A, "示例：资料齐全，现场与资料一致。", ""),
    (Grade::NotApplicable, "示例：该机构依规不开展此项服务。", ""),
    (
        Grade::C,
        "示例：基本要求达到；B 档要求的记录只有近 3 个月。",
        "",
    ),
    (
        Grade::D,
        "示例：现场未见相关制度文件，访谈2名工作人员均不了解。",
        "示例：一个月内制定制度并组织全员培训，保留签到和考核记录。",
    ),
    (Grade::B, "", ""),
];

/// The sample's two made-up inspectors; the first is credited with its grades.
const INSPECTORS: [&str; 2] = ["示例专家甲", "示例专家乙"];

/// The made sample and how many items it grades.
#[derive(Debug, Clone)]
pub struct Sample {
    pub inspection: Inspection,
    pub graded: usize,
}

/// Which checklist the sample uses: the community one if it is there, else the first.
pub fn sample_checklist(catalog: &Catalog) -> Option<&Available> {
    catalog.get(PREFERRED).or_else(|| catalog.available.first())
}

impl Store {
    /// Creates the sample inspection dated `today`, with its grades saved, all
    /// recorded as made by `by` (whoever asked for the sample).
    pub fn create_sample(
        &self,
        found: &Available,
        today: &str,
        by: &str,
    ) -> Result<Sample, StoreError> {
        let kind = found.checklist.institution_type.clone();
        let new = NewInspection {
            institution: Institution {
                name: format!("示例{kind}"),
                region: "示例市示例区".to_string(),
                kind,
                head: "张示例".to_string(),
                phone: "010-00000000".to_string(),
            },
            review_kind: ReviewKind::District,
            date: today.to_string(),
            inspectors: INSPECTORS.map(String::from).to_vec(),
            sample: true,
            organiser: "示例区卫生健康委员会".to_string(),
        };
        let inspection = self.create(new, &found.checklist, &found.source, by)?;
        let mut edits: Vec<(&str, Vec<Edit>)> = Vec::new();
        for ((_, _, item), (grade, note, action)) in found.checklist.items().zip(PLAN) {
            // What the item allows: 不适用 only where it may be given, no grade above
            // the item's highest criterion (a pass/fail item gets C).
            let grade = match *grade {
                Grade::NotApplicable if !item.allow_na => Grade::B,
                g => g,
            };
            let grade = match grade {
                Grade::A if item.max_level() < Level::A => Grade::B,
                g => g,
            };
            let grade = match grade {
                Grade::B if item.max_level() < Level::B => Grade::C,
                g => g,
            };
            let mut changes = vec![Edit::Grade(Some(grade))];
            if !note.is_empty() {
                changes.push(Edit::Note(note.to_string()));
            }
            if !action.is_empty() {
                changes.push(Edit::CorrectiveAction(action.to_string()));
            }
            edits.push((&item.id, changes));
        }
        let items: Vec<(&str, &[Edit])> = edits.iter().map(|(i, e)| (*i, e.as_slice())).collect();
        self.update_many(&inspection.id, &items, by)?;
        Ok(Sample {
            graded: items.len(),
            inspection,
        })
    }
}
