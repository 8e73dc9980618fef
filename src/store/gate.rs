//! The gate: everything that enters the store from outside (an import, the files of a
//! merge, a backup being restored) passes [`admit`], which checks it against the
//! project's own rules and cleans its text the way typed input is cleaned. A file it
//! refuses changes nothing.
//!
//! The limits are far above anything a real review reaches (a township checklist has
//! 115 items; a long day of reviewing makes a few thousand changes) and are documented
//! in the README.

use std::collections::BTreeSet;

use super::export::Export;
use super::merge::Conflict;
use super::model::{Assessment, Evidence, HistoryEntry, Inspection};
use crate::checklist::{Checklist, parse_checklist, sha256_hex};
use crate::scoring::Grade;
use crate::text::{clean_line, clean_text, for_terminal};

/// Largest export or backup file read, in bytes.
pub const EXPORT_FILE_MAX: u64 = 50 * 1024 * 1024;
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
/// Most history entries in one inspection.
pub const HISTORY_MAX: usize = 200_000;
/// Most versions in one conflict.
pub const CANDIDATES_MAX: usize = 50;
/// Largest history sequence number: far from `u64::MAX`, so numbering never wraps.
pub const SEQ_MAX: u64 = u32::MAX as u64;
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

struct Check {
    problems: Vec<String>,
}

impl Check {
    fn fail(&mut self, problem: String) {
        self.problems.push(problem);
    }

    /// A one-line field, cleaned and within [`SHORT_TEXT_MAX`].
    fn line(&mut self, what: &str, value: &mut String) {
        *value = clean_line(value);
        if value.chars().count() > SHORT_TEXT_MAX {
            self.fail(format!("{what}超过 {SHORT_TEXT_MAX} 个字"));
        }
    }

    /// A free text, cleaned and within [`LONG_TEXT_MAX`].
    fn long(&mut self, what: &str, value: &mut String) {
        *value = clean_text(value);
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

/// Checks `export` against the rules below and returns it with every text cleaned, or
/// every problem found.
///
/// - the inspection id (and the linked previous one) has pingshen's own format;
/// - the checklist text is the pinned one (sha256) and a valid checklist;
/// - every assessed or disputed item exists in that checklist (an item a repin removed
///   is accepted only when the history records a repin), once, and 不适用 only where
///   the checklist allows it;
/// - a conflict has at least two versions, all of its own item;
/// - history numbers increase, stay below [`SEQ_MAX`], and are at most [`HISTORY_MAX`];
/// - text within the limits (timestamps with their offset and real dates are the
///   types' own rule: a file without them does not even decode).
pub fn admit(mut export: Export) -> Result<Export, Refusal> {
    let mut check = Check {
        problems: Vec::new(),
    };
    let checklist = check_checklist(&mut check, &export);
    check_inspection(&mut check, &mut export.inspection, checklist.as_ref());
    let repinned = export.history.iter().any(|h| h.field == "清单");
    if let Some(checklist) = &checklist {
        let items = ItemRule {
            checklist,
            repinned,
        };
        let mut seen = BTreeSet::new();
        for a in &mut export.assessments {
            if !seen.insert(a.item_id.clone()) {
                check.fail(format!("条款 {} 的评分出现了不止一次", shown(&a.item_id)));
            }
            items.check(&mut check, a, "");
        }
        let mut disputed = BTreeSet::new();
        for c in &mut export.conflicts {
            check_conflict(&mut check, &items, c);
            if !disputed.insert(c.item_id.clone()) {
                check.fail(format!("条款 {} 的冲突出现了不止一次", shown(&c.item_id)));
            }
        }
    }
    check_history(&mut check, &mut export.history);
    match checklist {
        Some(_) if check.problems.is_empty() => Ok(export),
        _ => Err(Refusal {
            problems: check.problems,
        }),
    }
}

fn check_checklist(check: &mut Check, export: &Export) -> Option<Checklist> {
    let pin = &export.inspection.checklist;
    if export.checklist_text.len() > CHECKLIST_TEXT_MAX {
        check.fail(format!(
            "其中的清单超过 {} MB",
            CHECKLIST_TEXT_MAX / 1024 / 1024
        ));
        return None;
    }
    if sha256_hex(export.checklist_text.as_bytes()) != pin.sha256 {
        check.fail("清单文本与检查记录的 sha256 不一致".into());
        return None;
    }
    match parse_checklist(&export.checklist_text, "导出文件中的清单") {
        Ok(c) if c.id == pin.id => Some(c),
        Ok(c) => {
            check.fail(format!(
                "检查记录说使用清单 {}，其中的清单却是 {}",
                shown(&pin.id),
                shown(&c.id)
            ));
            None
        }
        Err(d) => {
            check.fail(format!("其中的清单有 {} 个错误", d.len()));
            None
        }
    }
}

fn check_inspection(check: &mut Check, i: &mut Inspection, checklist: Option<&Checklist>) {
    if !is_inspection_id(&i.id) {
        check.fail(format!(
            "检查编号「{}」不是 pingshen 的编号格式（10 位十六进制数字）",
            shown(&i.id)
        ));
    }
    if let Some(p) = &i.previous
        && !is_inspection_id(p)
    {
        check.fail(format!("上次评审的编号「{}」格式不正确", shown(p)));
    }
    let inst = &mut i.institution;
    check.line("机构名称", &mut inst.name);
    check.line("所在区县", &mut inst.region);
    check.line("机构类型", &mut inst.kind);
    check.line("机构负责人", &mut inst.head);
    check.line("联系电话", &mut inst.phone);
    if inst.name.is_empty() {
        check.fail("机构名称是空的".into());
    }
    if i.inspectors.len() > INSPECTORS_MAX {
        check.fail(format!("评审专家超过 {INSPECTORS_MAX} 位"));
    }
    for name in &mut i.inspectors {
        check.line("评审专家姓名", name);
    }
    i.inspectors.retain(|n| !n.is_empty());
    let assignments = std::mem::take(&mut i.assignments);
    for (mut who, chapters) in assignments {
        check.line("分工中的评审专家姓名", &mut who);
        if let Some(c) = checklist {
            for ch in &chapters {
                if !c.chapters.iter().any(|x| &x.id == ch) {
                    check.fail(format!("分工中的第 {} 章不在清单中", shown(ch)));
                }
            }
        }
        if !who.is_empty() {
            i.assignments.insert(who, chapters);
        }
    }
    for s in [&mut i.checklist.version, &mut i.checklist.title] {
        check.line("清单版本或标题", s);
    }
}

/// Which items an assessment may name.
struct ItemRule<'c> {
    checklist: &'c Checklist,
    /// The history records a repin, so items of the earlier version may remain.
    repinned: bool,
}

impl ItemRule<'_> {
    fn check(&self, check: &mut Check, a: &mut Assessment, within: &str) {
        match self.checklist.find_item(&a.item_id) {
            Some(item) => {
                if a.grade == Some(Grade::NotApplicable) && !item.allow_na {
                    check.fail(format!(
                        "{within}条款 {} 被评为「不适用」，但清单不允许该条款不适用",
                        a.item_id
                    ));
                }
            }
            None if self.repinned && looks_like_item_id(&a.item_id) => {}
            None => check.fail(format!(
                "{within}条款「{}」不在检查使用的清单中",
                shown(&a.item_id)
            )),
        }
        check.long(&format!("条款 {} 的备注", shown(&a.item_id)), &mut a.note);
        check.long(
            &format!("条款 {} 的整改意见", shown(&a.item_id)),
            &mut a.corrective_action,
        );
        check.line("评分人", &mut a.by);
        if a.evidence.len() > EVIDENCE_MAX {
            check.fail(format!(
                "条款 {} 的佐证材料超过 {EVIDENCE_MAX} 份",
                a.item_id
            ));
        }
        for ev in &mut a.evidence {
            check_evidence(check, ev);
        }
    }
}

