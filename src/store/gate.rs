//! The gate: everything that enters the store from outside (an import, the files of a
//! merge) passes [`admit_bundle`], which checks it against the project's own rules.
//! A file it refuses changes nothing.
//!
//! The limits are far above anything a real review reaches (a township checklist has
//! 115 items; a long day of reviewing makes a few thousand changes) and are documented
//! in the README.

use super::bundle::Bundle;
use super::journal::{self, Change, Entry, Value};
use super::model::Evidence;
use crate::checklist::{Checklist, Item, parse_checklist, sha256_hex};
use crate::scoring::Grade;
use crate::text::{clean_line, clean_text, for_terminal};

/// Largest export or backup file read, in bytes.
/// With evidence files inside (base64 makes them a third larger).
pub const EXPORT_FILE_MAX: u64 = 512 * 1024 * 1024;
/// Largest pinned checklist text, in bytes: the same as a checklist file.
pub const CHECKLIST_TEXT_MAX: usize = crate::checklist::CHECKLIST_FILE_MAX;
/// Longest note, 整改意见 or history value, in bytes.
pub const LONG_TEXT_MAX: usize = 256 * 1024;
/// Longest one-line field (a name, region, phone, inspector), in characters.
pub const SHORT_TEXT_MAX: usize = 200;
/// Most inspectors on one inspection.
pub const INSPECTORS_MAX: usize = 50;
/// Most evidence files on one item.
pub const EVIDENCE_MAX: usize = 100;
/// Most journal entries in one inspection.
pub const HISTORY_MAX: usize = 200_000;
/// Most versions in one conflict.
pub const CANDIDATES_MAX: usize = 50;
/// Most problems listed when a file is refused.
const PROBLEMS_SHOWN: usize = 10;

/// Whether `id` is an inspection id as pingshen makes them: ten lowercase hex digits.
pub fn is_inspection_id(id: &str) -> bool {
    id.len() == 10 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// `id` when it is an inspection id and so safe as a file name; every path made from
/// an inspection id (backups, `deleted/`, exports) is made from what this returns.
pub fn checked_id(id: &str) -> super::Result<&str> {
    if !is_inspection_id(id) {
        return Err(super::StoreError::Refused(format!(
            "检查编号「{}」不是 pingshen 的编号格式（10 位十六进制数字）",
            shown(id)
        )));
    }
    crate::text::path_component(id).map_err(|e| super::StoreError::Refused(e.to_string()))
}

/// Why a file was refused: every problem found (the first few are shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub problems: Vec<String>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown: Vec<&str> = self
            .problems
            .iter()
            .take(PROBLEMS_SHOWN)
            .map(String::as_str)
            .collect();
        write!(f, "{}", shown.join("；"))?;
        if self.problems.len() > PROBLEMS_SHOWN {
            write!(
                f,
                "；另有 {} 处问题未列出",
                self.problems.len() - PROBLEMS_SHOWN
            )?;
        }
        Ok(())
    }
}

