//! The walkthrough's state: the chapter → section → item tree as visible rows
//! (collapsed branches and filters applied), the selection, and moving around.
//! Writing grades and notes is in `grading.rs`.
//!
//! What the inspector sees is what keys act on: a filter or a search selects its
//! first match with the view at the top; an item a change takes out of the filter
//! stays in the tree, selected and marked 已不在筛选中, until the selection moves to
//! another item ([`Walkthrough::kept`]), so the next key never lands on an item that
//! slid in under the cursor.

use std::cell::{Cell, OnceCell};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use crate::checklist::{Chapter, Checklist, Item, Section};
use crate::scoring::{Grade, evaluate, rollup};
use crate::store::{Assessment, Inspection, Store, StoreError};
use crate::text::search::{Prepared, Query};

/// Which items the tree shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    All,
    Pending,
    /// 不达标
    Failed,
    Core,
    Chapter(String),
    /// The chapters assigned to one inspector (分工).
    Assigned(String),
    /// Items graded differently in merged exports, not yet settled (冲突).
    Conflicts,
    /// Items with an open 整改意见 from the previous review not yet checked.
    FollowUp,
}

/// One line of the tree, by indexes into the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Chapter(usize),
    Section(usize, usize),
    Item(usize, usize, usize),
}

/// A row of the tree by what it shows: kept across rebuilds (the selection stays on
/// the same node) and, for chapters and sections, what can be collapsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Node {
    Chapter(String),
    Section(String),
    Item(String),
}

pub struct Walkthrough {
    pub inspection: Inspection,
    pub checklist: Arc<Checklist>,
    /// By item id; an item without an entry is pending with no note.
    pub assessments: BTreeMap<String, Assessment>,
    /// Items in conflict after a merge, by item id: each item's versions, oldest
    /// first (the last is the one shown), as [`crate::store::versions`] makes them.
    pub conflicts: BTreeMap<String, Vec<Assessment>>,
    /// Collapsed chapters and sections.
    pub collapsed: HashSet<Node>,
    pub filter: Filter,
    /// Live text search as typed; empty for none. Set with [`Walkthrough::set_search`].
    pub search: String,
    /// `search` parsed.
    query: Query,
    /// Each item's own texts prepared for searching, by item id; made at the first
    /// search (the checklist does not change while it is open).
    search_index: OnceCell<BTreeMap<String, Vec<Prepared>>>,
    /// An item that no longer fits the filter after a change to it, still shown
    /// (selected, marked 已不在筛选中) until the selection moves to another item.
    pub kept: Option<String>,
    /// The items the filter and the search let through, in checklist order (all
    /// items when neither is active), collapsed or not; `kept` is not among them.
    pub matches: Vec<String>,
    pub rows: Vec<Row>,
    pub selected: usize,
    /// First tree row drawn; kept by the view so the selection stays on screen.
    pub tree_offset: Cell<usize>,
    pub detail_scroll: usize,
    /// The largest useful detail scroll at the last draw.
    pub detail_max_scroll: Cell<usize>,
    /// The lines of the item detail drawn at the last draw: what a page is.
    pub detail_height: Cell<usize>,
    /// The sha256 of each evidence file recorded here that this laptop does not
    /// have (it travels with a teammate's export, or has not yet).
    pub missing: BTreeSet<String>,
    /// The previous review's open 整改意见 by item id (回头看, 复核): empty when the
    /// inspection is linked to none, or it is not on this laptop.
    pub previous_actions: BTreeMap<String, crate::store::ActionItem>,
    /// Which review they are from: "2026-06-01 区级评审".
    pub previous_review: String,
    /// The verdict the grades so far give, and progress.
    pub verdict: String,
    pub graded: usize,
    pub total: usize,
}

