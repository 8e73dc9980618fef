//! The district's year: what a 区县卫生健康委 is measured against and what it must
//! file, as data the user writes (docs/targets.md).
//!
//! - [`targets`]: `targets.toml` — the shares (or numbers) of facilities a district
//!   must bring to a verdict in a year, and how far it is from each ("还差 3 家");
//! - [`deadlines`]: `deadlines.toml` — the dates things are due (申报信息系统, 区级评审,
//!   复核, 附件2 monthly), a shipped default the user replaces, and what is due when.
//!
//! Pure code: both files pass the config dir's one gate (the checklist's syntax
//! messages and typed fields, every problem with file:line:col); nothing here reads
//! the store. The annual statistics report counts facilities and hands the counts to
//! [`targets::Target::evaluate`].

pub mod annual;
pub mod deadlines;
pub mod targets;

pub use deadlines::{DEADLINES_FILE, Deadline, Deadlines, Due, When};
pub use targets::{
    Counts, HospitalPlan, Known, KnownChecklist, LOOK_BACK, Outcome, Required, Share, Status,
    TARGETS_FILE, Target, Targets,
};

/// The sub-types of a 卫生院 (`subtype` in a target; the facility record's type).
pub const TOWNSHIP_SUBTYPES: [&str; 2] = ["中心卫生院", "一般卫生院"];

/// Whether `kind`, a facility type, is a 卫生院 (乡镇卫生院, 街镇卫生院), which alone has
/// a sub-type.
pub fn is_township_kind(kind: &str) -> bool {
    kind.trim().ends_with("卫生院")
}

/// The institution type of a checklist that evaluates 社区医院 (附件2 counts a
/// facility built when it reached such a checklist's best verdict).
pub const COMMUNITY_HOSPITAL: &str = "社区医院";

/// Whether `kind`, a facility type, is a 社区卫生服务中心 (附件2's 由社区卫生服务中心建成).
pub fn is_centre_kind(kind: &str) -> bool {
    kind.trim().ends_with("社区卫生服务中心")
}

/// Lowest and highest year a file may name: a year written with two digits or a slip
/// of the keyboard is refused, not taken literally.
pub const YEARS: std::ops::RangeInclusive<i64> = 2000..=2100;
