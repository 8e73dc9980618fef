//! The menu of 常用评语 over the note or 整改意见 editor: the phrases the domain
//! offers for the item ([`crate::checklist::phrases::offered`]), numbered as
//! `pingshen phrases` numbers them, each marked with where it comes from (本次已用 /
//! 清单 / 我的) and wrapped by display width. Enter inserts the selected one at the
//! editor's caret; Esc goes back to the editor.

use std::cell::Cell;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Followup, Step, centered};
use crate::checklist::Phrase;
use crate::text::{pad, truncate, wrap};
use crate::tui::action::{Action, Command, Context};
use crate::tui::keymap::Keymap;
use crate::tui::views::theme;

pub struct PhraseMenu {
    pub item_id: String,
    /// 备注 or 整改意见: where the phrase goes.
    pub field: &'static str,
    pub phrases: Vec<Phrase>,
    pub selected: usize,
    /// Why there are none of the user's own phrases, when their file has a problem.
    pub problem: Option<String>,
    /// Where the user's own phrases are written, named when there is no phrase.
    pub file: Option<String>,
    /// First line drawn; kept so the selection stays in view while moving.
    offset: Cell<usize>,
}

/// Cells of the source mark: 本次已用 is the widest.
const MARK: usize = 8;

impl PhraseMenu {
    pub fn new(
        item_id: &str,
        field: &'static str,
        phrases: Vec<Phrase>,
        problem: Option<String>,
        file: Option<String>,
    ) -> PhraseMenu {
        PhraseMenu {
            item_id: item_id.to_string(),
            field,
            phrases,
            selected: 0,
            problem,
            file,
            offset: Cell::new(0),
        }
    }

    pub fn update(&mut self, action: Action) -> Step {
        match action {
            Action::Command(Command::Up) => self.selected = self.selected.saturating_sub(1),
            Action::Command(Command::Down) => {
                self.selected = (self.selected + 1).min(self.phrases.len().saturating_sub(1))
            }
            Action::Command(Command::Open) => {
                return match self.phrases.get(self.selected) {
                    Some(p) => Step::close_and(Followup::InsertPhrase(p.text.clone())),
                    None => Step::close(),
                };
            }
            Action::Command(Command::Cancel) => return Step::close(),
            // A phrase's number, as shown: inserted at once.
            Action::Command(c) if c.version().is_some() => {
                let n = c.version().unwrap_or(0);
                if let Some(p) = n.checked_sub(1).and_then(|i| self.phrases.get(i)) {
                    return Step::close_and(Followup::InsertPhrase(p.text.clone()));
                }
            }
            _ => {}
        }
        Step::keep()
    }

    /// Each phrase's lines at `width` (number, mark, text wrapped under itself), and
    /// the notes above them.
    fn lines(&self, width: usize) -> (Vec<Line<'static>>, Vec<(usize, usize)>) {
        let mut lines = Vec::new();
        if let Some(problem) = &self.problem {
            for l in wrap(problem, width) {
                lines.push(Line::from(Span::styled(l, theme::warning())));
            }
        }
        if self.phrases.is_empty() {
            let mut say = vec!["这一条款没有常用评语。".to_string()];
            say.push(
                "清单可以为每个条款列出常用评语；你自己的常用评语写在配置目录的 phrases.toml 里（写法见 README「常用评语」）"
                    .to_string(),
            );
            if let Some(file) = &self.file {
                say.push(format!("本机的这个文件是：{file}"));
            }
            for s in say {
                lines.extend(wrap(&s, width).into_iter().map(Line::from));
            }
            return (lines, Vec::new());
        }
        let number = self.phrases.len().to_string().len();
        let lead = number + 1 + MARK + 1;
        let mut spans = Vec::new();
        for (i, p) in self.phrases.iter().enumerate() {
            let start = lines.len();
            let style = if i == self.selected {
                theme::selected()
            } else {
                ratatui::style::Style::default()
            };
            let text = wrap(&p.text, width.saturating_sub(lead));
            for (k, part) in text.into_iter().enumerate() {
                let head = if k == 0 {
                    format!("{:>number$} {} ", i + 1, pad(p.source.label(), MARK))
                } else {
                    " ".repeat(lead)
                };
                let body = pad(&part, width.saturating_sub(lead));
                if i == self.selected {
                    lines.push(Line::from(Span::styled(format!("{head}{body}"), style)));
                } else {
                    lines.push(Line::from(vec![
                        Span::styled(head, theme::dim()),
                        Span::raw(body),
                    ]));
                }
            }
            spans.push((start, lines.len()));
        }
        (lines, spans)
    }