impl Walkthrough {
    pub fn open(store: &Store, id: &str) -> Result<Walkthrough, StoreError> {
        let inspection = store.get(id)?;
        let checklist = store.pinned(&inspection)?;
        let assessments = store.assessments(id)?;
        let mut by_item: BTreeMap<String, Vec<crate::store::Conflict>> = BTreeMap::new();
        for c in store.conflicts(id)? {
            by_item.entry(c.item_id.clone()).or_default().push(c);
        }
        let conflicts = by_item
            .into_iter()
            .map(|(item, cs)| {
                let versions = crate::store::versions(&item, assessments.get(&item), &cs)
                    .into_iter()
                    .map(|v| v.assessment)
                    .collect();
                (item, versions)
            })
            .collect();
        let missing = assessments
            .values()
            .flat_map(|a| &a.evidence)
            .filter(|e| store.evidence_file(&e.sha256).is_none())
            .map(|e| e.sha256.clone())
            .collect();
        // The previous review only adds to the day's work: failing to read it (it is
        // shown as missing) never keeps the inspection from opening.
        let (previous_actions, previous_review) =
            match store.previous_actions(&inspection, &assessments) {
                Ok(crate::store::PreviousActions::Found {
                    inspection: old,
                    actions,
                }) => (
                    actions
                        .into_iter()
                        .map(|p| (p.action.item_id.clone(), p.action))
                        .collect(),
                    format!("{} {}", old.date, old.review_kind.label()),
                ),
                _ => (BTreeMap::new(), String::new()),
            };
        let mut w = Walkthrough {
            previous_actions,
            previous_review,
            missing,
            inspection,
            checklist,
            assessments,
            conflicts,
            collapsed: HashSet::new(),
            filter: Filter::All,
            search: String::new(),
            query: Query::default(),
            search_index: OnceCell::new(),
            kept: None,
            matches: Vec::new(),
            rows: Vec::new(),
            selected: 0,
            tree_offset: Cell::new(0),
            detail_scroll: 0,
            detail_max_scroll: Cell::new(0),
            detail_height: Cell::new(0),
            verdict: String::new(),
            graded: 0,
            total: 0,
        };
        w.refresh_scores();
        w.rebuild();
        // Start where the work is: the first pending item, else the first item.
        let first = w
            .checklist
            .items()
            .find(|(_, _, it)| w.grade_of(&it.id).is_none())
            .or_else(|| w.checklist.items().next())
            .map(|(_, _, it)| it.id.clone());
        if let Some(id) = first {
            w.select_item(&id);
        }
        Ok(w)
    }

    pub fn grade_of(&self, item_id: &str) -> Option<Grade> {
        self.assessments.get(item_id).and_then(|a| a.grade)
    }

    pub fn refresh_scores(&mut self) {
        let grade_of = |id: &str| self.assessments.get(id).and_then(|a| a.grade);
        let counts = rollup(&self.checklist, grade_of).total;
        self.verdict = evaluate(&self.checklist, grade_of).verdict;
        self.graded = counts.graded();
        self.total = counts.total();
    }

    /// Graded and total items of a chapter, or of one section of it.
    pub fn progress(&self, chapter: usize, section: Option<usize>) -> (usize, usize) {
        let ch = &self.checklist.chapters[chapter];
        let items = ch
            .sections
            .iter()
            .enumerate()
            .filter(|(si, _)| section.is_none_or(|s| s == *si))
            .flat_map(|(_, s)| s.items.iter());
        let (mut graded, mut total) = (0, 0);
        for it in items {
            total += 1;
            if self.grade_of(&it.id).is_some() {
                graded += 1;
            }
        }
        (graded, total)
    }

    pub fn filter_active(&self) -> bool {
        self.filter != Filter::All || !self.query.is_empty()
    }

    pub fn filter_label(&self) -> String {
        let mut parts = Vec::new();
        match &self.filter {
            Filter::All => {}
            Filter::Pending => parts.push("待评".to_string()),
            Filter::Failed => parts.push("不达标".to_string()),
            Filter::Core => parts.push("★核心".to_string()),
            Filter::Chapter(id) => parts.push(format!("第{id}章")),
            Filter::Assigned(name) => parts.push(format!("{name}的分工")),
            Filter::Conflicts => parts.push("冲突".to_string()),
            Filter::FollowUp => parts.push("上次整改未核查".to_string()),
        }
        if !self.query.is_empty() {
            parts.push(format!("搜索「{}」", self.search.trim()));
        }
        if parts.is_empty() {
            "全部条款".to_string()
        } else {
            parts.join(" + ")
        }
    }

    /// Whether the filter and the search let `item` (of chapter `chapter_id`) through.
    pub fn shows(&self, chapter_id: &str, item: &Item) -> bool {
        self.fits(&self.filter, chapter_id, item) && self.matches_search(item)
    }

    /// Whether `filter` alone lets `item` through.
    fn fits(&self, filter: &Filter, chapter_id: &str, item: &Item) -> bool {
        match filter {
            Filter::All => true,
            Filter::Pending => self.grade_of(&item.id).is_none(),
            Filter::Failed => self.grade_of(&item.id) == Some(Grade::D),
            Filter::Core => item.core,
            Filter::Chapter(id) => id == chapter_id,
            Filter::Assigned(name) => self
                .inspection
                .assignments
                .get(name)
                .is_some_and(|chapters| chapters.iter().any(|c| c == chapter_id)),
            Filter::Conflicts => self.conflicts.contains_key(&item.id),
            Filter::FollowUp => self.follow_up_due(&item.id),
        }
    }

