//! The embedded backend: one SQLite database, `greenlane.db`, in a folder. WAL mode with
//! `synchronous=FULL`, so that a committed transaction survives `kill -9` and power loss and
//! readers never wait for the writer; one writer connection behind a mutex, a small pool of
//! reader connections.

use crate::codec::{self, ListColumns, RawList};
use crate::workbench::{self, AuditEntry, Claim, DailyTotal, ListFacts, QueueFilter, QueueRow};
use crate::{
    Clearance, Counts, Digest, ListRow, NewMessage, OrderRow, ReadTx, Result, Role, SessionRow, Store, StoreError,
    StoredMessage, TokenRow, WaybillRow, WriteTx,
};
use greenlane_core::{Decision, Inspection, ListKey, ListStatus, MessageTime, OrderKey, Payment, WaybillKey};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// The schema, one embedded script per version, applied in order (see migrations/README.md).
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_init.sql")),
    (2, include_str!("../migrations/sqlite/0002_inspections.sql")),
    (3, include_str!("../migrations/sqlite/0003_screening_clearances.sql")),
    (4, include_str!("../migrations/sqlite/0004_workbench.sql")),
    (5, include_str!("../migrations/sqlite/0005_review_queue.sql")),
    (6, include_str!("../migrations/sqlite/0006_access.sql")),
    (7, include_str!("../migrations/sqlite/0007_log_applied.sql")),
];

/// Reader connections kept open between reads; more are opened when needed and closed after.
const IDLE_READERS: usize = 4;

/// How long a connection waits for a lock held by another connection (another process's writer,
/// a checkpoint) before failing with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Statements cached per connection: the interface has about 30 distinct ones.
const STATEMENT_CACHE: usize = 64;

/// The embedded store.
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.path).finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// The database file inside the store's folder (with `-wal` and `-shm` beside it).
    pub const FILE_NAME: &str = "greenlane.db";

    /// Opens the store in folder `dir` (created if missing) and brings its schema up to date.
    pub fn open(dir: &Path) -> Result<SqliteStore> {
        let open_error = |reason: String| StoreError::Open { location: dir.display().to_string(), reason };
        std::fs::create_dir_all(dir).map_err(|e| open_error(format!("cannot create the folder: {e}")))?;
        let path = dir.join(Self::FILE_NAME);
        let writer = open_writer(&path).map_err(open_error)?;
        migrate(&writer).map_err(|e| open_error(format!("cannot apply the schema: {e}")))?;
        let store = SqliteStore { path, writer: Mutex::new(writer), readers: Mutex::new(Vec::new()) };
        // Open one reader now, so that a folder that can be written but not read fails here,
        // at start, rather than on the first request.
        let reader = store.open_reader().map_err(|e| open_error(e.to_string()))?;
        store.give_back(reader);
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn open_reader(&self) -> rusqlite::Result<Connection> {
        // Read-write flags with `query_only`, not SQLITE_OPEN_READ_ONLY: a read-only connection
        // to a WAL database fails when it may not create or write the -wal and -shm files, and
        // recovering the WAL index after a crash needs write access.
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.execute_batch("PRAGMA query_only = ON;")?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }

    fn take_reader(&self) -> Result<Connection> {
        let idle = lock(&self.readers).pop();
        match idle {
            Some(conn) => Ok(conn),
            None => self.open_reader().map_err(backend("opening a reader connection")),
        }
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = lock(&self.readers);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
    }
}

/// A mutex whose holder panicked is still usable: transactions roll back in `Drop`, which runs
/// while unwinding, before the guard is released.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn open_writer(path: &Path) -> std::result::Result<Connection, String> {
    // Without SQLITE_OPEN_URI (which `Connection::open` sets): a folder named `file:…` is a
    // folder, not a URI.
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| e.to_string())?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| e.to_string())?;
    // WAL: readers work on a snapshot beside the writer. The mode is persistent in the file, but
    // setting it every time costs nothing and repairs a file someone switched back.
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| format!("cannot switch to write-ahead logging: {e}"))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!(
            "the database refused write-ahead logging (journal_mode is {mode}); is the folder on a network filesystem?"
        ));
    }
    // FULL, not NORMAL: in WAL mode NORMAL may lose the last transactions on power loss, and a
    // receipt already sent promises the message is kept.
    conn.execute_batch("PRAGMA synchronous = FULL;").map_err(|e| e.to_string())?;
    // The writer revisits the pages of recent parcels (a list waits, its order arrives): a 64 MB
    // page cache keeps them in memory, where SQLite's default 2 MB would read them back. Letting
    // the WAL grow to 32 MB before a checkpoint turns many small copies into a few large ones.
    conn.execute_batch("PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 8192;").map_err(|e| e.to_string())?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// Applies the migrations the database lacks, all in one transaction. Versions newer than this
/// build knows are left alone: by the expand/contract rule the previous release still works on
/// the next one's schema.
fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    // IMMEDIATE takes the write lock first, so two processes opening one folder at once apply
    // each migration once.
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 applied_at INTEGER NOT NULL DEFAULT (unixepoch())
             )",
        )?;
        for &(version, sql) in MIGRATIONS {
            let applied: bool =
                conn.query_row("SELECT count(*) > 0 FROM schema_migrations WHERE version = ?1", [version], |r| {
                    r.get(0)
                })?;
            if !applied {
                conn.execute_batch(sql)?;
                conn.execute("INSERT INTO schema_migrations (version) VALUES (?1)", [version])?;
            }
        }
        Ok(())
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT"),
        Err(e) => {
            // The original error matters more than a failed rollback.
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Maps a SQLite error to [`StoreError::Backend`], naming the operation that failed.
fn backend(operation: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| StoreError::Backend(format!("{operation}: {e}"))
}

impl Store for SqliteStore {
    fn write(&self) -> Result<Box<dyn WriteTx + '_>> {
        let conn = lock(&self.writer);
        if !conn.is_autocommit() {
            // Only reachable if a transaction was leaked without its Drop running
            // (mem::forget): end it rather than nest inside it.
            conn.execute_batch("ROLLBACK").map_err(backend("rolling back a transaction left open"))?;
        }
        conn.execute_batch("BEGIN IMMEDIATE").map_err(backend("starting the write transaction"))?;
        Ok(Box::new(SqliteWrite { conn, done: false, failed: false }))
    }

    fn read(&self) -> Result<Box<dyn ReadTx + '_>> {
        let conn = self.take_reader()?;
        // A deferred transaction takes its snapshot at its first read: read something now, so
        // that the view is the database as of this call, not as of the caller's first query.
        let begun = conn.execute_batch("BEGIN").and_then(|()| {
            conn.prepare_cached("SELECT count(*) FROM schema_migrations")?.query_row([], |r| r.get::<_, i64>(0))
        });
        match begun {
            Ok(_) => Ok(Box::new(SqliteRead { conn: Some(conn), store: self })),
            // The connection is in an unknown state: drop it rather than pool it.
            Err(e) => Err(backend("starting a read transaction")(e)),
        }
    }

    fn describe(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }
}

