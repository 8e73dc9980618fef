//! The two bottom lines: the last message (已保存 only after a durable write, errors
//! in words) and key hints built from the live keymap for where the keys go now.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme;
use crate::text::{cells, truncate};
use crate::tui::action::{Command, Context};
use crate::tui::app::{App, Screen, StatusKind};

pub fn draw(frame: &mut Frame, status: Rect, hints: Rect, app: &App) {
    let right = indicators(app);
    let room = status_room(app, status.width);
    let mut spans = Vec::new();
    if let Some(s) = &app.status {
        let (mark, style) = match s.kind {
            StatusKind::Info => ("", ratatui::style::Style::default()),
            StatusKind::Saved => ("✓ ", theme::good()),
            StatusKind::Warning => ("! ", theme::warning()),
            StatusKind::Error => ("✗ ", theme::error()),
        };
        // Cut only while its window is open (App::status_fits): the whole text is there.
        spans.push(Span::styled(
            truncate(&format!(" {mark}{}", s.text.replace('\n', " ")), room + 3),
            style,
        ));
    }
    let used: usize = spans.iter().map(|s| cells(&s.content)).sum();
    let right_w: usize = right.iter().map(|(t, _)| cells(t)).sum();
    if right_w > 0 {
        spans.push(Span::raw(
            " ".repeat((status.width as usize).saturating_sub(used + right_w)),
        ));
        for (text, style) in right {
            spans.push(Span::styled(text, style));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), status);
    frame.render_widget(Paragraph::new(hint_line(app, hints.width as usize)), hints);
}

/// What the right end of the status line shows: jobs running, auto-advance when on,
/// who the changes are recorded as (in an open inspection).
fn indicators(app: &App) -> Vec<(String, ratatui::style::Style)> {
    let mut parts = Vec::new();
    if app.jobs_running() > 0 {
        parts.push((
            format!(" 后台任务 {} 个进行中… ", app.jobs_running()),
            theme::bold(),
        ));
    }
    let in_inspection = matches!(
        app.screen(),
        Screen::Walkthrough | Screen::Summary | Screen::Conflicts
    );
    if in_inspection && app.auto_advance {
        parts.push((" 自动跳转 ".to_string(), theme::key()));
    }
    if in_inspection && let Some(w) = &app.walk {
        let who = app
            .actor_of(&w.inspection.id, &w.inspection.inspectors)
            .unwrap_or_else(|| "（未选）".to_string());
        parts.push((format!(" 操作人 {who} "), theme::title_bar()));
    }
    parts
}

/// How many cells a message may take on the status line of `width` cells, beside
/// what [`indicators`] shows: a longer one is shown in a window instead.
pub fn status_room(app: &App, width: u16) -> usize {
    let right: usize = indicators(app).iter().map(|(t, _)| cells(t)).sum();
    // A space, the mark ("✓ "), and a space before the indicators.
    (width as usize).saturating_sub(right + 4)
}

/// `key label · key label …` for the current context, as many as fit, with help last.
fn hint_line(app: &App, max: usize) -> Line<'static> {
    let context = app.context();
    let keymap = &app.keymap;
    // Where keys type text, a printable help key types instead: name another one.
    let help_part = keymap
        .keys(Context::Global, Command::Help)
        .iter()
        .find(|k| !(context.types_text() && k.is_text()))
        .map(|k| format!("{k} 帮助"))
        .unwrap_or_default();
    let mut parts: Vec<(String, String)> = Vec::new();
    // The grade keys read best as one group: a/b/c/d/n 评分.
    let grades = Command::GRADES;
    let mut grouped = false;
    for command in app.hints_now() {
        let command = &command;
        if *command == Command::Take1 {
            // The version keys as one group, as many as the shown item has versions.
            let keys = crate::tui::screens::take_keys(app, versions(app));
            if !keys.is_empty() {
                parts.push((keys, "取该版本".to_string()));
            }
            continue;
        }
        if grades.contains(command) {
            if !grouped {
                let keys: Vec<String> = grades
                    .iter()
                    .map(|g| keymap.first_key(context, *g))
                    .filter(|k| !k.is_empty())
                    .collect();
                if !keys.is_empty() {
                    parts.push((keys.join("/"), "评分".to_string()));
                }
                grouped = true;
            }
            continue;
        }
        let key = keymap.first_key(context, *command);
        if !key.is_empty() {
            parts.push((key, command.hint_in(context).to_string()));
        }
    }
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1 + cells(&help_part);
    for (key, label) in parts {
        let w = cells(&key) + 1 + cells(&label) + 2;
        if used + w > max {
            break;
        }
        used += w;
        spans.push(Span::styled(key, theme::key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    if !help_part.is_empty() {
        spans.push(Span::styled(help_part, theme::key()));
    }
    Line::from(spans)
}

/// Whether a hint is worth its room now: the sample before there is any inspection,
/// conflicts only when there are some, the comparison only when there is an earlier
/// review to compare with.
/// How many versions the item in the conflicts view has.
fn versions(app: &App) -> usize {
    let (Some(w), Some(c)) = (app.walk.as_ref(), app.conflicts()) else {
        return 0;
    };
    w.conflicts
        .get(&c.item_id)
        .map_or(0, |c| c.len().min(Command::TAKE.len()))
}
