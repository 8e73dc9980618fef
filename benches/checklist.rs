//! Budget: loading and validating both shipped checklists together in under 5 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use pingshen::checklist::{builtin_sources, parse_checklist};

fn load_both(c: &mut Criterion) {
    let sources = builtin_sources();
    c.bench_function("load+validate both shipped checklists", |b| {
        b.iter(|| {
            for s in &sources {
                let checklist =
                    parse_checklist(&s.text, "bench").expect("shipped checklist is valid");
                std::hint::black_box(checklist);
            }
        })
    });
}

criterion_group!(benches, load_both);
criterion_main!(benches);
