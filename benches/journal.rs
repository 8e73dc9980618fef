#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark set-up: a failure should stop the run"
)]
//! Budgets of the journal (issue 11), with growth:
//! 1. a durable change (`Store::grade`: signed entry appended + `fdatasync`, then the
//!    sled projection) against a raw append + `sync_data()` on the same disk:
//!    p50 ≤ 3× the raw p50, p99 < 10 ms;
//! 2. `list` (`Store::overviews`) and the TUI's first frame at 100 → 1,000 → 10,000
//!    inspections: each under 100 ms at 10,000 (the open is timed too);
//! 3. `show` and one `grade` at 100 and at 10,000 inspections: the 10,000 figure
//!    within 20% of the 100 figure;
//! 4. `Store::verify()` over 1,000 inspections × ~122 entries: under 2 s;
//! 5. `recover` (sled rebuilt from the journals) at 1,000 inspections: under 10 s;
//! 6. the data dir for 1,000 fully graded inspections with their backups: under 100 MB.
//!    With `PINGSHEN_BENCH_ONE_BY_ONE=N` also for N inspections graded the way an
//!    inspector grades, one item at a time, with `PINGSHEN_BENCH_PAUSE_MS` (default 3)
//!    between changes: sled cleans its log in the background, and a store written
//!    without pause (hundreds of changes a second, for minutes) outruns it. At 1,000
//!    and 3 ms this takes about 15 minutes.
//!
//! Stores are generated here (never committed): every inspection is created on the
//! township checklist and then fully graded in one `update_many`, so its journal holds
//! 1 + one entry per item. Percentiles need every sample, so this bench has its own
//! small harness, like benches/store.rs. Without `--bench` (as `cargo test --benches`
//! runs it) it does a tiny run of a few seconds.
//!
//! Run: cargo bench --bench journal

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pingshen::checklist::{Catalog, Checklist, Level, Source};
use pingshen::identity::Identity;
use pingshen::scoring::{Grade, evaluate, next_goal, rollup};
use pingshen::store::{Edit, Institution, NewInspection, ReviewKind, Store, StoreError};
use pingshen::tui::{App, Keymap, Options, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const REGIONS: [&str; 8] = [
    "湖南省邵阳市双清区",
    "湖南省邵阳市大祥区",
    "湖南省邵阳市北塔区",
    "湖南省邵阳市邵东市",
    "湖南省邵阳市新邵县",
    "湖南省邵阳市隆回县",
    "湖南省邵阳市洞口县",
    "湖南省邵阳市武冈市",
];
const INSPECTORS: [&str; 5] = ["张敏", "李强", "王芳", "刘洋", "陈静"];

/// The township checklist, its items and the grades each item allows.
struct Township {
    checklist: Checklist,
    source: Source,
    items: Vec<String>,
    allowed: Vec<Vec<Grade>>,
}

impl Township {
    fn load() -> Township {
        let catalog = Catalog::discover(None);
        let found = catalog.get("township-2022").expect("shipped checklist");
        let mut items = Vec::new();
        let mut allowed = Vec::new();
        for (_, _, item) in found.checklist.items() {
            items.push(item.id.clone());
            let top = item.max_level();
            let mut g = Vec::new();
            if top >= Level::A {
                g.push(Grade::A);
            }
            if top >= Level::B {
                g.push(Grade::B);
            }
            g.extend([Grade::C, Grade::D]);
            allowed.push(g);
        }
        Township {
            checklist: found.checklist.clone(),
            source: found.source.clone(),
            items,
            allowed,
        }
    }

    /// The grade item `n` gets in inspection `i`'s full grading.
    fn grade(&self, n: usize, i: usize) -> Grade {
        let a = &self.allowed[n];
        a[(n + i) % a.len()]
    }

    /// A grade of item `n` other than `current`.
    fn other(&self, n: usize, current: Grade) -> Grade {
        let a = &self.allowed[n];
        let at = a.iter().position(|g| *g == current).unwrap_or(0);
        a[(at + 1) % a.len()]
    }
}

/// Inspection `i`: its own name, region, date and inspectors.
fn new_inspection(i: usize) -> NewInspection {
    let region = REGIONS[i % REGIONS.len()];
    let county = region.trim_start_matches("湖南省邵阳市");
    NewInspection {
        institution: Institution {
            name: format!("{county}第{i}乡镇卫生院"),
            region: region.into(),
            kind: "乡镇卫生院".into(),
            head: format!("院长{}", i % 97),
            phone: format!("1380000{:04}", i % 10_000),
        },
        review_kind: if i.is_multiple_of(3) {
            ReviewKind::District
        } else {
            ReviewKind::SelfAssessment
        },
        // Distinct for every i below 33,600.
        date: format!(
            "{}-{:02}-{:02}",
            2000 + i / 336,
            (i / 28) % 12 + 1,
            i % 28 + 1
        ),
        inspectors: vec![
            INSPECTORS[i % 5].into(),
            INSPECTORS[(i / 5 + 1 + i % 5) % 5].into(),
        ],
        sample: false,
        organiser: String::new(),
    }
}

/// Creates inspections `from..to`, each fully graded in one `update_many`.
fn populate(store: &Store, t: &Township, from: usize, to: usize, ids: &mut Vec<String>) {
    for i in from..to {
        let by = INSPECTORS[i % 5];
        let one = store
            .create(new_inspection(i), &t.checklist, &t.source, by)
            .unwrap();
        let edits: Vec<[Edit; 1]> = (0..t.items.len())
            .map(|n| [Edit::Grade(Some(t.grade(n, i)))])
            .collect();
        let batch: Vec<(&str, &[Edit])> = t
            .items
            .iter()
            .zip(&edits)
            .map(|(item, e)| (item.as_str(), e.as_slice()))
            .collect();
        let saved = store.update_many(&one.id, &batch, by).unwrap();
        assert!(saved.iter().all(|s| s.changed));
        ids.push(one.id);
    }
}

/// Opens the data dir, retrying for up to 5 s while a dropped store's lock lingers.
fn open(dir: &Path, identity: &Arc<Identity>) -> Store {
    let started = Instant::now();
    loop {
        match Store::open_as(dir, identity.clone()) {
            Err(StoreError::Locked { .. }) if started.elapsed() < Duration::from_secs(5) => {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other.unwrap(),
        }
    }
}

fn options() -> Options {
    Options {
        checklist_dir: None,
        keymap_file: None,
        today: "2026-12-01".into(),
        output_dir: None,
        auto_advance: false,
        settings_problem: None,
        inspector: Some("张敏".into()),
        config_dir: None,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn p50(samples: &mut [Duration]) -> Duration {
    samples.sort();
    percentile(samples, 0.5)
}

fn ms(d: Duration) -> String {
    let m = d.as_secs_f64() * 1000.0;
    if m < 10.0 {
        format!("{m:.3} ms")
    } else {
        format!("{m:.1} ms")
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// Bytes of every file under `path`: as listed (length) and as allocated (blocks).
fn du(path: &Path) -> (u64, u64, usize) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return (0, 0, 0);
    };
    if meta.is_dir() {
        let mut sum = (0, meta.blocks() * 512, 0);
        for entry in std::fs::read_dir(path).unwrap() {
            let (l, b, n) = du(&entry.unwrap().path());
            sum.0 += l;
            sum.1 += b;
            sum.2 += n;
        }
        sum
    } else {
        (meta.len(), meta.blocks() * 512, 1)
    }
}

/// A budget, what was measured, and whether it held.
struct Line {
    what: String,
    budget: String,
    measured: String,
    holds: Option<bool>,
}

fn line(what: impl Into<String>, budget: &str, measured: String, holds: Option<bool>) -> Line {
    Line {
        what: what.into(),
        budget: budget.into(),
        measured,
        holds,
    }
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

/// 1. A durable change against a raw append + `sync_data()`, on the same disk.
fn durable_vs_raw(root: &Path, t: &Township, identity: &Arc<Identity>, n: usize) -> Vec<Line> {
    let dir = root.join("durable");
    let store = open(&dir, identity);
    let mut ids = Vec::new();
    populate(&store, t, 0, 1, &mut ids);
    let id = &ids[0];

    // (a) raw: a file in the same directory as the data dir.
    let raw_path = root.join("raw.jsonl");
    let mut raw = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&raw_path)
        .unwrap();
    raw.sync_all().unwrap();
    let mut text = format!("{{\"n\":{:08},\"pad\":\"", 0);
    text.push_str(&"x".repeat(400 - text.len() - 3));
    text.push_str("\"}\n");
    assert_eq!(text.len(), 400);
    let mut raw_samples = Vec::with_capacity(n);
    for k in 0..n {
        let mut l = text.clone().into_bytes();
        l[5..13].copy_from_slice(format!("{k:08}").as_bytes());
        let s = Instant::now();
        raw.write_all(&l).unwrap();
        raw.sync_data().unwrap();
        raw_samples.push(s.elapsed());
    }
    drop(raw);

    // (b) durable: Store::grade, every sample a real change (items and grades vary).
    let mut current: Vec<Grade> = (0..t.items.len()).map(|m| t.grade(m, 0)).collect();
    let journal = dir.join("journals").join(format!("{id}.jsonl"));
    let before = std::fs::metadata(&journal).unwrap().len();
    let mut samples = Vec::with_capacity(n);
    for k in 0..n {
        let m = (k * 7) % t.items.len();
        let g = t.other(m, current[m]);
        let s = Instant::now();
        let saved = store.grade(id, &t.items[m], Some(g), "张敏").unwrap();
        samples.push(s.elapsed());
        assert!(saved.changed);
        current[m] = g;
    }
    let after = std::fs::metadata(&journal).unwrap().len();
    drop(store);
    let _ = std::fs::remove_file(&raw_path);
    let _ = std::fs::remove_dir_all(&dir);

    raw_samples.sort();
    samples.sort();
    let (r50, r99, rmax) = (
        percentile(&raw_samples, 0.5),
        percentile(&raw_samples, 0.99),
        *raw_samples.last().unwrap(),
    );
    let (d50, d99, dmax) = (
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        *samples.last().unwrap(),
    );
    let ratio = d50.as_secs_f64() / r50.as_secs_f64();
    println!("1. durable change vs raw fdatasync, {n} samples each");
    println!(
        "   raw append of a 400-byte line + sync_data(): p50 {}  p99 {}  max {}",
        ms(r50),
        ms(r99),
        ms(rmax)
    );
    println!(
        "   Store::grade (entry of {} bytes on average; a backup every 50 changes included): p50 {}  p99 {}  max {}",
        (after - before) / n as u64,
        ms(d50),
        ms(d99),
        ms(dmax)
    );
    println!("   ratio of p50s: {ratio:.2}×");
    vec![
        line(
            "durable change p50 / raw append + fdatasync p50",
            "≤ 3×",
            format!(
                "{ratio:.2}× ({} / {}; raw p99 {}, max {})",
                ms(d50),
                ms(r50),
                ms(r99),
                ms(rmax)
            ),
            Some(ratio <= 3.0),
        ),
        line(
            "durable change (`Store::grade`) p99",
            "< 10 ms",
            format!("{} (p50 {}, max {})", ms(d99), ms(d50), ms(dmax)),
            Some(d99 < Duration::from_millis(10)),
        ),
    ]
}

/// What `pingshen show` does in the library, for inspection `prefix`.
fn show(store: &Store, prefix: &str) -> usize {
    let id = store.resolve(prefix).unwrap();
    let inspection = store.get(&id).unwrap();
    let checklist = store.pinned(&inspection).unwrap();
    let assessments = store.assessments(&id).unwrap();
    let grade_of = |item: &str| assessments.get(item).and_then(|a| a.grade);
    let roll = rollup(&checklist, grade_of);
    let eval = evaluate(&checklist, grade_of);
    let goal = next_goal(&checklist, &eval, grade_of);
    std::hint::black_box((&roll, &goal));
    assessments.len()
}

/// The shortest prefix (6 hex digits or more) of `id` that names it alone, as a user
/// types it.
fn prefix_of(store: &Store, id: &str) -> String {
    (6..=id.len())
        .map(|n| id[..n].to_string())
        .find(|p| store.resolve(p).is_ok_and(|r| r == id))
        .unwrap()
}

/// 3. `show` and one `grade` of a fresh item on one inspection nothing had touched
///    since it was built, sampled in batches so that two stores can take turns.
struct Probe<'a> {
    store: &'a Store,
    t: &'a Township,
    id: String,
    prefix: String,
    current: Vec<Grade>,
    k: usize,
    shows: Vec<Duration>,
    grades: Vec<Duration>,
}

impl<'a> Probe<'a> {
    /// Inspection `ids[i]`, as `populate` graded it.
    fn new(store: &'a Store, t: &'a Township, ids: &[String], i: usize) -> Probe<'a> {
        Probe {
            store,
            t,
            id: ids[i].clone(),
            prefix: prefix_of(store, &ids[i]),
            current: (0..t.items.len()).map(|m| t.grade(m, i)).collect(),
            k: 0,
            shows: Vec::new(),
            grades: Vec::new(),
        }
    }

    fn show(&mut self, runs: usize) {
        for _ in 0..runs {
            let s = Instant::now();
            let n = show(self.store, &self.prefix);
            self.shows.push(s.elapsed());
            assert_eq!(n, self.t.items.len());
        }
    }

    /// `runs` grades, each of another item than the one before and each a real change.
    fn grade(&mut self, runs: usize) {
        for _ in 0..runs {
            let m = (self.k * 7) % self.t.items.len();
            self.k += 1;
            let g = self.t.other(m, self.current[m]);
            let s = Instant::now();
            let saved = self
                .store
                .grade(&self.id, &self.t.items[m], Some(g), "张敏")
                .unwrap();
            self.grades.push(s.elapsed());
            assert!(saved.changed);
            self.current[m] = g;
        }
    }

    /// The p50s of `show` and `grade`.
    fn p50s(&mut self) -> [Duration; 2] {
        [p50(&mut self.shows), p50(&mut self.grades)]
    }
}

/// 6b. The data dir for `n` inspections graded one item at a time, paced.
fn one_by_one(root: &Path, t: &Township, identity: &Arc<Identity>, n: usize) -> Line {
    let pause: u64 = std::env::var("PINGSHEN_BENCH_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let data = root.join("one-by-one");
    let s = Instant::now();
    {
        let store = open(&data, identity);
        for i in 0..n {
            let by = INSPECTORS[i % 5];
            let one = store
                .create(new_inspection(i), &t.checklist, &t.source, by)
                .unwrap();
            for (k, item) in t.items.iter().enumerate() {
                store.grade(&one.id, item, Some(t.grade(k, i)), by).unwrap();
                std::thread::sleep(Duration::from_millis(pause));
            }
        }
    }
    drop(open(&data, identity));
    let (total, blocks, _) = du(&data);
    let part = |name: &str| du(&data.join(name)).0;
    let measured = format!(
        "{} ({} allocated): journals {}, backups {}, sled db {}",
        mb(total),
        mb(blocks),
        mb(part("journals")),
        mb(part("backups")),
        mb(part("db"))
    );
    println!(
        "6b. {n} inspections graded one item at a time, {pause} ms between changes, in {:.0} s: {measured}",
        s.elapsed().as_secs_f64()
    );
    line(
        format!(
            "data dir, {n} inspections graded one item at a time ({pause} ms between changes), with backups"
        ),
        "< 100 MB",
        measured,
        (n == 1000).then_some(total < 100_000_000),
    )
}

fn main() {
    // `cargo test --benches` runs bench targets with --bench absent: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let t = Township::load();
    let identity = Arc::new(Identity::throwaway("bench"));
    let sizes: [usize; 3] = if quick {
        [3, 6, 10]
    } else {
        [100, 1000, 10_000]
    };
    let (durable_n, runs, show_runs) = if quick { (20, 3, 10) } else { (2000, 10, 200) };
    println!(
        "township-2022: {} items; every inspection: 1 create + {} grades in one update_many{}",
        t.items.len(),
        t.items.len(),
        if quick { " (quick run)" } else { "" }
    );

    let root = tempfile::tempdir().unwrap();
    let mut lines = durable_vs_raw(root.path(), &t, &identity, durable_n);

    // A store of the smallest size, for `show` and `grade` in turns with the largest.
    let mut small_ids = Vec::new();
    {
        let small = open(&root.path().join("small"), &identity);
        populate(&small, &t, 0, sizes[0], &mut small_ids);
    }

    let data = root.path().join("data");
    let mut ids: Vec<String> = Vec::new();
    let mut store = Some(open(&data, &identity));
    let mut show_grade: Vec<(usize, [Duration; 2])> = Vec::new();
    let mut growth: Vec<(usize, Duration, Duration, Duration)> = Vec::new();
    for (step, &size) in sizes.iter().enumerate() {
        let from = ids.len();
        let s = Instant::now();
        populate(store.as_ref().unwrap(), &t, from, size, &mut ids);
        let took = s.elapsed();
        println!(
            "\n{size} inspections: built {} more in {:.1} s ({:.1} ms each)",
            size - from,
            took.as_secs_f64(),
            took.as_secs_f64() * 1000.0 / (size - from) as f64
        );

        // 2. Open fresh, then list and the first frame.
        drop(store.take());
        let mut opens = Vec::new();
        for k in 0..3 {
            if k > 0 {
                drop(store.take());
            }
            let s = Instant::now();
            store = Some(open(&data, &identity));
            opens.push(s.elapsed());
        }
        let st = Arc::new(store.take().unwrap());
        let mut lists = Vec::with_capacity(runs);
        for _ in 0..runs {
            let s = Instant::now();
            let rows = st.overviews().unwrap();
            lists.push(s.elapsed());
            assert_eq!(rows.len(), size);
        }
        let mut frames = Vec::with_capacity(runs);
        for _ in 0..runs {
            let s = Instant::now();
            let app = App::new(st.clone(), options(), Keymap::builtin(), Vec::new());
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
            terminal
                .draw(|f| {
                    views::draw(f, &app);
                })
                .unwrap();
            frames.push(s.elapsed());
            drop(app);
        }
        let (list50, frame50) = (p50(&mut lists), p50(&mut frames));
        println!(
            "2. open {} (then {}, {});  list (overviews) p50 {} max {};  TUI first frame (App::new + draw 120×40) p50 {} max {}  ({runs} runs)",
            ms(opens[0]),
            ms(opens[1]),
            ms(opens[2]),
            ms(list50),
            ms(*lists.last().unwrap()),
            ms(frame50),
            ms(*frames.last().unwrap())
        );
        growth.push((size, opens[0], list50, frame50));

        // 3. show and grade: at the smallest size as the store grows, and at the
        //    largest in turns with a store of the smallest size, so that both see the
        //    same machine (it is shared with other builds).
        if step == 0 {
            let mut p = Probe::new(&st, &t, &ids, size / 2);
            p.show(show_runs);
            p.grade(show_runs);
            let [a, b] = p.p50s();
            println!(
                "3. show p50 {};  grade of a fresh item p50 {}  ({show_runs} runs each)",
                ms(a),
                ms(b)
            );
        }
        if step == sizes.len() - 1 {
            let small = open(&root.path().join("small"), &identity);
            let mut p = Probe::new(&small, &t, &small_ids, sizes[0] / 2);
            let mut q = Probe::new(&st, &t, &ids, size / 2);
            let turn = show_runs / 4;
            for _ in 0..4 {
                p.show(turn);
                q.show(turn);
            }
            for _ in 0..4 {
                p.grade(turn);
                q.grade(turn);
            }
            let (a, b) = (p.p50s(), q.p50s());
            println!(
                "3. in turns ({show_runs} runs each, {turn} at a time): show p50 {} at {} vs {} at {size};  grade p50 {} vs {}",
                ms(a[0]),
                sizes[0],
                ms(b[0]),
                ms(a[1]),
                ms(b[1])
            );
            show_grade.push((sizes[0], a));
            show_grade.push((size, b));
        }

        if step == 1 {
            // 6. Disk, after the store was dropped and reopened.
            let (total, total_blocks, files) = du(&data);
            let part = |name: &str| du(&data.join(name));
            let (j, b, d, p) = (
                part("journals"),
                part("backups"),
                part("db"),
                part("pinned"),
            );
            let others = total - j.0 - b.0 - d.0 - p.0;
            println!(
                "6. disk for {size} inspections: {} in {files} files ({} allocated): journals {}, backups {}, db {} ({} allocated, {} files), pinned {}, other {}",
                mb(total),
                mb(total_blocks),
                mb(j.0),
                mb(b.0),
                mb(d.0),
                mb(d.1),
                d.2,
                mb(p.0),
                mb(others)
            );
            lines.push(line(
                format!("data dir for {size} fully graded inspections with backups"),
                "< 100 MB",
                format!(
                    "{} ({} allocated): journals {}, backups {}, sled db {}, pinned {}",
                    mb(total),
                    mb(total_blocks),
                    mb(j.0),
                    mb(b.0),
                    mb(d.0),
                    mb(p.0)
                ),
                Some(total < 100_000_000),
            ));

            // 4. verify: in this process (whose store sled is still cleaning up after
            //    the build), and as the command an inspector runs, `pingshen verify`,
            //    on the closed data dir (its own process, its own open).
            let s = Instant::now();
            let report = st.verify().unwrap();
            let in_process = s.elapsed();
            assert_eq!(report.inspections.len(), size);
            assert_eq!(report.broken().count(), 0);
            let entries: u64 = report.inspections.iter().map(|v| v.entries).sum();
            let st = Arc::try_unwrap(st).ok().expect("only handle");
            drop(st);
            let config = tempfile::tempdir().unwrap();
            let mut commands = Vec::new();
            for _ in 0..3 {
                let s = Instant::now();
                let out = std::process::Command::new(env!("CARGO_BIN_EXE_pingshen"))
                    .arg("--data-dir")
                    .arg(&data)
                    .arg("--config-dir")
                    .arg(config.path())
                    .arg("verify")
                    .output()
                    .unwrap();
                commands.push(s.elapsed());
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            commands.sort();
            let command = commands[1];
            println!(
                "4. verify: {size} journals, {entries} entries: Store::verify() {:.3} s;  `pingshen verify` {:.3} s (median of 3: {:.3}, {:.3}, {:.3})",
                in_process.as_secs_f64(),
                command.as_secs_f64(),
                commands[0].as_secs_f64(),
                commands[1].as_secs_f64(),
                commands[2].as_secs_f64()
            );
            lines.push(line(
                format!("`pingshen verify`, {size} inspections ({entries} entries), median of 3"),
                "< 2 s",
                format!(
                    "{:.2} s (runs {:.2}–{:.2} s; `Store::verify()` in the bench's process {:.2} s)",
                    command.as_secs_f64(),
                    commands[0].as_secs_f64(),
                    commands[2].as_secs_f64(),
                    in_process.as_secs_f64()
                ),
                Some(command < Duration::from_secs(2)),
            ));
            let st = Arc::new(open(&data, &identity));

            // 5. recover.
            drop(Arc::try_unwrap(st).ok().expect("only handle"));
            let s = Instant::now();
            let report =
                pingshen::store::recover(&data, Arc::new(Identity::throwaway("bench"))).unwrap();
            let took = s.elapsed();
            assert_eq!(report.restored.len(), size);
            assert!(report.skipped.is_empty());
            println!(
                "5. recover: {size} inspections rebuilt in {:.3} s",
                took.as_secs_f64()
            );
            lines.push(line(
                format!("`recover`, {size} inspections"),
                "< 10 s",
                format!("{:.2} s", took.as_secs_f64()),
                Some(took < Duration::from_secs(10)),
            ));
            // The old database recover moved aside is not part of what grows next.
            if let Some(aside) = report.moved_aside {
                std::fs::remove_dir_all(aside).unwrap();
            }
            store = Some(open(&data, &identity));
        } else {
            store = Some(Arc::try_unwrap(st).ok().expect("only handle"));
        }
    }
    drop(store);

    if let Some(n) = std::env::var("PINGSHEN_BENCH_ONE_BY_ONE")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        lines.push(one_by_one(root.path(), &t, &identity, n));
    }

    let last = *sizes.last().unwrap();
    for (size, open, list, frame) in &growth {
        if *size == last {
            lines.push(line(
                format!("`list` (`Store::overviews`), {size} inspections"),
                "< 100 ms",
                ms(*list),
                Some(*list < Duration::from_millis(100)),
            ));
            lines.push(line(
                format!("TUI first frame, {size} inspections"),
                "< 100 ms",
                ms(*frame),
                Some(*frame < Duration::from_millis(100)),
            ));
            lines.push(line(
                format!("open (`Store::open_as`, first after the build), {size} inspections"),
                "—",
                ms(*open),
                None,
            ));
        }
    }
    if let [(small, a), (big, b)] = show_grade.as_slice() {
        for (k, what) in ["`show`", "`grade` of a fresh item"].iter().enumerate() {
            let r = b[k].as_secs_f64() / a[k].as_secs_f64();
            lines.push(line(
                format!("{what}: {big} vs {small} inspections"),
                "within 20%",
                format!("{} vs {} ({:+.0}%)", ms(b[k]), ms(a[k]), (r - 1.0) * 100.0),
                Some(r <= 1.2),
            ));
        }
    }

    println!("\ngrowth (p50):");
    println!("   inspections   open        list        first frame");
    for (size, open, list, frame) in &growth {
        println!(
            "   {size:>11}   {:>9}   {:>9}   {:>9}",
            ms(*open),
            ms(*list),
            ms(*frame)
        );
    }
    println!(
        "peak RSS (VmHWM) {:.0} MB",
        status_kb("VmHWM:").unwrap_or(0) as f64 / 1024.0
    );
    if quick {
        // The sizes of a quick run are too small for the budgets to say anything.
        for l in &mut lines {
            l.holds = None;
        }
    }
    println!("\n| what | budget | measured | holds |");
    println!("| --- | --- | --- | --- |");
    for l in &lines {
        println!(
            "| {} | {} | {} | {} |",
            l.what,
            l.budget,
            l.measured,
            match l.holds {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "—",
            }
        );
    }
}
