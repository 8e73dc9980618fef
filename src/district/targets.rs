//! `targets.toml`: what a district is measured against, written by hand in the config
//! dir (docs/targets.md explains every key with the seeds' targets).
//!
//! ```toml
//! [[target]]
//! name = "达到推荐标准的比例"
//! year = 2022
//! kinds = ["社区卫生服务中心", "乡镇卫生院"]
//! counts = "达到推荐标准"      # a verdict (this or better), a checklist id, or "回头看"
//! share = "35%"               # or 0.35; or `at_least = 6` facilities
//! region = "北京市"             # optional
//! ```
//!
//! The file is checked at one gate, [`Targets::load`]: every problem with
//! file:line:col, and a file with any problem is not used. Shares are kept in
//! ten-thousandths ([`Share`]) and every count is integer arithmetic, so 35% of 20
//! facilities is 7, never 8 ([`Target::evaluate`]).

use std::fmt;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::checklist::{
    Checklist, Ctx, Diagnostic, Fields, Span, UserFile, load_user_file, parse_toml, quoted,
};

use super::{TOWNSHIP_SUBTYPES, YEARS, is_township_kind};

/// The file's name in the config dir.
pub const TARGETS_FILE: &str = "targets.toml";
/// Largest targets file read, in bytes: a real one is a page.
pub const TARGETS_FILE_MAX: usize = 1024 * 1024;
/// The documented example (`assets/targets.example.toml`): the seeds' targets.
pub const EXAMPLE: &str = include_str!("../../assets/targets.example.toml");
/// Most targets in one file.
pub const TARGETS_MAX: usize = 500;
/// `counts = "回头看"`: the share of facilities that passed before a year which have
/// been re-reviewed (回头看) in the target's year.
pub const LOOK_BACK: &str = "回头看";
/// Longest name, region, facility type, in characters.
const NAME_MAX_CHARS: usize = 60;
/// Longest `source`, in characters.
const SOURCE_MAX_CHARS: usize = 200;
/// Largest `at_least`.
const AT_LEAST_MAX: i64 = 100_000;

const TOP_KEYS: &[&str] = &["target", "community_hospitals"];
const PLAN_KEYS: &[&str] = &["year", "region", "planned", "source"];
/// Largest `planned`.
const PLANNED_MAX: i64 = 10_000;
const TARGET_KEYS: &[&str] = &[
    "name",
    "year",
    "kinds",
    "subtype",
    "counts",
    "share",
    "at_least",
    "passed_before",
    "region",
    "source",
];

// ── Shares ───────────────────────────────────────────────────────────────────────

/// A share of facilities, in ten-thousandths (万分之一): 8500 is 85%, 10000 all.
/// Written `0.85`, `"85%"` or `"85.5%"`; finer than 0.01% is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Share(u32);

/// Why a share does not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareError {
    NotANumber,
    Negative,
    MoreThanAll,
    TooPrecise,
}

impl Share {
    /// Every facility (100%).
    pub const ALL: Share = Share(10_000);

    /// `n` ten-thousandths, when at most [`Share::ALL`].
    pub fn from_ten_thousandths(n: u32) -> Option<Share> {
        (n <= 10_000).then_some(Share(n))
    }

    pub fn ten_thousandths(self) -> u32 {
        self.0
    }

    /// A share as written: a fraction (`0.85`, `1`) or a percentage (`85%`, `85.5 %`,
    /// the full-width `85％`).
    pub fn parse(text: &str) -> Result<Share, ShareError> {
        let text = text.trim();
        let (number, percent) = match text.strip_suffix('%').or_else(|| text.strip_suffix('％')) {
            Some(n) => (n.trim_end(), true),
            None => (text, false),
        };
        if let Some(rest) = number.strip_prefix('-') {
            return Err(match decimal(rest, 0) {
                Err(Decimal::NotANumber) => ShareError::NotANumber,
                _ => ShareError::Negative,
            });
        }
        let number = number.strip_prefix('+').unwrap_or(number);
        // A fraction to four places, a percentage to two: both ten-thousandths.
        let places = if percent { 2 } else { 4 };
        let n = decimal(number, places).map_err(|e| match e {
            Decimal::NotANumber => ShareError::NotANumber,
            Decimal::TooPrecise => ShareError::TooPrecise,
        })?;
        u32::try_from(n)
            .ok()
            .and_then(Share::from_ten_thousandths)
            .ok_or(ShareError::MoreThanAll)
    }

    /// How many decimals the percentage needs: 0 for 35%, 1 for 85.5%, 2 for 85.55%.
    fn percent_decimals(self) -> u32 {
        match self.0 % 100 {
            0 => 0,
            r if r % 10 == 0 => 1,
            _ => 2,
        }
    }
}

/// "35%", "85.5%", "0.01%".
impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 100;
        match self.percent_decimals() {
            0 => write!(f, "{whole}%"),
            1 => write!(f, "{whole}.{}%", (self.0 % 100) / 10),
            _ => write!(f, "{whole}.{:02}%", self.0 % 100),
        }
    }
}

enum Decimal {
    NotANumber,
    TooPrecise,
}

/// `text`, unsigned decimal digits with at most one `.`, times 10^`places` (at most
/// 4); refused when it is no such number, is absurdly long, or has more than `places`
/// decimals (trailing zeros aside).
fn decimal(text: &str, places: usize) -> Result<u64, Decimal> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) || int.len() > 12 {
        return Err(Decimal::NotANumber);
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > places {
        return Err(Decimal::TooPrecise);
    }
    let mut n: u64 = 0;
    let all = int
        .bytes()
        .chain((0..places).map(|i| frac.as_bytes().get(i).copied().unwrap_or(b'0')));
    for b in all {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(b - b'0')))
            .ok_or(Decimal::NotANumber)?;
    }
    Ok(n)
}

