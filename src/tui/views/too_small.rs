//! What a terminal below the minimum size shows instead of a broken layout.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{MIN_HEIGHT, MIN_WIDTH};
use crate::text::wrap;

pub fn draw(frame: &mut Frame, area: Rect) {
    let text = format!(
        "终端窗口太小（{}×{}），至少需要 {MIN_WIDTH}×{MIN_HEIGHT}。请把窗口放大；数据都已保存。",
        area.width, area.height
    );
    let lines: Vec<Line> = wrap(&text, area.width as usize)
        .into_iter()
        .map(Line::from)
        .collect();
    let top = area.height.saturating_sub(lines.len() as u16) / 2;
    let rect = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    frame.render_widget(Paragraph::new(lines), rect);
}
