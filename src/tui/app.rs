//! The one state of the TUI and its `update`: keys become commands through the
//! keymap, commands change the state and return effects for the loop.
//!
//! `update` uses the store inline (a grade is reported saved only after the durable
//! write returned) and may read a small file (a checklist after `$EDITOR`); anything
//! slow goes to a job. Views never do I/O.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind};

use super::action::{Action, Command, Context, Effect};
use super::jobs::{Done, Job, JobKind, JobResult};
use super::keymap::{KeyCombo, Keymap};
use super::popups::{Confirmation, Followup, MessageLine, Popup};
use super::screens::{
    CompareScreen, ConflictsScreen, InspectionList, NewInspectionForm, SummaryScreen, Walkthrough,
};
use crate::store::{Progress, Store};

/// What the app needs besides the store.
#[derive(Debug, Clone)]
pub struct Options {
    /// The user checklist dir (searched with the shipped checklists; edited checklists live here).
    pub checklist_dir: Option<PathBuf>,
    /// The user keymap file, shown in the help.
    pub keymap_file: Option<PathBuf>,
    /// Today as YYYY-MM-DD, the default review date (fixed in tests).
    pub today: String,
    /// Where reports and exports are written ([`crate::output_dir::output_dir`], the
    /// rule `pingshen report` and `export` follow); `None`: no folder could be
    /// determined, so the data dir's `reports/` (and the message says why).
    pub output_dir: Option<PathBuf>,
    /// Move to the next pending item after each grade (the user's settings; a key
    /// switches it for the run).
    pub auto_advance: bool,
    /// Why the user's settings file could not be read, shown at start.
    pub settings_problem: Option<String>,
    /// `PINGSHEN_INSPECTOR`: who is acting, when set (a scripted run asks nothing).
    pub inspector: Option<String>,
    /// The config dir, where the keys of other laptops trusted are kept; `None`:
    /// nothing is trusted beyond this laptop's own key.
    pub config_dir: Option<PathBuf>,
}

impl Options {
    pub fn today() -> String {
        chrono::Local::now().format("%Y-%m-%d").to_string()
    }
}

/// What the screen shows, with the state only that screen has. The open inspection
/// ([`App::walk`]) is apart: the summary, the conflicts and a comparison are shown
/// over it and return to it. [`Screen`] names a view without its state.
#[derive(strum::EnumDiscriminants)]
#[strum_discriminants(name(Screen))]
pub enum View {
    List,
    Form(Box<NewInspectionForm>),
    Walkthrough,
    Summary(Box<SummaryScreen>),
    /// The versions of conflicting items side by side, to settle (over the walkthrough).
    Conflicts(Box<ConflictsScreen>),
    /// The comparison with the facility's earlier review.
    Compare(Box<CompareScreen>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    /// Shown only after a durable write returned.
    Saved,
    Warning,
    Error,
}

/// The message line at the bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub kind: StatusKind,
    /// Which message this is: the same words said again are another message (a
    /// refusal repeated opens its window again); a clone is the same one.
    said: u64,
}

