//! Where pingshen keeps its data and finds user checklists.

use std::path::PathBuf;

use anyhow::Context;
use etcetera::BaseStrategy;
use pingshen::checklist::Catalog;
use pingshen::store::Store;

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

    pub fn data_dir(&self) -> anyhow::Result<&PathBuf> {
        self.data_dir.as_ref().context(
            "无法确定数据目录（系统没有提供用户数据目录）。请用 --data-dir 或环境变量 PINGSHEN_DATA_DIR 指定。",
        )
    }

    pub fn open_store(&self) -> anyhow::Result<Store> {
        let store = Store::open(self.data_dir()?)?;
        if let Some(w) = store.take_warning() {
            errln!("注意：{w}");
        }
        Ok(store)
    }

    pub fn catalog(&self) -> Catalog {
        Catalog::discover(self.checklist_dir.as_deref())
    }
}
