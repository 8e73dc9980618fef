//! The comparison page: the verdict then → now, each chapter's 达标率 then and now,
//! the count of each kind of change, and the changed items as a list to pick from.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{scroll_to, theme};
use crate::scoring::{Grade, Trend, percent};
use crate::text::{cells, pad, truncate};
use crate::tui::action::{Command, Context};
use crate::tui::app::App;
use crate::tui::screens::CompareScreen;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(c) = app.compare() else {
        return;
    };
    let w = area.width.saturating_sub(2) as usize;
    let (lines, first) = page(c, w, app);
    let height = area.height as usize;
    c.page.set(height.saturating_sub(first.min(height)).max(1));
    let top = if c.rows.is_empty() {
        0
    } else {
        scroll_to(&c.scroll, first + c.selected, 1, height)
    };
    let inner = crate::tui::views::padded(area);
    let shown: Vec<Line> = lines.into_iter().skip(top).take(height).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

/// The whole page, and the line of the first listed item.
fn page(c: &CompareScreen, w: usize, app: &App) -> (Vec<Line<'static>>, usize) {
    let cmp = &c.comparison;
    let mut lines = Vec::new();
    let side = |label: &str, i: &crate::store::Inspection| {
        format!(
            "{label}：{} {} {}（编号 {}）",
            i.date,
            i.review_kind.label(),
            i.institution.name,
            i.id
        )
    };
    lines.push(Line::from(truncate(&side("上次", &c.old), w)));
    lines.push(Line::from(truncate(&side("本次", &c.new), w)));
    lines.push(Line::from(""));
    let mut verdict = vec![
        Span::styled("评审结论：", theme::heading()),
        Span::styled(cmp.old_verdict.clone(), theme::bold()),
        Span::raw(" → "),
        Span::styled(cmp.new_verdict.clone(), theme::bold()),
    ];
    if cmp.old_verdict == cmp.new_verdict {
        verdict.push(Span::styled("（不变）", theme::dim()));
    }
    lines.push(Line::from(verdict));
    lines.push(Line::from(""));

    lines.push(Line::from(Span::styled(
        "分章达标率（上次 → 本次）",
        theme::heading(),
    )));
    let name_w = cmp
        .chapters
        .iter()
        .map(|ch| cells(&ch.id) + 1 + cells(&ch.title))
        .max()
        .unwrap_or(4)
        .min(w.saturating_sub(24).max(8));
    let share = |s: Option<f64>| s.map_or("—".to_string(), percent);
    for ch in &cmp.chapters {
        let (arrow, style) = match (ch.old_share, ch.new_share) {
            (Some(o), Some(n)) if n > o + 1e-9 => ("↑ 提升", theme::good()),
            (Some(o), Some(n)) if n + 1e-9 < o => ("↓ 下降", theme::error()),
            (Some(_), Some(_)) => ("", Style::default()),
            _ => ("", Style::default()),
        };
        lines.push(Line::from(vec![
            Span::styled(
                pad(&format!("{} {}", ch.id, ch.title), name_w),
                theme::bold(),
            ),
            Span::raw(format!(
                " {:>6} → {:<6} ",
                share(ch.old_share),
                share(ch.new_share)
            )),
            Span::styled(arrow, style),
        ]));
    }
    lines.push(Line::from(""));

    let counts = format!(
        "条款变化：提升 {} · 下降 {} · 新增 {} · 删除 {} · 不可比 {}（不变的 {} 条不列出）",
        cmp.count(Trend::Improved),
        cmp.count(Trend::Worse),
        cmp.count(Trend::New),
        cmp.count(Trend::Removed),
        cmp.count(Trend::Incomparable),
        cmp.count(Trend::Same)
    );
    for l in crate::text::wrap(&counts, w) {
        lines.push(Line::from(Span::styled(l, theme::heading())));
    }
    if c.rows.is_empty() {
        lines.push(Line::from("  两次评审所有条款的档次都相同。"));
        let end = lines.len();
        return (lines, end);
    }
    lines.push(Line::from(Span::styled(
        truncate(
            &format!(
                "  {} 选择条款，{} 跳过去评审：",
                app.keymap.first_key(Context::Compare, Command::Down),
                app.keymap.first_key(Context::Compare, Command::Open)
            ),
            w,
        ),
        theme::dim(),
    )));
    let first = lines.len();
    for (n, &i) in c.rows.iter().enumerate() {
        let item = &cmp.items[i];
        let base = if n == c.selected {
            theme::selected()
        } else {
            Style::default()
        };
        let (label, style) = match item.change {
            Trend::Improved => ("提升", theme::good()),
            Trend::Worse => ("下降", theme::error()),
            Trend::New => ("新增", Style::default()),
            Trend::Removed => ("删除", Style::default()),
            Trend::Incomparable => ("不可比", theme::dim()),
            Trend::Same => ("不变", Style::default()),
        };
        let grades = format!(
            "  {} → {}",
            pad(grade(item.old, item.change == Trend::New), 6),
            pad(grade(item.new, item.change == Trend::Removed), 6)
        );
        let head = format!(" {} ", item.id);
        let room = w.saturating_sub(2 + 6 + cells(&head) + cells(&grades));
        lines.push(Line::from(vec![
            Span::styled("  ", base),
            Span::styled(pad(label, 6), base.patch(style)),
            Span::styled(head, base.patch(theme::bold())),
            Span::styled(pad(&item.title, room), base),
            Span::styled(grades, base),
        ]));
    }
    (lines, first)
}

/// A grade then or now, or — where the item did not exist.
fn grade(g: Option<Grade>, absent: bool) -> &'static str {
    if absent { "—" } else { theme::grade_label(g) }
}