impl Status {
    pub fn new(kind: StatusKind, text: impl Into<String>) -> Status {
        static SAID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Status {
            text: text.into(),
            kind,
            said: SAID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }
    pub fn info(text: impl Into<String>) -> Status {
        Status::new(StatusKind::Info, text)
    }
    pub fn saved(text: impl Into<String>) -> Status {
        Status::new(StatusKind::Saved, text)
    }
    pub fn warning(text: impl Into<String>) -> Status {
        Status::new(StatusKind::Warning, text)
    }
    pub fn error(text: impl Into<String>) -> Status {
        Status::new(StatusKind::Error, text)
    }
}

pub struct App {
    pub store: Arc<Store>,
    pub options: Options,
    pub keymap: Keymap,
    pub view: View,
    pub list: InspectionList,
    /// The open inspection, if any.
    pub walk: Option<Walkthrough>,
    /// The inspection picked in the list as the earlier review to compare with.
    pub compare_mark: Option<String>,
    /// Open popups, the top one last; only the top one gets keys.
    pub popups: Vec<Popup>,
    pub status: Option<Status>,
    /// Jobs started and not yet reported back, one per kind.
    running: BTreeSet<JobKind>,
    /// A job asked for while one of its kind runs, started when that one reports.
    waiting: BTreeMap<JobKind, Job>,
    /// Set by the event loop when it carries out [`Effect::Quit`]; nothing else sets it.
    pub quit: bool,
    /// Who said they are acting, by inspection id (asked once each).
    pub acting: BTreeMap<String, String>,
    /// The question «你是哪位评审专家？» when it is open.
    pub asking: Option<super::screens::Asking>,
    /// The terminal's size as the event loop last reported it (before each draw and
    /// on every resize); `None` until it does (tests on a TestBackend).
    pub terminal_size: Option<(u16, u16)>,
    /// The last key the too-small screen swallowed, as shown there ("刚才按的 a
    /// 没有起作用"); cleared by a resize.
    pub swallowed: Option<String>,
    /// After a grade, move to the next pending item.
    pub auto_advance: bool,
    /// The folder evidence was last attached from, offered first next time.
    pub evidence_folder: Option<std::path::PathBuf>,
    /// The status as last checked against the status line's width: a message too
    /// long for the line opens a window ([`App::status_fits`]).
    status_checked: Option<Status>,
    /// The user's own 常用评语 (`phrases.toml` in the config dir), read at start;
    /// empty when the file has a problem, which is shown then and in the menu.
    pub phrases: crate::checklist::UserPhrases,
    pub phrases_problem: bool,
}

impl App {
    /// The app on its first screen. `keymap_problems` (from the user's keymap file)
    /// are shown at once.
    pub fn new(
        store: Arc<Store>,
        options: Options,
        keymap: Keymap,
        keymap_problems: Vec<String>,
    ) -> App {
        let list = InspectionList::load(&store);
        let options_config = options.config_dir.clone();
        let auto_advance = options.auto_advance;
        let (phrases, phrases_problems) =
            crate::checklist::UserPhrases::load(options_config.as_deref());
        let mut app = App {
            store,
            options,
            keymap,
            view: View::List,
            list,
            walk: None,
            compare_mark: None,
            popups: Vec::new(),
            status: None,
            running: BTreeSet::new(),
            waiting: BTreeMap::new(),
            quit: false,
            acting: super::screens::load_acting(options_config.as_deref()),
            asking: None,
            terminal_size: None,
            swallowed: None,
            auto_advance,
            evidence_folder: None,
            status_checked: None,
            phrases,
            phrases_problem: !phrases_problems.is_empty(),
        };
        if let Some(warning) = app.store.take_warning() {
            app.status = Some(Status::warning(warning));
        }
        if let Some(problem) = app.options.settings_problem.clone() {
            app.status = Some(Status::warning(problem));
        }
        if !keymap_problems.is_empty() {
            let mut lines: Vec<MessageLine> = vec![
                "键位文件有错误，出错的行未生效，其余键位照常使用：".into(),
                "".into(),
            ];
            for p in &keymap_problems {
                lines.extend(MessageLine::diagnostic(p));
                lines.push("".into());
            }
            app.popups.push(Popup::message_lines("键位文件有误", lines));
        }
        if !phrases_problems.is_empty() {
            let mut lines: Vec<MessageLine> = vec![
                "常用评语文件有错误，其中的评语这次都没有用上（清单中的常用评语照常可用）；改正后重新启动：".into(),
                "".into(),
            ];
            for p in &phrases_problems {
                lines.extend(MessageLine::diagnostic(p));
                lines.push("".into());
            }
            app.popups
                .push(Popup::message_lines("常用评语文件有误", lines));
        }
        app.tell_healed();
        app
    }