// ── Targets ──────────────────────────────────────────────────────────────────────

/// What a target counts among the facilities it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counts {
    /// Facilities whose review reached this verdict or a better one (verdicts are
    /// ordered best first in each checklist's rules). `or_better` is whether some
    /// checklist has a better one, for the wording ("达到基本标准及以上").
    Verdict { name: String, or_better: bool },
    /// Facilities reviewed against this checklist that reached one of its verdicts
    /// (its standard). `lowest` is its lowest verdict, `or_better` whether it has
    /// more than one: the wording.
    Checklist {
        id: String,
        lowest: String,
        or_better: bool,
    },
    /// 回头看: of the facilities that reached a standard in a review dated before
    /// `passed_before`, those re-reviewed (a 回头看 review) in the target's year.
    LookBack { passed_before: i32 },
}

/// How much of the covered facilities a target requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    /// At least this share (`share`).
    Share(Share),
    /// At least this many facilities (`at_least`), as Baodi's "6家街镇卫生院达到推荐标准".
    AtLeast(u32),
}

/// One `[[target]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    /// The year it is measured in (the annual report's year).
    pub year: i32,
    /// The facility types it covers, as facilities are typed (社区卫生服务中心…).
    pub kinds: Vec<String>,
    /// Only 卫生院 of this sub-type ([`TOWNSHIP_SUBTYPES`]).
    pub subtype: Option<String>,
    pub counts: Counts,
    pub required: Required,
    /// Only facilities in this region ([`Target::covers`]); `None`: every region.
    pub region: Option<String>,
    /// Where the target comes from (a document), as written.
    pub source: Option<String>,
    /// 1-based line of its `[[target]]` header.
    pub line: usize,
}

/// The whole file, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets {
    pub targets: Vec<Target>,
    /// 附件2's 年度拟新建社区医院个数, by year and 行政区.
    pub plans: Vec<HospitalPlan>,
}

/// One `[[community_hospitals]]`: how many new 社区医院 a 行政区 plans to build in a
/// year (附件2's 年度拟新建社区医院个数).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HospitalPlan {
    pub year: i32,
    /// The 行政区, as the facilities' 区县 contains it.
    pub region: String,
    pub planned: u32,
    pub source: Option<String>,
    /// 1-based line of its `[[community_hospitals]]` header.
    pub line: usize,
}

/// What a target may name, from the checklists in use: the verdict names (best
/// first in each checklist) and checklist ids a `counts` may be.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub checklists: Vec<KnownChecklist>,
}

#[derive(Debug, Clone)]
pub struct KnownChecklist {
    pub id: String,
    pub institution_type: String,
    /// Best first.
    pub verdicts: Vec<String>,
    /// The verdict when none of the rules holds (未达到基本标准).
    pub fallback: String,
}

impl Known {
    pub fn from_checklists<'a>(checklists: impl IntoIterator<Item = &'a Checklist>) -> Known {
        Known {
            checklists: checklists
                .into_iter()
                .map(|c| KnownChecklist {
                    id: c.id.clone(),
                    institution_type: c.institution_type.clone(),
                    verdicts: c.verdicts.iter().map(|v| v.name.clone()).collect(),
                    fallback: c.fallback_verdict.clone(),
                })
                .collect(),
        }
    }

    /// Every verdict name, each once, in the order the checklists give them.
    pub fn verdict_names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for v in self.checklists.iter().flat_map(|c| &c.verdicts) {
            if !out.contains(&v.as_str()) {
                out.push(v);
            }
        }
        out
    }
}

/// A target measured: how many facilities it covers and counts, how many it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Facilities the target covers (N).
    pub covered: u32,
    /// Of those, the facilities counted (k); never more than `covered`.
    pub counted: u32,
    /// The fewest counted facilities that meet the target: ⌈share × N⌉, or `at_least`.
    pub needed: u32,
    pub status: Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Met,
    /// Not met: this many more facilities are needed.
    Short(u32),
    /// A share of no facility: nothing to measure.
    NoFacilities,
}

impl Target {
    /// The target measured on `covered` facilities of which `counted` are counted (a
    /// count above `covered` is taken as `covered`). Integer arithmetic: 35% of 20 is
    /// exactly 7.
    pub fn evaluate(&self, covered: u32, counted: u32) -> Outcome {
        let counted = counted.min(covered);
        let needed = match self.required {
            Required::Share(share) => {
                let product = u64::from(share.ten_thousandths()) * u64::from(covered);
                // ⌈product / 10000⌉, never more than `covered` (share ≤ 100%).
                u32::try_from(product.div_ceil(10_000)).unwrap_or(covered)
            }
            Required::AtLeast(n) => n,
        };
        let status = if covered == 0 && matches!(self.required, Required::Share(_)) {
            Status::NoFacilities
        } else if counted >= needed {
            Status::Met
        } else {
            Status::Short(needed - counted)
        };
        Outcome {
            covered,
            counted,
            needed,
            status,
        }
    }

    /// Whether a facility of type `kind` (and 卫生院 sub-type `subtype`) in `region`
    /// is covered. A region matches when the facility's, spaces removed, contains the
    /// target's: `region = "邵阳市"` covers 湖南省邵阳市双清区.
    pub fn covers(&self, kind: &str, subtype: Option<&str>, region: &str) -> bool {
        let kind = kind.trim();
        self.kinds.iter().any(|k| k == kind)
            && self
                .subtype
                .as_deref()
                .is_none_or(|s| subtype.map(str::trim) == Some(s))
            && self.region.as_deref().is_none_or(|r| {
                let squeeze = |s: &str| s.split_whitespace().collect::<String>();
                squeeze(region).contains(&squeeze(r))
            })
    }

