//! The words `tier`, `select` and `min_grade` accept. One rule for all three: exactly
//! the spellings listed here (and in checklists/README.md), white space around the word
//! ignored, English words and grade letters in any case. Hints are built from these
//! lists, so they always say exactly what is accepted.

use super::model::{Level, Tier};

/// A value naming one thing, and every way of writing it.
pub(super) struct Word<T: 'static> {
    pub value: T,
    /// The first is the one to recommend.
    pub spellings: &'static [&'static str],
}

pub(super) const TIERS: &[Word<Tier>] = &[
    Word {
        value: Tier::Basic,
        spellings: &["基本标准", "基本", "basic"],
    },
    Word {
        value: Tier::Recommended,
        spellings: &["推荐标准", "推荐", "recommended"],
    },
];

pub(super) const LEVELS: &[Word<Level>] = &[
    Word {
        value: Level::A,
        spellings: &["A"],
    },
    Word {
        value: Level::B,
        spellings: &["B"],
    },
    Word {
        value: Level::C,
        spellings: &["C"],
    },
];

/// What `select` names; a chapter is attached from the condition's `chapter` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SelectWord {
    All,
    Core,
    Tier(Tier),
    Chapter,
}

pub(super) const SELECT_WORDS: &[Word<SelectWord>] = &[
    Word {
        value: SelectWord::All,
        spellings: &["all", "全部"],
    },
    Word {
        value: SelectWord::Core,
        spellings: &["core", "核心条款", "核心"],
    },
    Word {
        value: SelectWord::Tier(Tier::Basic),
        spellings: &["basic", "基本标准", "基本"],
    },
    Word {
        value: SelectWord::Tier(Tier::Recommended),
        spellings: &["recommended", "推荐标准", "推荐"],
    },
    Word {
        value: SelectWord::Chapter,
        spellings: &["chapter", "章"],
    },
];

/// The value `text` spells, by the rule above.
pub(super) fn parse<T: Copy>(words: &[Word<T>], text: &str) -> Option<T> {
    let text = text.trim();
    words
        .iter()
        .find(|w| w.spellings.iter().any(|s| same_word(s, text)))
        .map(|w| w.value)
}

fn same_word(spelling: &str, text: &str) -> bool {
    if spelling.is_ascii() {
        spelling.eq_ignore_ascii_case(text)
    } else {
        spelling == text
    }
}

/// `"a"、"b" 或 "c"`.
fn alternatives(spellings: &[&str]) -> String {
    let quoted: Vec<String> = spellings.iter().map(|s| format!("\"{s}\"")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} 或 {last}", rest.join("、")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// Every accepted spelling of each value, after what the value means.
fn listing<T: Copy>(words: &[Word<T>], meaning: impl Fn(T) -> String) -> String {
    let parts: Vec<String> = words
        .iter()
        .map(|w| format!("{}写作 {}", meaning(w.value), alternatives(w.spellings)))
        .collect();
    format!("{}（英文不分大小写，前后的空格不计）", parts.join("；"))
}

pub(super) fn tier_hint() -> String {
    format!(
        "tier 可以这样写：{}。",
        listing(TIERS, |t| t.label().to_string())
    )
}

pub(super) fn select_hint() -> String {
    let meaning = |w: SelectWord| match w {
        SelectWord::All => "全部条款".to_string(),
        SelectWord::Core => "核心条款（★）".to_string(),
        SelectWord::Tier(t) => format!("{}条款", t.label()),
        SelectWord::Chapter => "某一章（同时写 chapter = \"N\"）".to_string(),
    };
    format!("select 可以这样写：{}。", listing(SELECT_WORDS, meaning))
}

pub(super) fn grade_hint() -> String {
    let letters: Vec<&str> = LEVELS
        .iter()
        .flat_map(|w| w.spellings.iter().copied())
        .collect();
    format!(
        "min_grade 只能是 {}（大小写均可，前后的空格不计）。",
        alternatives(&letters)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_every_word() {
        assert_eq!(parse(TIERS, " Basic\u{3000}"), Some(Tier::Basic));
        assert_eq!(parse(TIERS, "RECOMMENDED"), Some(Tier::Recommended));
        assert_eq!(parse(TIERS, "基本"), Some(Tier::Basic));
        assert_eq!(parse(TIERS, "基本標準"), None);
        assert_eq!(parse(LEVELS, "b"), Some(Level::B));
        assert_eq!(parse(LEVELS, "D"), None);
        assert_eq!(parse(SELECT_WORDS, "Core"), Some(SelectWord::Core));
        assert_eq!(parse(SELECT_WORDS, "章"), Some(SelectWord::Chapter));
    }

    #[test]
    fn every_spelling_a_hint_names_is_accepted_and_every_accepted_one_is_named() {
        let hint = tier_hint();
        assert_eq!(
            hint,
            "tier 可以这样写：基本标准写作 \"基本标准\"、\"基本\" 或 \"basic\"；推荐标准写作 \"推荐标准\"、\"推荐\" 或 \"recommended\"（英文不分大小写，前后的空格不计）。"
        );
        for s in TIERS.iter().flat_map(|w| w.spellings) {
            assert!(hint.contains(&format!("\"{s}\"")), "{s}");
        }
        let hint = select_hint();
        for w in SELECT_WORDS {
            for s in w.spellings {
                assert!(hint.contains(&format!("\"{s}\"")), "{s}");
                assert_eq!(parse(SELECT_WORDS, s), Some(w.value));
            }
        }
        assert_eq!(
            grade_hint(),
            "min_grade 只能是 \"A\"、\"B\" 或 \"C\"（大小写均可，前后的空格不计）。"
        );
    }
}
