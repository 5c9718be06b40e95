//! The log's append throughput as a ratio to the physical limit measured in the same run, and
//! what zstd makes of CEB traffic with and without a trained dictionary.
//!
//! Traffic: a simulated day (greenlane-sim, seed 1, the simulator's default batching of up to
//! 100 entities per message), in arrival order, cut into groups as the hub's writer takes them:
//! at most `GROUP_MESSAGES` messages or `group_bytes` bytes. Contenders, run in alternating
//! rounds on the same groups, each round into a fresh folder:
//!
//! - *raw write + fdatasync*: the same message bytes appended to one plain file, one
//!   `fdatasync` per group. No framing, no checksum, no compression: the disk's limit.
//! - *SegmentLog*: `Log::append` per group (compression with the dictionary, CRC-32C, framing,
//!   segment rollover at 64 MiB, one `fdatasync` per group).
//!
//! Compression: the first `TRAIN` messages train the dictionary; the ratio is measured on the
//! messages after them (held out), per message as the log stores them, at zstd level 3.
//!
//! `cargo bench -p greenlane-log --bench append` (GREENLANE_BENCH_PARCELS, default 20,000).
//! Without `--bench` (as `cargo test --benches` runs it) it checks on 300 parcels that every
//! contender runs.

use greenlane_log::{Config, Entry, Log, SegmentLog};
use std::io::Write as _;
use std::time::{Duration, Instant};

/// Messages the dictionary is trained on.
const TRAIN: usize = 2000;
/// Messages per group at most: the HTTP writer's `MAX_BATCH`.
const GROUP_MESSAGES: usize = 1024;

