//! Offline ingest benchmark: `greenlane ingest`'s pipeline over N parcels (order + waybill + list,
//! platforms batching 100 entities per message), against the limit measured in the same run:
//! reading the same files and inserting the rows the pipeline stored, as raw batched SQLite
//! inserts into the same schema, with no parsing and no rules.
//!
//! The pipeline runs twice on the same files, each into a fresh folder: with the intake log in
//! front of the store (as `greenlane ingest --data` runs now) and without it (as before the log),
//! and the table gives both against the same limit, with the bytes each keeps per parcel.
//!
//! `cargo bench -p greenlane --bench ingest` (GREENLANE_BENCH_PARCELS, default 100,000;
//! GREENLANE_BENCH_DATABASE=postgres://… to also run the pipeline on PostgreSQL, with its log
//! table, into that (empty) database, and then, as its limit, a raw `COPY … FROM STDIN BINARY`
//! of the rows it stored into fresh tables of the same schema). Without
//! `--bench` (as `cargo test --benches` runs it) it only checks, on 300 parcels, that both runs
//! work and agree.

#[path = "../../greenlane-pipeline/tests/support/mod.rs"]
mod support;

#[path = "../tests/common/mod.rs"]
mod common;

#[path = "../src/ingest.rs"]
#[allow(dead_code)]
mod ingest;

#[path = "../src/risk.rs"]
#[allow(dead_code)]
mod risk;

#[path = "shared/traffic.rs"]
mod traffic;

#[path = "shared/physical.rs"]
mod physical;

