//! 常用评语 (quick phrases): the findings an inspector writes again and again, offered
//! in the note and 整改意见 editors and by `pingshen phrases`.
//!
//! They come from two places: the checklist (`phrases = [...]` on an item) and the
//! user's own file in the config dir (`phrases.toml`, [`UserPhrases`]). [`offered`] is
//! the one rule for what an item offers and in which order; the TUI menu and the CLI
//! list only render it, so the numbers they show are the same.

mod file;

pub use file::{ItemPhrases, PHRASES_FILE, PHRASES_FILE_MAX, UserPhrases};

use serde::Serialize;

use super::model::Checklist;

/// Longest phrase, in characters: a phrase is a sentence or two.
pub const PHRASE_MAX_CHARS: usize = 200;
/// Most phrases in one list (one item's in the checklist, one list in the user's file).
pub const PHRASES_MAX: usize = 50;

/// Where an offered phrase comes from, which decides its place in the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum PhraseSource {
    /// Already written in another item's note or 整改意见 in this inspection.
    Used,
    /// The item's own phrases in the checklist.
    Checklist,
    /// The user's phrases file: for this item, or for every item.
    Mine,
}

impl PhraseSource {
    /// How every face names it.
    pub fn label(self) -> &'static str {
        match self {
            PhraseSource::Used => "本次已用",
            PhraseSource::Checklist => "清单",
            PhraseSource::Mine => "我的",
        }
    }
}

/// One phrase offered for an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phrase {
    pub text: String,
    pub source: PhraseSource,
    /// For [`PhraseSource::Used`]: in how many other items' notes or 整改意见 it is
    /// written; 0 otherwise.
    pub uses: usize,
}

/// The phrases item `item_id` of `checklist` offers, in the order every face shows
/// them, each once:
///
/// 1. phrases already written in this inspection — any phrase the checklist or the
///    user's file knows that stands in another item's note or 整改意见 (`written`:
///    each item's id with one of its texts) — most used first; of those used as
///    often, the item's own checklist phrases first, then in the order the checklist
///    and the user's file list them;
/// 2. the item's own phrases in the checklist, in the checklist's order;
/// 3. the user's phrases for this item, then those for every item.
///
/// A known phrase found only inside a longer known phrase written there ("记录不全"
/// inside "消毒记录不全") is not counted as used: only the longer one was written.
pub fn offered<'a>(
    checklist: &Checklist,
    item_id: &str,
    mine: &UserPhrases,
    written: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<Phrase> {
    let own: Vec<&str> = checklist
        .find_item(item_id)
        .map(|it| it.phrases.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let users: Vec<&str> = mine.for_item(&checklist.id, item_id).collect();

    // Every phrase known in this checklist, each once, in catalogue order.
    let mut known: Vec<&str> = Vec::new();
    for text in checklist
        .items()
        .flat_map(|(_, _, it)| it.phrases.iter().map(String::as_str))
        .chain(mine.known_in(&checklist.id))
    {
        if !known.contains(&text) {
            known.push(text);
        }
    }

    // For each known phrase, the other items that hold it.
    let mut holders: Vec<Vec<&str>> = vec![Vec::new(); known.len()];
    for (item, text) in written {
        if item == item_id || text.is_empty() {
            continue;
        }
        for k in phrases_in(text, &known) {
            if !holders[k].contains(&item) {
                holders[k].push(item);
            }
        }
    }
    let mut used: Vec<(usize, usize)> = holders
        .iter()
        .enumerate()
        .filter(|(_, h)| !h.is_empty())
        .map(|(k, h)| (k, h.len()))
        .collect();
    // Most used first; of those used as often, the item's own first; then the
    // catalogue order (the sort is stable).
    used.sort_by_key(|&(k, uses)| (std::cmp::Reverse(uses), !own.contains(&known[k])));

    let mut out: Vec<Phrase> = Vec::new();
    let mut offer = |text: &str, source: PhraseSource, uses: usize| {
        if !out.iter().any(|p| p.text == text) {
            out.push(Phrase {
                text: text.to_string(),
                source,
                uses,
            });
        }
    };
    for (k, uses) in used {
        offer(known[k], PhraseSource::Used, uses);
    }
    for text in own {
        offer(text, PhraseSource::Checklist, 0);
    }
    for text in users {
        offer(text, PhraseSource::Mine, 0);
    }
    out
}

/// Which of `known` stand in `text` (indexes into `known`), the longest first at each
/// place: a phrase lying wholly inside a longer one found at that place is not in it.
fn phrases_in(text: &str, known: &[&str]) -> Vec<usize> {
    let mut by_length: Vec<usize> = (0..known.len()).collect();
    by_length.sort_by_key(|&k| std::cmp::Reverse(known[k].len()));
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    let mut found = Vec::new();
    for k in by_length {
        let phrase = known[k];
        let mut here = false;
        for (at, _) in text.match_indices(phrase) {
            let span = at..at + phrase.len();
            if !taken
                .iter()
                .any(|t| t.start <= span.start && span.end <= t.end)
            {
                taken.push(span);
                here = true;
            }
        }
        if here {
            found.push(k);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_inside_a_longer_one_is_not_counted() {
        let known = ["记录不全", "消毒记录不全", "未见年度计划"];
        let mut found = phrases_in("消毒记录不全；未见年度计划", &known);
        found.sort();
        assert_eq!(found, [1, 2]);
        let mut found = phrases_in("消毒记录不全，交接班记录不全", &known);
        found.sort();
        assert_eq!(found, [0, 1]);
        assert!(phrases_in("", &known).is_empty());
    }
}
