//! pingshen (评审): on-site service-capability reviews of primary-care facilities.
//!
//! Layers, dependencies pointing down only:
//! - [`checklist`]: the TOML checklist format, loading with diagnostics, discovery;
//! - [`scoring`]: grades, roll-ups and verdicts, pure functions over a checklist.
//!
//! - [`store`]: inspections, grades and history in sled, exports, backups.
//! - [`report`]: the review report PDF (document model, layout, printpdf writer).
//! - [`tui`]: the terminal UI (ratatui), a face over the layers above.
//!
//! The first two know nothing of storage, terminal or PDF; only `tui` knows the terminal.

pub mod checklist;
pub mod report;
pub mod scoring;
pub mod store;
pub mod text;
pub mod tui;
