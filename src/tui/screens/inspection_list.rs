//! The first screen: every inspection with its progress and verdict so far.
//! Open, create, delete (after a backup), export, merge the team's exports, compare
//! two reviews, filter by typing.

use std::cell::Cell;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::checklist::Catalog;
use crate::store::{Overview, Store};
use crate::tui::action::{Action, Command, Effect};
use crate::tui::app::{App, Status, View};
use crate::tui::jobs::{AfterScan, Done, Job, JobKind};
use crate::tui::line_input::LineInput;
use crate::tui::popups::{Confirmation, Popup};

use super::NewInspectionForm;

pub struct InspectionList {
    pub all: Vec<Overview>,
    /// Why the list could not be read, if it could not.
    pub load_error: Option<String>,
    pub filter: LineInput,
    /// The filter line has the keys.
    pub filtering: bool,
    /// Index into [`InspectionList::visible`].
    pub selected: usize,
    /// First row drawn; kept by the view so the selection stays on screen.
    pub offset: Cell<usize>,
}

impl InspectionList {
    pub fn load(store: &Store) -> InspectionList {
        let mut list = InspectionList {
            all: Vec::new(),
            load_error: None,
            filter: LineInput::default(),
            filtering: false,
            selected: 0,
            offset: Cell::new(0),
        };
        list.reload(store);
        list
    }

    /// Reads the summaries again, keeping the selected inspection selected.
    pub fn reload(&mut self, store: &Store) {
        let keep = self.selected_summary().map(|s| s.inspection.id.clone());
        match store.overviews() {
            Ok(all) => {
                self.all = all;
                self.load_error = None;
            }
            Err(e) => self.load_error = Some(e.to_string()),
        }
        if let Some(id) = keep {
            self.select_id(&id);
        }
        self.clamp();
    }

    /// Selects inspection `id`, clearing a filter that hides it: after it was created
    /// or opened, the list comes back to it (Enter opens it again).
    pub fn show_id(&mut self, id: &str) {
        if !self.visible().iter().any(|s| s.inspection.id == id) {
            self.filter.clear();
            self.filtering = false;
        }
        self.select_id(id);
    }

    pub fn select_id(&mut self, id: &str) {
        if let Some(i) = self.visible().iter().position(|s| s.inspection.id == id) {
            self.selected = i;
        }
    }

    /// The inspections the filter lets through, newest first.
    pub fn visible(&self) -> Vec<&Overview> {
        let needle = self.filter.text().trim().to_lowercase();
        self.all
            .iter()
            .filter(|s| needle.is_empty() || haystack(s).contains(&needle))
            .collect()
    }

    pub fn selected_summary(&self) -> Option<&Overview> {
        self.visible().get(self.selected).copied()
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.visible().len().saturating_sub(1));
    }

    fn move_by(&mut self, delta: isize) {
        let n = self.visible().len();
        if n == 0 {
            return;
        }
        self.selected = self.selected.saturating_add_signed(delta).min(n - 1);
    }
}

/// Everything a filter matches against, lower-cased.
fn haystack(s: &Overview) -> String {
    let i = &s.inspection;
    format!(
        "{} {} {} {} {} {} {} {} {}",
        i.institution.name,
        i.institution.region,
        i.institution.kind,
        i.review_kind.label(),
        i.date,
        s.verdict,
        i.inspectors.join(" "),
        i.id,
        if i.sample { "示例" } else { "" }
    )
    .to_lowercase()
}

impl App {
    /// Reads the checklists on a worker, then opens the form or makes the sample.
    pub(crate) fn scan_checklists(&mut self, then: AfterScan) -> Vec<Effect> {
        let dir = self.options.checklist_dir.clone();
        let job = Job::new(JobKind::ScanChecklists, move || {
            Ok(Done::Scanned {
                catalog: Catalog::discover(dir.as_deref()),
                then,
            })
        });
        self.status = Some(Status::info("正在读取清单…"));
        self.start_job(job, "正在读取清单，请稍候")
    }

    pub(crate) fn scanned(&mut self, catalog: Catalog, then: AfterScan) {
        self.status = None;
        match then {
            // Unless the form was left meanwhile.
            AfterScan::NewForm => {
                if let View::Form(form) = &mut self.view {
                    form.set_catalog(catalog);
                    if std::mem::take(&mut form.submit_when_read) {
                        self.submit_form();
                    }
                }
            }
            AfterScan::Sample => self.create_sample(&catalog),
        }
    }