    /// Whether a review against checklist `checklist_id`, whose verdicts are
    /// `verdicts` (best first), that came to `reached` is counted. Always false for
    /// [`Counts::LookBack`], which counts re-reviews, not verdicts.
    pub fn counts_review(&self, checklist_id: &str, verdicts: &[String], reached: &str) -> bool {
        let position = |name: &str| verdicts.iter().position(|v| v == name);
        match &self.counts {
            Counts::Verdict { name, .. } => {
                matches!((position(reached), position(name)), (Some(r), Some(n)) if r <= n)
            }
            Counts::Checklist { id, .. } => id == checklist_id && position(reached).is_some(),
            Counts::LookBack { .. } => false,
        }
    }

    /// The facilities covered, in words: "社区卫生服务中心、乡镇卫生院", "乡镇卫生院（中心卫生院）".
    pub fn kinds_said(&self) -> String {
        let kinds = self.kinds.join("、");
        match &self.subtype {
            Some(s) => format!("{kinds}（{s}）"),
            None => kinds,
        }
    }

    /// What is counted, as the start of a sentence about the facilities:
    /// "达到推荐标准的社区卫生服务中心", "2022年以前达标的乡镇卫生院中，2022年已回头看的".
    pub fn subject(&self) -> String {
        let kinds = self.kinds_said();
        match &self.counts {
            Counts::Verdict { name, or_better } => {
                format!("{name}{}的{kinds}", if *or_better { "及以上" } else { "" })
            }
            Counts::Checklist {
                lowest, or_better, ..
            } => format!(
                "{lowest}{}的{kinds}",
                if *or_better { "及以上" } else { "" }
            ),
            Counts::LookBack { passed_before } => format!(
                "{passed_before}年以前达标的{kinds}中，{}年已回头看的",
                self.year
            ),
        }
    }

    /// What is required: "≥ 35%", "全部（100%）", "≥ 6 家".
    pub fn required_said(&self) -> String {
        match self.required {
            Required::Share(Share::ALL) => "全部（100%）".to_string(),
            Required::Share(s) => format!("≥ {s}"),
            Required::AtLeast(n) => format!("≥ {n} 家"),
        }
    }

    /// The target in words, as `pingshen targets check` lists it (under its year):
    /// "达到推荐标准的社区卫生服务中心：目标 ≥ 46%；只计北京市的机构".
    pub fn said(&self) -> String {
        let mut out = format!("{}：目标 {}", self.subject(), self.required_said());
        if let Counts::Checklist { id, .. } = &self.counts {
            out.push_str(&format!("（按清单 {id} 评审）"));
        }
        if let Some(r) = &self.region {
            out.push_str(&format!("；只计所在区县含「{r}」的机构"));
        }
        out
    }

    /// The measured share shown with as many decimals as the target's (at least
    /// one), rounded down: it reads as reaching the target exactly when it does.
    /// `None` when nothing is covered.
    pub fn measured_said(&self, outcome: &Outcome) -> Option<String> {
        if outcome.covered == 0 {
            return None;
        }
        let decimals = match self.required {
            Required::Share(s) => s.percent_decimals().max(1),
            Required::AtLeast(_) => 1,
        };
        let scale = 10u64.pow(decimals);
        let value = u64::from(outcome.counted) * 100 * scale / u64::from(outcome.covered);
        Some(format!(
            "{}.{:0width$}%",
            value / scale,
            value % scale,
            width = decimals as usize
        ))
    }

    /// One sentence: "达到推荐标准的社区卫生服务中心 7/20 家（35.0%），目标 ≥ 35%，已达到".
    pub fn sentence(&self, outcome: &Outcome) -> String {
        let counted = format!(
            "{} {}/{} 家",
            self.subject(),
            outcome.counted,
            outcome.covered
        );
        let Some(measured) = self.measured_said(outcome) else {
            return match outcome.status {
                Status::Short(n) => format!(
                    "{counted}，目标 {}，还差 {n} 家（没有这类机构）",
                    self.required_said()
                ),
                _ => format!("{counted}，没有这类机构，无从计算"),
            };
        };
        let status = match outcome.status {
            Status::Met => "已达到".to_string(),
            Status::Short(n) if outcome.needed > outcome.covered => format!(
                "还差 {n} 家（这类机构只有 {} 家，目标无法达到）",
                outcome.covered
            ),
            Status::Short(n) => format!("还差 {n} 家"),
            Status::NoFacilities => "无从计算".to_string(),
        };
        format!(
            "{counted}（{measured}），目标 {}，{status}",
            self.required_said()
        )
    }
}

impl Targets {
    /// `targets.toml` in `config_dir` through the gate. No config dir or no file is
    /// [`UserFile::Absent`].
    pub fn load(config_dir: Option<&Path>, known: &Known) -> UserFile<Targets> {
        match config_dir {
            Some(dir) => Targets::load_file(&dir.join(TARGETS_FILE), known),
            None => UserFile::Absent,
        }
    }

    /// A targets file at `path` through the gate.
    pub fn load_file(path: &Path, known: &Known) -> UserFile<Targets> {
        load_user_file(path, "目标文件", TARGETS_FILE_MAX, |text, file| {
            Targets::parse(text, file, known)
        })
    }

