//! What an inspection is, as stored and exported.
//!
//! Every struct here round-trips through sled and through export files as JSON.
//! New fields get `#[serde(default)]` so older records still read. Unknown fields
//! are refused (`deny_unknown_fields`), not dropped: a file from a pingshen that
//! knows a field this one does not must not lose it silently on import.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::scoring::Grade;
use crate::time::{Date, Stamp};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Institution {
    /// 机构名称
    pub name: String,
    /// 所在区县, e.g. 北京市东城区
    pub region: String,
    /// 机构类型: 社区卫生服务中心 / 乡镇卫生院
    pub kind: String,
    /// 机构负责人
    pub head: String,
    /// 负责人联系电话
    pub phone: String,
}

/// The kind of review (评审类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReviewKind {
    #[serde(rename = "自评")]
    SelfAssessment,
    #[serde(rename = "区级评审")]
    District,
    #[serde(rename = "市级复核")]
    CityRecheck,
    #[serde(rename = "省级抽查")]
    ProvincialSpotCheck,
    #[serde(rename = "回头看")]
    LookBack,
}

impl ReviewKind {
    pub const ALL: [ReviewKind; 5] = [
        ReviewKind::SelfAssessment,
        ReviewKind::District,
        ReviewKind::CityRecheck,
        ReviewKind::ProvincialSpotCheck,
        ReviewKind::LookBack,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ReviewKind::SelfAssessment => "自评",
            ReviewKind::District => "区级评审",
            ReviewKind::CityRecheck => "市级复核",
            ReviewKind::ProvincialSpotCheck => "省级抽查",
            ReviewKind::LookBack => "回头看",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewKind> {
        let s = s.trim();
        ReviewKind::ALL.into_iter().find(|k| {
            k.label() == s
                || match k {
                    ReviewKind::District => s == "县级评审" || s == "区县级评审",
                    _ => false,
                }
        })
    }
}

impl fmt::Display for ReviewKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Progress {
    #[serde(rename = "进行中")]
    InProgress,
    #[serde(rename = "已完成")]
    Completed,
}

impl Progress {
    pub fn label(self) -> &'static str {
        match self {
            Progress::InProgress => "进行中",
            Progress::Completed => "已完成",
        }
    }
}

/// The exact checklist an inspection was started with. The text itself is kept once
/// per distinct sha256 in the store and carried in every export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistPin {
    pub id: String,
    pub version: String,
    pub title: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    pub id: String,
    pub institution: Institution,
    pub review_kind: ReviewKind,
    /// Review date, stored as YYYY-MM-DD.
    pub date: Date,
    /// 评审专家
    pub inspectors: Vec<String>,
    pub status: Progress,
    pub checklist: ChecklistPin,
    pub created_at: Stamp,
    pub updated_at: Stamp,
    /// A sample inspection made to show a newcomer the flow (示例).
    #[serde(default)]
    pub sample: bool,
    /// Which inspector covers which chapters (分工): name -> chapter ids.
    #[serde(default)]
    pub assignments: std::collections::BTreeMap<String, Vec<String>>,
    /// The earlier inspection of the same facility this one is compared with.
    #[serde(default)]
    pub previous: Option<String>,
    /// 组织单位: who organises the review, e.g. 某某区卫生健康委员会. Left out of the
    /// JSON when empty, so inspections (and migration snapshots) from before it was
    /// kept are written as they were.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub organiser: String,
    /// 综合评价 / 评审意见: the team's overall opinion, printed above the signatures.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub opinion: String,
    /// The registered facility (its id in the facility register, see
    /// [`crate::store::Register`]); `None` for an inspection made before facilities
    /// were kept and not yet migrated, and for the sample. Left out of the JSON when
    /// none, so older records are written as they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facility: Option<String>,
}

impl Inspection {
    /// 评审组长: the first inspector named. The order of the inspectors is the one
    /// given when the inspection was made (or last corrected with `pingshen edit`),
    /// so the lead is whoever the team put first.
    pub fn lead(&self) -> Option<&str> {
        self.inspectors.first().map(String::as_str)
    }

    /// The inspectors other than the lead, in order.
    pub fn experts(&self) -> &[String] {
        self.inspectors.get(1..).unwrap_or_default()
    }

