//! Text from a checklist file quoted in a message: a key name or value may hold an
//! escape sequence or a bidi override that would rewrite or reorder what the terminal
//! shows, so such characters are written out as `\u{1b}` instead.

use std::borrow::Cow;

/// `text` with every control character (C0, DEL, C1, newline and tab included) and
/// every bidi formatting character written as a Rust-style escape, e.g. ESC as
/// `\u{1b}`: [`crate::text::for_terminal_line`], the one rule for quoted values.
pub fn escape_for_terminal(text: &str) -> Cow<'_, str> {
    crate::text::for_terminal_line(text)
}

/// Whether `c` could move the cursor, change colours or reorder the line if printed.
pub(super) fn needs_escape(c: char) -> bool {
    c.is_control() || crate::text::is_bidi_control(c)
}

/// Most characters of a value quoted in a message; longer values are cut with `…`, so a
/// hostile file cannot make each of many messages as long as the file.
const QUOTE_MAX_CHARS: usize = 40;

/// A value from the file as it is quoted in a message: escaped, and cut after
/// [`QUOTE_MAX_CHARS`] characters.
pub(crate) fn quoted(text: &str) -> String {
    let mut chars = text.char_indices();
    let cut = chars.nth(QUOTE_MAX_CHARS).map(|(i, _)| i);
    match cut {
        Some(i) => format!("{}…", escape_for_terminal(&text[..i])),
        None => escape_for_terminal(text).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(
            escape_for_terminal("条款 1.1.1 `tilte`"),
            Cow::Borrowed("条款 1.1.1 `tilte`")
        ));
    }

    #[test]
    fn control_and_bidi_characters_are_written_out() {
        assert_eq!(
            escape_for_terminal("a\u{1b}[2Jb\u{7f}\u{9b}"),
            "a\\u{1b}[2Jb\\u{7f}\\u{9b}"
        );
        assert_eq!(
            escape_for_terminal("\u{202e}txt.exe\u{2066}\u{2069}"),
            "\\u{202e}txt.exe\\u{2066}\\u{2069}"
        );
        assert_eq!(escape_for_terminal("\t\n\r"), "\\u{9}\\u{a}\\u{d}");
    }

    #[test]
    fn quoted_values_are_cut_on_a_character_boundary() {
        let long = "中".repeat(100);
        let q = quoted(&long);
        assert_eq!(q.chars().count(), QUOTE_MAX_CHARS + 1);
        assert!(q.ends_with('…'));
        assert_eq!(quoted("short\u{1b}"), "short\\u{1b}");
    }
}
