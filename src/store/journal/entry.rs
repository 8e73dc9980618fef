//! One journal entry: a change, who made it and when, the entries it follows, and a
//! signature. An entry is written as one line of JSON, exactly as
//! [`Entry::line`] makes it; its hash is the sha256 of that line.

use serde::{Deserialize, Serialize};

use crate::identity::{Identity, PublicKey};
use crate::scoring::Grade;
use crate::store::model::{
    ActionPlan, ChecklistPin, Evidence, FollowUp, Inspection, Institution, Progress, ReviewKind,
};
use crate::time::{Date, Stamp};

/// The sha256 of an entry's line, 64 lowercase hex digits.
pub type Hash = String;

/// Who wrote an entry: the name they acted as and the laptop's public key. Entries
/// migrated from an older pingshen have no key (they were never signed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Author {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<PublicKey>,
}

/// A field of an item that two laptops can change at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Grade,
    Note,
    CorrectiveAction,
    /// The 整改意见's 责任科室, 整改期限 and status.
    Plan,
    /// What was found of the previous review's 整改意见.
    FollowUp,
}

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::Grade => "档次",
            Field::Note => "备注",
            Field::CorrectiveAction => "整改意见",
            Field::Plan => "整改安排",
            Field::FollowUp => "上次整改落实",
        }
    }

    /// Every field, in the order an item shows them.
    pub const ALL: [Field; 5] = [
        Field::Grade,
        Field::Note,
        Field::CorrectiveAction,
        Field::Plan,
        Field::FollowUp,
    ];

    pub fn parse(text: &str) -> Option<Field> {
        match text.trim() {
            "档次" | "grade" | "评分" => Some(Field::Grade),
            "备注" | "note" => Some(Field::Note),
            "整改意见" | "action" | "corrective_action" => Some(Field::CorrectiveAction),
            "整改安排" | "plan" => Some(Field::Plan),
            "上次整改落实" | "落实" | "follow_up" => Some(Field::FollowUp),
            _ => None,
        }
    }
}

/// The value of a [`Field`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Grade(Option<Grade>),
    Text(String),
    /// Always has a `status`, which tells it from [`Checked`].
    Plan(ActionPlan),
    FollowUp(Checked),
}

/// A [`Field::FollowUp`] value: `{"follow_up": …}`, `null` when not (or no longer)
/// checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checked {
    pub follow_up: Option<FollowUp>,
}

/// A follow-up as shown: its label, or 未核查.
pub fn follow_up_text(f: Option<FollowUp>) -> String {
    f.map_or("未核查".to_string(), |f| f.label().to_string())
}

impl Value {
    /// As shown: a grade's label (待评 for none) or the text.
    pub fn shown(&self) -> String {
        match self {
            Value::Grade(g) => g.map_or("待评".to_string(), |g| g.label().to_string()),
            Value::Text(t) => t.clone(),
            Value::Plan(p) => p.summary(),
            Value::FollowUp(c) => follow_up_text(c.follow_up),
        }
    }
}