    /// Says which inspections the store rebuilt from their journals since last asked.
    pub(crate) fn tell_healed(&mut self) {
        let healed = self.store.take_healed();
        if healed.is_empty() {
            return;
        }
        let ids: Vec<String> = healed.iter().map(|h| h.inspection.clone()).collect();
        self.status = Some(Status::warning(format!(
            "注意：{} 个检查的数据库记录与日志不一致，已从日志重建（{}），没有丢失已保存的修改",
            ids.len(),
            ids.join("、")
        )));
    }

    /// Which screen is shown.
    pub fn screen(&self) -> Screen {
        Screen::from(&self.view)
    }

    pub fn form(&self) -> Option<&NewInspectionForm> {
        match &self.view {
            View::Form(f) => Some(f),
            _ => None,
        }
    }

    pub fn form_mut(&mut self) -> Option<&mut NewInspectionForm> {
        match &mut self.view {
            View::Form(f) => Some(f),
            _ => None,
        }
    }

    pub fn summary(&self) -> Option<&SummaryScreen> {
        match &self.view {
            View::Summary(s) => Some(s),
            _ => None,
        }
    }

    pub fn conflicts(&self) -> Option<&ConflictsScreen> {
        match &self.view {
            View::Conflicts(c) => Some(c),
            _ => None,
        }
    }

    pub fn compare(&self) -> Option<&CompareScreen> {
        match &self.view {
            View::Compare(c) => Some(c),
            _ => None,
        }
    }

    /// Whether `command` does something now, in the current context: what the
    /// status bar names and what help marks. The one place that knows, for example,
    /// that 重新打开 applies only to a completed inspection.
    pub fn applies(&self, command: Command) -> bool {
        let walk = self.walk.as_ref();
        let completed = walk.is_some_and(|w| w.inspection.status == Progress::Completed);
        match (self.context(), command) {
            (Context::List, Command::Sample) => self.list.all.is_empty(),
            (Context::Walkthrough, Command::Conflicts) => {
                walk.is_some_and(|w| !w.conflicts.is_empty())
            }
            (Context::Walkthrough | Context::Summary, Command::Compare) => {
                walk.is_some_and(|w| w.inspection.previous.is_some())
            }
            (Context::Walkthrough | Context::Summary, Command::Complete) => {
                walk.is_some() && !completed
            }
            (Context::Walkthrough | Context::Summary, Command::Reopen) => completed,
            (Context::Summary, Command::EditOpinion) => walk.is_some() && !completed,
            _ => true,
        }
    }

    /// The commands the status bar names here, now: the context's hints that apply.
    pub fn hints_now(&self) -> Vec<Command> {
        let context = self.context();
        context
            .hints()
            .iter()
            .copied()
            .filter(|c| self.applies(*c))
            .collect()
    }

    /// Where keys go now.
    pub fn context(&self) -> Context {
        if let Some(p) = self.popups.last() {
            return p.context();
        }
        match self.screen() {
            Screen::List if self.list.filtering => Context::Prompt,
            Screen::List => Context::List,
            Screen::Form => Context::Form,
            Screen::Walkthrough => Context::Walkthrough,
            Screen::Summary => Context::Summary,
            Screen::Conflicts => Context::Conflicts,
            Screen::Compare => Context::Compare,
        }
    }

    /// Whether the terminal is below the size the layout needs: then the screen
    /// says so and shows nothing else ([`crate::tui::views::MIN_WIDTH`]).
    pub fn too_small(&self) -> bool {
        use super::views::{MIN_HEIGHT, MIN_WIDTH};
        self.terminal_size
            .is_some_and(|(w, h)| w < MIN_WIDTH || h < MIN_HEIGHT)
    }

