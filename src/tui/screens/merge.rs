//! Merging the team's exports, from the inspection list: paths typed (or dragged in)
//! at a prompt; the files are read, checked and merged on a worker (`Store::merge`
//! appends the new entries to the journal and syncs it), then the result in a window —
//! what was added and updated, and which items now wait for the lead to settle; keys
//! seen for the first time are asked about first.

use std::path::PathBuf;
use std::sync::Arc;

use crate::identity::keys::TrustStore;
use crate::store::{MergeReport, StoreError, Untrusted, read_bundle};
use crate::tui::action::{Command, Context, Effect};
use crate::tui::app::{App, Status};
use crate::tui::jobs::{Done, Job, JobKind};
use crate::tui::popups::{Confirmation, Popup, Prompt, PromptKind};

impl App {
    pub(crate) fn open_merge_prompt(&mut self) {
        self.popups
            .push(Popup::Prompt(Prompt::new(PromptKind::Merge, "")));
    }

    /// Reads the export files named in `text` and merges them into the store, on a
    /// worker: a large file or a slow disk does not stop the screen.
    pub(crate) fn merge_files(&mut self, text: &str) -> Vec<Effect> {
        // Relative paths are read from the current directory; messages name it.
        let paths: Vec<PathBuf> = split_paths(text)
            .into_iter()
            .map(|p| std::path::absolute(&p).unwrap_or(p))
            .collect();
        if paths.is_empty() {
            self.status = Some(Status::info("没有输入文件，未合并"));
            return Vec::new();
        }
        self.merge_paths(paths)
    }

    /// Merges the bundles at `paths` on a worker, trusting what the trust store does.
    pub(crate) fn merge_paths(&mut self, paths: Vec<PathBuf>) -> Vec<Effect> {
        let store = Arc::clone(&self.store);
        let config = self.options.config_dir.clone();
        let job = Job::new(JobKind::Merge, move || {
            let mut bundles = Vec::new();
            for path in &paths {
                let b = read_bundle(path).map_err(|e| e.to_string())?;
                bundles.push((path.display().to_string(), b));
            }
            let trust = match &config {
                Some(dir) => TrustStore::load(dir).map_err(|e| e.to_string())?,
                None => TrustStore::empty(),
            };
            match store.merge(&bundles, &trust) {
                Ok(report) => Ok(Done::Merged {
                    report,
                    files: paths.len(),
                }),
                Err(StoreError::Untrusted { keys }) if keys.iter().all(|k| !k.revoked) => {
                    Ok(Done::Untrusted { paths, keys })
                }
                Err(e) => Err(e.to_string()),
            }
        });
        self.status = Some(Status::info("正在读取并合并文件…"));
        self.start_job(job, "上一次合并还在进行")
    }

    /// What a finished merge tells: the result in a window, the list on the inspection.
    pub(crate) fn merged(&mut self, report: &MergeReport, files: usize) {
        self.list.reload(&self.store);
        self.list.select_id(&report.inspection_id);
        let mut lines = vec![format!(
            "检查：{}（编号 {}），合并了 {} 个文件。",
            report.institution, report.inspection_id, files
        )];
        lines.push(if report.changed {
            format!(
                "新增 {} 条评分，更新 {} 条，已保存。",
                report.added.len(),
                report.updated.len()
            )
        } else {
            "文件中没有新内容，未改动。".to_string()
        });
        lines.push(String::new());
        if report.conflicts.is_empty() {
            lines.push("没有冲突。".to_string());
        } else {
            let ids = report.conflicted_items();
            lines.push(format!(
                "{} 个条款的评分不一致，需要组长裁定：{}",
                ids.len(),
                ids.join("、")
            ));
            lines.push(format!(
                "裁定前这些条款显示最新的版本。关闭本窗口后按 {} 打开这次检查，再按 {} 逐条查看各版本，按 1、2… 取其中一个。",
                self.keymap.first_key(Context::List, Command::Open),
                self.keymap
                    .first_key(Context::Walkthrough, Command::Conflicts)
            ));
        }
        let summary = format!(
            "合并：新增 {} 条，更新 {} 条，冲突 {} 条",
            report.added.len(),
            report.updated.len(),
            report.conflicted_items().len()
        );
        self.status = Some(if report.changed {
            Status::saved(format!("已保存{summary}"))
        } else {
            Status::info(format!("未改动（{summary}）"))
        });
        let title = if report.conflicts.is_empty() {
            "合并完成"
        } else {
            "合并完成：有冲突待裁定"
        };
        self.popups.push(Popup::message(title, lines));
    }

    /// Shows keys never seen before with their fingerprints and asks whether to trust
    /// them; on yes they are remembered and the merge runs again.
    pub(crate) fn ask_trust(&mut self, paths: Vec<PathBuf>, keys: Vec<Untrusted>) {
        self.status = Some(Status::warning("文件的签名密钥是第一次见到，尚未合并"));
        self.popups.push(Popup::confirm(
            Confirmation::TrustKeys { paths, keys },
            &self.keymap,
        ));
    }

    /// The keys the user accepted: remembered in the config dir, then the merge again.
    pub(crate) fn trust_and_merge(
        &mut self,
        paths: Vec<PathBuf>,
        keys: Vec<Untrusted>,
    ) -> Vec<Effect> {
        let Some(dir) = self.options.config_dir.clone() else {
            self.merge_failed("没有配置目录，无法记住信任的密钥".to_string());
            return Vec::new();
        };
        let saved = TrustStore::load(&dir).and_then(|mut t| {
            for k in &keys {
                t.trust(&k.name, k.key);
            }
            t.save()
        });
        if let Err(e) = saved {
            self.merge_failed(e.to_string());
            return Vec::new();
        }
        self.merge_paths(paths)
    }

    /// A merge that failed: nothing was changed, and the window says so.
    pub(crate) fn merge_failed(&mut self, why: String) {
        self.status = Some(Status::error(format!("未合并：{why}")));
        self.popups.push(Popup::message(
            "未合并",
            vec![why, String::new(), "没有改动任何数据。".to_string()],
        ));
    }
}

/// Paths as typed or dragged into a terminal: separated by spaces; "…" and '…' keep
/// spaces, as does a backslash before a space (macOS); `~/` is the home directory.
/// Other backslashes stay (Windows paths).
pub fn split_paths(text: &str) -> Vec<PathBuf> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut started = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, '\\') if chars.peek().is_some_and(|n| *n == ' ') => {
                word.push(' ');
                chars.next();
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            (None, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
        .into_iter()
        .filter(|w| !w.is_empty())
        .map(|w| match w.strip_prefix("~/") {
            Some(rest) => etcetera::home_dir().map_or_else(|_| PathBuf::from(&w), |h| h.join(rest)),
            None => PathBuf::from(w),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_on_spaces_and_keep_quoted_ones_whole() {
        let got =
            split_paths(" a.json  '/tmp/my files/b.json' \"c d.json\" e\\ f.json C:\\x\\g.json ");
        let want: Vec<PathBuf> = [
            "a.json",
            "/tmp/my files/b.json",
            "c d.json",
            "e f.json",
            "C:\\x\\g.json",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(got, want);
        assert!(split_paths("   ").is_empty());
        assert!(split_paths("''").is_empty());
    }
}
