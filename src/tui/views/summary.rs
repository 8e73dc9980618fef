//! The summary page: per-chapter bars of grade counts with 达标率, the verdict with
//! every condition's measured share against its threshold, and the gaps to the next
//! verdict as a list to pick from.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{scroll_to, theme};
use crate::checklist::Level;
use crate::scoring::{Counts, Grade, percent};
use crate::store::Finality;
use crate::text::{cells, pad, truncate, wrap};
use crate::tui::action::{Command, Context};
use crate::tui::app::App;
use crate::tui::keymap::Keymap;
use crate::tui::screens::SummaryScreen;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(s) = app.summary() else {
        return;
    };
    let Some(walk) = app.walk.as_ref() else {
        return;
    };
    let w = area.width.saturating_sub(2) as usize;
    let inspection = Inspection {
        finality: Finality::of(&walk.inspection, walk.total.saturating_sub(walk.graded)),
        opinion: &walk.inspection.opinion,
    };
    let (lines, gap_at) = page(s, &inspection, w, &app.keymap);
    let height = area.height as usize;
    let top = match (gap_at, s.selected) {
        (Some(first), Some(selected)) => scroll_to(&s.scroll, first + selected, 1, height),
        _ => 0,
    };
    let inner = crate::tui::views::padded(area);
    let shown: Vec<Line> = lines.into_iter().skip(top).take(height).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

/// 综合评价, under the verdict: its first lines, or how to write it.
fn opinion(inspection: &Inspection, w: usize, keymap: &Keymap) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    lines.push(Line::from(Span::styled("综合评价", theme::heading())));
    let key = keymap.first_key(Context::Summary, Command::EditOpinion);
    if inspection.opinion.trim().is_empty() {
        lines.push(Line::from(Span::styled(
            format!("  （未填写；按 {key} 填写，印在评审报告的签字栏之上）"),
            theme::dim(),
        )));
    } else {
        let wrapped: Vec<String> = inspection
            .opinion
            .lines()
            .flat_map(|l| wrap(l, w.saturating_sub(2)))
            .collect();
        for l in wrapped.iter().take(OPINION_LINES) {
            lines.push(Line::from(format!("  {l}")));
        }
        let more = if wrapped.len() > OPINION_LINES {
            "…；"
        } else {
            ""
        };
        lines.push(Line::from(Span::styled(
            format!("  （{more}按 {key} 修改）"),
            theme::dim(),
        )));
    }
    lines
}

/// Lines of the 综合评价 shown on the page.
const OPINION_LINES: usize = 3;

/// What the page shows of the inspection itself.
struct Inspection<'a> {
    /// Whether a report now would be final, and so how the verdict reads.
    finality: Finality,
    /// 综合评价.
    opinion: &'a str,
}

/// The whole page, and the line of the first gap.
fn page(
    s: &SummaryScreen,
    inspection: &Inspection,
    w: usize,
    keymap: &Keymap,
) -> (Vec<Line<'static>>, Option<usize>) {
    let mut lines = Vec::new();
    lines.push(Line::from(Span::styled("分章统计", theme::heading())));
    let name_w = s
        .rollup
        .chapters
        .iter()
        .map(|c| cells(&c.id) + 1 + cells(&c.title))
        .max()
        .unwrap_or(4)
        .min(w / 3);
    let bar_w = if w >= 100 { 20 } else { 6 };
    for ch in &s.rollup.chapters {
        let name = format!("{} {}", ch.id, ch.title);
        lines.push(chapter_line(&name, &ch.counts, name_w, bar_w, w));
    }
    lines.push(chapter_line("合计", &s.rollup.total, name_w, bar_w, w));
    lines.push(legend());
    lines.push(Line::from(""));

    lines.push(Line::from(vec![
        Span::styled("评审结论：", theme::heading()),
        Span::styled(
            inspection.finality.verdict(&s.evaluation.verdict),
            theme::bold(),
        ),
    ]));
    for (i, rule) in s.evaluation.rules.iter().enumerate() {
        let (mark, style) = if rule.held {
            ("✓", theme::good())
        } else {
            ("✗", Style::default())
        };
        let winner = if s.evaluation.winner == Some(i) {
            "  ← 结论"
        } else {
            ""
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} {}", rule.name), style.patch(theme::bold())),
            Span::raw(winner),
        ]));
        for c in &rule.conditions {
            let measured = match c.share {
                Some(share) => format!("实测 {}，要求 ≥ {}", percent(share), percent(c.min_share)),
                None => "所选条款均不适用，视为满足".to_string(),
            };
            let mark = if c.held { "✓" } else { "✗" };
            let text = format!("{mark} {}：{measured}", c.description);
            let style = if c.held {
                Style::default()
            } else {
                theme::error()
            };
            for (n, l) in wrap(&text, w.saturating_sub(4)).into_iter().enumerate() {
                let indent = if n == 0 { "  " } else { "    " };
                lines.push(Line::from(Span::styled(format!("{indent}{l}"), style)));
            }
        }
    }
    lines.push(Line::from(""));

    lines.push(Line::from(Span::styled("整改", theme::heading())));
    for text in std::iter::once(&s.actions).chain(&s.follow_ups) {
        for l in wrap(text, w.saturating_sub(2)) {
            lines.push(Line::from(format!("  {l}")));
        }
    }
    lines.push(Line::from(""));

    lines.extend(opinion(inspection, w, keymap));
    lines.push(Line::from(""));

    let Some(goal) = &s.goal else {
        lines.push(Line::from(Span::styled(
            "已达到最高结论，没有差距。",
            theme::good(),
        )));
        return (lines, None);
    };
    lines.push(Line::from(Span::styled(
        format!("差距：距「{}」", goal.name),
        theme::heading(),
    )));
    for sf in &goal.shortfalls {
        let text = format!("· {}：还差 {} 条", sf.description, sf.missing);
        for l in wrap(&text, w.saturating_sub(2)) {
            lines.push(Line::from(format!("  {l}")));
        }
    }
    if goal.gaps.is_empty() {
        lines.push(Line::from("  （没有可列出的条款）"));
        return (lines, None);
    }
    lines.push(Line::from(Span::styled(
        format!(
            "  {} 选择条款，{} 跳过去评审：",
            keymap.first_key(Context::Summary, Command::Down),
            keymap.first_key(Context::Summary, Command::Open)
        ),
        theme::dim(),
    )));
    let first = lines.len();
    for (i, gap) in goal.gaps.iter().enumerate() {
        let base = if s.selected == Some(i) {
            theme::selected()
        } else {
            Style::default()
        };
        let need = format!("  需 {} 档及以上", gap.needs.letter());
        let star = if gap.core { "★" } else { "" };
        let head = format!("{} {}{star} ", theme::grade_code(gap.grade), gap.item_id);
        let room = w.saturating_sub(2 + cells(&head) + cells(&need));
        lines.push(Line::from(vec![
            Span::styled("  ", base),
            Span::styled(head, base.patch(theme::grade(gap.grade))),
            Span::styled(pad(&gap.title, room), base),
            Span::styled(need, base.patch(theme::dim())),
        ]));
    }
    (lines, Some(first))
}