/// Checks a bundle against the project's rules before anything of it is used. Every
/// entry is signed, so nothing in it can be cleaned: text that is not as pingshen
/// stores it is refused instead.
///
/// - the inspection id has pingshen's own format, and so does every linked one;
/// - every checklist text is the one its sha256 names, a valid checklist, within the
///   size limit, and every pin of an entry names one of them;
/// - the entries form one chain of this inspection, every signature holds (entries
///   migrated from an older pingshen excepted, which must come first), at most
///   [`HISTORY_MAX`] of them;
/// - every item an entry names exists in a pinned checklist, is graded only as that
///   checklist allows (不适用 only where allowed, A or B only where it has the text),
///   every assigned chapter exists;
/// - every name and text is clean and within the limits;
/// - the entries replay into a state.
pub fn admit_bundle(bundle: &Bundle) -> Result<(), Refusal> {
    let mut check = Check {
        problems: Vec::new(),
    };
    if !is_inspection_id(&bundle.inspection) {
        check.fail(format!(
            "检查编号「{}」不是 pingshen 的编号格式（10 位十六进制数字）",
            shown(&bundle.inspection)
        ));
        return Err(check.refusal());
    }
    check_files(&mut check, bundle);
    if let Some(f) = &bundle.facility
        && let Err(why) = super::facility::check_facility(f)
    {
        check.fail(format!("其中的机构信息有误：{why}"));
    }
    if bundle.checklists.len() > CHECKLISTS_MAX {
        check.fail(format!("其中的清单超过 {CHECKLISTS_MAX} 份"));
        return Err(check.refusal());
    }
    let mut checklists: Vec<Checklist> = Vec::new();
    for (sha, text) in &bundle.checklists {
        if text.len() > CHECKLIST_TEXT_MAX {
            check.fail(format!(
                "其中的清单超过 {} MB",
                CHECKLIST_TEXT_MAX / 1024 / 1024
            ));
            continue;
        }
        if &sha256_hex(text.as_bytes()) != sha {
            check.fail(format!("清单文本与它的 sha256（{}）不一致", shown(sha)));
            continue;
        }
        match parse_checklist(text, "导出文件中的清单") {
            Ok(c) => checklists.push(c),
            Err(d) => check.fail(format!("其中的清单有 {} 个错误", d.len())),
        }
    }
    if bundle.entries.len() > HISTORY_MAX {
        check.fail(format!("记录超过 {HISTORY_MAX} 条"));
        return Err(check.refusal());
    }
    let hashed: Vec<(Entry, String)> = bundle
        .entries
        .iter()
        .map(|e| (e.clone(), e.hash()))
        .collect();
    if let Err(b) = journal::check(&hashed, &bundle.inspection, true) {
        check.fail(format!("日志{b}"));
        return Err(check.refusal());
    }
    let mut signed_seen = false;
    for (n, (e, _)) in hashed.iter().enumerate() {
        let at = format!("第 {} 条记录（{}）", n + 1, shown(&e.author.name));
        if e.migrated && signed_seen {
            check.fail(format!("{at}是迁移记录，却排在签名记录之后"));
        }
        signed_seen |= !e.migrated;
        check.clean_line(&format!("{at}的作者"), &e.author.name);
        if e.author.name.is_empty() {
            check.fail(format!("{at}没有作者"));
        }
        check_change(&mut check, &at, &e.change, &bundle.checklists, &checklists);
        if check.problems.len() > PROBLEMS_SHOWN * 4 {
            break;
        }
    }
    if check.problems.is_empty()
        && let Err(b) = journal::project(&hashed)
    {
        check.fail(format!("日志{b}"));
    }
    if check.problems.is_empty() {
        Ok(())
    } else {
        Err(check.refusal())
    }
}

/// Most checklist texts in one bundle (each repin pins one more).
pub const CHECKLISTS_MAX: usize = 50;

