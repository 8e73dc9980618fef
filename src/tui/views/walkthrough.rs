//! The walkthrough: the chapter → section → item tree on the left (grade or 待 for
//! each item, ★ for core items, ✎ for a note, 冲突 for versions waiting to be settled,
//! progress per chapter), the selected item on the right. Under a filter or a
//! search the tree's bottom border says which match is selected ("第 k / N 条"), an
//! item a change took out of the filter is marked 已不在筛选中, and no match says so.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{item_detail, scroll_to, theme};
use crate::text::{cells, pad, truncate, wrap};
use crate::tui::action::{Command, Context};
use crate::tui::app::App;
use crate::tui::keymap::Keymap;
use crate::tui::screens::{Node, Row, Walkthrough};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(w) = app.walk.as_ref() else {
        return;
    };
    let tree_w = (area.width * 2 / 5).clamp(28, 56);
    let [tree, detail] =
        Layout::horizontal([Constraint::Length(tree_w), Constraint::Min(20)]).areas(area);
    draw_tree(frame, tree, w, &app.keymap);
    item_detail::draw(frame, detail, w, &app.keymap);
}

fn draw_tree(frame: &mut Frame, area: Rect, w: &Walkthrough, keymap: &Keymap) {
    let title = if w.filter_active() {
        format!(" 条款 · 筛选：{} ", w.filter_label())
    } else {
        format!(" 条款 {}/{} ", w.graded, w.total)
    };
    let title = if w.inspection.status == crate::store::Progress::Completed {
        format!("{title}· 已完成 ")
    } else {
        title
    };
    let room = area.width.saturating_sub(2) as usize;
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(truncate(&title, room), theme::bold()));
    if w.filter_active() {
        let (k, n) = w.position();
        let place = match k {
            Some(k) => format!(" 第 {k} / {n} 条 "),
            None if w.selected_is_kept() => format!(" 已不在筛选中 · 共 {n} 条 "),
            None => format!(" 共 {n} 条 "),
        };
        let style = if w.selected_is_kept() {
            theme::warning()
        } else {
            theme::bold()
        };
        block = block.title_bottom(Span::styled(truncate(&place, room), style));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if w.rows.is_empty() {
        let lines: Vec<Line> = if w.filter_active() {
            let mut hints = vec![format!(
                "按 {} 换一个筛选",
                keymap.first_key(Context::Walkthrough, Command::Filter)
            )];
            if !w.search.trim().is_empty() {
                hints.push(format!(
                    "按 {} 清除搜索",
                    keymap.key_preferring(Context::Walkthrough, Command::Back, KeyCode::Esc)
                ));
            }
            let mut lines = vec![Line::from(Span::styled(
                "没有符合筛选的条款",
                theme::warning(),
            ))];
            for hint in hints {
                lines.extend(
                    wrap(&hint, inner.width as usize)
                        .into_iter()
                        .map(|l| Line::from(Span::styled(l, theme::dim()))),
                );
            }
            lines
        } else {
            vec![Line::from("清单里没有条款")]
        };
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    let height = inner.height as usize;
    let top = scroll_to(&w.tree_offset, w.selected, 1, height);
    let lines: Vec<Line> = w
        .rows
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, row)| tree_line(w, *row, inner.width as usize, i == w.selected))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn tree_line(w: &Walkthrough, row: Row, width_cells: usize, selected: bool) -> Line<'static> {
    let base = if selected {
        theme::selected()
    } else {
        Style::default()
    };
    let chapters = &w.checklist.chapters;
    match row {
        Row::Chapter(ci) | Row::Section(ci, _) => {
            let (indent, key, id, title, section) = match row {
                Row::Chapter(_) => (
                    "",
                    Node::Chapter(chapters[ci].id.clone()),
                    &chapters[ci].id,
                    &chapters[ci].title,
                    None,
                ),
                Row::Section(_, si) => {
                    let s = &chapters[ci].sections[si];
                    ("  ", Node::Section(s.id.clone()), &s.id, &s.title, Some(si))
                }
                Row::Item(..) => unreachable!("matched above"),
            };
            let arrow = if w.collapsed.contains(&key) {
                "▸"
            } else {
                "▾"
            };
            let (graded, total) = w.progress(ci, section);
            let count = format!(" {graded}/{total}");
            let room = width_cells.saturating_sub(cells(&count));
            let head = pad(&format!("{indent}{arrow} {id} {title}"), room);
            let count_style = if graded == total {
                theme::good()
            } else {
                theme::dim()
            };
            let head_style = if section.is_none() {
                theme::bold()
            } else {
                Style::default()
            };
            Line::from(vec![
                Span::styled(head, base.patch(head_style)),
                Span::styled(count, base.patch(count_style)),
            ])
        }
        Row::Item(ci, si, ii) => {
            let item = &chapters[ci].sections[si].items[ii];
            let grade = w.grade_of(&item.id);
            let mut spans = vec![
                Span::styled("    ", base),
                Span::styled(theme::grade_code(grade), base.patch(theme::grade(grade))),
                Span::styled(format!(" {}", item.id), base),
            ];
            let mut used = 4 + 2 + 1 + cells(&item.id);
            if item.core {
                spans.push(Span::styled("★", base.patch(theme::core_star())));
                used += 1;
            }
            let has_note = w
                .assessments
                .get(&item.id)
                .is_some_and(|a| !a.note.is_empty() || !a.corrective_action.is_empty());
            // Out of the filter matters most, then an open conflict, then last
            // time's 整改意见 still to check, then a note: one mark.
            let (mark, mark_style) = if w.kept.as_deref() == Some(item.id.as_str()) {
                (" 已不在筛选中", theme::warning())
            } else if w.conflicts.contains_key(&item.id) {
                (" 冲突", theme::warning())
            } else if w.follow_up_due(&item.id) {
                (" 待核查", theme::warning())
            } else if has_note {
                (" ✎", theme::dim())
            } else {
                ("", theme::dim())
            };
            let room = width_cells.saturating_sub(used + 1 + cells(mark));
            spans.push(Span::styled(format!(" {}", pad(&item.title, room)), base));
            spans.push(Span::styled(mark.to_string(), base.patch(mark_style)));
            Line::from(spans)
        }
    }
}
