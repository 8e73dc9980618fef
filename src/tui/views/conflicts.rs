//! The conflicts view: one conflicting item's versions side by side — stacked when
//! the terminal is too narrow for that — each with its grade, who and when, note and
//! 整改意见, the fields that differ marked 「不同」, and the key that takes it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::theme;
use crate::store::Assessment;
use crate::text::{truncate, wrap};
use crate::tui::action::{Command, Context};
use crate::tui::app::App;
use crate::tui::keymap::Keymap;

/// Narrowest column worth drawing side by side; below it the versions are stacked.
const MIN_COLUMN: u16 = 30;

/// Which fields differ between the versions, and which any version has at all.
struct Differs {
    grade: bool,
    note: bool,
    corrective_action: bool,
    evidence: bool,
    any_note: bool,
    any_corrective_action: bool,
}

impl Differs {
    fn of(versions: &[Assessment]) -> Differs {
        let differ =
            |f: &dyn Fn(&Assessment) -> String| versions.windows(2).any(|p| f(&p[0]) != f(&p[1]));
        Differs {
            grade: differ(&|a| format!("{:?}", a.grade)),
            note: differ(&|a| a.note.clone()),
            corrective_action: differ(&|a| a.corrective_action.clone()),
            evidence: differ(&|a| format!("{:?}", a.evidence)),
            any_note: versions.iter().any(|a| !a.note.is_empty()),
            any_corrective_action: versions.iter().any(|a| !a.corrective_action.is_empty()),
        }
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let (Some(w), Some(c)) = (app.walk.as_ref(), app.conflicts()) else {
        return;
    };
    let Some(conflict) = w.conflicts.get(&c.item_id) else {
        return;
    };
    let versions = conflict;
    let items = w.conflict_items();
    let at = items
        .iter()
        .position(|id| *id == c.item_id)
        .map_or(0, |i| i + 1);
    let text_w = area.width.saturating_sub(2) as usize;

    let mut head = Vec::new();
    let (star, title) = match w.checklist.find_item(&c.item_id) {
        Some(it) => (if it.core { "★" } else { "" }, it.title.as_str()),
        None => ("", ""),
    };
    head.push(Line::from(Span::styled(
        truncate(
            &format!(
                "冲突 {at}/{} · 条款 {}{star} {title}",
                items.len(),
                c.item_id
            ),
            text_w,
        ),
        theme::bold(),
    )));
    let keys = crate::tui::screens::take_keys(app, versions.len());
    let explain = format!(
        "组员的评分不一致，标「不同」的是各版本不一样的地方。按 {keys} 取其中一个版本，立即保存；其余版本记入历史。"
    );
    for l in wrap(&explain, text_w).into_iter().take(2) {
        head.push(Line::from(Span::styled(l, theme::dim())));
    }
    let head_h = head.len() as u16 + 1;
    let head_area = Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(2),
        height: head_h.min(area.height),
        ..area
    };
    frame.render_widget(Paragraph::new(head), head_area);
    let body = Rect {
        y: area.y + head_h,
        height: area.height.saturating_sub(head_h),
        ..area
    };
    let differs = Differs::of(versions);
    let n = versions.len().max(1) as u16;
    if body.width / n >= MIN_COLUMN {
        side_by_side(frame, body, app, versions, &differs);
    } else {
        stacked(frame, body, app, versions, &differs);
    }
}

/// 「版本 2 · 按 2 取用 · 现显示」: the last version is the one the item shows until
/// the conflict is settled.
fn take_label(keymap: &Keymap, i: usize, count: usize) -> String {
    let key = Command::TAKE
        .get(i)
        .map(|c| keymap.first_key(Context::Conflicts, *c))
        .unwrap_or_default();
    let mut label = format!("版本 {}", i + 1);
    if !key.is_empty() {
        label.push_str(&format!(" · 按 {key} 取用"));
    }
    if i + 1 == count {
        label.push_str(" · 现显示");
    }
    label
}

fn side_by_side(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    versions: &[Assessment],
    differs: &Differs,
) {
    let Some(c) = app.conflicts() else {
        return;
    };
    // The gate refuses a conflict with fewer than two versions; never divide by zero.
    let n = (versions.len() as u16).max(1);
    let col_w = area.width / n;
    let columns: Vec<(Rect, Vec<Line<'static>>)> = versions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let x = area.x + col_w * i as u16;
            let width = if i as u16 == n - 1 {
                area.width - col_w * i as u16
            } else {
                col_w
            };
            let rect = Rect { x, width, ..area };
            let text_w = width.saturating_sub(4) as usize;
            (rect, version_lines(a, differs, text_w))
        })
        .collect();
    let inner_h = area.height.saturating_sub(2) as usize;
    let max_scroll = columns
        .iter()
        .map(|(_, l)| l.len().saturating_sub(inner_h))
        .max()
        .unwrap_or(0);
    c.max_scroll.set(max_scroll);
    let scroll = c.scroll.min(max_scroll);
    for (i, (rect, lines)) in columns.into_iter().enumerate() {
        let block = Block::default().borders(Borders::ALL).title(Span::styled(
            truncate(
                &format!(" {} ", take_label(&app.keymap, i, versions.len())),
                rect.width.saturating_sub(2) as usize,
            ),
            theme::bold(),
        ));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        draw_scrolled(frame, lines, scroll, inner, &app.keymap);
    }
}

