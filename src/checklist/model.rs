//! The checklist as the rest of the program sees it, after loading and validation.

use serde::Serialize;

/// A whole checklist: metadata, verdict rules, chapters.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    pub id: String,
    pub title: String,
    pub institution_type: String,
    pub version: String,
    pub source: String,
    /// Ordered best first; the first rule whose conditions all hold is the verdict.
    pub verdicts: Vec<VerdictRule>,
    /// The verdict when no rule holds (`[checklist] fallback_verdict`, by default
    /// [`crate::scoring::NOT_REACHED`]).
    pub fallback_verdict: String,
    /// Whether `fallback_verdict` was written in the file (kept so an export writes it back).
    pub fallback_declared: bool,
    pub chapters: Vec<Chapter>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Chapter {
    pub id: String,
    pub title: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub items: Vec<Item>,
}

/// One 条款.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    pub title: String,
    pub tier: Tier,
    /// ★ 核心条款.
    pub core: bool,
    pub methods: Vec<String>,
    pub criteria: Criteria,
    /// Whether 不适用 may be given.
    pub allow_na: bool,
    pub guidance: Option<String>,
    /// 常用评语: findings an inspector may pick for this item's note or 整改意见
    /// (`phrases`, formerly `remarks`); see [`super::phrases`].
    pub phrases: Vec<String>,
    /// `max_grade` as written: the item is graded only up to this level on purpose.
    pub declared_max: Option<Level>,
    /// 1-based line of the item's `[[chapter.section.item]]` header, so an editor can jump to it.
    pub line: usize,
}

/// The cumulative C/B/A criteria texts: B is only reachable when C holds, A only when B holds.
///
/// `c`, `b`, `a` are the texts as shown: a grade written as a list of numbered
/// sub-criteria (`b = ["…", "…"]`) reads "B-1 …" / "B-2 …", one per line, so every face
/// shows the numbers. `points` keeps the parts as written.
#[derive(Debug, Clone, Serialize)]
pub struct Criteria {
    pub c: String,
    pub b: Option<String>,
    pub a: Option<String>,
    pub points: Points,
}

/// A grade's criteria as written: one entry for a plain text, several for a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Points {
    pub c: Criterion,
    pub b: Criterion,
    pub a: Criterion,
}

/// One grade's criteria: absent, one text, or numbered sub-criteria.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub enum Criterion {
    #[default]
    Absent,
    Text(String),
    List(Vec<String>),
}

impl Criterion {
    /// The text as shown: a list as "B-1 …" lines.
    pub fn shown(&self, letter: &str) -> Option<String> {
        match self {
            Criterion::Absent => None,
            Criterion::Text(t) => Some(t.clone()),
            Criterion::List(parts) => Some(
                parts
                    .iter()
                    .enumerate()
                    .map(|(i, p)| format!("{letter}-{} {p}", i + 1))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        }
    }

    pub fn is_present(&self) -> bool {
        !matches!(self, Criterion::Absent)
    }
}

impl Item {
    /// The highest grade this item can be given: the highest level with criteria text.
    pub fn max_level(&self) -> Level {
        if self.criteria.a.is_some() {
            Level::A
        } else if self.criteria.b.is_some() {
            Level::B
        } else {
            Level::C
        }
    }

    /// The item's own texts a search looks in: id, title, the C/B/A criteria,
    /// guidance and methods. What counts as a match is [`crate::text::search::Query`].
    pub fn search_texts(&self) -> impl Iterator<Item = &str> {
        [
            Some(self.id.as_str()),
            Some(self.title.as_str()),
            Some(self.criteria.c.as_str()),
            self.criteria.b.as_deref(),
            self.criteria.a.as_deref(),
            self.guidance.as_deref(),
        ]
        .into_iter()
        .flatten()
        .chain(self.methods.iter().map(String::as_str))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Tier {
    Basic,
    Recommended,
}

impl Tier {
    pub fn label(self) -> &'static str {
        match self {
            Tier::Basic => "基本标准",
            Tier::Recommended => "推荐标准",
        }
    }

    /// Accepts the spellings listed in checklists/README.md: "基本标准", "基本", "basic",
    /// "推荐标准", "推荐", "recommended"; English in any case, white space around ignored.
    pub fn parse(s: &str) -> Option<Tier> {
        super::spellings::parse(super::spellings::TIERS, s)
    }
}

/// The minimum grade a condition asks for. D and 不适用 make no sense here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Level {
    C,
    B,
    A,
}

impl Level {
    /// "A", "B" or "C", in either case, white space around ignored.
    pub fn parse(s: &str) -> Option<Level> {
        super::spellings::parse(super::spellings::LEVELS, s)
    }

    pub fn letter(self) -> &'static str {
        match self {
            Level::A => "A",
            Level::B => "B",
            Level::C => "C",
        }
    }
}

/// One verdict, e.g. 达到推荐标准, with the conditions that must all hold.
#[derive(Debug, Clone, Serialize)]
pub struct VerdictRule {
    pub name: String,
    pub description: Option<String>,
    pub conditions: Vec<Condition>,
    /// 1-based line of the rule's `[[verdict]]` header.
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Condition {
    pub label: Option<String>,
    pub select: Selector,
    pub min_grade: Level,
    /// Share of applicable selected items that must be at or above `min_grade`, 0..=1.
    pub min_share: f64,
}

/// Which items a condition is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Selector {
    All,
    Core,
    Tier(Tier),
    Chapter(String),
}

impl Selector {
    pub fn matches(&self, chapter_id: &str, item: &Item) -> bool {
        match self {
            Selector::All => true,
            Selector::Core => item.core,
            Selector::Tier(t) => item.tier == *t,
            Selector::Chapter(c) => c == chapter_id,
        }
    }

    /// Human description, e.g. "核心条款（★）", "第2章".
    pub fn describe(&self) -> String {
        match self {
            Selector::All => "全部条款".to_string(),
            Selector::Core => "核心条款（★）".to_string(),
            Selector::Tier(t) => format!("{}条款", t.label()),
            Selector::Chapter(c) => format!("第{c}章条款"),
        }
    }
}

impl Condition {
    /// The label from the file, or one made from the condition itself.
    pub fn describe(&self) -> String {
        match &self.label {
            Some(l) => l.clone(),
            None => format!(
                "{}达到{}档及以上的比例不低于{}",
                self.select.describe(),
                self.min_grade.letter(),
                crate::scoring::percent(self.min_share)
            ),
        }
    }
}

impl Checklist {
    /// All items in chapter order, each with the id of its chapter.
    pub fn items(&self) -> impl Iterator<Item = (&Chapter, &Section, &Item)> {
        self.chapters.iter().flat_map(|ch| {
            ch.sections
                .iter()
                .flat_map(move |s| s.items.iter().map(move |it| (ch, s, it)))
        })
    }

    pub fn item_count(&self) -> usize {
        self.items().count()
    }

    pub fn find_item(&self, id: &str) -> Option<&Item> {
        self.items().map(|(_, _, it)| it).find(|it| it.id == id)
    }
}
