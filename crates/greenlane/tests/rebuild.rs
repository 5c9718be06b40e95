//! `greenlane rebuild` against the real binary, on both backends: a simulated day taken in partly
//! offline (`ingest`) and partly over HTTP (`serve`), with an officer's inspection, is rebuilt
//! from its intake log, in place and into a store that has only the log, and
//! `greenlane decisions` prints the same bytes each time.

mod common;

#[path = "../../greenlane-store/tests/pg_server/mod.rs"]
#[allow(dead_code)]
mod pg_server;

use common::{ADMIN, Server};
use std::path::Path;
use std::process::Command;

/// `--data DIR` or `--database URL`.
type StoreArgs<'a> = [&'a str; 2];

/// Snapshots every 40 decided parcels, so that a small day takes several and restarts from one
/// (an embedded store's; a PostgreSQL hub keeps none yet).
const SNAPSHOT_EVERY: (&str, &str) = ("GREENLANE_SNAPSHOT_EVERY", "40");

/// The risk snapshots kept in `data`.
fn snapshots(data: &Path) -> usize {
    std::fs::read_dir(data.join("snapshots"))
        .map(|d| d.filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "snap"))).count())
        .unwrap_or(0)
}

fn greenlane(args: &[&str], store: StoreArgs<'_>) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_greenlane"))
        .args(args)
        .args(store)
        .env(SNAPSHOT_EVERY.0, SNAPSHOT_EVERY.1)
        .output()
        .expect("the greenlane binary runs");
    assert!(out.status.success(), "greenlane {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn decisions(store: StoreArgs<'_>) -> String {
    String::from_utf8(greenlane(&["decisions", "--format", "jsonl"], store).stdout).unwrap()
}

fn folder(dir: &Path) -> StoreArgs<'_> {
    ["--data", dir.to_str().expect("a UTF-8 path")]
}

/// The same bytes, or the first line that differs.
fn assert_same(after: &str, before: &str, what: &str) {
    if let Some((a, b)) = after.lines().zip(before.lines()).find(|(a, b)| a != b) {
        panic!("{what}: first difference\nrebuilt: {a}\noriginal: {b}");
    }
    assert_eq!(after, before, "{what}");
}

/// Takes a simulated day of 300 parcels into `store`: the first half offline, the second over
/// HTTP, then an officer's finding on a list under review. Returns the decisions as printed.
fn take_in_a_day(work: &Path, store: StoreArgs<'_>) -> String {
    let sim = work.join("sim");
    let out = Command::new(env!("CARGO_BIN_EXE_greenlane"))
        .args(["simulate", "--parcels", "300", "--seed", "7", "--out"])
        .arg(&sim)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut files: Vec<_> =
        std::fs::read_dir(sim.join("messages")).unwrap().map(|e| e.unwrap().path()).collect::<Vec<_>>();
    files.sort();
    let (offline, online) = files.split_at(files.len() / 2);

    // The first half offline.
    let first = work.join("first");
    std::fs::create_dir_all(&first).unwrap();
    for f in offline {
        std::fs::copy(f, first.join(f.file_name().unwrap())).unwrap();
    }
    greenlane(&["ingest", first.to_str().unwrap()], store);

    // The second half over HTTP, then an officer's finding on a list under review.
    // On a folder, the hub restores the risk snapshot that ended the offline load, and its
    // start marker in the log records it: the rebuild must restart from the same point.
    let server = Server::start_with_env(store, &[], &[SNAPSHOT_EVERY]);
    for f in online {
        let (status, body) = server.post(Some(ADMIN), &std::fs::read(f).unwrap());
        assert_eq!(status, 200, "{}: {body}", f.display());
    }
    let (status, feed) = server.get(Some(ADMIN), "/api/v1/decisions?limit=1000");
    assert_eq!(status, 200, "{feed}");
    let feed: serde_json::Value = serde_json::from_str(&feed).unwrap();
    let reviewed = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| matches!(d["lane"].as_str(), Some("yellow" | "red" | "hold")))
        .expect("the simulated day routes some parcels to officers")
        .clone();
    let (status, body) = server.post_json(
        Some(ADMIN),
        "/api/v1/inspections",
        &serde_json::json!({"copNo": reviewed["copNo"], "ebcCode": reviewed["ebcCode"],
            "outcome": "violation", "violation": "undervaluation", "note": "invoice shows 10x"}),
    );
    assert_eq!(status, 200, "{body}");
    drop(server);

    let before = decisions(store);
    assert_eq!(before.lines().count(), 300, "one decision per parcel");
    assert!(before.contains("invoice shows 10x"), "the inspection is among the decisions");
    before
}

