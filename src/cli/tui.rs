//! `pingshen` with no subcommand: the review walkthrough in the terminal.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::bail;
use pingshen::store::Store;
use pingshen::tui::{self, Options};

use super::Paths;

pub fn run(paths: &Paths) -> anyhow::Result<ExitCode> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        bail!(
            "不带子命令运行 pingshen 会打开交互界面，需要在终端窗口中运行。命令行用法见 pingshen --help。"
        );
    }
    // Opened here rather than through `Paths::open_store`: a warning from opening is
    // shown inside the UI, where it stays readable.
    let store = Store::open_as(paths.data_dir()?, std::sync::Arc::new(paths.identity()?))?;
    let keymap_file = paths.config_dir.as_ref().map(|c| c.join("keymap.toml"));
    let (settings, settings_problem) =
        pingshen::config::UserConfig::load(paths.config_dir.as_deref());
    let options = Options {
        checklist_dir: paths.checklist_dir.clone(),
        keymap_file,
        today: Options::today(),
        output_dir: pingshen::output_dir::output_dir(&settings).map(|o| o.path),
        auto_advance: settings.auto_advance,
        settings_problem,
        inspector: paths
            .acting
            .clone()
            .or_else(pingshen::identity::inspector_from_env),
        config_dir: paths.config_dir.clone(),
    };
    tui::run(store, options)?;
    Ok(ExitCode::SUCCESS)
}