    /// Whether the previous review left an open 整改意见 on the item that this one
    /// has not yet checked.
    pub fn follow_up_due(&self, item_id: &str) -> bool {
        self.previous_actions.contains_key(item_id)
            && self
                .assessments
                .get(item_id)
                .is_none_or(|a| a.follow_up.is_none())
    }

    /// How many items `filter` would show together with the current search (the
    /// filter menu's counts).
    pub fn count_for(&self, filter: &Filter) -> usize {
        self.checklist
            .items()
            .filter(|(ch, _, it)| self.fits(filter, &ch.id, it) && self.matches_search(it))
            .count()
    }

    /// The search's rules are [`Query`]'s: every word, in the item's texts
    /// ([`Item::search_texts`]) or its note and 整改意见.
    fn matches_search(&self, item: &Item) -> bool {
        if self.query.is_empty() {
            return true;
        }
        let index = self.search_index.get_or_init(|| {
            self.checklist
                .items()
                .map(|(_, _, it)| {
                    (
                        it.id.clone(),
                        it.search_texts().map(Prepared::new).collect(),
                    )
                })
                .collect()
        });
        let a = self.assessments.get(&item.id);
        let notes: Vec<Prepared> = [
            a.map(|a| a.note.as_str()),
            a.map(|a| a.corrective_action.as_str()),
        ]
        .into_iter()
        .flatten()
        .filter(|t| !t.is_empty())
        .map(Prepared::new)
        .collect();
        let texts: Vec<&Prepared> = index
            .get(&item.id)
            .into_iter()
            .flatten()
            .chain(&notes)
            .collect();
        self.query.matches_prepared(&texts)
    }

    /// Whether the tree lists `item`: it fits, or it is the one [`Walkthrough::kept`].
    fn listed(&self, chapter_id: &str, item: &Item) -> bool {
        self.kept.as_deref() == Some(item.id.as_str()) || self.shows(chapter_id, item)
    }

    /// What `row` shows.
    pub fn node(&self, row: Row) -> Node {
        let c = &self.checklist.chapters;
        match row {
            Row::Chapter(ci) => Node::Chapter(c[ci].id.clone()),
            Row::Section(ci, si) => Node::Section(c[ci].sections[si].id.clone()),
            Row::Item(ci, si, ii) => Node::Item(c[ci].sections[si].items[ii].id.clone()),
        }
    }

    /// Recomputes the visible rows, keeping the selection on the same row when it is
    /// still visible, else on the row now at its place.
    pub fn rebuild(&mut self) {
        let keep = self.rows.get(self.selected).map(|r| self.node(*r));
        let mut rows = Vec::new();
        let filtering = self.filter_active();
        self.matches = self
            .checklist
            .items()
            .filter(|(ch, _, it)| self.shows(&ch.id, it))
            .map(|(_, _, it)| it.id.clone())
            .collect();
        // Each item's fit is decided once (a search may try pinyin initials on every
        // text); the rows only look it up.
        let listed: HashSet<&str> = self
            .matches
            .iter()
            .map(String::as_str)
            .chain(self.kept.as_deref())
            .collect();
        let listed = |it: &Item| listed.contains(it.id.as_str());
        for (ci, ch) in self.checklist.chapters.iter().enumerate() {
            let shown = |s: &Section| s.items.iter().any(listed);
            if filtering && !ch.sections.iter().any(shown) {
                continue;
            }
            rows.push(Row::Chapter(ci));
            if self.collapsed.contains(&Node::Chapter(ch.id.clone())) {
                continue;
            }
            for (si, s) in ch.sections.iter().enumerate() {
                if filtering && !shown(s) {
                    continue;
                }
                rows.push(Row::Section(ci, si));
                if self.collapsed.contains(&Node::Section(s.id.clone())) {
                    continue;
                }
                for (ii, it) in s.items.iter().enumerate() {
                    if listed(it) {
                        rows.push(Row::Item(ci, si, ii));
                    }
                }
            }
        }
        self.rows = rows;
        let found = keep.and_then(|k| self.rows.iter().position(|r| self.node(*r) == k));
        let at = found.unwrap_or(self.selected);
        self.set_selected(at.min(self.rows.len().saturating_sub(1)));
    }

    fn set_selected(&mut self, i: usize) {
        if i != self.selected {
            self.detail_scroll = 0;
        }
        self.selected = i;
    }

    pub fn selected_row(&self) -> Option<Row> {
        self.rows.get(self.selected).copied()
    }