fn stacked(frame: &mut Frame, area: Rect, app: &App, versions: &[Assessment], differs: &Differs) {
    let Some(c) = app.conflicts() else {
        return;
    };
    let text_w = area.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line<'static>> = Vec::new();
    for (i, a) in versions.iter().enumerate() {
        if i > 0 {
            lines.push(Line::from(""));
        }
        lines.extend(compact_lines(
            a,
            differs,
            &app.keymap,
            i,
            versions.len(),
            text_w,
        ));
    }
    let height = area.height as usize;
    let max_scroll = lines.len().saturating_sub(height);
    c.max_scroll.set(max_scroll);
    let scroll = c.scroll.min(max_scroll);
    draw_scrolled(frame, lines, scroll, area, &app.keymap);
}

/// `lines` from `scroll` on in `area`, a cell of padding each side; when more follow,
/// the last line says how to scroll.
fn draw_scrolled(
    frame: &mut Frame,
    lines: Vec<Line<'static>>,
    scroll: usize,
    area: Rect,
    keymap: &Keymap,
) {
    let height = area.height as usize;
    let more = lines.len() > scroll + height;
    let mut shown: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
    if more && let Some(last) = shown.last_mut() {
        *last = more_line(keymap);
    }
    let inner = crate::tui::views::padded(area);
    frame.render_widget(Paragraph::new(shown), inner);
}

/// One version in few lines, for stacking: a head line with the key, grade, who and
/// when, then 「备注：…」 and 「整改意见：…」 wrapped under it.
fn compact_lines(
    a: &Assessment,
    d: &Differs,
    keymap: &Keymap,
    i: usize,
    count: usize,
    width: usize,
) -> Vec<Line<'static>> {
    let differs = |yes: bool| if yes { "（不同）" } else { "" };
    let when = a.at.minute();
    let head = take_label(keymap, i, count);
    let who = format!(
        "  {}  {when}",
        if a.by.is_empty() {
            "（未记录）"
        } else {
            &a.by
        }
    );
    let mut lines = vec![Line::from(vec![
        Span::styled(head, theme::bold()),
        Span::raw(format!(" 档次{}：", differs(d.grade))),
        Span::styled(
            theme::grade_label(a.grade),
            theme::grade(a.grade).patch(theme::bold()),
        ),
        Span::raw(who),
    ])];
    let fields = [
        ("备注", a.note.as_str(), d.note, d.any_note),
        (
            "整改意见",
            a.corrective_action.as_str(),
            d.corrective_action,
            d.any_corrective_action,
        ),
    ];
    for (name, text, differ, _) in fields.into_iter().filter(|f| f.3) {
        let text = if text.is_empty() { "（无）" } else { text };
        let para = format!("{name}{}：{text}", differs(differ));
        for (n, l) in wrap(&para, width.saturating_sub(4)).into_iter().enumerate() {
            let indent = if n == 0 { "  " } else { "    " };
            lines.push(Line::from(format!("{indent}{l}")));
        }
    }
    if !a.evidence.is_empty() || d.evidence {
        let files: Vec<&str> = a.evidence.iter().map(|e| e.path.as_str()).collect();
        let para = format!(
            "佐证{}：{}",
            differs(d.evidence),
            if files.is_empty() {
                "（无）".to_string()
            } else {
                files.join("、")
            }
        );
        for (n, l) in wrap(&para, width.saturating_sub(4)).into_iter().enumerate() {
            let indent = if n == 0 { "  " } else { "    " };
            lines.push(Line::from(format!("{indent}{l}")));
        }
    }
    lines
}

fn more_line(keymap: &Keymap) -> Line<'static> {
    Line::from(Span::styled(
        format!(
            "…（{} 下翻）",
            keymap.first_key(Context::Conflicts, Command::ScrollDown)
        ),
        theme::dim(),
    ))
}

/// One version: grade, who, when, then the note and 整改意见 wrapped to `width` (a
/// field no version has is left out).
fn version_lines(a: &Assessment, d: &Differs, width: usize) -> Vec<Line<'static>> {
    let label = |name: &str, differs: bool| {
        let mut spans = vec![Span::styled(name.to_string(), theme::bold())];
        if differs {
            spans.push(Span::styled("（不同）", theme::warning()));
        }
        spans
    };
    let mut lines = Vec::new();
    let mut grade = label("档次", d.grade);
    grade.push(Span::raw("  "));
    grade.push(Span::styled(
        theme::grade_label(a.grade),
        theme::grade(a.grade).patch(theme::bold()),
    ));
    lines.push(Line::from(grade));
    let when = a.at.minute();
    lines.push(Line::from(truncate(
        &format!(
            "评分人 {}  {when}",
            if a.by.is_empty() {
                "（未记录）"
            } else {
                &a.by
            }
        ),
        width,
    )));
    let fields = [
        ("备注", a.note.as_str(), d.note, d.any_note),
        (
            "整改意见",
            a.corrective_action.as_str(),
            d.corrective_action,
            d.any_corrective_action,
        ),
    ];
    for (name, text, differs, _) in fields.into_iter().filter(|f| f.3) {
        lines.push(Line::from(""));
        lines.push(Line::from(label(name, differs)));
        if text.is_empty() {
            lines.push(Line::from(Span::styled("（无）", theme::dim())));
        } else {
            for l in wrap(text, width) {
                lines.push(Line::from(l));
            }
        }
    }
    if !a.evidence.is_empty() || d.evidence {
        lines.push(Line::from(""));
        lines.push(Line::from(label("佐证", d.evidence)));
        if a.evidence.is_empty() {
            lines.push(Line::from(Span::styled("（无）", theme::dim())));
        }
        for e in &a.evidence {
            for l in wrap(&e.path, width) {
                lines.push(Line::from(Span::styled(l, Style::default())));
            }
        }
    }
    lines
}