fn check_change(
    check: &mut Check,
    at: &str,
    change: &Change,
    texts: &std::collections::BTreeMap<String, String>,
    checklists: &[Checklist],
) {
    for sha in journal::entry::pins(change) {
        if !texts.contains_key(&sha) {
            check.fail(format!(
                "{at}所用的清单（sha256 {}）不在文件中",
                shown(&sha)
            ));
        }
    }
    let item_rule = |check: &mut Check, item: &str, grade: Option<Grade>| {
        let found: Vec<&Item> = checklists
            .iter()
            .filter_map(|c| c.find_item(item))
            .collect();
        if found.is_empty() {
            check.fail(format!("{at}的条款「{}」不在所用的清单中", shown(item)));
        } else if found
            .iter()
            .all(|i| crate::store::assess::check_grade(i, grade).is_err())
        {
            check.fail(format!(
                "{at}把条款 {} 评为「{}」，清单不允许",
                shown(item),
                grade.map_or("待评", |g| g.label())
            ));
        }
    };
    match change {
        Change::Create {
            institution,
            inspectors,
            organiser,
            facility,
            ..
        } => {
            if let Some(f) = facility
                && !super::facility::is_facility_id(f)
            {
                check.fail(format!("{at}机构编号「{}」格式不正确", shown(f)));
            }
            check_institution(check, at, institution);
            check.clean_line(&format!("{at}的组织单位"), organiser);
            if inspectors.len() > INSPECTORS_MAX {
                check.fail(format!("{at}的评审专家超过 {INSPECTORS_MAX} 位"));
            }
            for n in inspectors {
                check.clean_line(&format!("{at}的评审专家姓名"), n);
            }
        }
        Change::Edit { old, new } => {
            for d in [old, new] {
                check_institution(check, at, &d.institution);
                check.clean_line(&format!("{at}的组织单位"), &d.organiser);
                if d.inspectors.is_empty() || d.inspectors.len() > INSPECTORS_MAX {
                    check.fail(format!("{at}的评审专家应有 1 到 {INSPECTORS_MAX} 位"));
                }
                for n in &d.inspectors {
                    check.clean_line(&format!("{at}的评审专家姓名"), n);
                }
            }
        }
        Change::Opinion { old, new } => {
            check.clean_long(&format!("{at}的综合评价"), old);
            check.clean_long(&format!("{at}的综合评价"), new);
        }
        Change::Undo { of, change } | Change::Redo { of, change } => {
            if of.is_empty()
                || of.len() > 64
                || !of.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
            {
                check.fail(format!(
                    "{at}撤销或重做的条目编号「{}」格式不正确",
                    shown(of)
                ));
            }
            if change.undoable() {
                check_change(check, at, change, texts, checklists);
            } else {
                check.fail(format!("{at}撤销或重做的不是对条款的改动"));
            }
        }
        Change::Grade { item, new, .. } => item_rule(check, item, *new),
        Change::Note { item, old, new } | Change::CorrectiveAction { item, old, new } => {
            item_rule(check, item, None);
            check.clean_long(&format!("{at}的文字"), old);
            check.clean_long(&format!("{at}的文字"), new);
        }
        Change::AddEvidence { item, evidence } | Change::RemoveEvidence { item, evidence } => {
            item_rule(check, item, None);
            check_evidence(check, evidence);
        }
        Change::Plan { item, old, new } => {
            item_rule(check, item, None);
            check_plan(check, at, old);
            check_plan(check, at, new);
        }
        Change::FollowUp { item, .. } => item_rule(check, item, None),
        Change::Assign {
            inspector,
            old,
            new,
        } => {
            check.clean_line(&format!("{at}的评审专家姓名"), inspector);
            for ch in old.iter().chain(new) {
                if !checklists
                    .iter()
                    .any(|c| c.chapters.iter().any(|x| &x.id == ch))
                {
                    check.fail(format!("{at}分工中的第 {} 章不在清单中", shown(ch)));
                }
            }
        }
        Change::Facility { old, new } => {
            for f in old.iter().chain(new) {
                if !super::facility::is_facility_id(f) {
                    check.fail(format!("{at}机构编号「{}」格式不正确", shown(f)));
                }
            }
        }
        Change::Link { old, new } => {
            for p in old.iter().chain(new) {
                if !is_inspection_id(p) {
                    check.fail(format!("{at}上次评审的编号「{}」格式不正确", shown(p)));
                }
            }
        }
        Change::Status { reason, .. } => check.clean_line(&format!("{at}的原因"), reason),
        Change::Settle {
            item,
            value,
            chosen,
            set_aside,
            ..
        } => {
            for c in std::iter::once(chosen).chain(set_aside) {
                check.clean_line(&format!("{at}裁定的版本作者"), &c.by);
                match &c.value {
                    Value::Text(t) => check.clean_long(&format!("{at}裁定的版本"), t),
                    Value::Plan(p) => check_plan(check, at, p),
                    Value::Grade(_) | Value::FollowUp(_) => {}
                }
            }
            if set_aside.len() > CANDIDATES_MAX {
                check.fail(format!("{at}裁定的版本超过 {CANDIDATES_MAX} 个"));
            }
            match value {
                Value::Grade(g) => item_rule(check, item, *g),
                Value::Text(t) => {
                    item_rule(check, item, None);
                    check.clean_long(&format!("{at}的文字"), t);
                }
                Value::Plan(p) => {
                    item_rule(check, item, None);
                    check_plan(check, at, p);
                }
                Value::FollowUp(_) => item_rule(check, item, None),
            }
        }
        Change::Repin { .. } => {}
        Change::Migrated {
            item,
            field,
            old,
            new,
        } => {
            check.clean_line(&format!("{at}的条款"), item);
            check.clean_line(&format!("{at}的内容"), field);
            check.clean_long(&format!("{at}的旧值"), old);
            check.clean_long(&format!("{at}的新值"), new);
        }
        Change::Snapshot {
            inspection,
            assessments,
            conflicts,
        } => {
            check_institution(check, at, &inspection.institution);
            check.clean_line(&format!("{at}的组织单位"), &inspection.organiser);
            check.clean_long(&format!("{at}的综合评价"), &inspection.opinion);
            if let Some(p) = &inspection.previous
                && !is_inspection_id(p)
            {
                check.fail(format!("{at}上次评审的编号「{}」格式不正确", shown(p)));
            }
            for a in assessments {
                item_rule(check, &a.item_id, a.grade);
                check.clean_long(&format!("{at}的备注"), &a.note);
                check.clean_long(&format!("{at}的整改意见"), &a.corrective_action);
                check_plan(check, at, &a.plan);
                if a.evidence.len() > EVIDENCE_MAX {
                    check.fail(format!(
                        "{at}条款 {} 的佐证材料超过 {EVIDENCE_MAX} 份",
                        shown(&a.item_id)
                    ));
                }
                for ev in &a.evidence {
                    check_evidence(check, ev);
                }
            }
            for c in conflicts {
                if c.candidates.len() < 2 || c.candidates.len() > CANDIDATES_MAX {
                    check.fail(format!("{at}条款 {} 的冲突版本数不对", shown(&c.item_id)));
                }
            }
        }
    }
}