    /// Turns a terminal event into actions and runs them. While the terminal is too
    /// small nothing can be seen, so every key is swallowed except the global quit
    /// key (Ctrl-C): no key acts on a screen the inspector cannot see.
    pub fn handle_event(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Resize(w, h) => {
                self.terminal_size = Some((w, h));
                self.swallowed = None;
                Vec::new()
            }
            Event::Key(key) if key.kind == KeyEventKind::Press && self.too_small() => {
                let combo = KeyCombo::from_event(&key);
                match self.keymap.command(Context::Global, combo) {
                    Some(Command::Quit) => self.request_quit(),
                    _ => {
                        self.swallowed = Some(combo.to_string());
                        Vec::new()
                    }
                }
            }
            Event::Key(key) if key.kind == KeyEventKind::Press => {
                let action = self.action_for_key(key);
                self.update(action)
            }
            Event::Paste(_) if self.too_small() => Vec::new(),
            Event::Paste(text) => self.update(Action::Paste(text)),
            _ => Vec::new(), // releases, repeats, focus, mouse
        }
    }

    /// The keymap's command for a key here, or the key itself for text input.
    pub fn action_for_key(&self, key: KeyEvent) -> Action {
        let context = self.context();
        let combo = KeyCombo::from_event(&key);
        if let Some(command) = self.keymap.command(context, combo) {
            return Action::Command(command);
        }
        let typing = context.types_text() && combo.is_text();
        if !typing && let Some(command) = self.keymap.command(Context::Global, combo) {
            return Action::Command(command);
        }
        Action::Key(key)
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let effects = self.run_action(action);
        self.status_fits();
        effects
    }

    /// A message too long for the status line is shown whole in a window (closed
    /// with Esc or Enter; other keys wait), so no message is ever cut. While another
    /// window has the keys (a note being typed) it waits until that one closes.
    /// Needs the terminal's size; on a TestBackend that never reported one, nothing.
    fn status_fits(&mut self) {
        if self.status == self.status_checked {
            return;
        }
        let Some((width, _)) = self.terminal_size else {
            return;
        };
        let Some(status) = self.status.clone() else {
            self.status_checked = None;
            return;
        };
        let room = super::views::status_room(self, width);
        if !status.text.contains('\n') && crate::text::cells(&status.text) <= room {
            self.status_checked = Some(status);
            return;
        }
        if !self.popups.is_empty() {
            return;
        }
        let title = match status.kind {
            StatusKind::Error => "出错了",
            StatusKind::Warning => "请注意",
            StatusKind::Saved | StatusKind::Info => "消息",
        };
        let lines = status.text.split('\n').map(str::to_string).collect();
        self.popups.push(Popup::message(title, lines));
        self.status_checked = Some(status);
    }

    /// The status is shown whole in the window just opened: no second window for it.
    pub(crate) fn status_told(&mut self) {
        self.status_checked = self.status.clone();
    }

