//! The conformance suite on the PostgreSQL backend, against a throwaway server this test binary
//! starts itself (`pg_server`), plus what only PostgreSQL has: URLs, passwords kept out of logs,
//! and connections the server closes.

mod conformance;
mod pg_server;

use conformance::{Backend, at, decided_row, decision_of, digest, message};
use greenlane_log::{Entry, Log, LogError, Record};
use greenlane_store::{PgLog, PgStore, Store, StoreError};

/// One fresh database on the shared test server.
struct PgBackend {
    url: String,
}

impl PgBackend {
    fn fresh() -> PgBackend {
        PgBackend { url: pg_server::server().fresh_database() }
    }

    fn dbname(&self) -> &str {
        // postgresql://postgres@/NAME?host=…
        self.url.split_once("@/").and_then(|(_, rest)| rest.split('?').next()).unwrap_or_default()
    }
}

impl Backend for PgBackend {
    fn open(&self) -> Box<dyn Store> {
        Box::new(PgStore::connect(&self.url).unwrap_or_else(|e| panic!("connect {}: {e}", self.url)))
    }

    fn location(&self) -> String {
        self.url.clone()
    }
}

conformance::conformance_suite!(PgBackend::fresh());

#[test]
fn open_picks_postgres_for_a_url_and_keeps_the_password_out_of_describe() {
    let backend = PgBackend::fresh();
    // The test server trusts every local connection, so any password is accepted.
    let with_password = backend.url.replacen("postgres@", "postgres:hunter2@", 1);
    assert!(with_password.contains("hunter2"));
    let store = greenlane_store::open(&with_password).unwrap_or_else(|e| panic!("{e}"));
    let described = store.describe();
    assert!(described.starts_with("postgresql://postgres@"), "{described}");
    assert!(described.ends_with(backend.dbname()), "{described}");
    assert!(!described.contains("hunter2"), "{described}");
    let direct = PgStore::connect(&with_password).unwrap_or_else(|e| panic!("{e}"));
    assert!(!format!("{direct:?}").contains("hunter2"), "{direct:?}");
}

#[test]
fn a_failed_connection_is_an_open_error_without_the_password() {
    let server = pg_server::server();
    let url = server.url("no_such_database").replacen("postgres@", "postgres:hunter2@", 1);
    match PgStore::connect(&url) {
        Err(e @ StoreError::Open { .. }) => {
            let text = e.to_string();
            assert!(text.contains("no_such_database"), "{text}");
            assert!(!text.contains("hunter2"), "{text}");
        }
        other => panic!("expected an open error, got {other:?}"),
    }
    match PgStore::connect("postgres://clerk:hunter2@[not a host/db") {
        Err(e @ StoreError::Open { .. }) => assert!(!e.to_string().contains("hunter2"), "{e}"),
        other => panic!("expected an open error, got {other:?}"),
    }
}

#[test]
fn the_store_reconnects_after_the_server_closes_its_connections() {
    let backend = PgBackend::fresh();
    let store = backend.open();
    let mut tx = store.write().unwrap();
    let first = tx.append_decision(&decision_of(&decided_row("C-1"))).unwrap();
    tx.commit().unwrap();
    drop(store.read().unwrap()); // a pooled reader

    let terminated = pg_server::server().terminate_sessions(backend.dbname());
    assert!(terminated >= 2, "writer and reader sessions, got {terminated}");

    let mut tx = store.write().unwrap_or_else(|e| panic!("write after the server closed the writer: {e}"));
    tx.insert_message(&message(1, b"<x/>", b"<r/>")).unwrap();
    let second = tx.append_decision(&decision_of(&decided_row("C-2"))).unwrap();
    tx.commit().unwrap();
    assert!(second > first);
    let mut r = store.read().unwrap_or_else(|e| panic!("read after the server closed the reader: {e}"));
    assert_eq!(r.decisions_after(0, 10).unwrap().len(), 2);
    assert!(r.find_message(&digest(1)).unwrap().is_some());
    assert!(at("20261129103000").0 > 0);
}

