//! Slow work off the UI thread: each job runs on its own thread and reports back
//! through a channel the loop drains between frames. Durable grade saves are fast and
//! stay inline; exports, PDF reports and merges (reading the files and writing them in)
//! come here.
//!
//! Reading the checklist directory (for the new-inspection form and the sample) runs
//! here too, so a slow or huge user directory does not stop the screen.
//!
//! A job has a typed kind (as gitui's asyncgit does). The app keeps one job of each
//! kind in flight: a second report while one builds is refused (it would be the same
//! report), a second merge waits and the latest request wins.

use std::fmt;
use std::sync::mpsc::{Receiver, Sender, channel};

use super::app::Status;
use crate::checklist::Catalog;
use crate::store::MergeReport;

/// What a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobKind {
    Report,
    /// The 整改通知书.
    Notice,
    Export,
    Merge,
    /// Reading the shipped and the user's checklists (the user dir may be slow or big).
    ScanChecklists,
    /// Opening a folder with the system's file manager (`xdg-open`, `open`, `start`).
    OpenFolder,
}

impl JobKind {
    /// The job in messages: 「{label}失败」.
    pub fn label(self) -> &'static str {
        match self {
            JobKind::Report => "生成评审报告",
            JobKind::Notice => "生成整改通知书",
            JobKind::Export => "导出",
            JobKind::Merge => "合并",
            JobKind::ScanChecklists => "读取清单",
            JobKind::OpenFolder => "打开文件夹",
        }
    }

    /// Whether a request made while one runs waits and replaces any earlier waiting
    /// one (else it is refused).
    pub fn latest_wins(self) -> bool {
        matches!(self, JobKind::Merge)
    }
}

/// What a finished job hands back.
#[derive(Debug)]
pub enum Done {
    /// Something to tell the user; the status kind says how.
    Told(Status),
    /// Files merged into the store.
    Merged { report: MergeReport, files: usize },
    /// The files are signed with keys this laptop has not trusted yet: nothing merged.
    Untrusted {
        paths: Vec<std::path::PathBuf>,
        keys: Vec<crate::store::Untrusted>,
    },
    /// A file written for the user (a report, an export): the status to show, the
    /// file, where it is in words, and what else to say (shown in a window with the
    /// full path and a key that opens the folder).
    Written {
        /// The window's title: 「已生成评审报告」「已导出」.
        title: &'static str,
        status: Status,
        path: std::path::PathBuf,
        place: &'static str,
        notes: Vec<String>,
    },
    /// The checklists found, for what asked for them.
    Scanned { catalog: Catalog, then: AfterScan },
}

/// What a checklist scan was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterScan {
    /// The new-inspection form.
    NewForm,
    /// The sample inspection.
    Sample,
}

/// A job's result, or why it failed (a sentence for the user).
pub type Outcome = Result<Done, String>;

/// Work to run: its kind and a closure returning the outcome.
pub struct Job {
    pub kind: JobKind,
    pub work: Box<dyn FnOnce() -> Outcome + Send + 'static>,
}

impl Job {
    pub fn new(kind: JobKind, work: impl FnOnce() -> Outcome + Send + 'static) -> Job {
        Job {
            kind,
            work: Box::new(work),
        }
    }
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job").field("kind", &self.kind).finish()
    }
}

#[derive(Debug)]
pub struct JobResult {
    pub kind: JobKind,
    pub outcome: Outcome,
}

/// Runs jobs on threads and collects their results. What is running is the app's
/// to know ([`App::jobs_running`](super::App::jobs_running)); this only carries.
pub struct Jobs {
    tx: Sender<JobResult>,
    rx: Receiver<JobResult>,
}

impl Default for Jobs {
    fn default() -> Self {
        let (tx, rx) = channel();
        Jobs { tx, rx }
    }
}

impl Jobs {
    pub fn spawn(&mut self, job: Job) {
        let tx = self.tx.clone();
        let kind = job.kind;
        let spawned = std::thread::Builder::new()
            .name(format!("pingshen job {}", kind.label()))
            .spawn(move || {
                let work = job.work;
                // A panicking job is reported like a failed one; the UI keeps going.
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
                    .unwrap_or_else(|_| Err("内部错误（后台任务意外中止）".to_string()));
                let _ = tx.send(JobResult { kind, outcome });
            });
        if let Err(e) = spawned {
            let _ = self.tx.send(JobResult {
                kind,
                outcome: Err(format!("无法启动后台任务：{e}")),
            });
        }
    }

    /// Results that arrived since the last call.
    pub fn finished(&mut self) -> Vec<JobResult> {
        self.rx.try_iter().collect()
    }

    /// Waits for the next result (tests and benchmarks).
    pub fn wait(&mut self, timeout: std::time::Duration) -> Option<JobResult> {
        self.rx.recv_timeout(timeout).ok()
    }
}
