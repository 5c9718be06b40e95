//! The embedded backend: one SQLite database, `greenlane.db`, in a folder. WAL mode with
//! `synchronous=FULL`, so that a committed transaction survives `kill -9` and power loss and
//! readers never wait for the writer; one writer connection behind a mutex, a small pool of
//! reader connections.

use crate::queries::{Session, SqlTx, WriteSession};
use crate::sql::{self, Arg, Db, Dialect, Row, Sql};
use crate::{ReadTx, Result, Store, StoreError, WriteTx};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

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
        let mut writer = open_writer(&path).map_err(open_error)?;
        migrate(&mut writer).map_err(|e| open_error(format!("cannot apply the schema: {e}")))?;
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
        plan_once(&conn)?;
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

/// Plans each cached statement once, whatever values are bound to it. The bundled SQLite is
/// built with STAT4, under which a statement whose plan could depend on a bound value is
/// compiled again each time that value changes: the writer's lookups of lists by order and by
/// waybill were compiled again on every call (9% of an offline ingest's samples in a profile).
/// The store keeps no statistics to plan from, so nothing is lost; and a plan that does not
/// change with the data is what an operator wants of a system of record anyway (SQLite's
/// "query planner stability guarantee").
fn plan_once(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
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
    plan_once(&conn).map_err(|e| e.to_string())?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// Applies the migrations the database lacks ([`crate::migrate::migrate`]), all in one transaction.
/// IMMEDIATE takes the write lock first, so two processes opening one folder at once apply each
/// migration once.
fn migrate(conn: &mut Connection) -> Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE").map_err(backend("starting the migration"))?;
    match crate::migrate::migrate(conn) {
        Ok(()) => conn.execute_batch("COMMIT").map_err(backend("committing the migration")),
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
        Ok(Box::new(SqlTx::new(SqliteWrite { conn, done: false })))
    }

    fn read(&self) -> Result<Box<dyn ReadTx + '_>> {
        let conn = self.take_reader()?;
        // A deferred transaction takes its snapshot at its first read: read something now, so
        // that the view is the database as of this call, not as of the caller's first query.
        let begun = conn.execute_batch("BEGIN").and_then(|()| {
            conn.prepare_cached("SELECT count(*) FROM refinery_schema_history")?.query_row([], |r| r.get::<_, i64>(0))
        });
        match begun {
            Ok(_) => Ok(Box::new(SqlTx::new(SqliteRead { conn: Some(conn), store: self }))),
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

impl Session for SqliteRead<'_> {
    fn db(&mut self) -> Option<&mut dyn Db> {
        self.conn.as_mut().map(|c| c as &mut dyn Db)
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
}

impl Session for SqliteWrite<'_> {
    fn db(&mut self) -> Option<&mut dyn Db> {
        Some(&mut *self.conn)
    }
}

impl WriteSession for SqliteWrite<'_> {
    fn commit(&mut self) -> Result<()> {
        // If COMMIT fails (disk full, I/O error) `done` stays false and Drop rolls back whatever
        // SQLite left open.
        self.conn.execute_batch("COMMIT").map_err(backend("commit"))?;
        self.done = true;
        Ok(())
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

/// SQLite's side of the SQL layer: statements cached by rusqlite under their text.
impl Db for Connection {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn query(
        &mut self,
        operation: &'static str,
        sql: Sql,
        args: &[Arg<'_>],
        each: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()> {
        let mut statement = self.prepare_cached(sql.sqlite).map_err(backend(operation))?;
        let mut rows = statement.query(rusqlite::params_from_iter(args)).map_err(backend(operation))?;
        while let Some(row) = rows.next().map_err(backend(operation))? {
            each(row)?;
        }
        Ok(())
    }

    fn execute(&mut self, operation: &'static str, sql: Sql, args: &[Arg<'_>]) -> Result<u64> {
        let mut statement = self.prepare_cached(sql.sqlite).map_err(backend(operation))?;
        let changed = statement.execute(rusqlite::params_from_iter(args)).map_err(backend(operation))?;
        Ok(changed as u64)
    }

    fn batch(&mut self, operation: &'static str, text: &str) -> Result<()> {
        self.execute_batch(text).map_err(backend(operation))
    }
}

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self {
            Arg::Null => ValueRef::Null,
            Arg::Int(n) => ValueRef::Integer(n),
            Arg::Real(x) => ValueRef::Real(x),
            Arg::Text(s) => ValueRef::Text(s.as_bytes()),
            Arg::Bytes(b) => ValueRef::Blob(b),
        }))
    }
}

fn type_name(value: ValueRef<'_>) -> &'static str {
    match value {
        ValueRef::Null => "NULL",
        ValueRef::Integer(_) => "an integer",
        ValueRef::Real(_) => "a float",
        ValueRef::Text(_) => "text",
        ValueRef::Blob(_) => "a blob",
    }
}

impl Row for rusqlite::Row<'_> {
    fn opt_int(&self, index: usize) -> Result<Option<i64>> {
        match value(self, index)? {
            ValueRef::Integer(n) => Ok(Some(n)),
            ValueRef::Null => Ok(None),
            other => Err(sql::wrong_type(index, "an integer", type_name(other))),
        }
    }

    fn opt_text(&self, index: usize) -> Result<Option<&str>> {
        match value(self, index)? {
            ValueRef::Text(bytes) => std::str::from_utf8(bytes)
                .map(Some)
                .map_err(|e| StoreError::Corrupt(format!("column {index} is not UTF-8: {e}"))),
            ValueRef::Null => Ok(None),
            other => Err(sql::wrong_type(index, "text", type_name(other))),
        }
    }

    fn bytes(&self, index: usize) -> Result<&[u8]> {
        match value(self, index)? {
            ValueRef::Blob(bytes) => Ok(bytes),
            other => Err(sql::wrong_type(index, "a blob", type_name(other))),
        }
    }

    fn real(&self, index: usize) -> Result<f64> {
        match value(self, index)? {
            ValueRef::Real(x) => Ok(x),
            // A REAL column keeps a whole number as an integer when that is smaller.
            ValueRef::Integer(n) => Ok(n as f64),
            other => Err(sql::wrong_type(index, "a float", type_name(other))),
        }
    }

    fn boolean(&self, index: usize) -> Result<bool> {
        match value(self, index)? {
            ValueRef::Integer(n) => Ok(n != 0),
            other => Err(sql::wrong_type(index, "a truth value", type_name(other))),
        }
    }
}

fn value<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> Result<ValueRef<'r>> {
    row.get_ref(index).map_err(|e| StoreError::Corrupt(format!("column {index}: {e}")))
}