    /// The review report's default file name: 「机构名称-评审报告-日期.pdf」, made a
    /// plain file name by [`crate::text::file_name_from`].
    pub fn report_file_name(&self) -> String {
        self.file_name("评审报告")
    }

    /// 机构名称-整改通知书-2026-11-23.pdf.
    pub fn actions_file_name(&self) -> String {
        self.file_name("整改通知书")
    }

    fn file_name(&self, what: &str) -> String {
        let suffix = format!("-{what}-{}.pdf", self.date);
        crate::text::file_name_from(&self.institution.name, &suffix)
            .unwrap_or_else(|_| format!("{what}-{}.pdf", self.id))
    }
}

/// Evidence: a file the inspector looked at, by its name and content hash. Since
/// the evidence store (see [`crate::store::Store::attach`]) `path` is the file's own
/// name only and the file itself is kept in the data dir under its sha256; an entry
/// an older pingshen wrote may hold a whole path, of which only the name is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub path: String,
    pub sha256: String,
    /// Bytes; 0 in entries written before the evidence store.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub size: u64,
    /// When a photo was taken, from its EXIF data (the laptop's offset when the
    /// photo does not give one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken: Option<Stamp>,
    /// A JPEG or PNG picture (by its first bytes, not its name).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub image: bool,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Evidence {
    /// Evidence known only by a name and hash (as an older pingshen recorded it).
    pub fn named(path: &str, sha256: &str) -> Evidence {
        Evidence {
            path: path.to_string(),
            sha256: sha256.to_string(),
            size: 0,
            taken: None,
            image: false,
        }
    }

    /// Whether `which` names this evidence: its sha256 or a prefix of 8 or more hex
    /// digits of it, its name, or its path as recorded.
    pub fn is(&self, which: &str) -> bool {
        let which = which.trim();
        (which.len() >= 8
            && which.bytes().all(|b| b.is_ascii_hexdigit())
            && self.sha256.starts_with(&which.to_ascii_lowercase()))
            || which == self.path
            || which == self.name()
    }

    /// The file's name, without any directory an older entry recorded.
    pub fn name(&self) -> &str {
        self.path
            .rsplit(['/', '\\'])
            .find(|p| !p.is_empty())
            .unwrap_or(&self.path)
    }
}

/// Where a corrective action (整改意见) stands: 待整改 → 整改中 → 已整改 → 已复核.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// 待整改: written, nothing done yet.
    #[default]
    Open,
    /// 整改中
    InProgress,
    /// 已整改: the facility says it is done.
    Done,
    /// 已复核: an inspector checked that it is done.
    Verified,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] = [
        ActionStatus::Open,
        ActionStatus::InProgress,
        ActionStatus::Done,
        ActionStatus::Verified,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::Open => "待整改",
            ActionStatus::InProgress => "整改中",
            ActionStatus::Done => "已整改",
            ActionStatus::Verified => "已复核",
        }
    }

    /// As typed: the label, or open / in_progress / done / verified.
    pub fn parse(text: &str) -> Option<ActionStatus> {
        let t = text.trim();
        ActionStatus::ALL.into_iter().find(|s| {
            s.label() == t
                || match s {
                    ActionStatus::Open => t.eq_ignore_ascii_case("open"),
                    ActionStatus::InProgress => {
                        t.eq_ignore_ascii_case("in_progress")
                            || t.eq_ignore_ascii_case("in-progress")
                    }
                    ActionStatus::Done => t.eq_ignore_ascii_case("done"),
                    ActionStatus::Verified => t.eq_ignore_ascii_case("verified"),
                }
        })
    }

    /// Still to be checked at the next visit: anything not yet 已复核.
    pub fn is_open(self) -> bool {
        self != ActionStatus::Verified
    }
}

/// Who is to carry out a corrective action, by when, and where it stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionPlan {
    /// 责任科室; empty when not named.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    /// 整改期限.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// Always written, so a plan is never `{}`.
    pub status: ActionStatus,
}

impl ActionPlan {
    pub fn is_default(&self) -> bool {
        *self == ActionPlan::default()
    }

    /// 整改期限 as printed: 2027-01-31, or 未定.
    pub fn due_text(&self) -> String {
        self.due
            .map_or_else(|| "未定".to_string(), |d| d.to_string())
    }