#[test]
fn migrations_are_applied_once_and_newer_versions_are_tolerated() {
    let backend = PgBackend::fresh();
    drop(backend.open());
    let mut client = postgres::Client::connect(&backend.url, postgres::NoTls).unwrap();
    let versions: Vec<i32> = client
        .query("SELECT version FROM schema_migrations ORDER BY version", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(versions, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // A later release's expand migration: this build must still open the store.
    client.batch_execute("INSERT INTO schema_migrations (version) VALUES (9999)").unwrap();
    let store = backend.open();
    let mut tx = store.write().unwrap();
    tx.insert_message(&message(1, b"<x/>", b"<r/>")).unwrap();
    tx.commit().unwrap();
    let n: i64 = client.query_one("SELECT count(*) FROM schema_migrations", &[]).unwrap().get(0);
    assert_eq!(n, 11);
}

fn entry(partition: &'static str, kind: u8, payload: &'static [u8]) -> Entry<'static> {
    Entry { partition, kind, payload }
}

fn read_all(log: &PgLog, from: u64) -> Vec<Vec<Record>> {
    greenlane_log::groups(log.read_from(from).unwrap()).collect::<Result<_, LogError>>().unwrap()
}

#[test]
fn the_log_table_keeps_groups_in_order_across_reopening_and_a_rebuild() {
    let backend = PgBackend::fresh();
    let mut log = PgLog::connect(&backend.url).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(log.next_seq(), 1);
    let first = log.append(&[entry("E1", 1, b"one"), entry("E2", 1, b"two")]).unwrap();
    assert_eq!(first.iter().map(|p| p.seq).collect::<Vec<_>>(), [1, 2]);
    let second = log.append(&[entry("", 2, b"\x00\xff")]).unwrap();
    assert_eq!(second[0].seq, 3);
    assert_eq!(log.next_seq(), 4);
    assert!(log.describe().contains(backend.dbname()), "{}", log.describe());

    // One appender: a second open while this one holds the log is refused.
    match PgLog::connect(&backend.url) {
        Err(StoreError::Open { reason, .. }) => assert!(reason.contains("open elsewhere"), "{reason}"),
        other => panic!("expected the second appender to be refused, got {other:?}"),
    }

    let groups = read_all(&log, 1);
    assert_eq!(groups.len(), 2);
    let (a, b) = (&groups[0], &groups[1]);
    assert_eq!(
        a.iter().map(|r| (r.partition.as_str(), r.kind, &r.payload[..])).collect::<Vec<_>>(),
        [("E1", 1, &b"one"[..]), ("E2", 1, &b"two"[..])]
    );
    assert!(a.iter().all(|r| r.group == 1 && r.group_len == 2));
    assert!(a[1].ends_group() && !a[0].ends_group());
    assert_eq!((b[0].position.seq, b[0].group, b[0].group_len, &b[0].payload[..]), (3, 3, 1, &b"\x00\xff"[..]));
    assert_eq!(read_all(&log, 2).concat().iter().map(|r| r.position.seq).collect::<Vec<_>>(), [2, 3]);
    assert!(read_all(&log, 4).is_empty());

    // A group larger than a page of reading comes back whole and in order.
    let payloads: Vec<Vec<u8>> = (0..700u32).map(|i| i.to_le_bytes().to_vec()).collect();
    let big: Vec<Entry<'_>> = payloads.iter().map(|p| Entry { partition: "E3", kind: 1, payload: p }).collect();
    log.append(&big).unwrap();
    drop(log);

    // Reopened, it continues where it was; the store's rebuild forgets what it derived, never
    // the log it derives it from.
    let store = backend.open();
    let mut tx = store.write().unwrap();
    tx.forget_derived().unwrap();
    tx.commit().unwrap();
    let log = PgLog::connect(&backend.url).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(log.next_seq(), 704);
    let groups = read_all(&log, 1);
    assert_eq!(groups.len(), 3);
    assert_eq!(groups[2].len(), 700);
    assert!(groups[2].iter().zip(&payloads).all(|(r, p)| &r.payload == p && r.group == 4));
    assert_eq!(groups.concat().iter().map(|r| r.position.seq).collect::<Vec<_>>(), (1..704).collect::<Vec<_>>());
}
