//! Line breaking for Chinese with embedded Latin: break between any two CJK
//! characters, keep Latin words and numbers whole, and follow the Chinese rules that
//! no line starts with closing punctuation （，。、；：？！）》」』】…） and none ends
//! with opening punctuation （（《「『【）.

use super::layout::{Measure, Weight};

/// Characters that must not start a line: they stay with the character before.
const NO_START: &str =
    "，。、；：？！）》」』】〕〉］｝〗〙〛’”…—～·‥﹐﹑﹒﹔﹕﹖﹗％‰℃°,.;:?!)]}%";
/// Characters that must not end a line: they stay with the character after.
const NO_END: &str = "（《「『【〔〈［｛〖〘〚‘“([{￥$＄";

fn no_start(c: char) -> bool {
    NO_START.contains(c)
}

fn no_end(c: char) -> bool {
    NO_END.contains(c)
}

/// Characters after or before which a line may break: CJK ideographs, kana, hangul,
/// full-width forms, CJK punctuation and the symbol blocks. Everything else that is
/// not a space belongs to a Latin word (letters, digits, ASCII punctuation).
fn breaks_anywhere(c: char) -> bool {
    let u = c as u32;
    (0x2000..=0x2BFF).contains(&u) // general punctuation, symbols, ①, ★, □
        || (0x2E80..=0xA4CF).contains(&u) // CJK radicals … Yi, incl. ideographs and kana
        || (0xAC00..=0xD7AF).contains(&u) // hangul
        || (0xE000..=0xFAFF).contains(&u) // private use, compatibility ideographs
        || (0xFE30..=0xFE4F).contains(&u) // CJK compatibility forms
        || (0xFF00..=0xFFEF).contains(&u) // full-width forms
        || u >= 0x1F000 // emoji, supplementary ideographs
}

/// A piece of text that is never broken inside (unless wider than a whole line).
#[derive(Debug, Clone, PartialEq)]
enum Unit {
    Space,
    Text(String),
}

/// Splits a paragraph (no newlines) into units: spaces, Latin words, and single
/// CJK characters with the punctuation glued to them by the rules above.
fn units(para: &str) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    // Whether the last unit ended with a character that must not end a line.
    let mut glue_next = false;
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Unit>, glue_next: &mut bool| {
        if word.is_empty() {
            return;
        }
        let w = std::mem::take(word);
        push_text(out, w, glue_next);
    };
    for c in para.chars() {
        if c == ' ' || c == '\t' || c == '\u{3000}' {
            flush(&mut word, &mut out, &mut glue_next);
            if c == '\u{3000}' {
                // An ideographic space is a visible full-width gap: keep it as text.
                push_text(&mut out, c.to_string(), &mut glue_next);
            } else {
                out.push(Unit::Space);
                glue_next = false;
            }
        } else if breaks_anywhere(c) {
            flush(&mut word, &mut out, &mut glue_next);
            push_text(&mut out, c.to_string(), &mut glue_next);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out, &mut glue_next);
    out
}

/// Appends `text` as a unit, or to the previous unit when the rules glue them.
fn push_text(out: &mut Vec<Unit>, text: String, glue_next: &mut bool) {
    let first = text.chars().next().unwrap_or(' ');
    let last = text.chars().last().unwrap_or(' ');
    let glue = *glue_next || no_start(first);
    match out.last_mut() {
        Some(Unit::Text(prev)) if glue => prev.push_str(&text),
        _ => out.push(Unit::Text(text)),
    }
    *glue_next = no_end(last);
}

/// Width of `text` in mm.
pub fn text_width(m: &dyn Measure, text: &str, weight: Weight, size_mm: f32) -> f32 {
    text.chars().map(|c| m.char_width(c, weight, size_mm)).sum()
}

/// Breaks `text` into lines no wider than `max` mm. Newlines in the text are kept as
/// line breaks; empty paragraphs give empty lines; an empty text gives one empty line.
pub fn wrap(m: &dyn Measure, text: &str, weight: Weight, size_mm: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        wrap_paragraph(m, para, weight, size_mm, max, &mut lines);
    }
    lines
}

