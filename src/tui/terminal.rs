//! The terminal: raw mode, the alternate screen and bracketed paste on the way in,
//! all of them off on the way out — on a normal exit, on an error return (a guard),
//! on a panic (a hook that restores first, then reports), and around `$EDITOR`.

use std::io::{self, Stdout, stdout};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Takes over the terminal.
pub fn enter() -> io::Result<Term> {
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    Terminal::new(CrosstermBackend::new(stdout()))
}

/// Gives the terminal back as it was. Safe to call more than once.
pub fn leave() {
    let _ = execute!(stdout(), DisableBracketedPaste, LeaveAlternateScreen, Show);
    let _ = disable_raw_mode();
}

/// Takes the terminal back after handing it to another program.
pub fn resume(terminal: &mut Term) -> io::Result<()> {
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    terminal.clear()
}

/// Restores the terminal when dropped: on every return path out of the loop.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        leave();
    }
}

/// A panic on the UI thread restores the terminal before the message is printed, so
/// the message is readable and the shell usable. Panics on job threads are caught
/// and reported by the job; printing them would garble the screen.
pub fn install_panic_hook() {
    let ui_thread = std::thread::current().id();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui_thread {
            leave();
            previous(info);
        }
    }));
}
