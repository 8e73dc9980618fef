//! Files written for the user — review reports and exports — go to the output folder
//! ([`crate::output_dir`]); a window shows the full path, and a key there opens the
//! folder with the system's file manager, on a worker (opening may take a while, or
//! hang on a broken desktop: the screen never waits for it).

use std::path::{Path, PathBuf};

use crate::tui::action::{Command, Context, Effect};
use crate::tui::app::{App, Status};
use crate::tui::jobs::{Done, Job, JobKind};
use crate::tui::popups::{MessageLine, MessageView, Popup};

impl App {
    /// A file was written: the status line names it; a window (unless another one
    /// has the keys, a note being typed) gives the full path and the folder's key.
    pub(crate) fn written(
        &mut self,
        title: &str,
        status: Status,
        path: &Path,
        place: &str,
        notes: Vec<String>,
    ) {
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
        self.status = Some(status.clone());
        if !self.popups.is_empty() {
            return;
        }
        let mut lines: Vec<MessageLine> = vec![
            MessageLine::Heading("文件".into()),
            path.display().to_string().into(),
            MessageLine::Heading(format!("在{place}")),
            folder.display().to_string().into(),
        ];
        if !notes.is_empty() {
            lines.push("".into());
            lines.extend(notes.into_iter().map(MessageLine::Text));
        }
        lines.push("".into());
        lines.push(
            format!(
                "按 {} 用系统的文件管理器打开这个文件夹。文件不会覆盖已有的同名文件：同名时文件名后加序号，如「(2)」。",
                self.keymap.first_key(Context::Viewer, Command::OpenFolder)
            )
            .into(),
        );
        let view = MessageView::new(title, lines).with_folder(folder);
        self.popups.push(Popup::Message(view));
        self.status_told();
    }

    /// Opens `dir` with the system's opener on a worker; a failure is said in words.
    pub(crate) fn open_folder(&mut self, dir: PathBuf) -> Vec<Effect> {
        self.status = Some(Status::info(format!("正在打开文件夹 {}…", dir.display())));
        let job = Job::new(
            JobKind::OpenFolder,
            move || match crate::output_dir::open_folder(&dir) {
                Ok(()) => Ok(Done::Told(Status::info(format!(
                    "已用系统的文件管理器打开 {}",
                    dir.display()
                )))),
                Err(why) => Err(open_failed(&dir, &why)),
            },
        );
        self.start_job(job, "正在打开文件夹，请稍候")
    }
}

/// Why a folder did not open, and what to do instead.
pub fn open_failed(dir: &Path, why: &str) -> String {
    format!(
        "无法用系统的文件管理器打开文件夹 {}（{why}）。请在文件管理器中自己打开这个文件夹；在 Linux 上，打开文件夹要用 xdg-open（xdg-utils 软件包）。",
        dir.display()
    )
}
