#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark set-up: a failure should stop the run"
)]
//! Budgets: one durable grade (journal append + fdatasync, then the sled projection) under 10 ms at p99; `list` (every
//! inspection with progress and verdict) over 1,000 inspections under 200 ms.
//!
//! Percentiles need every sample, which criterion does not report, so this bench has
//! its own small harness and prints p50/p99/max.

use std::time::{Duration, Instant};

use pingshen::checklist::Catalog;
use pingshen::scoring::Grade;
use pingshen::store::{Edit, Institution, NewInspection, ReviewKind, Store};

fn new_inspection(i: usize) -> NewInspection {
    NewInspection {
        institution: Institution {
            name: format!("第{i}社区卫生服务中心"),
            region: "北京市东城区".into(),
            kind: "乡镇卫生院".into(),
            head: "王五".into(),
            phone: "13800000000".into(),
        },
        review_kind: ReviewKind::District,
        date: "2026-11-23".into(),
        inspectors: vec!["张三".into()],
        sample: false,
        organiser: String::new(),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    // `cargo test --benches` runs bench targets with --bench absent: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let catalog = Catalog::discover(None);
    let found = catalog.get("township-2022").expect("shipped checklist");
    let items: Vec<String> = found
        .checklist
        .items()
        .map(|(_, _, i)| i.id.clone())
        .collect();
    let grades = [Grade::A, Grade::B, Grade::C, Grade::D];

    // One durable grade.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let insp = store
        .create(new_inspection(0), &found.checklist, &found.source, "张三")
        .unwrap();
    let n = if quick { 20 } else { 2000 };
    let mut samples = Vec::with_capacity(n);
    for k in 0..n {
        let t = Instant::now();
        store
            .grade(
                &insp.id,
                &items[k % items.len()],
                Some(grades[k % 4]),
                "张三",
            )
            .unwrap();
        samples.push(t.elapsed());
    }
    samples.sort();
    println!(
        "durable grade (journal append + fdatasync + projection; a backup every 50 changes included), {n} samples: p50 {}  p99 {}  max {}",
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.99)),
        ms(*samples.last().unwrap())
    );

    // `list` over 1,000 inspections, each with every item graded.
    let count = if quick { 20 } else { 1000 };
    let dir2 = tempfile::tempdir().unwrap();
    let big = Store::open(dir2.path()).unwrap();
    let edits: Vec<[Edit; 1]> = (0..items.len())
        .map(|n| [Edit::Grade(Some(grades[n % 4]))])
        .collect();
    let batch: Vec<(&str, &[Edit])> = items
        .iter()
        .zip(&edits)
        .map(|(i, e)| (i.as_str(), e.as_slice()))
        .collect();
    for i in 0..count {
        let one = big
            .create(new_inspection(i), &found.checklist, &found.source, "张三")
            .unwrap();
        big.update_many(&one.id, &batch, "张三").unwrap();
    }
    let runs = if quick { 2 } else { 20 };
    let mut list_samples = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let rows = big.overviews().unwrap();
        list_samples.push(t.elapsed());
        assert_eq!(rows.len(), count);
    }
    list_samples.sort();
    println!(
        "list (summaries with progress and verdict) over {count} inspections, {runs} runs: p50 {}  max {}",
        ms(percentile(&list_samples, 0.5)),
        ms(*list_samples.last().unwrap())
    );
}