use greenlane_pipeline::{Config, Pipeline};
use greenlane_store::{SqliteStore, Store};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use traffic::PER_MESSAGE;

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let parcels: usize = if measuring {
        std::env::var("GREENLANE_BENCH_PARCELS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000)
    } else {
        300
    };
    let work = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let files = traffic::generate(parcels, &work.path().join("traffic"));
    let bytes: u64 = files.iter().map(|f| std::fs::metadata(f).unwrap().len()).sum();
    eprintln!(
        "generated {parcels} parcels in {} files ({:.0} MB) in {:.1} s",
        files.len(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    // 1. The pipeline, exactly as `greenlane ingest` runs it: the log first, then the store.
    let logged_dir = work.path().join("logged");
    let (logged, logged_bytes) = embedded_ingest(&files, parcels, &logged_dir, true);
    let ingest_peak = peak_rss_mb();
    // 2. The same without the log, as before it.
    let store_dir = work.path().join("greenlane");
    let (ours, store_bytes) = embedded_ingest(&files, parcels, &store_dir, false);

    // 3. The limit: read the same files, insert the same rows, raw.
    let limit = raw_sqlite_limit(&files, &store_dir.join(SqliteStore::FILE_NAME), &work.path().join("raw"));

    // 4. The physical limit of intake (issue 14): the same bytes read, tokenized, compressed and
    // appended with one fdatasync per batch, on the same cores.
    let physical = physical_limit(&files, &work.path().join("physical"));
    println!(
        "physical limit: {:.0} parcels/s; greenlane ingest with the log at {:.0}% of it, without the log at {:.0}%",
        parcels as f64 / physical,
        100.0 * physical / logged,
        100.0 * physical / ours
    );

    // 5. The floor of deciding: what any ingest that decides each parcel must do beyond the
    // physical limit, with no rule, no risk engine and no row: the same bytes read into typed
    // messages and each buyer screened, on every core. An ingest does this work and the physical
    // limit's on the same two cores, so physical ÷ (physical + floor) bounds its ratio.
    // The physical limit already tokenizes the same bytes, so only what typed reading costs above
    // tokenizing is added to it.
    let floor = decision_floor(&files, &real_lists());
    let tokenizing = tokenize_only(&files);
    let bound = physical / (physical + (floor - tokenizing).max(0.0));
    println!(
        "decision floor (typed parse + buyer screening, no rule, no row): {:.0} parcels/s; reading and tokenizing \
         alone {:.0} parcels/s; best reachable ratio of a deciding ingest to the physical limit: {:.0}%",
        parcels as f64 / floor,
        parcels as f64 / tokenizing,
        100.0 * bound
    );

    let per_parcel = |bytes: u64| bytes / parcels as u64;
    let mut table = vec![
        format!(
            "{} {ingest_peak} MB | {} |",
            row("SQLite + intake log (now)", parcels, logged, limit),
            per_parcel(logged_bytes)
        ),
        format!("{} | {} |", row("SQLite alone (before the log)", parcels, ours, limit), per_parcel(store_bytes)),
    ];
    eprintln!("with the log ÷ without: {:.0}% of the throughput", 100.0 * ours / logged);

    // 3. PostgreSQL, when a server is given: as `greenlane ingest --database` runs, with the log
    // table in front of the store. The database should be empty: its size is what the run kept.
    if let Ok(url) = std::env::var("GREENLANE_BENCH_DATABASE") {
        let store: Arc<dyn Store> = Arc::from(greenlane_store::open(&url).unwrap());
        let mut pipeline = real_pipeline(store);
        let log = greenlane_store::PgLog::connect(&url).unwrap();
        pipeline = pipeline.with_log(Box::new(log)).unwrap();
        pipeline.log_start().unwrap();
        let summary = ingest::run(&mut pipeline, &files, false).unwrap();
        assert_eq!(summary.decided.values().sum::<u64>(), parcels as u64, "{summary}");
        drop(pipeline);
        let raw_copy = raw_copy_limit(&url, &files);
        println!(
            "PostgreSQL: greenlane ingest {:.0} parcels/s, raw COPY of the same rows {:.0} parcels/s: {:.0}% of it",
            parcels as f64 / summary.seconds,
            parcels as f64 / raw_copy,
            100.0 * raw_copy / summary.seconds
        );
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let mut size = |sql: &str| -> u64 {
            let bytes: i64 = client.query_one(sql, &[]).unwrap().get(0);
            bytes as u64
        };
        let database = size("SELECT pg_database_size(current_database())");
        let log_table = size("SELECT pg_total_relation_size('intake_log')");
        let bodies = size("SELECT coalesce(sum(octet_length(body)), 0)::bigint FROM messages");
        eprintln!(
            "PostgreSQL: {:.1} s, of which the writer applied batches for {:.1} s; database {} MB, \
             of which the log table {} MB; message bodies in the rows {} MB",
            summary.seconds,
            summary.apply_seconds,
            database / 1_000_000,
            log_table / 1_000_000,
            bodies / 1_000_000
        );
        table.push(format!(
            "{} (whole run) {} MB | {} |",
            row("PostgreSQL + log table (now)", parcels, summary.seconds, limit),
            peak_rss_mb(),
            per_parcel(database)
        ));
    }

    println!(
        "| backend | parcels | messages | greenlane ingest parcels/s | raw SQLite limit parcels/s | ratio | peak RSS | stored bytes / parcel |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for line in table {
        println!("{line}");
    }
    if !measuring {
        println!("ingest: pipeline and raw limit both ran on {parcels} parcels (measure with `cargo bench`)");
    }
}

/// `greenlane ingest` into a fresh folder, with or without the intake log in `DIR/log`; returns
/// the seconds it took and the bytes the folder holds afterwards (database, its WAL, the log).
fn embedded_ingest(files: &[PathBuf], parcels: usize, dir: &Path, with_log: bool) -> (f64, u64) {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir).unwrap());
    let mut pipeline = real_pipeline(store);
    if with_log {
        let log = greenlane_log::SegmentLog::open(&dir.join("log"), greenlane_log::Config::default()).unwrap();
        pipeline = pipeline.with_log(Box::new(log)).unwrap();
        pipeline.log_start().unwrap();
    }
    let summary = ingest::run(&mut pipeline, files, false).unwrap();
    assert_eq!(summary.decided.values().sum::<u64>(), parcels as u64, "{summary}");
    drop(pipeline);
    eprintln!(
        "ingest{}: {:.1} s, of which the writer applied batches for {:.1} s",
        if with_log { " with the log" } else { "" },
        summary.seconds,
        summary.apply_seconds
    );
    (summary.seconds, folder_bytes(dir))
}

fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| if e.file_type().unwrap().is_dir() { folder_bytes(&e.path()) } else { e.metadata().unwrap().len() })
        .sum()
}

/// The pipeline as `greenlane ingest` builds it: the risk engine with the shipped criteria and
/// the denied-party lists that ship with greenlane.
fn real_pipeline(store: Arc<dyn Store>) -> Pipeline {
    let engine = risk::SharedEngine::load(None).unwrap();
    Pipeline::new(store, Box::new(engine), Config::default()).unwrap().with_lists(real_lists()).unwrap()
}

/// The denied-party lists that ship with greenlane.
fn real_lists() -> Arc<greenlane_pipeline::Lists> {
    let lists = Path::new(env!("CARGO_MANIFEST_DIR")).join("../greenlane-screen/data");
    Arc::new(greenlane_pipeline::Lists::load(&lists).unwrap())
}

/// Seconds to read every file into typed messages (greenlane-ceb, as the pipeline's preparation
/// does) and screen every order's buyer against the lists, batch by batch on every core. The
/// parties at home (exporter, agent, logistics firm) recur and are remembered by the writer, so
/// the buyer is the one name a parcel costs.
fn decision_floor(files: &[PathBuf], lists: &greenlane_pipeline::Lists) -> f64 {
    use greenlane_ceb::Message;
    use rayon::prelude::*;
    let started = Instant::now();
    let mut screened = 0usize;
    for batch in ingest::batches(files) {
        screened += batch
            .par_iter()
            .map(|f| {
                let body = std::fs::read(f).unwrap();
                let parsed = greenlane_ceb::read(&body).unwrap();
                let Message::Ceb303(orders) = &parsed.message else { return 0 };
                let buyers = match orders.extend_message.as_ref().map(|e| &e.message) {
                    Some(greenlane_ceb::ExtendPayload::Consignees(buyers)) => buyers.as_slice(),
                    _ => &[],
                };
                for buyer in buyers {
                    let query = greenlane_screen::Query {
                        name: &buyer.name,
                        country: Some(buyer.country.as_str()).filter(|c| !c.is_empty()),
                        kind: None,
                    };
                    std::hint::black_box(lists.screener().screen(&query));
                }
                buyers.len()
            })
            .sum::<usize>();
    }
    let seconds = started.elapsed().as_secs_f64();
    // The bench's platform sends no consignee block (an optional one), so its parcels carry no
    // buyer to screen and the floor is the typed parse alone; the parties at home are the
    // writer's, remembered after their first parcel.
    eprintln!("decision floor: {screened} buyers screened");
    seconds
}

fn row(backend: &str, parcels: usize, ours: f64, limit: f64) -> String {
    let messages = parcels.div_ceil(PER_MESSAGE) * 3;
    format!(
        "| {backend} | {parcels} | {messages} | {:.0} | {:.0} | {:.0}% |",
        parcels as f64 / ours,
        parcels as f64 / limit,
        100.0 * limit / ours
    )
}

/// Seconds to read every file and insert, in batches of 1,000 rows per transaction, the rows the
/// pipeline left in `stored` into a fresh database of the same schema.
fn raw_sqlite_limit(files: &[PathBuf], stored: &Path, fresh_dir: &Path) -> f64 {
    // The same schema, made by the store's own migrations.
    drop(SqliteStore::open(fresh_dir).unwrap());
    let tables = ["messages", "enterprises", "orders", "waybills", "payments", "lists", "decisions"];
    let source = rusqlite::Connection::open(stored).unwrap();
    let mut rows: Vec<(String, Vec<Vec<rusqlite::types::Value>>)> = Vec::new();
    for table in tables {
        let mut stmt = source.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let width = stmt.column_count();
        let data: Vec<Vec<rusqlite::types::Value>> = stmt
            .query_map([], |r| (0..width).map(|i| r.get::<_, rusqlite::types::Value>(i)).collect())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.push((table.to_owned(), data));
    }
    let mut target = rusqlite::Connection::open(fresh_dir.join(SqliteStore::FILE_NAME)).unwrap();
    target.pragma_update(None, "journal_mode", "WAL").unwrap();
    target.pragma_update(None, "synchronous", "FULL").unwrap();
    let started = Instant::now();
    let mut read_bytes = 0usize;
    for f in files {
        read_bytes += std::fs::read(f).unwrap().len();
    }
    for (table, data) in &rows {
        let Some(first) = data.first() else { continue };
        let placeholders = vec!["?"; first.len()].join(", ");
        for chunk in data.chunks(1000) {
            let tx = target.transaction().unwrap();
            {
                let mut insert = tx.prepare_cached(&format!("INSERT INTO {table} VALUES ({placeholders})")).unwrap();
                for row in chunk {
                    insert.execute(rusqlite::params_from_iter(row.iter())).unwrap();
                }
            }
            tx.commit().unwrap();
        }
    }
    assert!(read_bytes > 0);
    started.elapsed().as_secs_f64()
}

