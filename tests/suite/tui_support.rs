//! Driving the TUI in tests: an app over a store in a temporary directory, keys fed
//! as the terminal would send them, screens rendered on ratatui's TestBackend.

use std::sync::Arc;

use pingshen::checklist::Catalog;
use pingshen::scoring::Grade;
use pingshen::store::{Edit, NewInspection, Store};

use crate::common::Fixture;
use pingshen::tui::{Action, App, Effect, KeyCombo, Keymap, Options, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tempfile::TempDir;

pub const TODAY: &str = "2026-11-23";

pub struct Harness {
    pub dir: TempDir,
    pub app: App,
}

/// A store in a fresh temporary dir, with an empty user checklist dir beside it.
pub fn store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("data")).expect("store opens");
    (dir, store)
}

/// Registers facilities of 湖南省某县, each (name, type, 负责人), as 赵科长, all with
/// the same phone.
pub fn register(store: &Store, facilities: &[(&str, &str, &str)]) {
    for (name, kind, head) in facilities {
        store
            .add_facility(
                &pingshen::store::FacilityDraft {
                    name: Some((*name).into()),
                    region: Some("湖南省某县".into()),
                    kind: Some((*kind).into()),
                    head: Some((*head).into()),
                    phone: Some("0739-1234567".into()),
                    ..Default::default()
                },
                "赵科长",
            )
            .expect("facility registered");
    }
}

/// The TUI tests' facility (张敏 and 李强 review it), from [`Fixture`].
pub fn new_inspection(name: &str, region: &str, kind: &str, date: &str) -> NewInspection {
    Fixture::new(name)
        .region(region)
        .kind(kind)
        .date(date)
        .head("王建国", "13800000000")
        .inspectors(&["张敏", "李强"])
        .build()
}

/// Creates an inspection on a shipped checklist; returns its id.
pub fn create(store: &Store, checklist: &str, new: NewInspection) -> String {
    let cat = Catalog::discover(None);
    let a = cat.get(checklist).expect("shipped checklist");
    store
        .create(new, &a.checklist, &a.source, "张敏")
        .expect("created")
        .id
}

/// 青山镇卫生院 (湖南省邵阳市双清区) reviewed on `date` with the township checklist;
/// returns its id. The TUI tests' usual facility.
pub fn qingshan(store: &Store, date: &str) -> String {
    create(
        store,
        "township-2022",
        new_inspection("青山镇卫生院", "湖南省邵阳市双清区", "乡镇卫生院", date),
    )
}

pub fn grade(store: &Store, id: &str, item: &str, g: Grade, note: &str) {
    let mut changes = vec![Edit::Grade(Some(g))];
    if !note.is_empty() {
        changes.push(Edit::Note(note.into()));
    }
    store.update(id, item, &changes, "张敏").expect("graded");
}

impl Harness {
    /// The app over `store`, as a first start would show it.
    pub fn new(dir: TempDir, store: Store) -> Harness {
        std::fs::create_dir_all(dir.path().join("reports")).expect("reports dir");
        let options = Options {
            checklist_dir: Some(dir.path().join("checklists")),
            keymap_file: Some(dir.path().join("config/keymap.toml")),
            today: TODAY.to_string(),
            output_dir: Some(dir.path().join("reports")),
            auto_advance: false,
            settings_problem: None,
            // As PINGSHEN_INSPECTOR=张敏 would: the inspections here have two.
            inspector: Some("张敏".to_string()),
            config_dir: Some(dir.path().join("config")),
        };
        let app = App::new(Arc::new(store), options, Keymap::builtin(), Vec::new());
        Harness { dir, app }
    }

    pub fn empty() -> Harness {
        let (dir, store) = store();
        Harness::new(dir, store)
    }

    /// One township inspection (the larger checklist), opened in the walkthrough.
    pub fn walkthrough() -> (Harness, String) {
        let (dir, store) = store();
        let id = qingshan(&store, TODAY);
        let mut h = Harness::new(dir, store);
        h.press("Enter");
        assert!(h.app.walk.is_some(), "the inspection opens");
        (h, id)
    }

    pub fn store(&self) -> &Store {
        &self.app.store
    }

    /// Presses one key, written as in the keymap (`a`, `Enter`, `ctrl-s`, `Tab`).
    /// Presses `key` and runs on workers every job it starts (and any those start),
    /// feeding each result back: for keys whose work is a job (a merge).
    pub fn press_and_wait(&mut self, key: &str) {
        let mut pending = jobs_in(self.press(key));
        while let Some(job) = pending.pop() {
            pending.extend(jobs_in(finish(
                self,
                job,
                std::time::Duration::from_secs(60),
            )));
        }
    }

