#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark set-up: a failure should stop the run"
)]
//! Budgets of the TUI (DESIGN.md):
//! - start to first frame < 100 ms: open the store (a few inspections), load the
//!   keymap, build the app, draw the first frame;
//! - key press to frame drawn < 5 ms on the larger shipped checklist (township-2022,
//!   115 items), at 120×40: `update` plus drawing into ratatui's TestBackend;
//! - opening an inspection with 200 evidence files < 100 ms: Enter on the list to
//!   the walkthrough's first frame (each file's presence in the data dir checked);
//! - memory during a review < 50 MB: peak RSS (VmHWM) after walking through every
//!   item, grading each, writing notes on a third, drawing every frame. Measured first,
//!   in a fresh process, before criterion allocates anything; printed as a line.
//!
//! Run: cargo bench --bench tui

use std::sync::Arc;

use criterion::{Criterion, criterion_group};
use pingshen::checklist::Catalog;
use pingshen::store::{Institution, NewInspection, ReviewKind, Store};
use pingshen::tui::{App, KeyCombo, Keymap, Options, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

fn new_inspection(name: &str, date: &str) -> NewInspection {
    NewInspection {
        institution: Institution {
            name: name.into(),
            region: "湖南省邵阳市双清区".into(),
            kind: "乡镇卫生院".into(),
            head: "王建国".into(),
            phone: "13800000000".into(),
        },
        review_kind: ReviewKind::District,
        date: date.into(),
        inspectors: vec!["张敏".into(), "李强".into()],
        sample: false,
        organiser: String::new(),
    }
}

/// A data dir with `n` inspections alternating between the shipped checklists, a
/// dozen grades each.
fn data_dir(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    let catalog = Catalog::discover(None);
    for i in 0..n {
        let id = if i % 2 == 0 {
            "township-2022"
        } else {
            "community-2022"
        };
        let a = catalog.get(id).expect("shipped");
        let inspection = store
            .create(
                new_inspection(&format!("第{i}卫生院"), "2026-11-20"),
                &a.checklist,
                &a.source,
                "张敏",
            )
            .expect("created");
        for (_, _, item) in a.checklist.items().take(12) {
            store
                .grade(
                    &inspection.id,
                    &item.id,
                    Some(pingshen::scoring::Grade::B),
                    "张敏",
                )
                .expect("graded");
        }
    }
    dir
}

fn options() -> Options {
    Options {
        checklist_dir: None,
        keymap_file: None,
        today: "2026-11-23".into(),
        output_dir: None,
        auto_advance: false,
        settings_problem: None,
        inspector: Some("张敏".into()),
        config_dir: None,
    }
}

fn press(app: &mut App, key: &str) {
    let combo = KeyCombo::parse(key).expect("key");
    let mut mods = KeyModifiers::NONE;
    if combo.ctrl {
        mods |= KeyModifiers::CONTROL;
    }
    app.handle_event(Event::Key(KeyEvent::new(combo.code, mods)));
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &App) {
    terminal
        .draw(|f| {
            views::draw(f, app);
        })
        .expect("draw");
}

fn start_to_first_frame(c: &mut Criterion) {
    let dir = data_dir(5);
    c.bench_function("start_to_first_frame (5 inspections, 120x40)", |b| {
        b.iter(|| {
            let store = Store::open(dir.path()).expect("store");
            let (keymap, _) = Keymap::load(None);
            let app = App::new(Arc::new(store), options(), keymap, Vec::new());
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
            draw(&mut terminal, &app);
            app
        })
    });
}

/// A township inspection of 青山镇卫生院 in `store`, with the checklist's item ids.
fn township(store: &Store) -> (String, Vec<String>) {
    let catalog = Catalog::discover(None);
    let a = catalog.get("township-2022").expect("shipped");
    let inspection = store
        .create(
            new_inspection("青山镇卫生院", "2026-11-23"),
            &a.checklist,
            &a.source,
            "张敏",
        )
        .expect("created");
    let items = a
        .checklist
        .items()
        .map(|(_, _, it)| it.id.clone())
        .collect();
    (inspection.id, items)
}

/// The app in the walkthrough of a township inspection.
fn walkthrough_app(dir: &std::path::Path) -> App {
    let store = Store::open(dir).expect("store");
    township(&store);
    let mut app = App::new(Arc::new(store), options(), Keymap::builtin(), Vec::new());
    press(&mut app, "Enter");
    assert!(app.walk.is_some());
    app
}

fn key_to_frame(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = walkthrough_app(dir.path());
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    draw(&mut terminal, &app);
    let mut group = c.benchmark_group("key_to_frame (township-2022, 120x40)");
    let mut down = true;
    group.bench_function("move (j/k)", |b| {
        b.iter(|| {
            // Down to the end, then up, so every row is visited.
            if let Some(w) = app.walk.as_ref() {
                if w.selected + 1 >= w.rows.len() {
                    down = false;
                } else if w.selected == 0 {
                    down = true;
                }
            }
            press(&mut app, if down { "j" } else { "k" });
            draw(&mut terminal, &app);
        })
    });
    group.bench_function("next pending (Tab)", |b| {
        b.iter(|| {
            press(&mut app, "Tab");
            draw(&mut terminal, &app);
        })
    });
    group.bench_function("filter + search typed", |b| {
        b.iter(|| {
            press(&mut app, "/");
            app.handle_event(Event::Key(KeyEvent::new(
                KeyCode::Char('发'),
                KeyModifiers::NONE,
            )));
            draw(&mut terminal, &app);
            press(&mut app, "Esc");
            draw(&mut terminal, &app);
        })
    });
    // Pinyin initials: every word is also tried against the initials of every text.
    group.bench_function("search by pinyin initials typed", |b| {
        b.iter(|| {
            press(&mut app, "/");
            for c in ['x', 'd', 'g', 'l'] {
                app.handle_event(Event::Key(KeyEvent::new(
                    KeyCode::Char(c),
                    KeyModifiers::NONE,
                )));
            }
            draw(&mut terminal, &app);
            press(&mut app, "Esc");
            draw(&mut terminal, &app);
        })
    });
    // A grade includes the durable write (journal append + fdatasync): its own budget is 10 ms p99.
    let grades = ["a", "b", "c", "d"];
    let mut n = 0;
    group.bench_function("grade (incl. durable save)", |b| {
        b.iter(|| {
            press(&mut app, grades[n % 4]);
            n += 1;
            draw(&mut terminal, &app);
        })
    });
    group.finish();
}

fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Walks every item of a township inspection: grade, a note on every third item,
/// one frame per key at 120×40. Prints peak RSS.
fn memory_during_a_review() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = walkthrough_app(dir.path());
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let grades = ["a", "b", "c", "d", "b", "c"];
    let total = app.walk.as_ref().map_or(0, |w| w.total);
    for n in 0..total {
        press(&mut app, grades[n % grades.len()]);
        draw(&mut terminal, &app);
        if n % 3 == 0 {
            press(&mut app, "e");
            for c in "现场查看发热诊室，抽查10份病历，记录完整。".chars() {
                app.handle_event(Event::Key(KeyEvent::new(
                    KeyCode::Char(c),
                    KeyModifiers::NONE,
                )));
                draw(&mut terminal, &app);
            }
            press(&mut app, "ctrl-s");
        }
        press(&mut app, "s");
        draw(&mut terminal, &app);
        press(&mut app, "q");
        press(&mut app, "Tab");
        draw(&mut terminal, &app);
    }
    let graded = app.walk.as_ref().map_or(0, |w| w.graded);
    assert_eq!(graded, total, "every item graded");
    let hwm = status_kb("VmHWM:").unwrap_or(0);
    let rss = status_kb("VmRSS:").unwrap_or(0);
    println!(
        "memory during a review (township-2022, {total} items graded, notes on a third, summary each step): \
         peak RSS {:.1} MB, now {:.1} MB (budget < 50 MB)",
        hwm as f64 / 1024.0,
        rss as f64 / 1024.0
    );
}