#[test]
fn rebuild_from_the_log_gives_the_same_decisions_byte_for_byte() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    let before = take_in_a_day(work.path(), folder(&data));
    assert!(snapshots(&data) >= 2, "the risk engine was snapshotted after the offline load and while it served");
    assert!(data.join("log").is_dir());

    // In place: the derived store forgotten and derived again.
    let out = greenlane(&["rebuild"], folder(&data));
    assert!(String::from_utf8_lossy(&out.stdout).contains("rebuilt"), "{out:?}");
    assert_same(&decisions(folder(&data)), &before, "rebuilt in place");

    // From the log alone, into a folder with no store at all.
    let bare = work.path().join("bare");
    let log = bare.join("log");
    std::fs::create_dir_all(&log).unwrap();
    for entry in std::fs::read_dir(data.join("log")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), log.join(entry.file_name())).unwrap();
    }
    greenlane(&["rebuild"], folder(&bare));
    assert_same(&decisions(folder(&bare)), &before, "rebuilt from the log alone");

    // A hub restarted on the rebuilt folder takes new messages after the rebuilt ones.
    let server = Server::on_folder(&bare);
    let (status, _) = server.get(Some(ADMIN), "/healthz");
    assert_eq!(status, 200);
}

#[test]
fn rebuild_on_postgresql_from_its_log_table_gives_the_same_decisions_byte_for_byte() {
    let work = tempfile::tempdir().unwrap();
    let server = pg_server::server();
    let url = server.fresh_database();
    let store = ["--database", url.as_str()];
    let before = take_in_a_day(work.path(), store);

    // In place: the derived tables emptied and derived again from the table intake_log.
    let out = greenlane(&["rebuild"], store);
    assert!(String::from_utf8_lossy(&out.stdout).contains("rebuilt"), "{out:?}");
    assert_same(&decisions(store), &before, "rebuilt in place on PostgreSQL");

    // From the log alone: a fresh database given only the log's rows.
    let bare = server.fresh_database();
    let bare_store = ["--database", bare.as_str()];
    greenlane(&["rebuild"], bare_store); // creates the schema; an empty log rebuilds nothing
    assert_eq!(decisions(bare_store), "");
    let mut from = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let mut to = postgres::Client::connect(&bare, postgres::NoTls).unwrap();
    let rows = from.query("SELECT seq, grp, group_len, partition_key, kind, payload FROM intake_log", &[]).unwrap();
    assert!(rows.len() > 10, "the log holds the day: {} records", rows.len());
    for r in &rows {
        let (seq, grp, len, key, kind, payload): (i64, i64, i32, String, i16, Vec<u8>) =
            (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5));
        to.execute(
            "INSERT INTO intake_log (seq, grp, group_len, partition_key, kind, payload) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&seq, &grp, &len, &key, &kind, &payload],
        )
        .unwrap();
    }
    greenlane(&["rebuild"], bare_store);
    assert_same(&decisions(bare_store), &before, "rebuilt on PostgreSQL from the log alone");
}

#[test]
fn rebuild_refuses_a_folder_without_a_log_and_a_database_it_cannot_reach() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        Command::new(env!("CARGO_BIN_EXE_greenlane")).args(["rebuild", "--data"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no intake log"), "{out:?}");
    let out = Command::new(env!("CARGO_BIN_EXE_greenlane"))
        .args(["rebuild", "--database", "postgres://nobody@127.0.0.1:1/none"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open the store"), "{out:?}");
}