    pub fn press(&mut self, key: &str) -> Vec<Effect> {
        let combo = KeyCombo::parse(key).expect("key string");
        let mut mods = KeyModifiers::NONE;
        if combo.ctrl {
            mods |= KeyModifiers::CONTROL;
        }
        if combo.alt {
            mods |= KeyModifiers::ALT;
        }
        if let KeyCode::Char(c) = combo.code
            && c.is_uppercase()
        {
            mods |= KeyModifiers::SHIFT;
        }
        if combo.code == KeyCode::BackTab {
            mods |= KeyModifiers::SHIFT;
        }
        self.key_event(KeyEvent::new(combo.code, mods))
    }

    pub fn key_event(&mut self, key: KeyEvent) -> Vec<Effect> {
        self.app.handle_event(Event::Key(key))
    }

    pub fn keys(&mut self, keys: &[&str]) {
        for k in keys {
            self.press(k);
        }
    }

    /// Types text the way a terminal without bracketed paste delivers it: one key
    /// event per character, Enter for a line break.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\t' => KeyCode::Tab,
                c => KeyCode::Char(c),
            };
            let mut ev = KeyEvent::new(code, KeyModifiers::NONE);
            ev.kind = KeyEventKind::Press;
            self.key_event(ev);
        }
    }

    pub fn paste(&mut self, text: &str) -> Vec<Effect> {
        self.app.handle_event(Event::Paste(text.to_string()))
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        self.app.update(action)
    }

    pub fn status(&self) -> String {
        self.app
            .status
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default()
    }

    pub fn selected_item(&self) -> Option<String> {
        self.app
            .walk
            .as_ref()
            .and_then(|w| w.selected_item().map(|(_, _, it)| it.id.clone()))
    }

    /// The screen as text at `width` × `height`, with the cursor position if shown.
    pub fn screen(&self, width: u16, height: u16) -> String {
        self.render(width, height, buffer_text)
    }

    /// The screen with the selection marked and colours named ([`styled_text`]).
    pub fn styled_screen(&self, width: u16, height: u16) -> String {
        self.render(width, height, styled_text)
    }

    /// The screen's buffer at `width` × `height`.
    pub fn buffer(&self, width: u16, height: u16) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        terminal
            .draw(|f| {
                views::draw(f, &self.app);
            })
            .expect("draws");
        terminal.backend().buffer().clone()
    }

    /// The terminal reports its size, as the event loop does before each draw: a
    /// message too long for the status line then opens a window.
    pub fn sized(&mut self, width: u16, height: u16) {
        self.app.handle_event(Event::Resize(width, height));
    }

    fn render(&self, width: u16, height: u16, text_of: fn(&Buffer) -> String) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        let mut cursor = None;
        terminal
            .draw(|f| cursor = views::draw(f, &self.app))
            .expect("draws");
        let mut text = text_of(terminal.backend().buffer());
        if let Some(p) = cursor {
            text.push_str(&format!("[光标 列{} 行{}]\n", p.x, p.y));
        }
        text
    }
}

pub fn stored_grade(h: &Harness, id: &str, item: &str) -> Option<Grade> {
    h.store()
        .assessment(id, item)
        .unwrap()
        .and_then(|a| a.grade)
}

pub fn goto(h: &mut Harness, item: &str) {
    h.press("g");
    h.type_text(item);
    h.press("Enter");
    assert_eq!(h.selected_item().as_deref(), Some(item), "{}", h.status());
}

/// The screen for a snapshot: each line after a marker column (`▶` where the line
/// holds the selection, drawn reversed), and after the text, in «», each run of
/// coloured text with its colour — so a snapshot shows what is selected and that a
/// grade is green or red, not only the symbols.
pub fn styled_text(buffer: &Buffer) -> String {
    use ratatui::style::{Color, Modifier};
    let mut out = String::new();
    let colour = |c: Color| match c {
        Color::Red => "红".to_string(),
        Color::Green => "绿".to_string(),
        Color::Yellow => "黄".to_string(),
        Color::Blue => "蓝".to_string(),
        Color::Magenta => "品红".to_string(),
        Color::Cyan => "青".to_string(),
        other => format!("{other:?}"),
    };
    for row in visible_cells(buffer) {
        let mut line = String::new();
        let mut selected = false;
        let mut runs: Vec<(Color, String)> = Vec::new();
        for cell in row {
            let sym = cell.symbol();
            line.push_str(sym);
            let m = cell.modifier;
            // The selection is reversed; the title bar is reversed and bold.
            selected |= m.contains(Modifier::REVERSED) && !m.contains(Modifier::BOLD);
            if cell.fg != Color::Reset && !sym.trim().is_empty() {
                match runs.last_mut() {
                    Some((c, text)) if *c == cell.fg => text.push_str(sym),
                    _ => runs.push((cell.fg, sym.to_string())),
                }
            }
        }
        out.push_str(if selected { "▶" } else { " " });
        out.push_str(line.trim_end());
        if !runs.is_empty() {
            let legend: Vec<String> = runs
                .iter()
                .map(|(c, t)| format!("{}:{t}", colour(*c)))
                .collect();
            out.push_str(&format!("  «{}»", legend.join(" ")));
        }
        out.push('\n');
    }
    out
}