    pub fn selected_item(&self) -> Option<(&Chapter, &Section, &Item)> {
        match self.selected_row()? {
            Row::Item(ci, si, ii) => {
                let ch = &self.checklist.chapters[ci];
                let s = &ch.sections[si];
                Some((ch, s, &s.items[ii]))
            }
            _ => None,
        }
    }

    /// Scrolls the item detail a page down (`forward`) or up: the lines shown less
    /// one, so the last line read stays in view (the bottom line says there is more).
    pub fn scroll_page(&mut self, forward: bool) {
        let page = self.detail_height.get().saturating_sub(1).max(1);
        self.detail_scroll = if forward {
            (self.detail_scroll + page).min(self.detail_max_scroll.get())
        } else {
            self.detail_scroll.saturating_sub(page)
        };
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        let i = self
            .selected
            .saturating_add_signed(delta)
            .min(self.rows.len() - 1);
        self.set_selected(i);
    }

    pub fn top(&mut self) {
        self.set_selected(0);
    }

    pub fn bottom(&mut self) {
        self.set_selected(self.rows.len().saturating_sub(1));
    }

    /// The chapter or section `row` heads; `None` for an item.
    fn header_key(&self, row: Row) -> Option<Node> {
        match self.node(row) {
            Node::Item(_) => None,
            branch => Some(branch),
        }
    }

    /// Collapses the selected header; on an item, or an already collapsed header,
    /// moves to the parent.
    pub fn collapse(&mut self) {
        let Some(row) = self.selected_row() else {
            return;
        };
        if let Some(key) = self.header_key(row)
            && self.collapsed.insert(key)
        {
            self.rebuild();
            return;
        }
        let parent = match row {
            Row::Item(ci, si, _) => Some(Row::Section(ci, si)),
            Row::Section(ci, _) => Some(Row::Chapter(ci)),
            Row::Chapter(_) => None,
        };
        if let Some(i) = parent.and_then(|p| self.rows.iter().position(|r| *r == p)) {
            self.set_selected(i);
        }
    }

    /// Expands the selected header; when already open, moves into it.
    pub fn expand(&mut self) {
        let Some(row) = self.selected_row() else {
            return;
        };
        if let Some(key) = self.header_key(row) {
            if self.collapsed.remove(&key) {
                self.rebuild();
            } else {
                self.move_by(1);
            }
        }
    }

    pub fn toggle(&mut self) {
        let Some(key) = self.selected_row().and_then(|r| self.header_key(r)) else {
            return;
        };
        if !self.collapsed.remove(&key) {
            self.collapsed.insert(key);
        }
        self.rebuild();
    }

    /// Sets the filter; when it narrows, selects the first match with the view at
    /// the top ([`Walkthrough::first_match`]).
    pub fn set_filter(&mut self, filter: Filter) {
        self.filter = filter;
        self.kept = None;
        self.rebuild();
        if self.filter_active() {
            self.first_match();
        }
    }

    /// Sets the search (as typed, live); a search with words selects the first
    /// match with the view at the top. An emptied search keeps the selection.
    pub fn set_search(&mut self, text: &str) {
        self.search = text.to_string();
        self.query = Query::parse(text);
        self.kept = None;
        self.rebuild();
        if !self.query.is_empty() {
            self.first_match();
        }
    }

    /// Selects the first item the filter and search let through and scrolls the
    /// tree to the top, so no match is above the view: the first match is drawn
    /// under its chapter and section headings.
    pub fn first_match(&mut self) {
        if let Some(first) = self.matches.first().cloned() {
            self.select_item(&first);
        } else {
            self.set_selected(0);
        }
        self.tree_offset.set(0);
    }

    /// The selected item's place among the matches: `(Some(k), n)` for the k-th
    /// (1-based) of n, `(None, n)` when a header or the [`Walkthrough::kept`] item
    /// is selected.
    pub fn position(&self) -> (Option<usize>, usize) {
        let k = self.selected_item().and_then(|(_, _, it)| {
            self.matches
                .iter()
                .position(|id| *id == it.id)
                .map(|i| i + 1)
        });
        (k, self.matches.len())
    }

    /// Whether the selected item is shown only because it was [`Walkthrough::kept`].
    pub fn selected_is_kept(&self) -> bool {
        let selected = self.selected_item().map(|(_, _, it)| it.id.as_str());
        selected.is_some() && selected == self.kept.as_deref()
    }

