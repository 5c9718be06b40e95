//! The PostgreSQL backend, through the synchronous `postgres` client: one writer connection
//! behind a mutex, a small pool of reader connections, each with its own cache of prepared
//! statements. Readers see a REPEATABLE READ snapshot; commits wait for the WAL flush
//! (`synchronous_commit` stays on, and the writer turns it back on where a server has it off),
//! so an acknowledged message is on disk.

use crate::codec::{self, ListColumns, RawList};
use crate::workbench::{self, AuditEntry, Claim, DailyTotal, ListFacts, QueueFilter, QueueRow};
use crate::{
    Clearance, Counts, Digest, ListRow, NewMessage, OrderRow, ReadTx, Result, Role, SessionRow, Store, StoreError,
    StoredMessage, TokenRow, WaybillRow, WriteTx,
};
use greenlane_core::{Decision, Inspection, ListKey, ListStatus, MessageTime, OrderKey, Payment, WaybillKey};
use postgres::config::Host;
use postgres::types::{FromSql, ToSql};
use postgres::{Client, Config, NoTls, Row, Statement};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// The schema, one embedded script per version, applied in order (see migrations/README.md).
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_init.sql")),
    (2, include_str!("../migrations/postgres/0002_inspections.sql")),
    (3, include_str!("../migrations/postgres/0003_screening_clearances.sql")),
    (4, include_str!("../migrations/postgres/0004_workbench.sql")),
    (5, include_str!("../migrations/postgres/0005_review_queue.sql")),
    (6, include_str!("../migrations/postgres/0006_access.sql")),
    (7, include_str!("../migrations/postgres/0007_log_applied.sql")),
];

/// Reader connections kept open between reads; more are opened when needed and closed after.
const IDLE_READERS: usize = 4;

/// Key of the advisory lock that serialises migrations between processes starting together
/// (the bytes of "grnlane").
const MIGRATION_LOCK: i64 = 0x0067_726e_6c61_6e65;

/// The PostgreSQL store.
pub struct PgStore {
    config: Config,
    /// The location without secrets, for logs and errors.
    location: String,
    writer: Mutex<PgConn>,
    readers: Mutex<Vec<PgConn>>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("location", &self.location).finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/dbname`, or any
    /// form the `postgres` crate's `Config` parses) and brings its schema up to date. TLS is not
    /// supported: use a local or tunnelled connection.
    pub fn connect(url: &str) -> Result<PgStore> {
        let mut config =
            Config::from_str(url).map_err(|e| StoreError::Open { location: redact(url), reason: error_text(&e) })?;
        let location = describe_config(&config);
        let open_error = |reason: String| StoreError::Open { location: location.clone(), reason };
        if config.get_connect_timeout().is_none() {
            // Without it an unreachable host hangs start-up for the kernel's TCP timeout.
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("greenlane");
        }
        let mut writer = PgConn::connect_writer(&config).map_err(|e| open_error(error_text(&e)))?;
        migrate(&mut writer.client).map_err(|e| open_error(format!("cannot apply the schema: {}", error_text(&e))))?;
        let store = PgStore { config, location, writer: Mutex::new(writer), readers: Mutex::new(Vec::new()) };
        Ok(store)
    }

    fn take_reader(&self) -> Result<PgConn> {
        loop {
            let idle = lock(&self.readers).pop();
            match idle {
                // A pooled connection the server has since closed (restart, idle timeout) is
                // dropped and the next one tried.
                Some(conn) if conn.client.is_closed() => continue,
                Some(conn) => return Ok(conn),
                None => return PgConn::connect(&self.config).map_err(backend("opening a reader connection")),
            }
        }
    }

    fn give_back(&self, conn: PgConn) {
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

/// The text of a client error with its causes: `postgres::Error`'s own Display says only
/// "db error", the server's message is in the source.
fn error_text(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Maps a client error to [`StoreError::Backend`], naming the operation that failed.
fn backend(operation: &'static str) -> impl Fn(postgres::Error) -> StoreError {
    move |e| StoreError::Backend(format!("{operation}: {}", error_text(&e)))
}

/// The connection target without the password, as `postgresql://user@host:port/dbname`.
fn describe_config(config: &Config) -> String {
    let user = config.get_user().unwrap_or("");
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let name = match host {
                Host::Tcp(name) => name.clone(),
                // libpq's URL form of a socket folder.
                Host::Unix(path) => path.display().to_string().replace('/', "%2F"),
            };
            match ports.get(i).or(ports.first()) {
                Some(port) => format!("{name}:{port}"),
                None => name,
            }
        })
        .collect();
    let dbname = config.get_dbname().unwrap_or(user);
    format!("postgresql://{user}@{}/{dbname}", hosts.join(","))
}

