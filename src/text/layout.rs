//! Width, truncation, padding and line breaking for Chinese with embedded Latin, one
//! set of rules for every face. A line may break between any two CJK characters;
//! Latin words and numbers stay whole unless wider than a line; no line starts with
//! closing punctuation （，。、；：？！）》」…★） and none ends with opening punctuation
//! （（《「『【）. Text is handled by grapheme cluster, so an emoji with its modifiers
//! or a letter with its accents is never split.
//!
//! What "wide" means is a [`Width`]: terminal cells ([`Cells`]) for the TUI and the
//! CLI, glyph advances in mm for the PDF (`report::layout`).

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Characters that must not start a line: they stay with the unit before. ★ and ☆
/// mark the item id they follow (2.5.3★), so they stay with it too.
pub const NO_START: &str =
    "，。、；：？！）》」』】〕〉］｝〗〙〛’”…—～·‥﹐﹑﹒﹔﹕﹖﹗％‰℃°★☆,.;:?!)]}%";
/// Characters that must not end a line: they stay with the unit after.
pub const NO_END: &str = "（《「『【〔〈［｛〖〘〚‘“([{￥$＄";

/// Spaces a tab becomes.
const TAB: &str = "    ";

/// How wide a grapheme cluster is, in the face's unit.
pub trait Width {
    fn of(&self, grapheme: &str) -> f32;
}

/// Terminal cells: CJK and most emoji two, a tab four, control characters none.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cells;

impl Width for Cells {
    fn of(&self, g: &str) -> f32 {
        cell_width(g) as f32
    }
}

fn cell_width(g: &str) -> usize {
    if g == "\t" {
        TAB.len()
    } else if g.chars().all(char::is_control) {
        0
    } else {
        g.width()
    }
}

/// Display width of `s` in terminal cells.
pub fn cells(s: &str) -> usize {
    s.graphemes(true).map(cell_width).sum()
}

/// Width of `s` in `m`'s unit.
pub fn width_by(m: &(impl Width + ?Sized), s: &str) -> f32 {
    s.graphemes(true).map(|g| m.of(g)).sum()
}

