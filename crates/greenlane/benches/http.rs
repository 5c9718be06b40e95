//! HTTP benchmark: the real `greenlane serve` on loopback, N keep-alive clients posting every
//! message of P parcels (order, waybill, list), each acknowledged only once durable. The baseline,
//! in the same run with the same clients: `GET /healthz`, the HTTP stack with no work behind it.
//! Also samples the server's resident memory through the run, to show it stays flat, and times
//! the physical limit of intake on the same messages (issue 14: read, tokenized, compressed and
//! appended in groups of 1,000 under one `fdatasync`, `shared/physical.rs`).
//!
//! `cargo bench -p greenlane --bench http` (GREENLANE_BENCH_PARCELS, default 30,000;
//! GREENLANE_BENCH_CLIENTS, default 16). Without `--bench` it checks the harness on 100 parcels.

#[path = "../../greenlane-pipeline/tests/support/mod.rs"]
mod support;

#[path = "../tests/common/mod.rs"]
mod common;

#[path = "shared/physical.rs"]
mod physical;

use common::{ADMIN, Server};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::*;

/// Messages per group in the physical limit: the most the ingest's writer takes per transaction.
const PHYSICAL_GROUP: usize = 1000;

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let env = |k: &str, d: usize| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let parcels = if measuring { env("GREENLANE_BENCH_PARCELS", 30_000) } else { 100 };
    let clients = env("GREENLANE_BENCH_CLIENTS", 16);

    let mut messages = Vec::with_capacity(parcels * 3);
    for p in 0..parcels {
        let (o, w, c) = (format!("SZ{p:08}"), format!("SF{p:08}"), format!("C{p:08}"));
        let t = format!("2026112910{:02}00", p % 60);
        messages.push(xml(&list(&c, "1", &t, &o, &w, &[earphones()], "0.2", 1)));
        messages.push(xml(&order(&o, "1", &t, &[earphones()])));
        messages.push(xml(&waybill(&w, "1", &t, "0.2", 1)));
    }

    let dir = tempfile::tempdir().unwrap();
    let server = Server::on_folder(dir.path());
    let base = server.base.clone();
    let pid = server.child.id();

    let health = run(&base, clients, messages.len(), |agent, _| {
        agent.get(format!("{base}/healthz")).call().map(|r| r.status().as_u16())
    });
    let rss = Mutex::new(Vec::new());
    let done = AtomicBool::new(false);
    let posted = std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                rss.lock().unwrap().push(resident_mb(pid));
                std::thread::sleep(Duration::from_millis(250));
            }
        });
        let r = run(&base, clients, messages.len(), |agent, i| {
            agent
                .post(format!("{base}/api/v1/messages"))
                .header("Authorization", &format!("Bearer {ADMIN}"))
                .send(&messages[i][..])
                .map(|r| r.status().as_u16())
        });
        done.store(true, Ordering::Relaxed);
        r
    });
    drop(server);
    // The machine's limit for the same bytes, after the server has stopped: it needs both cores.
    let groups: Vec<&[Vec<u8>]> = messages.chunks(PHYSICAL_GROUP).collect();
    let physical_seconds = physical::append_limit(&groups, Clone::clone, &dir.path().join("physical"));
    let physical_rate = messages.len() as f64 / physical_seconds;
    let rss = rss.into_inner().unwrap();
    let quarter = |q: usize| rss.get(rss.len() * q / 4).copied().unwrap_or(0);

    println!("| workload | clients | requests | requests/s | p50 ms | p99 ms | ratio to /healthz |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    println!(
        "| GET /healthz (baseline) | {clients} | {} | {:.0} | {:.2} | {:.2} | 100% |",
        health.n,
        health.rate(),
        health.p(50),
        health.p(99)
    );
    println!(
        "| POST /api/v1/messages ({parcels} parcels) | {clients} | {} | {:.0} | {:.2} | {:.2} | {:.1}% |",
        posted.n,
        posted.rate(),
        posted.p(50),
        posted.p(99),
        100.0 * posted.rate() / health.rate()
    );
    println!(
        "physical limit of the same messages: {physical_rate:.0} messages/s; POST /api/v1/messages at {:.1}% of it",
        100.0 * posted.rate() / physical_rate
    );
    println!(
        "server resident memory over the run (MB): start {}, 25% {}, 50% {}, 75% {}, end {}, peak {}",
        rss.first().copied().unwrap_or(0),
        quarter(1),
        quarter(2),
        quarter(3),
        rss.last().copied().unwrap_or(0),
        rss.iter().max().copied().unwrap_or(0)
    );
}

struct Run {
    n: usize,
    seconds: f64,
    latencies: Vec<f64>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.n as f64 / self.seconds
    }

    fn p(&self, pct: usize) -> f64 {
        let i = (self.latencies.len() * pct / 100).min(self.latencies.len() - 1);
        self.latencies[i] * 1000.0
    }
}

/// `count` requests from `clients` keep-alive clients; every answer must be 200.
fn run(
    _base: &str,
    clients: usize,
    count: usize,
    request: impl Fn(&ureq::Agent, usize) -> Result<u16, ureq::Error> + Sync,
) -> Run {
    let next = AtomicUsize::new(0);
    let latencies = Mutex::new(Vec::with_capacity(count));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..clients {
            scope.spawn(|| {
                let agent = common::agent();
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    let t = Instant::now();
                    assert_eq!(request(&agent, i).unwrap(), 200, "request {i}");
                    mine.push(t.elapsed().as_secs_f64());
                }
                latencies.lock().unwrap().extend(mine);
            });
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    let mut latencies = latencies.into_inner().unwrap();
    latencies.sort_by(f64::total_cmp);
    Run { n: count, seconds, latencies }
}

fn resident_mb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()))
        .map_or(0, |kb| kb / 1024)
}
