//! Creating, finding, listing and deleting inspections.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::error::{Result, StoreError, read_err, tx_err, write_err};
use super::journal::Change;
use super::model::*;
use super::{Store, now};
use crate::checklist::{Checklist, Source, parse_checklist};

/// Everything needed to start an inspection, as typed by the user.
#[derive(Debug, Clone)]
pub struct NewInspection {
    pub institution: Institution,
    pub review_kind: ReviewKind,
    pub date: String,
    pub inspectors: Vec<String>,
    pub sample: bool,
    /// 组织单位, e.g. 某某区卫生健康委员会; may be empty.
    pub organiser: String,
}

/// A field of [`NewInspection`], for pointing at the one that is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewField {
    Name,
    Region,
    Kind,
    Head,
    Phone,
    Date,
    Inspectors,
    Organiser,
}

impl NewField {
    pub fn label(self) -> &'static str {
        match self {
            NewField::Name => "机构名称",
            NewField::Region => "所在区县",
            NewField::Kind => "机构类型",
            NewField::Head => "机构负责人",
            NewField::Phone => "联系电话",
            NewField::Date => "评审日期",
            NewField::Inspectors => "评审专家",
            NewField::Organiser => "组织单位",
        }
    }
}

/// Inspector names as typed in one field: split at 、，,；; and line breaks (a pasted
/// list arrives with them), and at spaces between Chinese names ("王喆 李四" is two
/// inspectors; "Zhang San", a name written in Latin letters, stays one), each trimmed.
pub fn split_names(text: &str) -> Vec<String> {
    let han = |w: &str| {
        w.chars()
            .any(|c| matches!(c, '\u{3400}'..='\u{9fff}' | '\u{20000}'..='\u{3134f}'))
    };
    text.split(['、', '，', ',', ';', '；', '\n', '\r'])
        .flat_map(|part| {
            let words: Vec<&str> = part.split_whitespace().collect();
            if words.len() > 1 && words.iter().all(|w| han(w)) {
                words.into_iter().map(crate::text::clean_line).collect()
            } else {
                vec![crate::text::clean_line(&words.join(" "))]
            }
        })
        .filter(|s| !s.is_empty())
        .collect()
}

impl NewInspection {
    /// The same fields cleaned as they are stored: control characters dropped, each
    /// trimmed, empty inspector names left out.
    pub fn cleaned(mut self) -> NewInspection {
        use crate::text::clean_line;
        let i = &mut self.institution;
        for s in [
            &mut i.name,
            &mut i.region,
            &mut i.kind,
            &mut i.head,
            &mut i.phone,
        ] {
            *s = clean_line(s);
        }
        self.organiser = clean_line(&self.organiser);
        self.date = self.date.trim().to_string();
        self.inspectors = self
            .inspectors
            .iter()
            .flat_map(|n| split_names(n))
            .collect();
        self
    }

    /// Every problem, by field, in the words the new-inspection form shows. The TUI
    /// form and `pingshen new` both ask this, so they accept the same things.
    pub fn problems(&self) -> Vec<(NewField, String)> {
        use super::gate::{INSPECTORS_MAX, SHORT_TEXT_MAX};
        let mut out = Vec::new();
        let i = &self.institution;
        if i.name.trim().is_empty() {
            out.push((NewField::Name, "必填：请填写机构名称".to_string()));
        }
        if i.region.trim().is_empty() {
            out.push((NewField::Region, "必填：如 北京市东城区".to_string()));
        }
        if let Err(why) = parse_date(&self.date) {
            out.push((NewField::Date, why));
        }
        if self.inspectors.iter().all(|n| n.trim().is_empty()) {
            out.push((
                NewField::Inspectors,
                "必填：至少一位，多位用、或逗号分隔".to_string(),
            ));
        } else if self.inspectors.len() > INSPECTORS_MAX {
            out.push((
                NewField::Inspectors,
                format!("最多 {INSPECTORS_MAX} 位评审专家"),
            ));
        }
        if !i
            .phone
            .chars()
            .all(|c| c.is_ascii_digit() || " -+()（）".contains(c))
        {
            out.push((NewField::Phone, "只能包含数字、空格和 - + ( )".to_string()));
        }
        let fields = [
            (NewField::Name, &i.name),
            (NewField::Region, &i.region),
            (NewField::Kind, &i.kind),
            (NewField::Head, &i.head),
            (NewField::Phone, &i.phone),
            (NewField::Organiser, &self.organiser),
        ];
        for (field, value) in fields {
            if value.chars().count() > SHORT_TEXT_MAX {
                out.push((field, format!("太长：最多 {SHORT_TEXT_MAX} 个字")));
            }
        }
        for name in &self.inspectors {
            if name.chars().count() > SHORT_TEXT_MAX {
                out.push((
                    NewField::Inspectors,
                    format!("姓名太长：最多 {SHORT_TEXT_MAX} 个字"),
                ));
            }
        }
        out
    }

