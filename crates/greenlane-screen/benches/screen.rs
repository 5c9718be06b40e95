//! Screening speed with every list in `data/` loaded: queries per second and p50/p99 latency per
//! query on one core over the labelled set's queries, and the ratio to a brute-force
//! Jaro-Winkler scan of the same normalized names, measured in the same process in alternating
//! rounds.
//!
//! `cargo bench -p greenlane-screen --bench screen` prints the figures for BENCHMARKS.md. Under
//! `cargo test --benches` (no `--bench` argument) it only checks that both contenders run and
//! agree on an exact name.
//!
//! Latency percentiles come from wall-clock time per query (`Instant`), so a query that was
//! descheduled shows in p99. Throughput and the ratio come from each round's on-CPU time of the
//! thread (`/proc/thread-self/schedstat`, read after a yield), falling back to wall-clock time
//! where Linux does not provide it.
//!
//! Wall-clock time on a machine shared with other builds is noisy, so the bench also prints the
//! load average before and after, and the scan's on-CPU time per query serves as the baseline
//! loop for `benches/instructions.py`: callgrind counts the instructions of a query and of a
//! scan query (`SCREEN_BENCH_ROUNDS=1` runs one round), and the scan's instructions per second
//! in this run turn a query's instructions into time at this run's speed.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

mod common;
use common::{on_cpu, timed};

use greenlane_screen::similarity::jaro_winkler;
use greenlane_screen::{Kind, Query, Screener, normalize_name};

/// Rounds; each runs the indexed screener over every labelled query and the scan over a sample.
/// `SCREEN_BENCH_ROUNDS` overrides it (one round under callgrind).
const ROUNDS: usize = 9;
/// Queries the brute-force scan answers per round (it takes milliseconds each).
const SCAN_SAMPLE: usize = 60;

fn labelled_queries() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/labelled.tsv");
    let text = std::fs::read_to_string(path).expect("labelled set");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split('\t').nth(6))
        .map(String::from)
        .collect()
}

/// The best Jaro-Winkler similarity of the normalized query to any normalized listed name. Not
/// inlined, so that callgrind can count its instructions (`benches/instructions.py`).
#[inline(never)]
fn scan(names: &[String], query: &str) -> f64 {
    let query = normalize_name(query, Kind::Unknown);
    let query = query.as_bytes();
    let mut best = 0.0f64;
    for name in names {
        best = best.max(jaro_winkler(query, name.as_bytes()));
    }
    best
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The 1-, 5- and 15-minute load averages (`/proc/loadavg`), or "unknown".
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let rounds = std::env::var("SCREEN_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(ROUNDS);
    let load_before = load_average();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let load_started = Instant::now();
    let screener = Screener::load_dir(&dir).expect("lists load");
    let load_time = load_started.elapsed();
    let names = screener.normalized_names();
    let queries = labelled_queries();
    if !measuring {
        let hits = screener.screen(&Query::name("BANCO NACIONAL DE CUBA"));
        assert_eq!(hits.first().map(|h| h.entry_id.as_str()), Some("306"));
        assert!(scan(&names, "BANCO NACIONAL DE CUBA") > 0.999);
        println!("screen: the screener and the scan run (measure with `cargo bench`)");
        return;
    }

    let scan_queries: Vec<&String> =
        queries.iter().step_by((queries.len() / SCAN_SAMPLE).max(1)).take(SCAN_SAMPLE).collect();
    let mut latencies = Vec::with_capacity(rounds * queries.len());
    let mut indexed_per_query = Vec::new();
    let mut scan_per_query = Vec::new();
    let mut ratios = Vec::new();
    let mut hits = 0usize;
    for round in 0..rounds {
        let mut run_indexed = || {
            timed(|| {
                for query in &queries {
                    let started = Instant::now();
                    let found = screener.screen(black_box(&Query::name(query)));
                    latencies.push(started.elapsed());
                    hits += found.len();
                }
            })
        };
        let run_scan = || {
            timed(|| {
                for query in &scan_queries {
                    black_box(scan(&names, black_box(query)));
                }
            })
        };
        // Alternate the order so that neither contender always runs on a warmer machine.
        let (indexed, scanned) = if round % 2 == 0 {
            let i = run_indexed();
            (i, run_scan())
        } else {
            let s = run_scan();
            (run_indexed(), s)
        };
        let indexed = indexed.as_secs_f64() / queries.len() as f64;
        let scanned = scanned.as_secs_f64() / scan_queries.len() as f64;
        indexed_per_query.push(indexed);
        scan_per_query.push(scanned);
        ratios.push(scanned / indexed);
    }
    latencies.sort();
    let indexed = median(&mut indexed_per_query);
    let scanned = median(&mut scan_per_query);
    println!("lists loaded and indexed in {load_time:.2?}; {} names indexed", names.len());
    println!("{} labelled queries × {rounds} rounds; scan: {} queries per round", queries.len(), scan_queries.len());
    println!("load average before: {load_before}; after: {}", load_average());
    println!("| contender | per query (median over rounds) | queries/s | p50 | p99 |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| indexed screener | {:.1} µs | {:.0} | {:.1} µs | {:.1} µs |",
        indexed * 1e6,
        1.0 / indexed,
        percentile(&latencies, 0.50).as_secs_f64() * 1e6,
        percentile(&latencies, 0.99).as_secs_f64() * 1e6
    );
    println!("| brute-force Jaro-Winkler scan | {:.1} µs | {:.0} | | |", scanned * 1e6, 1.0 / scanned);
    let spread = {
        let mut sorted = ratios.clone();
        sorted.sort_by(f64::total_cmp);
        (sorted[sorted.len() / 4], sorted[sorted.len() * 3 / 4])
    };
    println!(
        "scan ÷ indexed: {:.0}× (median over rounds; interquartile range {:.0}–{:.0}×); {} hits above the floor",
        median(&mut ratios),
        spread.0,
        spread.1,
        hits / rounds
    );
    println!(
        "{}",
        if on_cpu().is_some() {
            "rounds timed in on-CPU time of the thread"
        } else {
            "rounds timed in wall-clock time"
        }
    );
}