struct Message {
    sender: String,
    bytes: Vec<u8>,
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let parcels: usize = if measuring {
        std::env::var("GREENLANE_BENCH_PARCELS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000)
    } else {
        300
    };
    let rounds = if measuring { 5 } else { 1 };
    let simulation =
        greenlane_sim::generate(&greenlane_sim::SimConfig { parcels, ..Default::default() }).expect("a simulated day");
    let messages: Vec<Message> =
        simulation.messages().map(|m| Message { sender: m.sender_code, bytes: m.bytes }).collect();
    let total: usize = messages.iter().map(|m| m.bytes.len()).sum();
    println!(
        "traffic: {parcels} parcels, {} messages, {:.1} MB ({} bytes/message)",
        messages.len(),
        total as f64 / 1e6,
        total / messages.len()
    );

    let dictionary = train_and_compare(&messages, "platforms' batches of up to 100 entities");
    // One parcel's document per message, as small senders push them over HTTP: less repeats
    // inside a message, so more is left for the dictionary.
    let single: Vec<Message> =
        greenlane_sim::generate(&greenlane_sim::SimConfig { parcels: parcels / 4, max_batch: 1, ..Default::default() })
            .expect("a simulated day")
            .messages()
            .map(|m| Message { sender: m.sender_code, bytes: m.bytes })
            .collect();
    train_and_compare(&single, "one entity per message");

    let work = tempfile::tempdir_in(std::env::var_os("GREENLANE_BENCH_DIR").unwrap_or_else(|| ".".into()))
        .expect("a scratch folder");
    println!();
    println!(
        "| groups of at most | groups | raw write + fdatasync MB/s | SegmentLog MB/s (messages/s) | ratio (median, min–max over {rounds} rounds) | stored bytes / parcel |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for group_bytes in [1 << 20, 8 << 20] {
        let groups = grouped(&messages, group_bytes);
        let (mut raw, mut ours, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        let mut stored = 0;
        for round in 0..rounds {
            let dir = work.path().join(format!("{group_bytes}-{round}"));
            std::fs::create_dir_all(&dir).unwrap();
            // Alternate which contender goes first, so neither always meets a warm or busy disk.
            let (r, (o, bytes)) = if round % 2 == 0 {
                let r = raw_append(&groups, &dir.join("raw"));
                (r, log_append(&groups, &dir.join("log"), &dictionary))
            } else {
                let o = log_append(&groups, &dir.join("log"), &dictionary);
                (raw_append(&groups, &dir.join("raw")), o)
            };
            std::fs::remove_dir_all(&dir).unwrap();
            raw.push(r);
            ours.push(o);
            ratios.push(r.as_secs_f64() / o.as_secs_f64());
            stored = bytes;
        }
        let mb = |d: &Duration| total as f64 / 1e6 / d.as_secs_f64();
        let median_ours = median(&ours);
        ratios.sort_by(f64::total_cmp);
        println!(
            "| {} MiB / {GROUP_MESSAGES} messages | {} | {:.0} | {:.0} ({:.0}) | **{:.0}%** ({:.0}–{:.0}%) | {} |",
            group_bytes >> 20,
            groups.len(),
            mb(&median(&raw)),
            mb(&median_ours),
            messages.len() as f64 / median_ours.as_secs_f64(),
            ratios[ratios.len() / 2] * 100.0,
            ratios[0] * 100.0,
            ratios[ratios.len() - 1] * 100.0,
            stored / parcels as u64,
        );
    }
    if !measuring {
        println!("append: every contender runs (measure with `cargo bench -p greenlane-log --bench append`)");
    }
}

/// Consecutive messages, at most `GROUP_MESSAGES` or `max_bytes` bytes per group.
fn grouped(messages: &[Message], max_bytes: usize) -> Vec<&[Message]> {
    let mut groups = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, m) in messages.iter().enumerate() {
        if i > start && (i - start >= GROUP_MESSAGES || bytes + m.bytes.len() > max_bytes) {
            groups.push(&messages[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += m.bytes.len();
    }
    groups.push(&messages[start..]);
    groups
}

fn raw_append(groups: &[&[Message]], path: &std::path::Path) -> Duration {
    let started = Instant::now();
    let mut file = std::fs::File::create(path).unwrap();
    for group in groups {
        for m in *group {
            file.write_all(&m.bytes).unwrap();
        }
        file.sync_data().unwrap();
    }
    started.elapsed()
}

/// Appends every group; returns the time and the bytes the segments hold.
fn log_append(groups: &[&[Message]], dir: &std::path::Path, dictionary: &[u8]) -> (Duration, u64) {
    // Opening (which writes the dictionary file) is not appending.
    let mut log = SegmentLog::open(dir, Config { dictionary: Some(dictionary.to_vec()), ..Config::default() }).unwrap();
    let started = Instant::now();
    for group in groups {
        let entries: Vec<Entry<'_>> =
            group.iter().map(|m| Entry { partition: &m.sender, kind: 0, payload: &m.bytes }).collect();
        log.append(&entries).unwrap();
    }
    let elapsed = started.elapsed();
    (elapsed, log.disk_bytes().unwrap())
}

/// Trains a dictionary on the first messages and prints the compression of the rest; returns
/// the dictionary.
fn train_and_compare(messages: &[Message], workload: &str) -> Vec<u8> {
    let train = TRAIN.min(messages.len() / 3);
    let samples: Vec<&[u8]> = messages[..train].iter().map(|m| &m.bytes[..m.bytes.len().min(16 * 1024)]).collect();
    let started = Instant::now();
    let dictionary = zstd::dict::from_samples(&samples, Config::default().dictionary_bytes).expect("training");
    compression(&messages[train..], &dictionary, started.elapsed(), train, workload);
    dictionary
}

/// zstd per message, as the log stores them: without and with the dictionary.
fn compression(messages: &[Message], dictionary: &[u8], training: Duration, trained_on: usize, workload: &str) {
    let raw: usize = messages.iter().map(|m| m.bytes.len()).sum();
    println!();
    println!(
        "| zstd level 3, per message: {workload} ({} held-out messages, {} bytes/message) | compressed MB | ratio | compression MB/s (one core) |",
        messages.len(),
        raw / messages.len()
    );
    println!("|---|---:|---:|---:|");
    let mut plain = zstd::bulk::Compressor::new(3).unwrap();
    let mut with_dict = zstd::bulk::Compressor::with_dictionary(3, dictionary).unwrap();
    for (name, compressor) in [("no dictionary", &mut plain), ("trained dictionary", &mut with_dict)] {
        let started = Instant::now();
        let compressed: usize = messages.iter().map(|m| compressor.compress(&m.bytes).unwrap().len()).sum();
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "| {name} | {:.2} | **{:.1}×** | {:.0} |",
            compressed as f64 / 1e6,
            raw as f64 / compressed as f64,
            raw as f64 / 1e6 / seconds
        );
    }
    println!(
        "dictionary: {} bytes, trained on the first {trained_on} messages in {:.2} s",
        dictionary.len(),
        training.as_secs_f64()
    );
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}