    /// Checks `text`, a targets file named `file` in messages, against the verdicts
    /// and checklists `known`: the targets, or every problem in the file.
    pub fn parse(text: &str, file: &str, known: &Known) -> Result<Targets, Vec<Diagnostic>> {
        let mut ctx = Ctx::new(text, file);
        let Some(doc) = parse_toml(&mut ctx, text) else {
            return Err(ctx.into_diagnostics());
        };
        let top = Fields::new(&mut ctx, &doc, 0..0, "目标文件".into(), TOP_KEYS);
        let tables = top.tables(&mut ctx, "target", false, "[[target]]");
        if let Some((_, span)) = tables.get(TARGETS_MAX) {
            ctx.error(
                span.clone(),
                format!(
                    "目标文件里有 {} 个目标，最多 {TARGETS_MAX} 个",
                    tables.len()
                ),
                "删去用不到的目标（从这一个起是多出来的）；往年的目标可以另存一个文件。",
            );
        }
        let mut targets: Vec<(Target, Span)> = Vec::new();
        for (i, (table, header)) in tables.into_iter().enumerate() {
            let Some((target, name_span)) = read_target(&mut ctx, known, table, header, i + 1)
            else {
                continue;
            };
            if let Some((first, _)) = targets
                .iter()
                .find(|(t, _)| t.name == target.name && t.year == target.year)
            {
                ctx.error(
                    name_span.clone(),
                    format!(
                        "{}年的目标「{}」写了两次，第 {} 行已经有一个",
                        target.year,
                        quoted(&target.name),
                        first.line
                    ),
                    "同一年的目标名称不能相同（统计表里按名称列出）：改一个名称，或删去重复的一个。",
                );
            }
            targets.push((target, name_span));
        }
        let mut plans: Vec<HospitalPlan> = Vec::new();
        let tables = top.tables(
            &mut ctx,
            "community_hospitals",
            false,
            "[[community_hospitals]]",
        );
        for (i, (table, header)) in tables.into_iter().enumerate() {
            if i == TARGETS_MAX {
                ctx.error(
                    header.clone(),
                    format!("目标文件里的 [[community_hospitals]] 超过 {TARGETS_MAX} 个"),
                    "删去用不到的计划（从这一个起是多出来的）；往年的计划可以另存一个文件。",
                );
                break;
            }
            let Some((plan, span)) = read_plan(&mut ctx, table, header, i + 1) else {
                continue;
            };
            let squeeze = |s: &str| s.split_whitespace().collect::<String>();
            if let Some(first) = plans
                .iter()
                .find(|p| p.year == plan.year && squeeze(&p.region) == squeeze(&plan.region))
            {
                ctx.error(
                    span,
                    format!(
                        "{}年「{}」的新建社区医院计划写了两次，第 {} 行已经有一个",
                        plan.year,
                        quoted(&plan.region),
                        first.line
                    ),
                    "每个行政区每年只写一个计划：把两个数合起来，删去另一个。",
                );
            }
            plans.push(plan);
        }
        if ctx.has_errors() {
            return Err(ctx.into_diagnostics());
        }
        Ok(Targets {
            targets: targets.into_iter().map(|(t, _)| t).collect(),
            plans,
        })
    }

    /// The 社区医院 plans of `year`, in file order.
    pub fn plans_for(&self, year: i32) -> impl Iterator<Item = &HospitalPlan> {
        self.plans.iter().filter(move |p| p.year == year)
    }

    /// The targets measured in `year`, in file order.
    pub fn for_year(&self, year: i32) -> impl Iterator<Item = &Target> {
        self.targets.iter().filter(move |t| t.year == year)
    }
}

/// One `[[target]]` (the `index`th), and where its name is written; `None` when it
/// has a problem (reported).
fn read_target(
    ctx: &mut Ctx,
    known: &Known,
    t: &DeTable,
    header: Span,
    index: usize,
) -> Option<(Target, Span)> {
    let what = match t.get("name").and_then(|v| v.get_ref().as_str()) {
        Some(name) if !name.trim().is_empty() => format!("目标「{}」", quoted(name.trim())),
        _ => format!("第 {index} 个 [[target]] "),
    };
    let line = ctx.line_of(header.start);
    let f = Fields::new(ctx, t, header.clone(), what, TARGET_KEYS);

    let name = one_line(
        ctx,
        &f,
        "name",
        "\"达到推荐标准的比例\"",
        true,
        NAME_MAX_CHARS,
        Blank::Refused,
    );
    let year = year(ctx, &f, "year", true);
    let kinds = kinds(ctx, &f);
    let subtype = subtype(ctx, &f, kinds.as_deref());
    let region = one_line(
        ctx,
        &f,
        "region",
        "\"北京市东城区\"",
        false,
        NAME_MAX_CHARS,
        Blank::Refused,
    );
    let source = one_line(
        ctx,
        &f,
        "source",
        "\"北京市2022年优质服务基层行活动方案\"",
        false,
        SOURCE_MAX_CHARS,
        Blank::Refused,
    );
    let counts = counts(ctx, &f, known, year);
    let required = required(ctx, &f);

    let (name, name_span) = name?;
    Some((
        Target {
            name,
            year: year?,
            kinds: kinds?,
            subtype,
            counts: counts?,
            required: required?,
            region: region.map(|(r, _)| r),
            source: source.map(|(s, _)| s),
            line,
        },
        name_span,
    ))
}

