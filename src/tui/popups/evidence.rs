//! Evidence at hand: a picker over a folder (a phone's photo import folder, newest
//! first, several marked with Space), and the list of the selected item's evidence
//! (Enter opens one with the system's viewer, `x` removes one after asking).
//! Neither reads or writes the store: what they choose is a [`Followup`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Followup, Step, centered};
use crate::store::Evidence;
use crate::text::{cells, pad, truncate};
use crate::tui::action::{Action, Command, Context};
use crate::tui::keymap::Keymap;
use crate::tui::views::theme;

/// Most files a folder shows (the newest): a photo folder can hold thousands.
pub const PICK_MAX: usize = 500;

/// One file of the folder.
#[derive(Debug, Clone)]
pub struct PickFile {
    pub path: PathBuf,
    pub name: String,
    pub size: u64,
    pub modified: Option<SystemTime>,
    pub image: bool,
}

/// The files of `folder`, newest first (at most [`PICK_MAX`]), and how many there
/// were in all. Hidden files and folders are left out.
pub fn folder_files(folder: &Path) -> std::io::Result<(Vec<PickFile>, usize)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        files.push(PickFile {
            image: looks_like_picture(&entry.path()),
            path: entry.path(),
            name: crate::text::for_terminal_line(&name).into_owned(),
            size: meta.len(),
            modified: meta.modified().ok(),
        });
    }
    let all = files.len();
    files.sort_by(|a, b| {
        b.modified
            .cmp(&a.modified)
            .then_with(|| a.name.cmp(&b.name))
    });
    files.truncate(PICK_MAX);
    Ok((files, all))
}

/// By the file's first bytes, as the store decides it.
fn looks_like_picture(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    crate::store::is_picture(&head[..n])
}

pub use crate::store::size_text;

pub struct EvidencePicker {
    pub item_id: String,
    pub folder: PathBuf,
    pub files: Vec<PickFile>,
    /// Files in the folder, including those past [`PICK_MAX`].
    pub all: usize,
    pub selected: usize,
    pub marked: BTreeSet<usize>,
}

impl EvidencePicker {
    pub fn new(item_id: &str, folder: PathBuf, files: Vec<PickFile>, all: usize) -> Self {
        EvidencePicker {
            item_id: item_id.to_string(),
            folder,
            files,
            all,
            selected: 0,
            marked: BTreeSet::new(),
        }
    }

    /// The files Enter attaches: those marked, or else the highlighted one.
    pub fn chosen(&self) -> Vec<PathBuf> {
        if self.marked.is_empty() {
            self.files
                .get(self.selected)
                .map(|f| vec![f.path.clone()])
                .unwrap_or_default()
        } else {
            self.marked
                .iter()
                .filter_map(|i| self.files.get(*i))
                .map(|f| f.path.clone())
                .collect()
        }
    }

