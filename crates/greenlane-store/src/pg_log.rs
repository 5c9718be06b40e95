//! The intake log of a hub run on PostgreSQL (`--database`): greenlane-log's [`Log`] over the
//! table `intake_log` of the store's own database. A group is appended with one
//! `COPY … FROM STDIN BINARY` in one transaction, and is durable when that transaction commits
//! (the connection keeps `synchronous_commit` on, as the store's writer does): one round trip
//! for the rows of a whole group, not one per row.
//!
//! One appender at a time: the log holds a session-level advisory lock for as long as it is
//! open, so a second hub (or a rebuild while the hub runs) is refused rather than interleaving
//! sequence numbers. Records are read back in pages on a connection of their own.

use crate::pg::{self, PgConn};
use crate::{Result as StoreResult, StoreError};
use greenlane_log::{Entry, Log, LogError, Position, Record, Records};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;
use postgres::{Client, Config, NoTls};
use std::collections::VecDeque;

/// Key of the advisory lock held by the open log (the bytes of "glintake").
const APPEND_LOCK: i64 = 0x676c_696e_7461_6b65;

/// Records fetched per round trip when reading back: a message is at most a few hundred KB, so
/// a page stays within tens of MB.
const PAGE: i64 = 256;

/// The intake log in a PostgreSQL table.
pub struct PgLog {
    config: Config,
    location: String,
    /// Holds the advisory lock; appends run on it.
    conn: PgConn,
    next_seq: u64,
    /// Set when a COMMIT's outcome is unknown: the table may or may not hold the group, so
    /// `next_seq` cannot be trusted until the log is reopened.
    poisoned: bool,
}

impl std::fmt::Debug for PgLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgLog").field("location", &self.location).field("next_seq", &self.next_seq).finish()
    }
}