fn looks_like_item_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 32
        && id
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn check_evidence(check: &mut Check, ev: &mut Evidence) {
    ev.path = clean_line(&ev.path);
    if ev.path.len() > 4096 {
        check.fail("佐证材料的路径太长".into());
    }
    if ev.sha256.len() != 64 || !ev.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        check.fail(format!(
            "佐证材料的 sha256「{}」格式不正确",
            shown(&ev.sha256)
        ));
    }
}

fn check_conflict(check: &mut Check, items: &ItemRule, c: &mut Conflict) {
    let n = c.candidates.len();
    if n < 2 {
        check.fail(format!(
            "条款 {} 的冲突只有 {n} 个版本（冲突至少要有两个不同的版本）",
            shown(&c.item_id)
        ));
    }
    if n > CANDIDATES_MAX {
        check.fail(format!(
            "条款 {} 的冲突超过 {CANDIDATES_MAX} 个版本",
            shown(&c.item_id)
        ));
    }
    for a in &mut c.candidates {
        if a.item_id != c.item_id {
            check.fail(format!(
                "条款 {} 的冲突里混有条款「{}」的版本",
                shown(&c.item_id),
                shown(&a.item_id)
            ));
        }
        items.check(check, a, "冲突中");
    }
}

fn check_history(check: &mut Check, history: &mut [HistoryEntry]) {
    if history.len() > HISTORY_MAX {
        check.fail(format!("历史记录超过 {HISTORY_MAX} 条"));
        return;
    }
    let mut last = 0u64;
    for e in history.iter_mut() {
        if e.seq <= last || e.seq > SEQ_MAX {
            check.fail(format!(
                "历史记录的序号不连贯（{} 排在 {last} 之后）",
                e.seq
            ));
            break;
        }
        last = e.seq;
        check.line("历史记录的人员", &mut e.by);
        check.line("历史记录的条款", &mut e.item_id);
        check.line("历史记录的内容", &mut e.field);
        check.long("历史记录的旧值", &mut e.old);
        check.long("历史记录的新值", &mut e.new);
    }
}
