//! The facility register: `facilities.jsonl` in the data dir, one signed line per
//! change (a facility added, corrected, or merged into another), each naming who
//! made it, when, and the hash of the line before it. Appended and synced before
//! anything is reported saved, like an inspection's journal. It is small (a district
//! has hundreds of facilities), so it is read whole when asked for.
//!
//! A register file is checked as hostile when read ([`Register::parse`]): every line
//! must parse, follow the line before it, carry a valid signature and hold a facility
//! the gate of [`super::facility`] accepts; otherwise it is refused whole, with the
//! line and why, and nothing is changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::error::{Result, StoreError, io_write_err};
use super::facility::{Facility, FacilityDraft, check_facility, same_key};
use super::journal::Author;
use super::{Store, now};
use crate::text::for_terminal_line;
use crate::time::Stamp;

/// The register's file name in the data dir.
pub const REGISTER_FILE: &str = "facilities.jsonl";
/// Largest register read, in bytes: ten thousand facilities each corrected many times.
pub const REGISTER_MAX: u64 = 64 * 1024 * 1024;
/// Longest chain of merges followed (a merged facility merged again…).
const MERGE_HOPS: usize = 64;

/// What one line of the register changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FacilityChange {
    Add {
        facility: Facility,
    },
    Edit {
        old: Facility,
        new: Facility,
    },
    /// `from` is the same facility as `into`: its inspections count as `into`'s.
    Merge {
        from: Facility,
        into: String,
    },
}

/// One line of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterEntry {
    /// A uuid v7.
    pub id: String,
    pub at: Stamp,
    pub author: Author,
    /// The sha256 of the line before, empty for the first.
    pub prev: String,
    pub change: FacilityChange,
    /// The author key's signature of the line without this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
}

impl RegisterEntry {
    fn signed_bytes(&self) -> Vec<u8> {
        let unsigned = RegisterEntry {
            sig: None,
            ..self.clone()
        };
        super::encode(&unsigned)
    }
}

/// The register as read: every facility now, what was merged into what, and the
/// history (who changed which facility, when).
#[derive(Debug, Clone, Default)]
pub struct Register {
    facilities: BTreeMap<String, Facility>,
    /// Merged facility id -> the facility it was merged into.
    merged: BTreeMap<String, String>,
    entries: Vec<RegisterEntry>,
    /// The sha256 of the last line.
    head: String,
    /// [`same_key`] of each facility's name and region -> its id: what
    /// [`Register::matching`] looks up at every new inspection.
    by_key: std::collections::HashMap<String, String>,
}

impl Register {
    /// Every facility (merged ones left out), by id.
    pub fn facilities(&self) -> impl Iterator<Item = &Facility> {
        self.facilities.values()
    }

    pub fn len(&self) -> usize {
        self.facilities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.facilities.is_empty()
    }

    /// Every change, oldest first.
    pub fn entries(&self) -> &[RegisterEntry] {
        &self.entries
    }

    /// The facility `id` stands for now: itself, or what it was merged into.
    pub fn resolve(&self, id: &str) -> Option<&Facility> {
        let mut id = id;
        for _ in 0..MERGE_HOPS {
            if let Some(f) = self.facilities.get(id) {
                return Some(f);
            }
            id = self.merged.get(id)?;
        }
        None
    }

    /// The id `id` counts as now (itself when unknown).
    pub fn current_id<'a>(&'a self, id: &'a str) -> &'a str {
        self.resolve(id).map_or(id, |f| f.id.as_str())
    }

