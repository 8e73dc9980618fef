//! The statistics part of the district's annual report, computed from the facility
//! register and the inspections' overviews (the summaries kept with every change),
//! never from the assessments themselves.
//!
//! The rules, in one place:
//! - **A year's result.** A facility's result in a year is the verdict of its latest
//!   *completed* (已完成) review dated that year by the district or above (区级评审,
//!   市级复核, 省级抽查, 回头看); a 自评 is the facility's own and is not a result, and
//!   a 社区医院 evaluation (a checklist for [`COMMUNITY_HOSPITAL`]) counts for 附件2
//!   only, never as a service-capability result (nor in 回头看 or agreement). A
//!   review still in progress counts for nothing yet (and is counted apart).
//! - **Verdicts** are the pinned checklist's, best first; "达到基本标准" counts the
//!   facilities at that verdict or a better one ([`Target::counts_review`]).
//! - **回头看 register.** Facilities that reached a standard (any verdict but the
//!   checklist's fallback) in a completed review dated before `passed_before` (the
//!   look-back target's; without one, before the report's year), and which of them
//!   had a completed 回头看 review in the year.
//! - **Failing items.** Over the facilities' results: how many facilities had each
//!   item 不达标, of the facilities reviewed against that checklist; ranked by that
//!   count, then by the share, then in checklist order.
//! - **Chapter 达标率.** Over the results against one checklist: items at C or better
//!   of the applicable items, summed over facilities.
//! - **附件1.** The facilities whose result is their checklist's best verdict.
//! - **Agreement.** For each facility with a result: its latest completed 自评 of the
//!   year against its latest completed 区级评审 of the year, and that 区级评审 against
//!   a later completed 市级复核 of the year ([`pairs`]); over the items graded in
//!   both, the share given the same grade, and the items the first rated higher
//!   (A > B > C > 不达标; 不适用 only agrees with 不适用) ([`agreement`]). These read
//!   the two inspections' grades: the only assessments the year reads.
//!
//! - **附件2 (新建社区医院).** A facility is 已建成 in the year when its record says it
//!   became a 社区医院 (the name added to its licence) on a date of that year *and* it
//!   has a completed review, dated that year or before and not a 自评, against a
//!   checklist for 社区医院 ([`COMMUNITY_HOSPITAL`]) at that checklist's best verdict.
//!   A facility flagged in the year without such a review is listed apart, not
//!   counted. 由乡镇卫生院建成 / 由社区卫生服务中心建成 go by the facility's own type.
//!   Each facility falls under the plan (`[[community_hospitals]]` in targets.toml)
//!   whose 行政区 its 区县 contains, the longest such; 年度完成比例 is 已建成 over
//!   拟新建, and has none when nothing was planned.
//!
//! - **As of a day.** With `as_of` (附件2 is reported monthly, to the end of the last
//!   month), only reviews and 社区医院 namings dated on or before that day count;
//!   every rule above reads "the year" as the year up to that day.
//!
//! Inspections not under a registered facility are counted, not guessed at.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::checklist::Checklist;
use crate::store::{Facility, Overview, Progress, Register, Results, ReviewKind};
use crate::text::order::pinyin_key;

use super::targets::{Counts, HospitalPlan, Outcome, Target};
use super::{COMMUNITY_HOSPITAL, is_centre_kind, is_township_kind};

/// The year, the region, and what to count it against.
pub struct AnnualInput<'a> {
    pub year: i32,
    /// Only facilities whose 区县 contains this (spaces ignored).
    pub region: Option<&'a str>,
    pub register: &'a Register,
    /// Every inspection's overview.
    pub overviews: &'a [Overview],
    /// The pinned checklists by sha256 (every overview's).
    pub checklists: &'a HashMap<String, Arc<Checklist>>,
    /// Each inspection's 不达标 items and chapter counts, by id.
    pub results: &'a HashMap<String, Results>,
    /// The targets of every year (those of `year` are used).
    pub targets: &'a [Target],
    /// The 社区医院 plans of every year (those of `year` are used).
    pub plans: &'a [HospitalPlan],
    /// Count only what is dated on or before this day of the year (附件2 monthly:
    /// to the end of last month); `None`: the whole year.
    pub as_of: Option<crate::time::Date>,
}

