//! Where pingshen keeps its data, its identity and finds user checklists; who is acting.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use etcetera::BaseStrategy;
use pingshen::checklist::Catalog;
use pingshen::identity::{self, Identity, keys::TrustStore};
use pingshen::store::{Inspection, Store, StoreError};

#[derive(Debug, Clone)]
pub struct Paths {
    /// `None` when neither a flag nor the platform names one (a broken environment).
    pub data_dir: Option<PathBuf>,
    pub checklist_dir: Option<PathBuf>,
    /// Where the identity, its key and the trusted keys are kept.
    pub config_dir: Option<PathBuf>,
    /// `--as NAME` (or `--by`).
    pub acting: Option<String>,
}

impl Paths {
    /// Flags and environment win; otherwise the platform's local data and config dirs.
    pub fn resolve(
        data_dir: Option<PathBuf>,
        checklist_dir: Option<PathBuf>,
        config_dir: Option<PathBuf>,
        acting: Option<String>,
    ) -> Paths {
        let base = etcetera::choose_base_strategy().ok();
        let config_dir =
            config_dir.or_else(|| base.as_ref().map(|b| b.config_dir().join("pingshen")));
        Paths {
            data_dir: data_dir.or_else(|| base.as_ref().map(|b| b.data_dir().join("pingshen"))),
            checklist_dir: checklist_dir
                .or_else(|| config_dir.as_ref().map(|c| c.join("checklists"))),
            config_dir,
            acting,
        }
    }

    pub fn data_dir(&self) -> anyhow::Result<&PathBuf> {
        self.data_dir.as_ref().context(
            "无法确定数据目录（系统没有提供用户数据目录）。请用 --data-dir 或环境变量 PINGSHEN_DATA_DIR 指定。",
        )
    }

    pub fn config_dir(&self) -> anyhow::Result<&PathBuf> {
        self.config_dir
            .as_ref()
            .ok_or(identity::IdentityError::NoConfigDir)
            .map_err(anyhow::Error::from)
    }

    /// This laptop's identity; its key is made silently on first use.
    pub fn identity(&self) -> anyhow::Result<Identity> {
        Ok(Identity::load(self.config_dir()?)?)
    }

    pub fn trust(&self) -> anyhow::Result<TrustStore> {
        Ok(TrustStore::load(self.config_dir()?)?)
    }

    /// The store, opened with this laptop's identity. What it had to repair on the
    /// way — when opening, or later when an inspection's projection lagged behind its
    /// journal — is told on standard error, as it happens and when the command ends.
    pub fn open_store(&self) -> anyhow::Result<Opened> {
        let store = Opened(Store::open_as(
            self.data_dir()?,
            Arc::new(self.identity()?),
        )?);
        store.tell();
        Ok(store)
    }

    /// Who is acting on `inspection`: `--as`, `PINGSHEN_INSPECTOR`, this laptop's
    /// identity if it is one of the inspectors, the only inspector; else refused with
    /// a message naming `--as`.
    pub fn actor(&self, store: &Store, inspection: &Inspection) -> anyhow::Result<String> {
        self.actor_among(store, &inspection.inspectors)
    }

    pub fn actor_among(&self, store: &Store, inspectors: &[String]) -> anyhow::Result<String> {
        let env = identity::inspector_from_env();
        identity::acting(
            self.acting.as_deref(),
            env.as_deref(),
            store.identity().name(),
            inspectors,
        )
        .map(|(name, _)| name)
        .map_err(|e| StoreError::NoActor(e).into())
    }

    /// The user's settings (`config.toml` in the config dir); a file that does not
    /// read is said on standard error and the defaults apply.
    pub fn user_config(&self) -> pingshen::config::UserConfig {
        let (config, problem) = pingshen::config::UserConfig::load(self.config_dir.as_deref());
        if let Some(p) = problem {
            super::output::stderr(&format!("注意：{p}\n"));
        }
        config
    }

    /// Where a report or export goes when no file is named: the one rule
    /// ([`pingshen::output_dir::output_dir`]), as the review app uses it.
    pub fn output_dir(&self) -> Option<PathBuf> {
        pingshen::output_dir::output_dir(&self.user_config()).map(|o| o.path)
    }

    pub fn catalog(&self) -> Catalog {
        Catalog::discover(self.checklist_dir.as_deref())
    }
}

/// An open store that tells, when dropped, what it repaired since it was last asked.
pub struct Opened(Store);

impl Opened {
    /// Tells what the store rebuilt from the journals and what else it warned about.
    pub fn tell(&self) {
        for h in self.0.take_healed() {
            super::output::stderr(&format!(
                "注意：检查 {} 的{}，已从它的日志重建。\n",
                h.inspection, h.why
            ));
        }
        if let Some(w) = self.0.take_warning() {
            super::output::stderr(&format!("注意：{w}\n"));
        }
    }
}

impl std::ops::Deref for Opened {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.0
    }
}

impl Drop for Opened {
    fn drop(&mut self) {
        self.tell();
    }
}