/// What an entry changes. Every change names its old value too, so the journal reads
/// as a history without replaying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// The inspection is started, pinned to the checklist whose text has this sha256.
    Create {
        institution: Institution,
        review_kind: ReviewKind,
        date: Date,
        inspectors: Vec<String>,
        checklist: ChecklistPin,
        #[serde(default)]
        sample: bool,
        /// 组织单位; left out when empty (as every creation before it was kept).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        organiser: String,
        /// The registered facility reviewed (its id in the facility register); left
        /// out when none, as every creation before facilities were kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        facility: Option<String>,
    },
    Grade {
        item: String,
        old: Option<Grade>,
        new: Option<Grade>,
    },
    Note {
        item: String,
        old: String,
        new: String,
    },
    /// 整改意见.
    CorrectiveAction {
        item: String,
        old: String,
        new: String,
    },
    /// The 整改意见's 责任科室, 整改期限 or status set.
    Plan {
        item: String,
        old: ActionPlan,
        new: ActionPlan,
    },
    /// The previous review's 整改意见 on the item checked (回头看, 复核).
    FollowUp {
        item: String,
        old: Option<FollowUp>,
        new: Option<FollowUp>,
    },
    AddEvidence {
        item: String,
        evidence: Evidence,
    },
    RemoveEvidence {
        item: String,
        evidence: Evidence,
    },
    /// 分工: `inspector` covers `new` (chapter ids; empty: no assignment).
    Assign {
        inspector: String,
        old: Vec<String>,
        new: Vec<String>,
    },
    /// The inspection's own fields corrected: the facility, the kind of review, the
    /// date, the inspectors, the organising unit.
    Edit {
        old: Details,
        new: Details,
    },
    /// 综合评价 / 评审意见, the inspection's overall opinion, written or changed.
    Opinion {
        old: String,
        new: String,
    },
    /// The inspection moves to another version of its checklist.
    Repin {
        old: ChecklistPin,
        new: ChecklistPin,
    },
    /// The registered facility the inspection is of, set or changed (the migration
    /// of inspections made before facilities were kept, a correction).
    Facility {
        old: Option<String>,
        new: Option<String>,
    },
    /// The facility's earlier inspection this one is compared with.
    Link {
        old: Option<String>,
        new: Option<String>,
    },
    /// 已完成 / reopened (a reopen says why).
    Status {
        old: Progress,
        new: Progress,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// A conflict settled: the field of the item takes `value`, the value `chosen`
    /// gave; `set_aside` are the other values, each with its entry, author and time.
    Settle {
        item: String,
        field: Field,
        chosen: crate::store::merge::Candidate,
        set_aside: Vec<crate::store::merge::Candidate>,
        value: Value,
    },
    /// An earlier change to an item taken back by the inspector who made it, on the
    /// laptop that made it: `of` is the id of the entry undone, `change` what this
    /// entry does (that entry's change reversed, with the value it found as `old`).
    Undo {
        of: String,
        change: Box<Change>,
    },
    /// An undo taken back: `of` is the id of the undo entry, `change` what it puts
    /// back.
    Redo {
        of: String,
        change: Box<Change>,
    },
    /// A line of the history kept by a pingshen from before the journal: shown in the
    /// history, changes nothing.
    Migrated {
        #[serde(default, skip_serializing_if = "String::is_empty")]
        item: String,
        field: String,
        old: String,
        new: String,
    },
    /// The whole state of an inspection as an older pingshen held it when it was
    /// migrated: the inspection, its assessments and its open conflicts.
    Snapshot {
        inspection: Box<Inspection>,
        assessments: Vec<crate::store::model::Assessment>,
        #[serde(default)]
        conflicts: Vec<crate::store::merge::Conflict>,
    },
}

/// The fields of an inspection that [`Change::Edit`] corrects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Details {
    pub institution: Institution,
    pub review_kind: ReviewKind,
    pub date: Date,
    pub inspectors: Vec<String>,
    /// 组织单位; left out when empty, so every edit written before it was kept reads
    /// and is written again byte for byte.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub organiser: String,
}

impl Details {
    pub fn of(i: &Inspection) -> Details {
        Details {
            institution: i.institution.clone(),
            review_kind: i.review_kind,
            date: i.date,
            inspectors: i.inspectors.clone(),
            organiser: i.organiser.clone(),
        }
    }

    /// What differs from `other`, field by field: (label, this value, the other's).
    pub fn differences(&self, other: &Details) -> Vec<(&'static str, String, String)> {
        let (a, b) = (&self.institution, &other.institution);
        let mut out = Vec::new();
        let mut field = |label, x: String, y: String| {
            if x != y {
                out.push((label, x, y));
            }
        };
        field("机构名称", a.name.clone(), b.name.clone());
        field("所在区县", a.region.clone(), b.region.clone());
        field("机构类型", a.kind.clone(), b.kind.clone());
        field("机构负责人", a.head.clone(), b.head.clone());
        field("联系电话", a.phone.clone(), b.phone.clone());
        field(
            "评审类型",
            self.review_kind.label().to_string(),
            other.review_kind.label().to_string(),
        );
        field("评审日期", self.date.to_string(), other.date.to_string());
        field(
            "评审专家",
            self.inspectors.join("、"),
            other.inspectors.join("、"),
        );
        field("组织单位", self.organiser.clone(), other.organiser.clone());
        out
    }
}

impl Change {
    /// What the change does: for an undo or a redo, the change it makes; otherwise
    /// itself.
    pub fn effective(&self) -> &Change {
        match self {
            Change::Undo { change, .. } | Change::Redo { change, .. } => change,
            other => other,
        }
    }

    /// Whether an inspector can undo this change: a change to one item's grade, note,
    /// 整改意见 or evidence.
    pub fn undoable(&self) -> bool {
        matches!(
            self,
            Change::Grade { .. }
                | Change::Note { .. }
                | Change::CorrectiveAction { .. }
                | Change::Plan { .. }
                | Change::FollowUp { .. }
                | Change::AddEvidence { .. }
                | Change::RemoveEvidence { .. }
        )
    }