impl AnnualInput<'_> {
    /// Whether `date` falls in the year counted (up to `as_of`).
    pub fn in_year(&self, date: &crate::time::Date) -> bool {
        chrono::Datelike::year(date) == self.year && self.up_to(date)
    }

    /// Whether `date` is in the year counted or before it.
    fn by_end(&self, date: &crate::time::Date) -> bool {
        chrono::Datelike::year(date) <= self.year && self.up_to(date)
    }

    fn up_to(&self, date: &crate::time::Date) -> bool {
        self.as_of.is_none_or(|a| *date <= a)
    }
}

/// 附件2, one 行政区's row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HospitalRow {
    pub region: String,
    /// 年度拟新建社区医院个数; `None`: no plan written for this 行政区.
    pub planned: Option<u32>,
    pub built: usize,
    pub from_township: usize,
    pub from_centre: usize,
}

impl HospitalRow {
    /// 年度完成比例, when something was planned.
    pub fn ratio(&self) -> Option<f64> {
        self.planned
            .filter(|p| *p > 0)
            .map(|p| self.built as f64 / f64::from(p))
    }
}

/// A 社区医院 built in the year.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltHospital {
    pub facility: Facility,
    /// Its 行政区: the plan's region, or its own 区县 when no plan covers it.
    pub region: String,
    /// The date its licence names it a 社区医院.
    pub since: crate::time::Date,
    /// The 社区医院 evaluation that counts.
    pub evaluated: crate::time::Date,
    pub verdict: String,
}

/// 附件2: 新建社区医院情况汇总及名单.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Hospitals {
    /// By 行政区 (planned ones in pinyin order, then those built without a plan).
    pub rows: Vec<HospitalRow>,
    /// 已建成名单, by 行政区 then pinyin.
    pub built: Vec<BuiltHospital>,
    /// Flagged 社区医院 in the year, without a completed 社区医院 evaluation at its
    /// best verdict: not counted.
    pub unevaluated: Vec<Facility>,
}

impl Hospitals {
    /// 合计 over the rows (planned summed over the rows that have a plan).
    pub fn total(&self) -> HospitalRow {
        let planned: Vec<u32> = self.rows.iter().filter_map(|r| r.planned).collect();
        HospitalRow {
            region: "合计".into(),
            planned: (!planned.is_empty()).then(|| planned.iter().sum()),
            built: self.rows.iter().map(|r| r.built).sum(),
            from_township: self.rows.iter().map(|r| r.from_township).sum(),
            from_centre: self.rows.iter().map(|r| r.from_centre).sum(),
        }
    }
}

/// One facility's result in the year.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub facility: Facility,
    /// The review that gave it.
    pub inspection: String,
    pub review_kind: ReviewKind,
    pub date: crate::time::Date,
    pub checklist: String,
    pub verdict: String,
    /// 0 = the checklist's best verdict; `None`: no rule held (the fallback).
    pub rank: Option<usize>,
}

/// Facilities of one type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KindRow {
    pub kind: String,
    pub registered: usize,
    /// With a result in the year.
    pub reviewed: usize,
    /// Facilities per verdict, in [`Annual::verdicts`] order.
    pub by_verdict: Vec<usize>,
}

/// An item 不达标 in the district.
#[derive(Debug, Clone, PartialEq)]
pub struct FailingItem {
    pub checklist: String,
    pub item: String,
    pub title: String,
    pub chapter: String,
    pub core: bool,
    /// Facilities whose result has it 不达标.
    pub facilities: usize,
    /// Facilities with a result against this checklist.
    pub of: usize,
}

/// One chapter's 达标率 over the facilities reviewed against its checklist.
#[derive(Debug, Clone, PartialEq)]
pub struct ChapterRate {
    pub checklist: String,
    pub chapter: String,
    pub title: String,
    pub facilities: usize,
    /// Items at C or better, summed over the facilities.
    pub passed: usize,
    /// Applicable items graded, summed (不适用 left out; pending counts as not reached).
    pub applicable: usize,
}

impl ChapterRate {
    pub fn rate(&self) -> Option<f64> {
        (self.applicable > 0).then(|| self.passed as f64 / self.applicable as f64)
    }
}

/// The 回头看 register.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LookBack {
    /// Reviews dated before this year count as the old standard.
    pub passed_before: i32,
    /// Facilities that passed before, with the verdict and date they passed with,
    /// and the 回头看 of the year when there was one (inspection id, date, verdict).
    pub rows: Vec<LookBackRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LookBackRow {
    pub facility: Facility,
    pub passed: String,
    pub passed_on: crate::time::Date,
    pub re_reviewed: Option<(crate::time::Date, String)>,
}