/// One `[[community_hospitals]]` (the `index`th), and where its region is written;
/// `None` when it has a problem (reported).
fn read_plan(
    ctx: &mut Ctx,
    t: &DeTable,
    header: Span,
    index: usize,
) -> Option<(HospitalPlan, Span)> {
    let what = match t.get("region").and_then(|v| v.get_ref().as_str()) {
        Some(r) if !r.trim().is_empty() => {
            format!("「{}」的新建社区医院计划", quoted(r.trim()))
        }
        _ => format!("第 {index} 个 [[community_hospitals]] "),
    };
    let line = ctx.line_of(header.start);
    let f = Fields::new(ctx, t, header.clone(), what, PLAN_KEYS);
    let year = year(ctx, &f, "year", true);
    let region = one_line(
        ctx,
        &f,
        "region",
        "\"北京市东城区\"",
        true,
        NAME_MAX_CHARS,
        Blank::Refused,
    );
    let source = one_line(
        ctx,
        &f,
        "source",
        "\"北京市2022年优质服务基层行活动方案\"",
        false,
        SOURCE_MAX_CHARS,
        Blank::Refused,
    );
    let planned = match f.int_req(ctx, "planned", "3") {
        Some((n, _)) if (0..=PLANNED_MAX).contains(&n) => u32::try_from(n).ok(),
        Some((n, span)) => {
            ctx.error(
                span,
                format!("{}的 `planned` 写的是 {n}", f.what),
                format!("写这一年计划新建的社区医院个数：0 到 {PLANNED_MAX} 之间的整数，例如 `planned = 3`。"),
            );
            None
        }
        None => None,
    };
    let (region, span) = region?;
    Some((
        HospitalPlan {
            year: year?,
            region,
            planned: planned?,
            source: source.map(|(s, _)| s),
            line,
        },
        span,
    ))
}

/// Whether an optional text written blank (`key = ""`) is a mistake or no text.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Blank {
    Refused,
    NoText,
}

/// A text on one line of at most `max` characters, trimmed; required or not. Both
/// files of the district read their texts through this.
pub(super) fn one_line(
    ctx: &mut Ctx,
    f: &Fields,
    key: &str,
    example: &str,
    required: bool,
    max: usize,
    blank: Blank,
) -> Option<(String, Span)> {
    let (text, span) = if required {
        f.text_req(ctx, key, example)?
    } else {
        let (text, span) = f.str_opt(ctx, key)?;
        if text.trim().is_empty() && blank == Blank::NoText {
            return None;
        }
        if text.trim().is_empty() {
            ctx.error(
                span,
                format!("{}的 `{key}` 是空的", f.what),
                format!("在引号里写上内容，例如 `{key} = {example}`；不需要时整行删去。"),
            );
            return None;
        }
        (text, span)
    };
    if text.contains(['\n', '\r', '\t']) {
        ctx.error(
            span,
            format!("{}的 `{key}` 不是一行文字", f.what),
            "写在一行里：删去其中的换行（\\n）和制表符（\\t）。",
        );
        return None;
    }
    let text = text.trim().to_string();
    let chars = text.chars().count();
    if chars > max {
        ctx.error(
            span,
            format!("{}的 `{key}` 有 {chars} 个字，最多 {max} 个字", f.what),
            "写得短一些：详细的说明可以写在 `#` 开头的注释里。",
        );
        return None;
    }
    Some((text, span))
}

/// A four-digit year in [`YEARS`].
fn year(ctx: &mut Ctx, f: &Fields, key: &str, required: bool) -> Option<i32> {
    let (n, span) = if required {
        f.int_req(ctx, key, "2022")?
    } else {
        f.int_opt(ctx, key, "2022")?
    };
    if !YEARS.contains(&n) {
        ctx.error(
            span,
            format!("{}的 `{key}` 写的是 {n}，不像是年份", f.what),
            format!(
                "年份写成四位数，在 {} 到 {} 之间，例如 `{key} = 2022`。",
                YEARS.start(),
                YEARS.end()
            ),
        );
        return None;
    }
    i32::try_from(n).ok()
}

/// `kinds`: facility types, each one line, none twice.
fn kinds(ctx: &mut Ctx, f: &Fields) -> Option<Vec<String>> {
    let example = "[\"社区卫生服务中心\", \"乡镇卫生院\"]";
    let span = f.span_of("kinds");
    let list = f.str_list_req(ctx, "kinds", example)?;
    let mut out: Vec<String> = Vec::new();
    let mut bad = false;
    for kind in list {
        let kind = kind.trim().to_string();
        if kind.contains(['\n', '\r', '\t']) || kind.chars().count() > NAME_MAX_CHARS {
            ctx.error(
                span.clone(),
                format!(
                    "{}的 `kinds` 里的「{}」不像是机构类型",
                    f.what,
                    quoted(&kind)
                ),
                format!(
                    "每一项写一个机构类型，一行、不超过 {NAME_MAX_CHARS} 个字，例如 {example}。"
                ),
            );
            bad = true;
        } else if out.contains(&kind) {
            ctx.error(
                span.clone(),
                format!("{}的 `kinds` 里「{}」写了两次", f.what, quoted(&kind)),
                "删去重复的一项。",
            );
            bad = true;
        } else {
            out.push(kind);
        }
    }
    (!bad && !out.is_empty()).then_some(out)
}

/// `subtype`: 中心卫生院 or 一般卫生院, only for 卫生院.
fn subtype(ctx: &mut Ctx, f: &Fields, kinds: Option<&[String]>) -> Option<String> {
    let (text, span) = f.str_opt(ctx, "subtype")?;
    let text = text.trim().to_string();
    let allowed = TOWNSHIP_SUBTYPES.join("、");
    if !TOWNSHIP_SUBTYPES.contains(&text.as_str()) {
        ctx.error(
            span,
            format!(
                "{}的 `subtype` 写的是「{}」，卫生院的类别只有 {allowed}",
                f.what,
                quoted(&text)
            ),
            format!("写 {allowed} 之一，例如 `subtype = \"中心卫生院\"`；不分类别时整行删去。"),
        );
        return None;
    }
    if let Some(kinds) = kinds
        && let Some(other) = kinds.iter().find(|k| !is_township_kind(k))
    {
        ctx.error(
            span,
            format!(
                "{}写了 `subtype = \"{text}\"`，但 `kinds` 里的「{}」不是卫生院",
                f.what,
                quoted(other)
            ),
            "类别（中心卫生院、一般卫生院）只用于卫生院：把这个目标的 `kinds` 只写卫生院（如 [\"乡镇卫生院\"]），其他类型的机构另写一个目标。",
        );
        return None;
    }
    Some(text)
}

