//! Text that crosses a boundary or is laid out, one rule each, used by every face:
//!
//! - [`clean`]: what may be stored, what may reach a terminal, what may go into a
//!   spreadsheet cell, what may become part of a file name;
//! - [`layout`]: display width, truncation, padding and wrapping with the one set of
//!   Chinese line-breaking rules, generic over a [`Width`] measure: terminal cells
//!   ([`Cells`]) for the TUI and CLI, glyph advances for the PDF;
//! - [`search`]: what a search finds (every word, in any order; pinyin initials);
//! - [`order`]: names in pinyin order.

mod clean;
mod layout;
pub mod order;
pub mod search;

pub use clean::*;
pub use layout::{
    Cells, NO_END, NO_START, Width, cells, pad, truncate, truncate_by, width_by, wrap, wrap_by,
};

/// `bytes` as lowercase hex digits.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}