    /// One line: 责任科室 · 期限 · 状态, leaving out what is not set.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if !self.owner.is_empty() {
            parts.push(format!("责任科室 {}", self.owner));
        }
        if let Some(d) = self.due {
            parts.push(format!("期限 {d}"));
        }
        parts.push(self.status.label().to_string());
        parts.join(" · ")
    }

    /// Shorter, for a narrow column: 院办 · 2027-01-31 前 · 待整改.
    pub fn short(&self) -> String {
        let mut parts = Vec::new();
        if !self.owner.is_empty() {
            parts.push(self.owner.clone());
        }
        if let Some(d) = self.due {
            parts.push(format!("{d} 前"));
        }
        parts.push(self.status.label().to_string());
        parts.join(" · ")
    }

    /// Past its 整改期限 on `today` and not yet done.
    pub fn overdue(&self, today: Date) -> bool {
        matches!(self.status, ActionStatus::Open | ActionStatus::InProgress)
            && self.due.is_some_and(|d| d < today)
    }
}

/// What an inspector found of the previous review's corrective action on an item
/// (回头看, 复核).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUp {
    /// 已落实
    Done,
    /// 部分落实
    Partly,
    /// 未落实
    NotDone,
}

impl FollowUp {
    pub const ALL: [FollowUp; 3] = [FollowUp::Done, FollowUp::Partly, FollowUp::NotDone];

    pub fn label(self) -> &'static str {
        match self {
            FollowUp::Done => "已落实",
            FollowUp::Partly => "部分落实",
            FollowUp::NotDone => "未落实",
        }
    }

    /// As typed: the label, or done / partly / not_done.
    pub fn parse(text: &str) -> Option<FollowUp> {
        let t = text.trim();
        FollowUp::ALL.into_iter().find(|f| {
            f.label() == t
                || match f {
                    FollowUp::Done => t.eq_ignore_ascii_case("done"),
                    FollowUp::Partly => t.eq_ignore_ascii_case("partly"),
                    FollowUp::NotDone => {
                        t.eq_ignore_ascii_case("not_done") || t.eq_ignore_ascii_case("not-done")
                    }
                }
        })
    }
}

/// An inspector's judgement of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    pub item_id: String,
    /// `None`: pending (a note may exist before the grade).
    pub grade: Option<Grade>,
    pub note: String,
    /// 整改意见 (stored and exported as `action`).
    #[serde(rename = "action")]
    pub corrective_action: String,
    pub evidence: Vec<Evidence>,
    /// The 整改意见's 责任科室, 整改期限 and status (default while there is none).
    #[serde(default, skip_serializing_if = "ActionPlan::is_default")]
    pub plan: ActionPlan,
    /// What was found of the previous review's 整改意见 on this item, if checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUp>,
    /// Who made the last change, and when.
    pub by: String,
    pub at: Stamp,
}

impl Assessment {
    pub fn empty(item_id: &str) -> Assessment {
        Assessment {
            item_id: item_id.to_string(),
            grade: None,
            note: String::new(),
            corrective_action: String::new(),
            evidence: Vec::new(),
            plan: ActionPlan::default(),
            follow_up: None,
            by: String::new(),
            at: Stamp::now(),
        }
    }

    /// Nothing recorded: the item is pending with no note, action or evidence.
    pub fn is_blank(&self) -> bool {
        self.grade.is_none()
            && self.note.is_empty()
            && self.corrective_action.is_empty()
            && self.evidence.is_empty()
            && self.plan.is_default()
            && self.follow_up.is_none()
    }

    /// What an inspector wrote on the item, each text with the item's id: its note
    /// and its 整改意见 (where [`crate::checklist::phrases::offered`] looks for
    /// phrases already used).
    pub fn written(&self) -> [(&str, &str); 2] {
        [
            (self.item_id.as_str(), self.note.as_str()),
            (self.item_id.as_str(), self.corrective_action.as_str()),
        ]
    }
}

/// One line of the history, as shown: a journal entry described.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// Position in the inspection's journal, from 1.
    pub seq: u64,
    pub at: Stamp,
    pub by: String,
    /// The item, or empty for a change to the inspection itself.
    pub item_id: String,
    /// What changed: 档次, 备注, 整改意见, 佐证, 清单, 创建, 状态, 分工…
    pub field: String,
    pub old: String,
    pub new: String,
    /// The short fingerprint of the key that signed it; empty for a migrated entry.
    pub key: String,
    /// The journal entry's version id.
    pub entry: String,
}
