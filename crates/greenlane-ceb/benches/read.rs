//! Criterion benchmarks of the CEB reader: CEB603 lists of 1 and 100 entities, read typed and
//! validated, against quick-xml merely tokenizing the same bytes in the same run.
//!
//! Run with `cargo bench -p greenlane-ceb --bench read`. Criterion reports time, elements/s
//! (elements = declaration lists) and MiB/s per function; the ratio to the baseline is printed by
//! the `read_ratio` bench, which interleaves the two in one process.

mod support;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn read(c: &mut Criterion) {
    for w in support::workloads() {
        let mut group = c.benchmark_group(format!("read/{}", w.name));
        group.throughput(Throughput::ElementsAndBytes { elements: w.entities as u64, bytes: w.xml.len() as u64 });
        group.bench_function("tokenize_only", |b| b.iter(|| support::tokenize(black_box(&w.xml))));
        group.bench_function("typed_strict", |b| b.iter(|| support::typed(black_box(&w.xml))));
        group.bench_function("typed_strict_v2018", |b| b.iter(|| support::typed_v2018(black_box(&w.xml))));
        group.finish();
    }
}

criterion_group!(benches, read);
criterion_main!(benches);
