//! The screens' state and what their commands do, one screen per file (the
//! walkthrough's commands are split into grading and checklist editing). Drawing
//! them is in `views/`.

mod checklist_editing;
mod grading;
mod inspection_list;
mod new_inspection;
mod sample;
mod summary;
mod walkthrough;

pub use grading::normalize_id;
pub use inspection_list::InspectionList;
pub use new_inspection::{FieldId, NewInspectionForm};
pub use summary::{Gap, Shortfall, SummaryScreen};
pub use walkthrough::{Filter, Row, Walkthrough};