/// `counts`, and `passed_before` with it.
fn counts(ctx: &mut Ctx, f: &Fields, known: &Known, target_year: Option<i32>) -> Option<Counts> {
    let passed_before = year(ctx, f, "passed_before", false);
    let passed_span = f.span_of("passed_before");
    let (text, span) = f.text_req(ctx, "counts", "\"达到推荐标准\"")?;
    let text = text.trim();
    if text == LOOK_BACK {
        let Some(before) = passed_before else {
            if !f.has("passed_before") {
                ctx.error(
                    f.header.clone(),
                    format!("{}统计回头看，但没有写 `passed_before`", f.what),
                    "加上一行 `passed_before = 2022`：在这一年以前达标的机构中，统计当年已回头看的比例。",
                );
            }
            return None;
        };
        if let Some(y) = target_year
            && before > y
        {
            ctx.error(
                passed_span,
                format!("{}的 `passed_before = {before}` 晚于目标年份 {y}", f.what),
                format!("回头看的是以前达标的机构：`passed_before` 写 {y} 或更早的年份。"),
            );
            return None;
        }
        return Some(Counts::LookBack {
            passed_before: before,
        });
    }
    if f.has("passed_before") {
        ctx.error(
            passed_span,
            format!("{}的 `passed_before` 只用于回头看", f.what),
            format!("统计回头看时写 `counts = \"{LOOK_BACK}\"`；否则删去 `passed_before` 这一行。"),
        );
    }
    if let Some(c) = known.checklists.iter().find(|c| c.id == text) {
        let Some(lowest) = c.verdicts.last() else {
            ctx.error(
                span,
                format!("清单 {} 没有评审结论规则，无从判断是否达标", quoted(text)),
                "在清单里写上 [[verdict]]，或改用一个评审结论的名称。",
            );
            return None;
        };
        return Some(Counts::Checklist {
            id: c.id.clone(),
            lowest: lowest.clone(),
            or_better: c.verdicts.len() > 1,
        });
    }
    let holders: Vec<&KnownChecklist> = known
        .checklists
        .iter()
        .filter(|c| c.verdicts.iter().any(|v| v == text))
        .collect();
    if !holders.is_empty() {
        let or_better = holders
            .iter()
            .any(|c| c.verdicts.first().is_some_and(|best| best != text));
        return Some(Counts::Verdict {
            name: text.to_string(),
            or_better,
        });
    }
    let names = known.verdict_names();
    let ids: Vec<&str> = known.checklists.iter().map(|c| c.id.as_str()).collect();
    if known.checklists.iter().any(|c| c.fallback == text) {
        ctx.error(
            span,
            format!("{}统计的「{}」是未达标的结论", f.what, quoted(text)),
            format!(
                "目标统计达到某一结论的机构：写 {} 之一（统计这一结论及更好的结论）。",
                names.join("、")
            ),
        );
        return None;
    }
    let guess = names
        .iter()
        .copied()
        .chain(ids.iter().copied())
        .chain(std::iter::once(LOOK_BACK))
        .map(|n| (strsim::levenshtein(n, text), n))
        .min()
        .filter(|(d, _)| *d <= 2)
        .map(|(_, n)| format!("是否想写「{n}」？"))
        .unwrap_or_default();
    ctx.error(
        span,
        format!(
            "{}的 `counts` 写的是「{}」，它既不是评审结论，也不是清单编号",
            f.what,
            quoted(text)
        ),
        format!(
            "{guess}写评审结论的名称（{}，统计这一结论及更好的结论）、清单编号（{}，统计按这份清单评审达标的机构），或 \"{LOOK_BACK}\"。",
            names.join("、"),
            ids.join("、")
        ),
    );
    None
}

/// `share` or `at_least`, exactly one.
fn required(ctx: &mut Ctx, f: &Fields) -> Option<Required> {
    match (f.has("share"), f.has("at_least")) {
        (true, true) => {
            ctx.error(
                f.span_of("at_least"),
                format!("{}同时写了 `share` 和 `at_least`", f.what),
                "一个目标只写一种要求：比例写 `share = \"85%\"`，家数写 `at_least = 6`；两种都要时写成两个目标。",
            );
            None
        }
        (false, false) => {
            ctx.error(
                f.header.clone(),
                format!("{}没有写要达到多少：缺少 `share` 或 `at_least`", f.what),
                "加上一行 `share = \"85%\"`（也可写 0.85；全部达到写 \"100%\"），或 `at_least = 6`（至少 6 家）。",
            );
            None
        }
        (true, false) => share(ctx, f).map(Required::Share),
        (false, true) => {
            let (n, span) = f.int_opt(ctx, "at_least", "6")?;
            if !(1..=AT_LEAST_MAX).contains(&n) {
                ctx.error(
                    span,
                    format!("{}的 `at_least` 写的是 {n}", f.what),
                    format!("写至少要达到的机构家数，1 到 {AT_LEAST_MAX} 之间的整数，例如 `at_least = 6`。"),
                );
                return None;
            }
            u32::try_from(n).ok().map(Required::AtLeast)
        }
    }
}

