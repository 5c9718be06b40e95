//! What a screening costs as the name grows to the longest the API accepts
//! ([`greenlane_screen::MAX_NAME_CHARS`]) and past it, against every list in `data/`: criterion
//! times each (shape, length), then alternating rounds in one process give each as a ratio to a
//! typical 20-character name, and the worst name of the maximum length in µs per query.
//!
//! `cargo bench -p greenlane-screen --bench length` prints the table for BENCHMARKS.md. Under
//! `cargo test --benches` criterion runs each function once and the ratio rounds are skipped.
//!
//! The shapes are the ones that were quadratic before names and words were capped: one word
//! without spaces (one-letter deletions and edit distances grow with the square of a word),
//! many words (dropping honorifics and company types walked the words once per word dropped),
//! single letters (joined into one word), and Chinese characters (a word per syllable).

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

mod common;
use common::{on_cpu, timed};

use criterion::{BenchmarkId, Criterion, Throughput};
use greenlane_screen::{MAX_NAME_CHARS, Query, Screener};

/// A typical party name: the baseline every figure is divided by.
const BASELINE: &str = "Ivan Petrovich Sidor";
const LENGTHS: [usize; 6] = [16, 64, 128, 256, 512, 300_000];
const ROUNDS: usize = 15;
/// Queries per contender per round.
const REPEAT: usize = 40;

/// `unit` repeated up to `chars` characters.
fn cycle(unit: &str, chars: usize) -> String {
    unit.chars().cycle().take(chars).collect()
}

/// A shape's name and how to make a name of that shape and length.
type Shape = (&'static str, fn(usize) -> String);

fn shapes() -> Vec<Shape> {
    vec![
        ("words", |n| cycle("Mohammed Hassan Trading Company Limited Shenzhen Mr Bank Melli Iran ", n)),
        ("one_word", |n| cycle("abcdefghijklmnopqrstuvwxyz", n)),
        ("initials", |n| cycle("a ", n)),
        ("chinese", |n| cycle("长安海连技术有限公司", n)),
    ]
}

fn screener() -> Screener {
    Screener::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data")).expect("lists load")
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn criterion_lengths(c: &mut Criterion, screener: &Screener) {
    let mut group = c.benchmark_group("screen_length");
    // 25 functions: short runs keep the whole bench near a minute.
    group.sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    group.bench_function("baseline_20", |b| b.iter(|| screener.screen(black_box(&Query::name(BASELINE)))));
    for (shape, make) in shapes() {
        for n in LENGTHS {
            let name = make(n);
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new(shape, n), &name, |b, name| {
                b.iter(|| screener.screen(black_box(&Query::name(name))))
            });
        }
    }
    group.finish();
}

/// Each (shape, length) against the baseline in alternating rounds; prints the table.
fn ratio_table(screener: &Screener) {
    let contenders: Vec<(String, usize, String)> = shapes()
        .into_iter()
        .flat_map(|(shape, make)| LENGTHS.into_iter().map(move |n| (shape.to_string(), n, make(n))))
        .collect();
    let per_query = |name: &str| {
        timed(|| {
            for _ in 0..REPEAT {
                black_box(screener.screen(black_box(&Query::name(name))));
            }
        })
        .as_secs_f64()
            / REPEAT as f64
    };
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
    let mut micros: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
    let mut baseline_micros = Vec::new();
    for round in 0..ROUNDS {
        let order: Vec<usize> =
            if round % 2 == 0 { (0..contenders.len()).collect() } else { (0..contenders.len()).rev().collect() };
        for i in order {
            let base = per_query(BASELINE);
            let this = per_query(&contenders[i].2);
            ratios[i].push(this / base);
            micros[i].push(this * 1e6);
            baseline_micros.push(base * 1e6);
        }
    }
    println!("baseline {BASELINE:?}: {:.1} µs per query (median)", median(&mut baseline_micros));
    println!("| shape | {} |", LENGTHS.map(|n| format!("{n} chars")).join(" | "));
    println!("|---|{}", "---:|".repeat(LENGTHS.len()));
    let mut worst_at_limit = 0.0f64;
    for (shape, _) in shapes() {
        let cells: Vec<String> = contenders
            .iter()
            .enumerate()
            .filter(|(_, (s, _, _))| s == shape)
            .map(|(i, (_, n, _))| {
                let ratio = median(&mut ratios[i]);
                let us = median(&mut micros[i]);
                if *n == MAX_NAME_CHARS {
                    worst_at_limit = worst_at_limit.max(us);
                }
                format!("{ratio:.2}× ({us:.0} µs)")
            })
            .collect();
        println!("| {shape} | {} |", cells.join(" | "));
    }
    println!(
        "worst name of the maximum length ({MAX_NAME_CHARS} chars): {worst_at_limit:.0} µs per query (median over {ROUNDS} rounds; {})",
        if on_cpu().is_some() { "on-CPU time of the thread" } else { "wall-clock time" }
    );
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let screener = screener();
    let mut c = Criterion::default().configure_from_args();
    criterion_lengths(&mut c, &screener);
    c.final_summary();
    if measuring {
        ratio_table(&screener);
    }
}
