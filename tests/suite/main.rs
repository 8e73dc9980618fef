//! The integration tests, in one binary (as cargo's own `tests/testsuite/`): one link
//! instead of one per file, and one set of fixture helpers.
//!
//! Support modules: `common` (a store with one inspection), `tui_support` (the app on
//! ratatui's TestBackend, keys fed as a terminal sends them), `report_support` (graded
//! inspections and poppler). Each other module is one area, as its first lines say.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failure should stop the test"
)]

mod common;
mod report_support;
mod tui_support;

mod actions;
mod annual;
mod checklist_content;
mod checklist_diagnostics;
mod checklist_format;
mod cli;
mod compact;
mod crash;
mod crash_tui;
mod damage;
mod district_targets;
mod evidence;
mod export_fuzz;
mod faces;
mod facilities;
mod hostile;
mod loader_fuzz;
mod merge_props;
mod phrases;
mod record;
mod report_compare;
mod report_layout;
mod report_pdf;
mod report_photos;
mod report_seal;
mod roster;
mod roster_pdf;
mod shipped_checklists;
mod status;
mod store;
mod team;
mod time;
mod tui_bad_input;
mod tui_keys;
mod tui_list_form;
mod tui_phrases;
mod tui_review_day;
mod tui_review_day_tmux;
mod tui_snapshots;
mod tui_team;
mod tui_tmux;
mod tui_township_day_tmux;
mod tui_unseen;
mod tui_unseen_tmux;
mod undo;
mod verdict;
mod workbook;
mod workbook_cli;
mod workbook_text;
