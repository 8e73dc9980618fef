//! Slow work off the UI thread: each job runs on its own thread and reports back
//! through a channel the loop drains between frames. Durable grade saves are fast and
//! stay inline; exports and PDF reports come here.

use std::fmt;
use std::sync::mpsc::{Receiver, Sender, channel};

use super::app::Status;

/// What a job tells the user: the status line (its kind says how), or why it failed.
pub type Outcome = Result<Status, String>;

/// Work to run: a name for messages and a closure returning what to tell the user.
pub struct Job {
    pub name: String,
    pub work: Box<dyn FnOnce() -> Outcome + Send + 'static>,
}

impl Job {
    pub fn new(name: impl Into<String>, work: impl FnOnce() -> Outcome + Send + 'static) -> Job {
        Job {
            name: name.into(),
            work: Box::new(work),
        }
    }
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job").field("name", &self.name).finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobResult {
    pub name: String,
    pub outcome: Outcome,
}

/// Starts jobs and collects their results.
pub struct Jobs {
    tx: Sender<JobResult>,
    rx: Receiver<JobResult>,
    running: usize,
}

impl Default for Jobs {
    fn default() -> Self {
        let (tx, rx) = channel();
        Jobs { tx, rx, running: 0 }
    }
}

impl Jobs {
    pub fn spawn(&mut self, job: Job) {
        let tx = self.tx.clone();
        self.running += 1;
        let name = job.name.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("pingshen job {name}"))
            .spawn(move || {
                let work = job.work;
                // A panicking job is reported like a failed one; the UI keeps going.
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
                    .unwrap_or_else(|_| Err("内部错误（后台任务意外中止）".to_string()));
                let _ = tx.send(JobResult {
                    name: job.name,
                    outcome,
                });
            });
        if let Err(e) = spawned {
            let _ = self.tx.send(JobResult {
                name,
                outcome: Err(format!("无法启动后台任务：{e}")),
            });
        }
    }

    pub fn running(&self) -> usize {
        self.running
    }

    /// Results that arrived since the last call.
    pub fn finished(&mut self) -> Vec<JobResult> {
        let done: Vec<JobResult> = self.rx.try_iter().collect();
        self.running = self.running.saturating_sub(done.len());
        done
    }

    /// Waits for the next result (tests and benchmarks).
    pub fn wait(&mut self, timeout: std::time::Duration) -> Option<JobResult> {
        let r = self.rx.recv_timeout(timeout).ok();
        if r.is_some() {
            self.running = self.running.saturating_sub(1);
        }
        r
    }
}
