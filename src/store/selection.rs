//! Which inspections a district roster lists: the domain's rule, used by `pingshen
//! roster` (table, CSV, PDF) and by anything else that compiles a roster.
//!
//! Samples are never listed. The filters match the region by substring, the review
//! type exactly and the year of the review date. The 附件1 list (`best_only`) keeps
//! facilities whose verdict is the checklist's best rule (the first, 达到推荐标准 in
//! the shipped checklists), one line per facility: its latest review.

use super::{Overview, ReviewKind};

/// The filters of a roster.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterFilter {
    /// Part of 所在区县, e.g. 东城区.
    pub region: Option<String>,
    pub kind: Option<ReviewKind>,
    pub year: Option<i32>,
    /// Only the facilities that reached the checklist's best verdict.
    pub best_only: bool,
}

/// A filter that cannot be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("评审类型 `{0}` 无法识别。可选：{kinds}。", kinds = ReviewKind::ALL.map(|k| k.label()).join("、"))]
    Kind(String),
    #[error("年份 `{0}` 应写成四位数字，如 2026。")]
    Year(String),
}

impl RosterFilter {
    /// The filter from what a user typed.
    pub fn parse(
        region: Option<&str>,
        kind: Option<&str>,
        year: Option<&str>,
        best_only: bool,
    ) -> Result<RosterFilter, FilterError> {
        let kind = kind
            .map(|k| ReviewKind::parse(k).ok_or_else(|| FilterError::Kind(k.to_string())))
            .transpose()?;
        let year = year
            .map(|y| {
                let t = y.trim();
                match t.parse::<i32>() {
                    Ok(n) if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
                    _ => Err(FilterError::Year(y.to_string())),
                }
            })
            .transpose()?;
        Ok(RosterFilter {
            region: region
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty()),
            kind,
            year,
            best_only,
        })
    }

    /// The filters in words, for a PDF's page header: 「区县：东城区；年份：2026」.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = &self.region {
            parts.push(format!("区县：{r}"));
        }
        if let Some(k) = self.kind {
            parts.push(format!("评审类型：{}", k.label()));
        }
        if let Some(y) = self.year {
            parts.push(format!("年份：{y}"));
        }
        parts.join("；")
    }

    fn keeps(&self, s: &Overview) -> bool {
        let i = &s.inspection;
        !i.sample
            && self
                .region
                .as_ref()
                .is_none_or(|r| i.institution.region.contains(r.as_str()))
            && self.kind.is_none_or(|k| i.review_kind == k)
            && self
                .year
                .is_none_or(|y| chrono::Datelike::year(&i.date) == y)
            && (!self.best_only || s.winner == Some(0))
    }

    /// The inspections the filter selects, by region, facility (both in pinyin order) and
    /// date; for the
    /// 附件1 list, each facility once, with its latest review.
    pub fn select(&self, all: Vec<Overview>) -> Vec<Overview> {
        let mut rows: Vec<Overview> = all.into_iter().filter(|s| self.keeps(s)).collect();
        // By pinyin, as a Chinese reader looks a name up; each facility's reviews
        // together (the key ends in the text itself), oldest first.
        let key = |s: &Overview| {
            (
                crate::text::order::pinyin_key(&s.inspection.institution.region),
                crate::text::order::pinyin_key(&s.inspection.institution.name),
                s.inspection.date,
            )
        };
        rows.sort_by_cached_key(key);
        if !self.best_only {
            return rows;
        }
        let mut latest: Vec<Overview> = Vec::new();
        for s in rows {
            match latest.last_mut() {
                Some(l)
                    if l.inspection.institution.region == s.inspection.institution.region
                        && l.inspection.institution.name == s.inspection.institution.name =>
                {
                    *l = s
                }
                _ => latest.push(s),
            }
        }
        latest
    }
}