    pub fn update(&mut self, action: Action) -> Step {
        let last = self.files.len().saturating_sub(1);
        match action {
            Action::Command(Command::Up) => self.selected = self.selected.saturating_sub(1),
            Action::Command(Command::Down) => self.selected = (self.selected + 1).min(last),
            Action::Command(Command::Open) => {
                let files = self.chosen();
                if files.is_empty() {
                    return Step::close();
                }
                return Step::close_and(Followup::Attach {
                    item_id: self.item_id.clone(),
                    files,
                });
            }
            Action::Command(Command::Cancel) => return Step::close(),
            Action::Key(k) if k.code == KeyCode::Char(' ') => {
                if !self.files.is_empty() && !self.marked.remove(&self.selected) {
                    self.marked.insert(self.selected);
                }
                self.selected = (self.selected + 1).min(last);
            }
            _ => {}
        }
        Step::keep()
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, keymap: &Keymap) {
        let (width, rect) = frame_for(area, self.files.len() as u16 + 4, 6);
        let footer = format!(
            " Space 选中/取消  {} 附上{}  {} 取消 ",
            keymap.first_key(Context::Menu, Command::Open),
            if self.marked.is_empty() {
                String::new()
            } else {
                format!("选中的 {} 个", self.marked.len())
            },
            keymap.first_key(Context::Menu, Command::Cancel)
        );
        super::clear(frame, rect);
        let title = format!(" 给 {} 附上佐证：{} ", self.item_id, self.folder.display());
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(
                truncate(&crate::text::for_terminal_line(&title), width as usize - 2),
                theme::bold(),
            ))
            .title_bottom(Span::styled(footer, theme::key()));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let w = inner.width as usize;
        let mut lines: Vec<Line> = Vec::new();
        let note = if self.all > self.files.len() {
            format!(
                "最新的 {} 个（共 {} 个文件），按修改时间从新到旧",
                self.files.len(),
                self.all
            )
        } else if self.files.is_empty() {
            "这个文件夹里没有文件".to_string()
        } else {
            format!("{} 个文件，按修改时间从新到旧", self.files.len())
        };
        lines.push(Line::from(Span::styled(truncate(&note, w), theme::dim())));
        let rows = inner.height.saturating_sub(1) as usize;
        let first = self.selected.saturating_sub(rows.saturating_sub(1));
        for (i, f) in self.files.iter().enumerate().skip(first).take(rows) {
            let mark = if self.marked.contains(&i) {
                "[x]"
            } else {
                "[ ]"
            };
            let when = f
                .modified
                .map(|t| {
                    chrono::DateTime::<chrono::Local>::from(t)
                        .format("%m-%d %H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            let right = format!("{:>9}  {when}", size_text(f.size));
            let kind = if f.image { "图" } else { "  " };
            let name_w = w.saturating_sub(cells(&right) + 9);
            let text = format!(
                "{mark} {kind} {}  {right}",
                pad(&truncate(&f.name, name_w), name_w)
            );
            let style = if i == self.selected {
                theme::selected()
            } else {
                ratatui::style::Style::default()
            };
            lines.push(Line::from(Span::styled(text, style)));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// The selected item's evidence.
pub struct EvidenceList {
    pub item_id: String,
    /// Each with whether this laptop has the file.
    pub rows: Vec<(Evidence, bool)>,
    pub selected: usize,
}

impl EvidenceList {
    pub fn update(&mut self, action: Action) -> Step {
        let last = self.rows.len().saturating_sub(1);
        match action {
            Action::Command(Command::Up) => self.selected = self.selected.saturating_sub(1),
            Action::Command(Command::Down) => self.selected = (self.selected + 1).min(last),
            Action::Command(Command::Open) => {
                if let Some((e, _)) = self.rows.get(self.selected) {
                    return Step::keep_and(Followup::OpenEvidence(e.clone()));
                }
            }
            Action::Command(Command::Cancel) => return Step::close(),
            Action::Key(k) if k.code == KeyCode::Char('x') => {
                if let Some((e, _)) = self.rows.get(self.selected) {
                    return Step::close_and(Followup::RemoveEvidence {
                        item_id: self.item_id.clone(),
                        evidence: e.clone(),
                    });
                }
            }
            _ => {}
        }
        Step::keep()
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, keymap: &Keymap) {
        let (_, rect) = frame_for(area, self.rows.len() as u16 + 2, 4);
        let footer = format!(
            " {} 用系统程序打开  x 去掉  {} 关闭 ",
            keymap.first_key(Context::Menu, Command::Open),
            keymap.first_key(Context::Menu, Command::Cancel)
        );
        super::clear(frame, rect);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(
                format!(" {} 的佐证材料 ", self.item_id),
                theme::bold(),
            ))
            .title_bottom(Span::styled(footer, theme::key()));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let w = inner.width as usize;
        let rows = inner.height as usize;
        let first = self.selected.saturating_sub(rows.saturating_sub(1));
        let lines: Vec<Line> = self
            .rows
            .iter()
            .enumerate()
            .skip(first)
            .take(rows)
            .map(|(i, (e, present))| {
                let text = truncate(&evidence_line(i + 1, e, *present), w);
                let style = if i == self.selected {
                    theme::selected()
                } else if !present {
                    theme::warning()
                } else {
                    ratatui::style::Style::default()
                };
                Line::from(Span::styled(pad(&text, w), style))
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// Where a list popup goes: at most 90 wide, `rows` high within the screen and at
/// least `least`. Returns its width and its rectangle.
fn frame_for(area: Rect, rows: u16, least: u16) -> (u16, Rect) {
    let width = area.width.saturating_sub(4).min(90);
    let height = area.height.saturating_sub(2).min(rows).max(least);
    (width, centered(area, width, height))
}

/// One evidence as the item detail and the list show it, numbered.
pub fn evidence_line(n: usize, e: &Evidence, present: bool) -> String {
    format!("{n}. {}", e.shown(present))
}