/// `text` on one line: tabs become spaces, line breaks a space, other control
/// characters are dropped (they would move a terminal's cursor).
fn single_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push_str(TAB),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `text` on one line, cut to at most `max` wide, ending in `…` when something was cut.
pub fn truncate_by(m: &(impl Width + ?Sized), text: &str, max: f32) -> String {
    const EPS: f32 = 1e-3;
    let text = single_line(text);
    if width_by(m, &text) <= max + EPS {
        return text;
    }
    let room = max - m.of("…");
    if room < -EPS {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0.0;
    for g in text.graphemes(true) {
        let w = m.of(g);
        if used + w > room + EPS {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    out
}

/// `text` on one line, cut to at most `max` cells with `…`.
pub fn truncate(text: &str, max: usize) -> String {
    truncate_by(&Cells, text, max as f32)
}

/// `text` followed by spaces up to `width` cells (truncated first if wider).
pub fn pad(text: &str, width: usize) -> String {
    let mut s = truncate(text, width);
    let w = cells(&s);
    s.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    s
}

/// Wraps `text` into lines of at most `max` cells (a zero `max` counts as one).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    wrap_by(&Cells, text, max.max(1) as f32)
}

/// Breaks `text` into lines no wider than `max`. Newlines are kept as line breaks,
/// tabs become four spaces; empty paragraphs give empty lines, and an empty text one
/// empty line. A paragraph's leading spaces are kept; no other line starts or ends
/// with a space.
pub fn wrap_by(m: &(impl Width + ?Sized), text: &str, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let para = para.trim_end_matches('\r').replace('\t', TAB);
        wrap_paragraph(m, &para, max, &mut lines);
    }
    lines
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
enum Unit {
    Space,
    Text(String),
}

/// Splits a paragraph (no newlines) into units: spaces, Latin words, and single CJK
/// graphemes with the punctuation the rules glue to them.
fn units(para: &str) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    // Whether the last unit ended with a character that must not end a line.
    let mut glue_next = false;
    let mut word = String::new();
    for g in para.graphemes(true) {
        let first = g.chars().next().unwrap_or(' ');
        if g == " " {
            flush(&mut word, &mut out, &mut glue_next);
            out.push(Unit::Space);
            glue_next = false;
        } else if g.chars().all(char::is_control) {
            continue; // would move a terminal's cursor; takes no room in a PDF
        } else if first == '\u{3000}' || breaks_anywhere(first) || cell_width(g) > 1 {
            // An ideographic space is a visible full-width gap: text, not a break.
            flush(&mut word, &mut out, &mut glue_next);
            push_text(&mut out, g.to_string(), &mut glue_next);
        } else {
            word.push_str(g);
        }
    }
    flush(&mut word, &mut out, &mut glue_next);
    out
}

fn flush(word: &mut String, out: &mut Vec<Unit>, glue_next: &mut bool) {
    if !word.is_empty() {
        push_text(out, std::mem::take(word), glue_next);
    }
}

/// Appends `text` as a unit, or to the previous unit when the rules glue them.
fn push_text(out: &mut Vec<Unit>, text: String, glue_next: &mut bool) {
    let first = text.chars().next().unwrap_or(' ');
    let last = text.chars().last().unwrap_or(' ');
    let glue = *glue_next || NO_START.contains(first);
    match out.last_mut() {
        Some(Unit::Text(prev)) if glue => prev.push_str(&text),
        _ => out.push(Unit::Text(text)),
    }
    *glue_next = NO_END.contains(last);
}

fn wrap_paragraph(m: &(impl Width + ?Sized), para: &str, max: f32, lines: &mut Vec<String>) {
    const EPS: f32 = 1e-3;
    let space = m.of(" ");
    let first_line = lines.len();
    let mut line = String::new();
    let mut width = 0.0f32;
    // Spaces seen since the last text, added only if more text follows on this line.
    let mut pending_spaces = 0usize;
    for unit in units(para) {
        let text = match unit {
            Unit::Space => {
                if !line.is_empty() || lines.len() == first_line {
                    pending_spaces += 1;
                }
                continue;
            }
            Unit::Text(t) => t,
        };
        let w = width_by(m, &text);
        let gap = pending_spaces as f32 * space;
        if width + gap + w <= max + EPS {
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
        if w <= max + EPS {
            line = text;
            width = w;
            continue;
        }
        // Wider than a whole line (a long number, path or hash): break by graphemes.
        for g in text.graphemes(true) {
            let gw = m.of(g);
            if width + gw > max + EPS && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                width = 0.0;
            }
            line.push_str(g);
            width += gw;
        }
    }
    lines.push(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every CJK or full-width character 1, everything else 0.5: a PDF-like measure.
    struct Fixed;
    impl Width for Fixed {
        fn of(&self, g: &str) -> f32 {
            g.chars()
                .map(|c| if breaks_anywhere(c) { 1.0 } else { 0.5 })
                .sum()
        }
    }

    fn w(text: &str, max: f32) -> Vec<String> {
        wrap_by(&Fixed, text, max)
    }

    #[test]
    fn cjk_breaks_anywhere_by_cells_and_by_glyphs() {
        assert_eq!(w("一二三四五六七", 3.0), ["一二三", "四五六", "七"]);
        let lines = wrap("每万服务人口全科医生不少于3名", 10);
        assert_eq!(lines, ["每万服务人", "口全科医生", "不少于3名"]);
        assert_eq!(
            wrap("社区卫生服务中心", 5),
            ["社区", "卫生", "服务", "中心"]
        );
    }

    #[test]
    fn no_line_starts_with_closing_punctuation_or_a_star() {
        assert_eq!(w("一二三。四五", 3.0), ["一二", "三。四", "五"]);
        assert_eq!(w("一二，三", 2.0), ["一", "二，", "三"]);
        assert_eq!(wrap("甲乙丙丁，戊己", 8), ["甲乙丙", "丁，戊己"]);
        assert_eq!(w("1.2、2.5.3★、", 5.0), ["1.2、", "2.5.3★、"]);
        for lines in [
            w("甲乙丙丁，戊己庚辛。壬癸）子丑", 3.0),
            w("ab，cd。ef", 2.0),
        ] {
            for l in &lines[1..] {
                let first = l.chars().next().unwrap();
                assert!(!NO_START.contains(first), "{lines:?}");
            }
        }
    }

    #[test]
    fn no_line_ends_with_opening_punctuation() {
        assert_eq!(w("一二（三）", 3.0), ["一二", "（三）"]);
        assert_eq!(w("一二《三》四", 3.0), ["一二", "《三》", "四"]);
    }

    #[test]
    fn latin_words_stay_whole_and_newlines_are_kept() {
        assert_eq!(w("见 ISO9001 标准", 4.5), ["见", "ISO9001", "标准"]);
        assert_eq!(w("见ISO9001标准", 5.0), ["见ISO9001", "标准"]);
        assert_eq!(w("abc def ghi", 4.0), ["abc def", "ghi"]);
        let lines = wrap("CT and DR 设备\n第二行", 9);
        assert_eq!(lines, ["CT and DR", "设备", "第二行"]);
        assert_eq!(w("一\n\n二", 5.0), ["一", "", "二"]);
        assert_eq!(w("", 5.0), [""]);
        assert_eq!(wrap("  缩进", 10), ["  缩进"]);
    }

    #[test]
    fn overlong_words_rare_cjk_and_emoji_fit() {
        assert_eq!(w("0123456789", 2.0), ["0123", "4567", "89"]);
        let lines = wrap("https://example.org/abcdefghij 𠀀😀", 8);
        for l in &lines {
            assert!(cells(l) <= 8, "{l:?}");
        }
        assert_eq!(
            lines.concat().replace(' ', ""),
            "https://example.org/abcdefghij𠀀😀"
        );
        assert_eq!(wrap("中", 0), ["中"]);
        let lines = w("一二——三四……五", 3.0);
        for l in &lines {
            assert!(!l.starts_with('—') && !l.starts_with('…'), "{lines:?}");
        }
    }

    #[test]
    fn truncate_and_pad_by_cells() {
        assert_eq!(truncate("乡镇卫生院", 6), "乡镇…");
        assert_eq!(truncate("乡镇卫生院", 10), "乡镇卫生院");
        assert_eq!(truncate("a\u{7}b\nc", 10), "ab c");
        assert_eq!(pad("乡镇", 6), "乡镇  ");
        assert_eq!(truncate_by(&Fixed, "一二三四", 2.6), "一…");
    }
}
