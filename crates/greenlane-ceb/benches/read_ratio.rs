//! The CEB reader's speed as a ratio to its limit, measured in one process: quick-xml merely
//! tokenizing a CEB603 message, and greenlane reading the same bytes typed and validated, run in
//! alternating rounds so that whatever else the machine is doing weighs on both alike.
//!
//! Run with `cargo bench -p greenlane-ceb --bench read_ratio`; it prints a Markdown table for
//! BENCHMARKS.md. Under `cargo test --benches` it only checks that every contender runs.
//!
//! Each round is timed in the thread's own on-CPU time (`/proc/thread-self/schedstat`, in
//! nanoseconds, read right after a yield so that it is current) where Linux provides it, so time
//! spent descheduled while other jobs hold the machine's cores is not charged to whichever
//! contender happened to be running; elsewhere it falls back to wall-clock time. The table's
//! footer says which clock was used.

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Rounds per workload; each round times every contender once, in an order that alternates.
const ROUNDS: usize = 41;
/// Roughly how long the slowest contender runs in one round.
const SLICE: Duration = Duration::from_millis(20);

const HEADER: &str = concat!(
    "| workload | bytes/message | contender | MB/s (median) | lists/s (median) ",
    "| typed ÷ tokenize-only (median, interquartile range over rounds) |"
);

type Contender = (&'static str, fn(&str));

const CONTENDERS: [Contender; 3] = [
    ("tokenize-only", |xml| {
        black_box(support::tokenize(black_box(xml)));
    }),
    ("typed, strict, version detected", |xml| {
        black_box(support::typed(black_box(xml)));
    }),
    ("typed, strict, version 2018 given", |xml| {
        black_box(support::typed_v2018(black_box(xml)));
    }),
];

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let workloads = support::workloads();
    if !measuring {
        for w in &workloads {
            for (_, run) in CONTENDERS {
                run(&w.xml);
            }
            println!("read_ratio: {}: every contender runs (measure with `cargo bench`)", w.name);
        }
        return;
    }

    let clock = Clock::new();
    let (wall_start, cpu_start) = (Instant::now(), on_cpu());
    println!("{HEADER}");
    println!("|---|---:|---|---:|---:|---:|");
    for w in &workloads {
        let iters = calibrate(&w.xml, clock);
        // secs[c][r]: seconds per message for contender c in round r.
        let mut secs = vec![Vec::with_capacity(ROUNDS); CONTENDERS.len()];
        for round in 0..ROUNDS {
            let order: Vec<usize> = if round.is_multiple_of(2) {
                (0..CONTENDERS.len()).collect()
            } else {
                (0..CONTENDERS.len()).rev().collect()
            };
            for c in order {
                let run = CONTENDERS[c].1;
                let took = clock.time(|| {
                    for _ in 0..iters {
                        run(&w.xml);
                    }
                });
                secs[c].push(took.as_secs_f64() / f64::from(iters));
            }
        }
        for (c, (name, _)) in CONTENDERS.iter().enumerate() {
            let mb_s = quantile(secs[c].iter().map(|s| w.xml.len() as f64 / s / 1e6).collect(), 50);
            let lists_s = quantile(secs[c].iter().map(|s| w.entities as f64 / s).collect(), 50);
            // Per round, so both sides of each ratio saw the same machine.
            let ratio = if c == 0 {
                "baseline".to_owned()
            } else {
                let ratios: Vec<f64> = secs[0].iter().zip(&secs[c]).map(|(base, this)| base / this * 100.0).collect();
                let q = |p| quantile(ratios.clone(), p);
                format!("{:.0}% ({:.0}–{:.0}%)", q(50), q(25), q(75))
            };
            println!("| CEB603 × {} | {} | {name} | {mb_s:.1} | {lists_s:.0} | {ratio} |", w.entities, w.xml.len());
        }
    }
    println!();
    println!(
        "{ROUNDS} rounds per workload, the slowest contender ~{} ms per round; {}.",
        SLICE.as_millis(),
        clock.name()
    );
    if let (Some(start), Some(end)) = (cpu_start, on_cpu()) {
        let share = (end - start).as_secs_f64() / wall_start.elapsed().as_secs_f64();
        println!("The bench thread was on a CPU {:.0}% of the wall-clock time (the rest, other jobs).", share * 100.0);
    }
}

/// What a round is timed with.
#[derive(Debug, Clone, Copy)]
enum Clock {
    OnCpu,
    Wall,
}

impl Clock {
    fn new() -> Clock {
        if on_cpu().is_some() { Clock::OnCpu } else { Clock::Wall }
    }

    fn name(self) -> &'static str {
        match self {
            Clock::OnCpu => "timed in on-CPU time of the thread (/proc/thread-self/schedstat)",
            Clock::Wall => "timed in wall-clock time (no /proc/thread-self/schedstat here)",
        }
    }

    fn time(self, f: impl FnOnce()) -> Duration {
        match self {
            Clock::OnCpu => {
                let start = on_cpu().expect("schedstat was readable");
                f();
                on_cpu().expect("schedstat was readable") - start
            }
            Clock::Wall => {
                let start = Instant::now();
                f();
                start.elapsed()
            }
        }
    }
}

/// The calling thread's total time on a CPU, as the Linux scheduler accounts it. The kernel
/// brings the running thread's figure up to date only at scheduling events (otherwise it lags by
/// up to a timer tick, several milliseconds), so the thread yields first: that accounts its time
/// to the nanosecond.
fn on_cpu() -> Option<Duration> {
    std::thread::yield_now();
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    (ns > 0).then(|| Duration::from_nanos(ns))
}

/// Iterations of the slowest contender that fill about one [`SLICE`].
fn calibrate(xml: &str, clock: Clock) -> u32 {
    let typed = CONTENDERS[1].1;
    for _ in 0..3 {
        typed(xml);
    }
    let mut n = 1u32;
    loop {
        let took = clock.time(|| {
            for _ in 0..n {
                typed(xml);
            }
        });
        if took >= SLICE / 4 {
            return ((f64::from(n) * SLICE.as_secs_f64() / took.as_secs_f64()).ceil() as u32).max(1);
        }
        n *= 2;
    }
}

/// The `p`th percentile (nearest rank below).
fn quantile(mut v: Vec<f64>, p: usize) -> f64 {
    v.sort_by(f64::total_cmp);
    v[(v.len() - 1) * p / 100]
}
