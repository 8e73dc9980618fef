//! Recording a change: the entries are appended to the inspection's journal and
//! synced — from then on the change is saved — and then the projection in sled is
//! updated in one transaction (state, overview, where the journal ends). sled is not
//! synced per change: after a crash it may lag behind the journal, and is caught up
//! from it the next time the inspection is read.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sled::Transactional;

use super::error::{Result, StoreError, io_write_err, read_err, tx_err};
use super::journal::{self, Change, Entry, Fold, Hash, Projection, file};
use super::merge::Conflict;
use super::model::{Assessment, Inspection};
use super::overview::Overview;
use super::{Store, decode, encode, key, prefix};

/// Where an inspection's journal ended when its projection was last written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Tail {
    pub entries: u64,
    pub len: u64,
    pub last_start: u64,
    /// The hash of the journal's last line.
    pub last: Hash,
    /// The entries no other follows: the parents of the next entry.
    pub heads: Vec<Hash>,
}

impl Tail {
    /// Where a journal holding `entries` (replayed into `p`) ends at `end`.
    pub(super) fn of(p: &Projection, entries: &journal::Hashed, end: file::End) -> Tail {
        Tail {
            entries: p.entries,
            len: end.len,
            last_start: end.last_start,
            last: entries.last().map(|(_, h)| h.clone()).unwrap_or_default(),
            heads: p.heads.clone(),
        }
    }
}

/// An inspection whose projection was rebuilt from its journal, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Healed {
    pub inspection: String,
    pub why: String,
}

