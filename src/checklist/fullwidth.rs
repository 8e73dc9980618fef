//! Full-width punctuation typed with a Chinese input method where TOML wants ASCII:
//! `title ＝ "…"`, `["查阅资料"，"访谈"]`, `【checklist】`, `“…”`. Inside a string these are
//! ordinary text; only where toml reports a syntax error is one of them the cause.

/// A full-width character and what to type instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FullWidth {
    pub found: char,
    /// How the editor would call it, e.g. "全角等号".
    pub name: &'static str,
    /// The ASCII character TOML wants in its place, e.g. `=`.
    pub ascii: char,
}

/// What `c` is, when it is full-width punctuation (or a full-width letter, digit or
/// space) standing for an ASCII character.
pub(super) fn full_width(c: char) -> Option<FullWidth> {
    let (name, ascii) = match c {
        '＝' => ("全角等号", '='),
        '，' => ("全角逗号", ','),
        '、' => ("顿号", ','),
        '：' => ("全角冒号", '='),
        '［' => ("全角左方括号", '['),
        '］' => ("全角右方括号", ']'),
        '【' => ("全角方头括号", '['),
        '】' => ("全角方头括号", ']'),
        '“' | '”' => ("全角（中文）双引号", '"'),
        '‘' | '’' => ("全角（中文）单引号", '"'),
        '＂' => ("全角双引号", '"'),
        '＇' => ("全角单引号", '"'),
        '。' => ("中文句号", '.'),
        '．' => ("全角句点", '.'),
        '＃' => ("全角井号", '#'),
        '｛' => ("全角左花括号", '{'),
        '｝' => ("全角右花括号", '}'),
        '\u{3000}' => ("全角空格", ' '),
        // The rest of the full-width forms of ASCII: letters, digits, other signs.
        '\u{FF01}'..='\u{FF5E}' => ("全角字符", char::from_u32(u32::from(c) - 0xFEE0)?),
        _ => return None,
    };
    Some(FullWidth {
        found: c,
        name,
        ascii,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_characters_and_the_ascii_to_type() {
        assert_eq!(full_width('＝').map(|f| f.ascii), Some('='));
        assert_eq!(full_width('：').map(|f| f.ascii), Some('='));
        assert_eq!(full_width('】').map(|f| f.ascii), Some(']'));
        assert_eq!(full_width('\u{3000}').map(|f| f.name), Some("全角空格"));
        assert_eq!(full_width('１').map(|f| f.ascii), Some('1'));
        assert_eq!(full_width('ｚ').map(|f| f.ascii), Some('z'));
        assert_eq!(full_width('～').map(|f| f.ascii), Some('~'));
        assert_eq!(full_width('='), None);
        assert_eq!(full_width('中'), None);
    }
}