/// The statistics of the year.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Annual {
    pub year: i32,
    /// Counted up to this day (`AnnualInput::as_of`).
    pub as_of: Option<crate::time::Date>,
    pub region: Option<String>,
    /// Every verdict name, best first, as the checklists in use order them.
    pub verdicts: Vec<String>,
    pub kinds: Vec<KindRow>,
    /// Each facility with a result, by type, then pinyin.
    pub standings: Vec<Standing>,
    /// Registered facilities (in the region) without a result in the year.
    pub unreviewed: Vec<Facility>,
    pub targets: Vec<(Target, Outcome)>,
    pub look_back: LookBack,
    pub failing: Vec<FailingItem>,
    pub chapters: Vec<ChapterRate>,
    /// 附件1: the facilities at their checklist's best verdict, by pinyin.
    pub recommended: Vec<Standing>,
    /// Reviews of the year still in progress (not counted).
    pub in_progress: usize,
    /// Inspections of the year not under a registered facility (not counted).
    pub unlinked: usize,
    /// 自评 → 区级评审 and 区级评审 → 市级复核 (filled by [`with_agreement`]).
    pub agreements: Vec<Agreement>,
    /// 附件2.
    pub hospitals: Hospitals,
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect()
}

fn in_region(region: Option<&str>, facility_region: &str) -> bool {
    region.is_none_or(|r| squeeze(facility_region).contains(&squeeze(r)))
}

/// Which of two reviews is the later: by review date, then by the last change (what
/// "latest review" means everywhere in the year).
fn by_date(a: &Overview, b: &Overview) -> std::cmp::Ordering {
    a.inspection
        .date
        .cmp(&b.inspection.date)
        .then(a.inspection.updated_at.cmp(&b.inspection.updated_at))
}

fn official(kind: ReviewKind) -> bool {
    !matches!(kind, ReviewKind::SelfAssessment)
}

/// Whether `o` is a review of service capability: not a 社区医院 evaluation, which
/// counts for 附件2 only.
fn capability(checklists: &HashMap<String, Arc<Checklist>>, o: &Overview) -> bool {
    checklists
        .get(&o.inspection.checklist.sha256)
        .is_none_or(|c| !is_hospital_checklist(c))
}

fn is_hospital_checklist(c: &Checklist) -> bool {
    c.institution_type.trim() == COMMUNITY_HOSPITAL
}