fn share(ctx: &mut Ctx, f: &Fields) -> Option<Share> {
    let (v, span) = f.value("share")?;
    let written = match v {
        DeValue::Float(x) => x.as_str().to_string(),
        DeValue::Integer(i) if i.radix() == 10 => i.as_str().to_string(),
        DeValue::String(s) => s.to_string(),
        other => {
            f.wrong_type(
                ctx,
                "share",
                span,
                "比例：小数（例如 0.85）或带引号的百分数（例如 \"85%\"）",
                other,
            );
            return None;
        }
    };
    let help_forms =
        "比例写成 0 到 1 之间的小数（如 `share = 0.85`），或带引号的百分数（如 `share = \"85%\"`）";
    match Share::parse(&written) {
        Ok(s) => Some(s),
        Err(e) => {
            let shown = quoted(written.trim());
            let (message, help) = match e {
                ShareError::Negative => (
                    format!("{}的 `share` 是负数：{shown}", f.what),
                    format!("{help_forms}。"),
                ),
                ShareError::MoreThanAll => (
                    format!("{}的 `share` 是 {shown}，超过了全部（100%）", f.what),
                    if matches!(v, DeValue::String(_)) {
                        format!("{help_forms}：百分数不超过 \"100%\"。")
                    } else {
                        format!(
                            "{help_forms}：85% 写成 0.85 或 \"85%\"，不写 85；全部达到写 1 或 \"100%\"。"
                        )
                    },
                ),
                ShareError::TooPrecise => (
                    format!("{}的 `share` 是 {shown}，比 0.01% 还细", f.what),
                    format!("{help_forms}，最多精确到 0.01%（小数最多四位，如 0.8525）。"),
                ),
                ShareError::NotANumber => (
                    format!("{}的 `share` 写的是「{shown}」，不是比例", f.what),
                    format!("{help_forms}。"),
                ),
            };
            ctx.error(span, message, help);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(required: Required) -> Target {
        Target {
            name: "推荐".into(),
            year: 2022,
            kinds: vec!["社区卫生服务中心".into()],
            subtype: None,
            counts: Counts::Verdict {
                name: "达到推荐标准".into(),
                or_better: false,
            },
            required,
            region: None,
            source: None,
            line: 1,
        }
    }

    fn share(text: &str) -> Share {
        Share::parse(text).unwrap()
    }

    #[test]
    fn shares_read_as_fractions_or_percentages() {
        assert_eq!(share("0.85").ten_thousandths(), 8500);
        assert_eq!(share("85%").ten_thousandths(), 8500);
        assert_eq!(share(" 85 ％ ").ten_thousandths(), 8500);
        assert_eq!(share("0.355").ten_thousandths(), 3550);
        assert_eq!(share("85.55%").ten_thousandths(), 8555);
        assert_eq!(share("1").ten_thousandths(), 10_000);
        assert_eq!(share("1.0").ten_thousandths(), 10_000);
        assert_eq!(share("100%").ten_thousandths(), 10_000);
        assert_eq!(share("0").ten_thousandths(), 0);
        assert_eq!(share("0.8500").ten_thousandths(), 8500);
        assert_eq!(share(".5").ten_thousandths(), 5000);
        assert_eq!(Share::parse("85"), Err(ShareError::MoreThanAll));
        assert_eq!(Share::parse("1.01"), Err(ShareError::MoreThanAll));
        assert_eq!(Share::parse("101%"), Err(ShareError::MoreThanAll));
        assert_eq!(Share::parse("-0.1"), Err(ShareError::Negative));
        assert_eq!(Share::parse("-5%"), Err(ShareError::Negative));
        assert_eq!(Share::parse("0.33333"), Err(ShareError::TooPrecise));
        assert_eq!(Share::parse("33.333%"), Err(ShareError::TooPrecise));
        for bad in [
            "", "%", "八成", "0.8.5", "8.5e-1", "1_0%", ".", "0x10", "nan", "inf",
        ] {
            assert_eq!(Share::parse(bad), Err(ShareError::NotANumber), "{bad}");
        }
        assert_eq!(share("35%").to_string(), "35%");
        assert_eq!(share("0.855").to_string(), "85.5%");
        assert_eq!(share("0.0001").to_string(), "0.01%");
        assert_eq!(share("8.05%").to_string(), "8.05%");
    }

    #[test]
    fn shortfalls_are_whole_facilities_computed_exactly() {
        // (share, covered, counted) → (needed, status)
        let cases = [
            // 0.35 × 20 = 7 exactly: 7 meets it, 6 is one short. (In f64, 0.35 * 20.0
            // is 7.000000000000001, whose ceiling is 8.)
            ("35%", 20, 7, 7, Status::Met),
            ("0.35", 20, 6, 7, Status::Short(1)),
            ("35%", 20, 4, 7, Status::Short(3)),
            // 0.85 × 20 = 17 exactly.
            ("0.85", 20, 17, 17, Status::Met),
            ("0.85", 20, 16, 17, Status::Short(1)),
            // 0.46 × 50 = 23 exactly; 0.46 × 13 = 5.98 → 6.
            ("46%", 50, 23, 23, Status::Met),
            ("46%", 13, 5, 6, Status::Short(1)),
            // 0.3 × 7 = 2.1 → 3.
            ("30%", 7, 2, 3, Status::Short(1)),
            ("30%", 7, 3, 3, Status::Met),
            // 0.1 × 30 = 3 exactly (f64: 3.0000000000000004).
            ("0.1", 30, 3, 3, Status::Met),
            // 0.07 × 100 = 7 exactly (f64: 7.000000000000001).
            ("0.07", 100, 7, 7, Status::Met),
            // 85.55% of 200 = 171.1 → 172.
            ("85.55%", 200, 171, 172, Status::Short(1)),
            // All of 12: 12; nothing required: 0.
            ("100%", 12, 11, 12, Status::Short(1)),
            ("100%", 12, 12, 12, Status::Met),
            ("0%", 12, 0, 0, Status::Met),
            // No facility of the kind: nothing to measure.
            ("35%", 0, 0, 0, Status::NoFacilities),
        ];
        for (s, covered, counted, needed, status) in cases {
            let o = target(Required::Share(share(s))).evaluate(covered, counted);
            assert_eq!((o.needed, o.status), (needed, status), "{s} of {covered}");
        }
        // A count above the covered facilities is taken as all of them.
        let o = target(Required::Share(share("50%"))).evaluate(4, 9);
        assert_eq!((o.counted, o.status), (4, Status::Met));
        // At least 6: 4 is 2 short, whatever the number covered.
        let t = target(Required::AtLeast(6));
        assert_eq!(t.evaluate(12, 4).status, Status::Short(2));
        assert_eq!(t.evaluate(12, 6).status, Status::Met);
        assert_eq!(t.evaluate(0, 0).status, Status::Short(6));
        // Large numbers do not overflow.
        let o = target(Required::Share(Share::ALL)).evaluate(u32::MAX, 0);
        assert_eq!(o.needed, u32::MAX);
    }

    #[test]
    fn sentences_say_the_count_the_share_and_what_is_missing() {
        let t = target(Required::Share(share("35%")));
        assert_eq!(
            t.sentence(&t.evaluate(20, 7)),
            "达到推荐标准的社区卫生服务中心 7/20 家（35.0%），目标 ≥ 35%，已达到"
        );
        assert_eq!(
            t.sentence(&t.evaluate(20, 4)),
            "达到推荐标准的社区卫生服务中心 4/20 家（20.0%），目标 ≥ 35%，还差 3 家"
        );
        // 2/3 is 66.66…%: shown rounded down.
        assert_eq!(t.measured_said(&t.evaluate(3, 2)).unwrap(), "66.6%");
        // Just below a target with two decimals: shown with two, so it reads below.
        let t = target(Required::Share(share("85.55%")));
        let o = t.evaluate(10_000, 8554);
        assert_eq!(t.measured_said(&o).unwrap(), "85.54%");
        assert_eq!(o.status, Status::Short(1));
        let t = target(Required::Share(share("35%")));
        assert_eq!(
            t.sentence(&t.evaluate(0, 0)),
            "达到推荐标准的社区卫生服务中心 0/0 家，没有这类机构，无从计算"
        );
        let mut t = target(Required::Share(Share::ALL));
        t.counts = Counts::Verdict {
            name: "达到基本标准".into(),
            or_better: true,
        };
        t.kinds = vec!["社区卫生服务中心".into(), "乡镇卫生院".into()];
        assert_eq!(
            t.sentence(&t.evaluate(30, 29)),
            "达到基本标准及以上的社区卫生服务中心、乡镇卫生院 29/30 家（96.6%），目标 全部（100%），还差 1 家"
        );
        let mut t = target(Required::AtLeast(6));
        t.kinds = vec!["乡镇卫生院".into()];
        t.subtype = Some("中心卫生院".into());
        assert_eq!(
            t.sentence(&t.evaluate(4, 1)),
            "达到推荐标准的乡镇卫生院（中心卫生院） 1/4 家（25.0%），目标 ≥ 6 家，还差 5 家（这类机构只有 4 家，目标无法达到）"
        );
        let mut t = target(Required::Share(share("30%")));
        t.counts = Counts::LookBack {
            passed_before: 2022,
        };
        assert_eq!(
            t.sentence(&t.evaluate(30, 9)),
            "2022年以前达标的社区卫生服务中心中，2022年已回头看的 9/30 家（30.0%），目标 ≥ 30%，已达到"
        );
    }

    #[test]
    fn what_is_covered_and_counted() {
        let mut t = target(Required::Share(share("35%")));
        t.region = Some("邵阳市".into());
        assert!(t.covers("社区卫生服务中心", None, "湖南省 邵阳市双清区"));
        assert!(!t.covers("社区卫生服务中心", None, "北京市东城区"));
        assert!(!t.covers("乡镇卫生院", None, "湖南省邵阳市双清区"));
        t.kinds = vec!["乡镇卫生院".into()];
        t.subtype = Some("中心卫生院".into());
        assert!(t.covers("乡镇卫生院", Some("中心卫生院"), "邵阳市"));
        assert!(!t.covers("乡镇卫生院", Some("一般卫生院"), "邵阳市"));
        assert!(!t.covers("乡镇卫生院", None, "邵阳市"));

        let order: Vec<String> = ["达到推荐标准", "达到基本标准"].map(String::from).into();
        let mut t = target(Required::Share(share("85%")));
        t.counts = Counts::Verdict {
            name: "达到基本标准".into(),
            or_better: true,
        };
        assert!(t.counts_review("community-2022", &order, "达到推荐标准"));
        assert!(t.counts_review("community-2022", &order, "达到基本标准"));
        assert!(!t.counts_review("community-2022", &order, "未达到基本标准"));
        t.counts = Counts::Checklist {
            id: "village-clinic".into(),
            lowest: "达到村卫生室服务能力标准".into(),
            or_better: false,
        };
        let village = vec!["达到村卫生室服务能力标准".to_string()];
        assert!(t.counts_review("village-clinic", &village, "达到村卫生室服务能力标准"));
        assert!(!t.counts_review("village-clinic", &village, "未达到村卫生室服务能力标准"));
        assert!(!t.counts_review("community-2022", &order, "达到推荐标准"));
    }
}
