//! For checklist editors: open the current item's checklist file in `$EDITOR` at the
//! item's line; on return check the file and show its diagnostics, or offer to move the
//! inspection to the edited version (repin). The inspection keeps its pinned text
//! until the user says yes, so a broken edit never touches the review.

use std::path::{Path, PathBuf};

use crate::checklist::{Catalog, Origin, builtin_sources, read_source};
use crate::tui::action::Effect;
use crate::tui::app::{App, Status};
use crate::tui::popups::{Confirmation, MessageLine, Popup, RepinOffer};

use super::Walkthrough;

/// The conventional user file of checklist `id`: `<dir>/<id>.toml`. Checklist ids are
/// checked by the loader; the name is checked again as one plain path component.
fn user_file(dir: &Path, id: &str) -> PathBuf {
    let name = format!("{id}.toml");
    match crate::text::path_component(&name) {
        Ok(n) => dir.join(n),
        Err(_) => dir.join("checklist.toml"),
    }
}

/// Where the checklist of the open inspection can be edited.
enum EditTarget {
    /// A user file, with the line of the selected item in it.
    File(PathBuf, usize),
    /// Only shipped in the binary; `file_name` is its name there.
    Builtin {
        file_name: String,
    },
    NoUserDir,
}

/// A diagnostic for a message window, with a blank line after it.
fn diagnostic_lines(d: &crate::checklist::Diagnostic) -> Vec<MessageLine> {
    let mut out = MessageLine::diagnostic(&d.to_string());
    out.push("".into());
    out
}

impl App {
    pub(crate) fn edit_checklist(&mut self) -> Vec<Effect> {
        let Some(w) = self.walk.as_ref() else {
            return Vec::new();
        };
        match self.edit_target(w) {
            EditTarget::File(path, line) => vec![Effect::OpenEditor { path, line }],
            EditTarget::NoUserDir => {
                self.status = Some(Status::error(
                    "没有用户清单目录（系统没有提供配置目录）：请用 --checklist-dir 或 PINGSHEN_CHECKLIST_DIR 指定",
                ));
                Vec::new()
            }
            EditTarget::Builtin { file_name } => {
                let dir = self.options.checklist_dir.clone().unwrap_or_default();
                let id = w.checklist.id.clone();
                let target = user_file(&dir, &id);
                let lines = vec![
                    format!(
                        "这次检查使用的清单《{}》是随程序发布的内置清单（{file_name}），不能在原处修改。",
                        w.checklist.title
                    ),
                    format!(
                        "要修改它（例如换成本省的官方条款原文、调整结论阈值），先把它复制到用户清单目录：{}",
                        target.display()
                    ),
                    "用户清单目录中与内置清单同 id 的文件会替换内置清单；已开始的检查仍使用各自固定的版本，只有你确认后才改用新版本。".to_string(),
                    "现在复制，并在编辑器中打开当前条款？保存退出编辑器后，pingshen 会检查文件并报告结果。".to_string(),
                ];
                self.popups.push(Popup::confirm(
                    Confirmation::CopyBuiltin { lines },
                    &self.keymap,
                ));
                Vec::new()
            }
        }
    }

    fn edit_target(&self, w: &Walkthrough) -> EditTarget {
        let id = &w.checklist.id;
        let item_id = w.selected_item().map(|(_, _, it)| it.id.clone());
        let pinned_line = w.selected_item().map_or(1, |(_, _, it)| it.line);
        let Some(dir) = self.options.checklist_dir.as_deref() else {
            return EditTarget::NoUserDir;
        };
        let catalog = Catalog::discover(Some(dir));
        if let Some(found) = catalog.get(id)
            && let Origin::File(path) = &found.source.origin
        {
            let line = item_id
                .and_then(|i| found.checklist.find_item(&i).map(|it| it.line))
                .unwrap_or(pinned_line);
            return EditTarget::File(path.clone(), line);
        }
        // A user file that does not load at the moment: still the one to fix.
        let conventional = user_file(dir, id);
        if conventional.is_file() {
            return EditTarget::File(conventional, pinned_line);
        }
        let file_name = builtin_sources()
            .into_iter()
            .find(|s| s.parse().is_ok_and(|c| &c.id == id))
            .map(|s| s.origin.to_string())
            .unwrap_or_else(|| format!("{id}（固定版本）"));
        EditTarget::Builtin { file_name }
    }