    pub(crate) fn list_action(&mut self, action: Action) -> Vec<Effect> {
        if self.list.filtering {
            return self.list_filter_action(action);
        }
        match action {
            Action::Command(Command::Up) => self.list.move_by(-1),
            Action::Command(Command::Down) => self.list.move_by(1),
            Action::Command(Command::Open) => {
                if let Some(id) = self
                    .list
                    .selected_summary()
                    .map(|s| s.inspection.id.clone())
                {
                    self.open_walkthrough(&id);
                }
            }
            Action::Command(Command::New) => {
                let remembered =
                    super::new_inspection::Remembered::load(self.options.config_dir.as_deref());
                let mut form = NewInspectionForm::new(&self.options.today, remembered);
                form.facilities = self.register_for_form();
                self.view = View::Form(Box::new(form));
                return self.scan_checklists(AfterScan::NewForm);
            }
            // Only on a first start at once; else a question, so a stray `s` (汇总 in
            // the walkthrough) makes no inspection.
            Action::Command(Command::Sample) if self.list.all.is_empty() => {
                return self.scan_checklists(AfterScan::Sample);
            }
            Action::Command(Command::Sample) => self
                .popups
                .push(Popup::confirm(Confirmation::CreateSample, &self.keymap)),
            Action::Command(Command::Delete) => {
                if let Some(s) = self.list.selected_summary() {
                    let what = Confirmation::DeleteInspection {
                        id: s.inspection.id.clone(),
                        name: s.inspection.institution.name.clone(),
                    };
                    self.popups.push(Popup::confirm(what, &self.keymap));
                }
            }
            Action::Command(Command::Export) => return self.export_selected(),
            Action::Command(Command::Merge) => self.open_merge_prompt(),
            Action::Command(Command::Compare) => self.list_compare(),
            Action::Command(Command::Filter) => self.list.filtering = true,
            Action::Command(Command::Quit) => return self.request_quit(),
            Action::Key(key) => self.list_key(key),
            Action::Paste(text) => {
                self.list.filtering = true;
                self.list.filter.insert(&text);
                self.list.selected = 0;
            }
            _ => {}
        }
        Vec::new()
    }

    /// Typing Chinese (from an input method) starts filtering at once.
    fn list_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Char(c) if !c.is_ascii() && !c.is_control() => {
                self.list.filtering = true;
                self.list.filter.handle_key(&key);
                self.list.selected = 0;
            }
            _ => self.unbound_key(key),
        }
    }

    fn list_filter_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Command(Command::Open) => self.list.filtering = false,
            Action::Command(Command::Cancel) => {
                self.list.filtering = false;
                self.list.filter.clear();
                self.list.selected = 0;
            }
            Action::Key(key) if key.code == KeyCode::Up => self.list.move_by(-1),
            Action::Key(key) if key.code == KeyCode::Down => self.list.move_by(1),
            Action::Key(key) if self.list.filter.handle_key(&key) => self.list.selected = 0,
            Action::Paste(text) => {
                self.list.filter.insert(&text);
                self.list.selected = 0;
            }
            _ => {}
        }
        Vec::new()
    }

    pub(crate) fn delete_inspection(&mut self, id: &str, name: &str) {
        match self.store.delete(id) {
            Ok(path) => {
                self.list.reload(&self.store);
                self.status = Some(Status::saved(format!("已删除「{name}」")));
                self.popups.push(Popup::message(
                    "已删除",
                    vec![
                        format!("「{name}」的检查已删除。删除前的完整备份保存在："),
                        path.display().to_string(),
                        String::new(),
                        format!("要恢复，运行：pingshen import {}", path.display()),
                    ],
                ));
            }
            Err(e) => self.status = Some(Status::error(format!("未删除：{e}"))),
        }
    }

    /// Exports the selected inspection into the output folder on the worker (the
    /// data dir's exports/ when that cannot be written), as `pingshen export` does
    /// without -o.
    fn export_selected(&mut self) -> Vec<Effect> {
        let Some(summary) = self.list.selected_summary() else {
            return Vec::new();
        };
        let id = summary.inspection.id.clone();
        let name = crate::output_dir::export_file_name(&summary.inspection, false);
        let export = match self.store.export(&id) {
            Ok(e) => e,
            Err(e) => {
                self.status = Some(Status::error(format!("无法导出：{e}")));
                return Vec::new();
            }
        };
        let dir = self.options.output_dir.clone();
        let fallback = self.store.dir().join("exports");
        let merge_key = self
            .keymap
            .first_key(crate::tui::action::Context::List, Command::Merge);
        self.status = Some(Status::info("正在导出…"));
        let job = Job::new(JobKind::Export, move || {
            let placed =
                crate::output_dir::place(dir.as_deref(), &fallback, &name, export.text.as_bytes())
                    .map_err(|e| format!("无法写入导出文件（{e}）；没有留下不完整的文件"))?;
            let file = placed
                .path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut notes = Vec::new();
            if let Some(why) = &placed.moved {
                notes.push(format!("{why}，所以改存在数据目录的 exports 文件夹。"));
            }
            notes.push(format!(
                "这是签名的导出文件（{} 条记录）：在另一台电脑上用 pingshen import 导入，或在检查列表中按 {merge_key} 合并。",
                export.entries
            ));
            let text = format!("已导出 {file}");
            Ok(Done::Written {
                title: "已导出",
                status: if placed.moved.is_some() {
                    Status::warning(text)
                } else {
                    Status::saved(text)
                },
                path: placed.path,
                place: if placed.moved.is_some() {
                    "数据目录的 exports 文件夹"
                } else {
                    "输出文件夹"
                },
                notes,
            })
        });
        self.start_job(job, "上一次导出还在进行，请稍候")
    }
}
