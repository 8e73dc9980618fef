#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark set-up: a failure should stop the run"
)]
//! Budgets: exporting the township checklist to a workbook and importing it back each
//! under 100 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use pingshen::checklist::Catalog;
use pingshen::checklist::workbook::{import, workbook_bytes};

fn township() -> pingshen::checklist::Checklist {
    Catalog::discover(None)
        .get("township-2022")
        .expect("shipped")
        .checklist
        .clone()
}

fn export(c: &mut Criterion) {
    let checklist = township();
    c.bench_function("export township checklist to xlsx", |b| {
        b.iter(|| std::hint::black_box(workbook_bytes(Some(&checklist)).expect("written")))
    });
}

fn import_back(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("township.xlsx");
    std::fs::write(&path, workbook_bytes(Some(&township())).expect("written")).expect("saved");
    c.bench_function(
        "import township checklist from xlsx (read + convert + validate)",
        |b| b.iter(|| std::hint::black_box(import(&[path.as_path()]).expect("imports"))),
    );
}

criterion_group!(benches, export, import_back);
criterion_main!(benches);