/// A URL that did not parse, for an error message: the password of its user part hidden and
/// its query (which may hold `password=`) left out.
fn redact(url: &str) -> String {
    let url = url.split('?').next().unwrap_or(url);
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else { return "<PostgreSQL connection string>".into() };
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => match rest[..at].find(':') {
            Some(colon) => format!("{}{}:***{}", &url[..scheme_end], &rest[..colon], &rest[at..]),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// One connection with its prepared statements.
struct PgConn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
    /// Between our BEGIN and its COMMIT/ROLLBACK.
    in_transaction: bool,
}

impl PgConn {
    fn connect(config: &Config) -> std::result::Result<PgConn, postgres::Error> {
        Ok(PgConn { client: config.connect(NoTls)?, statements: HashMap::new(), in_transaction: false })
    }

    /// The writer's connection. A server (or role, or database) configured with
    /// `synchronous_commit = off` would acknowledge commits before they are on disk, and a
    /// receipt promises the message is kept: the writer turns it back on for its session. Other
    /// values (`local`, `remote_write`, `remote_apply`) are durable locally and stay as
    /// configured.
    fn connect_writer(config: &Config) -> std::result::Result<PgConn, postgres::Error> {
        let mut conn = PgConn::connect(config)?;
        let setting: String = conn.client.query_one("SHOW synchronous_commit", &[])?.try_get(0)?;
        if setting == "off" {
            conn.client.batch_execute("SET synchronous_commit = on")?;
        }
        Ok(conn)
    }

    /// The prepared statement for `sql`, prepared on first use: every query the store runs is a
    /// `&'static str`, so the cache is bounded by the code.
    fn statement(&mut self, sql: &'static str) -> std::result::Result<Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    fn query(
        &mut self,
        operation: &'static str,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>> {
        let statement = self.statement(sql).map_err(backend(operation))?;
        self.client.query(&statement, params).map_err(backend(operation))
    }

    fn query_opt(
        &mut self,
        operation: &'static str,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>> {
        let statement = self.statement(sql).map_err(backend(operation))?;
        self.client.query_opt(&statement, params).map_err(backend(operation))
    }

    fn query_one(&mut self, operation: &'static str, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<Row> {
        let statement = self.statement(sql).map_err(backend(operation))?;
        self.client.query_one(&statement, params).map_err(backend(operation))
    }

    fn execute(&mut self, operation: &'static str, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<()> {
        let statement = self.statement(sql).map_err(backend(operation))?;
        self.client.execute(&statement, params).map(drop).map_err(backend(operation))
    }

    fn begin(&mut self, sql: &str) -> std::result::Result<(), postgres::Error> {
        self.client.batch_execute(sql)?;
        self.in_transaction = true;
        Ok(())
    }

    /// Ends the transaction without keeping anything; false if the connection is unusable.
    fn rollback(&mut self) -> bool {
        let ok = self.client.batch_execute("ROLLBACK").is_ok();
        if ok {
            self.in_transaction = false;
        }
        ok
    }
}

/// A column of a row, a type mismatch being corruption (the schema says otherwise).
fn col<'a, T: FromSql<'a>>(row: &'a Row, index: usize) -> Result<T> {
    row.try_get(index).map_err(|e| StoreError::Corrupt(format!("column {index}: {}", error_text(&e))))
}

/// Applies the migrations the database lacks, in one transaction under an advisory lock (so two
/// processes starting together apply each migration once). Versions newer than this build knows
/// are left alone: by the expand/contract rule the previous release still works on the next
/// one's schema.
fn migrate(client: &mut Client) -> std::result::Result<(), postgres::Error> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )?;
    let applied: Vec<i32> = tx
        .query("SELECT version FROM schema_migrations", &[])?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    for &(version, sql) in MIGRATIONS {
        if !applied.contains(&version) {
            tx.batch_execute(sql)?;
            tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[&version])?;
        }
    }
    tx.commit()
}

impl Store for PgStore {
    fn write(&self) -> Result<Box<dyn WriteTx + '_>> {
        let mut conn = lock(&self.writer);
        if conn.in_transaction && !conn.rollback() {
            // Only reachable if a transaction was leaked without its Drop running, on a
            // connection that is now unusable.
            *conn = PgConn::connect_writer(&self.config).map_err(backend("reconnecting the writer"))?;
        }
        // The client learns that the server closed the connection (restart, failover,
        // idle-session timeout) only when it next uses it, and may not even know it is closed
        // right after the error: a BEGIN that fails is retried once on a new connection (BEGIN
        // itself has no other way to fail).
        if conn.begin("BEGIN").is_err() {
            *conn = PgConn::connect_writer(&self.config).map_err(backend("reconnecting the writer"))?;
            conn.begin("BEGIN").map_err(backend("starting the write transaction"))?;
        }
        Ok(Box::new(PgWrite { conn, done: false, failed: false }))
    }

    fn read(&self) -> Result<Box<dyn ReadTx + '_>> {
        // The snapshot is taken at the first query, not at BEGIN: run one now, so that the view
        // is the database as of this call. One round trip (simple query protocol).
        const BEGIN: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT 1";
        let mut conn = self.take_reader()?;
        if conn.begin(BEGIN).is_err() {
            // A pooled connection the server has closed (see `write`): the whole pool is likely
            // stale (a server restart), so drop it and start from a new connection.
            lock(&self.readers).clear();
            conn = PgConn::connect(&self.config).map_err(backend("opening a reader connection"))?;
            conn.begin(BEGIN).map_err(backend("starting a read transaction"))?;
        }
        Ok(Box::new(PgRead { conn: Some(conn), store: self }))
    }

    fn describe(&self) -> String {
        self.location.clone()
    }
}

/// A read-only snapshot on a pooled connection; its transaction ends and the connection returns
/// to the pool on drop.
struct PgRead<'s> {
    conn: Option<PgConn>,
    store: &'s PgStore,
}

impl PgRead<'_> {
    fn with<T>(&mut self, f: impl FnOnce(&mut PgConn) -> Result<T>) -> Result<T> {
        match &mut self.conn {
            Some(conn) => f(conn),
            None => Err(StoreError::Backend("read transaction used after it ended".into())),
        }
    }
}

impl Drop for PgRead<'_> {
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            // A connection that cannot end its transaction is closed rather than pooled.
            if conn.rollback() {
                self.store.give_back(conn);
            }
        }
    }
}

/// The write transaction: holds the writer connection (and so excludes other writers) from
/// `BEGIN` to `COMMIT`, rolling back on drop if not committed.
struct PgWrite<'s> {
    conn: MutexGuard<'s, PgConn>,
    done: bool,
    /// Set when a statement failed: PostgreSQL then aborts the transaction, and a COMMIT of an
    /// aborted transaction *succeeds* while rolling back, so we must remember it ourselves.
    failed: bool,
}