    /// The item changed, if the change is to one item.
    pub fn item(&self) -> Option<&str> {
        match self.effective() {
            Change::Grade { item, .. }
            | Change::Note { item, .. }
            | Change::CorrectiveAction { item, .. }
            | Change::Plan { item, .. }
            | Change::FollowUp { item, .. }
            | Change::AddEvidence { item, .. }
            | Change::RemoveEvidence { item, .. }
            | Change::Settle { item, .. } => Some(item),
            Change::Migrated { item, .. } if !item.is_empty() => Some(item),
            _ => None,
        }
    }

    /// The conflict-prone field this change sets, with its new value.
    pub fn field(&self) -> Option<(&str, Field, Value)> {
        match self.effective() {
            Change::Grade { item, new, .. } => Some((item, Field::Grade, Value::Grade(*new))),
            Change::Note { item, new, .. } => Some((item, Field::Note, Value::Text(new.clone()))),
            Change::CorrectiveAction { item, new, .. } => {
                Some((item, Field::CorrectiveAction, Value::Text(new.clone())))
            }
            Change::Plan { item, new, .. } => Some((item, Field::Plan, Value::Plan(new.clone()))),
            Change::FollowUp { item, new, .. } => Some((
                item,
                Field::FollowUp,
                Value::FollowUp(Checked { follow_up: *new }),
            )),
            Change::Settle {
                item, field, value, ..
            } => Some((item, *field, value.clone())),
            _ => None,
        }
    }

    /// For the history: what changed (档次, 备注, …), the old value and the new one.
    pub fn describe(&self) -> (String, String, String) {
        let grade = |g: &Option<Grade>| g.map_or("待评".to_string(), |g| g.label().to_string());
        let pin = |p: &ChecklistPin| {
            format!(
                "{} sha256:{}",
                p.version,
                &p.sha256[..8.min(p.sha256.len())]
            )
        };
        let ev = |e: &Evidence| {
            format!(
                "{}（sha256 {}）",
                e.name(),
                &e.sha256[..8.min(e.sha256.len())]
            )
        };
        let s = |t: &str| t.to_string();
        match self {
            Change::Undo { change, .. } | Change::Redo { change, .. } => {
                let (what, old, new) = change.describe();
                let done = if matches!(self, Change::Undo { .. }) {
                    "撤销"
                } else {
                    "重做"
                };
                (format!("{what}（{done}）"), old, new)
            }
            Change::Create { checklist, .. } => (
                s("创建"),
                String::new(),
                format!("{} {}", checklist.id, checklist.version),
            ),
            Change::Grade { old, new, .. } => (s("档次"), grade(old), grade(new)),
            Change::Note { old, new, .. } => (s("备注"), old.clone(), new.clone()),
            Change::CorrectiveAction { old, new, .. } => (s("整改意见"), old.clone(), new.clone()),
            Change::Plan { old, new, .. } => (s("整改安排"), old.summary(), new.summary()),
            Change::FollowUp { old, new, .. } => (
                s("上次整改落实"),
                follow_up_text(*old),
                follow_up_text(*new),
            ),
            Change::AddEvidence { evidence, .. } => (s("佐证"), String::new(), ev(evidence)),
            Change::RemoveEvidence { evidence, .. } => (s("佐证"), ev(evidence), String::new()),
            Change::Assign {
                inspector,
                old,
                new,
            } => (
                s("分工"),
                format!("{inspector}：{}", old.join(",")),
                format!("{inspector}：{}", new.join(",")),
            ),
            Change::Edit { old, new } => {
                let d = old.differences(new);
                (
                    d.iter().map(|(l, _, _)| *l).collect::<Vec<_>>().join("、"),
                    d.iter()
                        .map(|(_, o, _)| o.as_str())
                        .collect::<Vec<_>>()
                        .join("；"),
                    d.iter()
                        .map(|(_, _, n)| n.as_str())
                        .collect::<Vec<_>>()
                        .join("；"),
                )
            }
            Change::Opinion { old, new } => (s("综合评价"), old.clone(), new.clone()),
            Change::Repin { old, new } => (s("清单"), pin(old), pin(new)),
            Change::Facility { old, new } => (
                s("机构"),
                old.clone().unwrap_or_default(),
                new.clone().unwrap_or_default(),
            ),
            Change::Link { old, new } => (
                s("上次评审"),
                old.clone().unwrap_or_default(),
                new.clone().unwrap_or_default(),
            ),
            Change::Status { old, new, reason } => (
                s("状态"),
                old.label().to_string(),
                if reason.is_empty() {
                    new.label().to_string()
                } else {
                    format!("{}（原因：{reason}）", new.label())
                },
            ),
            Change::Settle {
                field,
                chosen,
                set_aside,
                ..
            } => {
                let one = |c: &crate::store::merge::Candidate| {
                    format!("{}（{} {}）", c.value.shown(), c.by, c.at.minute())
                };
                (
                    format!("冲突裁定（{}）", field.label()),
                    set_aside.iter().map(one).collect::<Vec<_>>().join("；"),
                    one(chosen),
                )
            }
            Change::Migrated {
                field, old, new, ..
            } => (field.clone(), old.clone(), new.clone()),
            Change::Snapshot { assessments, .. } => (
                s("迁移"),
                String::new(),
                format!("旧版数据：{} 条评分", assessments.len()),
            ),
        }
    }
}

