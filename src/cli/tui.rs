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
    let options = Options {
        checklist_dir: paths.checklist_dir.clone(),
        keymap_file,
        today: Options::today(),
        report_dir: None,
        inspector: paths
            .acting
            .clone()
            .or_else(pingshen::identity::inspector_from_env),
        config_dir: paths.config_dir.clone(),
    };
    tui::run(store, options)?;
    Ok(ExitCode::SUCCESS)
}
