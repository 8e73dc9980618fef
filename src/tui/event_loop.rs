//! The loop: draw when something changed, wait for a key (or a job's result), turn
//! it into actions, run the effects that need the terminal or a thread.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ratatui::crossterm::event;

use super::action::{Action, Effect};
use super::app::{App, Options};
use super::jobs::Jobs;
use super::keymap::Keymap;
use super::terminal::{self, Term};
use super::views;
use crate::store::Store;

/// Runs the TUI until the user quits. Keymap problems are shown in the UI and, once
/// the terminal is restored, printed to stderr as well.
pub fn run(store: Store, options: Options) -> anyhow::Result<()> {
    let (keymap, problems) = Keymap::load(options.keymap_file.as_deref());
    let mut app = App::new(Arc::new(store), options, keymap, problems.clone());
    terminal::install_panic_hook();
    let mut term = terminal::enter()?;
    let guard = terminal::Guard;
    let result = event_loop(&mut term, &mut app);
    drop(guard);
    for p in &problems {
        eprintln!("{p}");
    }
    result
}

fn event_loop(term: &mut Term, app: &mut App) -> anyhow::Result<()> {
    let mut jobs = Jobs::default();
    let mut dirty = true;
    while !app.quit {
        if dirty {
            // The size the keys will be judged by (a too-small screen swallows them).
            let size = term.size()?;
            app.terminal_size = Some((size.width, size.height));
            term.draw(|frame| {
                views::draw(frame, app);
            })?;
            dirty = false;
        }
        let wait = if app.jobs_running() > 0 {
            Duration::from_millis(50)
        } else {
            Duration::from_millis(500)
        };
        let mut effects = VecDeque::new();
        if event::poll(wait)? {
            // Everything already waiting (a paste typed as keys) before one draw.
            loop {
                effects.extend(app.handle_event(event::read()?));
                dirty = true;
                if app.quit || !effects.is_empty() || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        for result in jobs.finished() {
            effects.extend(app.update(Action::JobDone(result)));
            dirty = true;
        }
        while let Some(effect) = effects.pop_front() {
            match effect {
                Effect::Quit => app.quit = true,
                Effect::Spawn(job) => jobs.spawn(job),
                Effect::OpenEditor { path, line } => {
                    let editor_error = edit(term, &path, line)?;
                    effects.extend(app.update(Action::ChecklistEdited { path, editor_error }));
                    dirty = true;
                }
            }
        }
    }
    Ok(())
}

/// Hands the terminal to `$VISUAL` / `$EDITOR` on `path` at `line` and takes it back.
/// Returns why the editor could not run, if it could not.
fn edit(term: &mut Term, path: &Path, line: usize) -> anyhow::Result<Option<String>> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|s| !s.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".to_string());
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi").to_string();
    let mut command = std::process::Command::new(&program);
    command.args(words);
    let name = Path::new(&program)
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match name.as_str() {
        "code" | "codium" | "code-insiders" => {
            command
                .arg("--wait")
                .arg("--goto")
                .arg(format!("{}:{line}", path.display()));
        }
        "subl" | "hx" | "helix" | "zed" => {
            command.arg(format!("{}:{line}", path.display()));
        }
        "notepad" => {
            command.arg(path);
        }
        _ => {
            command.arg(format!("+{line}")).arg(path);
        }
    }
    terminal::leave();
    let status = command.status();
    terminal::resume(term)?;
    Ok(match status {
        Ok(_) => None, // whatever the exit code, the file is checked
        Err(e) => Some(format!(
            "无法启动编辑器 `{program}`：{e}。请设置环境变量 EDITOR，例如 export EDITOR=nano"
        )),
    })
}