    /// After the inspector moved: once another item is selected, the kept item
    /// leaves the tree (the selection stays where it is). On a heading it stays,
    /// so stepping back onto it finds it where it was.
    pub fn settle(&mut self) {
        let Some(kept) = &self.kept else {
            return;
        };
        if let Some((_, _, it)) = self.selected_item()
            && it.id != *kept
        {
            self.kept = None;
            self.rebuild();
        }
    }

    /// Selects `item_id`, opening its chapter and section. False when the item is not
    /// in the checklist or the filter hides it.
    pub fn select_item(&mut self, item_id: &str) -> bool {
        let Some((ch, s, it)) = self.checklist.items().find(|(_, _, it)| it.id == item_id) else {
            return false;
        };
        if !self.listed(&ch.id, it) {
            return false;
        }
        let (chapter, section) = (Node::Chapter(ch.id.clone()), Node::Section(s.id.clone()));
        let mut changed = false;
        if self.kept.as_deref().is_some_and(|k| k != item_id) {
            self.kept = None;
            changed = true;
        }
        let opened = self.collapsed.remove(&chapter) | self.collapsed.remove(&section);
        if opened || changed {
            self.rebuild();
        }
        let key = Node::Item(item_id.to_string());
        match self.rows.iter().position(|r| self.node(*r) == key) {
            Some(i) => {
                self.set_selected(i);
                true
            }
            None => false,
        }
    }

    /// Selects `item_id` and shows it: when the filter or search hides it, it is
    /// [`Walkthrough::kept`] in view until the inspector moves on.
    pub fn reveal(&mut self, item_id: &str) -> bool {
        if self.select_item(item_id) {
            return true;
        }
        if self.checklist.find_item(item_id).is_none() {
            return false;
        }
        self.kept = Some(item_id.to_string());
        self.rebuild();
        self.select_item(item_id)
    }

    /// Selects a chapter or section header by id.
    pub fn select_header(&mut self, id: &str) -> bool {
        let keys = [Node::Chapter(id.to_string()), Node::Section(id.to_string())];
        if let Some(i) = self.rows.iter().position(|r| keys.contains(&self.node(*r))) {
            self.set_selected(i);
            return true;
        }
        false
    }

    /// The next (or previous) item after the selection, in checklist order and
    /// wrapping around, that the filter shows and `wanted` accepts.
    pub fn find_item(
        &self,
        forward: bool,
        wanted: impl Fn(&Self, &Item) -> bool,
    ) -> Option<String> {
        let all: Vec<(&Chapter, &Item)> =
            self.checklist.items().map(|(ch, _, it)| (ch, it)).collect();
        if all.is_empty() {
            return None;
        }
        // Where we are in checklist order: the selected item, or the first item
        // after the selected header.
        let here = match self.selected_row() {
            Some(Row::Item(ci, si, ii)) => {
                let id = &self.checklist.chapters[ci].sections[si].items[ii].id;
                all.iter().position(|(_, it)| &it.id == id)
            }
            _ => None,
        };
        let n = all.len();
        let start = here.unwrap_or(if forward { n - 1 } else { 0 });
        (1..=n)
            .map(|k| {
                if forward {
                    (start + k) % n
                } else {
                    (start + n - k % n) % n
                }
            })
            .map(|i| all[i])
            .find(|(ch, it)| self.shows(&ch.id, it) && wanted(self, it))
            .map(|(_, it)| it.id.clone())
    }

    /// Records a saved assessment and updates everything derived from it. When the
    /// change takes the selected item out of the filter, it stays selected and
    /// shown ([`Walkthrough::kept`]).
    pub fn apply_saved(&mut self, assessment: Assessment) {
        let id = assessment.item_id.clone();
        if assessment.is_blank() {
            self.assessments.remove(&id);
        } else {
            self.assessments.insert(id.clone(), assessment);
        }
        let checklist = Arc::clone(&self.checklist);
        if let Some(Row::Item(ci, si, ii)) = self.selected_row() {
            let chapter = &checklist.chapters[ci];
            let item = &chapter.sections[si].items[ii];
            if item.id == id {
                self.kept = (!self.shows(&chapter.id, item)).then_some(id);
            }
        }
        self.refresh_scores();
        self.rebuild();
    }

    /// The items with an open conflict, in checklist order.
    pub fn conflict_items(&self) -> Vec<String> {
        self.checklist
            .items()
            .filter(|(_, _, it)| self.conflicts.contains_key(&it.id))
            .map(|(_, _, it)| it.id.clone())
            .collect()
    }

    /// (id, title) of every chapter, for the filter menu.
    pub fn chapters(&self) -> Vec<(String, String)> {
        self.checklist
            .chapters
            .iter()
            .map(|c| (c.id.clone(), c.title.clone()))
            .collect()
    }
}