/// Computes the year's statistics.
pub fn compute(input: &AnnualInput) -> Annual {
    let AnnualInput {
        year,
        region,
        register,
        overviews,
        checklists,
        targets,
        results,
        plans: _,
        as_of: _,
    } = *input;
    let year_of = |o: &Overview| chrono::Datelike::year(&o.inspection.date);
    let mut facilities: Vec<&Facility> = register
        .facilities()
        .filter(|f| in_region(region, &f.region))
        .collect();
    facilities.sort_by_cached_key(|f| (pinyin_key(&f.kind), pinyin_key(&f.name)));

    // Each facility's reviews, by its current id.
    let mut reviews: HashMap<&str, Vec<&Overview>> = HashMap::new();
    let mut out = Annual {
        year,
        as_of: input.as_of,
        region: region.map(str::to_string),
        ..Annual::default()
    };
    for o in overviews.iter().filter(|o| !o.inspection.sample) {
        let f = o
            .inspection
            .facility
            .as_deref()
            .and_then(|id| register.resolve(id));
        match f {
            Some(f) if in_region(region, &f.region) => {
                reviews.entry(f.id.as_str()).or_default().push(o);
                if input.in_year(&o.inspection.date) && o.inspection.status != Progress::Completed {
                    out.in_progress += 1;
                }
            }
            Some(_) => {}
            None if input.in_year(&o.inspection.date)
                && in_region(region, &o.inspection.institution.region) =>
            {
                out.unlinked += 1;
            }
            None => {}
        }
    }
    let verdicts_of = |o: &Overview| -> Vec<String> {
        checklists
            .get(&o.inspection.checklist.sha256)
            .map(|c| c.verdicts.iter().map(|v| v.name.clone()).collect())
            .unwrap_or_default()
    };
    // The verdict columns: every checklist's, best first, each once.
    // (Checklists in id order, so the columns do not move between runs; 社区医院
    // evaluations are no service-capability result.)
    let mut lists: Vec<&Arc<Checklist>> = checklists
        .values()
        .filter(|c| !is_hospital_checklist(c))
        .collect();
    lists.sort_by(|a, b| a.id.cmp(&b.id).then(a.version.cmp(&b.version)));
    for c in &lists {
        for v in &c.verdicts {
            if !out.verdicts.contains(&v.name) {
                out.verdicts.push(v.name.clone());
            }
        }
    }
    for c in &lists {
        if !out.verdicts.contains(&c.fallback_verdict) {
            out.verdicts.push(c.fallback_verdict.clone());
        }
    }

    let completed = |o: &&&Overview| o.inspection.status == Progress::Completed;
    let latest = |list: &[&Overview], pick: &dyn Fn(&Overview) -> bool| -> Option<Overview> {
        list.iter()
            .filter(completed)
            .filter(|o| pick(o))
            .max_by(|a, b| by_date(a, b))
            .map(|o| (*o).clone())
    };
    let mut kinds: Vec<KindRow> = Vec::new();
    for f in &facilities {
        let at = match kinds.iter().position(|k| k.kind == f.kind) {
            Some(i) => i,
            None => {
                kinds.push(KindRow {
                    kind: f.kind.clone(),
                    by_verdict: vec![0; out.verdicts.len()],
                    ..KindRow::default()
                });
                kinds.len() - 1
            }
        };
        let row = &mut kinds[at];
        row.registered += 1;
        let list = reviews.get(f.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        match latest(list, &|o| {
            input.in_year(&o.inspection.date)
                && official(o.inspection.review_kind)
                && capability(checklists, o)
        }) {
            Some(o) => {
                row.reviewed += 1;
                if let Some(i) = out.verdicts.iter().position(|v| *v == o.verdict) {
                    row.by_verdict[i] += 1;
                }
                out.standings.push(Standing {
                    facility: (*f).clone(),
                    inspection: o.inspection.id.clone(),
                    review_kind: o.inspection.review_kind,
                    date: o.inspection.date,
                    checklist: o.inspection.checklist.id.clone(),
                    verdict: o.verdict.clone(),
                    rank: o.winner,
                });
            }
            None => out.unreviewed.push((*f).clone()),
        }
    }
    out.kinds = kinds;

    // 回头看.
    let passed_before = targets
        .iter()
        .filter(|t| t.year == year)
        .find_map(|t| match t.counts {
            Counts::LookBack { passed_before } => Some(passed_before),
            _ => None,
        })
        .unwrap_or(year);
    out.look_back.passed_before = passed_before;
    for f in &facilities {
        let list = reviews.get(f.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        let passed = latest(list, &|o| {
            year_of(o) < passed_before
                && official(o.inspection.review_kind)
                && o.winner.is_some()
                && capability(checklists, o)
        });
        if let Some(p) = passed {
            let again = latest(list, &|o| {
                input.in_year(&o.inspection.date)
                    && o.inspection.review_kind == ReviewKind::LookBack
                    && capability(checklists, o)
            });
            out.look_back.rows.push(LookBackRow {
                facility: (*f).clone(),
                passed: p.verdict.clone(),
                passed_on: p.inspection.date,
                re_reviewed: again.map(|o| (o.inspection.date, o.verdict.clone())),
            });
        }
    }

    // Targets.
    let standing_of: HashMap<&str, &Standing> = out
        .standings
        .iter()
        .map(|s| (s.facility.id.as_str(), s))
        .collect();
    let by_id: HashMap<&str, &Overview> = overviews
        .iter()
        .map(|o| (o.inspection.id.as_str(), o))
        .collect();
    for t in targets.iter().filter(|t| t.year == year) {
        let covered: Vec<&&Facility> = facilities
            .iter()
            .filter(|f| {
                t.covers(
                    &f.kind,
                    Some(f.subtype.as_str()).filter(|s| !s.is_empty()),
                    &f.region,
                )
            })
            .collect();
        let (n, k) = match t.counts {
            Counts::LookBack { .. } => {
                let rows: Vec<&LookBackRow> = out
                    .look_back
                    .rows
                    .iter()
                    .filter(|r| covered.iter().any(|f| f.id == r.facility.id))
                    .collect();
                (
                    rows.len(),
                    rows.iter().filter(|r| r.re_reviewed.is_some()).count(),
                )
            }
            _ => {
                let k = covered
                    .iter()
                    .filter(|f| {
                        standing_of.get(f.id.as_str()).is_some_and(|s| {
                            by_id.get(s.inspection.as_str()).is_some_and(|o| {
                                t.counts_review(&s.checklist, &verdicts_of(o), &s.verdict)
                            })
                        })
                    })
                    .count();
                (covered.len(), k)
            }
        };
        let outcome = t.evaluate(
            u32::try_from(n).unwrap_or(u32::MAX),
            u32::try_from(k).unwrap_or(u32::MAX),
        );
        out.targets.push((t.clone(), outcome));
    }

    // Failing items and chapter rates, per checklist (by id; titles from the
    // newest pin seen).
    let mut reviewed_with: BTreeMap<String, usize> = BTreeMap::new();
    let mut failed: HashMap<(String, String), usize> = HashMap::new();
    let mut chapter_sums: HashMap<(String, String), (usize, usize, usize)> = HashMap::new();
    let mut pins: BTreeMap<String, Arc<Checklist>> = BTreeMap::new();
    for s in &out.standings {
        let Some(o) = by_id.get(s.inspection.as_str()) else {
            continue;
        };
        if let Some(c) = checklists.get(&o.inspection.checklist.sha256) {
            pins.entry(c.id.clone()).or_insert_with(|| Arc::clone(c));
        }
        *reviewed_with.entry(s.checklist.clone()).or_default() += 1;
        let Some(r) = results.get(&s.inspection) else {
            continue;
        };
        for item in &r.failed {
            *failed
                .entry((s.checklist.clone(), item.clone()))
                .or_default() += 1;
        }
        for ch in &r.chapters {
            let [a, b, c, d, _na, pending] = ch.counts;
            let e = chapter_sums
                .entry((s.checklist.clone(), ch.id.clone()))
                .or_default();
            e.0 += 1;
            e.1 += a + b + c;
            e.2 += a + b + c + d + pending;
        }
    }
    for (checklist_id, c) in &pins {
        let of = reviewed_with.get(checklist_id).copied().unwrap_or(0);
        for (ch, _, it) in c.items() {
            if let Some(n) = failed.get(&(checklist_id.clone(), it.id.clone())) {
                out.failing.push(FailingItem {
                    checklist: checklist_id.clone(),
                    item: it.id.clone(),
                    title: it.title.clone(),
                    chapter: ch.title.clone(),
                    core: it.core,
                    facilities: *n,
                    of,
                });
            }
        }
        for ch in &c.chapters {
            if let Some((n, passed, applicable)) =
                chapter_sums.get(&(checklist_id.clone(), ch.id.clone()))
            {
                out.chapters.push(ChapterRate {
                    checklist: checklist_id.clone(),
                    chapter: ch.id.clone(),
                    title: ch.title.clone(),
                    facilities: *n,
                    passed: *passed,
                    applicable: *applicable,
                });
            }
        }
    }
    // Most facilities first; then the larger share (a smaller checklist); then the
    // checklist order they were pushed in (a stable sort).
    out.failing.sort_by(|a, b| {
        b.facilities
            .cmp(&a.facilities)
            .then((b.facilities * a.of).cmp(&(a.facilities * b.of)))
    });

    out.recommended = out
        .standings
        .iter()
        .filter(|s| s.rank == Some(0))
        .cloned()
        .collect();
    out.recommended
        .sort_by_cached_key(|s| (pinyin_key(&s.facility.region), pinyin_key(&s.facility.name)));

    out.hospitals = hospitals(input, &facilities, &reviews);
    out
}

/// 附件2 ([`Annual`]'s rule).
fn hospitals(
    input: &AnnualInput,
    facilities: &[&Facility],
    reviews: &HashMap<&str, Vec<&Overview>>,
) -> Hospitals {
    let mut rows: Vec<HospitalRow> = input
        .plans
        .iter()
        .filter(|p| p.year == input.year)
        .filter(|p| {
            // A plan for the region asked for, or for a larger one that holds it.
            in_region(input.region, &p.region)
                || input.region.is_some_and(|r| in_region(Some(&p.region), r))
        })
        .map(|p| HospitalRow {
            region: p.region.clone(),
            planned: Some(p.planned),
            ..HospitalRow::default()
        })
        .collect();
    let mut out = Hospitals::default();
    for f in facilities {
        let Some(since) = f.community_hospital.filter(|d| input.in_year(d)) else {
            continue;
        };
        let list = reviews.get(f.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        let evaluation = list
            .iter()
            .filter(|o| {
                o.inspection.status == Progress::Completed
                    && official(o.inspection.review_kind)
                    && input.by_end(&o.inspection.date)
                    && o.winner == Some(0)
                    && input
                        .checklists
                        .get(&o.inspection.checklist.sha256)
                        .is_some_and(|c| is_hospital_checklist(c))
            })
            .max_by(|a, b| by_date(a, b));
        let Some(evaluation) = evaluation else {
            out.unevaluated.push((*f).clone());
            continue;
        };
        // The plan whose 行政区 the facility's 区县 holds, the longest such.
        let at = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.planned.is_some() && in_region(Some(&r.region), &f.region))
            .max_by_key(|(_, r)| squeeze(&r.region).len())
            .map(|(i, _)| i);
        let at = match at.or_else(|| {
            rows.iter()
                .position(|r| r.planned.is_none() && squeeze(&r.region) == squeeze(&f.region))
        }) {
            Some(i) => i,
            None => {
                rows.push(HospitalRow {
                    region: f.region.trim().to_string(),
                    ..HospitalRow::default()
                });
                rows.len() - 1
            }
        };
        let row = &mut rows[at];
        row.built += 1;
        if is_township_kind(&f.kind) {
            row.from_township += 1;
        } else if is_centre_kind(&f.kind) {
            row.from_centre += 1;
        }
        out.built.push(BuiltHospital {
            facility: (*f).clone(),
            region: row.region.clone(),
            since,
            evaluated: evaluation.inspection.date,
            verdict: evaluation.verdict.clone(),
        });
    }
    // Planned rows first (pinyin), then the rows without a plan (pinyin).
    rows.sort_by_cached_key(|r| (r.planned.is_none(), pinyin_key(&r.region)));
    let order: Vec<String> = rows.iter().map(|r| r.region.clone()).collect();
    out.built.sort_by_cached_key(|b| {
        (
            order.iter().position(|r| *r == b.region),
            pinyin_key(&b.facility.name),
        )
    });
    out.rows = rows;
    out
}

/// Two reviews of one facility to compare: `first` (自评, or 区级评审) against
/// `second` (区级评审, or 市级复核).
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub facility: Facility,
    pub first: String,
    pub second: String,
    pub first_kind: ReviewKind,
    pub second_kind: ReviewKind,
    /// The checklist of `second` (items are matched by id).
    pub checklist: String,
}

/// The pairs the year compares ([`Annual`]'s rule): 自评 → 区级评审, 区级评审 → 市级复核.
pub fn pairs(input: &AnnualInput) -> Vec<Pair> {
    let mut by_facility: BTreeMap<String, Vec<&Overview>> = BTreeMap::new();
    for o in input.overviews.iter().filter(|o| {
        !o.inspection.sample
            && o.inspection.status == Progress::Completed
            && input.in_year(&o.inspection.date)
            && capability(input.checklists, o)
    }) {
        if let Some(f) = o
            .inspection
            .facility
            .as_deref()
            .and_then(|id| input.register.resolve(id))
            .filter(|f| in_region(input.region, &f.region))
        {
            by_facility.entry(f.id.clone()).or_default().push(o);
        }
    }
    let mut out = Vec::new();
    for (id, list) in by_facility {
        let Some(facility) = input.register.resolve(&id) else {
            continue;
        };
        let latest = |kind: ReviewKind| {
            list.iter()
                .filter(|o| o.inspection.review_kind == kind)
                .max_by(|a, b| by_date(a, b))
                .copied()
        };
        let district = latest(ReviewKind::District);
        for (first, second) in [
            (latest(ReviewKind::SelfAssessment), district),
            (district, latest(ReviewKind::CityRecheck)),
        ] {
            if let (Some(a), Some(b)) = (first, second)
                && a.inspection.date <= b.inspection.date
            {
                out.push(Pair {
                    facility: facility.clone(),
                    first: a.inspection.id.clone(),
                    second: b.inspection.id.clone(),
                    first_kind: a.inspection.review_kind,
                    second_kind: b.inspection.review_kind,
                    checklist: b.inspection.checklist.id.clone(),
                });
            }
        }
    }
    out
}

/// One pair compared.
#[derive(Debug, Clone, PartialEq)]
pub struct PairAgreement {
    pub pair: Pair,
    /// Items graded in both.
    pub compared: usize,
    /// Of those, given the same grade.
    pub same: usize,
    /// Of those, rated higher by the first.
    pub higher: usize,
}

/// Agreement between two kinds of review across the district.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub first_kind: ReviewKind,
    pub second_kind: ReviewKind,
    /// Most over-rated first.
    pub pairs: Vec<PairAgreement>,
    /// (item id, how many facilities' first review rated it higher), most first, then
    /// by item id order as the checklist gives it.
    pub items: Vec<(String, usize)>,
}