/// A buffer as plain lines: wide characters once, trailing spaces trimmed.
pub fn buffer_text(buffer: &Buffer) -> String {
    let mut out = String::new();
    for row in visible_cells(buffer) {
        let line: String = row.iter().map(|c| c.symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Each row's cells as seen: a wide character's second cell left out.
fn visible_cells(buffer: &Buffer) -> Vec<Vec<&ratatui::buffer::Cell>> {
    let width = buffer.area.width as usize;
    if width == 0 {
        return Vec::new();
    }
    buffer
        .content
        .chunks(width)
        .map(|row| {
            let mut cells = Vec::new();
            let mut skip = 0;
            for cell in row {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                skip = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
                cells.push(cell);
            }
            cells
        })
        .collect()
}

/// A team member's laptop: a fresh store with this inspection imported from `store`,
/// the given (item, grade, note, 整改意见) changes made by `who`, exported to `file`
/// in `dir`.
/// Returns the export file's path.
use pingshen::identity::keys::TrustStore;

pub fn laptop_export(
    store: &Store,
    id: &str,
    who: &str,
    grades: &[(&str, Grade, &str, &str)],
    dir: &std::path::Path,
    file: &str,
) -> std::path::PathBuf {
    let laptop_dir = tempfile::tempdir().expect("tempdir");
    let laptop = Store::open(laptop_dir.path()).expect("laptop store");
    let lead = crate::common::export_to(store, id, &laptop_dir.path().join("lead.pingshen"));
    laptop
        .import(&lead, &crate::common::trusting(&[&lead]))
        .expect("import");
    crate::common::grade_many(&laptop, id, who, grades);
    let path = dir.join(file);
    laptop
        .export(id)
        .expect("export")
        .write(&path)
        .expect("written");
    // The lead's laptop checked this laptop's key once, earlier (the TUI's own
    // trust-on-first-use question is tested on its own).
    let mut trust = TrustStore::load(&dir.join("config")).expect("trust store");
    trust.trust(who, laptop.identity().public_key());
    trust.save().expect("trust saved");
    path
}

/// Runs the job among `effects` on a worker and feeds its result back, waiting up
/// to `timeout` (never a fixed sleep).
pub fn run_job(h: &mut Harness, effects: Vec<Effect>, timeout: std::time::Duration) {
    let job = jobs_in(effects)
        .into_iter()
        .next()
        .expect("a job was started");
    finish(h, job, timeout);
}

/// The jobs `effects` start.
pub fn jobs_in(effects: Vec<Effect>) -> Vec<pingshen::tui::jobs::Job> {
    effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Spawn(job) => Some(job),
            _ => None,
        })
        .collect()
}

/// Runs `job` on a worker, feeds its result back and returns what that starts.
pub fn finish(
    h: &mut Harness,
    job: pingshen::tui::jobs::Job,
    timeout: std::time::Duration,
) -> Vec<Effect> {
    let mut jobs = pingshen::tui::jobs::Jobs::default();
    jobs.spawn(job);
    let result = jobs.wait(timeout).expect("the job finished in time");
    h.update(Action::JobDone(result))
}

/// The lead graded 1.2.4 B; 李强's laptop graded it C and 1.1.1 A. Returns the
/// harness on the list, the inspection id and 李强's export file.
pub fn lead_and_laptop() -> (Harness, String, std::path::PathBuf) {
    let (dir, store) = store();
    let id = qingshan(&store, TODAY);
    let file = laptop_export(
        &store,
        &id,
        "李强",
        &[
            ("1.1.1", Grade::A, "", ""),
            (
                "1.2.4",
                Grade::C,
                "李强：发热诊室未做到三区两通道，污染区与清洁区共用一条通道。",
                "一个月内调整布局，设置独立的患者通道和医务人员通道。",
            ),
        ],
        dir.path(),
        "李强 导出.json",
    );
    grade(&store, &id, "1.2.4", Grade::B, "张敏：布局符合要求");
    (Harness::new(dir, store), id, file)
}

/// Last year's review (2025-11-20) and this one linked to it: 1.1.1 C → A (提升),
/// 1.1.2 B → C (下降), 1.2.1 D → D (不变), 1.5.4 不适用 → B (不可比).
pub fn two_reviews() -> (Harness, String, String) {
    let (dir, store) = store();
    let old = qingshan(&store, "2025-11-20");
    let new = qingshan(&store, TODAY);
    for (item, then, now) in [
        ("1.1.1", Grade::C, Grade::A),
        ("1.1.2", Grade::B, Grade::C),
        ("1.2.1", Grade::D, Grade::D),
        ("1.5.4", Grade::NotApplicable, Grade::B),
    ] {
        grade(&store, &old, item, then, "");
        grade(&store, &new, item, now, "");
    }
    store.link_previous(&new, Some(&old), "张敏").unwrap();
    (Harness::new(dir, store), old, new)
}

/// `text` with regex metacharacters escaped, for an insta filter.
pub fn regex_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if "\\.+*?()|[]{}^$".contains(c) {
                format!("\\{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}
