//! Where pingshen keeps its data and finds user checklists.

use std::path::PathBuf;

use etcetera::BaseStrategy;

#[derive(Debug, Clone)]
pub struct Paths {
    /// `None` when neither a flag nor the platform names one (a broken environment).
    pub data_dir: Option<PathBuf>,
    pub checklist_dir: Option<PathBuf>,
}

impl Paths {
    /// Flags and environment win; otherwise the platform's local data and config dirs.
    pub fn resolve(data_dir: Option<PathBuf>, checklist_dir: Option<PathBuf>) -> Paths {
        let base = etcetera::choose_base_strategy().ok();
        Paths {
            data_dir: data_dir.or_else(|| base.as_ref().map(|b| b.data_dir().join("pingshen"))),
            checklist_dir: checklist_dir.or_else(|| {
                base.as_ref()
                    .map(|b| b.config_dir().join("pingshen").join("checklists"))
            }),
        }
    }
}
