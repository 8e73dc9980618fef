//! Everything the command line prints goes through here: text for a terminal passes
//! the one sanitiser ([`pingshen::text::for_terminal`]), and a closed pipe (`pingshen
//! list | head -1`) ends the command quietly instead of panicking.

use std::io::{IsTerminal, Write};

use pingshen::text::{for_terminal, is_bidi_control};

/// Writes `text` to standard output, control and bidi characters shown escaped.
pub fn stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(for_terminal(text).as_bytes())?;
    out.flush()
}

/// Writes `text` to standard error the same way. A closed standard error is ignored:
/// there is nowhere left to say anything.
pub fn stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(for_terminal(text).as_bytes());
    let _ = err.flush();
}

/// Writes `value` as pretty JSON. serde_json already escapes control characters;
/// bidi controls are escaped here as `\uXXXX`, which JSON readers turn back into the
/// same character.
pub fn json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if is_bidi_control(c) {
            escaped.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            escaped.push(c);
        }
    }
    escaped.push('\n');
    let mut out = std::io::stdout().lock();
    out.write_all(escaped.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Writes file content (CSV, a table) to standard output: sanitised when it goes to
/// a terminal, byte for byte when it goes to a pipe or file.
pub fn data(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if out.is_terminal() {
        out.write_all(for_terminal(&String::from_utf8_lossy(bytes)).as_bytes())?;
    } else {
        out.write_all(bytes)?;
    }
    out.flush()
}

/// Whether `err` is a write into a closed pipe (the reader went away, as `head` does).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `print!` through [`stdout`]; returns early with the error on failure.
macro_rules! out {
    ($($t:tt)*) => {
        $crate::cli::output::stdout(&format!($($t)*))?
    };
}

/// `println!` through [`stdout`]; returns early with the error on failure.
macro_rules! outln {
    () => {
        $crate::cli::output::stdout("\n")?
    };
    ($($t:tt)*) => {
        $crate::cli::output::stdout(&format!("{}\n", format_args!($($t)*)))?
    };
}

/// `eprintln!` through [`stderr`].
macro_rules! errln {
    ($($t:tt)*) => {
        $crate::cli::output::stderr(&format!("{}\n", format_args!($($t)*)))
    };
}