impl PgLog {
    /// Opens the log in the database at `url` (the store's URL), creating its table with the
    /// store's migrations if needed, and takes the appender's lock.
    pub fn connect(url: &str) -> StoreResult<PgLog> {
        let (config, location) = pg::parse_url(url)?;
        let open_error = |reason: String| StoreError::Open { location: location.clone(), reason };
        let mut conn = PgConn::connect_writer(&config).map_err(|e| open_error(pg::error_text(&e)))?;
        pg::migrate(&mut conn).map_err(|e| open_error(format!("cannot apply the schema: {e}")))?;
        let locked: bool = conn
            .client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&APPEND_LOCK])
            .and_then(|row| row.try_get(0))
            .map_err(|e| open_error(pg::error_text(&e)))?;
        if !locked {
            return Err(open_error("the intake log is open elsewhere (a running hub?)".into()));
        }
        let last: i64 = conn
            .client
            .query_one("SELECT coalesce(max(seq), 0) FROM intake_log", &[])
            .and_then(|row| row.try_get(0))
            .map_err(|e| open_error(pg::error_text(&e)))?;
        let next_seq = u64::try_from(last).map_err(|_| open_error(format!("a negative sequence number {last}")))? + 1;
        Ok(PgLog { config, location: format!("{location} (table intake_log)"), conn, next_seq, poisoned: false })
    }

    fn error(&self, operation: &'static str) -> impl Fn(postgres::Error) -> LogError + '_ {
        move |e| LogError::Database {
            location: self.location.clone(),
            reason: format!("{operation}: {}", pg::error_text(&e)),
        }
    }

    fn copy_group(&mut self, entries: &[Entry<'_>], first: i64) -> Result<(), postgres::Error> {
        let len = i32::try_from(entries.len()).unwrap_or(i32::MAX);
        let mut tx = self.conn.client.transaction()?;
        let sink =
            tx.copy_in("COPY intake_log (seq, grp, group_len, partition_key, kind, payload) FROM STDIN BINARY")?;
        let types = [Type::INT8, Type::INT8, Type::INT4, Type::TEXT, Type::INT2, Type::BYTEA];
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        for (seq, entry) in (first..).zip(entries) {
            writer.write(&[&seq, &first, &len, &entry.partition, &i16::from(entry.kind), &entry.payload])?;
        }
        writer.finish()?;
        tx.commit()
    }
}

impl Log for PgLog {
    fn append(&mut self, entries: &[Entry<'_>]) -> Result<Vec<Position>, LogError> {
        if self.poisoned {
            return Err(LogError::Poisoned);
        }
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        if let Some((index, _)) = entries.iter().enumerate().find(|(_, e)| e.payload.len() >= i32::MAX as usize) {
            return Err(LogError::Refused { index, reason: "a payload of 2 GiB or more does not fit a row".into() });
        }
        let first = i64::try_from(self.next_seq).map_err(|_| LogError::Refused {
            index: 0,
            reason: format!("sequence number {} is out of range", self.next_seq),
        })?;
        if let Err(e) = self.copy_group(entries, first) {
            // An error before COMMIT rolled the group back; one during COMMIT (the connection
            // lost) leaves it unknown. Either way the next append must not guess.
            self.poisoned = self.conn.client.is_closed() || e.is_closed();
            return Err(self.error("appending a group")(e));
        }
        let positions = (self.next_seq..).take(entries.len()).map(|seq| Position { seq, segment: 0, offset: 0 });
        let positions: Vec<Position> = positions.collect();
        self.next_seq += entries.len() as u64;
        Ok(positions)
    }

    fn read_from(&self, seq: u64) -> Result<Records<'_>, LogError> {
        let client = self.config.connect(NoTls).map_err(self.error("connecting to read the log"))?;
        let end = self.next_seq;
        let location = self.location.clone();
        let mut reader = Reader { client, next: seq.max(1), end, page: VecDeque::new(), location };
        Ok(Box::new(std::iter::from_fn(move || reader.next_record())))
    }

    fn next_seq(&self) -> u64 {
        self.next_seq
    }

    fn describe(&self) -> String {
        self.location.clone()
    }
}

/// Reads `next..end` a page at a time.
struct Reader {
    client: Client,
    next: u64,
    end: u64,
    page: VecDeque<Record>,
    location: String,
}

impl Reader {
    fn next_record(&mut self) -> Option<Result<Record, LogError>> {
        if self.page.is_empty()
            && self.next < self.end
            && let Err(e) = self.fetch()
        {
            // Nothing after a failed read: the caller stops at the error.
            self.next = self.end;
            return Some(Err(e));
        }
        self.page.pop_front().map(Ok)
    }

    fn fetch(&mut self) -> Result<(), LogError> {
        let error = |reason: String| LogError::Database { location: self.location.clone(), reason };
        let from =
            i64::try_from(self.next).map_err(|_| error(format!("sequence number {} is out of range", self.next)))?;
        let end = i64::try_from(self.end).unwrap_or(i64::MAX);
        let rows = self
            .client
            .query(
                "SELECT seq, grp, group_len, partition_key, kind, payload FROM intake_log
                 WHERE seq >= $1 AND seq < $2 ORDER BY seq LIMIT $3",
                &[&from, &end, &PAGE],
            )
            .map_err(|e| error(format!("reading records from {from}: {}", pg::error_text(&e))))?;
        for row in rows {
            let record = (|| -> Result<Record, postgres::Error> {
                let seq: i64 = row.try_get(0)?;
                let group: i64 = row.try_get(1)?;
                let group_len: i32 = row.try_get(2)?;
                let kind: i16 = row.try_get(4)?;
                Ok(Record {
                    position: Position { seq: seq as u64, segment: 0, offset: 0 },
                    group: group as u64,
                    group_len: group_len as u32,
                    partition: row.try_get(3)?,
                    kind: kind as u8,
                    payload: row.try_get(5)?,
                })
            })()
            .map_err(|e| error(format!("a record does not read: {}", pg::error_text(&e))))?;
            // Sequence numbers have no gaps: a missing one is a deleted record.
            if record.position.seq != self.next {
                return Err(error(format!(
                    "record {} is missing (the next stored one is {})",
                    self.next, record.position.seq
                )));
            }
            self.next += 1;
            self.page.push_back(record);
        }
        if self.page.is_empty() {
            return Err(error(format!("records {} to {} are missing", self.next, self.end - 1)));
        }
        Ok(())
    }
}
