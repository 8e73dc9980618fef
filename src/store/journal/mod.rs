//! The journal: the record of an inspection. Every change is one signed entry, chained
//! to the entries before it by their hashes and appended to the inspection's journal
//! file; sled holds only what the journals say, as a projection that can be rebuilt
//! from them at any time.
//!
//! - [`entry`]: an entry, its typed change, its line, hash and signature;
//! - [`file`]: journal files, appended and synced before a change is reported saved;
//! - [`project`]: checking a journal's chain and signatures, and the state it records.

pub mod entry;
pub mod file;
pub mod project;

pub use entry::{Author, Change, Checked, Details, Entry, Field, Hash, Value, follow_up_text};

/// Entries with their hashes, in journal order.
pub type Hashed = Vec<(Entry, Hash)>;
pub use file::{End, Loaded, ReadError, journal_path, journals_dir};
pub use project::{Break, Fold, Projection, check, check_all, project};
