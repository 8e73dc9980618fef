//! Random and mutated TOML never panics the loader: it returns a checklist or
//! diagnostics whose positions lie inside the file (on one of its lines, never on the
//! "line" after a final newline), with nothing in them that could steer a terminal.

use pingshen::checklist::{builtin_sources, parse_checklist};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    /// Text a Chinese input method or a hostile file brings: full-width punctuation,
    /// escape sequences, bidi overrides.
    InsertText(usize, &'static str),
    Truncate(usize),
}

const TEXTS: &[&str] = &[
    "＝",
    "，",
    "：",
    "［",
    "］",
    "【",
    "】",
    "“",
    "”",
    "‘",
    "’",
    "\u{3000}",
    "、",
    "。",
    "１",
    "\u{1b}[2J",
    "\u{202e}",
    "\u{2066}",
    "\r",
    "\"\"\"",
    "[[chapter.section.item]",
    "[checklist]\n",
];

fn edit() -> impl Strategy<Value = Edit> {
    // Bytes that matter to TOML, plus anything at all.
    let byte = prop_oneof![
        prop::sample::select(b"[]{}=\"'.,#\n \t\\0123456789abcz".to_vec()),
        any::<u8>(),
    ];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<usize>(), 1usize..200).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<usize>(), prop::collection::vec(byte, 1..12)).prop_map(|(i, v)| Edit::Insert(i, v)),
        (any::<usize>(), prop::sample::select(TEXTS)).prop_map(|(i, t)| Edit::InsertText(i, t)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = bytes.len().max(1);
        match e {
            Edit::Set(i, b) if !bytes.is_empty() => bytes[i % len] = *b,
            Edit::Delete(i, n) if !bytes.is_empty() => {
                let at = i % len;
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
            Edit::Insert(i, v) => {
                let at = i % (bytes.len() + 1);
                bytes.splice(at..at, v.iter().copied());
            }
            Edit::InsertText(i, t) => {
                let at = i % (bytes.len() + 1);
                bytes.splice(at..at, t.bytes());
            }
            Edit::Truncate(i) => bytes.truncate(i % len),
            _ => {}
        }
    }
    bytes
}

fn check(text: &str) -> Result<(), TestCaseError> {
    match parse_checklist(text, "fuzz.toml") {
        Ok(c) => prop_assert!(c.item_count() > 0),
        Err(diags) => {
            prop_assert!(!diags.is_empty());
            // `lines()` does not count the empty "line" after a final newline.
            let lines: Vec<&str> = text.lines().collect();
            for d in &diags {
                prop_assert!(d.span.start <= d.span.end && d.span.end <= text.len());
                prop_assert!(text.is_char_boundary(d.span.start));
                prop_assert!(
                    d.line >= 1 && d.line <= lines.len().max(1),
                    "line {} of {}",
                    d.line,
                    lines.len()
                );
                let line_text = lines.get(d.line - 1).copied().unwrap_or("");
                prop_assert!(d.column >= 1 && d.column <= line_text.chars().count() + 1);
                prop_assert!(!d.message.is_empty() && !d.help.is_empty());
                for shown in [&d.message, &d.help, &d.source_line] {
                    prop_assert!(!shown.chars().any(steers_terminal), "raw in {shown:?}");
                }
                let printed = d.to_string();
                prop_assert!(
                    !printed.chars().any(|c| c != '\n' && steers_terminal(c)),
                    "raw in {printed:?}"
                );
            }
        }
    }
    Ok(())
}

/// A character that, printed raw, could move the cursor or reorder the line.
fn steers_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn mutated_shipped_checklists(which in 0usize..2, crlf: bool, edits in prop::collection::vec(edit(), 1..6)) {
        let sources = builtin_sources();
        let mut text = sources[which % sources.len()].text.clone();
        if crlf {
            // As saved on Windows.
            text = text.replace('\n', "\r\n");
        }
        let base = text.into_bytes();
        let bytes = apply(base, &edits);
        check(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn arbitrary_text(text in "\\PC{0,400}") {
        check(&text)?;
    }

    #[test]
    fn toml_shaped_noise(text in "(\\[{1,2}[a-z.]{0,20}\\]{0,2}\n|[a-z_]{1,10} = (\"[^\"\n]{0,10}\"|[0-9.]{1,4}|true|\\[\\])\n|#.*\n){0,30}") {
        check(&text)?;
    }
}
