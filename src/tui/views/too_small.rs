//! What a terminal below the minimum size shows instead of a broken layout. Nothing
//! else can be seen, so no key acts (`App::handle_event` swallows them) except the
//! quit key, which this screen names; a resize brings the screen back as it was.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{MIN_HEIGHT, MIN_WIDTH, theme};
use crate::text::wrap;
use crate::tui::action::{Command, Context};
use crate::tui::app::App;
use crate::tui::popups::{Confirmation, Popup};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let editing = app
        .popups
        .iter()
        .any(|p| matches!(p, Popup::NoteEditor(e) if e.is_dirty()))
        || app.form().is_some_and(|f| f.is_dirty());
    let saved = if editing {
        "已保存的数据都在；正在填写的内容还没有保存，放大窗口后可以接着填写。"
    } else {
        "数据都已保存。"
    };
    let mut paragraphs = vec![(
        format!(
            "终端窗口太小（{}×{}），至少需要 {MIN_WIDTH}×{MIN_HEIGHT}。请把窗口放大；{saved}",
            area.width, area.height
        ),
        ratatui::style::Style::default(),
    )];
    let quit = app.keymap.first_key(Context::Global, Command::Quit);
    let asked = matches!(
        app.popups.last(),
        Some(Popup::Confirm(c)) if matches!(c.what, Confirmation::QuitDiscarding)
    );
    let keys = match (quit.is_empty(), asked) {
        (true, _) => "窗口放大之前，按键都不起作用。".to_string(),
        (false, false) => format!("窗口放大之前，按键都不起作用，只有 {quit} 退出 pingshen。"),
        (false, true) => {
            format!("再按一次 {quit} 放弃没有保存的内容并退出；放大窗口可以回去保存。")
        }
    };
    let keys = match &app.swallowed {
        Some(key) => format!("刚才按的 {key} 没有起作用。{keys}"),
        None => keys,
    };
    let style = if asked {
        theme::warning()
    } else {
        theme::dim()
    };
    paragraphs.push((keys, style));
    let width = area.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    for (i, (text, style)) in paragraphs.iter().enumerate() {
        if i > 0 && area.height as usize > lines.len() + 2 {
            lines.push(Line::from(""));
        }
        lines.extend(
            wrap(text, width)
                .into_iter()
                .map(|l| Line::styled(l, *style)),
        );
    }
    let top = area.height.saturating_sub(lines.len() as u16) / 2;
    let rect = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    frame.render_widget(Paragraph::new(lines), rect);
}