    /// Draws the menu over `area`, below the editor's `caret` (or above it when there
    /// is more room there), so the line being written stays in view.
    pub fn draw(&self, frame: &mut Frame, area: Rect, keymap: &Keymap, caret: Option<Position>) {
        let width = area.width.saturating_sub(4).min(84);
        let inner_width = width.saturating_sub(4) as usize;
        let (lines, spans) = self.lines(inner_width);
        let wanted = lines.len() as u16 + 2;
        let rect = place(area, width, wanted, caret);
        let title = truncate(
            &format!(" 常用评语 · {} → {} ", self.item_id, self.field),
            width.saturating_sub(4) as usize,
        );
        let open = keymap.first_key(Context::Menu, Command::Open);
        let cancel = keymap.first_key(Context::Menu, Command::Cancel);
        // The number keys of the first and the last phrase a key can insert.
        let shown = self.phrases.len().min(Command::TAKE.len());
        let numbers = match shown {
            0 | 1 => String::new(),
            n => {
                let first = keymap.first_key(Context::Menu, Command::TAKE[0]);
                let last = keymap.first_key(Context::Menu, Command::TAKE[n - 1]);
                if first.is_empty() || last.is_empty() {
                    String::new()
                } else {
                    format!("{first}—{last} 直接插入 · ")
                }
            }
        };
        let footer = if self.phrases.is_empty() {
            format!(" {cancel} 返回 ")
        } else {
            format!(
                " {open} 插入 · {numbers}{cancel} 返回 · 第 {} / {} 条 ",
                self.selected + 1,
                self.phrases.len()
            )
        };
        super::clear(frame, rect);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(title, theme::bold()))
            .title_bottom(Span::styled(
                truncate(&footer, width.saturating_sub(2) as usize),
                theme::key(),
            ));
        let inner = crate::tui::views::padded(block.inner(rect));
        frame.render_widget(block, rect);
        let room = inner.height as usize;
        // Keep the selected phrase's lines in view, moving as little as possible.
        let mut offset = self.offset.get();
        if let Some(&(start, end)) = spans.get(self.selected) {
            if end > offset + room {
                offset = end.saturating_sub(room);
            }
            if start < offset {
                offset = start;
            }
            // The notes above the first phrase stay in view while it is selected.
            if self.selected == 0 {
                offset = 0;
            }
        }
        offset = offset.min(lines.len().saturating_sub(room));
        self.offset.set(offset);
        frame.render_widget(
            Paragraph::new(lines.into_iter().skip(offset).collect::<Vec<_>>()),
            inner,
        );
    }
}

/// A `width` × up to `wanted` rectangle in `area`, centred across, on the caret's
/// side with more room (below it when it fits), never over the caret's line; centred
/// in `area` when there is no caret.
fn place(area: Rect, width: u16, wanted: u16, caret: Option<Position>) -> Rect {
    let least = wanted.min(5);
    let Some(caret) = caret.filter(|c| area.contains(*c)) else {
        return centered(area, width, wanted.min(area.height.saturating_sub(2)));
    };
    let x = centered(area, width, 1).x;
    let below = area.bottom().saturating_sub(caret.y + 1);
    let above = caret.y.saturating_sub(area.y);
    let (y, height) = if below >= wanted || (below >= above && below >= least) {
        (caret.y + 1, wanted.min(below))
    } else if above >= least {
        let height = wanted.min(above);
        (caret.y - height, height)
    } else {
        // No room on either side: over the caret after all, rather than not at all.
        return centered(area, width, wanted.min(area.height));
    };
    Rect {
        x,
        y,
        width: width.min(area.width),
        height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::PhraseSource;
    use crate::text::cells;

    #[test]
    fn a_long_phrase_wraps_under_itself_and_keeps_its_number() {
        let menu = PhraseMenu::new(
            "3.3.1",
            "备注",
            vec![Phrase {
                text: "消毒登记本缺少周末和节假日的记录，紫外线灯管强度未按季度监测".into(),
                source: PhraseSource::Checklist,
                uses: 0,
            }],
            None,
            None,
        );
        let (lines, spans) = menu.lines(30);
        assert_eq!(spans, [(0, lines.len())]);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(cells(&l.to_string()) <= 30, "{l}");
        }
        assert!(lines[0].to_string().starts_with("1 清单"));
        assert!(lines[1].to_string().starts_with(&" ".repeat(10)));
    }
}