/// A read-only view on a pooled connection; its transaction ends and the connection returns to
/// the pool on drop.
struct SqliteRead<'s> {
    conn: Option<Connection>,
    store: &'s SqliteStore,
}

impl SqliteRead<'_> {
    fn with<T>(&mut self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        match &self.conn {
            Some(conn) => f(conn),
            None => Err(StoreError::Backend("read transaction used after it ended".into())),
        }
    }
}

impl Drop for SqliteRead<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // A reader that cannot end its transaction would pin an old snapshot (and stop
            // checkpoints) forever: close it instead of pooling it.
            if conn.execute_batch("ROLLBACK").is_ok() {
                self.store.give_back(conn);
            }
        }
    }
}

/// The write transaction: holds the writer connection (and so excludes other writers) from
/// `BEGIN IMMEDIATE` to `COMMIT`, rolling back on drop if not committed.
struct SqliteWrite<'s> {
    conn: MutexGuard<'s, Connection>,
    done: bool,
    /// Set when a statement failed. SQLite rolls a whole transaction back on some errors (full
    /// disk, I/O error) and later statements would then run outside it, each committed alone; so
    /// after any failure the transaction refuses further work and can only be rolled back. This
    /// also keeps the same behaviour as PostgreSQL, which aborts a transaction on any error.
    failed: bool,
}

impl SqliteWrite<'_> {
    fn with<T>(&mut self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if self.failed {
            return Err(StoreError::Backend(
                "the write transaction was aborted by an earlier failure; it can only be dropped".into(),
            ));
        }
        let result = f(&self.conn);
        if let Err(StoreError::Backend(_)) = result {
            self.failed = true;
        }
        result
    }
}