/// The sha256 of every checklist text `change` pins an inspection to.
pub fn pins(change: &Change) -> Vec<String> {
    match change {
        Change::Create { checklist, .. } => vec![checklist.sha256.clone()],
        Change::Repin { old, new } => vec![old.sha256.clone(), new.sha256.clone()],
        Change::Snapshot { inspection, .. } => vec![inspection.checklist.sha256.clone()],
        _ => Vec::new(),
    }
}

/// One entry of an inspection's journal. Written and read through [`wire`]: the
/// keys, hashes and signature are bytes, written in the entry's [`Encoding`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// A version id unique across laptops (uuid v7: it also sorts by time).
    pub id: String,
    pub inspection: String,
    pub at: Stamp,
    pub author: Author,
    /// The hashes of the entries this one follows: the heads of the journal when it
    /// was written. Empty only for the first entry. Held as hex, like every hash.
    pub parents: Vec<Hash>,
    pub change: Change,
    /// Written by the migration from an older pingshen: unsigned.
    pub migrated: bool,
    /// The author key's ed25519 signature of the entry without this field (hex).
    pub sig: Option<String>,
    /// How the line writes the key, the parents and the signature. An entry keeps the
    /// encoding it was written in, so its line, hash and signature never change.
    pub encoding: Encoding,
}

impl Entry {
    /// A new entry by `name`, signed with `identity`'s key.
    pub fn signed(
        identity: &Identity,
        name: &str,
        inspection: &str,
        parents: Vec<Hash>,
        change: Change,
    ) -> Entry {
        let mut entry = Entry {
            id: uuid::Uuid::now_v7().to_string(),
            inspection: inspection.to_string(),
            at: now_to_the_millisecond(),
            author: Author {
                name: name.to_string(),
                key: Some(identity.public_key()),
            },
            parents,
            change,
            migrated: false,
            sig: None,
            encoding: Encoding::default(),
        };
        entry.sig = Some(identity.sign(&entry.signed_bytes()));
        entry
    }

    /// The bytes a signature covers: the entry's line without `sig`.
    pub fn signed_bytes(&self) -> Vec<u8> {
        wire::line(self, false)
    }

    /// The line written to the journal (no newline).
    pub fn line(&self) -> String {
        String::from_utf8(wire::line(self, true)).unwrap_or_default()
    }

    pub fn hash(&self) -> Hash {
        crate::checklist::sha256_hex(self.line().as_bytes())
    }

    /// Whether the signature is the author key's signature of this entry. A migrated
    /// entry has neither and is not "signed" either.
    pub fn signature_holds(&self) -> bool {
        match (&self.author.key, &self.sig) {
            (Some(key), Some(sig)) => key.verifies(&self.signed_bytes(), sig),
            _ => false,
        }
    }
}

impl Serialize for Entry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        wire::Out::of(self, true).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Entry, D::Error> {
        wire::In::deserialize(d)?
            .entry()
            .map_err(serde::de::Error::custom)
    }
}

/// How an entry writes its bytes (author key, parent hashes, signature).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// base64url without padding: what pingshen writes (journal format 2).
    #[default]
    Base64,
    /// Lowercase hex: entries written before, read and kept as they are.
    Hex,
}

impl Encoding {
    fn write(self, bytes: &[u8]) -> String {
        use base64::Engine;
        match self {
            Encoding::Base64 => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
            Encoding::Hex => crate::text::hex(bytes),
        }
    }