    /// Copies the open inspection's pinned checklist text into the user checklist
    /// dir as `<id>.toml` (never over an existing file), then edits it.
    pub(crate) fn copy_builtin_and_edit(&mut self) -> Vec<Effect> {
        let Some(w) = self.walk.as_ref() else {
            return Vec::new();
        };
        let Some(dir) = self.options.checklist_dir.clone() else {
            return Vec::new();
        };
        let path = user_file(&dir, &w.checklist.id);
        let line = w.selected_item().map_or(1, |(_, _, it)| it.line);
        if !path.exists() {
            let text = match self.store.checklist_text(&w.inspection.checklist.sha256) {
                Ok(t) => t,
                Err(e) => {
                    self.status = Some(Status::error(format!("无法复制清单：{e}")));
                    return Vec::new();
                }
            };
            let written = std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&path, text));
            if let Err(e) = written {
                self.status = Some(Status::error(format!("无法写入 {}：{e}", path.display())));
                return Vec::new();
            }
        }
        self.status = Some(Status::info(format!("已复制到 {}", path.display())));
        vec![Effect::OpenEditor { path, line }]
    }

    /// After `$EDITOR`: check the file; show its errors, or offer the repin.
    pub(crate) fn checklist_edited(&mut self, path: &Path, editor_error: Option<String>) {
        if let Some(e) = editor_error {
            self.status = Some(Status::error(e));
            return;
        }
        let source = match read_source(path) {
            Ok(s) => s,
            Err(e) => {
                self.popups
                    .push(Popup::message("清单文件无法读取", vec![e.to_string()]));
                return;
            }
        };
        let checklist = match source.parse() {
            Ok(c) => c,
            Err(diags) => {
                let mut lines: Vec<MessageLine> = vec![
                    format!("{} 有 {} 处错误：", path.display(), diags.len()).into(),
                    "这次检查继续使用原来固定的清单版本，评分不受影响。改正后再按编辑清单的键打开文件。".into(),
                    "".into(),
                ];
                for d in &diags {
                    lines.extend(diagnostic_lines(d));
                }
                self.popups
                    .push(Popup::message_lines("清单文件有错误", lines));
                self.status = Some(Status::warning(format!(
                    "清单文件有 {} 处错误，检查仍使用固定版本",
                    diags.len()
                )));
                return;
            }
        };
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        let id = w.inspection.id.clone();
        match self.store.repin_preview(&id, &checklist, &source) {
            Ok(report) if !report.changed => {
                self.status = Some(Status::info("清单文件检查通过，与这次检查固定的版本相同"));
            }
            Ok(report) => {
                let offer = RepinOffer {
                    inspection_id: id,
                    checklist,
                    source,
                    report,
                };
                self.popups.push(Popup::confirm(
                    Confirmation::Repin(Box::new(offer)),
                    &self.keymap,
                ));
            }
            Err(e) => self.status = Some(Status::warning(format!("清单文件检查通过，但{e}"))),
        }
    }

    pub(crate) fn repin(&mut self, offer: RepinOffer) {
        let Some(by) = self.actor() else {
            return;
        };
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        let keep = w.selected_item().map(|(_, _, it)| it.id.clone());
        match self
            .store
            .repin(&offer.inspection_id, &offer.checklist, &offer.source, &by)
        {
            Ok(report) => {
                self.open_walkthrough(&offer.inspection_id);
                if let (Some(w), Some(id)) = (self.walk.as_mut(), keep) {
                    w.select_item(&id);
                }
                self.status = Some(Status::saved(format!(
                    "已改用清单版本 {}（新增 {} 条，删除 {} 条，改动 {} 条）",
                    report.to_version,
                    report.added.len(),
                    report.removed.len(),
                    report.reworded.len()
                )));
            }
            Err(e) => self.status = Some(Status::error(format!("未改用新版本：{e}"))),
        }
    }
}