impl Drop for SqliteWrite<'_> {
    fn drop(&mut self) {
        if !self.done && !self.conn.is_autocommit() {
            // Nothing to report to: if even the rollback fails, `write()` finds the transaction
            // still open and rolls it back before beginning the next.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// Implements [`ReadTx`] for a transaction type with a `with(|conn| …)` accessor, so that the
/// reader and the writer run the very same queries.
macro_rules! read_tx {
    ($ty:ty) => {
        impl ReadTx for $ty {
            fn find_message(&mut self, digest: &Digest) -> Result<Option<StoredMessage>> {
                self.with(|c| q::find_message(c, digest))
            }
            fn enterprise_exists(&mut self, code: &str) -> Result<bool> {
                self.with(|c| q::enterprise_exists(c, code))
            }
            fn get_order(&mut self, key: &OrderKey) -> Result<Option<OrderRow>> {
                self.with(|c| q::get_order(c, key))
            }
            fn get_waybill(&mut self, key: &WaybillKey) -> Result<Option<WaybillRow>> {
                self.with(|c| q::get_waybill(c, key))
            }
            fn get_payment(&mut self, key: &OrderKey) -> Result<Option<Payment>> {
                self.with(|c| q::get_payment(c, key))
            }
            fn get_list(&mut self, key: &ListKey) -> Result<Option<ListRow>> {
                self.with(|c| q::get_list(c, key))
            }
            fn lists_for_order(&mut self, key: &OrderKey) -> Result<Vec<ListKey>> {
                self.with(|c| q::lists_for_order(c, key))
            }
            fn lists_for_waybill(&mut self, key: &WaybillKey) -> Result<Vec<ListKey>> {
                self.with(|c| q::lists_for_waybill(c, key))
            }
            fn lists_by_logistics_no(&mut self, logistics_no: &str) -> Result<Vec<ListKey>> {
                self.with(|c| q::lists_by_logistics_no(c, logistics_no))
            }
            fn pending_lists_received_before(&mut self, before: MessageTime, limit: usize) -> Result<Vec<ListKey>> {
                self.with(|c| q::pending_lists_received_before(c, before, limit))
            }
            fn decisions_after(&mut self, after: u64, limit: usize) -> Result<Vec<(u64, Decision)>> {
                self.with(|c| q::decisions_after(c, after, limit))
            }
            fn token_by_hash(&mut self, secret_hash: &Digest) -> Result<Option<TokenRow>> {
                self.with(|c| q::token_by_hash(c, secret_hash))
            }
            fn counts(&mut self) -> Result<Counts> {
                self.with(q::counts)
            }
            fn lists_after(&mut self, after: Option<&ListKey>, limit: usize) -> Result<Vec<ListRow>> {
                self.with(|c| q::lists_after(c, after, limit))
            }
            fn inspections_of(&mut self, list: &ListKey) -> Result<Vec<Inspection>> {
                self.with(|c| q::inspections_of(c, list))
            }
            fn inspections_after(&mut self, after: u64, limit: usize) -> Result<Vec<(u64, Inspection)>> {
                self.with(|c| q::inspections_after(c, after, limit))
            }
            fn clearances(&mut self) -> Result<Vec<Clearance>> {
                self.with(q::clearances)
            }
            fn review_queue(&mut self, filter: &QueueFilter, limit: usize) -> Result<Vec<QueueRow>> {
                self.with(|c| q::review_queue(c, filter, limit))
            }
            fn claim_of(&mut self, list: &ListKey) -> Result<Option<Claim>> {
                self.with(|c| q::claim_of(c, list))
            }
            fn audit_of(&mut self, list: &ListKey) -> Result<Vec<AuditEntry>> {
                self.with(|c| q::audit_of(c, list))
            }
            fn decisions_of(&mut self, list: &ListKey) -> Result<Vec<(u64, Decision)>> {
                self.with(|c| q::decisions_of(c, list))
            }
            fn daily_totals(&mut self, from_day: i64, to_day: i64) -> Result<Vec<DailyTotal>> {
                self.with(|c| q::daily_totals(c, from_day, to_day))
            }
            fn decided_per_minute(&mut self, since: MessageTime) -> Result<Vec<(i64, u64)>> {
                self.with(|c| q::decided_per_minute(c, since))
            }
            fn latest_decision_time(&mut self) -> Result<Option<MessageTime>> {
                self.with(q::latest_decision_time)
            }
            fn release_times(&mut self, since: MessageTime, limit: usize) -> Result<Vec<i64>> {
                self.with(|c| q::release_times(c, since, limit))
            }
            fn lists_in_status(&mut self, status: ListStatus) -> Result<u64> {
                self.with(|c| q::lists_in_status(c, status))
            }
            fn lists_of_enterprise(&mut self, ebc_code: &str, limit: usize) -> Result<Vec<ListRow>> {
                self.with(|c| q::lists_of_enterprise(c, ebc_code, limit))
            }
            fn mandate_exists(&mut self, exporter: &str, party: &str, kind: &str) -> Result<bool> {
                self.with(|c| q::mandate_exists(c, exporter, party, kind))
            }
            fn mandates(&mut self) -> Result<Vec<(String, String, String)>> {
                self.with(q::mandates)
            }
            fn guid_digest(&mut self, guid: &str) -> Result<Option<Digest>> {
                self.with(|c| q::guid_digest(c, guid))
            }
            fn session(&mut self, id_hash: &Digest) -> Result<Option<SessionRow>> {
                self.with(|c| q::session(c, id_hash))
            }
            fn log_applied(&mut self) -> Result<u64> {
                self.with(q::log_applied)
            }
        }
    };
}

read_tx!(SqliteRead<'_>);
read_tx!(SqliteWrite<'_>);

impl WriteTx for SqliteWrite<'_> {
    fn insert_message(&mut self, message: &NewMessage<'_>) -> Result<u64> {
        let seq = self.with(|c| q::insert_message(c, message))?;
        seq.ok_or_else(|| {
            StoreError::Backend(format!(
                "insert_message: a message with digest {} is already stored",
                codec::hex(&message.digest)
            ))
        })
    }

    fn register_enterprise(&mut self, code: &str, name: &str, first_seen: MessageTime) -> Result<()> {
        self.with(|c| q::register_enterprise(c, code, name, first_seen))
    }

    fn put_order(&mut self, row: &OrderRow) -> Result<()> {
        let doc = codec::to_json("order", &row.order)?;
        self.with(|c| q::put_order(c, row, &doc))
    }

    fn delete_order(&mut self, key: &OrderKey) -> Result<()> {
        self.with(|c| q::delete_order(c, key))
    }

    fn put_waybill(&mut self, row: &WaybillRow) -> Result<()> {
        let doc = codec::to_json("waybill", &row.waybill)?;
        self.with(|c| q::put_waybill(c, row, &doc))
    }

    fn delete_waybill(&mut self, key: &WaybillKey) -> Result<()> {
        self.with(|c| q::delete_waybill(c, key))
    }

    fn put_payment(&mut self, payment: &Payment) -> Result<()> {
        let doc = codec::to_json("payment", payment)?;
        self.with(|c| q::put_payment(c, &payment.order, &doc))
    }

    fn delete_payment(&mut self, key: &OrderKey) -> Result<()> {
        self.with(|c| q::delete_payment(c, key))
    }

    fn put_list(&mut self, row: &ListRow) -> Result<()> {
        let cols = ListColumns::encode(row)?;
        // The workbench's facts and daily totals move with the list, in the same transaction.
        let old = self.with(|c| q::list_facts(c, &row.list.key))?;
        self.with(|c| q::put_list(c, row, &cols))?;
        self.with(|c| q::update_facts(c, &row.list.key, old.as_ref(), Some(&ListFacts::of(row))))
    }

    fn delete_list(&mut self, key: &ListKey) -> Result<()> {
        let old = self.with(|c| q::list_facts(c, key))?;
        self.with(|c| q::delete_list(c, key))?;
        self.with(|c| q::update_facts(c, key, old.as_ref(), None))
    }

    fn append_decision(&mut self, decision: &Decision) -> Result<u64> {
        codec::check_score("append_decision", decision.score)?;
        let doc = codec::to_json("decision", decision)?;
        self.with(|c| q::append_decision(c, &decision.key, &doc))
    }

    fn insert_clearance(&mut self, clearance: &Clearance) -> Result<()> {
        self.with(|c| q::insert_clearance(c, clearance))
    }

    fn insert_inspection(&mut self, inspection: &Inspection) -> Result<u64> {
        let doc = codec::to_json("inspection", inspection)?;
        self.with(|c| q::insert_inspection(c, &inspection.list, &doc))
    }

    fn insert_token(&mut self, name: &str, role: Role, ebc_code: Option<&str>, secret_hash: &Digest) -> Result<u64> {
        let id = self.with(|c| q::insert_token(c, name, role, ebc_code, secret_hash))?;
        id.ok_or_else(|| StoreError::Backend("insert_token: a token with this secret is already stored".into()))
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        if self.failed {
            // Drop rolls back.
            return Err(StoreError::Backend(
                "commit: the write transaction was aborted by an earlier failure and has been rolled back".into(),
            ));
        }
        // If COMMIT fails (disk full, I/O error) `done` stays false and Drop rolls back whatever
        // SQLite left open: the caller must treat the whole batch as not stored.
        self.conn.execute_batch("COMMIT").map_err(backend("commit"))?;
        self.done = true;
        Ok(())
    }

    fn put_claim(&mut self, claim: &Claim) -> Result<()> {
        self.with(|c| q::put_claim(c, claim))
    }

    fn delete_claim(&mut self, list: &ListKey) -> Result<()> {
        self.with(|c| q::delete_claim(c, list))
    }

    fn insert_audit(&mut self, entry: &AuditEntry) -> Result<u64> {
        self.with(|c| q::insert_audit(c, entry))
    }

    fn insert_mandate(&mut self, exporter: &str, party: &str, kind: &str) -> Result<()> {
        self.with(|c| q::insert_mandate(c, exporter, party, kind))
    }

    fn insert_guid(&mut self, guid: &str, digest: &Digest) -> Result<()> {
        self.with(|c| q::insert_guid(c, guid, digest))
    }

    fn insert_session(&mut self, id_hash: &Digest, session: &SessionRow) -> Result<()> {
        self.with(|c| q::insert_session(c, id_hash, session))
    }

    fn delete_session(&mut self, id_hash: &Digest) -> Result<()> {
        self.with(|c| q::delete_session(c, id_hash))
    }

    fn delete_expired_sessions(&mut self, now: i64) -> Result<u64> {
        self.with(|c| q::delete_expired_sessions(c, now))
    }

    fn set_log_applied(&mut self, seq: u64) -> Result<()> {
        self.with(|c| q::set_log_applied(c, seq))
    }

    fn forget_derived(&mut self) -> Result<()> {
        self.with(q::forget_derived)
    }
}

/// The queries, on a bare connection: the same for the reader and the writer.
mod q {
    use super::*;

    pub(super) fn find_message(c: &Connection, digest: &Digest) -> Result<Option<StoredMessage>> {
        let found = c
            .prepare_cached("SELECT seq, message_type, receipt FROM messages WHERE digest = ?1")
            .and_then(|mut s| {
                s.query_row([&digest[..]], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?))).optional()
            })
            .map_err(backend("find_message"))?;
        found
            .map(|(seq, message_type, receipt)| {
                Ok(StoredMessage { seq: codec::seq("message seq", seq)?, message_type, receipt })
            })
            .transpose()
    }

    /// `None` when the digest is already stored. ON CONFLICT DO NOTHING rather than a
    /// constraint error, so that a re-send does not count as a failed statement.
    pub(super) fn insert_message(c: &Connection, m: &NewMessage<'_>) -> Result<Option<u64>> {
        let seq: Option<i64> = c
            .prepare_cached(
                "INSERT INTO messages (digest, message_type, sender, app_time, body, receipt)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (digest) DO NOTHING
                 RETURNING seq",
            )
            .and_then(|mut s| {
                s.query_row(
                    params![&m.digest[..], m.message_type, m.sender, m.app_time.map(|t| t.0), m.body, m.receipt],
                    |r| r.get(0),
                )
                .optional()
            })
            .map_err(backend("insert_message"))?;
        seq.map(|s| codec::seq("message seq", s)).transpose()
    }

    pub(super) fn enterprise_exists(c: &Connection, code: &str) -> Result<bool> {
        c.prepare_cached("SELECT EXISTS (SELECT 1 FROM enterprises WHERE code = ?1)")
            .and_then(|mut s| s.query_row([code], |r| r.get(0)))
            .map_err(backend("enterprise_exists"))
    }

    pub(super) fn register_enterprise(c: &Connection, code: &str, name: &str, first_seen: MessageTime) -> Result<()> {
        c.prepare_cached(
            "INSERT INTO enterprises (code, name, first_seen) VALUES (?1, ?2, ?3) ON CONFLICT (code) DO NOTHING",
        )
        .and_then(|mut s| s.execute(params![code, name, first_seen.0]))
        .map(drop)
        .map_err(backend("register_enterprise"))
    }

    pub(super) fn get_order(c: &Connection, key: &OrderKey) -> Result<Option<OrderRow>> {
        let found = c
            .prepare_cached("SELECT doc, list_ebc_code, list_cop_no FROM orders WHERE ebp_code = ?1 AND order_no = ?2")
            .and_then(|mut s| {
                s.query_row([&key.ebp_code, &key.order_no], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
                })
                .optional()
            })
            .map_err(backend("get_order"))?;
        found
            .map(|(doc, ebc, cop)| {
                Ok(OrderRow { order: codec::from_json("order", &doc)?, list: codec::list_link("order", ebc, cop)? })
            })
            .transpose()
    }

    pub(super) fn put_order(c: &Connection, row: &OrderRow, doc: &str) -> Result<()> {
        let key = &row.order.key;
        let list = row.list.as_ref();
        c.prepare_cached(
            "INSERT INTO orders (ebp_code, order_no, list_ebc_code, list_cop_no, doc) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (ebp_code, order_no) DO UPDATE SET
                 list_ebc_code = excluded.list_ebc_code, list_cop_no = excluded.list_cop_no, doc = excluded.doc",
        )
        .and_then(|mut s| {
            s.execute(params![key.ebp_code, key.order_no, list.map(|l| &l.ebc_code), list.map(|l| &l.cop_no), doc])
        })
        .map(drop)
        .map_err(backend("put_order"))
    }

    pub(super) fn delete_order(c: &Connection, key: &OrderKey) -> Result<()> {
        c.prepare_cached("DELETE FROM orders WHERE ebp_code = ?1 AND order_no = ?2")
            .and_then(|mut s| s.execute([&key.ebp_code, &key.order_no]))
            .map(drop)
            .map_err(backend("delete_order"))
    }

    pub(super) fn get_waybill(c: &Connection, key: &WaybillKey) -> Result<Option<WaybillRow>> {
        let found = c
            .prepare_cached(
                "SELECT doc, list_ebc_code, list_cop_no FROM waybills WHERE logistics_code = ?1 AND logistics_no = ?2",
            )
            .and_then(|mut s| {
                s.query_row([&key.logistics_code, &key.logistics_no], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
                })
                .optional()
            })
            .map_err(backend("get_waybill"))?;
        found
            .map(|(doc, ebc, cop)| {
                Ok(WaybillRow {
                    waybill: codec::from_json("waybill", &doc)?,
                    list: codec::list_link("waybill", ebc, cop)?,
                })
            })
            .transpose()
    }

    pub(super) fn put_waybill(c: &Connection, row: &WaybillRow, doc: &str) -> Result<()> {
        let key = &row.waybill.key;
        let list = row.list.as_ref();
        c.prepare_cached(
            "INSERT INTO waybills (logistics_code, logistics_no, list_ebc_code, list_cop_no, doc)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (logistics_code, logistics_no) DO UPDATE SET
                 list_ebc_code = excluded.list_ebc_code, list_cop_no = excluded.list_cop_no, doc = excluded.doc",
        )
        .and_then(|mut s| {
            s.execute(params![
                key.logistics_code,
                key.logistics_no,
                list.map(|l| &l.ebc_code),
                list.map(|l| &l.cop_no),
                doc
            ])
        })
        .map(drop)
        .map_err(backend("put_waybill"))
    }

    pub(super) fn delete_waybill(c: &Connection, key: &WaybillKey) -> Result<()> {
        c.prepare_cached("DELETE FROM waybills WHERE logistics_code = ?1 AND logistics_no = ?2")
            .and_then(|mut s| s.execute([&key.logistics_code, &key.logistics_no]))
            .map(drop)
            .map_err(backend("delete_waybill"))
    }

    pub(super) fn get_payment(c: &Connection, key: &OrderKey) -> Result<Option<Payment>> {
        let doc: Option<String> = c
            .prepare_cached("SELECT doc FROM payments WHERE ebp_code = ?1 AND order_no = ?2")
            .and_then(|mut s| s.query_row([&key.ebp_code, &key.order_no], |r| r.get(0)).optional())
            .map_err(backend("get_payment"))?;
        doc.map(|d| codec::from_json("payment", &d)).transpose()
    }

    pub(super) fn put_payment(c: &Connection, key: &OrderKey, doc: &str) -> Result<()> {
        c.prepare_cached(
            "INSERT INTO payments (ebp_code, order_no, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (ebp_code, order_no) DO UPDATE SET doc = excluded.doc",
        )
        .and_then(|mut s| s.execute(params![key.ebp_code, key.order_no, doc]))
        .map(drop)
        .map_err(backend("put_payment"))
    }

    pub(super) fn delete_payment(c: &Connection, key: &OrderKey) -> Result<()> {
        c.prepare_cached("DELETE FROM payments WHERE ebp_code = ?1 AND order_no = ?2")
            .and_then(|mut s| s.execute([&key.ebp_code, &key.order_no]))
            .map(drop)
            .map_err(backend("delete_payment"))
    }

    pub(super) fn get_list(c: &Connection, key: &ListKey) -> Result<Option<ListRow>> {
        let found = c
            .prepare_cached(
                "SELECT status, lane, return_status, score, received_at, decided_at, criteria_version, reasons, doc
                 FROM lists WHERE ebc_code = ?1 AND cop_no = ?2",
            )
            .and_then(|mut s| {
                s.query_row([&key.ebc_code, &key.cop_no], |r| {
                    Ok(RawList {
                        status: r.get(0)?,
                        lane: r.get(1)?,
                        return_status: r.get(2)?,
                        score: r.get(3)?,
                        received_at: r.get(4)?,
                        decided_at: r.get(5)?,
                        criteria_version: r.get(6)?,
                        reasons: r.get(7)?,
                        doc: r.get(8)?,
                    })
                })
                .optional()
            })
            .map_err(backend("get_list"))?;
        found.map(RawList::decode).transpose()
    }

    pub(super) fn put_list(c: &Connection, row: &ListRow, cols: &ListColumns) -> Result<()> {
        let l = &row.list;
        // DO UPDATE, not INSERT OR REPLACE: REPLACE deletes and re-inserts, which would give the
        // list a new seq and move it to the back of every "oldest first".
        c.prepare_cached(
            "INSERT INTO lists (ebc_code, cop_no, ebp_code, order_no, logistics_code, logistics_no, status, lane,
                                return_status, score, received_at, decided_at, criteria_version, reasons, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (ebc_code, cop_no) DO UPDATE SET
                 ebp_code = excluded.ebp_code, order_no = excluded.order_no,
                 logistics_code = excluded.logistics_code, logistics_no = excluded.logistics_no,
                 status = excluded.status, lane = excluded.lane, return_status = excluded.return_status,
                 score = excluded.score, received_at = excluded.received_at, decided_at = excluded.decided_at,
                 criteria_version = excluded.criteria_version, reasons = excluded.reasons, doc = excluded.doc",
        )
        .and_then(|mut s| {
            s.execute(params![
                l.key.ebc_code,
                l.key.cop_no,
                l.order.ebp_code,
                l.order.order_no,
                l.waybill.logistics_code,
                l.waybill.logistics_no,
                cols.status,
                cols.lane,
                cols.return_status,
                cols.score,
                cols.received_at,
                cols.decided_at,
                cols.criteria_version,
                cols.reasons,
                cols.doc,
            ])
        })
        .map(drop)
        .map_err(backend("put_list"))
    }

    pub(super) fn delete_list(c: &Connection, key: &ListKey) -> Result<()> {
        c.prepare_cached("DELETE FROM lists WHERE ebc_code = ?1 AND cop_no = ?2")
            .and_then(|mut s| s.execute([&key.ebc_code, &key.cop_no]))
            .map(drop)
            .map_err(backend("delete_list"))
    }

    /// Runs a query whose rows are list keys (ebc_code, cop_no).
    fn list_keys(
        c: &Connection,
        operation: &'static str,
        sql: &'static str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<ListKey>> {
        c.prepare_cached(sql)
            .and_then(|mut s| {
                s.query_map(params, |r| Ok(ListKey { ebc_code: r.get(0)?, cop_no: r.get(1)? }))?.collect()
            })
            .map_err(backend(operation))
    }

    pub(super) fn lists_for_order(c: &Connection, key: &OrderKey) -> Result<Vec<ListKey>> {
        list_keys(
            c,
            "lists_for_order",
            "SELECT ebc_code, cop_no FROM lists WHERE ebp_code = ?1 AND order_no = ?2 ORDER BY seq",
            [&key.ebp_code, &key.order_no],
        )
    }

    pub(super) fn lists_for_waybill(c: &Connection, key: &WaybillKey) -> Result<Vec<ListKey>> {
        list_keys(
            c,
            "lists_for_waybill",
            "SELECT ebc_code, cop_no FROM lists WHERE logistics_no = ?1 AND logistics_code = ?2 ORDER BY seq",
            [&key.logistics_no, &key.logistics_code],
        )
    }

    pub(super) fn lists_by_logistics_no(c: &Connection, logistics_no: &str) -> Result<Vec<ListKey>> {
        list_keys(
            c,
            "lists_by_logistics_no",
            "SELECT ebc_code, cop_no FROM lists WHERE logistics_no = ?1 ORDER BY seq",
            [logistics_no],
        )
    }

    pub(super) fn pending_lists_received_before(
        c: &Connection,
        before: MessageTime,
        limit: usize,
    ) -> Result<Vec<ListKey>> {
        list_keys(
            c,
            "pending_lists_received_before",
            "SELECT ebc_code, cop_no FROM lists WHERE status = 'pending' AND received_at < ?1
             ORDER BY received_at, seq LIMIT ?2",
            params![before.0, codec::limit(limit)],
        )
    }

    pub(super) fn lists_after(c: &Connection, after: Option<&ListKey>, limit: usize) -> Result<Vec<ListRow>> {
        const COLUMNS: &str =
            "status, lane, return_status, score, received_at, decided_at, criteria_version, reasons, doc";
        let raw = |r: &rusqlite::Row<'_>| {
            Ok(RawList {
                status: r.get(0)?,
                lane: r.get(1)?,
                return_status: r.get(2)?,
                score: r.get(3)?,
                received_at: r.get(4)?,
                decided_at: r.get(5)?,
                criteria_version: r.get(6)?,
                reasons: r.get(7)?,
                doc: r.get(8)?,
            })
        };
        let rows: rusqlite::Result<Vec<RawList>> = match after {
            None => c
                .prepare_cached(&format!("SELECT {COLUMNS} FROM lists ORDER BY ebc_code, cop_no LIMIT ?1"))
                .and_then(|mut s| s.query_map(params![codec::limit(limit)], raw)?.collect()),
            Some(k) => c
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM lists WHERE ebc_code > ?1 OR (ebc_code = ?1 AND cop_no > ?2)
                     ORDER BY ebc_code, cop_no LIMIT ?3"
                ))
                .and_then(|mut s| s.query_map(params![k.ebc_code, k.cop_no, codec::limit(limit)], raw)?.collect()),
        };
        rows.map_err(backend("lists_after"))?.into_iter().map(RawList::decode).collect()
    }

    pub(super) fn append_decision(c: &Connection, key: &ListKey, doc: &str) -> Result<u64> {
        let seq: i64 = c
            .prepare_cached("INSERT INTO decisions (ebc_code, cop_no, doc) VALUES (?1, ?2, ?3) RETURNING seq")
            .and_then(|mut s| s.query_row(params![key.ebc_code, key.cop_no, doc], |r| r.get(0)))
            .map_err(backend("append_decision"))?;
        codec::seq("decision seq", seq)
    }

    pub(super) fn decisions_after(c: &Connection, after: u64, limit: usize) -> Result<Vec<(u64, Decision)>> {
        feed_after(c, "decision", "SELECT seq, doc FROM decisions WHERE seq > ?1 ORDER BY seq LIMIT ?2", after, limit)
    }

    pub(super) fn insert_clearance(c: &Connection, k: &Clearance) -> Result<()> {
        c.prepare_cached(
            "INSERT INTO screening_clearances (party, list, entry_id, officer, cleared_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (party, list, entry_id) DO NOTHING",
        )
        .and_then(|mut s| s.execute(params![k.party, k.list, k.entry_id, k.officer, k.cleared_at.0]))
        .map(drop)
        .map_err(backend("insert_clearance"))
    }

    pub(super) fn clearances(c: &Connection) -> Result<Vec<Clearance>> {
        c.prepare_cached(
            "SELECT party, list, entry_id, officer, cleared_at FROM screening_clearances ORDER BY party, list, entry_id",
        )
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok(Clearance {
                    party: r.get(0)?,
                    list: r.get(1)?,
                    entry_id: r.get(2)?,
                    officer: r.get(3)?,
                    cleared_at: MessageTime(r.get(4)?),
                })
            })?
            .collect()
        })
        .map_err(backend("clearances"))
    }

    pub(super) fn insert_inspection(c: &Connection, key: &ListKey, doc: &str) -> Result<u64> {
        let seq: i64 = c
            .prepare_cached("INSERT INTO inspections (ebc_code, cop_no, doc) VALUES (?1, ?2, ?3) RETURNING seq")
            .and_then(|mut s| s.query_row(params![key.ebc_code, key.cop_no, doc], |r| r.get(0)))
            .map_err(backend("insert_inspection"))?;
        codec::seq("inspection seq", seq)
    }

    pub(super) fn inspections_of(c: &Connection, key: &ListKey) -> Result<Vec<Inspection>> {
        let docs: Vec<String> = c
            .prepare_cached("SELECT doc FROM inspections WHERE ebc_code = ?1 AND cop_no = ?2 ORDER BY seq")
            .and_then(|mut s| s.query_map(params![key.ebc_code, key.cop_no], |r| r.get(0))?.collect())
            .map_err(backend("inspections_of"))?;
        docs.iter().map(|doc| codec::from_json("inspection", doc)).collect()
    }

    pub(super) fn inspections_after(c: &Connection, after: u64, limit: usize) -> Result<Vec<(u64, Inspection)>> {
        feed_after(
            c,
            "inspection",
            "SELECT seq, doc FROM inspections WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            after,
            limit,
        )
    }

    /// A page of an append-only table of JSON documents (`seq`, `doc`), after a cursor.
    fn feed_after<T: serde::de::DeserializeOwned>(
        c: &Connection,
        what: &'static str,
        sql: &'static str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, T)>> {
        let Some(after) = codec::cursor(after) else { return Ok(Vec::new()) };
        let rows: Vec<(i64, String)> = c
            .prepare_cached(sql)
            .and_then(|mut s| {
                s.query_map(params![after, codec::limit(limit)], |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
            })
            .map_err(backend(what))?;
        rows.into_iter().map(|(seq, doc)| Ok((codec::seq(what, seq)?, codec::from_json(what, &doc)?))).collect()
    }

    pub(super) fn mandate_exists(c: &Connection, exporter: &str, party: &str, kind: &str) -> Result<bool> {
        c.prepare_cached("SELECT EXISTS (SELECT 1 FROM mandates WHERE exporter = ?1 AND party = ?2 AND kind = ?3)")
            .and_then(|mut s| s.query_row([exporter, party, kind], |r| r.get(0)))
            .map_err(backend("mandate_exists"))
    }

    pub(super) fn mandates(c: &Connection) -> Result<Vec<(String, String, String)>> {
        c.prepare_cached("SELECT exporter, party, kind FROM mandates ORDER BY exporter, party, kind")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
            .map_err(backend("mandates"))
    }

    pub(super) fn insert_mandate(c: &Connection, exporter: &str, party: &str, kind: &str) -> Result<()> {
        c.prepare_cached("INSERT INTO mandates (exporter, party, kind) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
            .and_then(|mut s| s.execute([exporter, party, kind]))
            .map(drop)
            .map_err(backend("insert_mandate"))
    }

    pub(super) fn guid_digest(c: &Connection, guid: &str) -> Result<Option<Digest>> {
        let found: Option<Vec<u8>> = c
            .prepare_cached("SELECT digest FROM guids WHERE guid = ?1")
            .and_then(|mut s| s.query_row([guid], |r| r.get(0)).optional())
            .map_err(backend("guid_digest"))?;
        found.map(|d| codec::digest("guid digest", &d)).transpose()
    }

    pub(super) fn insert_guid(c: &Connection, guid: &str, digest: &Digest) -> Result<()> {
        c.prepare_cached("INSERT INTO guids (guid, digest) VALUES (?1, ?2) ON CONFLICT (guid) DO NOTHING")
            .and_then(|mut s| s.execute(params![guid, &digest[..]]))
            .map(drop)
            .map_err(backend("insert_guid"))
    }

    pub(super) fn session(c: &Connection, id_hash: &Digest) -> Result<Option<SessionRow>> {
        let found = c
            .prepare_cached("SELECT name, role, ebc_code, expires_at FROM sessions WHERE id_hash = ?1")
            .and_then(|mut s| {
                s.query_row([&id_hash[..]], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                })
                .optional()
            })
            .map_err(backend("session"))?;
        found
            .map(|(name, role, ebc_code, expires_at)| {
                Ok(SessionRow { name, role: codec::role(&role)?, ebc_code, expires_at })
            })
            .transpose()
    }

    pub(super) fn insert_session(c: &Connection, id_hash: &Digest, s: &SessionRow) -> Result<()> {
        c.prepare_cached("INSERT INTO sessions (id_hash, name, role, ebc_code, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)")
            .and_then(|mut st| st.execute(params![&id_hash[..], s.name, s.role.as_str(), s.ebc_code, s.expires_at]))
            .map(drop)
            .map_err(backend("insert_session"))
    }

    pub(super) fn delete_expired_sessions(c: &Connection, now: i64) -> Result<u64> {
        c.prepare_cached("DELETE FROM sessions WHERE expires_at <= ?1")
            .and_then(|mut s| s.execute([now]))
            .map(|n| n as u64)
            .map_err(backend("delete_expired_sessions"))
    }

    pub(super) fn log_applied(c: &Connection) -> Result<u64> {
        let seq: Option<i64> = c
            .prepare_cached("SELECT seq FROM log_applied WHERE id = 1")
            .and_then(|mut s| s.query_row([], |r| r.get(0)).optional())
            .map_err(backend("log_applied"))?;
        seq.map_or(Ok(0), |s| codec::seq("log position", s))
    }

    pub(super) fn set_log_applied(c: &Connection, seq: u64) -> Result<()> {
        c.prepare_cached("INSERT INTO log_applied (id, seq) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET seq = ?1")
            .and_then(|mut s| s.execute([seq as i64]))
            .map(drop)
            .map_err(backend("set_log_applied"))
    }

    pub(super) fn forget_derived(c: &Connection) -> Result<()> {
        for table in crate::DERIVED_TABLES {
            c.execute_batch(&format!("DELETE FROM {table}")).map_err(backend("forget_derived"))?;
        }
        Ok(())
    }

    pub(super) fn delete_session(c: &Connection, id_hash: &Digest) -> Result<()> {
        c.prepare_cached("DELETE FROM sessions WHERE id_hash = ?1")
            .and_then(|mut s| s.execute([&id_hash[..]]))
            .map(drop)
            .map_err(backend("delete_session"))
    }

    pub(super) fn insert_token(
        c: &Connection,
        name: &str,
        role: Role,
        ebc_code: Option<&str>,
        secret_hash: &Digest,
    ) -> Result<Option<u64>> {
        let id: Option<i64> = c
            .prepare_cached(
                "INSERT INTO tokens (name, role, ebc_code, secret_hash) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (secret_hash) DO NOTHING
                 RETURNING id",
            )
            .and_then(|mut s| {
                s.query_row(params![name, role.as_str(), ebc_code, &secret_hash[..]], |r| r.get(0)).optional()
            })
            .map_err(backend("insert_token"))?;
        id.map(|id| codec::seq("token id", id)).transpose()
    }

    pub(super) fn token_by_hash(c: &Connection, secret_hash: &Digest) -> Result<Option<TokenRow>> {
        let found = c
            .prepare_cached("SELECT id, name, role, ebc_code, secret_hash FROM tokens WHERE secret_hash = ?1")
            .and_then(|mut s| {
                s.query_row([&secret_hash[..]], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Vec<u8>>(4)?,
                    ))
                })
                .optional()
            })
            .map_err(backend("token_by_hash"))?;
        found
            .map(|(id, name, role, ebc_code, hash)| {
                Ok(TokenRow {
                    id: codec::seq("token id", id)?,
                    name,
                    role: codec::role(&role)?,
                    ebc_code,
                    secret_hash: codec::digest("token secret hash", &hash)?,
                })
            })
            .transpose()
    }

    pub(super) fn counts(c: &Connection) -> Result<Counts> {
        let group = |sql: &'static str| -> Result<Vec<(String, i64)>> {
            c.prepare_cached(sql)
                .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
                .map_err(backend("counts"))
        };
        let by_lane = group("SELECT lane, count(*) FROM lists GROUP BY lane")?;
        let by_status = group("SELECT status, count(*) FROM lists GROUP BY status")?;
        let messages: i64 = c
            .prepare_cached("SELECT count(*) FROM messages")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(backend("counts"))?;
        codec::counts(by_lane, by_status, messages)
    }

    pub(super) fn list_facts(c: &Connection, key: &ListKey) -> Result<Option<ListFacts>> {
        let found = c
            .prepare_cached(
                "SELECT day_cn, dest_country, trade_mode, hs_chapter, value_fen, ebp_code, lane
                 FROM lists WHERE ebc_code = ?1 AND cop_no = ?2",
            )
            .and_then(|mut s| {
                s.query_row([&key.ebc_code, &key.cop_no], |r| {
                    Ok((
                        r.get::<_, Option<i64>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                })
                .optional()
            })
            .map_err(backend("list_facts"))?;
        let Some((Some(day), dest, mode, hs, value, ebp_code, lane)) = found else { return Ok(None) };
        Ok(Some(ListFacts {
            day,
            dest_country: dest.unwrap_or_default(),
            trade_mode: mode.unwrap_or_default(),
            hs_chapter: hs.unwrap_or_default(),
            value_fen: value.unwrap_or_default(),
            ebp_code,
            lane: codec::lane(&lane)?,
        }))
    }

    /// Writes a list's facts (when it still exists) and moves the daily totals from `old` to `new`.
    pub(super) fn update_facts(
        c: &Connection,
        key: &ListKey,
        old: Option<&ListFacts>,
        new: Option<&ListFacts>,
    ) -> Result<()> {
        if let Some(f) = new
            && old.is_none_or(|o| {
                o.day != f.day
                    || o.dest_country != f.dest_country
                    || o.trade_mode != f.trade_mode
                    || o.hs_chapter != f.hs_chapter
                    || o.value_fen != f.value_fen
            })
        {
            c.prepare_cached(
                "UPDATE lists SET day_cn = ?3, dest_country = ?4, trade_mode = ?5, hs_chapter = ?6, value_fen = ?7
                 WHERE ebc_code = ?1 AND cop_no = ?2",
            )
            .and_then(|mut s| {
                s.execute(params![
                    key.ebc_code,
                    key.cop_no,
                    f.day,
                    f.dest_country,
                    f.trade_mode,
                    f.hs_chapter,
                    f.value_fen
                ])
            })
            .map_err(backend("update_facts"))?;
        }
        for (day, dim, k, lists, value) in workbench::deltas(old, new) {
            c.prepare_cached(
                "INSERT INTO dash_daily (day, dim, key, lists, value_fen) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (day, dim, key) DO UPDATE SET
                     lists = lists + excluded.lists, value_fen = value_fen + excluded.value_fen",
            )
            .and_then(|mut s| s.execute(params![day, dim, k, lists, value]))
            .map_err(backend("update_facts"))?;
        }
        Ok(())
    }

    pub(super) fn review_queue(c: &Connection, f: &QueueFilter, limit: usize) -> Result<Vec<QueueRow>> {
        // The reasons column is serde_json's compact form, so a code is found as its JSON pair.
        let reason = f.reason.as_ref().map(|r| format!("\"code\":{}", serde_json::Value::String(r.clone())));
        let raw: Vec<(ListKey, String, i64, String, workbench::QueueCols)> = c
            .prepare_cached(
                "SELECT l.ebc_code, l.cop_no, l.lane, l.received_at, l.reasons, l.ebp_code, l.dest_country,
                        l.hs_chapter, l.trade_mode, l.value_fen, k.officer, k.claimed_at
                 FROM lists l INDEXED BY lists_review_queue
                 LEFT JOIN claims k ON k.ebc_code = l.ebc_code AND k.cop_no = l.cop_no
                 WHERE l.status = 'review' AND (?1 IS NULL OR l.lane = ?1) AND (?2 IS NULL OR l.ebc_code = ?2)
                   AND (?3 IS NULL OR l.dest_country = ?3) AND (?4 IS NULL OR l.hs_chapter = ?4)
                   AND (?5 IS NULL OR instr(l.reasons, ?5) > 0)
                 ORDER BY l.received_at, l.seq LIMIT ?6",
            )
            .and_then(|mut s| {
                s.query_map(
                    params![
                        f.lane.map(|l| l.as_str()),
                        f.exporter,
                        f.dest_country,
                        f.hs_chapter,
                        reason,
                        codec::limit(limit)
                    ],
                    |r| {
                        Ok((
                            ListKey { ebc_code: r.get(0)?, cop_no: r.get(1)? },
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            workbench::QueueCols {
                                ebp_code: r.get(5)?,
                                dest_country: r.get(6)?,
                                hs_chapter: r.get(7)?,
                                trade_mode: r.get(8)?,
                                value_fen: r.get(9)?,
                                officer: r.get(10)?,
                                claimed_at: r.get(11)?,
                            },
                        ))
                    },
                )?
                .collect()
            })
            .map_err(backend("review_queue"))?;
        raw.into_iter()
            .map(|(list, lane, received_at, reasons, cols)| {
                cols.into_row(list, codec::lane(&lane)?, received_at, codec::from_json("reasons of a list", &reasons)?)
            })
            .collect()
    }

    pub(super) fn claim_of(c: &Connection, key: &ListKey) -> Result<Option<Claim>> {
        c.prepare_cached("SELECT officer, claimed_at FROM claims WHERE ebc_code = ?1 AND cop_no = ?2")
            .and_then(|mut s| {
                s.query_row([&key.ebc_code, &key.cop_no], |r| {
                    Ok(Claim { list: key.clone(), officer: r.get(0)?, claimed_at: r.get(1)? })
                })
                .optional()
            })
            .map_err(backend("claim_of"))
    }

    pub(super) fn put_claim(c: &Connection, k: &Claim) -> Result<()> {
        c.prepare_cached(
            "INSERT INTO claims (ebc_code, cop_no, officer, claimed_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (ebc_code, cop_no) DO UPDATE SET officer = excluded.officer, claimed_at = excluded.claimed_at",
        )
        .and_then(|mut s| s.execute(params![k.list.ebc_code, k.list.cop_no, k.officer, k.claimed_at]))
        .map(drop)
        .map_err(backend("put_claim"))
    }

    pub(super) fn delete_claim(c: &Connection, key: &ListKey) -> Result<()> {
        c.prepare_cached("DELETE FROM claims WHERE ebc_code = ?1 AND cop_no = ?2")
            .and_then(|mut s| s.execute([&key.ebc_code, &key.cop_no]))
            .map(drop)
            .map_err(backend("delete_claim"))
    }

    pub(super) fn insert_audit(c: &Connection, e: &AuditEntry) -> Result<u64> {
        let seq: i64 = c
            .prepare_cached(
                "INSERT INTO case_audit (ebc_code, cop_no, officer, action, detail, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 RETURNING seq",
            )
            .and_then(|mut s| {
                s.query_row(params![e.list.ebc_code, e.list.cop_no, e.officer, e.action, e.detail, e.at], |r| r.get(0))
            })
            .map_err(backend("insert_audit"))?;
        codec::seq("audit seq", seq)
    }

    pub(super) fn audit_of(c: &Connection, key: &ListKey) -> Result<Vec<AuditEntry>> {
        c.prepare_cached(
            "SELECT officer, action, detail, at FROM case_audit WHERE ebc_code = ?1 AND cop_no = ?2 ORDER BY seq",
        )
        .and_then(|mut s| {
            s.query_map([&key.ebc_code, &key.cop_no], |r| {
                Ok(AuditEntry {
                    list: key.clone(),
                    officer: r.get(0)?,
                    action: r.get(1)?,
                    detail: r.get(2)?,
                    at: r.get(3)?,
                })
            })?
            .collect()
        })
        .map_err(backend("audit_of"))
    }

    pub(super) fn decisions_of(c: &Connection, key: &ListKey) -> Result<Vec<(u64, Decision)>> {
        let rows: Vec<(i64, String)> = c
            .prepare_cached("SELECT seq, doc FROM decisions WHERE ebc_code = ?1 AND cop_no = ?2 ORDER BY seq")
            .and_then(|mut s| s.query_map([&key.ebc_code, &key.cop_no], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(backend("decisions_of"))?;
        rows.into_iter()
            .map(|(seq, doc)| Ok((codec::seq("decision seq", seq)?, codec::from_json("decision", &doc)?)))
            .collect()
    }

    pub(super) fn daily_totals(c: &Connection, from_day: i64, to_day: i64) -> Result<Vec<DailyTotal>> {
        c.prepare_cached(
            "SELECT day, dim, key, lists, value_fen FROM dash_daily WHERE day BETWEEN ?1 AND ?2 AND lists <> 0
             ORDER BY day, dim, key",
        )
        .and_then(|mut s| {
            s.query_map([from_day, to_day], |r| {
                Ok(DailyTotal {
                    day: r.get(0)?,
                    dim: r.get(1)?,
                    key: r.get(2)?,
                    lists: r.get(3)?,
                    value_fen: r.get(4)?,
                })
            })?
            .collect()
        })
        .map_err(backend("daily_totals"))
    }

    pub(super) fn decided_per_minute(c: &Connection, since: MessageTime) -> Result<Vec<(i64, u64)>> {
        let rows: Vec<(i64, i64)> = c
            .prepare_cached(
                "SELECT decided_at / 60, count(*) FROM lists WHERE decided_at >= ?1 GROUP BY decided_at / 60 ORDER BY 1",
            )
            .and_then(|mut s| s.query_map([since.0], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(backend("decided_per_minute"))?;
        rows.into_iter().map(|(m, n)| Ok((m, codec::seq("count", n)?))).collect()
    }

    pub(super) fn latest_decision_time(c: &Connection) -> Result<Option<MessageTime>> {
        c.prepare_cached("SELECT max(decided_at) FROM lists")
            .and_then(|mut s| s.query_row([], |r| r.get::<_, Option<i64>>(0)))
            .map(|t| t.map(MessageTime))
            .map_err(backend("latest_decision_time"))
    }

    pub(super) fn release_times(c: &Connection, since: MessageTime, limit: usize) -> Result<Vec<i64>> {
        c.prepare_cached(
            "SELECT decided_at - received_at FROM lists INDEXED BY lists_by_decided
             WHERE decided_at >= ?1 AND status IN ('released', 'arrived', 'departed') LIMIT ?2",
        )
        .and_then(|mut s| s.query_map(params![since.0, codec::limit(limit)], |r| r.get(0))?.collect())
        .map_err(backend("release_times"))
    }

    pub(super) fn lists_in_status(c: &Connection, status: ListStatus) -> Result<u64> {
        let n: i64 = c
            .prepare_cached("SELECT count(*) FROM lists WHERE status = ?1")
            .and_then(|mut s| s.query_row([status.as_str()], |r| r.get(0)))
            .map_err(backend("lists_in_status"))?;
        codec::seq("count", n)
    }

    pub(super) fn lists_of_enterprise(c: &Connection, ebc_code: &str, limit: usize) -> Result<Vec<ListRow>> {
        let rows: Vec<RawList> = c
            .prepare_cached(
                "SELECT status, lane, return_status, score, received_at, decided_at, criteria_version, reasons, doc
                 FROM lists INDEXED BY lists_by_enterprise_time WHERE ebc_code = ?1
                 ORDER BY received_at DESC, seq DESC LIMIT ?2",
            )
            .and_then(|mut s| {
                s.query_map(params![ebc_code, codec::limit(limit)], |r| {
                    Ok(RawList {
                        status: r.get(0)?,
                        lane: r.get(1)?,
                        return_status: r.get(2)?,
                        score: r.get(3)?,
                        received_at: r.get(4)?,
                        decided_at: r.get(5)?,
                        criteria_version: r.get(6)?,
                        reasons: r.get(7)?,
                        doc: r.get(8)?,
                    })
                })?
                .collect()
            })
            .map_err(backend("lists_of_enterprise"))?;
        rows.into_iter().map(RawList::decode).collect()
    }
}
