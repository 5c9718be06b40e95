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

/// What refinery's history must hold for this build.
fn migrations() -> Vec<(i64, String, String)> {
    conformance::expected_history(true)
}

/// refinery's history: version, name, checksum.
fn history(client: &mut postgres::Client) -> Vec<(i64, String, String)> {
    client
        .query("SELECT version, name, checksum FROM refinery_schema_history ORDER BY version", &[])
        .unwrap()
        .iter()
        .map(|r| (i64::from(r.get::<_, i32>(0)), r.get(1), r.get(2)))
        .collect()
}

fn old_versions(client: &mut postgres::Client) -> Vec<i32> {
    client
        .query("SELECT version FROM schema_migrations ORDER BY version", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn migrations_are_applied_once_and_newer_versions_are_tolerated() {
    let backend = PgBackend::fresh();
    drop(backend.open());
    let mut client = postgres::Client::connect(&backend.url, postgres::NoTls).unwrap();
    assert_eq!(history(&mut client), migrations());
    // Written for one release more, for the previous release's runner (migrations/README.md).
    assert_eq!(old_versions(&mut client), (1..=10).collect::<Vec<_>>());
    // A later release's expand migration, recorded as that release's runner records it: this
    // build must still open the store, apply nothing and leave the later version's record alone.
    client
        .batch_execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum)
                 VALUES (9999, 'later', '2027-01-01T00:00:00Z', '42');
             INSERT INTO schema_migrations (version) VALUES (9999);",
        )
        .unwrap();
    let before = history(&mut client);
    let store = backend.open();
    let mut tx = store.write().unwrap();
    tx.insert_message(&message(1, b"<x/>", b"<r/>")).unwrap();
    tx.commit().unwrap();
    assert_eq!(before.len(), 11);
    assert_eq!(history(&mut client), before);
    assert_eq!(old_versions(&mut client).len(), 11);
}

/// Stores opened together on one new database (as processes starting together would: one
/// connection each) apply each version once: the advisory lock serialises them, and the later
/// ones find everything applied.
#[test]
fn stores_opened_together_apply_each_migration_once() {
    let backend = PgBackend::fresh();
    let barrier = std::sync::Barrier::new(4);
    std::thread::scope(|s| {
        let opens: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    PgStore::connect(&backend.url).map(drop)
                })
            })
            .collect();
        for open in opens {
            open.join().unwrap().unwrap_or_else(|e| panic!("{e}"));
        }
    });
    let mut client = postgres::Client::connect(&backend.url, postgres::NoTls).unwrap();
    assert_eq!(history(&mut client), migrations());
    assert_eq!(old_versions(&mut client), (1..=10).collect::<Vec<_>>());
}

/// A store of the runner before refinery (scripts applied, versions only in
/// `schema_migrations`) is translated on its first open, 8 to 10 applied after 1 to 7 are marked,
/// and only then: a second open changes nothing. A script that differs from the one applied
/// (here: the history's checksum of version 3, as a build whose version 3 was edited would have
/// left it) is refused with an error naming it, and the store is left as it was.
#[test]
fn a_store_of_the_old_runner_is_translated_once_and_a_divergent_script_is_refused() {
    let backend = PgBackend::fresh();
    let mut client = postgres::Client::connect(&backend.url, postgres::NoTls).unwrap();
    client
        .batch_execute(
            "CREATE TABLE schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .unwrap();
    for (version, (_, _, script)) in (1i32..).zip(&conformance::SCRIPTS[..7]) {
        client.batch_execute(script).unwrap();
        client.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[&version]).unwrap();
    }
    client
        .execute(
            "INSERT INTO messages (digest, message_type, sender, app_time, body, receipt)
             VALUES ($1, 'CEB303', 'E1', NULL, '\\x3c782f3e', '\\x3c722f3e')",
            &[&&digest(5)[..]],
        )
        .unwrap();

    let store = backend.open();
    assert!(store.read().unwrap().find_message(&digest(5)).unwrap().is_some(), "the old row is kept");
    drop(store);
    assert_eq!(history(&mut client), migrations());
    assert_eq!(old_versions(&mut client), (1..=10).collect::<Vec<_>>());
    let applied_on = |client: &mut postgres::Client| -> Vec<String> {
        client
            .query("SELECT applied_on FROM refinery_schema_history ORDER BY version", &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    let first = applied_on(&mut client);

    drop(backend.open());
    assert_eq!(history(&mut client), migrations());
    assert_eq!(applied_on(&mut client), first, "translated once");

    client.batch_execute("UPDATE refinery_schema_history SET checksum = '12345' WHERE version = 3").unwrap();
    let before = history(&mut client);
    match PgStore::connect(&backend.url) {
        Err(e @ StoreError::Open { .. }) => {
            let text = e.to_string();
            assert!(text.contains("V3__screening_clearances"), "{text}");
            assert!(text.contains("edited"), "{text}");
        }
        other => panic!("expected the divergent script to be refused, got {other:?}"),
    }
    assert_eq!(history(&mut client), before);
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
