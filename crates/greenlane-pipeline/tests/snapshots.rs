//! Risk snapshots on a real SQLite store: a restart restores the newest snapshot the store
//! vouches for and replays only what came after it; a damaged snapshot falls back to an older
//! one, and a snapshot from another store is refused, so the engine relearns everything.

mod support;

use greenlane_pipeline::{Config, Pipeline, Prepared, SnapshotPolicy};
use greenlane_store::{SqliteStore, Store};
use std::path::Path;
use std::sync::Arc;
use support::*;

/// `parcels` parcels, three messages each, applied 30 messages to a transaction.
fn load(store: Arc<dyn Store>, snapshots: &Path, parcels: u32, first: u32) {
    let engine = greenlane_risk::Engine::with_default_criteria().unwrap();
    let mut pipeline = Pipeline::new(store, Box::new(engine), Config::default())
        .unwrap()
        .with_snapshots(SnapshotPolicy { dir: snapshots.to_owned(), every_decided: 40 });
    pipeline.warm_up_risk().unwrap();
    let messages: Vec<Vec<u8>> = (first..first + parcels).flat_map(one_parcel).map(|m| xml(&m)).collect();
    for batch in messages.chunks(30) {
        let prepared: Vec<Prepared> = batch.iter().cloned().map(Prepared::new).collect();
        pipeline.apply(&prepared).unwrap();
    }
    pipeline.snapshot_now(true);
}

/// How many stored parcels a fresh pipeline on `store` replays into its engine.
fn replayed_on_start(store: Arc<dyn Store>, snapshots: &Path) -> usize {
    let engine = greenlane_risk::Engine::with_default_criteria().unwrap();
    let mut pipeline = Pipeline::new(store, Box::new(engine), Config::default())
        .unwrap()
        .with_snapshots(SnapshotPolicy { dir: snapshots.to_owned(), every_decided: 40 });
    pipeline.warm_up_risk().unwrap()
}

fn snapshot_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

#[test]
fn a_restart_replays_only_what_its_snapshot_does_not_cover() {
    let dir = tempfile::tempdir().unwrap();
    let snapshots = dir.path().join("snapshots");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("store")).unwrap());
    load(store.clone(), &snapshots, 200, 0);
    let files = snapshot_files(&snapshots);
    assert_eq!(files.len(), 3, "the newest three are kept: {files:?}");

    // The newest covers everything: nothing to replay.
    assert_eq!(replayed_on_start(store.clone(), &snapshots), 0);

    // More parcels after the newest snapshot, without one at their end: only they are replayed.
    let engine = greenlane_risk::Engine::with_default_criteria().unwrap();
    let mut pipeline = Pipeline::new(store.clone(), Box::new(engine), Config::default()).unwrap();
    let more: Vec<Prepared> = (500..510).flat_map(one_parcel).map(|m| Prepared::new(xml(&m))).collect();
    pipeline.apply(&more).unwrap();
    assert_eq!(replayed_on_start(store.clone(), &snapshots), 10);

    // The newest damaged (a flipped byte in the engine's part): the one before it is used,
    // and more is replayed, never everything.
    let newest = files.last().unwrap();
    let mut bytes = std::fs::read(newest).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 0x10;
    std::fs::write(newest, bytes).unwrap();
    let replayed = replayed_on_start(store.clone(), &snapshots);
    assert!(replayed > 10 && replayed < 210, "{replayed}");

    // Every snapshot torn: everything is replayed.
    for file in snapshot_files(&snapshots) {
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    }
    assert_eq!(replayed_on_start(store, &snapshots), 210);
}

#[test]
fn a_snapshot_from_another_store_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let snapshots = dir.path().join("snapshots");
    let first: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("first")).unwrap());
    load(first, &snapshots, 100, 0);
    // Another store whose feeds are as long, with other lists at the same positions.
    let other: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("other")).unwrap());
    load(other.clone(), &dir.path().join("other-snapshots"), 100, 5_000);
    assert_eq!(replayed_on_start(other, &snapshots), 100);
}