    /// The facility typed as `text`: an id or its first digits (at least 4), or its
    /// name (written as [`same_key`] folds it; with `region` when two share a name).
    pub fn find(&self, text: &str) -> std::result::Result<&Facility, String> {
        let t = text.trim();
        let shown = for_terminal_line(t);
        if t.len() >= 4 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            let lower = t.to_ascii_lowercase();
            if let Some(f) = self.resolve(&lower) {
                return Ok(f);
            }
            let hits: Vec<&Facility> = self
                .facilities
                .values()
                .filter(|f| f.id.starts_with(&lower))
                .collect();
            match hits.as_slice() {
                [one] => return Ok(one),
                [] => {}
                many => {
                    return Err(format!(
                        "有 {} 家机构的编号以「{shown}」开头，请多写几位：{}",
                        many.len(),
                        many.iter()
                            .map(|f| format!("{} {}", f.id, f.name))
                            .collect::<Vec<_>>()
                            .join("、")
                    ));
                }
            }
        }
        let key = |name: &str| same_key(name, "");
        let hits: Vec<&Facility> = self
            .facilities
            .values()
            .filter(|f| key(&f.name) == key(t))
            .collect();
        // Not the whole name: part of it, or pinyin initials, if only one has it.
        let query = crate::text::search::Query::parse(t);
        let hits = if hits.is_empty() && !query.is_empty() {
            self.facilities
                .values()
                .filter(|f| query.matches([f.name.as_str()]))
                .collect()
        } else {
            hits
        };
        match hits.as_slice() {
            [one] => Ok(one),
            [] => Err(format!(
                "没有名称或编号为「{shown}」的机构。运行 pingshen facility list 查看已登记的机构，或用 pingshen facility add 登记。"
            )),
            many => Err(format!(
                "「{shown}」可指 {} 家机构，请写全名称或用编号指明：{}",
                many.len(),
                many.iter()
                    .take(10)
                    .map(|f| format!("{} {}（{}）", f.id, f.name, f.region))
                    .collect::<Vec<_>>()
                    .join("、")
            )),
        }
    }

    /// The facility with this spelling of name and region ([`same_key`]), if one.
    pub fn matching(&self, name: &str, region: &str) -> Option<&Facility> {
        self.by_key
            .get(&same_key(name, region))
            .and_then(|id| self.facilities.get(id))
    }

    /// Reads a register from its bytes, checking every line; `shown` names the file
    /// in messages. A last line without its newline was never reported saved and is
    /// left out.
    pub fn parse(bytes: &[u8], shown: &str) -> std::result::Result<Register, String> {
        let mut r = Register::default();
        let whole = match bytes.iter().rposition(|b| *b == b'\n') {
            Some(i) => &bytes[..=i],
            None => &bytes[..0],
        };
        for (n, line) in whole.split(|b| *b == b'\n').enumerate() {
            if line.is_empty() {
                continue;
            }
            let at = format!("{shown} 第 {} 行", n + 1);
            let entry: RegisterEntry =
                serde_json::from_slice(line).map_err(|e| format!("{at}无法解析（{e}）"))?;
            if entry.prev != r.head {
                return Err(format!(
                    "{at}没有接在上一行之后（记录的上一行哈希不符）：文件被改动过或拼接过"
                ));
            }
            let signed = match (&entry.author.key, &entry.sig) {
                (Some(key), Some(sig)) => key.verifies(&entry.signed_bytes(), sig),
                _ => false,
            };
            if !signed {
                return Err(format!(
                    "{at}的签名无效：这一行被改动过，或不是 pingshen 写的"
                ));
            }
            if crate::text::clean_line(&entry.author.name) != entry.author.name
                || entry.author.name.is_empty()
            {
                return Err(format!("{at}的操作人姓名含有控制字符或为空"));
            }
            r.apply(&entry.change)
                .map_err(|why| format!("{at}：{why}"))?;
            r.head = crate::checklist::sha256_hex(line);
            r.entries.push(entry);
        }
        Ok(r)
    }

    /// Applies one change, refused (with why) when it does not fit the register.
    fn apply(&mut self, change: &FacilityChange) -> std::result::Result<(), String> {
        let taken =
            |r: &Register, id: &str| r.facilities.contains_key(id) || r.merged.contains_key(id);
        match change {
            FacilityChange::Add { facility } => {
                check_facility(facility)?;
                if taken(self, &facility.id) {
                    return Err(format!("机构编号 {} 重复登记", facility.id));
                }
                self.by_key
                    .entry(same_key(&facility.name, &facility.region))
                    .or_insert_with(|| facility.id.clone());
                self.facilities
                    .insert(facility.id.clone(), facility.clone());
            }
            FacilityChange::Edit { old, new } => {
                check_facility(new)?;
                if old.id != new.id || self.facilities.get(&old.id) != Some(old) {
                    return Err(format!("修改的机构 {} 与登记的不符", new.id));
                }
                self.unkey(old);
                self.by_key
                    .entry(same_key(&new.name, &new.region))
                    .or_insert_with(|| new.id.clone());
                self.facilities.insert(new.id.clone(), new.clone());
            }
            FacilityChange::Merge { from, into } => {
                if from.id == *into
                    || self.facilities.get(&from.id) != Some(from)
                    || !self.facilities.contains_key(into)
                {
                    return Err(format!("合并的机构 {} → {} 与登记的不符", from.id, into));
                }
                self.facilities.remove(&from.id);
                self.unkey(from);
                self.merged.insert(from.id.clone(), into.clone());
            }
        }
        Ok(())
    }

    /// Forgets `f`'s key, and gives it to another facility of the same key, if one
    /// (a register read from a file may hold two: the file is not refused for it).
    fn unkey(&mut self, f: &Facility) {
        let k = same_key(&f.name, &f.region);
        if self.by_key.get(&k) == Some(&f.id) {
            self.by_key.remove(&k);
            if let Some(other) = self
                .facilities
                .values()
                .find(|o| o.id != f.id && same_key(&o.name, &o.region) == k)
            {
                self.by_key.insert(k, other.id.clone());
            }
        }
    }
}