/// A 整改意见's plan as pingshen stores it: its 责任科室 one clean line within
/// [`crate::store::assess::OWNER_MAX`]. (The status and the date are typed: serde has
/// checked them.)
fn check_plan(check: &mut Check, at: &str, plan: &crate::store::model::ActionPlan) {
    check.clean_line(&format!("{at}的责任科室"), &plan.owner);
    if plan.owner.chars().count() > crate::store::assess::OWNER_MAX {
        check.fail(format!(
            "{at}的责任科室超过 {} 个字",
            crate::store::assess::OWNER_MAX
        ));
    }
}

fn check_institution(check: &mut Check, at: &str, i: &crate::store::model::Institution) {
    for (what, v) in [
        ("机构名称", &i.name),
        ("所在区县", &i.region),
        ("机构类型", &i.kind),
        ("机构负责人", &i.head),
        ("联系电话", &i.phone),
    ] {
        check.clean_line(&format!("{at}的{what}"), v);
    }
    if i.name.is_empty() {
        check.fail(format!("{at}的机构名称是空的"));
    }
}

struct Check {
    problems: Vec<String>,
}

impl Check {
    fn fail(&mut self, problem: String) {
        self.problems.push(problem);
    }

    fn refusal(self) -> Refusal {
        Refusal {
            problems: self.problems,
        }
    }

    /// A one-line field as pingshen stores it: clean and within [`SHORT_TEXT_MAX`].
    fn clean_line(&mut self, what: &str, value: &str) {
        if clean_line(value) != value {
            self.fail(format!("{what}含有控制字符或多余的空白"));
        }
        if value.chars().count() > SHORT_TEXT_MAX {
            self.fail(format!("{what}超过 {SHORT_TEXT_MAX} 个字"));
        }
    }

    /// A free text as pingshen stores it: clean and within [`LONG_TEXT_MAX`].
    fn clean_long(&mut self, what: &str, value: &str) {
        if clean_text(value) != value {
            self.fail(format!("{what}含有控制字符"));
        }
        if value.len() > LONG_TEXT_MAX {
            self.fail(format!("{what}超过 {} KB", LONG_TEXT_MAX / 1024));
        }
    }
}

/// A value from a file as it may appear in a message: escaped and cut short.
fn shown(value: &str) -> String {
    let s: String = for_terminal(value).chars().take(40).collect();
    if value.chars().count() > 40 {
        format!("{s}…")
    } else {
        s
    }
}

/// The evidence files a bundle carries: each named by an entry of the bundle, its
/// content what its sha256 says, within the limits.
fn check_files(check: &mut Check, bundle: &Bundle) {
    use base64::Engine;
    if bundle.evidence.is_empty() {
        return;
    }
    let named: std::collections::HashSet<&str> = bundle
        .entries
        .iter()
        .filter_map(|e| match e.change.effective() {
            Change::AddEvidence { evidence, .. } | Change::RemoveEvidence { evidence, .. } => {
                Some(evidence.sha256.as_str())
            }
            _ => None,
        })
        .collect();
    let mut total = 0u64;
    let mut seen = std::collections::HashSet::new();
    for f in &bundle.evidence {
        let what = format!("佐证文件「{}」", shown(&f.name));
        check.clean_line(&format!("{what}的文件名"), &f.name);
        if !seen.insert(f.sha256.as_str()) {
            check.fail(format!("{what}出现了两次"));
            continue;
        }
        if !named.contains(f.sha256.as_str()) {
            check.fail(format!("{what}不属于文件中的任何佐证记录"));
            continue;
        }
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&f.content) else {
            check.fail(format!("{what}的内容不是 base64"));
            continue;
        };
        total += bytes.len() as u64;
        if crate::checklist::sha256_hex(&bytes) != f.sha256 {
            check.fail(format!(
                "{what}的内容与它的 sha256 不符（文件被改动或损坏）"
            ));
        }
    }
    if total > super::bundle::BUNDLE_FILES_MAX {
        check.fail(format!(
            "其中的佐证文件共 {} MB，超过上限 {} MB",
            total >> 20,
            super::bundle::BUNDLE_FILES_MAX >> 20
        ));
    }
}

fn check_evidence(check: &mut Check, ev: &Evidence) {
    check.clean_line("佐证材料的路径", &ev.path);
    if ev.path.len() > 4096 {
        check.fail("佐证材料的路径太长".into());
    }
    if ev.size > super::EVIDENCE_FILE_MAX {
        check.fail(format!("佐证材料「{}」的大小超过上限", shown(ev.name())));
    }
    if ev.sha256.len() != 64 || !ev.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        check.fail(format!(
            "佐证材料的 sha256「{}」格式不正确",
            shown(&ev.sha256)
        ));
    }
}