    fn run_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::JobDone(result) => self.job_done(result),
            Action::ChecklistEdited { path, editor_error } => {
                self.checklist_edited(&path, editor_error);
                Vec::new()
            }
            Action::Command(Command::Quit) => self.request_quit(),
            Action::Command(Command::Help)
                if !matches!(self.popups.last(), Some(Popup::Help(_))) =>
            {
                let help = Popup::help(&self.keymap, self.context(), &self.options);
                self.popups.push(help);
                Vec::new()
            }
            action => match self.popups.pop() {
                Some(popup) => self.update_popup(popup, action),
                None => self.update_screen(action),
            },
        }
    }

    fn update_screen(&mut self, action: Action) -> Vec<Effect> {
        match self.screen() {
            Screen::List => self.list_action(action),
            Screen::Form => self.form_action(action),
            Screen::Walkthrough => self.walkthrough_action(action),
            Screen::Summary => self.summary_action(action),
            Screen::Conflicts => self.conflicts_action(action),
            Screen::Compare => self.compare_action(action),
        }
    }

    /// How many jobs are running.
    pub fn jobs_running(&self) -> usize {
        self.running.len()
    }

    pub fn is_running(&self, kind: JobKind) -> bool {
        self.running.contains(&kind)
    }

    /// Starts `job` unless one of its kind runs: then it waits (if the latest request
    /// of its kind wins) or is refused, and `busy` says so.
    pub(crate) fn start_job(&mut self, job: Job, busy: &str) -> Vec<Effect> {
        let kind = job.kind;
        if !self.running.insert(kind) {
            if kind.latest_wins() {
                self.waiting.insert(kind, job);
                self.status = Some(Status::info(format!("{busy}；完成后接着处理这一次")));
            } else {
                self.status = Some(Status::info(busy.to_string()));
            }
            return Vec::new();
        }
        vec![Effect::Spawn(job)]
    }

    /// A job's result: on the status line; a warning or an error also in full in a
    /// message window, unless a popup (a note being typed) has the keys. Starts the
    /// job of the same kind that waited, if any.
    fn job_done(&mut self, result: JobResult) -> Vec<Effect> {
        self.running.remove(&result.kind);
        let next = self.waiting.remove(&result.kind);
        let label = result.kind.label();
        match result.outcome {
            Ok(Done::Merged { report, files }) => self.merged(&report, files),
            Ok(Done::Untrusted { paths, keys }) => self.ask_trust(paths, keys),
            Ok(Done::Scanned { catalog, then }) => self.scanned(catalog, then),
            Ok(Done::Told(status)) => self.tell(label, status.text.clone(), status),
            Ok(Done::Written {
                title,
                status,
                path,
                place,
                notes,
            }) => self.written(title, status, &path, place, notes),
            Err(text) if result.kind == JobKind::Merge => self.merge_failed(text),
            Err(text) => self.tell(
                label,
                text.clone(),
                Status::error(format!("{label}失败：{text}")),
            ),
        }
        match next {
            Some(job) => self.start_job(job, ""),
            None => Vec::new(),
        }
    }

    fn tell(&mut self, label: &str, detail: String, status: Status) {
        if matches!(status.kind, StatusKind::Warning | StatusKind::Error) && self.popups.is_empty()
        {
            let title = match status.kind {
                StatusKind::Error => format!("{label}失败"),
                _ => format!("{label}：请注意"),
            };
            let lines = detail.split('\n').map(str::to_string).collect();
            self.popups.push(Popup::message(title, lines));
            self.status = Some(Status::new(status.kind, status.text.replace('\n', " ")));
            self.status_told();
            return;
        }
        self.status = Some(Status::new(status.kind, status.text.replace('\n', " ")));
    }

    fn update_popup(&mut self, mut popup: Popup, action: Action) -> Vec<Effect> {
        let step = popup.update(action, &self.keymap);
        if step.keep {
            self.popups.push(popup);
        }
        match step.followup {
            Some(f) => self.follow(f),
            None => Vec::new(),
        }
    }

    /// Runs what a popup asked for. The popup is already back on the stack when it
    /// stayed open, so a followup may close it.
    fn follow(&mut self, followup: Followup) -> Vec<Effect> {
        match followup {
            Followup::Confirmed(c) => self.confirmed(c),
            Followup::SaveText {
                field,
                item_id,
                text,
            } => {
                self.save_text(field, &item_id, &text);
                Vec::new()
            }
            Followup::OpenPhrases { field, item_id } => {
                self.open_phrases(field, &item_id);
                Vec::new()
            }
            Followup::InsertPhrase(text) => {
                self.insert_phrase(&text);
                Vec::new()
            }
            Followup::PickFacility(f) => {
                self.pick_facility(&f);
                Vec::new()
            }
            Followup::DiscardText { dirty } => {
                if dirty {
                    self.popups
                        .push(Popup::confirm(Confirmation::DiscardEdit, &self.keymap));
                } else {
                    self.close_editor();
                }
                Vec::new()
            }
            Followup::PromptChanged(kind, text) => {
                self.prompt_changed(kind, &text);
                Vec::new()
            }
            Followup::PromptDone(kind, text) => self.prompt_done(kind, text),
            Followup::OpenFolder(dir) => self.open_folder(dir),
            Followup::Attach { item_id, files } => {
                self.attach(&item_id, &files);
                Vec::new()
            }
            Followup::OpenEvidence(e) => self.open_evidence(&e),
            Followup::RemoveEvidence { item_id, evidence } => {
                self.popups.push(Popup::confirm(
                    Confirmation::RemoveEvidence { item_id, evidence },
                    &self.keymap,
                ));
                Vec::new()
            }
            Followup::SavePlan {
                item_id,
                owner,
                due,
                status,
            } => {
                self.save_plan(&item_id, &owner, &due, status);
                Vec::new()
            }
            Followup::SetFollowUp { item_id, found } => {
                self.save_follow_up(&item_id, found);
                Vec::new()
            }
            Followup::SetFilter(filter) => {
                if let Some(w) = &mut self.walk {
                    w.set_filter(filter);
                    let found = if w.filter_active() {
                        format!("，{}", super::screens::found_text(w))
                    } else {
                        String::new()
                    };
                    self.status = Some(Status::info(format!("筛选：{}{found}", w.filter_label())));
                }
                Vec::new()
            }
        }
    }

    fn confirmed(&mut self, c: Confirmation) -> Vec<Effect> {
        match c {
            Confirmation::DeleteInspection { id, name } => {
                self.delete_inspection(&id, &name);
                Vec::new()
            }
            Confirmation::RemoveEvidence { item_id, evidence } => {
                self.remove_evidence(&item_id, &evidence);
                Vec::new()
            }
            Confirmation::DiscardEdit => {
                self.close_editor();
                self.status = Some(Status::info("已放弃未保存的修改"));
                Vec::new()
            }
            Confirmation::CreateSample => self.scan_checklists(super::jobs::AfterScan::Sample),
            Confirmation::QuitDiscarding => vec![Effect::Quit],
            Confirmation::CancelForm => {
                self.view = View::List;
                Vec::new()
            }
            Confirmation::Repin(offer) => {
                self.repin(*offer);
                Vec::new()
            }
            Confirmation::CopyBuiltin { .. } => self.copy_builtin_and_edit(),
            Confirmation::DraftReport { .. } => self.start_report_confirmed(),
            Confirmation::TrustKeys { paths, keys } => self.trust_and_merge(paths, keys),
        }
    }

    /// Closes the note editor (the top popup when it is one).
    pub(crate) fn close_editor(&mut self) {
        if matches!(self.popups.last(), Some(Popup::NoteEditor(_))) {
            self.popups.pop();
        }
    }

    /// The one way to quit: every quit key comes here, and only [`Effect::Quit`],
    /// carried out by the event loop, ends the app.
    pub(crate) fn request_quit(&mut self) -> Vec<Effect> {
        let dirty_editor = self
            .popups
            .iter()
            .any(|p| matches!(p, Popup::NoteEditor(e) if e.is_dirty()));
        let dirty_form = self.form().is_some_and(|f| f.is_dirty());
        if (dirty_editor || dirty_form) && !matches!(self.popups.last(), Some(Popup::Confirm(_))) {
            self.popups
                .push(Popup::confirm(Confirmation::QuitDiscarding, &self.keymap));
            return Vec::new();
        }
        vec![Effect::Quit]
    }

    /// A key nothing claimed, in a context that does not type: say so when it looks
    /// like the input method is on, since that is the usual cause.
    pub(crate) fn unbound_key(&mut self, key: KeyEvent) {
        if let KeyCode::Char(c) = key.code
            && !c.is_ascii()
        {
            self.status = Some(Status::warning(format!(
                "「{c}」没有对应的命令：输入法可能处于中文状态，切换到英文后再按键（按 {} 查看全部按键）",
                self.keymap.first_key(Context::Global, Command::Help)
            )));
        }
    }
}
