//! Chinese-aware text layout for the terminal: widths in cells, wrapping by display
//! width and truncation, always on grapheme boundaries.
//!
//! ratatui's `Paragraph` wraps only at spaces, so a line of Chinese (which has none)
//! would be cut at the pane's edge. Everything shown in a pane is wrapped here first.
//! CJK line-breaking rules are kept where it costs nothing: a line does not start with
//! closing punctuation (，。、；：？！）」 …) nor end with an opening bracket.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Cells a tab takes on screen.
const TAB: &str = "    ";

/// Characters that must not start a line.
const NO_LINE_START: &str = "，。、；：？！）」』】〉》”’%…,.;:?!)]}·～—";
/// Characters that must not end a line.
const NO_LINE_END: &str = "（「『【〈《“‘([{";

/// Display width of `s` in terminal cells (CJK and most emoji count two).
pub fn width(s: &str) -> usize {
    s.graphemes(true).map(grapheme_width).sum()
}

fn grapheme_width(g: &str) -> usize {
    if g == "\t" {
        TAB.len()
    } else if g.chars().all(char::is_control) {
        0
    } else {
        g.width()
    }
}

/// `text` made safe for one screen line: tabs become spaces, line breaks a space,
/// other control characters are dropped (they would move the terminal's cursor).
pub fn single_line(text: &str) -> String {
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

/// `text` cut to at most `max` cells, ending in `…` when something was cut.
pub fn truncate(text: &str, max: usize) -> String {
    let text = single_line(text);
    if width(&text) <= max {
        return text;
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = grapheme_width(g);
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    out
}

/// `text` followed by spaces up to `cells` wide (truncated first if wider).
pub fn pad(text: &str, cells: usize) -> String {
    let mut s = truncate(text, cells);
    let w = width(&s);
    s.extend(std::iter::repeat_n(' ', cells.saturating_sub(w)));
    s
}

/// One unit the wrapper places: a wide grapheme, a run of narrow non-space
/// graphemes (a Latin word or a number), or a space.
struct Token<'a> {
    text: &'a str,
    width: usize,
    space: bool,
}

fn tokens(line: &str) -> Vec<Token<'_>> {
    let mut out: Vec<Token> = Vec::new();
    let mut word_start: Option<usize> = None;
    let mut word_width = 0;
    for (i, g) in line.grapheme_indices(true) {
        let w = grapheme_width(g);
        let space = g.chars().all(char::is_whitespace);
        let narrow_word_part = !space && w == 1;
        if narrow_word_part {
            word_start.get_or_insert(i);
            word_width += w;
            continue;
        }
        if let Some(start) = word_start.take() {
            out.push(Token {
                text: &line[start..i],
                width: word_width,
                space: false,
            });
            word_width = 0;
        }
        if w == 0 && !space {
            continue; // control characters and other zero-width leftovers
        }
        out.push(Token {
            text: g,
            width: w,
            space,
        });
    }
    if let Some(start) = word_start {
        out.push(Token {
            text: &line[start..],
            width: word_width,
            space: false,
        });
    }
    out
}

/// Wraps `text` into lines of at most `max` cells. Line breaks in the text are kept;
/// tabs become spaces; long Latin words are split only when wider than a whole line.
/// A zero `max` is treated as one cell, so the result is never empty for any text.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let paragraph = paragraph.trim_end_matches('\r').replace('\t', TAB);
        wrap_paragraph(&paragraph, max, &mut lines);
    }
    lines
}

fn wrap_paragraph(paragraph: &str, max: usize, lines: &mut Vec<String>) {
    let mut line: Vec<(&str, usize)> = Vec::new();
    let mut used = 0;
    let first_line = lines.len();
    let flush = |line: &mut Vec<(&str, usize)>, lines: &mut Vec<String>| {
        while line.last().is_some_and(|(t, _)| t.trim().is_empty()) {
            line.pop();
        }
        lines.push(line.drain(..).map(|(t, _)| t).collect());
    };
    for token in tokens(paragraph) {
        if used + token.width <= max {
            // A space that would start a continuation line is the break itself.
            let leading_space = token.space && line.is_empty() && lines.len() > first_line;
            if !leading_space {
                line.push((token.text, token.width));
                used += token.width;
            }
            continue;
        }
        if token.space {
            flush(&mut line, lines);
            used = 0;
            continue;
        }
        if token.width > max {
            // A word wider than a line: fill the current line, then split it.
            for g in token.text.graphemes(true) {
                let w = grapheme_width(g);
                if used + w > max && !line.is_empty() {
                    flush(&mut line, lines);
                    used = 0;
                }
                line.push((g, w));
                used += w;
            }
            continue;
        }
        // Break here; move one unit along when the break would put closing
        // punctuation at a line's start or an opening bracket at a line's end.
        let mut carried: Vec<(&str, usize)> = Vec::new();
        let starts_badly = token
            .text
            .chars()
            .next()
            .is_some_and(|c| NO_LINE_START.contains(c));
        if starts_badly
            && line.len() > 1
            && let Some(last) = line.pop()
        {
            carried.push(last);
        }
        while line.len() > 1
            && line
                .last()
                .is_some_and(|(t, _)| t.chars().last().is_some_and(|c| NO_LINE_END.contains(c)))
        {
            if let Some(last) = line.pop() {
                carried.insert(0, last);
            }
        }
        flush(&mut line, lines);
        used = 0;
        for unit in carried.into_iter().filter(|(t, _)| !t.trim().is_empty()) {
            used += unit.1;
            line.push(unit);
        }
        line.push((token.text, token.width));
        used += token.width;
    }
    flush(&mut line, lines);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_wraps_by_cells_never_mid_character() {
        let lines = wrap("每万服务人口全科医生不少于3名", 10);
        assert_eq!(lines, ["每万服务人", "口全科医生", "不少于3名"]);
        for l in &lines {
            assert!(width(l) <= 10);
        }
    }

    #[test]
    fn odd_width_leaves_a_cell_free_rather_than_cut() {
        let lines = wrap("社区卫生服务中心", 5);
        assert_eq!(lines, ["社区", "卫生", "服务", "中心"]);
    }

    #[test]
    fn no_line_starts_with_closing_punctuation() {
        let lines = wrap("甲乙丙丁，戊己", 8);
        assert_eq!(lines, ["甲乙丙", "丁，戊己"]);
    }

    #[test]
    fn latin_words_break_at_spaces_and_newlines_are_kept() {
        let lines = wrap("CT and DR 设备\n第二行", 9);
        assert_eq!(lines, ["CT and DR", "设备", "第二行"]);
    }

    #[test]
    fn long_words_rare_cjk_and_emoji_fit() {
        let lines = wrap("https://example.org/abcdefghij 𠀀😀", 8);
        for l in &lines {
            assert!(width(l) <= 8, "{l:?}");
        }
        assert_eq!(
            lines.concat().replace(' ', ""),
            "https://example.org/abcdefghij𠀀😀"
        );
        assert_eq!(wrap("中", 0), ["中"]);
        assert_eq!(wrap("", 5), [""]);
    }

    #[test]
    fn truncate_and_pad_by_cells() {
        assert_eq!(truncate("乡镇卫生院", 6), "乡镇…");
        assert_eq!(truncate("乡镇卫生院", 10), "乡镇卫生院");
        assert_eq!(pad("乡镇", 6), "乡镇  ");
        assert_eq!(single_line("a\u{7}b\nc"), "ab c");
    }
}
