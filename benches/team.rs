#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark set-up: a failure should stop the run"
)]
//! Budget: merging five exports of the larger shipped checklist in under 200 ms.
//!
//! Two cases: five inspectors on disjoint items (the normal split), and five full
//! copies that disagree on every item (every item a conflict, the worst case).

use std::time::{Duration, Instant};

use pingshen::checklist::Catalog;
use pingshen::identity::keys::TrustStore;
use pingshen::scoring::Grade;
use pingshen::store::{Bundle, Edit, Institution, NewInspection, ReviewKind, Store, read_bundle};

/// `store`'s bundle of `id`, written and read back (checked as any file is).
fn bundle(store: &Store, id: &str) -> Bundle {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.pingshen");
    store.export(id).unwrap().write(&file).unwrap();
    read_bundle(&file).unwrap()
}

/// Trusting every key of `bundles`, as if each had been checked once.
fn trusting<'a>(bundles: impl IntoIterator<Item = &'a Bundle>) -> TrustStore {
    let mut t = TrustStore::empty();
    for b in bundles {
        for a in b.signer.iter().chain(b.entries.iter().map(|e| &e.author)) {
            if let Some(k) = a.key {
                t.trust(&a.name, k);
            }
        }
    }
    t
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let catalog = Catalog::discover(None);
    let found = catalog.get("township-2022").unwrap();
    let items: Vec<String> = found
        .checklist
        .items()
        .map(|(_, _, i)| i.id.clone())
        .collect();
    let lead_dir = tempfile::tempdir().unwrap();
    let lead = Store::open(lead_dir.path()).unwrap();
    let new = NewInspection {
        institution: Institution {
            name: "某镇卫生院".into(),
            region: "某县".into(),
            kind: "乡镇卫生院".into(),
            head: "赵昇".into(),
            phone: "13900000000".into(),
        },
        review_kind: ReviewKind::District,
        date: "2026-11-23".into(),
        inspectors: (1..=5).map(|i| format!("专家{i}")).collect(),
        sample: false,
        organiser: String::new(),
    };
    let insp = lead
        .create(new, &found.checklist, &found.source, "专家1")
        .unwrap();
    let base = bundle(&lead, &insp.id);

    // Each laptop grades its items (disjoint: every fifth item; full: all of them).
    let laptop = |k: usize, disjoint: bool| -> Bundle {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.import(&base, &trusting([&base])).unwrap();
        let who = format!("专家{}", k + 1);
        for (n, item) in items.iter().enumerate() {
            if disjoint && n % 5 != k {
                continue;
            }
            let grade = [Grade::A, Grade::B, Grade::C, Grade::D, Grade::A][k];
            store
                .update(
                    &insp.id,
                    item,
                    &[
                        Edit::Grade(Some(grade)),
                        Edit::Note(format!("{who}：{item} 现场查看记录")),
                    ],
                    &who,
                )
                .unwrap();
        }
        bundle(&store, &insp.id)
    };
    for (label, disjoint) in [("disjoint items", true), ("every item in conflict", false)] {
        let files: Vec<(String, Bundle)> = (0..5)
            .map(|k| (format!("{k}.pingshen"), laptop(k, disjoint)))
            .collect();
        let trust = trusting(files.iter().map(|(_, b)| b));
        let runs = if quick { 1 } else { 10 };
        let mut samples = Vec::new();
        let mut conflicts = 0;
        for _ in 0..runs {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(dir.path()).unwrap();
            store.import(&base, &trust).unwrap();
            let t = Instant::now();
            let report = store.merge(&files, &trust).unwrap();
            samples.push(t.elapsed());
            conflicts = report.conflicted_items().len();
        }
        samples.sort();
        println!(
            "merge five exports of township-2022 ({label}, {conflicts} conflicts), {runs} runs: median {}  max {}",
            ms(samples[samples.len() / 2]),
            ms(*samples.last().unwrap())
        );
    }
}
