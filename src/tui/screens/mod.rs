//! The screens' state and what their commands do, one screen per file (the
//! walkthrough's commands are split into grading and checklist editing). Drawing
//! them is in `views/`. The report and merging have no screen of their own: they are
//! commands with a job or a prompt.

mod acting;
mod checklist_editing;
mod compare;
mod conflicts;
mod evidence;
mod files;
mod grading;
mod inspection_list;
mod merge;
mod new_inspection;
mod phrases;
mod plan;
mod report;
mod sample;
mod status;
mod summary;
mod walkthrough;

pub use acting::{AfterWho, Asking, NEW_FORM, load_acting};
pub use compare::CompareScreen;
pub use conflicts::{ConflictsScreen, take_keys};
pub(crate) use grading::found_text;
pub use grading::normalize_id;
pub use inspection_list::InspectionList;
pub use merge::split_paths;
pub use new_inspection::{FieldId, NewInspectionForm};
pub use summary::SummaryScreen;
pub use walkthrough::{Filter, Node, Row, Walkthrough};
