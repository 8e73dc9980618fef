//! Checklists: the TOML format, loading with diagnostics, discovery.
//! Knows nothing of storage, terminal or PDF.

mod changes;
mod criteria;
mod diagnostic;
mod discovery;
mod escape;
mod fields;
mod fullwidth;
mod lint;
mod load;
mod model;
mod outline;
pub mod phrases;
mod position;
mod spellings;
mod syntax;
mod toml_messages;
mod user_file;
pub mod workbook;

pub use changes::{item_changes, rules_changed};
pub use diagnostic::{Diagnostic, display_width};
pub use discovery::{
    Available, CHECKLIST_FILE_MAX, Catalog, Origin, ReadError, Source, builtin_sources,
    read_source, sha256_hex, user_sources,
};
pub use escape::escape_for_terminal;
pub use lint::warnings;
pub use load::parse_checklist;
pub use model::*;
pub use phrases::{Phrase, PhraseSource, UserPhrases};
pub use user_file::UserFile;
// For the other hand-written files of the config dir (`district`): the same reading
// of typed fields with every problem collected, the same syntax messages, one gate.
pub(crate) use escape::quoted;
pub(crate) use fields::{Ctx, Fields, Span};
pub(crate) use user_file::{load as load_user_file, parse_toml};

/// `pingshen check` prints at most this many errors of one file, then how many more
/// there are (checklists/README.md says so).
pub const MAX_PRINTED_ERRORS: usize = 200;
