//! What a report prints, gathered from an inspection, its pinned checklist and its
//! assessments. No I/O: the caller loads the data (see [`ReportInput::load`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::checklist::{Checklist, Level};
use crate::scoring::{
    Comparison, Counts, Evaluation, Goal, Grade, Trend, compare, evaluate, next_goal, rollup,
};
use crate::store::{ActionItem, Assessment, Finality, Inspection, Store, StoreError};

use super::ReportError;
use super::photos::{EvidenceView, Thumbnail};
use super::seal::RecordSeal;

/// Everything a report is made from, owned, so it can be built on another thread.
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub inspection: Inspection,
    pub checklist: Arc<Checklist>,
    pub assessments: BTreeMap<String, Assessment>,
    /// The earlier review linked with `pingshen link ID --previous OLD`, if any.
    pub previous: Option<PreviousInput>,
    /// The seal of the inspection's journal: printed on the signature page and kept
    /// in the PDF's document information; `None` prints nothing.
    pub record: Option<RecordSeal>,
    /// What the report shows of each evidence file the assessments name, by sha256:
    /// photos decoded and down-scaled ([`super::photos::load`]); a file not in here
    /// is listed as 缺失.
    pub files: BTreeMap<String, EvidenceView>,
}

/// The earlier review an inspection is linked to.
#[derive(Debug, Clone)]
pub enum PreviousInput {
    /// Linked, but no inspection with this id is in the store (deleted, or never
    /// imported on this computer).
    Missing { id: String },
    Found {
        inspection: Box<Inspection>,
        checklist: Arc<Checklist>,
        assessments: BTreeMap<String, Assessment>,
    },
}

/// The seal of inspection `id`'s record as it is now: its digest, its entries, its
/// signers (the migration itself, which is nobody, left out).
fn record_of(store: &Store, id: &str) -> Result<RecordSeal, ReportError> {
    let (head, entries, signers) = store.seal(id)?;
    let signers = signers
        .into_iter()
        .filter(|(name, key)| key.is_some() || name != crate::store::MIGRATION_AUTHOR)
        .map(|(name, key)| super::Signer {
            name,
            fingerprint: key.map(|k| k.short_fingerprint()).unwrap_or_default(),
        })
        .collect();
    Ok(RecordSeal {
        head,
        entries,
        signers,
    })
}

impl ReportInput {
    /// Reads inspection `id` (a unique prefix will do) from the store, with the
    /// earlier review it is linked to, and decodes its photos.
    pub fn load(store: &Store, id: &str) -> Result<ReportInput, ReportError> {
        let mut input = ReportInput::read(store, id)?;
        input.decode_photos(store);
        Ok(input)
    }

    /// What [`ReportInput::load`] reads from the database, photos not yet decoded
    /// (then [`ReportInput::decode_photos`]). Cheap: the TUI reads this on its own
    /// thread, between two saves, so grades, journal and seal are of one moment, and
    /// decodes the photos on a worker.
    pub fn read(store: &Store, id: &str) -> Result<ReportInput, ReportError> {
        let id = store.resolve(id)?;
        let inspection = store.get(&id)?;
        let checklist = store.pinned(&inspection)?;
        let assessments = store.assessments(&id)?;
        let previous = match &inspection.previous {
            None => None,
            Some(prev) => Some(match store.get(prev) {
                Err(StoreError::UnknownInspection(_)) => {
                    PreviousInput::Missing { id: prev.clone() }
                }
                Err(e) => return Err(e.into()),
                Ok(old) => PreviousInput::Found {
                    checklist: store.pinned(&old)?,
                    assessments: store.assessments(&old.id)?,
                    inspection: Box::new(old),
                },
            }),
        };
        Ok(ReportInput {
            inspection,
            checklist,
            assessments,
            previous,
            record: Some(record_of(store, &id)?),
            files: BTreeMap::new(),
        })
    }

    /// Reads and decodes the evidence files of the input's items from `store`'s
    /// content store (files named by hash, never changed once written).
    pub fn decode_photos(&mut self, store: &Store) {
        self.files =
            super::photos::load(store, self.assessments.values().flat_map(|a| &a.evidence));
    }
}

/// One chapter's counts for the statistics table and the chart.
#[derive(Debug, Clone)]
pub struct ChapterStats {
    pub id: String,
    pub title: String,
    pub counts: Counts,
}

impl ChapterStats {
    /// 达标率: share of applicable items at C or better, `None` when none applies.
    pub fn pass_rate(&self) -> Option<f64> {
        self.counts.share_at_least(Level::C)
    }
}

/// An item graded 不达标, with what was not met and what to do.
#[derive(Debug, Clone)]
pub struct FailingItem {
    pub id: String,
    pub title: String,
    pub core: bool,
    /// The C criterion: the basic requirement not met.
    pub criterion: String,
    pub note: String,
    pub corrective_action: String,
    /// The numbers of its photos in the 佐证材料 appendix (图 3、图 4).
    pub figures: Vec<usize>,
}