/// Opening an inspection whose items hold 200 evidence files (two on each of 100
/// items): Enter on the list to the walkthrough's first frame. Budget < 100 ms.
fn open_with_evidence(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = dir.path().join("photos");
    std::fs::create_dir_all(&files).expect("photos");
    {
        let store = Store::open(&dir.path().join("data")).expect("store");
        let (id, items) = township(&store);
        for (n, item) in items.iter().take(100).enumerate() {
            let two: Vec<std::path::PathBuf> = (0..2)
                .map(|k| {
                    let p = files.join(format!("IMG_{n:03}_{k}.jpg"));
                    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
                    bytes.extend(format!("{n}-{k}").bytes().cycle().take(200_000));
                    std::fs::write(&p, bytes).expect("photo");
                    p
                })
                .collect();
            store.attach(&id, item, &two, "张敏").expect("attached");
        }
    }
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let store = Arc::new(Store::open(&dir.path().join("data")).expect("store"));
    c.bench_function(
        "open inspection with 200 evidence files (Enter to frame, 120x40)",
        |b| {
            b.iter_batched(
                || App::new(store.clone(), options(), Keymap::builtin(), Vec::new()),
                |mut app| {
                    press(&mut app, "Enter");
                    assert!(app.walk.is_some());
                    draw(&mut terminal, &app);
                    app
                },
                criterion::BatchSize::SmallInput,
            )
        },
    );
}

criterion_group!(
    benches,
    start_to_first_frame,
    key_to_frame,
    open_with_evidence
);

fn main() {
    memory_during_a_review();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
