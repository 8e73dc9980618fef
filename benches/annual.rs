#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark set-up: a failure should stop the run"
)]
//! Budget: `pingshen annual --year 2026` over 10,000 inspections under 2 s, from the
//! command line (open the store, read the register and every overview, compute,
//! print). Growth: 100 → 1,000 → 10,000 inspections of 300 facilities (half
//! 社区卫生服务中心, half 乡镇卫生院), each reviewed over 2024–2026 (自评, 区级评审,
//! 市级复核, 回头看), every item graded. Also times the library step alone
//! (`district::annual::compute` on overviews already read), and the annual report
//! as a PDF (budget: under 1 s for the 300 facilities), in the library
//! (`report::annual::render`: layout, font subsets, PDF) and from the command line
//! (`pingshen annual --year 2026 -o 年度报告.pdf`).
//!
//! Run: cargo bench --bench annual

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pingshen::checklist::Catalog;
use pingshen::district::annual::{AnnualInput, compute, with_agreement};
use pingshen::district::{Known, Targets};
use pingshen::identity::Identity;
use pingshen::report::ReportOptions;
use pingshen::report::annual::{Filler, render};
use pingshen::scoring::Grade;
use pingshen::store::{Edit, Institution, NewInspection, ReviewKind, Store};

const FACILITIES: usize = 300;
const KINDS: [ReviewKind; 4] = [
    ReviewKind::SelfAssessment,
    ReviewKind::District,
    ReviewKind::CityRecheck,
    ReviewKind::LookBack,
];

const TARGETS: &str = r#"
[[target]]
name = "达到服务能力标准的比例"
year = 2026
kinds = ["社区卫生服务中心", "乡镇卫生院"]
counts = "达到基本标准"
share = "85%"

[[target]]
name = "达到推荐标准的比例"
year = 2026
kinds = ["社区卫生服务中心", "乡镇卫生院"]
counts = "达到推荐标准"
share = "35%"

[[target]]
name = "回头看比例"
year = 2026
kinds = ["社区卫生服务中心", "乡镇卫生院"]
counts = "回头看"
passed_before = 2026
share = "30%"
"#;

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Median and max of `runs` runs of `f`.
fn time(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    samples.sort();
    (samples[samples.len() / 2], samples[samples.len() - 1])
}

