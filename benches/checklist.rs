#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark set-up: a failure should stop the run"
)]
//! Budgets: loading and validating every shipped checklist together in under 5 ms; a
//! file with 100,000 errors checked in under 2 s, time growing linearly with the
//! number of errors (1,000 → 10,000 → 100,000).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pingshen::checklist::{builtin_sources, parse_checklist};

const SMALL: &str = include_str!("../tests/suite/fixtures/small.toml");

fn load_both(c: &mut Criterion) {
    let sources = builtin_sources();
    c.bench_function("load+validate every shipped checklist", |b| {
        b.iter(|| {
            for s in &sources {
                let checklist =
                    parse_checklist(&s.text, "bench").expect("shipped checklist is valid");
                std::hint::black_box(checklist);
            }
        })
    });
}

/// The small fixture with `n` unknown keys in its `[checklist]` table.
fn unknown_keys(n: usize) -> String {
    let keys: String = (0..n).map(|i| format!("bogus_{i} = 1\n")).collect();
    SMALL.replacen(
        "source = \"pingshen 测试数据\"\n",
        &format!("source = \"pingshen 测试数据\"\n{keys}"),
        1,
    )
}

/// The small fixture with a third chapter of `n` items whose tier does not exist.
fn bad_tiers(n: usize) -> String {
    let mut text = format!(
        "{SMALL}\n[[chapter]]\nid = \"3\"\ntitle = \"生成的章\"\n\n  [[chapter.section]]\n  id = \"3.1\"\n  title = \"生成的节\"\n"
    );
    for i in 1..=n {
        text.push_str(&format!(
            "\n    [[chapter.section.item]]\n    id = \"3.1.{i}\"\n    title = \"生成的条款\"\n    tier = \"优秀标准\"\n    methods = [\"查阅资料\"]\n    c = \"要点。\"\n"
        ));
    }
    text
}

/// The small fixture with `n` lines typed with a full-width `＝`: syntax errors.
fn full_width_equals(n: usize) -> String {
    let lines: String = (0..n).map(|i| format!("key_{i} ＝ \"值\"\n")).collect();
    format!("{SMALL}{lines}")
}

/// Makes a file with the given number of errors.
type MakeFile = fn(usize) -> String;

fn many_errors(c: &mut Criterion) {
    let mut group = c.benchmark_group("check a file with N errors");
    group.sample_size(10);
    let kinds: [(&str, MakeFile); 3] = [
        ("unknown keys", unknown_keys),
        ("bad tier values", bad_tiers),
        ("full-width = (syntax)", full_width_equals),
    ];
    for (kind, make) in kinds {
        for n in [1_000, 10_000, 100_000] {
            let text = make(n);
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new(kind, n), &text, |b, text| {
                b.iter(|| {
                    let diags = parse_checklist(text, "bench").expect_err("has errors");
                    assert_eq!(diags.len(), n);
                    std::hint::black_box(diags)
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, load_both, many_errors);
criterion_main!(benches);