/// One line of the full item table.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub id: String,
    pub title: String,
    pub core: bool,
    /// 基本 / 推荐.
    pub tier: String,
    /// A, B, C, 不达标, 不适用 or 待评.
    pub grade: String,
    pub failed: bool,
    pub note: String,
    /// 整改意见.
    pub action: String,
}

/// The items of one chapter, in checklist order.
#[derive(Debug, Clone)]
pub struct ItemGroup {
    pub title: String,
    pub rows: Vec<ItemRow>,
}

/// The 上次评审对比 section: the earlier review and what changed since.
#[derive(Debug, Clone)]
pub enum PreviousReview {
    /// The linked review is not in the store; the report says so.
    Missing {
        id: String,
    },
    Compared(Box<PreviousComparison>),
}

#[derive(Debug, Clone)]
pub struct PreviousComparison {
    pub id: String,
    pub date: crate::time::Date,
    /// 评审类型.
    pub kind: String,
    pub checklist_version: String,
    /// Verdicts, chapter 达标率 and the item-by-item comparison.
    pub comparison: Comparison,
    /// 达标率 over all items, then and now.
    pub old_share: Option<f64>,
    pub new_share: Option<f64>,
    /// The earlier review's open 整改意见 and what this one found of each.
    pub actions: Vec<crate::store::PreviousAction>,
}

impl PreviousComparison {
    /// The items whose grade changed (or that cannot be compared), in checklist order.
    pub fn changed(&self) -> impl Iterator<Item = &crate::scoring::ItemChange> {
        self.comparison
            .items
            .iter()
            .filter(|i| i.change != Trend::Same)
    }
}

/// One evidence file of one item, in the 佐证材料 appendix.
#[derive(Debug, Clone)]
pub struct EvidenceRow {
    pub item_id: String,
    /// The item's title (empty for an item no longer in the checklist).
    pub item_title: String,
    /// The file's name, never a folder.
    pub path: String,
    pub sha256: String,
    /// Its size as recorded (0 when an older pingshen recorded none).
    pub size: u64,
    /// When the photo was taken, from its EXIF data.
    pub taken: Option<crate::time::Stamp>,
    /// Its number (图 n) when it is shown as a photo.
    pub figure: Option<usize>,
    pub view: EvidenceView,
}

impl EvidenceRow {
    /// The thumbnail, when this row is a figure.
    pub fn photo(&self) -> Option<&Thumbnail> {
        match &self.view {
            EvidenceView::Photo(t) => Some(t),
            _ => None,
        }
    }
}

/// The report, ready to lay out.
#[derive(Debug, Clone)]
pub struct Document {
    pub inspection: Inspection,
    pub checklist_title: String,
    pub checklist_version: String,
    /// The checklist's `source`: where its text comes from.
    pub checklist_source: String,
    /// "服务能力现场评审报告".
    pub report_title: String,
    pub generated_at: String,
    pub evaluation: Evaluation,
    /// What keeps the facility from the next better verdict; `None` at the best.
    pub goal: Option<Goal>,
    pub chapters: Vec<ChapterStats>,
    pub total: Counts,
    pub failing: Vec<FailingItem>,
    /// 整改清单: every item with an 整改意见, whatever its grade.
    pub actions: Vec<ActionItem>,
    pub items: Vec<ItemGroup>,
    /// Graded items no longer in the pinned checklist (after a repin).
    pub orphans: Vec<ItemRow>,
    pub evidence: Vec<EvidenceRow>,
    /// `None` when the inspection is not linked to an earlier review.
    pub previous: Option<PreviousReview>,
    /// The record the report was made from; checked ([`RecordSeal::check`]).
    pub record: Option<RecordSeal>,
    /// Whether the report is final (the inspection is 已完成), or a draft.
    pub finality: Finality,
}

/// The row of evidence `e` of item `item_id`, shown as `files` says.
fn evidence_row(
    item_id: &str,
    item_title: &str,
    e: &crate::store::Evidence,
    files: &BTreeMap<String, EvidenceView>,
) -> EvidenceRow {
    EvidenceRow {
        item_id: item_id.to_string(),
        item_title: item_title.to_string(),
        // The name only: a path an older pingshen recorded is the laptop's, not the
        // record's.
        path: e.name().to_string(),
        sha256: e.sha256.clone(),
        size: e.size,
        taken: e.taken,
        figure: None,
        view: files
            .get(&e.sha256)
            .cloned()
            .unwrap_or(EvidenceView::Missing),
    }
}

pub const REPORT_TITLE: &str = "服务能力现场评审报告";

/// The 条款明细 cell of an item's 整改意见: the text, then its plan on a line of its
/// own (empty when there is no 整改意见).
fn action_cell(a: &Assessment) -> String {
    if !crate::store::has_action(a) {
        return String::new();
    }
    format!("{}\n〔{}〕", a.corrective_action, a.plan.short())
}

fn grade_text(g: Option<Grade>) -> String {
    g.map_or("待评".to_string(), |g| g.label().to_string())
}