/// Seconds to read every file and write, with `COPY … FROM STDIN BINARY`, the rows the pipeline
/// left in the database at `url` into fresh copies of its tables (same columns, indexes and
/// constraints, in the schema `raw_copy`), one transaction per table: PostgreSQL's own bulk path,
/// with no statement per row and no round trip per row. The rows are read out (also as `COPY …
/// TO STDOUT BINARY`) before the clock starts.
fn raw_copy_limit(url: &str, files: &[PathBuf]) -> f64 {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let tables: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
               AND table_name NOT IN ('schema_migrations', 'refinery_schema_history')
             ORDER BY table_name",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    client.batch_execute("DROP SCHEMA IF EXISTS raw_copy CASCADE; CREATE SCHEMA raw_copy").unwrap();
    let mut rows: Vec<(String, Vec<u8>)> = Vec::new();
    for table in &tables {
        client.batch_execute(&format!("CREATE TABLE raw_copy.{table} (LIKE public.{table} INCLUDING ALL)")).unwrap();
        let mut data = Vec::new();
        let mut out = client.copy_out(&format!("COPY public.{table} TO STDOUT BINARY")).unwrap();
        std::io::Read::read_to_end(&mut out, &mut data).unwrap();
        drop(out);
        rows.push((table.clone(), data));
    }
    let started = Instant::now();
    let mut read_bytes = 0usize;
    for f in files {
        read_bytes += std::fs::read(f).unwrap().len();
    }
    for (table, data) in &rows {
        let mut tx = client.transaction().unwrap();
        let mut sink = tx.copy_in(&format!("COPY raw_copy.{table} FROM STDIN BINARY")).unwrap();
        std::io::Write::write_all(&mut sink, data).unwrap();
        sink.finish().unwrap();
        tx.commit().unwrap();
    }
    assert!(read_bytes > 0);
    let seconds = started.elapsed().as_secs_f64();
    let copied: i64 = client.query_one("SELECT count(*) FROM raw_copy.lists", &[]).unwrap().get(0);
    let stored: i64 = client.query_one("SELECT count(*) FROM public.lists", &[]).unwrap().get(0);
    assert_eq!(copied, stored);
    // The copies would count in the database's size, which the table reports as what the run kept.
    client.batch_execute("DROP SCHEMA raw_copy CASCADE").unwrap();
    seconds
}

fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()))
        .map_or(0, |kb| kb / 1024)
}

/// The physical limit: the same files read, tokenized, compressed and appended, one log group per
/// batch as `greenlane ingest` batches them.
fn physical_limit(files: &[PathBuf], dir: &Path) -> f64 {
    physical::append_limit(&ingest::batches(files), |f| std::fs::read(f).unwrap(), dir)
}

/// Seconds to read every file and visit its XML events (no types), batch by batch on every core:
/// the part of the physical limit that a typed parse does too.
fn tokenize_only(files: &[PathBuf]) -> f64 {
    use rayon::prelude::*;
    let started = Instant::now();
    for batch in ingest::batches(files) {
        let events: usize = batch.par_iter().map(|f| physical::xml_events(&std::fs::read(f).unwrap())).sum();
        assert!(events > 0);
    }
    started.elapsed().as_secs_f64()
}