impl Agreement {
    pub fn compared(&self) -> usize {
        self.pairs.iter().map(|p| p.compared).sum()
    }

    pub fn same(&self) -> usize {
        self.pairs.iter().map(|p| p.same).sum()
    }
}

/// The pairs compared item by item; `grades(id)` gives an inspection's grades by item
/// id (`None`: not read, the pair is left out). One [`Agreement`] per kind of pair
/// that occurs, 自评 → 区级评审 first.
pub fn agreement(
    pairs: &[Pair],
    grades: impl Fn(&str) -> Option<BTreeMap<String, crate::scoring::Grade>>,
    item_order: impl Fn(&str, &str) -> usize,
) -> Vec<Agreement> {
    use crate::scoring::rank;
    let mut out: Vec<Agreement> = Vec::new();
    for p in pairs {
        let (Some(a), Some(b)) = (grades(&p.first), grades(&p.second)) else {
            continue;
        };
        let at = match out
            .iter()
            .position(|g| g.first_kind == p.first_kind && g.second_kind == p.second_kind)
        {
            Some(i) => i,
            None => {
                out.push(Agreement {
                    first_kind: p.first_kind,
                    second_kind: p.second_kind,
                    pairs: Vec::new(),
                    items: Vec::new(),
                });
                out.len() - 1
            }
        };
        let group = &mut out[at];
        let mut one = PairAgreement {
            pair: p.clone(),
            compared: 0,
            same: 0,
            higher: 0,
        };
        for (item, ga) in &a {
            let Some(gb) = b.get(item) else {
                continue;
            };
            one.compared += 1;
            if ga == gb {
                one.same += 1;
            } else if let (Some(x), Some(y)) = (rank(Some(*ga)), rank(Some(*gb)))
                && x > y
            {
                one.higher += 1;
                match group.items.iter_mut().find(|(id, _)| id == item) {
                    Some((_, n)) => *n += 1,
                    None => group.items.push((item.clone(), 1)),
                }
            }
        }
        group.pairs.push(one);
    }
    for g in &mut out {
        g.pairs.sort_by(|x, y| {
            y.higher
                .cmp(&x.higher)
                .then(pinyin_key(&x.pair.facility.name).cmp(&pinyin_key(&y.pair.facility.name)))
        });
        let checklist = g
            .pairs
            .first()
            .map(|p| p.pair.checklist.clone())
            .unwrap_or_default();
        g.items.sort_by(|x, y| {
            y.1.cmp(&x.1)
                .then(item_order(&checklist, &x.0).cmp(&item_order(&checklist, &y.0)))
        });
    }
    out.sort_by_key(|g| g.first_kind != ReviewKind::SelfAssessment);
    out
}

/// [`compute`], with the [`agreement`] of the year's [`pairs`]: their grades read
/// from `store` (two sheets a pair).
pub fn with_agreement(store: &crate::store::Store, input: &AnnualInput) -> Annual {
    let mut annual = compute(input);
    let mut order: HashMap<(String, String), usize> = HashMap::new();
    for c in input.checklists.values() {
        for (n, (_, _, it)) in c.items().enumerate() {
            order.entry((c.id.clone(), it.id.clone())).or_insert(n);
        }
    }
    annual.agreements = agreement(
        &pairs(input),
        |id| {
            store.assessments(id).ok().map(|m| {
                m.into_iter()
                    .filter_map(|(item, a)| a.grade.map(|g| (item, g)))
                    .collect()
            })
        },
        |checklist, item| {
            order
                .get(&(checklist.to_string(), item.to_string()))
                .copied()
                .unwrap_or(usize::MAX)
        },
    );
    annual
}