impl PgWrite<'_> {
    fn with<T>(&mut self, f: impl FnOnce(&mut PgConn) -> Result<T>) -> Result<T> {
        if self.failed {
            return Err(StoreError::Backend(
                "the write transaction was aborted by an earlier failure; it can only be dropped".into(),
            ));
        }
        let result = f(&mut self.conn);
        if let Err(StoreError::Backend(_)) = result {
            self.failed = true;
        }
        result
    }
}

impl Drop for PgWrite<'_> {
    fn drop(&mut self) {
        if !self.done {
            // If the rollback fails, `in_transaction` stays set and `write()` reconnects.
            self.conn.rollback();
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

read_tx!(PgRead<'_>);
read_tx!(PgWrite<'_>);

impl WriteTx for PgWrite<'_> {
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
        // If COMMIT fails `done` stays false and Drop rolls back (or, if the connection is gone,
        // the server already has): the caller must treat the whole batch as not stored.
        self.conn.client.batch_execute("COMMIT").map_err(backend("commit"))?;
        self.conn.in_transaction = false;
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

/// The queries, on one connection: the same for the reader and the writer. JSONB is passed as
/// text (`$n::text::jsonb`) and read back as text (`doc::text`), so that serde_json alone
/// decides the encoding.
mod q {
    use super::*;

    pub(super) fn find_message(c: &mut PgConn, digest: &Digest) -> Result<Option<StoredMessage>> {
        let row = c.query_opt(
            "find_message",
            "SELECT seq, message_type, receipt FROM messages WHERE digest = $1",
            &[&&digest[..]],
        )?;
        row.map(|r| {
            Ok(StoredMessage {
                seq: codec::seq("message seq", col(&r, 0)?)?,
                message_type: col(&r, 1)?,
                receipt: col(&r, 2)?,
            })
        })
        .transpose()
    }

    /// `None` when the digest is already stored. ON CONFLICT DO NOTHING rather than a
    /// constraint error: an error would abort the whole transaction, and with it every other
    /// message of the batch.
    pub(super) fn insert_message(c: &mut PgConn, m: &NewMessage<'_>) -> Result<Option<u64>> {
        let row = c.query_opt(
            "insert_message",
            "INSERT INTO messages (digest, message_type, sender, app_time, body, receipt)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (digest) DO NOTHING
             RETURNING seq",
            &[&&m.digest[..], &m.message_type, &m.sender, &m.app_time.map(|t| t.0), &m.body, &m.receipt],
        )?;
        row.map(|r| codec::seq("message seq", col(&r, 0)?)).transpose()
    }

    pub(super) fn enterprise_exists(c: &mut PgConn, code: &str) -> Result<bool> {
        let row =
            c.query_one("enterprise_exists", "SELECT EXISTS (SELECT 1 FROM enterprises WHERE code = $1)", &[&code])?;
        col(&row, 0)
    }

    pub(super) fn register_enterprise(c: &mut PgConn, code: &str, name: &str, first_seen: MessageTime) -> Result<()> {
        c.execute(
            "register_enterprise",
            "INSERT INTO enterprises (code, name, first_seen) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING",
            &[&code, &name, &first_seen.0],
        )
    }

    pub(super) fn get_order(c: &mut PgConn, key: &OrderKey) -> Result<Option<OrderRow>> {
        let row = c.query_opt(
            "get_order",
            "SELECT doc::text, list_ebc_code, list_cop_no FROM orders WHERE ebp_code = $1 AND order_no = $2",
            &[&key.ebp_code, &key.order_no],
        )?;
        row.map(|r| {
            Ok(OrderRow {
                order: codec::from_json("order", col(&r, 0)?)?,
                list: codec::list_link("order", col(&r, 1)?, col(&r, 2)?)?,
            })
        })
        .transpose()
    }

    pub(super) fn put_order(c: &mut PgConn, row: &OrderRow, doc: &str) -> Result<()> {
        let key = &row.order.key;
        let list = row.list.as_ref();
        c.execute(
            "put_order",
            "INSERT INTO orders (ebp_code, order_no, list_ebc_code, list_cop_no, doc)
             VALUES ($1, $2, $3, $4, $5::text::jsonb)
             ON CONFLICT (ebp_code, order_no) DO UPDATE SET
                 list_ebc_code = excluded.list_ebc_code, list_cop_no = excluded.list_cop_no, doc = excluded.doc",
            &[&key.ebp_code, &key.order_no, &list.map(|l| &l.ebc_code), &list.map(|l| &l.cop_no), &doc],
        )
    }

    pub(super) fn delete_order(c: &mut PgConn, key: &OrderKey) -> Result<()> {
        c.execute(
            "delete_order",
            "DELETE FROM orders WHERE ebp_code = $1 AND order_no = $2",
            &[&key.ebp_code, &key.order_no],
        )
    }

    pub(super) fn get_waybill(c: &mut PgConn, key: &WaybillKey) -> Result<Option<WaybillRow>> {
        let row = c.query_opt(
            "get_waybill",
            "SELECT doc::text, list_ebc_code, list_cop_no FROM waybills WHERE logistics_code = $1 AND logistics_no = $2",
            &[&key.logistics_code, &key.logistics_no],
        )?;
        row.map(|r| {
            Ok(WaybillRow {
                waybill: codec::from_json("waybill", col(&r, 0)?)?,
                list: codec::list_link("waybill", col(&r, 1)?, col(&r, 2)?)?,
            })
        })
        .transpose()
    }

    pub(super) fn put_waybill(c: &mut PgConn, row: &WaybillRow, doc: &str) -> Result<()> {
        let key = &row.waybill.key;
        let list = row.list.as_ref();
        c.execute(
            "put_waybill",
            "INSERT INTO waybills (logistics_code, logistics_no, list_ebc_code, list_cop_no, doc)
             VALUES ($1, $2, $3, $4, $5::text::jsonb)
             ON CONFLICT (logistics_code, logistics_no) DO UPDATE SET
                 list_ebc_code = excluded.list_ebc_code, list_cop_no = excluded.list_cop_no, doc = excluded.doc",
            &[&key.logistics_code, &key.logistics_no, &list.map(|l| &l.ebc_code), &list.map(|l| &l.cop_no), &doc],
        )
    }

    pub(super) fn delete_waybill(c: &mut PgConn, key: &WaybillKey) -> Result<()> {
        c.execute(
            "delete_waybill",
            "DELETE FROM waybills WHERE logistics_code = $1 AND logistics_no = $2",
            &[&key.logistics_code, &key.logistics_no],
        )
    }

    pub(super) fn get_payment(c: &mut PgConn, key: &OrderKey) -> Result<Option<Payment>> {
        let row = c.query_opt(
            "get_payment",
            "SELECT doc::text FROM payments WHERE ebp_code = $1 AND order_no = $2",
            &[&key.ebp_code, &key.order_no],
        )?;
        row.map(|r| codec::from_json("payment", col(&r, 0)?)).transpose()
    }

    pub(super) fn put_payment(c: &mut PgConn, key: &OrderKey, doc: &str) -> Result<()> {
        c.execute(
            "put_payment",
            "INSERT INTO payments (ebp_code, order_no, doc) VALUES ($1, $2, $3::text::jsonb)
             ON CONFLICT (ebp_code, order_no) DO UPDATE SET doc = excluded.doc",
            &[&key.ebp_code, &key.order_no, &doc],
        )
    }

    pub(super) fn delete_payment(c: &mut PgConn, key: &OrderKey) -> Result<()> {
        c.execute(
            "delete_payment",
            "DELETE FROM payments WHERE ebp_code = $1 AND order_no = $2",
            &[&key.ebp_code, &key.order_no],
        )
    }

    pub(super) fn get_list(c: &mut PgConn, key: &ListKey) -> Result<Option<ListRow>> {
        let row = c.query_opt(
            "get_list",
            "SELECT status, lane, return_status, score, received_at, decided_at, criteria_version,
                    reasons::text, doc::text
             FROM lists WHERE ebc_code = $1 AND cop_no = $2",
            &[&key.ebc_code, &key.cop_no],
        )?;
        row.map(|r| {
            RawList {
                status: col(&r, 0)?,
                lane: col(&r, 1)?,
                return_status: col(&r, 2)?,
                score: col(&r, 3)?,
                received_at: col(&r, 4)?,
                decided_at: col(&r, 5)?,
                criteria_version: col(&r, 6)?,
                reasons: col(&r, 7)?,
                doc: col(&r, 8)?,
            }
            .decode()
        })
        .transpose()
    }

    pub(super) fn put_list(c: &mut PgConn, row: &ListRow, cols: &ListColumns) -> Result<()> {
        let l = &row.list;
        // ON CONFLICT DO UPDATE keeps the row's seq: an upsert does not make a list younger.
        c.execute(
            "put_list",
            "INSERT INTO lists (ebc_code, cop_no, ebp_code, order_no, logistics_code, logistics_no, status, lane,
                                return_status, score, received_at, decided_at, criteria_version, reasons, doc)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::text::jsonb, $15::text::jsonb)
             ON CONFLICT (ebc_code, cop_no) DO UPDATE SET
                 ebp_code = excluded.ebp_code, order_no = excluded.order_no,
                 logistics_code = excluded.logistics_code, logistics_no = excluded.logistics_no,
                 status = excluded.status, lane = excluded.lane, return_status = excluded.return_status,
                 score = excluded.score, received_at = excluded.received_at, decided_at = excluded.decided_at,
                 criteria_version = excluded.criteria_version, reasons = excluded.reasons, doc = excluded.doc",
            &[
                &l.key.ebc_code,
                &l.key.cop_no,
                &l.order.ebp_code,
                &l.order.order_no,
                &l.waybill.logistics_code,
                &l.waybill.logistics_no,
                &cols.status,
                &cols.lane,
                &cols.return_status,
                &cols.score,
                &cols.received_at,
                &cols.decided_at,
                &cols.criteria_version,
                &cols.reasons,
                &cols.doc,
            ],
        )
    }

    pub(super) fn delete_list(c: &mut PgConn, key: &ListKey) -> Result<()> {
        c.execute("delete_list", "DELETE FROM lists WHERE ebc_code = $1 AND cop_no = $2", &[&key.ebc_code, &key.cop_no])
    }

    /// Runs a query whose rows are list keys (ebc_code, cop_no).
    fn list_keys(
        c: &mut PgConn,
        operation: &'static str,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<ListKey>> {
        c.query(operation, sql, params)?
            .iter()
            .map(|r| Ok(ListKey { ebc_code: col(r, 0)?, cop_no: col(r, 1)? }))
            .collect()
    }

    pub(super) fn lists_for_order(c: &mut PgConn, key: &OrderKey) -> Result<Vec<ListKey>> {
        list_keys(
            c,
            "lists_for_order",
            "SELECT ebc_code, cop_no FROM lists WHERE ebp_code = $1 AND order_no = $2 ORDER BY seq",
            &[&key.ebp_code, &key.order_no],
        )
    }

    pub(super) fn lists_for_waybill(c: &mut PgConn, key: &WaybillKey) -> Result<Vec<ListKey>> {
        list_keys(
            c,
            "lists_for_waybill",
            "SELECT ebc_code, cop_no FROM lists WHERE logistics_no = $1 AND logistics_code = $2 ORDER BY seq",
            &[&key.logistics_no, &key.logistics_code],
        )
    }

    pub(super) fn lists_by_logistics_no(c: &mut PgConn, logistics_no: &str) -> Result<Vec<ListKey>> {
        list_keys(
            c,
            "lists_by_logistics_no",
            "SELECT ebc_code, cop_no FROM lists WHERE logistics_no = $1 ORDER BY seq",
            &[&logistics_no],
        )
    }

    pub(super) fn pending_lists_received_before(
        c: &mut PgConn,
        before: MessageTime,
        limit: usize,
    ) -> Result<Vec<ListKey>> {
        list_keys(
            c,
            "pending_lists_received_before",
            "SELECT ebc_code, cop_no FROM lists WHERE status = 'pending' AND received_at < $1
             ORDER BY received_at, seq LIMIT $2",
            &[&before.0, &codec::limit(limit)],
        )
    }

    pub(super) fn lists_after(c: &mut PgConn, after: Option<&ListKey>, limit: usize) -> Result<Vec<ListRow>> {
        let rows = match after {
            None => c.query(
                "lists_after",
                "SELECT status, lane, return_status, score, received_at, decided_at, criteria_version,
                        reasons::text, doc::text
                 FROM lists ORDER BY ebc_code, cop_no LIMIT $1",
                &[&codec::limit(limit)],
            )?,
            Some(k) => c.query(
                "lists_after",
                "SELECT status, lane, return_status, score, received_at, decided_at, criteria_version,
                        reasons::text, doc::text
                 FROM lists WHERE (ebc_code, cop_no) > ($1, $2) ORDER BY ebc_code, cop_no LIMIT $3",
                &[&k.ebc_code, &k.cop_no, &codec::limit(limit)],
            )?,
        };
        rows.iter()
            .map(|r| {
                RawList {
                    status: col(r, 0)?,
                    lane: col(r, 1)?,
                    return_status: col(r, 2)?,
                    score: col(r, 3)?,
                    received_at: col(r, 4)?,
                    decided_at: col(r, 5)?,
                    criteria_version: col(r, 6)?,
                    reasons: col(r, 7)?,
                    doc: col(r, 8)?,
                }
                .decode()
            })
            .collect()
    }

    pub(super) fn append_decision(c: &mut PgConn, key: &ListKey, doc: &str) -> Result<u64> {
        let row = c.query_one(
            "append_decision",
            "INSERT INTO decisions (ebc_code, cop_no, doc) VALUES ($1, $2, $3::text::jsonb) RETURNING seq",
            &[&key.ebc_code, &key.cop_no, &doc],
        )?;
        codec::seq("decision seq", col(&row, 0)?)
    }

    pub(super) fn insert_clearance(c: &mut PgConn, k: &Clearance) -> Result<()> {
        c.execute(
            "insert_clearance",
            "INSERT INTO screening_clearances (party, list, entry_id, officer, cleared_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (party, list, entry_id) DO NOTHING",
            &[&k.party, &k.list, &k.entry_id, &k.officer, &k.cleared_at.0],
        )
    }

    pub(super) fn clearances(c: &mut PgConn) -> Result<Vec<Clearance>> {
        c.query(
            "clearances",
            "SELECT party, list, entry_id, officer, cleared_at FROM screening_clearances ORDER BY party, list, entry_id",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(Clearance {
                party: col(r, 0)?,
                list: col(r, 1)?,
                entry_id: col(r, 2)?,
                officer: col(r, 3)?,
                cleared_at: MessageTime(col(r, 4)?),
            })
        })
        .collect()
    }

    pub(super) fn insert_inspection(c: &mut PgConn, key: &ListKey, doc: &str) -> Result<u64> {
        let row = c.query_one(
            "insert_inspection",
            "INSERT INTO inspections (ebc_code, cop_no, doc) VALUES ($1, $2, $3::text::jsonb) RETURNING seq",
            &[&key.ebc_code, &key.cop_no, &doc],
        )?;
        codec::seq("inspection seq", col(&row, 0)?)
    }

    pub(super) fn inspections_of(c: &mut PgConn, key: &ListKey) -> Result<Vec<Inspection>> {
        c.query(
            "inspections_of",
            "SELECT doc::text FROM inspections WHERE ebc_code = $1 AND cop_no = $2 ORDER BY seq",
            &[&key.ebc_code, &key.cop_no],
        )?
        .iter()
        .map(|row| codec::from_json("inspection", col(row, 0)?))
        .collect()
    }

    pub(super) fn inspections_after(c: &mut PgConn, after: u64, limit: usize) -> Result<Vec<(u64, Inspection)>> {
        let sql = "SELECT seq, doc::text FROM inspections WHERE seq > $1 ORDER BY seq LIMIT $2";
        feed_after(c, "inspection", sql, after, limit)
    }

    /// A page of an append-only table of JSON documents (`seq`, `doc`), after a cursor.
    fn feed_after<T: serde::de::DeserializeOwned>(
        c: &mut PgConn,
        what: &'static str,
        sql: &'static str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, T)>> {
        let Some(after) = codec::cursor(after) else { return Ok(Vec::new()) };
        c.query(what, sql, &[&after, &codec::limit(limit)])?
            .iter()
            .map(|r| Ok((codec::seq(what, col(r, 0)?)?, codec::from_json(what, col(r, 1)?)?)))
            .collect()
    }

    pub(super) fn decisions_after(c: &mut PgConn, after: u64, limit: usize) -> Result<Vec<(u64, Decision)>> {
        let sql = "SELECT seq, doc::text FROM decisions WHERE seq > $1 ORDER BY seq LIMIT $2";
        feed_after(c, "decision", sql, after, limit)
    }

    pub(super) fn mandate_exists(c: &mut PgConn, exporter: &str, party: &str, kind: &str) -> Result<bool> {
        let row = c.query_one(
            "mandate_exists",
            "SELECT EXISTS (SELECT 1 FROM mandates WHERE exporter = $1 AND party = $2 AND kind = $3)",
            &[&exporter, &party, &kind],
        )?;
        col(&row, 0)
    }

    pub(super) fn mandates(c: &mut PgConn) -> Result<Vec<(String, String, String)>> {
        c.query("mandates", "SELECT exporter, party, kind FROM mandates ORDER BY exporter, party, kind", &[])?
            .iter()
            .map(|r| Ok((col(r, 0)?, col(r, 1)?, col(r, 2)?)))
            .collect()
    }

    pub(super) fn insert_mandate(c: &mut PgConn, exporter: &str, party: &str, kind: &str) -> Result<()> {
        c.execute(
            "insert_mandate",
            "INSERT INTO mandates (exporter, party, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&exporter, &party, &kind],
        )
    }

    pub(super) fn guid_digest(c: &mut PgConn, guid: &str) -> Result<Option<Digest>> {
        let row = c.query_opt("guid_digest", "SELECT digest FROM guids WHERE guid = $1", &[&guid])?;
        row.map(|r| codec::digest("guid digest", col::<&[u8]>(&r, 0)?)).transpose()
    }

    pub(super) fn insert_guid(c: &mut PgConn, guid: &str, digest: &Digest) -> Result<()> {
        c.execute(
            "insert_guid",
            "INSERT INTO guids (guid, digest) VALUES ($1, $2) ON CONFLICT (guid) DO NOTHING",
            &[&guid, &&digest[..]],
        )
    }

    pub(super) fn session(c: &mut PgConn, id_hash: &Digest) -> Result<Option<SessionRow>> {
        let row = c.query_opt(
            "session",
            "SELECT name, role, ebc_code, expires_at FROM sessions WHERE id_hash = $1",
            &[&&id_hash[..]],
        )?;
        row.map(|r| {
            Ok(SessionRow {
                name: col(&r, 0)?,
                role: codec::role(col(&r, 1)?)?,
                ebc_code: col(&r, 2)?,
                expires_at: col(&r, 3)?,
            })
        })
        .transpose()
    }

    pub(super) fn insert_session(c: &mut PgConn, id_hash: &Digest, s: &SessionRow) -> Result<()> {
        c.execute(
            "insert_session",
            "INSERT INTO sessions (id_hash, name, role, ebc_code, expires_at) VALUES ($1, $2, $3, $4, $5)",
            &[&&id_hash[..], &s.name, &s.role.as_str(), &s.ebc_code, &s.expires_at],
        )
    }

    pub(super) fn delete_expired_sessions(c: &mut PgConn, now: i64) -> Result<u64> {
        let row = c.query_one(
            "delete_expired_sessions",
            "WITH gone AS (DELETE FROM sessions WHERE expires_at <= $1 RETURNING 1) SELECT count(*) FROM gone",
            &[&now],
        )?;
        Ok(col::<i64>(&row, 0)? as u64)
    }

    pub(super) fn log_applied(c: &mut PgConn) -> Result<u64> {
        let row = c.query_opt("log_applied", "SELECT seq FROM log_applied WHERE id = 1", &[])?;
        row.map_or(Ok(0), |r| codec::seq("log position", col(&r, 0)?))
    }

    pub(super) fn set_log_applied(c: &mut PgConn, seq: u64) -> Result<()> {
        c.execute(
            "set_log_applied",
            "INSERT INTO log_applied (id, seq) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET seq = $1",
            &[&(seq as i64)],
        )
    }

    pub(super) fn forget_derived(c: &mut PgConn) -> Result<()> {
        // Not a prepared statement (the statement cache holds only the code's fixed queries):
        // run once per rebuild.
        let sql = format!("TRUNCATE {}", crate::DERIVED_TABLES.join(", "));
        c.client.batch_execute(&sql).map_err(backend("forget_derived"))
    }

    pub(super) fn delete_session(c: &mut PgConn, id_hash: &Digest) -> Result<()> {
        c.execute("delete_session", "DELETE FROM sessions WHERE id_hash = $1", &[&&id_hash[..]])
    }

    pub(super) fn insert_token(
        c: &mut PgConn,
        name: &str,
        role: Role,
        ebc_code: Option<&str>,
        secret_hash: &Digest,
    ) -> Result<Option<u64>> {
        let row = c.query_opt(
            "insert_token",
            "INSERT INTO tokens (name, role, ebc_code, secret_hash) VALUES ($1, $2, $3, $4)
             ON CONFLICT (secret_hash) DO NOTHING
             RETURNING id",
            &[&name, &role.as_str(), &ebc_code, &&secret_hash[..]],
        )?;
        row.map(|r| codec::seq("token id", col(&r, 0)?)).transpose()
    }

    pub(super) fn token_by_hash(c: &mut PgConn, secret_hash: &Digest) -> Result<Option<TokenRow>> {
        let row = c.query_opt(
            "token_by_hash",
            "SELECT id, name, role, ebc_code, secret_hash FROM tokens WHERE secret_hash = $1",
            &[&&secret_hash[..]],
        )?;
        row.map(|r| {
            Ok(TokenRow {
                id: codec::seq("token id", col(&r, 0)?)?,
                name: col(&r, 1)?,
                role: codec::role(col(&r, 2)?)?,
                ebc_code: col(&r, 3)?,
                secret_hash: codec::digest("token secret hash", col(&r, 4)?)?,
            })
        })
        .transpose()
    }

    pub(super) fn counts(c: &mut PgConn) -> Result<Counts> {
        let mut group = |sql: &'static str| -> Result<Vec<(String, i64)>> {
            c.query("counts", sql, &[])?.iter().map(|r| Ok((col(r, 0)?, col(r, 1)?))).collect()
        };
        let by_lane = group("SELECT lane, count(*) FROM lists GROUP BY lane")?;
        let by_status = group("SELECT status, count(*) FROM lists GROUP BY status")?;
        let messages: i64 = col(&c.query_one("counts", "SELECT count(*) FROM messages", &[])?, 0)?;
        codec::counts(by_lane, by_status, messages)
    }

    pub(super) fn list_facts(c: &mut PgConn, key: &ListKey) -> Result<Option<ListFacts>> {
        let row = c.query_opt(
            "list_facts",
            "SELECT day_cn, dest_country, trade_mode, hs_chapter, value_fen, ebp_code, lane
             FROM lists WHERE ebc_code = $1 AND cop_no = $2",
            &[&key.ebc_code, &key.cop_no],
        )?;
        let Some(r) = row else { return Ok(None) };
        let Some(day) = col::<Option<i64>>(&r, 0)? else { return Ok(None) };
        Ok(Some(ListFacts {
            day,
            dest_country: col::<Option<String>>(&r, 1)?.unwrap_or_default(),
            trade_mode: col::<Option<String>>(&r, 2)?.unwrap_or_default(),
            hs_chapter: col::<Option<String>>(&r, 3)?.unwrap_or_default(),
            value_fen: col::<Option<i64>>(&r, 4)?.unwrap_or_default(),
            ebp_code: col(&r, 5)?,
            lane: codec::lane(col(&r, 6)?)?,
        }))
    }

    /// Writes a list's facts (when it still exists) and moves the daily totals from `old` to `new`.
    pub(super) fn update_facts(
        c: &mut PgConn,
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
            c.execute(
                "update_facts",
                "UPDATE lists SET day_cn = $3, dest_country = $4, trade_mode = $5, hs_chapter = $6, value_fen = $7
                 WHERE ebc_code = $1 AND cop_no = $2",
                &[&key.ebc_code, &key.cop_no, &f.day, &f.dest_country, &f.trade_mode, &f.hs_chapter, &f.value_fen],
            )?;
        }
        for (day, dim, k, lists, value) in workbench::deltas(old, new) {
            c.execute(
                "update_facts",
                "INSERT INTO dash_daily (day, dim, key, lists, value_fen) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (day, dim, key) DO UPDATE SET
                     lists = dash_daily.lists + excluded.lists, value_fen = dash_daily.value_fen + excluded.value_fen",
                &[&day, &dim, &k, &lists, &value],
            )?;
        }
        Ok(())
    }

    pub(super) fn review_queue(c: &mut PgConn, f: &QueueFilter, limit: usize) -> Result<Vec<QueueRow>> {
        let lane = f.lane.map(|l| l.as_str());
        let rows = c.query(
            "review_queue",
            "SELECT l.ebc_code, l.cop_no, l.lane, l.received_at, l.reasons::text, l.ebp_code, l.dest_country,
                    l.hs_chapter, l.trade_mode, l.value_fen, k.officer, k.claimed_at
             FROM lists l LEFT JOIN claims k ON k.ebc_code = l.ebc_code AND k.cop_no = l.cop_no
             WHERE l.status = 'review' AND ($1::text IS NULL OR l.lane = $1) AND ($2::text IS NULL OR l.ebc_code = $2)
               AND ($3::text IS NULL OR l.dest_country = $3) AND ($4::text IS NULL OR l.hs_chapter = $4)
               AND ($5::text IS NULL OR l.reasons @> jsonb_build_array(jsonb_build_object('code', $5::text)))
             ORDER BY l.received_at, l.seq LIMIT $6",
            &[&lane, &f.exporter, &f.dest_country, &f.hs_chapter, &f.reason, &codec::limit(limit)],
        )?;
        rows.iter()
            .map(|r| {
                let cols = workbench::QueueCols {
                    ebp_code: col(r, 5)?,
                    dest_country: col(r, 6)?,
                    hs_chapter: col(r, 7)?,
                    trade_mode: col(r, 8)?,
                    value_fen: col(r, 9)?,
                    officer: col(r, 10)?,
                    claimed_at: col(r, 11)?,
                };
                let list = ListKey { ebc_code: col(r, 0)?, cop_no: col(r, 1)? };
                cols.into_row(
                    list,
                    codec::lane(col(r, 2)?)?,
                    col(r, 3)?,
                    codec::from_json("reasons of a list", col(r, 4)?)?,
                )
            })
            .collect()
    }

    pub(super) fn claim_of(c: &mut PgConn, key: &ListKey) -> Result<Option<Claim>> {
        let row = c.query_opt(
            "claim_of",
            "SELECT officer, claimed_at FROM claims WHERE ebc_code = $1 AND cop_no = $2",
            &[&key.ebc_code, &key.cop_no],
        )?;
        row.map(|r| Ok(Claim { list: key.clone(), officer: col(&r, 0)?, claimed_at: col(&r, 1)? })).transpose()
    }

    pub(super) fn put_claim(c: &mut PgConn, k: &Claim) -> Result<()> {
        c.execute(
            "put_claim",
            "INSERT INTO claims (ebc_code, cop_no, officer, claimed_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (ebc_code, cop_no) DO UPDATE SET officer = excluded.officer, claimed_at = excluded.claimed_at",
            &[&k.list.ebc_code, &k.list.cop_no, &k.officer, &k.claimed_at],
        )
    }

    pub(super) fn delete_claim(c: &mut PgConn, key: &ListKey) -> Result<()> {
        c.execute(
            "delete_claim",
            "DELETE FROM claims WHERE ebc_code = $1 AND cop_no = $2",
            &[&key.ebc_code, &key.cop_no],
        )
    }

    pub(super) fn insert_audit(c: &mut PgConn, e: &AuditEntry) -> Result<u64> {
        let row = c.query_one(
            "insert_audit",
            "INSERT INTO case_audit (ebc_code, cop_no, officer, action, detail, at) VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING seq",
            &[&e.list.ebc_code, &e.list.cop_no, &e.officer, &e.action, &e.detail, &e.at],
        )?;
        codec::seq("audit seq", col(&row, 0)?)
    }

    pub(super) fn audit_of(c: &mut PgConn, key: &ListKey) -> Result<Vec<AuditEntry>> {
        c.query(
            "audit_of",
            "SELECT officer, action, detail, at FROM case_audit WHERE ebc_code = $1 AND cop_no = $2 ORDER BY seq",
            &[&key.ebc_code, &key.cop_no],
        )?
        .iter()
        .map(|r| {
            Ok(AuditEntry {
                list: key.clone(),
                officer: col(r, 0)?,
                action: col(r, 1)?,
                detail: col(r, 2)?,
                at: col(r, 3)?,
            })
        })
        .collect()
    }

    pub(super) fn decisions_of(c: &mut PgConn, key: &ListKey) -> Result<Vec<(u64, Decision)>> {
        c.query(
            "decisions_of",
            "SELECT seq, doc::text FROM decisions WHERE ebc_code = $1 AND cop_no = $2 ORDER BY seq",
            &[&key.ebc_code, &key.cop_no],
        )?
        .iter()
        .map(|r| Ok((codec::seq("decision seq", col(r, 0)?)?, codec::from_json("decision", col(r, 1)?)?)))
        .collect()
    }

    pub(super) fn daily_totals(c: &mut PgConn, from_day: i64, to_day: i64) -> Result<Vec<DailyTotal>> {
        c.query(
            "daily_totals",
            "SELECT day, dim, key, lists, value_fen FROM dash_daily WHERE day BETWEEN $1 AND $2 AND lists <> 0
             ORDER BY day, dim, key",
            &[&from_day, &to_day],
        )?
        .iter()
        .map(|r| {
            Ok(DailyTotal {
                day: col(r, 0)?,
                dim: col(r, 1)?,
                key: col(r, 2)?,
                lists: col(r, 3)?,
                value_fen: col(r, 4)?,
            })
        })
        .collect()
    }

    pub(super) fn decided_per_minute(c: &mut PgConn, since: MessageTime) -> Result<Vec<(i64, u64)>> {
        c.query(
            "decided_per_minute",
            "SELECT decided_at / 60, count(*) FROM lists WHERE decided_at >= $1 GROUP BY decided_at / 60 ORDER BY 1",
            &[&since.0],
        )?
        .iter()
        .map(|r| Ok((col(r, 0)?, codec::seq("count", col(r, 1)?)?)))
        .collect()
    }

    pub(super) fn latest_decision_time(c: &mut PgConn) -> Result<Option<MessageTime>> {
        let row = c.query_one("latest_decision_time", "SELECT max(decided_at) FROM lists", &[])?;
        Ok(col::<Option<i64>>(&row, 0)?.map(MessageTime))
    }

    pub(super) fn release_times(c: &mut PgConn, since: MessageTime, limit: usize) -> Result<Vec<i64>> {
        c.query(
            "release_times",
            "SELECT decided_at - received_at FROM lists
             WHERE decided_at >= $1 AND status IN ('released', 'arrived', 'departed') LIMIT $2",
            &[&since.0, &codec::limit(limit)],
        )?
        .iter()
        .map(|r| col(r, 0))
        .collect()
    }

    pub(super) fn lists_in_status(c: &mut PgConn, status: ListStatus) -> Result<u64> {
        let row =
            c.query_one("lists_in_status", "SELECT count(*) FROM lists WHERE status = $1", &[&status.as_str()])?;
        codec::seq("count", col(&row, 0)?)
    }

    pub(super) fn lists_of_enterprise(c: &mut PgConn, ebc_code: &str, limit: usize) -> Result<Vec<ListRow>> {
        c.query(
            "lists_of_enterprise",
            "SELECT status, lane, return_status, score, received_at, decided_at, criteria_version,
                    reasons::text, doc::text
             FROM lists WHERE ebc_code = $1 ORDER BY received_at DESC, seq DESC LIMIT $2",
            &[&ebc_code, &codec::limit(limit)],
        )?
        .iter()
        .map(|r| {
            RawList {
                status: col(r, 0)?,
                lane: col(r, 1)?,
                return_status: col(r, 2)?,
                score: col(r, 3)?,
                received_at: col(r, 4)?,
                decided_at: col(r, 5)?,
                criteria_version: col(r, 6)?,
                reasons: col(r, 7)?,
                doc: col(r, 8)?,
            }
            .decode()
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_hide_the_password() {
        let config = Config::from_str("postgres://clerk:s3cret@db.example:5433/greenlane").unwrap();
        assert_eq!(describe_config(&config), "postgresql://clerk@db.example:5433/greenlane");
        let config = Config::from_str("host=/run/postgresql user=clerk password=s3cret dbname=gl").unwrap();
        assert_eq!(describe_config(&config), "postgresql://clerk@%2Frun%2Fpostgresql/gl");
        assert_eq!(redact("postgres://clerk:s3cret@db:5432/gl?x=1"), "postgres://clerk:***@db:5432/gl");
        assert_eq!(redact("postgres://db:5432/gl?password=s3cret"), "postgres://db:5432/gl");
        assert_eq!(redact("postgres://db/gl"), "postgres://db/gl");
        assert_eq!(redact("no url at all"), "<PostgreSQL connection string>");
    }
}
