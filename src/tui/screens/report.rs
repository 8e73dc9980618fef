//! The review report and the 整改通知书 from the walkthrough and the summary. The
//! record is read from the store at the key press (grades, journal and seal of that
//! moment, what the question about pending items said); the photos are decoded and
//! the PDF laid out and written on a worker, so the screen stays live. The status
//! line says when it started and where it went.
//!
//! Where: [`write_report`] decides, as for `pingshen report`: the output folder of
//! [`Options`](crate::tui::Options) ([`crate::output_dir::output_dir`]), a taken
//! name numbered, never replaced. A window then shows the full path, with a key
//! that opens the folder.

use std::path::Path;
use std::sync::Arc;

use crate::report::{
    self, FontChoice, Report, ReportInput, ReportOptions, Wanted, Written, describe_char,
    write_report,
};
use crate::store::Finality;
use crate::tui::action::Effect;
use crate::tui::app::{App, Status};
use crate::tui::jobs::{Done, Job, JobKind};
use crate::tui::popups::{Confirmation, Popup};

impl App {
    /// Starts building the open inspection's report on a worker; with items still
    /// pending, asks first (the report will be a draft: the domain's
    /// [`Finality::question`]).
    pub(crate) fn start_report(&mut self) -> Vec<Effect> {
        self.report(false)
    }

    /// Starts the report once the question about pending items was answered yes.
    pub(crate) fn start_report_confirmed(&mut self) -> Vec<Effect> {
        self.report(true)
    }

    /// `N`: the 整改通知书 of the open inspection, built on a worker like the report
    /// (a draft says so in the PDF and on the status line; it does not ask).
    pub(crate) fn start_notice(&mut self) -> Vec<Effect> {
        let Some(w) = self.walk.as_ref() else {
            return Vec::new();
        };
        const BUSY: &str = "整改通知书正在生成，完成后这里会显示文件位置…";
        if self.is_running(JobKind::Notice) {
            self.status = Some(Status::info(BUSY));
            return Vec::new();
        }
        if w.graded == 0 {
            self.status = Some(Status::warning(
                "还没有任何条款评分，无法生成整改通知书：先评分、写整改意见，再生成",
            ));
            return Vec::new();
        }
        let file = w.inspection.actions_file_name();
        let mut input = match ReportInput::read(&self.store, &w.inspection.id) {
            Ok(input) => input,
            Err(e) => {
                self.status = Some(Status::error(format!("无法生成整改通知书：{e}")));
                return Vec::new();
            }
        };
        let store = Arc::clone(&self.store);
        let wanted = Wanted::Directory(self.options.output_dir.clone());
        let data_dir = self.store.dir().to_path_buf();
        let options = fonts_options();
        self.status = Some(Status::info("正在生成整改通知书…（可以继续评审）"));
        let job = Job::new(JobKind::Notice, move || {
            input.decode_photos(&store);
            let notice = report::render_actions(&input, &options).map_err(|e| e.to_string())?;
            let written =
                write_report(&notice.pdf, &file, &wanted, &data_dir).map_err(|e| e.to_string())?;
            Ok(done(&notice, &written, "整改通知书"))
        });
        self.start_job(job, BUSY)
    }

    fn report(&mut self, confirmed: bool) -> Vec<Effect> {
        let Some(w) = self.walk.as_ref() else {
            return Vec::new();
        };
        const BUSY: &str = "评审报告正在生成，完成后这里会显示文件位置…";
        if self.is_running(JobKind::Report) {
            self.status = Some(Status::info(BUSY));
            return Vec::new();
        }
        if w.graded == 0 {
            self.status = Some(Status::warning(
                "还没有任何条款评分，无法生成评审报告：先评分，再生成报告",
            ));
            return Vec::new();
        }
        if !confirmed
            && let Some(question) =
                Finality::of(&w.inspection, w.total.saturating_sub(w.graded)).question()
        {
            self.popups.push(Popup::confirm(
                Confirmation::DraftReport { question },
                &self.keymap,
            ));
            return Vec::new();
        }
        let file = w.inspection.report_file_name();
        let mut input = match ReportInput::read(&self.store, &w.inspection.id) {
            Ok(input) => input,
            Err(e) => {
                self.status = Some(Status::error(format!("无法生成评审报告：{e}")));
                return Vec::new();
            }
        };
        let store = Arc::clone(&self.store);
        let wanted = Wanted::Directory(self.options.output_dir.clone());
        let data_dir = self.store.dir().to_path_buf();
        let options = fonts_options();
        self.status = Some(Status::info("正在生成评审报告…（可以继续评审）"));
        let job = Job::new(JobKind::Report, move || {
            input.decode_photos(&store);
            build(&input, &options, &file, &wanted, &data_dir)
        });
        self.start_job(job, BUSY)
    }
}

/// The bundled fonts, then the system's.
fn fonts_options() -> ReportOptions {
    ReportOptions {
        fonts: FontChoice {
            extra: None,
            system: true,
        },
        generated_at: None,
    }
}

/// Lays out and writes the report where [`write_report`] decides.
fn build(
    input: &ReportInput,
    options: &ReportOptions,
    file: &str,
    wanted: &Wanted,
    data_dir: &Path,
) -> Result<Done, String> {
    let report = report::render(input, options).map_err(|e| e.to_string())?;
    let written = write_report(&report.pdf, file, wanted, data_dir).map_err(|e| e.to_string())?;
    Ok(done(&report, &written, "评审报告"))
}

/// What to tell the user: the file on the status line; in the window, the full path,
/// why it is not in the output folder if it is not, and characters drawn as □ (a
/// warning).
fn done(report: &Report, target: &Written, what: &str) -> Done {
    let path = std::path::absolute(&target.path).unwrap_or_else(|_| target.path.clone());
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let draft = if report.draft.is_some() {
        "（草稿）"
    } else {
        ""
    };
    let text = format!("已生成{what}{draft} {file}（{} 页）", report.pages);
    let mut notes = Vec::new();
    let mut warn = false;
    if let Some(note) = &report.draft {
        notes.push(note.clone());
    }
    if let Some(why) = &target.moved {
        notes.push(format!("{why}，所以改存在{}。", target.place));
        warn = true;
    }
    if !report.missing.is_empty() {
        let chars: Vec<String> = report.missing.iter().map(|c| describe_char(*c)).collect();
        notes.push(format!(
            "注意：没有字体含有这些字符，PDF 中以「□」代替：{}。可在命令行用 pingshen report --font 指定含这些字符的字体文件。",
            chars.join("、")
        ));
        warn = true;
    }
    for font in &report.fallbacks {
        notes.push(format!("部分字符使用了备用字体 {font}。"));
    }
    if !report.faux_bold.is_empty() {
        let chars: Vec<String> = report.faux_bold.iter().map(|c| describe_char(*c)).collect();
        notes.push(format!(
            "内置粗体字体没有{}，这些字符在粗体文字中以常规字形加描边（仿粗体）绘制。",
            chars.join("、")
        ));
    }
    Done::Written {
        title: "已生成评审报告",
        status: if warn {
            Status::warning(text)
        } else {
            Status::saved(text)
        },
        path,
        place: target.place,
        notes,
    }
}