fn wrap_paragraph(
    m: &dyn Measure,
    para: &str,
    weight: Weight,
    size: f32,
    max: f32,
    lines: &mut Vec<String>,
) {
    let space = m.char_width(' ', weight, size);
    let mut line = String::new();
    let mut width = 0.0f32;
    // Spaces seen since the last text, added only if more text follows on this line.
    let mut pending_spaces = 0usize;
    let eps = 1e-3;
    for unit in units(para) {
        let text = match unit {
            Unit::Space => {
                if !line.is_empty() {
                    pending_spaces += 1;
                }
                continue;
            }
            Unit::Text(t) => t,
        };
        let w = text_width(m, &text, weight, size);
        let gap = pending_spaces as f32 * space;
        if width + gap + w <= max + eps {
            line.extend(std::iter::repeat_n(' ', pending_spaces));
            line.push_str(&text);
            width += gap + w;
            pending_spaces = 0;
            continue;
        }
        pending_spaces = 0;
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            width = 0.0;
        }
        if w <= max + eps {
            line = text;
            width = w;
            continue;
        }
        // Wider than a whole line (a long number, path or hash): break by characters.
        for c in text.chars() {
            let cw = m.char_width(c, weight, size);
            if width + cw > max + eps && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                width = 0.0;
            }
            line.push(c);
            width += cw;
        }
    }
    lines.push(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every CJK or full-width character 1 mm, everything else 0.5 mm, at size 1.
    struct Fixed;
    impl Measure for Fixed {
        fn char_width(&self, c: char, _: Weight, size: f32) -> f32 {
            if breaks_anywhere(c) { size } else { size * 0.5 }
        }
    }

    fn w(text: &str, max: f32) -> Vec<String> {
        wrap(&Fixed, text, Weight::Regular, 1.0, max)
    }

    #[test]
    fn cjk_breaks_anywhere() {
        assert_eq!(w("一二三四五六七", 3.0), ["一二三", "四五六", "七"]);
    }

    #[test]
    fn no_line_starts_with_closing_punctuation() {
        // 。 would start line 2: it goes with 三 to line 2 instead.
        assert_eq!(w("一二三。四五", 3.0), ["一二", "三。四", "五"]);
        assert_eq!(w("一二，三", 2.0), ["一", "二，", "三"]);
        for lines in [
            w("甲乙丙丁，戊己庚辛。壬癸）子丑", 3.0),
            w("ab，cd。ef", 2.0),
        ] {
            for l in &lines[1..] {
                let first = l.chars().next().unwrap();
                assert!(!no_start(first), "{lines:?}");
            }
        }
    }

    #[test]
    fn no_line_ends_with_opening_punctuation() {
        assert_eq!(w("一二（三）", 3.0), ["一二", "（三）"]);
        assert_eq!(w("一二《三》四", 3.0), ["一二", "《三》", "四"]);
    }

    #[test]
    fn latin_words_stay_whole() {
        assert_eq!(w("见 ISO9001 标准", 4.5), ["见", "ISO9001", "标准"]);
        assert_eq!(w("见ISO9001标准", 5.0), ["见ISO9001", "标准"]);
        assert_eq!(w("abc def ghi", 4.0), ["abc def", "ghi"]);
        assert_eq!(w("abc def", 3.0), ["abc", "def"]);
    }

    #[test]
    fn overlong_words_break_by_characters() {
        assert_eq!(w("0123456789", 2.0), ["0123", "4567", "89"]);
    }

    #[test]
    fn newlines_and_empty_text() {
        assert_eq!(w("一\n\n二", 5.0), ["一", "", "二"]);
        assert_eq!(w("", 5.0), [""]);
    }

    #[test]
    fn dashes_and_ellipses_stay_together() {
        let lines = w("一二——三四……五", 3.0);
        for l in &lines {
            assert!(!l.starts_with('—') && !l.starts_with('…'), "{lines:?}");
        }
    }
}
