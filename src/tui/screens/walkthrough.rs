//! The walkthrough's state: the chapter → section → item tree as visible rows
//! (collapsed branches and filters applied), the selection, and moving around.
//! Writing grades and notes is in `grading.rs`.

use std::cell::Cell;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use crate::checklist::{Chapter, Checklist, Item, Section};
use crate::scoring::{Grade, evaluate, rollup};
use crate::store::{Assessment, Inspection, Store, StoreError};

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
    /// Live text search; empty for none.
    pub search: String,
    pub rows: Vec<Row>,
    pub selected: usize,
    /// First tree row drawn; kept by the view so the selection stays on screen.
    pub tree_offset: Cell<usize>,
    pub detail_scroll: usize,
    /// The largest useful detail scroll at the last draw.
    pub detail_max_scroll: Cell<usize>,
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
        let mut w = Walkthrough {
            inspection,
            checklist,
            assessments,
            conflicts,
            collapsed: HashSet::new(),
            filter: Filter::All,
            search: String::new(),
            rows: Vec::new(),
            selected: 0,
            tree_offset: Cell::new(0),
            detail_scroll: 0,
            detail_max_scroll: Cell::new(0),
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
        self.filter != Filter::All || !self.search.trim().is_empty()
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
        }
        if !self.search.trim().is_empty() {
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
        let by_filter = match &self.filter {
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
        };
        by_filter && self.matches_search(item)
    }

    fn matches_search(&self, item: &Item) -> bool {
        let needle = self.search.trim().to_lowercase();
        if needle.is_empty() {
            return true;
        }
        let a = self.assessments.get(&item.id);
        let fields = [
            Some(item.id.as_str()),
            Some(item.title.as_str()),
            Some(item.criteria.c.as_str()),
            item.criteria.b.as_deref(),
            item.criteria.a.as_deref(),
            item.guidance.as_deref(),
            a.map(|a| a.note.as_str()),
            a.map(|a| a.corrective_action.as_str()),
        ];
        fields
            .iter()
            .flatten()
            .chain(
                item.methods
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .iter(),
            )
            .any(|f| f.to_lowercase().contains(&needle))
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
        for (ci, ch) in self.checklist.chapters.iter().enumerate() {
            let shown = |s: &Section| s.items.iter().any(|it| self.shows(&ch.id, it));
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
                    if self.shows(&ch.id, it) {
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

    pub fn set_filter(&mut self, filter: Filter) {
        self.filter = filter;
        self.rebuild();
    }

    /// Selects `item_id`, opening its chapter and section. False when the item is not
    /// in the checklist or the filter hides it.
    pub fn select_item(&mut self, item_id: &str) -> bool {
        let Some((ch, s, it)) = self.checklist.items().find(|(_, _, it)| it.id == item_id) else {
            return false;
        };
        if !self.shows(&ch.id, it) {
            return false;
        }
        let opened = self.collapsed.remove(&Node::Chapter(ch.id.clone()))
            | self.collapsed.remove(&Node::Section(s.id.clone()));
        if opened {
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

    /// Records a saved assessment and updates everything derived from it.
    pub fn apply_saved(&mut self, assessment: Assessment) {
        if assessment.is_blank() {
            self.assessments.remove(&assessment.item_id);
        } else {
            self.assessments
                .insert(assessment.item_id.clone(), assessment);
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
