//! The inspection list: two lines per inspection (institution, then type, review
//! kind, date, progress bar and verdict), or on a first start what to do.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{fit, scroll_to, theme};
use crate::store::Overview;
use crate::text::{cells, pad, truncate, wrap};
use crate::tui::action::{Command, Context};
use crate::tui::app::App;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, focused: bool) -> Option<Position> {
    let list = &app.list;
    if let Some(e) = &list.load_error {
        let lines: Vec<Line> = wrap(&format!("无法读取检查列表：{e}"), area.width as usize)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, theme::error())))
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
        return None;
    }
    if list.all.is_empty() {
        draw_first_start(frame, area, app);
        return None;
    }
    let mut cursor = None;
    let mut rows_area = area;
    if list.filtering || !list.filter.is_empty() {
        let label = " 筛选：";
        let line = Rect { height: 1, ..area };
        frame.render_widget(Paragraph::new(Span::styled(label, theme::bold())), line);
        let input = Rect {
            x: line.x + cells(label) as u16,
            width: line.width.saturating_sub(cells(label) as u16),
            ..line
        };
        let at = list.filter.draw(frame, input, Style::default());
        if list.filtering && focused {
            cursor = at;
        }
        rows_area = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        };
    }
    let visible = list.visible();
    if visible.is_empty() {
        let text = format!("没有与「{}」相符的检查。", list.filter.text());
        frame.render_widget(Paragraph::new(fit(&text, rows_area)), rows_area);
        return cursor;
    }
    // Three lines per inspection: two of facts and a blank one between.
    let per_page = (rows_area.height as usize / 3).max(1);
    let top = scroll_to(&list.offset, list.selected, 1, per_page);
    let mut lines = Vec::new();
    for (i, s) in visible.iter().enumerate().skip(top).take(per_page) {
        let marked = app.compare_mark.as_deref() == Some(s.inspection.id.as_str());
        let [a, b] = summary_lines(s, rows_area.width as usize, i == list.selected, marked);
        lines.push(a);
        lines.push(b);
        lines.push(Line::from(""));
    }
    frame.render_widget(Paragraph::new(lines), rows_area);
    cursor
}

/// `marked`: picked as one side of a comparison.
fn summary_lines(s: &Overview, w: usize, selected: bool, marked: bool) -> [Line<'static>; 2] {
    let i = &s.inspection;
    let base = if selected {
        theme::selected()
    } else {
        Style::default()
    };
    let mut first = vec![Span::styled(" ", base)];
    if i.sample {
        first.push(Span::styled("示例 ", base.patch(theme::sample())));
    }
    let mut tags = if i.sample { 5 } else { 0 };
    if marked {
        first.push(Span::styled("已选对比 ", base.patch(theme::warning())));
        tags += 9;
    }
    let id = format!("  编号 {}", i.id);
    let room = w.saturating_sub(1 + tags + cells(&id));
    let name = truncate(
        &format!("{}  {}", i.institution.name, i.institution.region),
        room,
    );
    first.push(Span::styled(pad(&name, room), base.patch(theme::bold())));
    first.push(Span::styled(id, base.patch(theme::dim())));

    let bar_w = 10;
    let filled = ((s.progress() * bar_w as f64).round() as usize).min(bar_w);
    let facts = format!(
        "   {} · {} · {}  ",
        i.institution.kind,
        i.review_kind.label(),
        i.date
    );
    let count = format!(" {}/{}  ", s.graded, s.items);
    let verdict_w = w.saturating_sub(cells(&facts) + bar_w + cells(&count));
    let second = vec![
        Span::styled(facts, base),
        Span::styled("█".repeat(filled), base.patch(theme::good())),
        Span::styled("░".repeat(bar_w - filled), base),
        Span::styled(count, base),
        Span::styled(pad(&s.verdict, verdict_w), base.patch(theme::bold())),
    ];
    [Line::from(first), Line::from(second)]
}

fn draw_first_start(frame: &mut Frame, area: Rect, app: &App) {
    let k = |c| app.keymap.first_key(Context::List, c);
    let w = |c| app.keymap.first_key(Context::Walkthrough, c);
    let grades = Command::GRADES.map(w).join("/");
    let text_w = (area.width as usize).saturating_sub(4).min(76);
    let mut lines = vec![
        Line::from(""),
        Line::from(Span::styled("  还没有任何检查。", theme::bold())),
        Line::from(""),
    ];
    let mut para = |key: String, text: String| {
        let indent = 4 + cells(&key) + 2;
        for (n, l) in wrap(&text, text_w.saturating_sub(indent))
            .into_iter()
            .enumerate()
        {
            if n == 0 {
                lines.push(Line::from(vec![
                    Span::raw("    "),
                    Span::styled(key.clone(), theme::key()),
                    Span::raw(format!("  {l}")),
                ]));
            } else {
                lines.push(Line::from(format!("{}{l}", " ".repeat(indent))));
            }
        }
        lines.push(Line::from(""));
    };
    para(
        k(Command::Sample),
        "创建一个示例检查：标有「示例」，已预填几条评分、备注和整改意见，一分钟看完整个流程；看完可以删除。".to_string(),
    );
    para(
        k(Command::New),
        "新建检查：填写机构名称、所在区县、评审类型、日期、评审专家，选择评审清单。".to_string(),
    );
    let tail = format!(
        "评审时逐条按 {grades} 评分，{} 写备注，{} 写整改意见，{} 跳到下一条待评，{} 看汇总。每次评分都立即保存到磁盘。按 {} 查看全部按键。",
        w(Command::EditNote),
        w(Command::EditCorrectiveAction),
        w(Command::NextPending),
        w(Command::Summary),
        app.keymap.first_key(Context::Global, Command::Help),
    );
    for l in wrap(&tail, text_w) {
        lines.push(Line::from(format!("  {l}")));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
