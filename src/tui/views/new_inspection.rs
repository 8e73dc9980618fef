//! The new-inspection form: one line per field, the problem with a field on the line
//! below it, the terminal cursor in the focused field (for the input method).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme;
use crate::text::{pad, truncate};
use crate::tui::action::{Command, Context};
use crate::tui::app::App;
use crate::tui::screens::FieldId;

const LABEL_W: usize = 14;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, focused: bool) -> Option<Position> {
    let form = app.form()?;
    let mut cursor = None;
    let mut y = area.y + 1;
    let bottom = area.y + area.height;
    // Room after the field for its hint (年-月-日, 多位用、分隔).
    let input_w = (area.width as usize)
        .saturating_sub(LABEL_W + 4 + 14)
        .min(60) as u16;
    let choice_w = (area.width as usize).saturating_sub(LABEL_W + 4) as u16;
    for field in FieldId::ALL {
        if y >= bottom {
            break;
        }
        let is_focus = form.focus == field;
        let line = Rect {
            x: area.x,
            y,
            width: area.width,
            height: 1,
        };
        if field == FieldId::Create {
            y += 1;
            if y >= bottom {
                break;
            }
            let style = if is_focus {
                theme::selected().add_modifier(Modifier::BOLD)
            } else {
                theme::bold()
            };
            let button = format!(
                "[ 创建检查（{}）]",
                app.keymap.first_key(Context::Form, Command::Submit)
            );
            let line = Rect { y, ..line };
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::raw(" ".repeat(LABEL_W + 2)),
                    Span::styled(button, style),
                ])),
                line,
            );
            y += 1;
            continue;
        }
        let marker = if is_focus { "▶ " } else { "  " };
        let required = if field.required() { " *" } else { "" };
        let label = pad(&format!("{marker}{}{required}", field.label()), LABEL_W);
        let label_style = if is_focus {
            theme::bold()
        } else {
            Style::default()
        };
        frame.render_widget(Paragraph::new(Span::styled(label, label_style)), line);
        let input_area = Rect {
            x: area.x + LABEL_W as u16 + 2,
            y,
            width: input_w,
            height: 1,
        };
        if let Some(input) = form.input(field) {
            // The field's extent, underlined, so an empty field is visible.
            let underline = Style::default().add_modifier(Modifier::UNDERLINED);
            frame.render_widget(
                Paragraph::new(Span::styled(" ".repeat(input_w as usize), underline)),
                input_area,
            );
            let at = input.draw(frame, input_area, underline);
            if is_focus && focused {
                cursor = at;
            }
        } else {
            let text = truncate(
                &form.choice_text(field),
                choice_w.saturating_sub(6) as usize,
            );
            let spans = vec![
                Span::styled("◀ ", theme::dim()),
                Span::styled(
                    text,
                    if is_focus {
                        theme::bold()
                    } else {
                        Style::default()
                    },
                ),
                Span::styled(" ▶", theme::dim()),
            ];
            frame.render_widget(
                Paragraph::new(Line::from(spans)),
                Rect {
                    width: choice_w,
                    ..input_area
                },
            );
        }
        let after = area.x + LABEL_W as u16 + 2 + input_w + 1;
        let pick = format!(
            "{} 选机构",
            app.keymap.first_key(Context::Form, Command::PickFacility)
        );
        let hint = match field {
            FieldId::Name if !form.facilities.is_empty() => pick.as_str(),
            FieldId::Inspectors => "多位用、分隔",
            FieldId::ReviewKind if is_focus => "←/→ 切换",
            FieldId::Date => "年-月-日",
            FieldId::Organiser => "如 某某区卫健委",
            _ => "",
        };
        if !hint.is_empty() && after < area.x + area.width {
            let rect = Rect {
                x: after,
                y,
                width: area.x + area.width - after,
                height: 1,
            };
            frame.render_widget(
                Paragraph::new(Span::styled(
                    truncate(hint, rect.width as usize),
                    theme::dim(),
                )),
                rect,
            );
        }
        y += 1;
        if let Some(err) = form.error(field) {
            if y >= bottom {
                break;
            }
            let text = truncate(
                &format!("✗ {err}"),
                (area.width as usize).saturating_sub(LABEL_W + 2),
            );
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::raw(" ".repeat(LABEL_W + 2)),
                    Span::styled(text, theme::error()),
                ])),
                Rect { y, ..line },
            );
            y += 1;
        }
    }
    for problem in &form.catalog_problems {
        y += 1;
        if y >= bottom {
            break;
        }
        let text = truncate(&format!("! {problem}"), area.width as usize);
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme::warning())),
            Rect {
                x: area.x,
                y,
                width: area.width,
                height: 1,
            },
        );
    }
    cursor
}
