//! pingshen (评审): on-site service-capability reviews of primary-care facilities.
//!
//! Layers, dependencies pointing down only:
//! - [`checklist`]: the TOML checklist format, loading with diagnostics, discovery;
//! - [`scoring`]: grades, roll-ups and verdicts, pure functions over a checklist.
//!
//! - [`store`]: inspections, grades and history in sled, exports, backups.
//!
//! The first two know nothing of storage, terminal or PDF; none knows the terminal.

pub mod checklist;
pub mod scoring;
pub mod store;
