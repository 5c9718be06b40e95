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
    assert_eq!(history(&conn), migrations());
    // Written for one release more, for the previous release's runner (migrations/README.md).
    assert_eq!(versions(&conn, "schema_migrations"), (1..=10).collect::<Vec<_>>());
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

/// A later release's expand migration, recorded as that release's runner records it: this build
/// must still open the store, apply nothing and leave the later version's record alone.
#[test]
fn newer_schema_versions_are_tolerated() {
    let backend = SqliteBackend::fresh();
    drop(backend.open());
    let conn = rusqlite::Connection::open(backend.dir.path().join("greenlane.db")).unwrap();
    conn.execute_batch(
        "INSERT INTO refinery_schema_history (version, name, applied_on, checksum)
             VALUES (9999, 'later', '2027-01-01T00:00:00Z', '42');
         INSERT INTO schema_migrations (version) VALUES (9999);",
    )
    .unwrap();
    let before = history(&conn);
    drop(conn);
    let store = backend.open();
    let mut tx = store.write().unwrap();
    tx.insert_message(&message(1, b"<x/>", b"<r/>")).unwrap();
    tx.commit().unwrap();
    let conn = rusqlite::Connection::open(backend.dir.path().join("greenlane.db")).unwrap();
    assert_eq!(before.len(), 11);
    assert_eq!(history(&conn), before);
    assert_eq!(versions(&conn, "schema_migrations").len(), 11);
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

/// What refinery's history must hold for this build.
fn migrations() -> Vec<(i64, String, String)> {
    conformance::expected_history(false)
}

/// refinery's history: version, name, checksum.
fn history(conn: &rusqlite::Connection) -> Vec<(i64, String, String)> {
    conn.prepare("SELECT version, name, checksum FROM refinery_schema_history ORDER BY version")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn versions(conn: &rusqlite::Connection, table: &str) -> Vec<i64> {
    conn.prepare(&format!("SELECT version FROM {table} ORDER BY version"))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// A store as the runner before refinery left it at version `upto`: the scripts applied, each
/// recorded only in `schema_migrations`, and one message stored.
fn old_runner_store(dir: &std::path::Path, upto: usize) -> rusqlite::Connection {
    std::fs::create_dir(dir).unwrap();
    let conn = rusqlite::Connection::open(dir.join("greenlane.db")).unwrap();
    conn.execute_batch(
        "CREATE TABLE schema_migrations (
             version    INTEGER PRIMARY KEY,
             applied_at INTEGER NOT NULL DEFAULT (unixepoch())
         )",
    )
    .unwrap();
    for (version, (_, script, _)) in (1..).zip(&conformance::SCRIPTS[..upto]) {
        conn.execute_batch(script).unwrap();
        conn.execute("INSERT INTO schema_migrations (version) VALUES (?1)", [version]).unwrap();
    }
    conn.execute(
        "INSERT INTO messages (digest, message_type, sender, app_time, body, receipt)
         VALUES (?1, 'CEB303', 'E1', NULL, X'3c782f3e', X'3c722f3e')",
        [&conformance::digest(5)[..]],
    )
    .unwrap();
    conn
}

/// A store written by the release before the shared migration runner (versions 1 to 7, applied
/// by the SQLite backend's own runner into `schema_migrations`) opens, keeps its rows and
/// migrates forward: 1 to 7 are translated into refinery's history, 8 to 10 applied.
#[test]
fn a_store_of_the_previous_release_opens_and_migrates_forward() {
    let tmp = SqliteBackend::fresh();
    let dir = tmp.dir.path().join("old");
    drop(old_runner_store(&dir, 7));

    let store = SqliteStore::open(&dir).unwrap_or_else(|e| panic!("{e}"));
    let found = store.read().unwrap().find_message(&conformance::digest(5)).unwrap().expect("the old row is kept");
    assert_eq!(found.message_type, "CEB303");
    assert_eq!(found.receipt, b"<r/>");
    let conn = rusqlite::Connection::open(dir.join("greenlane.db")).unwrap();
    assert_eq!(versions(&conn, "schema_migrations"), (1..=10).collect::<Vec<_>>());
    assert_eq!(history(&conn), migrations());
}

/// A store of the runner before refinery, at this build's newest version, is translated on its
/// first open (every version marked applied, none run again: a re-run of version 1 would fail on
/// its existing tables) and only then: a second open changes nothing. A script that differs
/// from the one applied (here: the history's checksum of version 3, as a build whose version 3
/// was edited would have left it) is refused with an error naming it, and the store is left as
/// it was.
#[test]
fn a_store_of_the_old_runner_is_translated_once_and_a_divergent_script_is_refused() {
    let tmp = SqliteBackend::fresh();
    let dir = tmp.dir.path().join("old");
    drop(old_runner_store(&dir, 10));

    drop(SqliteStore::open(&dir).unwrap_or_else(|e| panic!("{e}")));
    let conn = rusqlite::Connection::open(dir.join("greenlane.db")).unwrap();
    assert_eq!(history(&conn), migrations());
    let applied_on = |conn: &rusqlite::Connection| -> Vec<String> {
        conn.prepare("SELECT applied_on FROM refinery_schema_history ORDER BY version")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let first = applied_on(&conn);

    let store = SqliteStore::open(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(store.read().unwrap().find_message(&conformance::digest(5)).unwrap().is_some());
    drop(store);
    assert_eq!(history(&conn), migrations());
    assert_eq!(applied_on(&conn), first, "translated once");
    assert_eq!(versions(&conn, "schema_migrations"), (1..=10).collect::<Vec<_>>());

    conn.execute("UPDATE refinery_schema_history SET checksum = '12345' WHERE version = 3", []).unwrap();
    let before = history(&conn);
    match SqliteStore::open(&dir) {
        Err(e @ StoreError::Open { .. }) => {
            let text = e.to_string();
            assert!(text.contains("V3__screening_clearances"), "{text}");
            assert!(text.contains("edited"), "{text}");
        }
        other => panic!("expected the divergent script to be refused, got {other:?}"),
    }
    assert_eq!(history(&conn), before);
}

/// A store that has a version applied but not an earlier one this build knows was migrated by a
/// build with other scripts: refinery would skip the earlier one, so the store refuses to open.
#[test]
fn a_version_missing_below_the_newest_applied_is_refused() {
    let backend = SqliteBackend::fresh();
    drop(backend.open());
    let conn = rusqlite::Connection::open(backend.dir.path().join("greenlane.db")).unwrap();
    conn.execute("DELETE FROM refinery_schema_history WHERE version = 5", []).unwrap();
    match SqliteStore::open(backend.dir.path()) {
        Err(e @ StoreError::Open { .. }) => {
            let text = e.to_string();
            assert!(text.contains("V5__review_queue"), "{text}");
            assert!(text.contains("before it"), "{text}");
        }
        other => panic!("expected the gap to be refused, got {other:?}"),
    }
}