impl Document {
    /// Builds the report. Refuses an inspection with nothing graded: its report would
    /// say nothing; and a record seal that could not be read back as given.
    pub fn build(input: &ReportInput, generated_at: &str) -> Result<Document, ReportError> {
        let ReportInput {
            inspection,
            checklist,
            assessments,
            previous,
            record,
            files,
        } = input;
        let grade_of = |id: &str| assessments.get(id).and_then(|a| a.grade);
        let roll = rollup(checklist, grade_of);
        if roll.total.graded() == 0 {
            return Err(ReportError::NothingGraded {
                id: inspection.id.clone(),
                name: inspection.institution.name.clone(),
            });
        }
        if let Some(seal) = record {
            seal.check().map_err(|detail| ReportError::Seal {
                id: inspection.id.clone(),
                detail,
            })?;
        }
        let evaluation = evaluate(checklist, grade_of);
        let goal = next_goal(checklist, &evaluation, grade_of);
        let chapters = roll
            .chapters
            .iter()
            .map(|c| ChapterStats {
                id: c.id.clone(),
                title: c.title.clone(),
                counts: c.counts,
            })
            .collect();

        let mut failing = Vec::new();
        let mut items: Vec<ItemGroup> = Vec::new();
        let mut evidence = Vec::new();
        let mut figures = 0;
        for chapter in &checklist.chapters {
            let mut rows = Vec::new();
            for item in chapter.sections.iter().flat_map(|s| &s.items) {
                let a = assessments.get(&item.id);
                let grade = a.and_then(|a| a.grade);
                // Its photos, numbered 图 1, 图 2, … in checklist order.
                let mut own = Vec::new();
                for e in a.map_or(&[][..], |a| &a.evidence) {
                    let mut row = evidence_row(&item.id, &item.title, e, files);
                    if row.photo().is_some() {
                        figures += 1;
                        row.figure = Some(figures);
                        own.push(figures);
                    }
                    evidence.push(row);
                }
                if grade == Some(Grade::D) {
                    failing.push(FailingItem {
                        id: item.id.clone(),
                        title: item.title.clone(),
                        core: item.core,
                        criterion: item.criteria.c.clone(),
                        note: a.map(|a| a.note.clone()).unwrap_or_default(),
                        corrective_action: a
                            .map(|a| a.corrective_action.clone())
                            .unwrap_or_default(),
                        figures: own,
                    });
                }
                rows.push(ItemRow {
                    id: item.id.clone(),
                    title: item.title.clone(),
                    core: item.core,
                    tier: match item.tier {
                        crate::checklist::Tier::Basic => "基本".into(),
                        crate::checklist::Tier::Recommended => "推荐".into(),
                    },
                    grade: grade_text(grade),
                    failed: grade == Some(Grade::D),
                    note: a.map(|a| a.note.clone()).unwrap_or_default(),
                    action: a.map(action_cell).unwrap_or_default(),
                });
            }
            items.push(ItemGroup {
                title: format!("第{}章 {}", chapter.id, chapter.title),
                rows,
            });
        }
        let orphans = assessments
            .values()
            .filter(|a| checklist.find_item(&a.item_id).is_none())
            .map(|a| ItemRow {
                id: a.item_id.clone(),
                title: "（已不在当前清单中）".into(),
                core: false,
                tier: String::new(),
                grade: grade_text(a.grade),
                failed: a.grade == Some(Grade::D),
                note: a.note.clone(),
                action: action_cell(a),
            })
            .collect();

        let previous = previous.as_ref().map(|p| match p {
            PreviousInput::Missing { id } => PreviousReview::Missing { id: id.clone() },
            PreviousInput::Found {
                inspection: old,
                checklist: old_checklist,
                assessments: old_assessments,
            } => {
                let old_grade = |id: &str| old_assessments.get(id).and_then(|a| a.grade);
                let comparison = compare(old_checklist, old_grade, checklist, grade_of);
                PreviousReview::Compared(Box::new(PreviousComparison {
                    actions: crate::store::previous_actions(
                        old_checklist,
                        old_assessments,
                        checklist,
                        assessments,
                    ),
                    id: old.id.clone(),
                    date: old.date,
                    kind: old.review_kind.label().to_string(),
                    checklist_version: old_checklist.version.clone(),
                    comparison,
                    old_share: rollup(old_checklist, old_grade)
                        .total
                        .share_at_least(Level::C),
                    new_share: roll.total.share_at_least(Level::C),
                }))
            }
        });

        Ok(Document {
            inspection: inspection.clone(),
            checklist_title: checklist.title.clone(),
            checklist_version: checklist.version.clone(),
            checklist_source: checklist.source.clone(),
            report_title: REPORT_TITLE.to_string(),
            generated_at: generated_at.to_string(),
            evaluation,
            goal,
            chapters,
            total: roll.total,
            failing,
            actions: crate::store::corrective_actions(checklist, assessments),
            items,
            orphans,
            evidence,
            previous,
            record: record.clone(),
            finality: Finality::of(inspection, roll.total.pending),
        })
    }
}
