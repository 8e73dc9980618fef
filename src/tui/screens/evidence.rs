//! Evidence at hand in the walkthrough: `i` asks for a file or a folder (Tab
//! completes; a folder opens the picker, newest first), and copies what is chosen
//! into the store as evidence of the selected item; `o` lists the item's evidence,
//! opens one with the system's viewer on a worker, or removes one after asking.

use std::path::{Path, PathBuf};

use crate::store::{Edit, Evidence};
use crate::tui::action::Effect;
use crate::tui::app::{App, Status};
use crate::tui::jobs::{Done, Job, JobKind};
use crate::tui::popups::{EvidenceList, EvidencePicker, Popup, Prompt, PromptKind, folder_files};

impl App {
    /// `i`: the path prompt, starting in the folder used last (or the pictures
    /// folder, or the home folder).
    pub(crate) fn ask_attach(&mut self) {
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        if w.selected_item().is_none() {
            self.no_item_selected("附上佐证");
            return;
        }
        let start = self
            .evidence_folder
            .clone()
            .or_else(dirs::picture_dir)
            .or_else(|| etcetera::home_dir().ok())
            .map(|d| format!("{}/", d.display().to_string().trim_end_matches('/')))
            .unwrap_or_default();
        self.popups
            .push(Popup::Prompt(Prompt::new(PromptKind::Attach, &start)));
    }

    /// The prompt's answer: a file is attached at once, a folder opens the picker.
    pub(crate) fn attach_from(&mut self, text: &str) {
        let Some(item_id) = self
            .walk
            .as_ref()
            .and_then(|w| w.selected_item())
            .map(|(_, _, it)| it.id.clone())
        else {
            return;
        };
        let path = expand(text);
        if path.as_os_str().is_empty() {
            return;
        }
        if path.is_dir() {
            match folder_files(&path) {
                Ok((files, all)) => {
                    self.evidence_folder = Some(path.clone());
                    let picker = EvidencePicker::new(&item_id, path, files, all);
                    self.popups.push(Popup::EvidencePicker(Box::new(picker)));
                }
                Err(e) => {
                    self.status = Some(Status::error(format!(
                        "无法读取文件夹 {}（{e}），没有附上任何文件",
                        crate::text::for_terminal_line(&path.display().to_string())
                    )))
                }
            }
            return;
        }
        if let Some(parent) = path.parent().filter(|p| p.is_dir()) {
            self.evidence_folder = Some(parent.to_path_buf());
        }
        self.attach(&item_id, &[path]);
    }

    /// Copies `files` into the store as evidence of `item_id` and shows that item;
    /// says 已附上 once the record is on disk.
    pub(crate) fn attach(&mut self, item_id: &str, files: &[PathBuf]) {
        let Some(by) = self.actor() else {
            return;
        };
        let Some(w) = self.walk.as_mut() else {
            return;
        };
        match self.store.attach(&w.inspection.id, item_id, files, &by) {
            Ok(saved) => {
                let before = w.assessments.get(item_id).map_or(0, |a| a.evidence.len());
                let now = saved.assessment.evidence.len();
                for e in &saved.assessment.evidence {
                    w.missing.remove(&e.sha256);
                }
                w.apply_saved(saved.assessment);
                w.reveal(item_id);
                let added = now.saturating_sub(before);
                let text = if added == 0 {
                    format!("{item_id} 已有这些佐证（内容相同的文件只存一份），没有新增")
                } else {
                    format!("已附上 {added} 个佐证到 {item_id}（文件已复制到数据目录）")
                };
                self.status = Some(match saved.backup_warning {
                    Some(warn) => Status::warning(format!("{text}。{warn}")),
                    None if added == 0 => Status::info(text),
                    None => Status::saved(text),
                });
            }
            Err(e) => self.status = Some(self.store_error("未附上", &e)),
        }
    }

    /// `o`: the selected item's evidence, each marked when this laptop lacks the file.
    pub(crate) fn show_evidence(&mut self) {
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        let Some((_, _, item)) = w.selected_item() else {
            self.no_item_selected("查看佐证");
            return;
        };
        let evidence = w
            .assessments
            .get(&item.id)
            .map(|a| a.evidence.clone())
            .unwrap_or_default();
        if evidence.is_empty() {
            let key = self.keymap.first_key(
                crate::tui::action::Context::Walkthrough,
                crate::tui::action::Command::AttachEvidence,
            );
            self.status = Some(Status::info(format!(
                "{} 还没有佐证材料；按 {key} 附上照片或文件",
                item.id
            )));
            return;
        }
        let rows = evidence
            .into_iter()
            .map(|e| {
                let present = self.store.evidence_file(&e.sha256).is_some();
                (e, present)
            })
            .collect();
        self.popups.push(Popup::EvidenceList(EvidenceList {
            item_id: item.id.clone(),
            rows,
            selected: 0,
        }));
    }

    /// Opens the kept copy with the system's viewer, on a worker.
    pub(crate) fn open_evidence(&mut self, e: &Evidence) -> Vec<Effect> {
        let name = crate::text::for_terminal_line(e.name()).into_owned();
        let Some(path) = self.store.evidence_file(&e.sha256) else {
            self.status = Some(Status::warning(format!(
                "本机没有「{name}」这个文件（缺失，sha256 {}）：它随组员的导出文件传来后才能打开",
                &e.sha256[..8.min(e.sha256.len())]
            )));
            return Vec::new();
        };
        self.status = Some(Status::info(format!("正在打开「{name}」…")));
        let job = Job::new(
            JobKind::OpenFolder,
            move || match crate::output_dir::open_folder(&path) {
                Ok(()) => Ok(Done::Told(Status::info(format!(
                    "已用系统程序打开「{name}」"
                )))),
                Err(why) => Err(format!(
                    "无法用系统程序打开「{name}」（{why}）。文件在 {}。",
                    path.display()
                )),
            },
        );
        self.start_job(job, "正在打开文件，请稍候")
    }

    /// Records that `evidence` no longer belongs to `item_id` (the kept file stays).
    pub(crate) fn remove_evidence(&mut self, item_id: &str, evidence: &Evidence) {
        let Some(by) = self.actor() else {
            return;
        };
        let Some(w) = self.walk.as_mut() else {
            return;
        };
        match self.store.update(
            &w.inspection.id,
            item_id,
            &[Edit::RemoveEvidence(evidence.sha256.clone())],
            &by,
        ) {
            Ok(saved) => {
                w.apply_saved(saved.assessment);
                w.reveal(item_id);
                self.status = Some(Status::saved(format!(
                    "已从 {item_id} 去掉佐证「{}」（可以撤销）",
                    crate::text::for_terminal_line(evidence.name())
                )));
            }
            Err(e) => self.status = Some(self.store_error("未去掉", &e)),
        }
    }
}

/// A path as typed or dropped into the terminal: quotes taken off, `~/` the home
/// folder.
fn expand(text: &str) -> PathBuf {
    let t = text.trim().trim_matches(|c| c == '\'' || c == '"');
    match t.strip_prefix("~/") {
        Some(rest) => etcetera::home_dir().map_or_else(|_| PathBuf::from(t), |h| h.join(rest)),
        None => Path::new(t).to_path_buf(),
    }
}
