//! What a search typed by an inspector finds: every word must be found (in any
//! order, each in any of the texts searched), case-insensitively; a word of Latin
//! letters also matches the pinyin initials of Chinese text (`xdgl` finds 消毒管理).
//! Full-width letters and digits, as a Chinese input method types them, count as
//! their ASCII forms. Every face that searches items calls this; none has rules of
//! its own.

use pinyin::ToPinyinMulti;

/// A parsed search: its words, lowercased, full-width forms folded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    words: Vec<Word>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Word {
    text: String,
    /// Two or more Latin letters: also tried as pinyin initials.
    initials: bool,
}

/// Shortest word tried as pinyin initials: one letter would match nearly everything.
const MIN_INITIALS: usize = 2;

impl Query {
    /// Splits `text` at whitespace (the ideographic space too) into words.
    pub fn parse(text: &str) -> Query {
        let words = fold(text)
            .split(char::is_whitespace)
            .filter(|w| !w.is_empty())
            .map(|w| Word {
                initials: w.chars().count() >= MIN_INITIALS
                    && w.chars().all(|c| c.is_ascii_lowercase()),
                text: w.to_string(),
            })
            .collect();
        Query { words }
    }

    /// No words: the search lets everything through.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether every word is found in at least one of `texts`.
    pub fn matches<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let prepared: Vec<Prepared> = texts.into_iter().map(Prepared::new).collect();
        self.matches_prepared(&prepared.iter().collect::<Vec<_>>())
    }

    /// [`Query::matches`] over texts prepared once ([`Prepared`]), for searching
    /// the same texts again at every key typed.
    pub fn matches_prepared(&self, texts: &[&Prepared]) -> bool {
        self.words.iter().all(|w| {
            texts
                .iter()
                .any(|t| t.folded.contains(&w.text) || (w.initials && t.has_initials(&w.text)))
        })
    }
}

/// A text ready to be searched: folded as a query is, with the initials of its
/// characters worked out.
#[derive(Debug, Clone)]
pub struct Prepared {
    folded: String,
    /// Per character, the letters it can stand for ([`first_letters`]).
    initials: Vec<u64>,
}

impl Prepared {
    pub fn new(text: &str) -> Prepared {
        let folded = fold(text);
        let initials = folded.chars().map(first_letters).collect();
        Prepared { folded, initials }
    }

    /// Whether `letters` are the initials of consecutive characters: each letter
    /// the first letter of one reading of its character (多音字: any reading), or
    /// the (Latin) character itself. Punctuation and spaces break a run.
    fn has_initials(&self, letters: &str) -> bool {
        let wanted: Vec<u64> = letters.chars().map(letter_bit).collect();
        if wanted.is_empty() || wanted.contains(&0) {
            return false;
        }
        self.initials.windows(wanted.len()).any(|window| {
            window
                .iter()
                .zip(&wanted)
                .all(|(have, want)| have & want != 0)
        })
    }
}

/// Lowercase, with full-width ASCII (Ａ, ｘ, ３) folded to ASCII.
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The bit of a lowercase Latin letter or a digit (a–z, then 0–9: 36 bits); 0 for
/// anything else.
fn letter_bit(c: char) -> u64 {
    match c {
        'a'..='z' => 1 << (u64::from(c) - u64::from('a')),
        '0'..='9' => 1 << (26 + u64::from(c) - u64::from('0')),
        _ => 0,
    }
}

/// The first letters a character can stand for, as bits ([`letter_bit`]): its
/// pinyin readings' for a Chinese character, itself for a Latin letter or a digit,
/// none for anything else.
fn first_letters(c: char) -> u64 {
    if c.is_ascii_alphanumeric() {
        return letter_bit(c);
    }
    c.to_pinyin_multi().map_or(0, |readings| {
        readings
            .into_iter()
            .filter_map(|r| r.plain().chars().next())
            .fold(0, |bits, first| bits | letter_bit(first))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finds(query: &str, texts: &[&str]) -> bool {
        Query::parse(query).matches(texts.iter().copied())
    }

    #[test]
    fn every_word_must_match_in_any_order_and_any_text() {
        let item = [
            "3.4.2",
            "冷链管理",
            "疫苗冷链设备运转正常，每日记录温度两次",
        ];
        assert!(finds("冷链 温度", &item));
        assert!(finds("温度 冷链", &item));
        assert!(finds("3.4.2 温度", &item));
        // One word in the title, the other in the criteria.
        assert!(finds("管理 记录", &item));
        assert!(!finds("冷链 湿度", &item));
        // Words are not one phrase.
        assert!(!finds("冷链 温度", &["冷链管理"]));
        assert!(!finds("冷链温度", &item));
    }

    #[test]
    fn an_empty_search_lets_everything_through() {
        assert!(Query::parse("").is_empty());
        assert!(Query::parse(" \u{3000} ").is_empty());
        assert!(finds("  ", &["消毒管理"]));
    }

    #[test]
    fn pinyin_initials_find_chinese_text() {
        assert!(finds("xdgl", &["院感与消毒管理"]));
        assert!(finds("XDGL", &["消毒管理"]));
        // Full-width letters, as an input method in Chinese mode types them.
        assert!(finds("ｘｄｇｌ", &["消毒管理"]));
        assert!(finds("xd gl", &["消毒供应与器械管理"]));
        assert!(!finds("xdgl", &["消毒供应管理"]));
        // Initials of consecutive characters only: punctuation breaks a run.
        assert!(!finds("xdgl", &["消毒，管理"]));
        // Latin letters and digits in the text count as themselves.
        assert!(finds("bc", &["B超室"]));
        assert!(finds("bcs", &["B超室"]));
    }

    #[test]
    fn every_character_has_its_initials_worked_out_without_fail() {
        // Digits, capitals, symbols, other scripts: each character of a text is
        // prepared, whatever it is.
        let odd = "0123456789 ABCXYZ abcxyz ０９Ｚ ①Ⅻ 😀 \u{0} é ß 〇 ㄅ";
        assert!(finds("2019", &[odd, "2019年"]));
        assert!(finds("xd", &["消毒 2019 年 9 月"]));
        assert!(!finds("zz", &[odd]));
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            let _ = Prepared::new(&c.to_string());
        }
    }

    #[test]
    fn a_character_with_several_readings_matches_by_any_of_them() {
        // 重 is zhòng (重点) and chóng (重复).
        assert!(finds("zd", &["重点人群"]));
        assert!(finds("cf", &["重复检查"]));
    }

    #[test]
    fn a_single_letter_is_not_tried_as_initials() {
        assert!(!finds("x", &["消毒管理"]));
        assert!(finds("b", &["B超室"]));
    }

    #[test]
    fn full_width_digits_and_case_fold() {
        assert!(finds("２．１", &["2.1.3"]));
        assert!(finds("ct", &["CT 室"]));
    }
}
