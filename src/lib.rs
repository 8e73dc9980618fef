//! pingshen (评审): on-site service-capability reviews of primary-care facilities.
//!
//! Layers, dependencies pointing down only:
//! - [`checklist`]: the TOML checklist format, loading with diagnostics, discovery;
//! - [`scoring`]: grades, roll-ups and verdicts, pure functions over a checklist.
//!
//! Neither knows anything of storage, terminal or PDF.

pub mod checklist;
pub mod scoring;
