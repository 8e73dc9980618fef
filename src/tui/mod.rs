//! The terminal UI: the review walkthrough inspectors use on site.
//!
//! Elm-style, as in `shared/STYLE.md`: one [`App`] state; keys become [`Action`]s
//! through the [`Keymap`] (data: an embedded TOML file plus the user's overrides);
//! [`App::update`] changes the state and returns [`Effect`]s the loop runs (`$EDITOR`,
//! background jobs); views in [`views`] only draw.
//!
//! - `screens/`: each screen's state and commands; `popups/`: one popup per file;
//! - `views/`: one screen per file, drawing only;
//! - `line_input`: one-line fields (width and wrapping come from `crate::text`);
//! - `terminal`: raw mode, alternate screen, bracketed paste, panic hook;
//! - `event_loop`: the loop; `jobs`: slow work on threads, reported over a channel.

pub mod action;
pub mod app;
mod context;
mod event_loop;
pub mod jobs;
pub mod keymap;
pub mod line_input;
pub mod popups;
pub mod screens;
mod terminal;
pub mod views;

pub use action::{Action, Command, Context, Effect};
pub use app::{App, Options, Screen, Status, StatusKind, View};
pub use event_loop::run;
pub use keymap::{KeyCombo, Keymap};
