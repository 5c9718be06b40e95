//! The conformance suite on the embedded SQLite backend, each case in its own temporary folder,
//! plus what only SQLite has: the folder and file, the journal mode, and surviving `kill -9`.

mod conformance;

use conformance::{Backend, decided_row, decision_of, digest, list_key, message};
use greenlane_store::{SqliteStore, Store, StoreError};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use tempfile::TempDir;

/// One fresh store in a temporary folder, deleted at the end of the test.
struct SqliteBackend {
    dir: TempDir,
}

impl SqliteBackend {
    fn fresh() -> SqliteBackend {
        SqliteBackend { dir: tempfile::Builder::new().prefix("greenlane-store-").tempdir().expect("temp dir") }
    }
}

impl Backend for SqliteBackend {
    fn open(&self) -> Box<dyn Store> {
        Box::new(SqliteStore::open(self.dir.path()).unwrap_or_else(|e| panic!("{e}")))
    }

    fn location(&self) -> String {
        self.dir.path().to_str().expect("UTF-8 temp path").to_owned()
    }
}

conformance::conformance_suite!(SqliteBackend::fresh());

#[test]
fn open_creates_the_folder_and_a_wal_database() {
    let tmp = SqliteBackend::fresh();
    let dir = tmp.dir.path().join("nested").join("greenlane-data");
    let store = greenlane_store::open(dir.to_str().unwrap()).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("greenlane.db");
    assert_eq!(store.describe(), format!("sqlite:{}", file.display()));
    let conn = rusqlite::Connection::open(&file).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let versions: Vec<i64> = conn
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(versions, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert!(!greenlane_store::is_postgres_url(dir.to_str().unwrap()));
    assert!(greenlane_store::is_postgres_url("postgres://db/greenlane"));
    assert!(greenlane_store::is_postgres_url("PostgreSQL://db/greenlane"));
    assert!(!greenlane_store::is_postgres_url("./postgres"));
}

#[test]
fn a_file_in_place_of_the_folder_is_an_open_error() {
    let tmp = SqliteBackend::fresh();
    let file = tmp.dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    match SqliteStore::open(&file) {
        Err(StoreError::Open { location, .. }) => assert_eq!(location, file.display().to_string()),
        other => panic!("expected an open error, got {other:?}"),
    }
    // A folder whose database file is not a database.
    let dir = tmp.dir.path().join("garbage");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("greenlane.db"), vec![0x5a; 8192]).unwrap();
    assert!(matches!(SqliteStore::open(&dir), Err(StoreError::Open { .. })));
}

#[test]
fn newer_schema_versions_are_tolerated() {
    let backend = SqliteBackend::fresh();
    drop(backend.open());
    let conn = rusqlite::Connection::open(backend.dir.path().join("greenlane.db")).unwrap();
    conn.execute("INSERT INTO schema_migrations (version) VALUES (9999)", []).unwrap();
    drop(conn);
    let store = backend.open();
    let mut tx = store.write().unwrap();
    tx.insert_message(&message(1, b"<x/>", b"<r/>")).unwrap();
    tx.commit().unwrap();
}

/// Set in the child process of `committed_data_survives_kill_9`: the folder to write to.
const CHILD_DIR: &str = "GREENLANE_STORE_KILL9_DIR";

/// The child writes and commits, says so, starts another transaction and waits to be killed; the
/// parent kills it with SIGKILL mid-transaction and reopens the folder.
#[test]
fn committed_data_survives_kill_9() {
    if let Some(dir) = std::env::var_os(CHILD_DIR) {
        let store = SqliteStore::open(std::path::Path::new(&dir)).unwrap();
        let mut tx = store.write().unwrap();
        tx.insert_message(&message(1, b"<x/>", b"<r/>")).unwrap();
        let row = decided_row("C-1");
        tx.put_list(&row, &conformance::facts(&row)).unwrap();
        tx.append_decision(&decision_of(&decided_row("C-1"))).unwrap();
        tx.commit().unwrap();
        let mut tx = store.write().unwrap();
        tx.insert_message(&message(2, b"<x/>", b"<r/>")).unwrap();
        let row = decided_row("C-2");
        tx.put_list(&row, &conformance::facts(&row)).unwrap();
        println!("committed");
        std::thread::sleep(std::time::Duration::from_secs(60));
        panic!("the parent should have killed this process");
    }

    let backend = SqliteBackend::fresh();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "committed_data_survives_kill_9", "--nocapture", "--test-threads=1"])
        .env(CHILD_DIR, backend.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let said = lines.find(|l| l.as_ref().is_ok_and(|l| l.contains("committed")));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(said.is_some(), "the child did not get to commit");

    let store = backend.open();
    let mut r = store.read().unwrap();
    assert!(r.find_message(&digest(1)).unwrap().is_some());
    assert_eq!(r.get_list(&list_key("C-1")).unwrap(), Some(decided_row("C-1")));
    assert_eq!(r.decisions_after(0, 10).unwrap().len(), 1);
    assert!(r.find_message(&digest(2)).unwrap().is_none(), "uncommitted at the kill");
    assert!(r.get_list(&list_key("C-2")).unwrap().is_none(), "uncommitted at the kill");
}

/// A store written by the release before the shared migration runner (versions 1 to 7, applied
/// by the SQLite backend's own runner into the same `schema_migrations` table) opens, keeps its
/// rows and migrates forward.
#[test]
fn a_store_of_the_previous_release_opens_and_migrates_forward() {
    let tmp = SqliteBackend::fresh();
    let dir = tmp.dir.path().join("old");
    std::fs::create_dir(&dir).unwrap();
    let conn = rusqlite::Connection::open(dir.join("greenlane.db")).unwrap();
    conn.execute_batch(
        "CREATE TABLE schema_migrations (
             version    INTEGER PRIMARY KEY,
             applied_at INTEGER NOT NULL DEFAULT (unixepoch())
         )",
    )
    .unwrap();
    let scripts = [
        include_str!("../migrations/sqlite/0001_init.sql"),
        include_str!("../migrations/sqlite/0002_inspections.sql"),
        include_str!("../migrations/sqlite/0003_screening_clearances.sql"),
        include_str!("../migrations/sqlite/0004_workbench.sql"),
        include_str!("../migrations/sqlite/0005_review_queue.sql"),
        include_str!("../migrations/sqlite/0006_access.sql"),
        include_str!("../migrations/sqlite/0007_log_applied.sql"),
    ];
    for (version, script) in (1..).zip(scripts) {
        conn.execute_batch(script).unwrap();
        conn.execute("INSERT INTO schema_migrations (version) VALUES (?1)", [version]).unwrap();
    }
    conn.execute(
        "INSERT INTO messages (digest, message_type, sender, app_time, body, receipt)
         VALUES (?1, 'CEB303', 'E1', NULL, X'3c782f3e', X'3c722f3e')",
        [&conformance::digest(5)[..]],
    )
    .unwrap();
    drop(conn);

    let store = SqliteStore::open(&dir).unwrap_or_else(|e| panic!("{e}"));
    let found = store.read().unwrap().find_message(&conformance::digest(5)).unwrap().expect("the old row is kept");
    assert_eq!(found.message_type, "CEB303");
    assert_eq!(found.receipt, b"<r/>");
    let conn = rusqlite::Connection::open(dir.join("greenlane.db")).unwrap();
    let top: i64 = conn.query_row("SELECT max(version) FROM schema_migrations", [], |r| r.get(0)).unwrap();
    assert_eq!(top, 10);
}
