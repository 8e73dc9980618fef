//! Drawing, one screen per file. Views borrow the app and draw; they do no I/O and
//! change nothing but the scroll offsets kept in `Cell`s. Every layout is computed
//! from `frame.area()` on every frame, so a resize at any moment just redraws.

mod compare;
mod conflicts;
mod inspection_list;
mod item_detail;
mod new_inspection;
mod status_bar;
pub use status_bar::status_room;
mod summary;
pub mod theme;
mod too_small;
mod walkthrough;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{App, Screen};
use crate::text::{pad, truncate};

/// Below this the layout cannot work; a message says so instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// Draws the whole app; returns where the terminal cursor was put (at the caret of
/// the focused text field, for the input method), if anywhere.
pub fn draw(frame: &mut Frame, app: &App) -> Option<Position> {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small::draw(frame, area, app);
        return None;
    }
    let [title, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let focused = app.popups.is_empty();
    draw_title(frame, title, &title_text(app));
    let mut cursor = match app.screen() {
        Screen::List => inspection_list::draw(frame, body, app, focused),
        Screen::Form => new_inspection::draw(frame, body, app, focused),
        Screen::Walkthrough => {
            walkthrough::draw(frame, body, app);
            None
        }
        Screen::Summary => {
            summary::draw(frame, body, app);
            None
        }
        Screen::Conflicts => {
            conflicts::draw(frame, body, app);
            None
        }
        Screen::Compare => {
            compare::draw(frame, body, app);
            None
        }
    };
    for popup in &app.popups {
        cursor = popup.draw(frame, body, &app.keymap, cursor);
    }
    status_bar::draw(frame, status, hints, app);
    if let Some(pos) = cursor {
        frame.set_cursor_position(pos);
    }
    cursor
}

fn title_text(app: &App) -> String {
    let header = |w: &super::screens::Walkthrough| {
        let i = &w.inspection;
        let conflicts = match w.conflicts.len() {
            0 => String::new(),
            n => format!(" · 冲突 {n} 条待裁定"),
        };
        format!(
            "{}{} · {} · {} · 已评 {}/{}{conflicts} · 目前结论：{}",
            if i.sample { "【示例】" } else { "" },
            i.institution.name,
            i.review_kind.label(),
            i.date,
            w.graded,
            w.total,
            w.verdict
        )
    };
    match app.screen() {
        Screen::List => format!("pingshen 评审 · 检查列表（{} 次检查）", app.list.all.len()),
        Screen::Form => "pingshen 评审 · 新建检查".to_string(),
        Screen::Walkthrough => app.walk.as_ref().map(header).unwrap_or_default(),
        Screen::Summary => app
            .walk
            .as_ref()
            .map(|w| format!("评审汇总 · {}", header(w)))
            .unwrap_or_default(),
        Screen::Conflicts => app
            .walk
            .as_ref()
            .map(|w| format!("冲突裁定 · {}", header(w)))
            .unwrap_or_default(),
        Screen::Compare => app
            .compare()
            .map(|c| {
                format!(
                    "与上次评审对比 · {} · 上次 {} {} → 本次 {} {}",
                    c.new.institution.name,
                    c.old.date,
                    c.old.review_kind.label(),
                    c.new.date,
                    c.new.review_kind.label()
                )
            })
            .unwrap_or_default(),
    }
}

fn draw_title(frame: &mut Frame, area: Rect, text: &str) {
    let text = pad(&format!(" {text}"), area.width as usize);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(text, theme::title_bar()))),
        area,
    );
}

/// `text` cut to the width of `area`, as one line.
pub fn fit(text: &str, area: Rect) -> String {
    truncate(text, area.width as usize)
}

/// Keeps `selected` (a line index) within the `height` lines drawn from `offset`.
pub fn scroll_to(
    offset: &std::cell::Cell<usize>,
    selected: usize,
    span: usize,
    height: usize,
) -> usize {
    let mut top = offset.get();
    if selected < top {
        top = selected;
    } else if selected + span > top + height {
        top = (selected + span).saturating_sub(height);
    }
    offset.set(top);
    top
}

/// `area` less one cell on the left and on the right: where text goes in a box.
pub fn padded(area: Rect) -> Rect {
    Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(2),
        ..area
    }
}