    /// [`NewInspection::problems`] as one error naming each field.
    pub fn validate(&self) -> Result<()> {
        let problems = self.problems();
        if problems.is_empty() {
            return Ok(());
        }
        let text: Vec<String> = problems
            .iter()
            .map(|(f, why)| format!("{}：{why}", f.label()))
            .collect();
        Err(StoreError::Invalid(format!(
            "新检查的信息有误：{}。",
            text.join("；")
        )))
    }
}

/// A review date as typed: `2026-12-01`, `2026/12/1`, `2026.12.1`, `20261201` or
/// `2026年12月1日`, as `YYYY-MM-DD`; or a sentence saying what is wrong with it.
pub fn parse_date(text: &str) -> std::result::Result<crate::time::Date, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("必填：日期写成 2026-11-23 这样".to_string());
    }
    let parts: Vec<&str> = if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        vec![&t[..4], &t[4..6], &t[6..]]
    } else {
        t.trim_end_matches('日')
            .split(['-', '/', '.', '年', '月'])
            .collect()
    };
    let numbers: Option<Vec<u32>> = parts
        .iter()
        .map(|p| {
            (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect();
    let Some([y, m, d]) = numbers
        .as_deref()
        .and_then(|n| <[u32; 3]>::try_from(n).ok())
    else {
        return Err("日期写成 2026-11-23 这样".to_string());
    };
    if !(1..=12).contains(&m) {
        return Err(format!("没有 {m} 月：月份是 1 到 12"));
    }
    match chrono::NaiveDate::from_ymd_opt(y as i32, m, d) {
        Some(date) if (2000..=2100).contains(&y) => Ok(date),
        Some(_) => Err(format!("年份 {y} 不对：请写四位年份，如 2026")),
        None => Err(format!("{y} 年 {m} 月没有 {d} 日")),
    }
}

/// What an edit changed, field by field: (label, old value, new value).
pub type Changed = Vec<(&'static str, String, String)>;

/// Corrections to an inspection's own fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct InspectionEdit {
    pub name: Option<String>,
    pub region: Option<String>,
    pub kind: Option<String>,
    pub head: Option<String>,
    pub phone: Option<String>,
    pub review_kind: Option<ReviewKind>,
    pub date: Option<String>,
    pub inspectors: Option<Vec<String>>,
    /// 组织单位.
    pub organiser: Option<String>,
    /// 综合评价 / 评审意见 (several lines); recorded as its own change.
    pub opinion: Option<String>,
}

impl InspectionEdit {
    /// Whether a field of [`Details`](super::journal::Details) is given (not only the
    /// opinion).
    fn touches_details(&self) -> bool {
        self.name.is_some()
            || self.region.is_some()
            || self.kind.is_some()
            || self.head.is_some()
            || self.phone.is_some()
            || self.review_kind.is_some()
            || self.date.is_some()
            || self.inspectors.is_some()
            || self.organiser.is_some()
    }
}

impl Store {
    /// Corrects inspection `id`'s own fields (checked as a new inspection's are) in one
    /// journal entry naming the old and new values, and its 综合评价 in another (both
    /// in one append), recorded as `by`'s. Returns what changed, field by field
    /// (label, old, new): nothing when nothing differs. An inspector who still has
    /// chapters assigned cannot be taken off.
    pub fn edit(&self, id: &str, edit: InspectionEdit, by: &str) -> Result<Changed> {
        use super::journal::Details;
        let inspection = self.get(id)?;
        self.ensure_open(&inspection)?;
        let old = Details::of(&inspection);
        let mut changes = Vec::new();
        let mut changed = Vec::new();
        if let Some(text) = &edit.opinion {
            let text = super::assess::long_text(text, "综合评价")?;
            if text != inspection.opinion {
                changed.push(("综合评价", inspection.opinion.clone(), text.clone()));
                changes.push(Change::Opinion {
                    old: inspection.opinion.clone(),
                    new: text,
                });
            }
        }
        if edit.touches_details() {
            let (details, differences) = self.corrected(&inspection, &old, edit)?;
            if !differences.is_empty() {
                changes.insert(0, Change::Edit { old, new: details });
                changed.splice(0..0, differences);
            }
        }
        if !changes.is_empty() {
            self.record(&inspection.id, by, changes)?;
        }
        Ok(changed)
    }

    /// The details `edit` makes of `old`, checked, and how they differ from it.
    fn corrected(
        &self,
        inspection: &Inspection,
        old: &super::journal::Details,
        edit: InspectionEdit,
    ) -> Result<(super::journal::Details, Changed)> {
        use super::journal::Details;
        let mut new = NewInspection {
            institution: old.institution.clone(),
            review_kind: edit.review_kind.unwrap_or(old.review_kind),
            date: edit.date.unwrap_or_else(|| old.date.to_string()),
            inspectors: edit.inspectors.unwrap_or_else(|| old.inspectors.clone()),
            sample: false,
            organiser: edit.organiser.unwrap_or_else(|| old.organiser.clone()),
        };
        let i = &mut new.institution;
        for (field, value) in [
            (&mut i.name, edit.name),
            (&mut i.region, edit.region),
            (&mut i.kind, edit.kind),
            (&mut i.head, edit.head),
            (&mut i.phone, edit.phone),
        ] {
            if let Some(v) = value {
                *field = v;
            }
        }
        let new = new.cleaned();
        new.validate()?;
        let date =
            parse_date(&new.date).map_err(|why| StoreError::Invalid(format!("评审日期：{why}")))?;
        let details = Details {
            institution: new.institution,
            review_kind: new.review_kind,
            date,
            inspectors: new.inspectors,
            organiser: new.organiser,
        };
        for (who, chapters) in &inspection.assignments {
            if !chapters.is_empty() && !details.inspectors.contains(who) {
                return Err(StoreError::Invalid(format!(
                    "{who} 还负责第 {} 章，不能从评审专家中去掉；请先取消其分工（pingshen assign {} --inspector {who}），或重新分配这些章。",
                    chapters.join("、"),
                    inspection.id
                )));
            }
        }
        let differences = old.differences(&details);
        Ok((details, differences))
    }

    /// Starts an inspection pinned to `source`, the checklist's exact text, recorded
    /// as `by`'s.
    pub fn create(
        &self,
        new: NewInspection,
        checklist: &Checklist,
        source: &Source,
        by: &str,
    ) -> Result<Inspection> {
        let new = new.cleaned();
        new.validate()?;
        let date =
            parse_date(&new.date).map_err(|why| StoreError::Invalid(format!("评审日期：{why}")))?;
        let facility = if new.sample {
            None
        } else {
            // The inspection is made whatever the register says: a register that
            // cannot be read or written must not stop a review day.
            let found = self
                .facility_for(&new.institution, by)
                .unwrap_or_else(|e| Err(e.to_string()));
            match found {
                Ok(id) => Some(id),
                Err(why) => {
                    self.set_warning(format!(
                        "这次检查没有归入机构名录（{why}）：问题解决后用 pingshen facility assign 归入。"
                    ));
                    None
                }
            }
        };
        let sha = source.sha256();
        let id = self.fresh_id(&now().rfc3339())?;
        self.pin_text(&sha, &source.text)?;
        self.record(
            &id,
            by,
            vec![Change::Create {
                institution: new.institution,
                review_kind: new.review_kind,
                date,
                inspectors: new.inspectors,
                checklist: ChecklistPin {
                    id: checklist.id.clone(),
                    version: checklist.version.clone(),
                    title: checklist.title.clone(),
                    sha256: sha,
                },
                sample: new.sample,
                organiser: new.organiser,
                facility,
            }],
        )?;
        let inspection = self.stored_inspection(&id)?;
        let _ = self.backup_inspection(&id);
        Ok(inspection)
    }

    /// Keeps a checklist text in `pinned/`, once per sha256, synced before any entry
    /// refers to it.
    pub(super) fn pin_text(&self, sha: &str, text: &str) -> Result<()> {
        let path = pinned_path(&self.dir, sha)?;
        if path.exists() {
            return Ok(());
        }
        super::envelope::write_atomically(&path, text).map_err(|e| {
            super::error::io_write_err(&e, Some(&format!("清单 {} 无法写入", path.display())))
        })
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
            let taken = self
                .overviews
                .contains_key(id.as_bytes())
                .map_err(read_err)?
                || super::journal::journal_path(&self.dir, &id).exists();
            if !taken {
                return Ok(id);
            }
        }
        unreachable!("the loop above only ends by returning")
    }

    /// The inspection whose id is `id` or starts with it (like a git hash).
    pub fn resolve(&self, id: &str) -> Result<String> {
        let id = id.trim();
        // Ids are lowercase hex; anything else names no inspection (and a NUL or a
        // path must never reach a key or a file name).
        if id.is_empty() || !id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(StoreError::UnknownInspection(
                crate::text::for_terminal(id).into_owned(),
            ));
        }
        if self
            .overviews
            .contains_key(id.as_bytes())
            .map_err(read_err)?
            || (super::gate::is_inspection_id(id)
                && super::journal::journal_path(&self.dir, id).exists())
        {
            return Ok(id.to_string());
        }
        let matches: Vec<String> = self
            .overviews
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

    /// The inspection, its projection first checked against its journal's end (and
    /// rebuilt from the journal when they differ).
    pub fn get(&self, id: &str) -> Result<Inspection> {
        self.ensure_current(id)?;
        self.healing(id, || self.stored_inspection(id), |p| p.inspection)
    }

    /// Every inspection, newest review date first.
    pub fn list(&self) -> Result<Vec<Inspection>> {
        Ok(self
            .overviews()?
            .into_iter()
            .map(|o| o.inspection)
            .collect())
    }

    /// The pinned checklist text of `sha256`.
    pub fn checklist_text(&self, sha256: &str) -> Result<String> {
        let path = pinned_path(&self.dir, sha256)?;
        let text = std::fs::read_to_string(&path).map_err(|e| {
            StoreError::PinnedChecklist(
                sha256.to_string(),
                format!("清单文本 {} 无法读取（{e}）", path.display()),
            )
        })?;
        if crate::checklist::sha256_hex(text.as_bytes()) != sha256 {
            return Err(StoreError::PinnedChecklist(
                sha256.to_string(),
                format!("{} 的内容与其 sha256 不符（文件被改动过）", path.display()),
            ));
        }
        Ok(text)
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

    /// Deletes an inspection: its journal is moved to `deleted/` (from where
    /// `pingshen import` can bring it back, after an export of it) and its projection
    /// removed. Returns where the journal went.
    pub fn delete(&self, id: &str) -> Result<std::path::PathBuf> {
        let safe_id = super::gate::checked_id(id)?.to_string();
        self.get(&safe_id)?;
        let kept = self.dir.join("deleted").join(format!(
            "{safe_id}-{}.pingshen",
            chrono::Local::now().format("%Y%m%dT%H%M%S%.3f")
        ));
        self.export(&safe_id)?
            .write(&kept)
            .map_err(|e| StoreError::Write(format!("删除前的备份未能写入（{e}），检查未删除")))?;
        let guard = self.write_guard()?;
        let journal = super::journal::journal_path(&self.dir, &safe_id);
        let moved = self.dir.join("deleted").join(format!(
            "{safe_id}-{}.jsonl",
            chrono::Local::now().format("%Y%m%dT%H%M%S%.3f")
        ));
        if journal.exists() {
            std::fs::rename(&journal, &moved).map_err(|e| {
                StoreError::Write(format!("日志无法移到 deleted/（{e}），检查未删除"))
            })?;
        }
        let conflicts = self.keys_of(&self.conflicts, &safe_id)?;
        self.forget_sheet(&safe_id);
        // One transaction: a crash leaves the projection either whole or gone; with
        // the journal moved, a leftover projection is removed on the next list.
        use sled::Transactional;
        (
            &self.sheets,
            &self.conflicts,
            &self.overviews,
            &self.tails,
            &self.results,
        )
            .transaction(|(a, conf, o, t, r)| {
                a.remove(safe_id.as_bytes())?;
                o.remove(safe_id.as_bytes())?;
                r.remove(safe_id.as_bytes())?;
                t.remove(safe_id.as_bytes())?;
                for k in &conflicts {
                    conf.remove(k)?;
                }
                Ok(())
            })
            .map_err(tx_err)?;
        self.reset_changes(&safe_id)?;
        self.flush()?;
        guard.done();
        // Its backup would bring it back on `recover`; the copy in deleted/ keeps it.
        let _ = std::fs::remove_file(super::backup::backup_path(&self.dir, &safe_id));
        Ok(kept)
    }
}

/// Where the checklist text of `sha256` is kept; refuses anything but 64 hex digits.
pub(super) fn pinned_path(dir: &std::path::Path, sha256: &str) -> Result<std::path::PathBuf> {
    if sha256.len() != 64
        || !sha256
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(StoreError::Refused(format!(
            "清单的 sha256「{}」格式不正确",
            crate::text::for_terminal_line(sha256)
        )));
    }
    Ok(dir.join("pinned").join(format!("{sha256}.toml")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspectors_are_told_apart_however_they_are_separated() {
        let want = vec!["王喆".to_string(), "李四".to_string(), "赵六".to_string()];
        for typed in [
            "王喆、李四、赵六",
            "王喆，李四,赵六",
            "王喆 李四　赵六",
            "王喆\t 李四 、赵六",
            "王喆\n李四\r\n赵六",
            "  王喆 ;李四；  赵六 ",
        ] {
            assert_eq!(split_names(typed), want, "{typed:?}");
        }
        assert_eq!(split_names("Zhang  San、李四"), vec!["Zhang San", "李四"]);
        assert_eq!(split_names("买买提·艾力 李四"), vec!["买买提·艾力", "李四"]);
    }

    #[test]
    fn dates_are_read_in_the_spellings_people_use_and_impossible_ones_say_why() {
        for typed in [
            "2026-12-01",
            "2026/12/1",
            "20261201",
            "2026年12月1日",
            "2026.12.01",
        ] {
            assert_eq!(
                parse_date(typed).map(|d| d.to_string()),
                Ok("2026-12-01".to_string()),
                "{typed}"
            );
        }
        assert!(parse_date("2026-13-45").unwrap_err().contains("1 到 12"));
        assert!(parse_date("2026-02-30").unwrap_err().contains("没有 30 日"));
    }
}
