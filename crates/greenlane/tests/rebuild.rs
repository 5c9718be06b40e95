//! `greenlane rebuild` against the real binary: a simulated day taken in partly offline
//! (`ingest`) and partly over HTTP (`serve`), with an officer's inspection, is rebuilt from its
//! intake log, in place and into a folder that has only the log, and `greenlane decisions`
//! prints the same bytes each time.

mod common;

use common::{ADMIN, Server};
use std::path::Path;
use std::process::Command;

fn greenlane(args: &[&str], data: &Path) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_greenlane"))
        .args(args)
        .arg("--data")
        .arg(data)
        .output()
        .expect("the greenlane binary runs");
    assert!(out.status.success(), "greenlane {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Snapshots every 40 decided parcels, so that a small day takes several and restarts from one.
const SNAPSHOT_EVERY: (&str, &str) = ("GREENLANE_SNAPSHOT_EVERY", "40");

/// The risk snapshots kept in `data`.
fn snapshots(data: &Path) -> usize {
    std::fs::read_dir(data.join("snapshots"))
        .map(|d| d.filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "snap"))).count())
        .unwrap_or(0)
}

fn decisions(data: &Path) -> String {
    String::from_utf8(greenlane(&["decisions", "--format", "jsonl"], data).stdout).unwrap()
}

/// The same bytes, or the first line that differs.
fn assert_same(after: &str, before: &str, what: &str) {
    if let Some((a, b)) = after.lines().zip(before.lines()).find(|(a, b)| a != b) {
        panic!("{what}: first difference\nrebuilt: {a}\noriginal: {b}");
    }
    assert_eq!(after, before, "{what}");
}

#[test]
fn rebuild_from_the_log_gives_the_same_decisions_byte_for_byte() {
    let work = tempfile::tempdir().unwrap();
    let sim = work.path().join("sim");
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
    let data = work.path().join("data");
    let first = work.path().join("first");
    std::fs::create_dir_all(&first).unwrap();
    for f in offline {
        std::fs::copy(f, first.join(f.file_name().unwrap())).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_greenlane"))
        .args(["ingest", "--data"])
        .arg(&data)
        .arg(&first)
        .env(SNAPSHOT_EVERY.0, SNAPSHOT_EVERY.1)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(snapshots(&data), 1, "the risk engine was snapshotted at the end of the load");

    // The second half over HTTP (the hub restored from the snapshot that ended the offline
    // load, which its start marker records), then an officer's finding on a list under review.
    let server = Server::start_with_env(["--data", data.to_str().unwrap()], &[], &[SNAPSHOT_EVERY]);
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
    assert!(snapshots(&data) >= 2, "and while it served");

    let before = decisions(&data);
    let lines = before.clone();
    assert_eq!(lines.lines().count(), 300, "one decision per parcel");
    assert!(lines.contains("invoice shows 10x"), "the inspection is among the decisions");
    assert!(data.join("log").is_dir());

    // In place: the derived store forgotten and derived again.
    let out = greenlane(&["rebuild"], &data);
    assert!(String::from_utf8_lossy(&out.stdout).contains("rebuilt"), "{out:?}");
    assert_same(&decisions(&data), &before, "rebuilt in place");

    // From the log alone, into a folder with no store at all.
    let bare = work.path().join("bare");
    let log = bare.join("log");
    std::fs::create_dir_all(&log).unwrap();
    for entry in std::fs::read_dir(data.join("log")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), log.join(entry.file_name())).unwrap();
    }
    greenlane(&["rebuild"], &bare);
    assert_same(&decisions(&bare), &before, "rebuilt from the log alone");

    // A hub restarted on the rebuilt folder takes new messages after the rebuilt ones.
    let server = Server::on_folder(&bare);
    let (status, _) = server.get(Some(ADMIN), "/healthz");
    assert_eq!(status, 200);
}

#[test]
fn rebuild_refuses_a_folder_without_a_log_and_postgres() {
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
    assert!(String::from_utf8_lossy(&out.stderr).contains("PostgreSQL has no intake log"), "{out:?}");
}
