//! The PostgreSQL backend: one writer connection behind a mutex, a small pool of reader
//! connections, each with its own cache of prepared statements. Readers (synchronous `postgres`
//! client) see a REPEATABLE READ snapshot. The writer ([`PgPipe`], `tokio-postgres` on a runtime
//! of its own) queues the writes whose answer nobody waits for and sends them in one pipeline
//! with the next statement that needs an answer or with the COMMIT: one client round trip per
//! read that reaches the database instead of one per statement. Commits wait for the WAL flush
//! (`synchronous_commit` stays on, and the writer turns it back on where a server has it off),
//! so an acknowledged message is on disk.

use crate::queries::{Session, SqlTx, WriteSession};
use crate::sql::{self, Arg, Db, Dialect, Row, Sql};
use crate::{ReadTx, Result, Store, StoreError, WriteTx};
use bytes::BytesMut;
use postgres::config::Host;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, Config, NoTls, Statement};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::Poll;
use std::time::Duration;

/// Reader connections kept open between reads; more are opened when needed and closed after.
const IDLE_READERS: usize = 4;

/// Key of the advisory lock that serialises migrations between processes starting together
/// (the bytes of "grnlane").
const MIGRATION_LOCK: i64 = 0x0067_726e_6c61_6e65;

/// The PostgreSQL store.
pub struct PgStore {
    config: Config,
    /// The same settings, for the writer's asynchronous client.
    pipe_config: tokio_postgres::Config,
    /// The location without secrets, for logs and errors.
    location: String,
    writer: Mutex<PgPipe>,
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
        let (pipe_config, location) = parse_pipe_url(url)?;
        let config = Config::from(pipe_config.clone());
        let open_error = |reason: String| StoreError::Open { location: location.clone(), reason };
        let mut conn = PgConn::connect_writer(&config).map_err(|e| open_error(error_text(&e)))?;
        migrate(&mut conn).map_err(|e| open_error(format!("cannot apply the schema: {e}")))?;
        drop(conn);
        let writer = PgPipe::connect(&pipe_config).map_err(open_error)?;
        let store =
            PgStore { config, pipe_config, location, writer: Mutex::new(writer), readers: Mutex::new(Vec::new()) };
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

/// The connection settings of `url` (with a connect timeout and greenlane's application name
/// unless it sets them) and the location without secrets, for logs and errors.
pub(crate) fn parse_url(url: &str) -> Result<(Config, String)> {
    parse_pipe_url(url).map(|(config, location)| (Config::from(config), location))
}

/// [`parse_url`] for the asynchronous client.
fn parse_pipe_url(url: &str) -> Result<(tokio_postgres::Config, String)> {
    let mut config = tokio_postgres::Config::from_str(url)
        .map_err(|e| StoreError::Open { location: redact(url), reason: error_text(&e) })?;
    let location = describe_config(&config);
    if config.get_connect_timeout().is_none() {
        // Without it an unreachable host hangs start-up for the kernel's TCP timeout.
        config.connect_timeout(Duration::from_secs(10));
    }
    if config.get_application_name().is_none() {
        config.application_name("greenlane");
    }
    Ok((config, location))
}

/// The text of a client error with its causes: `postgres::Error`'s own Display says only
/// "db error", the server's message is in the source.
pub(crate) fn error_text(e: &postgres::Error) -> String {
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
fn describe_config(config: &tokio_postgres::Config) -> String {
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
pub(crate) struct PgConn {
    pub(crate) client: Client,
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
    pub(crate) fn connect_writer(config: &Config) -> std::result::Result<PgConn, postgres::Error> {
        let mut conn = PgConn::connect(config)?;
        let setting: String = conn.client.query_one("SHOW synchronous_commit", &[])?.try_get(0)?;
        if setting == "off" {
            conn.client.batch_execute("SET synchronous_commit = on")?;
        }
        Ok(conn)
    }

    /// The prepared statement for `sql`, prepared on first use: every statement the store runs
    /// is a `&'static str`, so the cache is bounded by the code.
    fn statement(&mut self, sql: &'static str) -> std::result::Result<Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(&sql::postgres_text(sql))?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
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

/// The writer's connection: `tokio-postgres` driven by a single-threaded runtime of its own, so
/// that it can have many statements in flight. Writes whose answer nobody waits for
/// ([`Db::write`]) wait in `queue`; the next statement that needs an answer (a read, a write whose
/// row count is used, COMMIT) goes out in one pipeline behind them, and their answers come back
/// in order before its own. The server runs them in the order they were made, so a read sees
/// every earlier write, and the first queued write that fails fails that statement (and with it
/// the transaction, by [`SqlTx`]'s rule) under its own operation's name.
pub(crate) struct PgPipe {
    runtime: tokio::runtime::Runtime,
    client: tokio_postgres::Client,
    statements: HashMap<&'static str, Statement>,
    queue: Vec<Queued>,
    /// Between our BEGIN and its COMMIT/ROLLBACK.
    in_transaction: bool,
}

/// A write waiting to be sent, with copies of its arguments.
struct Queued {
    operation: &'static str,
    statement: Statement,
    args: Vec<OwnedArg>,
}

/// An [`Arg`] that owns its text or bytes, for a queued write.
#[derive(Debug)]
enum OwnedArg {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl OwnedArg {
    fn of(arg: &Arg<'_>) -> OwnedArg {
        match *arg {
            Arg::Null => OwnedArg::Null,
            Arg::Int(n) => OwnedArg::Int(n),
            Arg::Real(x) => OwnedArg::Real(x),
            Arg::Text(s) => OwnedArg::Text(s.to_owned()),
            Arg::Bytes(b) => OwnedArg::Bytes(b.to_vec()),
        }
    }

    fn arg(&self) -> Arg<'_> {
        match self {
            OwnedArg::Null => Arg::Null,
            OwnedArg::Int(n) => Arg::Int(*n),
            OwnedArg::Real(x) => Arg::Real(*x),
            OwnedArg::Text(s) => Arg::Text(s),
            OwnedArg::Bytes(b) => Arg::Bytes(b),
        }
    }
}

impl ToSql for OwnedArg {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        self.arg().to_sql(ty, out)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl PgPipe {
    /// Connects, and turns `synchronous_commit` back on where the server has it off (see
    /// [`PgConn::connect_writer`]). The error is the reason, as text.
    fn connect(config: &tokio_postgres::Config) -> std::result::Result<PgPipe, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the writer's runtime: {e}"))?;
        let (client, connection) = runtime.block_on(config.connect(NoTls)).map_err(|e| error_text(&e))?;
        // The connection runs whenever the writer waits on the runtime; when it ends (the server
        // closed it) the client reports itself closed and every later statement fails.
        runtime.spawn(async move {
            let _ = connection.await;
        });
        let pipe = PgPipe { runtime, client, statements: HashMap::new(), queue: Vec::new(), in_transaction: false };
        let setting: String = pipe
            .runtime
            .block_on(pipe.client.query_one("SHOW synchronous_commit", &[]))
            .and_then(|row| row.try_get(0))
            .map_err(|e| error_text(&e))?;
        if setting == "off" {
            pipe.runtime
                .block_on(pipe.client.batch_execute("SET synchronous_commit = on"))
                .map_err(|e| error_text(&e))?;
        }
        Ok(pipe)
    }

    fn statement(&mut self, sql: &'static str) -> std::result::Result<Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.runtime.block_on(self.client.prepare(&sql::postgres_text(sql)))?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    fn begin(&mut self) -> std::result::Result<(), postgres::Error> {
        self.queue.clear();
        self.runtime.block_on(self.client.batch_execute("BEGIN"))?;
        self.in_transaction = true;
        Ok(())
    }

    /// Sends the queued writes and then `last`, in one pipeline, and waits for all their answers:
    /// the first failed write's error if one failed, else `last`'s answer.
    fn answer(&mut self, operation: &'static str, last: Last<'_>) -> Result<Answer> {
        let queue = std::mem::take(&mut self.queue);
        let (queued, answer) = self.runtime.block_on(pipelined(&self.client, &queue, last));
        queued?;
        answer.map_err(backend(operation))
    }

    /// COMMIT, behind whatever writes are still queued. A queued write that failed has aborted
    /// the transaction, and the server answers that COMMIT with a rollback, not an error: the
    /// write's error is returned, and nothing was kept.
    fn commit(&mut self) -> Result<()> {
        self.answer("commit", Last::Batch("COMMIT"))?;
        self.in_transaction = false;
        Ok(())
    }

    /// Ends the transaction without keeping anything (queued writes are never sent); false if
    /// the connection is unusable.
    fn rollback(&mut self) -> bool {
        self.queue.clear();
        let ok = self.runtime.block_on(self.client.batch_execute("ROLLBACK")).is_ok();
        if ok {
            self.in_transaction = false;
        }
        ok
    }
}

type PgResult<T> = std::result::Result<T, postgres::Error>;

/// The statement that needs an answer, sent behind the queued writes.
enum Last<'a> {
    Query(&'a Statement, &'a [Arg<'a>]),
    Execute(&'a Statement, &'a [Arg<'a>]),
    Batch(&'a str),
}

/// What a [`Last`] answers: `Rows` for a query, `Count` for an execute, `Done` for a batch.
enum Answer {
    Rows(Vec<postgres::Row>),
    Count(u64),
    Done,
}

/// Sends every queued write, then `last`, and collects their answers. Each request leaves when
/// its future is first polled (tokio-postgres encodes and hands it to the connection then), so
/// polling them once each in order puts them on the wire in order, without waiting; answers then
/// arrive in the same order.
async fn pipelined(
    client: &tokio_postgres::Client,
    queue: &[Queued],
    last: Last<'_>,
) -> (Result<()>, PgResult<Answer>) {
    let last: Pin<Box<dyn Future<Output = PgResult<Answer>> + '_>> = match last {
        Last::Query(statement, args) => Box::pin(async move {
            let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
            client.query(statement, &params).await.map(Answer::Rows)
        }),
        Last::Execute(statement, args) => Box::pin(async move {
            let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
            client.execute(statement, &params).await.map(Answer::Count)
        }),
        Last::Batch(text) => Box::pin(async move { client.batch_execute(text).await.map(|()| Answer::Done) }),
    };
    let mut sent: Vec<_> =
        queue.iter().map(|q| Some(Box::pin(client.execute_raw(&q.statement, q.args.iter())))).collect();
    let mut answers: Vec<Option<PgResult<u64>>> = Vec::with_capacity(queue.len());
    answers.resize_with(queue.len(), || None);
    let mut last = Some(last);
    let mut last_answer = None;
    std::future::poll_fn(|cx| {
        for (future, answer) in sent.iter_mut().zip(answers.iter_mut()) {
            if let Some(f) = future
                && let Poll::Ready(a) = f.as_mut().poll(cx)
            {
                *answer = Some(a);
                *future = None;
            }
        }
        if let Some(f) = &mut last
            && let Poll::Ready(a) = f.as_mut().poll(cx)
        {
            last_answer = Some(a);
            last = None;
        }
        Poll::Ready(())
    })
    .await;
    let mut failed = None;
    for ((future, answer), q) in sent.into_iter().zip(answers).zip(queue) {
        let answer = match (future, answer) {
            (_, Some(a)) => a,
            (Some(f), None) => f.await,
            (None, None) => unreachable!("a write's future is dropped only once it has answered"),
        };
        // After the first failure the server refuses every later statement of the aborted
        // transaction: the first error is the one that says what went wrong.
        if let Err(e) = answer
            && failed.is_none()
        {
            failed = Some(backend(q.operation)(e));
        }
    }
    let last_answer = match (last, last_answer) {
        (_, Some(a)) => a,
        (Some(f), None) => f.await,
        (None, None) => unreachable!("the last future is dropped only once it has answered"),
    };
    (failed.map_or(Ok(()), Err), last_answer)
}

/// The writer's side of the SQL layer: like [`PgConn`]'s, with [`Db::write`] queued.
impl Db for PgPipe {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn query(
        &mut self,
        operation: &'static str,
        sql: Sql,
        args: &[Arg<'_>],
        each: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()> {
        let statement = self.statement(sql.postgres).map_err(backend(operation))?;
        if let Answer::Rows(rows) = self.answer(operation, Last::Query(&statement, args))? {
            for row in rows {
                each(&row)?;
            }
        }
        Ok(())
    }

    fn execute(&mut self, operation: &'static str, sql: Sql, args: &[Arg<'_>]) -> Result<u64> {
        let statement = self.statement(sql.postgres).map_err(backend(operation))?;
        match self.answer(operation, Last::Execute(&statement, args))? {
            Answer::Count(n) => Ok(n),
            _ => Ok(0),
        }
    }

    fn write(&mut self, operation: &'static str, sql: Sql, args: &[Arg<'_>]) -> Result<()> {
        let statement = self.statement(sql.postgres).map_err(backend(operation))?;
        self.queue.push(Queued { operation, statement, args: args.iter().map(OwnedArg::of).collect() });
        Ok(())
    }

    fn batch(&mut self, operation: &'static str, text: &str) -> Result<()> {
        self.answer(operation, Last::Batch(text)).map(drop)
    }
}

/// Applies the migrations the database lacks ([`crate::migrate::migrate`]), in one transaction under an
/// advisory lock, so that two processes starting together apply each migration once.
pub(crate) fn migrate(conn: &mut PgConn) -> Result<()> {
    conn.begin("BEGIN").map_err(backend("starting the migration"))?;
    let result = conn
        .client
        .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(backend("taking the migration lock"))
        .and_then(|_| crate::migrate::migrate(conn));
    match result {
        Ok(()) => {
            conn.client.batch_execute("COMMIT").map_err(backend("committing the migration"))?;
            conn.in_transaction = false;
            Ok(())
        }
        Err(e) => {
            conn.rollback();
            Err(e)
        }
    }
}

impl Store for PgStore {
    fn write(&self) -> Result<Box<dyn WriteTx + '_>> {
        let mut conn = lock(&self.writer);
        if conn.in_transaction && !conn.rollback() {
            // Only reachable if a transaction was leaked without its Drop running, on a
            // connection that is now unusable.
            *conn = PgPipe::connect(&self.pipe_config).map_err(reconnect_error)?;
        }
        // The client learns that the server closed the connection (restart, failover,
        // idle-session timeout) only when it next uses it, and may not even know it is closed
        // right after the error: a BEGIN that fails is retried once on a new connection (BEGIN
        // itself has no other way to fail).
        if conn.begin().is_err() {
            *conn = PgPipe::connect(&self.pipe_config).map_err(reconnect_error)?;
            conn.begin().map_err(backend("starting the write transaction"))?;
        }
        Ok(Box::new(SqlTx::new(PgWrite { conn, done: false })))
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
        Ok(Box::new(SqlTx::new(PgRead { conn: Some(conn), store: self })))
    }

    fn describe(&self) -> String {
        self.location.clone()
    }
}

fn reconnect_error(reason: String) -> StoreError {
    StoreError::Backend(format!("reconnecting the writer: {reason}"))
}

/// A read-only snapshot on a pooled connection; its transaction ends and the connection returns
/// to the pool on drop.
struct PgRead<'s> {
    conn: Option<PgConn>,
    store: &'s PgStore,
}

impl Session for PgRead<'_> {
    fn db(&mut self) -> Option<&mut dyn Db> {
        self.conn.as_mut().map(|c| c as &mut dyn Db)
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
    conn: MutexGuard<'s, PgPipe>,
    done: bool,
}

impl Session for PgWrite<'_> {
    fn db(&mut self) -> Option<&mut dyn Db> {
        Some(&mut *self.conn)
    }
}

impl WriteSession for PgWrite<'_> {
    fn commit(&mut self) -> Result<()> {
        // If COMMIT (or a write queued before it) fails `done` stays false and Drop rolls back
        // (or, if the connection is gone, the server already has).
        self.conn.commit()?;
        self.done = true;
        Ok(())
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

/// PostgreSQL's side of the SQL layer: statements prepared once per connection, arguments
/// converted to the types the server inferred for them.
impl Db for PgConn {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn query(
        &mut self,
        operation: &'static str,
        sql: Sql,
        args: &[Arg<'_>],
        each: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()> {
        let statement = self.statement(sql.postgres).map_err(backend(operation))?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        for row in self.client.query(&statement, &params).map_err(backend(operation))? {
            each(&row)?;
        }
        Ok(())
    }

    fn execute(&mut self, operation: &'static str, sql: Sql, args: &[Arg<'_>]) -> Result<u64> {
        let statement = self.statement(sql.postgres).map_err(backend(operation))?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        self.client.execute(&statement, &params).map_err(backend(operation))
    }

    fn batch(&mut self, operation: &'static str, text: &str) -> Result<()> {
        self.client.batch_execute(text).map_err(backend(operation))
    }
}

/// JSONB's binary form: a version byte (1) and the JSON text. Passing and reading documents as
/// text this way keeps serde_json alone deciding their encoding, with no casts in the SQL.
const JSONB_VERSION: u8 = 1;

impl ToSql for Arg<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Arg::Null => Ok(IsNull::Yes),
            Arg::Int(n) => match *ty {
                Type::INT2 => i16::try_from(n)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(n)?.to_sql(ty, out),
                _ => n.to_sql(ty, out),
            },
            Arg::Real(x) => x.to_sql(ty, out),
            Arg::Text(s) if *ty == Type::JSONB => {
                out.extend_from_slice(&[JSONB_VERSION]);
                out.extend_from_slice(s.as_bytes());
                Ok(IsNull::No)
            }
            Arg::Text(s) => s.to_sql(ty, out),
            Arg::Bytes(b) => b.to_sql(ty, out),
        }
    }

    /// Any type: `to_sql` converts to the one the server inferred, and the server refuses what
    /// does not fit.
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A JSONB column read as its text.
struct JsonbText<'a>(&'a str);

impl<'a> FromSql<'a> for JsonbText<'a> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        match raw.split_first() {
            Some((&JSONB_VERSION, text)) => Ok(JsonbText(std::str::from_utf8(text)?)),
            _ => Err("unknown JSONB binary format version".into()),
        }
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::JSONB
    }
}

/// A column read as `T`, a type mismatch being corruption (the schema says otherwise).
fn col<'a, T: FromSql<'a>>(row: &'a postgres::Row, index: usize) -> Result<T> {
    row.try_get(index).map_err(|e| StoreError::Corrupt(format!("column {index}: {}", error_text(&e))))
}

fn column_type(row: &postgres::Row, index: usize) -> Result<&Type> {
    row.columns().get(index).map(|c| c.type_()).ok_or_else(|| StoreError::Corrupt(format!("column {index} is missing")))
}

impl Row for postgres::Row {
    fn opt_int(&self, index: usize) -> Result<Option<i64>> {
        match *column_type(self, index)? {
            Type::INT2 => Ok(col::<Option<i16>>(self, index)?.map(i64::from)),
            Type::INT4 => Ok(col::<Option<i32>>(self, index)?.map(i64::from)),
            _ => col(self, index),
        }
    }

    fn opt_text(&self, index: usize) -> Result<Option<&str>> {
        if *column_type(self, index)? == Type::JSONB {
            Ok(col::<Option<JsonbText<'_>>>(self, index)?.map(|j| j.0))
        } else {
            col(self, index)
        }
    }

    fn bytes(&self, index: usize) -> Result<&[u8]> {
        col(self, index)
    }

    fn real(&self, index: usize) -> Result<f64> {
        col(self, index)
    }

    fn boolean(&self, index: usize) -> Result<bool> {
        col(self, index)
    }
}
