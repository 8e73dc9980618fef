//! pingshen (评审): on-site service-capability reviews of primary-care facilities.
//!
//! Layers, dependencies pointing down only (docs/ARCHITECTURE.md draws them):
//! - [`text`] and [`time`]: text cleaning, width and Chinese line breaking; typed
//!   timestamps and dates. Used by every layer.
//! - [`checklist`]: the TOML checklist format, loading with diagnostics, discovery;
//! - [`scoring`]: grades, roll-ups, verdicts and the gaps to the next verdict, pure
//!   functions over a checklist;
//! - [`district`]: the district's year as data the user writes: targets
//!   (`targets.toml`, measured with the shortfall in facilities) and deadlines
//!   (`deadlines.toml`, what is due); pure, over the checklists;
//! - [`identity`]: the person at this laptop, their signing key, who is acting, the
//!   keys of other laptops this one trusts;
//! - [`store`]: each inspection's signed journal (the record) and its projection in
//!   sled, export bundles, backups, the gate every file from elsewhere passes,
//!   roster selection, the sample;
//! - [`report`]: the review report and roster PDFs (document model, layout, printpdf);
//! - [`tui`]: the terminal UI (ratatui), a face over the layers above; the CLI in
//!   `src/cli/` (the binary) is the other face.
//!
//! - [`config`] and [`output_dir`]: the user's settings file; the one folder reports
//!   and exports go to when no file is named (both faces use it).
//!
//! Domain code decides; the faces only render. Only `store` knows sled, only `report`
//! printpdf, only `tui` the terminal.

pub mod checklist;
pub mod config;
pub mod district;
pub mod identity;
pub mod output_dir;
pub mod report;
pub mod scoring;
pub mod store;
pub mod text;
pub mod time;
pub mod tui;