/// The register's path in `data_dir`.
pub fn register_path(data_dir: &Path) -> PathBuf {
    data_dir.join(REGISTER_FILE)
}

/// What a facility edit changed, field by field: (label, old, new).
pub fn facility_differences(old: &Facility, new: &Facility) -> super::inspections::Changed {
    let n = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
    let rows = [
        ("机构名称", old.name.clone(), new.name.clone()),
        ("所在区县", old.region.clone(), new.region.clone()),
        ("机构类型", old.kind.clone(), new.kind.clone()),
        ("卫生院级别", old.subtype.clone(), new.subtype.clone()),
        ("机构代码", old.code.clone(), new.code.clone()),
        ("机构负责人", old.head.clone(), new.head.clone()),
        ("联系电话", old.phone.clone(), new.phone.clone()),
        (
            "社区医院",
            old.community_hospital_text(),
            new.community_hospital_text(),
        ),
        ("服务人口", n(old.population), n(new.population)),
        ("卫生技术人员数", n(old.staff), n(new.staff)),
    ];
    rows.into_iter().filter(|(_, a, b)| a != b).collect()
}

impl Store {
    /// The facility register, read and checked whole the first time, then kept as
    /// this store writes it. No file: an empty register.
    pub fn facilities(&self) -> Result<Arc<Register>> {
        let mut cached = self.register.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = cached.as_ref() {
            return Ok(Arc::clone(r));
        }
        let read = Arc::new(self.read_register()?);
        *cached = Some(Arc::clone(&read));
        Ok(read)
    }

