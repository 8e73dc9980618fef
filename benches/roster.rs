#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark set-up: a failure should stop the run"
)]
//! Budget: the roster of 1,000 inspections, as CSV and as PDF, each under 2 s from
//! the command line (`pingshen roster … -o FILE`: open the store, summarise every
//! inspection, select, write). Also times the library steps of the PDF.
//!
//! Whole commands take about a second, so this bench has its own small harness (like
//! benches/store.rs) and prints median and max of a few runs.
//!
//! Run: cargo bench --bench roster

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use pingshen::checklist::Catalog;
use pingshen::report::ReportOptions;
use pingshen::report::roster::{Roster, RosterKind, render};
use pingshen::scoring::Grade;
use pingshen::store::{Edit, Institution, NewInspection, ReviewKind, Store};

const DISTRICTS: [&str; 16] = [
    "东城区",
    "西城区",
    "朝阳区",
    "丰台区",
    "石景山区",
    "海淀区",
    "门头沟区",
    "房山区",
    "通州区",
    "顺义区",
    "昌平区",
    "大兴区",
    "怀柔区",
    "平谷区",
    "密云区",
    "延庆区",
];

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

/// `count` inspections of community-2022, every item graded: every third reaches
/// 推荐标准, the others fall short; 16 districts, distinct names and heads.
fn district(dir: &Path, count: usize) {
    let catalog = Catalog::discover(None);
    let found = catalog.get("community-2022").expect("shipped checklist");
    let store = Store::open(dir).unwrap();
    let items: Vec<String> = found
        .checklist
        .items()
        .map(|(_, _, i)| i.id.clone())
        .collect();
    let patterns = [
        &[Grade::A][..],
        &[Grade::A, Grade::B, Grade::C, Grade::D, Grade::C, Grade::B][..],
    ];
    for i in 0..count {
        let d = DISTRICTS[i % DISTRICTS.len()];
        let insp = store
            .create(
                NewInspection {
                    institution: Institution {
                        name: format!("第{i}社区卫生服务中心"),
                        region: format!("北京市{d}"),
                        kind: "社区卫生服务中心".into(),
                        head: format!("负责人{i}"),
                        phone: format!("139{i:08}"),
                    },
                    review_kind: ReviewKind::District,
                    date: format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                    inspectors: vec!["张三".into()],
                    sample: false,
                    organiser: String::new(),
                },
                &found.checklist,
                &found.source,
                "张三",
            )
            .unwrap();
        let pattern = patterns[usize::from(i % 3 != 0)];
        let edits: Vec<[Edit; 1]> = (0..items.len())
            .map(|n| [Edit::Grade(Some(pattern[n % pattern.len()]))])
            .collect();
        let batch: Vec<(&str, &[Edit])> = items
            .iter()
            .zip(&edits)
            .map(|(i, e)| (i.as_str(), e.as_slice()))
            .collect();
        store.update_many(&insp.id, &batch, "张三").unwrap();
    }
}

fn main() {
    // `cargo test --benches` runs bench targets without --bench: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let count = if quick { 20 } else { 1000 };
    let runs = if quick { 1 } else { 5 };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let t = Instant::now();
    district(&data, count);
    println!("setup: {count} inspections imported in {}", ms(t.elapsed()));

    // The library steps of the PDF.
    let summaries = {
        let store = Store::open(&data).unwrap();
        let (med, max) = time(runs, || {
            assert_eq!(store.overviews().unwrap().len(), count);
        });
        println!(
            "summaries of {count} inspections: median {}  max {}",
            ms(med),
            ms(max)
        );
        store.overviews().unwrap()
    };
    let options = ReportOptions {
        generated_at: Some("2026-11-23 09:30".into()),
        ..ReportOptions::default()
    };
    let roster = Roster::new(RosterKind::All, &summaries, "");
    let mut pages = 0;
    let (med, max) = time(runs, || pages = render(&roster, &options).unwrap().pages);
    println!(
        "roster PDF rendering ({count} rows, {pages} pages): median {}  max {}",
        ms(med),
        ms(max)
    );

    // Whole commands, as a district clerk runs them.
    let exe = env!("CARGO_BIN_EXE_pingshen");
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let cases: [(&str, &[&str], &str); 3] = [
        ("roster CSV", &["roster", "--format", "csv"], "roster.csv"),
        (
            "roster PDF",
            &["roster", "--format", "pdf", "--no-system-fonts"],
            "roster.pdf",
        ),
        (
            "附件1 PDF (--recommended)",
            &[
                "roster",
                "--recommended",
                "--format",
                "pdf",
                "--no-system-fonts",
                "--filler",
                "李琇",
            ],
            "annex.pdf",
        ),
    ];
    for (name, args, file) in cases {
        let out = out_dir.join(file);
        let (med, max) = time(runs, || {
            let status = Command::new(exe)
                .args(args)
                .arg("-o")
                .arg(&out)
                .env("PINGSHEN_DATA_DIR", &data)
                .env("PINGSHEN_CHECKLIST_DIR", dir.path().join("none"))
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap();
            assert!(status.success());
        });
        let size = std::fs::metadata(&out).unwrap().len();
        println!(
            "`pingshen {}` over {count} inspections: median {}  max {}  ({:.1} KB); budget < 2 s",
            args.join(" "),
            ms(med),
            ms(max),
            size as f64 / 1024.0
        );
        if !quick {
            assert!(max < Duration::from_secs(2), "{name} over the 2 s budget");
        }
    }
    if let Ok(keep) = std::env::var("PINGSHEN_BENCH_KEEP") {
        for f in ["roster.pdf", "annex.pdf"] {
            std::fs::copy(out_dir.join(f), Path::new(&keep).join(f)).unwrap();
        }
    }
}