/// Inspections `from..to`: inspection `i` is of facility `i % 300`, its kind and year
/// turning with `i`; three grade patterns (推荐, 基本, 未达到), every item graded, all
/// but every seventh completed.
fn build(store: &Store, catalog: &Catalog, from: usize, to: usize) {
    let patterns: [&[Grade]; 3] = [
        &[Grade::A, Grade::B],
        &[Grade::B, Grade::C, Grade::C, Grade::D, Grade::C],
        &[Grade::D, Grade::C, Grade::B],
    ];
    for i in from..to {
        let f = i % FACILITIES;
        let (checklist, kind, name) = if f.is_multiple_of(2) {
            (
                "community-2022",
                "社区卫生服务中心",
                format!("第{f}社区卫生服务中心"),
            )
        } else {
            ("township-2022", "乡镇卫生院", format!("第{f}镇卫生院"))
        };
        let found = catalog.get(checklist).unwrap();
        let year = 2024 + (i / 7) % 3;
        let insp = store
            .create(
                NewInspection {
                    institution: Institution {
                        name,
                        region: format!("某市第{}区", f % 12),
                        kind: kind.into(),
                        head: format!("负责人{f}"),
                        phone: format!("139{f:08}"),
                    },
                    review_kind: KINDS[(i / 7) % KINDS.len()],
                    date: format!("{year}-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                    inspectors: vec!["张三".into()],
                    sample: false,
                    organiser: String::new(),
                },
                &found.checklist,
                &found.source,
                "张三",
            )
            .unwrap();
        let pattern = patterns[(i * 7 + f) % 3];
        let items: Vec<(String, Grade)> = found
            .checklist
            .items()
            .enumerate()
            .map(|(n, (_, _, it))| {
                let g = pattern[n % pattern.len()];
                // An item that stops at C takes C for A or B.
                let g = match (g, it.max_level()) {
                    (Grade::A | Grade::B, pingshen::checklist::Level::C) => Grade::C,
                    (Grade::A, pingshen::checklist::Level::B) => Grade::B,
                    (g, _) => g,
                };
                (it.id.clone(), g)
            })
            .collect();
        let edits: Vec<[Edit; 1]> = items.iter().map(|(_, g)| [Edit::Grade(Some(*g))]).collect();
        let batch: Vec<(&str, &[Edit])> = items
            .iter()
            .zip(&edits)
            .map(|((id, _), e)| (id.as_str(), e.as_slice()))
            .collect();
        store.update_many(&insp.id, &batch, "张三").unwrap();
        if !i.is_multiple_of(7) {
            store.complete(&insp.id, "张三").unwrap();
        }
    }
}

fn main() {
    // `cargo test --benches` runs bench targets without --bench: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let sizes: &[usize] = if quick { &[20] } else { &[100, 1_000, 10_000] };
    let runs = if quick { 1 } else { 5 };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("targets.toml"), TARGETS).unwrap();
    let catalog = Catalog::discover(None);
    let known = Known::from_checklists(catalog.available.iter().map(|a| &a.checklist));
    let targets = Targets::parse(TARGETS, "targets.toml", &known)
        .unwrap()
        .targets;
    let identity = Arc::new(Identity::throwaway("bench"));
    let exe = env!("CARGO_BIN_EXE_pingshen");
    let mut built = 0;
    for &size in sizes {
        {
            let store = open(&data, &identity);
            let t = Instant::now();
            build(&store, &catalog, built, size);
            println!(
                "\n{size} inspections ({} facilities): built {} more in {:.1} s",
                FACILITIES.min(size),
                size - built,
                t.elapsed().as_secs_f64()
            );
            built = size;
        }
        // The first open after the build does what a first open after many changes
        // does (a backup of each journal changed, a compaction of the grown
        // database): timed apart, once.
        let t = Instant::now();
        drop(open(&data, &identity));
        println!("first open after the build: {}", ms(t.elapsed()));
        {
            let store = open(&data, &identity);
            let (med, _) = time(runs, || {
                assert_eq!(store.overviews().unwrap().len(), size);
            });
            println!("  overviews of {size} inspections: median {}", ms(med));
            let overviews = store.overviews().unwrap();
            let (med, _) = time(runs, || {
                store.pinned_checklists(&overviews).unwrap();
            });
            println!("  pinned checklists: median {}", ms(med));
            let register = store.facilities().unwrap();
            let checklists = store.pinned_checklists(&overviews).unwrap();
            let results = store.results().unwrap();
            let input = AnnualInput {
                year: 2026,
                region: None,
                register: &register,
                overviews: &overviews,
                checklists: &checklists,
                results: &results,
                targets: &targets,
                plans: &[],
                as_of: None,
            };
            let mut shown = 0;
            let (med, max) = time(runs, || shown = compute(&input).standings.len());
            println!(
                "  compute ({shown} facilities with a 2026 result): median {}  max {}",
                ms(med),
                ms(max)
            );
            let mut pairs = 0;
            let (med, _) = time(runs, || {
                pairs = with_agreement(&store, &input)
                    .agreements
                    .iter()
                    .map(|a| a.pairs.len())
                    .sum();
            });
            println!(
                "  compute with the agreement ({pairs} pairs, their grades read): median {}",
                ms(med)
            );
            let annual = with_agreement(&store, &input);
            let filler = Filler {
                name: "王琇".into(),
                phone: "010-12345678".into(),
            };
            let options = ReportOptions {
                generated_at: Some("2026-12-02 09:00".into()),
                ..ReportOptions::default()
            };
            let mut shape = (0, 0);
            let (med, max) = time(runs, || {
                let r = render(&annual, &filler, &options).unwrap();
                shape = (r.pages, r.pdf.len());
            });
            println!(
                "  annual report PDF ({} facilities, {} pages, {} KB): median {}  max {}; budget < 1 s",
                annual.standings.len() + annual.unreviewed.len(),
                shape.0,
                shape.1 / 1024,
                ms(med),
                ms(max)
            );
            if !quick {
                assert!(max < Duration::from_secs(1), "the PDF over the 1 s budget");
            }
        }
        // The store is closed; sled's lock may linger a moment after the drop.
        std::thread::sleep(Duration::from_millis(200));
        // One run of `pingshen annual --year 2026` with `more` arguments.
        let annual = |more: &[&std::ffi::OsStr]| {
            let out = Command::new(exe)
                .args(["annual", "--year", "2026"])
                .args(more)
                .env("PINGSHEN_DATA_DIR", &data)
                .env("PINGSHEN_CONFIG_DIR", &config)
                .env("PINGSHEN_CHECKLIST_DIR", dir.path().join("none"))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let (med, max) = time(runs, || annual(&[]));
        println!(
            "`pingshen annual --year 2026` over {size} inspections: median {}  max {}; budget < 2 s at 10,000",
            ms(med),
            ms(max)
        );
        let pdf = dir.path().join("年度报告.pdf");
        let (pdf_med, pdf_max) = time(runs, || {
            annual(&["--no-system-fonts".as_ref(), "-o".as_ref(), pdf.as_os_str()])
        });
        println!(
            "`pingshen annual --year 2026 -o 年度报告.pdf` over {size} inspections: median {}  max {}",
            ms(pdf_med),
            ms(pdf_max)
        );
        if !quick && size == 10_000 {
            assert!(max < Duration::from_secs(2), "annual over the 2 s budget");
        }
    }
}

/// Opens the data dir, retrying for up to 5 s while a dropped store's lock lingers.
fn open(dir: &Path, identity: &Arc<Identity>) -> Store {
    let started = Instant::now();
    loop {
        match Store::open_as(dir, identity.clone()) {
            Err(pingshen::store::StoreError::Locked { .. })
                if started.elapsed() < Duration::from_secs(5) =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other.unwrap(),
        }
    }
}