    fn read_register(&self) -> Result<Register> {
        let path = register_path(&self.dir);
        let shown = path.display().to_string();
        let bytes = match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Register::default()),
            Err(e) => return Err(StoreError::Read(format!("{shown} 无法读取（{e}）"))),
            Ok(m) if m.len() > REGISTER_MAX => {
                return Err(StoreError::Refused(format!(
                    "机构名录 {shown} 有 {} 字节，超过上限 {REGISTER_MAX}：这不是 pingshen 写的文件",
                    m.len()
                )));
            }
            Ok(_) => std::fs::read(&path)
                .map_err(|e| StoreError::Read(format!("{shown} 无法读取（{e}）")))?,
        };
        Register::parse(&bytes, &shown).map_err(|why| {
            StoreError::Invalid(format!(
                "机构名录无法使用：{why}。名录未被改动。请从你的备份恢复这个文件；没有备份时把它移开，再运行 pingshen facility migrate 从检查记录重新生成名录（检查记录不受影响）。"
            ))
        })
    }

    /// Appends `changes` to the register, each signed and chained, then syncs it;
    /// each is checked against the register first, so a refused change writes
    /// nothing. Returns the register after them.
    fn register_changes(&self, by: &str, changes: Vec<FacilityChange>) -> Result<Arc<Register>> {
        let by = crate::text::clean_line(by);
        if by.is_empty() {
            return Err(StoreError::Invalid(
                "请写明是谁在操作（姓名），例如 --as 王喆。".into(),
            ));
        }
        // One writer at a time from reading the register to its append, so two
        // appends never name the same line before them.
        let guard = self.write_guard()?;
        match self.register_lines(&by, changes) {
            Ok((register, lines)) => {
                let path = register_path(&self.dir);
                super::journal::file::append_lines(&path, &lines).map_err(|e| {
                    io_write_err(&e, Some(&format!("机构名录 {} 无法写入", path.display())))
                })?;
                *self.register.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some(Arc::clone(&register));
                guard.done();
                Ok(register)
            }
            // Refused before anything was written: the store writes on.
            Err(e) => {
                guard.done();
                Err(e)
            }
        }
    }

    /// The register after `changes`, and their lines, signed and chained; nothing
    /// written. Changed in place when nobody else holds it (the usual case), else
    /// copied; the kept register is put back only once the lines are synced, so a
    /// refused or failed change leaves it to be read afresh from its file.
    fn register_lines(
        &self,
        by: &str,
        changes: Vec<FacilityChange>,
    ) -> Result<(Arc<Register>, Vec<String>)> {
        let mut register = self.facilities()?;
        self.register
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        let r = Arc::make_mut(&mut register);
        let by = by.to_string();
        let mut lines = Vec::with_capacity(changes.len());
        for change in changes {
            r.apply(&change).map_err(StoreError::Invalid)?;
            let mut entry = RegisterEntry {
                id: uuid::Uuid::now_v7().to_string(),
                at: now(),
                author: Author {
                    name: by.clone(),
                    key: Some(self.identity.public_key()),
                },
                prev: r.head.clone(),
                change,
                sig: None,
            };
            entry.sig = Some(self.identity.sign(&entry.signed_bytes()));
            let line = String::from_utf8_lossy(&super::encode(&entry)).into_owned();
            r.head = crate::checklist::sha256_hex(line.as_bytes());
            r.entries.push(entry);
            lines.push(line);
        }
        Ok((register, lines))
    }

    /// Registers a new facility from `draft` (name, region and type required).
    /// Refused when one with the same name and region ([`same_key`]) is registered.
    pub fn add_facility(&self, draft: &FacilityDraft, by: &str) -> Result<Facility> {
        let register = self.facilities()?;
        let blank = Facility::blank(self.fresh_facility_id(&register));
        let facility = draft.checked(&blank).map_err(StoreError::Invalid)?;
        if let Some(same) = register.matching(&facility.name, &facility.region) {
            return Err(StoreError::Invalid(format!(
                "{} 已登记了「{}」（编号 {}）：要修改它，用 pingshen facility edit {}。",
                same.region, same.name, same.id, same.id
            )));
        }
        drop(register);
        self.register_changes(
            by,
            vec![FacilityChange::Add {
                facility: facility.clone(),
            }],
        )?;
        Ok(facility)
    }

    /// Corrects facility `id` (an id, its first digits or its name). Returns what
    /// changed, field by field; nothing when nothing differs.
    pub fn edit_facility(
        &self,
        id: &str,
        draft: &FacilityDraft,
        by: &str,
    ) -> Result<(Facility, super::inspections::Changed)> {
        let register = self.facilities()?;
        let old = register.find(id).map_err(StoreError::Invalid)?.clone();
        let new = draft.checked(&old).map_err(StoreError::Invalid)?;
        if let Some(same) = register.matching(&new.name, &new.region)
            && same.id != new.id
        {
            return Err(StoreError::Invalid(format!(
                "{} 已有一家「{}」（编号 {}）：若是同一机构，用 pingshen facility merge {} {} 合并。",
                same.region, same.name, same.id, old.id, same.id
            )));
        }
        let changed = facility_differences(&old, &new);
        if !changed.is_empty() {
            self.register_changes(
                by,
                vec![FacilityChange::Edit {
                    old,
                    new: new.clone(),
                }],
            )?;
        }
        Ok((new, changed))
    }

    /// Facility `from` is the same as `into`: from now on its inspections count as
    /// `into`'s (their own records are not rewritten). Returns both.
    pub fn merge_facilities(
        &self,
        from: &str,
        into: &str,
        by: &str,
    ) -> Result<(Facility, Facility)> {
        let register = self.facilities()?;
        let from = register.find(from).map_err(StoreError::Invalid)?.clone();
        let into = register.find(into).map_err(StoreError::Invalid)?.clone();
        if from.id == into.id {
            return Err(StoreError::Invalid(format!(
                "「{}」和「{}」是同一家机构（编号 {}），无需合并。",
                from.name, into.name, from.id
            )));
        }
        self.register_changes(
            by,
            vec![FacilityChange::Merge {
                from: from.clone(),
                into: into.id.clone(),
            }],
        )?;
        Ok((from, into))
    }

    fn fresh_facility_id(&self, register: &Register) -> String {
        loop {
            let uuid = uuid::Uuid::now_v7();
            let id = crate::checklist::sha256_hex(uuid.as_bytes())[..10].to_string();
            if register.resolve(&id).is_none() && !register.merged.contains_key(&id) {
                return id;
            }
        }
    }

    /// Adds facilities in one append (the migration): each checked as
    /// [`Store::add_facility`] checks one.
    pub(super) fn add_facilities(
        &self,
        drafts: &[FacilityDraft],
        by: &str,
    ) -> Result<Vec<Facility>> {
        let mut register = (*self.facilities()?).clone();
        let mut out = Vec::new();
        let mut changes = Vec::new();
        for draft in drafts {
            let blank = Facility::blank(self.fresh_facility_id(&register));
            let f = draft.checked(&blank).map_err(StoreError::Invalid)?;
            // Reserve the id for the next draft's fresh one.
            register
                .apply(&FacilityChange::Add {
                    facility: f.clone(),
                })
                .map_err(StoreError::Invalid)?;
            changes.push(FacilityChange::Add {
                facility: f.clone(),
            });
            out.push(f);
        }
        if !changes.is_empty() {
            self.register_changes(by, changes)?;
        }
        Ok(out)
    }

    /// The registered facility an inspection of `institution` is of: the one with
    /// the same name and region ([`same_key`]), or a new one registered from it. `None`
    /// (with why) when the institution's fields do not make a facility.
    pub(super) fn facility_for(
        &self,
        institution: &super::model::Institution,
        by: &str,
    ) -> Result<std::result::Result<String, String>> {
        if let Some(f) = self
            .facilities()?
            .matching(&institution.name, &institution.region)
        {
            return Ok(Ok(f.id.clone()));
        }
        let draft = FacilityDraft::of_institution(institution);
        if let Err(why) = draft.checked(&Facility::blank("0000000000".into())) {
            return Ok(Err(why));
        }
        Ok(Ok(self.add_facility(&draft, by)?.id))
    }

    /// After a merge: the inspection is under facility `id`, which a bundle carried
    /// (`carried`) and this register may lack. It is registered as the bundle holds
    /// it, and merged into the facility of the same name and region when this
    /// register has one. Recorded as this laptop's owner's. A register that cannot be
    /// read or written is told as a warning: the merge itself stands.
    pub(super) fn adopt_facility<'a>(
        &self,
        id: &str,
        carried: impl IntoIterator<Item = &'a Facility>,
    ) {
        let Ok(register) = self.facilities() else {
            return;
        };
        if register.resolve(id).is_some() || register.merged.contains_key(id) {
            return;
        }
        let Some(f) = carried.into_iter().find(|f| f.id == id) else {
            return;
        };
        let mut changes = vec![FacilityChange::Add {
            facility: f.clone(),
        }];
        if let Some(same) = register.matching(&f.name, &f.region) {
            changes.push(FacilityChange::Merge {
                from: f.clone(),
                into: same.id.clone(),
            });
        }
        drop(register);
        let by = self.identity.name().unwrap_or("本机用户").to_string();
        if let Err(e) = self.register_changes(&by, changes) {
            self.set_warning(format!(
                "检查已合并，但它所属的机构「{}」未能登记进机构名录（{e}）：可用 pingshen facility assign 归入。",
                f.name
            ));
        }
    }
}