    /// `text` as exactly `n` bytes, or `None`.
    fn read(self, text: &str, n: usize) -> Option<Vec<u8>> {
        use base64::Engine;
        let bytes = match self {
            Encoding::Base64 => base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(text)
                .ok()?,
            Encoding::Hex => crate::identity::unhex(text)?,
        };
        (bytes.len() == n).then_some(bytes)
    }

    /// The encoding `text`, of `n` bytes, is written in, told by its length.
    fn of(text: &str, n: usize) -> Option<Encoding> {
        if text.len() == 2 * n {
            Some(Encoding::Hex)
        } else if text.len() == (4 * n).div_ceil(3) {
            Some(Encoding::Base64)
        } else {
            None
        }
    }
}

/// The entry as it is written: field order and names are the format.
mod wire {
    use serde::{Deserialize, Serialize};

    use super::{Author, Change, Encoding, Entry};
    use crate::time::Stamp;

    #[derive(Serialize)]
    pub(super) struct Out<'a> {
        id: &'a str,
        inspection: &'a str,
        at: &'a Stamp,
        author: AuthorOut<'a>,
        parents: Vec<String>,
        change: &'a Change,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        migrated: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        sig: Option<String>,
    }

    #[derive(Serialize)]
    struct AuthorOut<'a> {
        name: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        key: Option<String>,
    }

    impl<'a> Out<'a> {
        pub(super) fn of(e: &'a Entry, with_sig: bool) -> Out<'a> {
            let enc = e.encoding;
            // Held as hex: written as they are in a hex entry, else converted.
            let bytes = |hex: &str| match enc {
                Encoding::Hex => hex.to_string(),
                _ => enc.write(&crate::identity::unhex(hex).unwrap_or_default()),
            };
            Out {
                id: &e.id,
                inspection: &e.inspection,
                at: &e.at,
                author: AuthorOut {
                    name: &e.author.name,
                    key: e.author.key.map(|k| enc.write(&k.0)),
                },
                parents: e.parents.iter().map(|p| bytes(p)).collect(),
                change: &e.change,
                migrated: e.migrated,
                sig: if with_sig {
                    e.sig.as_deref().map(bytes)
                } else {
                    None
                },
            }
        }
    }

    pub(super) fn line(e: &Entry, with_sig: bool) -> Vec<u8> {
        crate::store::encode(&Out::of(e, with_sig))
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct In {
        id: String,
        inspection: String,
        at: Stamp,
        author: AuthorIn,
        parents: Vec<String>,
        change: Change,
        #[serde(default)]
        migrated: bool,
        #[serde(default)]
        sig: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct AuthorIn {
        name: String,
        #[serde(default)]
        key: Option<String>,
    }

    impl In {
        pub(super) fn entry(self) -> Result<Entry, String> {
            // Every key, hash and signature of one entry is in one encoding, told by
            // the first one's length.
            let texts: Vec<(&str, usize)> = self
                .sig
                .iter()
                .map(|s| (s.as_str(), 64))
                .chain(self.author.key.iter().map(|k| (k.as_str(), 32)))
                .chain(self.parents.iter().map(|p| (p.as_str(), 32)))
                .collect();
            let encoding = match texts.first() {
                Some((t, n)) => Encoding::of(t, *n).ok_or("签名、公钥或哈希的长度不对")?,
                None => Encoding::default(),
            };
            let read = |text: &str, n: usize| {
                encoding
                    .read(text, n)
                    .ok_or_else(|| format!("「{}」不是条目所用写法的签名、公钥或哈希", short(text)))
            };
            let key = match &self.author.key {
                Some(k) => {
                    let b: [u8; 32] = read(k, 32)?.try_into().map_err(|_| "公钥长度不对")?;
                    Some(crate::identity::PublicKey(b))
                }
                None => None,
            };
            let parents = self
                .parents
                .iter()
                .map(|p| read(p, 32).map(|b| crate::text::hex(&b)))
                .collect::<Result<Vec<_>, _>>()?;
            let sig = match &self.sig {
                Some(s) => Some(crate::text::hex(&read(s, 64)?)),
                None => None,
            };
            Ok(Entry {
                id: self.id,
                inspection: self.inspection,
                at: self.at,
                author: Author {
                    name: self.author.name,
                    key,
                },
                parents,
                change: self.change,
                migrated: self.migrated,
                sig,
                encoding,
            })
        }
    }

    fn short(text: &str) -> String {
        crate::text::for_terminal_line(&text.chars().take(16).collect::<String>()).into_owned()
    }
}

/// Entries carry milliseconds: what is written is what is read back.
pub fn now_to_the_millisecond() -> Stamp {
    let now = Stamp::now();
    Stamp::parse(&now.rfc3339()).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(encoding: Encoding) -> Entry {
        let identity = Identity::from_seed("王喆", [7; 32]);
        let mut e = Entry::signed(
            &identity,
            "王喆",
            "dc0a03a75c",
            vec!["ab".repeat(32)],
            Change::Grade {
                item: "1.1.1".into(),
                old: None,
                new: Some(Grade::B),
            },
        );
        e.encoding = encoding;
        e.sig = Some(identity.sign(&e.signed_bytes()));
        e
    }

    #[test]
    fn an_entry_reads_back_as_written_in_either_encoding() {
        for encoding in [Encoding::Base64, Encoding::Hex] {
            let e = entry(encoding);
            let line = e.line();
            let back: Entry = serde_json::from_str(&line).unwrap();
            assert_eq!(back, e);
            assert_eq!(back.line(), line, "the same bytes, so the same hash");
            assert!(back.signature_holds());
            assert_eq!(back.parents, vec!["ab".repeat(32)], "hashes held as hex");
        }
        let compact = entry(Encoding::Base64).line().len();
        let hex = entry(Encoding::Hex).line().len();
        assert_eq!(hex - compact, (128 - 86) + (64 - 43) * 2);
    }

    #[test]
    fn an_entry_mixing_encodings_or_with_bad_lengths_is_refused() {
        let line = entry(Encoding::Base64).line();
        let mut v: serde_json::Value = serde_json::from_str(&line).unwrap();
        v["parents"] = serde_json::json!(["ab".repeat(32)]);
        assert!(serde_json::from_value::<Entry>(v.clone()).is_err());
        v["parents"] = serde_json::json!(["ab"]);
        assert!(serde_json::from_value::<Entry>(v.clone()).is_err());
        let mut v: serde_json::Value = serde_json::from_str(&line).unwrap();
        v["sig"] = "!".repeat(86).into();
        assert!(serde_json::from_value::<Entry>(v).is_err());
    }

    #[test]
    fn entries_from_before_the_organiser_and_the_opinion_read_and_write_as_they_were() {
        // A creation and an edit as pingshen wrote them before 组织单位 was kept.
        let details = r#"{"institution":{"name":"某中心","region":"某区","kind":"","head":"","phone":""},"review_kind":"区级评审","date":"2026-11-20","inspectors":["王喆"]}"#;
        let changes = [
            format!(
                r#"{{"kind":"create","institution":{{"name":"某中心","region":"某区","kind":"","head":"","phone":""}},"review_kind":"区级评审","date":"2026-11-20","inspectors":["王喆"],"checklist":{{"id":"x","version":"1","title":"x","sha256":"{}"}},"sample":false}}"#,
                "0".repeat(64)
            ),
            format!(r#"{{"kind":"edit","old":{details},"new":{details}}}"#),
        ];
        for json in &changes {
            let change: Change = serde_json::from_str(json).unwrap();
            assert_eq!(
                &String::from_utf8(crate::store::encode(&change)).unwrap(),
                json
            );
        }
        // Given, they are written; and the opinion is a change of its own.
        let mut change: Change = serde_json::from_str(&changes[1]).unwrap();
        if let Change::Edit { new, .. } = &mut change {
            new.organiser = "某区卫生健康委员会".into();
        }
        let json = String::from_utf8(crate::store::encode(&change)).unwrap();
        assert!(
            json.ends_with(r#""inspectors":["王喆"],"organiser":"某区卫生健康委员会"}}"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Change>(&json).unwrap(), change);
        let opinion = Change::Opinion {
            old: String::new(),
            new: "总体较好。\n建议加强院感管理。".into(),
        };
        let json = String::from_utf8(crate::store::encode(&opinion)).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"opinion","old":"","new":"总体较好。\n建议加强院感管理。"}"#
        );
        assert_eq!(opinion.describe().0, "综合评价");
    }

    #[test]
    fn a_changed_entry_no_longer_holds_its_signature() {
        for encoding in [Encoding::Base64, Encoding::Hex] {
            let line = entry(encoding).line();
            let forged = line.replace(r#""new":"B""#, r#""new":"A""#);
            let back: Entry = serde_json::from_str(&forged).unwrap();
            assert!(!back.signature_holds());
        }
    }
}
