//! The order a Chinese reader expects names in: by pinyin (北京 after 安贞, before 朝阳),
//! not by code point. Each Chinese character stands for its most common reading
//! (the `pinyin` crate's first), letters and digits for themselves; characters that
//! read alike keep code-point order between them, so the order is total and stable.

use std::cmp::Ordering;

use pinyin::ToPinyin;

/// The sort key of `text`: the readings, one per Chinese character, each followed by
/// a space (so 阿 "a" comes before 爱 "ai"), Latin words as they are; then the text
/// itself for ties.
pub fn pinyin_key(text: &str) -> (String, String) {
    let mut key = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        match c.to_pinyin() {
            Some(p) => {
                if !key.is_empty() && !key.ends_with(' ') {
                    key.push(' ');
                }
                key.push_str(p.plain());
                key.push(' ');
            }
            // A Latin word reads as one word.
            None => key.extend(c.to_lowercase()),
        }
    }
    (key, text.to_string())
}

/// `a` against `b` by [`pinyin_key`].
pub fn by_pinyin(a: &str, b: &str) -> Ordering {
    pinyin_key(a).cmp(&pinyin_key(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_their_reading() {
        let mut names = vec!["朝阳区", "北京市", "安贞社区", "爱民街道", "阿荣旗", "Beta"];
        names.sort_by(|a, b| by_pinyin(a, b));
        assert_eq!(
            names,
            ["阿荣旗", "爱民街道", "安贞社区", "北京市", "Beta", "朝阳区"]
        );
    }
}