impl Store {
    /// Appends `changes`, made by `by`, to inspection `id`'s journal as signed entries,
    /// syncs it, then updates the projection. Returns the entries written. An empty
    /// list writes nothing.
    pub(super) fn record(&self, id: &str, by: &str, changes: Vec<Change>) -> Result<Vec<Entry>> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let id = super::gate::checked_id(id)?.to_string();
        let by = crate::text::clean_line(by);
        if by.is_empty() {
            return Err(StoreError::Invalid(
                "请写明是谁在操作（评审专家姓名），例如 --as 王喆。".into(),
            ));
        }
        let guard = self.write_guard()?;
        let creating = matches!(changes.first(), Some(Change::Create { .. }));
        let tail = if creating {
            Tail::default()
        } else {
            self.current_tail(&id)?
        };
        let mut parents = tail.heads.clone();
        let mut entries = Vec::with_capacity(changes.len());
        let mut lines = Vec::with_capacity(changes.len());
        for change in changes {
            let e = Entry::signed(&self.identity, &by, &id, parents, change);
            let line = e.line();
            parents = vec![crate::checklist::sha256_hex(line.as_bytes())];
            entries.push(e);
            lines.push(line);
        }
        let path = file::journal_path(&self.dir, &id);
        let end = file::append_lines(&path, &lines)
            .map_err(|e| io_write_err(&e, Some(&format!("日志 {} 无法写入", path.display()))))?;
        // Saved from here on. What follows only brings sled up to date; if it fails,
        // the next read rebuilds the projection from the journal.
        // The inspection (in its overview), its sheet (every assessment, one value)
        // and the open conflicts of the items the entries touch are read; nothing else.
        let mut fold = if creating {
            Fold::default()
        } else {
            let items: std::collections::BTreeSet<&str> =
                entries.iter().filter_map(|e| e.change.item()).collect();
            let mut conflicts = Vec::new();
            for item in items {
                conflicts.extend(self.stored_conflicts_of(&id, item)?);
            }
            // Taken out of memory, not copied, when it is there: it comes back with
            // the change.
            let sheet = self.stored_sheet(&id, true)?;
            let sheet = Arc::try_unwrap(sheet).unwrap_or_else(|shared| (*shared).clone());
            Fold::from_state(self.stored_inspection(&id)?, sheet, conflicts)
        };
        for e in &entries {
            fold.apply(e, 0, &mut |_, _| true)
                .map_err(|why| StoreError::Write(format!("记录无法应用：{why}")))?;
        }
        let tail = Tail {
            entries: tail.entries + entries.len() as u64,
            len: end.len,
            last_start: end.last_start,
            last: parents.first().cloned().unwrap_or_default(),
            heads: parents,
        };
        match self.write_fold(&id, fold, &tail) {
            Ok(()) => guard.done(),
            Err(e) => self.set_warning(format!(
                "已保存到日志，但数据库未能更新（{e}）；下次打开时会从日志自动补上。"
            )),
        }
        self.count_change(&id, entries.len() as u64);
        Ok(entries)
    }

    /// Writes the sheet `fold` holds, the conflicts of the items it touched, the
    /// overview (with the inspection) and `tail`.
    fn write_fold(&self, id: &str, fold: Fold, tail: &Tail) -> Result<()> {
        let Some(inspection) = fold.inspection else {
            return Err(StoreError::Write("记录中没有检查本身".into()));
        };
        let checklist = self.pinned(&inspection)?;
        let overview = Overview::of(&inspection, &checklist, &fold.assessments);
        let results = super::overview::Results::of(&checklist, &fold.assessments);
        let mut conflict_puts: Vec<(Vec<u8>, Option<Vec<u8>>)> = Vec::new();
        for item in &fold.touched {
            for field in journal::Field::ALL {
                conflict_puts.push((
                    conflict_key(id, item, field),
                    fold.conflicts.get(&(item.clone(), field)).map(encode),
                ));
            }
        }
        self.commit(
            id,
            &overview,
            &results,
            fold.assessments,
            &conflict_puts,
            tail,
        )
    }

    /// One assessment as sled holds it, without checking it against the journal.
    pub(super) fn stored_assessment_of(&self, id: &str, item: &str) -> Result<Option<Assessment>> {
        Ok(self.stored_sheet(id, false)?.get(item).cloned())
    }

    /// The open conflicts of one item, as sled holds them.
    fn stored_conflicts_of(&self, id: &str, item: &str) -> Result<Vec<Conflict>> {
        let mut rest = item.as_bytes().to_vec();
        rest.push(0);
        let mut out = Vec::new();
        for entry in self.conflicts.scan_prefix(key(id, &rest)) {
            let (_, v) = entry.map_err(read_err)?;
            out.push(decode(&v, "冲突")?);
        }
        Ok(out)
    }

    /// Replaces everything sled holds for inspection `id` by `p`, in one transaction.
    pub(super) fn write_projection(&self, id: &str, p: &Projection, tail: &Tail) -> Result<()> {
        let checklist = self.pinned(&p.inspection)?;
        let overview = Overview::of(&p.inspection, &checklist, &p.assessments);
        let results = super::overview::Results::of(&checklist, &p.assessments);
        let mut conflict_puts: BTreeMap<Vec<u8>, Option<Vec<u8>>> = BTreeMap::new();
        for k in self.keys_of(&self.conflicts, id)? {
            conflict_puts.insert(k.to_vec(), None);
        }
        for c in &p.conflicts {
            conflict_puts.insert(conflict_key(id, &c.item_id, c.field), Some(encode(c)));
        }
        let conflict_puts: Vec<_> = conflict_puts.into_iter().collect();
        self.commit(
            id,
            &overview,
            &results,
            p.assessments.clone(),
            &conflict_puts,
            tail,
        )
    }

    /// One transaction: the inspection's sheet (every assessment), its conflicts set
    /// (`Some`) or removed (`None`), its overview (which holds the inspection), its
    /// results and where its journal ends.
    fn commit(
        &self,
        id: &str,
        overview: &Overview,
        results: &super::overview::Results,
        mut assessments: BTreeMap<String, Assessment>,
        conflict_puts: &[(Vec<u8>, Option<Vec<u8>>)],
        tail: &Tail,
    ) -> Result<()> {
        let overview = encode(&Overview {
            journal_len: tail.len,
            ..overview.clone()
        });
        let results = encode(results);
        assessments.retain(|_, a| !a.is_blank());
        let sheet = kept::write(&assessments);
        let sheet = sheet.as_slice();
        (
            &self.sheets,
            &self.conflicts,
            &self.overviews,
            &self.tails,
            &self.results,
        )
            .transaction(|(a, x, o, t, r)| {
                for (k, v) in conflict_puts {
                    match v {
                        Some(v) => x.insert(k.as_slice(), v.as_slice())?,
                        None => x.remove(k.as_slice())?,
                    };
                }
                a.insert(id.as_bytes(), sheet)?;
                o.insert(id.as_bytes(), overview.as_slice())?;
                t.insert(id.as_bytes(), encode(tail))?;
                r.insert(id.as_bytes(), results.as_slice())?;
                Ok(())
            })
            .map_err(tx_err)?;
        self.keep_sheet(CachedSheet {
            id: id.to_string(),
            len: tail.len,
            last: tail.last.clone(),
            sheet: Arc::new(assessments),
        });
        Ok(())
    }

    fn keep_sheet(&self, sheet: CachedSheet) {
        if let Ok(mut kept) = self.sheet.lock() {
            *kept = Some(sheet);
        }
    }

    /// Forgets the kept sheet of inspection `id` (it is being deleted).
    pub(super) fn forget_sheet(&self, id: &str) {
        if let Ok(mut kept) = self.sheet.lock()
            && kept.as_ref().is_some_and(|k| k.id == id)
        {
            *kept = None;
        }
    }

    /// Inspection `id`'s sheet as sled holds it: the one kept in memory when it goes
    /// with the journal end sled holds (taken out of memory when `take`), else
    /// decoded (and kept unless `take`).
    fn stored_sheet(&self, id: &str, take: bool) -> Result<Arc<BTreeMap<String, Assessment>>> {
        let tail = self.stored_tail(id)?;
        if let (Some(t), Ok(mut kept)) = (&tail, self.sheet.lock())
            && let Some(k) = kept.as_ref()
            && k.id == id
            && k.len == t.len
            && k.last == t.last
        {
            let sheet = k.sheet.clone();
            if take {
                *kept = None;
            }
            return Ok(sheet);
        }
        let sheet = Arc::new(match self.sheets.get(id.as_bytes()).map_err(read_err)? {
            Some(bytes) => kept::read(&bytes)?,
            None => BTreeMap::new(),
        });
        if let Some(t) = tail.filter(|_| !take) {
            self.keep_sheet(CachedSheet {
                id: id.to_string(),
                len: t.len,
                last: t.last,
                sheet: sheet.clone(),
            });
        }
        Ok(sheet)
    }

    pub(super) fn keys_of(&self, tree: &sled::Tree, id: &str) -> Result<Vec<sled::IVec>> {
        tree.scan_prefix(prefix(id))
            .keys()
            .map(|k| k.map_err(read_err))
            .collect()
    }

    pub(super) fn stored_tail(&self, id: &str) -> Result<Option<Tail>> {
        match self.tails.get(id.as_bytes()).map_err(read_err)? {
            Some(b) => Ok(Some(decode(&b, "日志位置")?)),
            None => Ok(None),
        }
    }

    /// Where inspection `id`'s journal ends, after making sure the projection is up to
    /// date with it: a journal longer than sled remembers, or ending in another entry,
    /// is replayed into a fresh projection first.
    pub(super) fn current_tail(&self, id: &str) -> Result<Tail> {
        let stored = self.stored_tail(id)?;
        let path = file::journal_path(&self.dir, id);
        let on_disk = file::tail(&path, stored.as_ref().map_or(0, |t| t.last_start))
            .map_err(|e| StoreError::Read(format!("无法读取日志 {}：{e}", path.display())))?;
        match (stored, on_disk) {
            (Some(t), Some((len, last))) if t.len == len && t.last == last => Ok(t),
            (_, Some(_)) => {
                let why = "数据库记录与日志不一致".to_string();
                self.heal(id, &why)?;
                self.stored_tail(id)?
                    .ok_or_else(|| StoreError::Read("重建后仍没有日志位置".into()))
            }
            (Some(_), None) => Err(StoreError::Hinted {
                message: format!(
                    "检查 {id} 的日志文件 {} 不见了：没有它，这次检查不能再修改。可以从备份恢复日志。",
                    path.display()
                ),
                hint: super::Hint::Recover,
            }),
            (None, None) => Err(StoreError::UnknownInspection(id.to_string())),
        }
    }

    /// Rebuilds inspection `id`'s projection from its journal (see
    /// [`Store::rebuild_one`]), and remembers why, to tell the user.
    pub(super) fn heal(&self, id: &str, why: &str) -> Result<()> {
        self.rebuild_one(id)?;
        if let Ok(mut h) = self.healed.lock() {
            h.push(Healed {
                inspection: id.to_string(),
                why: why.to_string(),
            });
        }
        Ok(())
    }

    /// Inspections rebuilt from their journals since the last call, for the faces to say.
    pub fn take_healed(&self) -> Vec<Healed> {
        self.healed
            .lock()
            .map(|mut h| std::mem::take(&mut *h))
            .unwrap_or_default()
    }

    /// The entries of inspection `id`'s journal. A journal with a damaged line is
    /// joined with its backup copy (the entries that read in either), written anew,
    /// and the damaged file moved aside; then the new end is returned too.
    pub(super) fn readable_journal(
        &self,
        id: &str,
    ) -> Result<(journal::Hashed, Option<file::End>)> {
        let path = file::journal_path(&self.dir, id);
        match file::read(&path) {
            Ok(l) => Ok((l.entries, None)),
            Err(file::ReadError::Damaged {
                good, why, line, ..
            }) => {
                let mut all = good;
                let backup = super::backup::read_backup(&super::backup::backup_path(&self.dir, id));
                match file::parse(&backup, id) {
                    Ok(b) => {
                        super::merge::unite_sound(&mut all, b.entries);
                    }
                    Err(file::ReadError::Damaged { good, .. }) => {
                        super::merge::unite_sound(&mut all, good);
                    }
                    Err(_) => {}
                }
                let end = self.rewrite_journal(id, &all, &format!("第 {line} 行损坏：{why}"))?;
                Ok((all, Some(end)))
            }
            Err(e) => Err(StoreError::Read(e.to_string())),
        }
    }

    /// Replaces inspection `id`'s journal by `entries`, the old file moved aside.
    pub(super) fn rewrite_journal(
        &self,
        id: &str,
        entries: &[(Entry, Hash)],
        why: &str,
    ) -> Result<file::End> {
        let path = file::journal_path(&self.dir, id);
        let aside = self.dir.join("journals").join("damaged").join(format!(
            "{id}-{}.jsonl",
            chrono::Local::now().format("%Y%m%dT%H%M%S%.6f")
        ));
        if path.exists() {
            std::fs::create_dir_all(aside.parent().unwrap_or(&self.dir))
                .and_then(|_| std::fs::rename(&path, &aside))
                .map_err(|e| io_write_err(&e, Some("损坏的日志无法移到一旁")))?;
        }
        let list: Vec<Entry> = entries.iter().map(|(e, _)| e.clone()).collect();
        let end = file::append(&path, &list)
            .map_err(|e| io_write_err(&e, Some(&format!("日志 {} 无法写入", path.display()))))?;
        self.restart_backup(id);
        self.set_warning(format!(
            "检查 {id} 的日志{why}；已用能读出的 {} 条记录（含备份中的）重写，原文件移到 {}。",
            entries.len(),
            aside.display()
        ));
        Ok(end)
    }

    /// The inspection as sled holds it, without checking it against the journal.
    /// The inspection as sled holds it: in its overview (kept once, not twice).
    pub(super) fn stored_inspection(&self, id: &str) -> Result<Inspection> {
        let bytes = self
            .overviews
            .get(id.as_bytes())
            .map_err(read_err)?
            .ok_or_else(|| StoreError::UnknownInspection(id.to_string()))?;
        Ok(decode::<Overview>(&bytes, "检查")?.inspection)
    }

    /// Every assessment of an inspection, by item id (including items a repin removed),
    /// its projection first checked against its journal (see [`Store::get`]).
    pub fn assessments(&self, inspection_id: &str) -> Result<BTreeMap<String, Assessment>> {
        self.ensure_current(inspection_id)?;
        self.healing(
            inspection_id,
            || self.stored_assessments(inspection_id),
            |p| p.assessments,
        )
    }

    /// `read` of inspection `id`'s projection; when sled fails to give it (a value
    /// whose file is missing, a damaged page), the projection is rebuilt from the
    /// journal and read again.
    pub(super) fn healing<T>(
        &self,
        id: &str,
        read: impl Fn() -> Result<T>,
        from_journal: impl Fn(Projection) -> T,
    ) -> Result<T> {
        let why = match read() {
            Err(StoreError::Read(why))
                if super::gate::is_inspection_id(id)
                    && file::journal_path(&self.dir, id).exists() =>
            {
                why
            }
            other => return other,
        };
        if self.read_only.is_none()
            && self
                .heal(id, &format!("数据库记录读取出错（{why}）"))
                .is_ok()
            && let Ok(v) = read()
        {
            return Ok(v);
        }
        // sled cannot even be rewritten there (a value whose own file is gone cannot
        // be replaced in sled 0.34): answer from the journal, and have the next open
        // rebuild the whole database from the journals.
        let p = self.project_journal(id)?;
        if self.read_only.is_none() {
            let _ = super::envelope::write_atomically(&self.dir.join(REBUILD_MARK), why.as_bytes());
            self.set_warning(format!(
                "数据库文件有损坏（{why}），检查 {id} 已改从日志读取；下次打开 pingshen 时会把数据库移到一旁并从日志重建。"
            ));
        }
        Ok(from_journal(p))
    }

    /// What inspection `id`'s journal records, read and replayed now.
    pub(super) fn project_journal(&self, id: &str) -> Result<Projection> {
        let (entries, _) = self.readable_journal(id)?;
        journal::check(&entries, id, true)
            .map_err(|b| StoreError::Read(format!("检查 {id} 的日志{b}")))?;
        journal::project(&entries).map_err(|b| StoreError::Read(format!("检查 {id} 的日志{b}")))
    }

    /// The assessments as sled holds them (the inspection's sheet), without checking
    /// them against the journal.
    pub(super) fn stored_assessments(&self, id: &str) -> Result<BTreeMap<String, Assessment>> {
        Ok((*self.stored_sheet(id, false)?).clone())
    }

    /// Checks inspection `id`'s projection against its journal's end and rebuilds it
    /// when they differ (cheap: one `stat` and one read of the last line).
    pub(super) fn ensure_current(&self, id: &str) -> Result<()> {
        if super::gate::is_inspection_id(id) && self.read_only.is_none() {
            match self.current_tail(id) {
                Ok(_) | Err(StoreError::Hinted { .. } | StoreError::UnknownInspection(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The open conflicts of an inspection, by item and field.
    pub fn conflicts(&self, id: &str) -> Result<Vec<Conflict>> {
        self.ensure_current(id)?;
        self.healing(id, || self.stored_conflicts(id), |p| p.conflicts)
    }

    fn stored_conflicts(&self, id: &str) -> Result<Vec<Conflict>> {
        let mut out = Vec::new();
        for entry in self.conflicts.scan_prefix(prefix(id)) {
            let (_, v) = entry.map_err(read_err)?;
            out.push(decode(&v, "冲突")?);
        }
        Ok(out)
    }
}

/// Left in the data dir when sled failed in a way it cannot repair in place: the next
/// open moves the database aside and rebuilds it from the journals.
pub(super) const REBUILD_MARK: &str = "rebuild-db";

pub(super) fn conflict_key(id: &str, item: &str, field: journal::Field) -> Vec<u8> {
    let mut rest = item.as_bytes().to_vec();
    rest.push(0);
    rest.extend_from_slice(encode(&field).as_slice());
    key(id, &rest)
}

/// The sheet of the inspection last changed or read, with the journal end (length
/// and last line's hash) of the projection it was read from or written with: the
/// next change of that inspection reads it from here, not decoded again.
pub(super) struct CachedSheet {
    id: String,
    len: u64,
    last: Hash,
    sheet: Arc<BTreeMap<String, Assessment>>,
}

/// An inspection's sheet as sled keeps it: every assessment that holds anything, in
/// one value by item id, empty fields left out, short names, the time as numbers.
impl Store {
    /// Every sheet rewritten as this version keeps it (layout 4 → 5: deflated).
    pub(super) fn recompress_sheets(&self) -> Result<()> {
        for entry in self.sheets.iter() {
            let (k, v) = entry.map_err(read_err)?;
            let again = kept::recompress(&v)?;
            if again != v.as_ref() {
                self.sheets
                    .insert(k, again)
                    .map_err(super::error::write_err)?;
            }
        }
        self.flush()
    }
}

/// One value an inspection, not one an item: sled's nodes hold 16 keys, and 120
/// keys an inspection cost it more than twice the space of the values themselves.
mod kept {
    use std::borrow::Cow;
    use std::collections::BTreeMap;

    use serde::{Deserialize, Serialize};

    use super::super::model::{ActionPlan, Assessment, Evidence, FollowUp};
    use super::super::{Result, StoreError};
    use crate::scoring::Grade;
    use crate::time::Stamp;

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Kept<'a> {
        #[serde(rename = "g", default, skip_serializing_if = "Option::is_none")]
        grade: Option<Grade>,
        #[serde(rename = "n", default, borrow, skip_serializing_if = "str::is_empty")]
        note: Cow<'a, str>,
        #[serde(rename = "a", default, borrow, skip_serializing_if = "str::is_empty")]
        action: Cow<'a, str>,
        #[serde(rename = "e", default, skip_serializing_if = "<[Evidence]>::is_empty")]
        evidence: Cow<'a, [Evidence]>,
        #[serde(rename = "p", default, skip_serializing_if = "ActionPlan::is_default")]
        plan: ActionPlan,
        #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
        follow_up: Option<FollowUp>,
        #[serde(borrow)]
        by: Cow<'a, str>,
        /// Milliseconds since the epoch and the offset in seconds: what a
        /// [`Stamp`] holds to the millisecond, shorter than its RFC 3339 form.
        at: (i64, i32),
    }

    pub(super) fn write(sheet: &BTreeMap<String, Assessment>) -> Vec<u8> {
        let kept: BTreeMap<&str, Kept> = sheet
            .iter()
            .filter(|(_, a)| !a.is_blank())
            .map(|(item, a)| {
                let k = Kept {
                    grade: a.grade,
                    note: a.note.as_str().into(),
                    action: a.corrective_action.as_str().into(),
                    evidence: a.evidence.as_slice().into(),
                    plan: a.plan.clone(),
                    follow_up: a.follow_up,
                    by: a.by.as_str().into(),
                    at: (
                        a.at.datetime().timestamp_millis(),
                        a.at.datetime().offset().local_minus_utc(),
                    ),
                };
                (item.as_str(), k)
            })
            .collect();
        compress(super::encode(&kept))
    }

    /// A sheet of more than a few items is kept deflated, marked by a first byte
    /// that JSON never starts with: item ids, names and times repeat, so it shrinks
    /// to about a third, and sled (which keeps two to three times what it holds)
    /// writes a third as much with every change.
    const DEFLATED: u8 = 0x01;
    const SMALL: usize = 256;
    /// More than any sheet holds (the items of a checklist times the text limits):
    /// a damaged value cannot make the read allocate without bound.
    const INFLATED_MAX: u64 = 256 << 20;

    fn compress(json: Vec<u8>) -> Vec<u8> {
        use std::io::Write;
        if json.len() < SMALL {
            return json;
        }
        let mut out = vec![DEFLATED];
        let mut z = flate2::write::DeflateEncoder::new(&mut out, flate2::Compression::fast());
        if z.write_all(&json)
            .and_then(|()| z.finish().map(|_| ()))
            .is_err()
        {
            return json;
        }
        out
    }

    /// Rewrites a sheet as this version keeps it (deflated), for the upgrade.
    pub(super) fn recompress(bytes: &[u8]) -> Result<Vec<u8>> {
        Ok(write(&read(bytes)?))
    }

    pub(super) fn read(bytes: &[u8]) -> Result<BTreeMap<String, Assessment>> {
        use std::io::Read;
        let unreadable = |e: String| StoreError::Read(format!("评分记录无法解析（{e}）"));
        let inflated;
        let bytes = match bytes.split_first() {
            Some((&DEFLATED, rest)) => {
                let mut out = Vec::with_capacity(rest.len() * 4);
                flate2::read::DeflateDecoder::new(rest)
                    .take(INFLATED_MAX)
                    .read_to_end(&mut out)
                    .map_err(|e| unreadable(e.to_string()))?;
                inflated = out;
                inflated.as_slice()
            }
            _ => bytes,
        };
        let kept: BTreeMap<Cow<str>, Kept> =
            serde_json::from_slice(bytes).map_err(|e| unreadable(e.to_string()))?;
        kept.into_iter()
            .map(|(item, k)| {
                let (ms, offset) = k.at;
                let at = chrono::FixedOffset::east_opt(offset)
                    .and_then(|o| chrono::TimeZone::timestamp_millis_opt(&o, ms).single())
                    .map(Stamp::from_datetime)
                    .ok_or_else(|| unreadable(format!("条款 {item} 的时间不成立")))?;
                let a = Assessment {
                    item_id: item.to_string(),
                    grade: k.grade,
                    note: k.note.into_owned(),
                    corrective_action: k.action.into_owned(),
                    evidence: k.evidence.into_owned(),
                    plan: k.plan,
                    follow_up: k.follow_up,
                    by: k.by.into_owned(),
                    at,
                };
                Ok((item.into_owned(), a))
            })
            .collect()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_sheet_reads_back_as_it_was_written() {
            let mut a = Assessment::empty("2.5.3");
            a.grade = Some(Grade::B);
            a.by = "李强".into();
            a.at = Stamp::parse("2026-12-01T09:30:00.123+08:00").unwrap_or(a.at);
            let mut b = a.clone();
            b.item_id = "1.1.1".into();
            b.note = "消毒记录\"不全\"".into();
            b.corrective_action = "补齐".into();
            b.evidence
                .push(Evidence::named("evidence/ab.jpg", &"ab".repeat(32)));
            let blank = Assessment::empty("3.1.1");
            let sheet: BTreeMap<String, Assessment> = [a.clone(), b, blank]
                .into_iter()
                .map(|a| (a.item_id.clone(), a))
                .collect();
            let back = read(&write(&sheet)).unwrap();
            assert_eq!(back.len(), 2, "a blank assessment is not kept");
            assert_eq!(back["2.5.3"], a);
            assert_eq!(back["1.1.1"], sheet["1.1.1"]);
            assert_eq!(back["2.5.3"].at.rfc3339(), "2026-12-01T09:30:00.123+08:00");
            let one = write(&[(a.item_id.clone(), a)].into_iter().collect());
            assert!(one.len() <= 60, "{}", String::from_utf8_lossy(&one));
            assert_eq!(one[0], b'{', "a small sheet stays plain JSON");
        }

        #[test]
        fn a_full_sheet_is_kept_deflated_and_reads_back() {
            let sheet: BTreeMap<String, Assessment> = (1..=120)
                .map(|n| {
                    let mut a = Assessment::empty(&format!("{}.{}.{}", n / 40 + 1, n % 7, n));
                    a.grade = Some(Grade::C);
                    a.by = "张敏".into();
                    a.at = Stamp::parse("2026-12-01T09:30:00.123+08:00").unwrap_or(a.at);
                    a.note = if n % 3 == 0 {
                        "现场查看".into()
                    } else {
                        String::new()
                    };
                    (a.item_id.clone(), a)
                })
                .collect();
            let bytes = write(&sheet);
            assert_eq!(bytes[0], DEFLATED);
            assert!(
                read(&bytes).unwrap() == sheet,
                "the sheet read back differs"
            );
            // Plain, each item takes 50-odd bytes ({"1.0.14":{"g":"C","by":…,"at":[…]}}).
            assert!(bytes.len() < 120 * 50 / 3, "{} bytes deflated", bytes.len());
            // A sheet written plain (layout 4) still reads, and damage is an error.
            let json = super::super::encode(
                &serde_json::json!({"1.1.1": {"g": "B", "by": "张敏", "at": [0, 28800]}}),
            );
            assert_eq!(read(&json).unwrap()["1.1.1"].grade, Some(Grade::B));
            assert!(read(&[DEFLATED, 0xff, 0x00]).is_err());
        }
    }
}