/// The bar's parts in order: each grade's glyph and its name. The bars and their
/// legend are both drawn from this table.
const BAR: [(Option<Grade>, &str, &str); 6] = [
    (Some(Grade::A), "█", "A"),
    (Some(Grade::B), "▓", "B"),
    (Some(Grade::C), "▒", "C"),
    (Some(Grade::D), "x", "不达标"),
    (Some(Grade::NotApplicable), "-", "不适用"),
    (None, "░", "待评"),
];

/// 图例：█ A  ▓ B  ▒ C  x 不达标  - 不适用  ░ 待评 (from [`BAR`]), in the bars' colours.
fn legend() -> Line<'static> {
    let mut spans = vec![Span::styled("图例：", theme::dim())];
    for (grade, glyph, name) in BAR {
        spans.push(Span::styled(glyph, theme::grade(grade)));
        spans.push(Span::raw(format!(" {name}  ")));
    }
    Line::from(spans)
}

/// How many items of `c` have `grade` (`None`: pending).
fn count_of(c: &Counts, grade: Option<Grade>) -> usize {
    match grade {
        Some(Grade::A) => c.a,
        Some(Grade::B) => c.b,
        Some(Grade::C) => c.c,
        Some(Grade::D) => c.d,
        Some(Grade::NotApplicable) => c.na,
        None => c.pending,
    }
}

/// One chapter: name, a bar of its grades, 达标率 (share at C or above), counts.
fn chapter_line(name: &str, c: &Counts, name_w: usize, bar_w: usize, w: usize) -> Line<'static> {
    let rate = c.share_at_least(Level::C).map_or("—".to_string(), percent);
    let total = c.total().max(1);
    // Cells up to a running count, rounded: the bar's graded part is as long as
    // the share graded, whatever the mix of grades.
    let cells_to = |n: usize| (n * bar_w + total / 2) / total;
    let mut spans = vec![
        Span::styled(pad(name, name_w), theme::bold()),
        Span::raw(" "),
    ];
    // The pending part is what is left, so the bar is always bar_w long.
    let (mut used, mut counted) = (0, 0);
    for (g, glyph, _) in BAR {
        counted += count_of(c, g);
        let k = if g.is_none() {
            bar_w - used
        } else {
            cells_to(counted).min(bar_w) - used
        };
        used += k;
        spans.push(Span::styled(glyph.repeat(k), theme::grade(g)));
    }
    let rest = format!(
        " 达标率{rate:>6} A{} B{} C{} 不达标{} 不适用{} 待评{}",
        c.a, c.b, c.c, c.d, c.na, c.pending
    );
    let room = w.saturating_sub(name_w + 1 + bar_w);
    spans.push(Span::raw(truncate(&rest, room)));
    Line::from(spans)
}
