//! The conformance suite on the PostgreSQL backend, against a throwaway server this test binary
//! starts itself (`pg_server`), plus what only PostgreSQL has: URLs, passwords kept out of logs,
//! and connections the server closes.

mod conformance;
mod pg_server;

use conformance::{Backend, at, decided_row, decision_of, digest, message};
use greenlane_store::{PgStore, Store, StoreError};

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
    assert_eq!(versions, [1, 2, 3, 4, 5, 6, 7]);
    // A later release's expand migration: this build must still open the store.
    client.batch_execute("INSERT INTO schema_migrations (version) VALUES (9999)").unwrap();
    let store = backend.open();
    let mut tx = store.write().unwrap();
    tx.insert_message(&message(1, b"<x/>", b"<r/>")).unwrap();
    tx.commit().unwrap();
    let n: i64 = client.query_one("SELECT count(*) FROM schema_migrations", &[]).unwrap().get(0);
    assert_eq!(n, 8);
}
