//! greenlane's intake log: where an accepted message becomes durable. Everything else (documents,
//! parcels, decisions, the officers' queue, what the risk engine learned) is derived from it and
//! can be rebuilt from it.
//!
//! One interface, [`Log`]: append a group of entries and get their positions back once one
//! `fdatasync` made the whole group durable (group commit); read back from a sequence number;
//! iterate everything. [`SegmentLog`] is the embedded implementation: segment files under a
//! folder, each record length-prefixed and CRC-32C-checksummed, payloads compressed with zstd
//! and a dictionary trained on the traffic itself (CEB messages of one sender repeat their
//! certificates, codes and names, which a dictionary turns into references).
//!
//! Entries carry a partition key (the sending enterprise's `ebcCode`). The embedded log keeps
//! one total order across partitions, because replaying the pipeline must see messages in the
//! order it first saw them; the key travels with each record so that a partitioned
//! implementation can split by it, and [`Log::read_from`] callers can filter by it.
//!
//! Recovery ([`SegmentLog::open`]): a torn or corrupted record at the tail of the last segment,
//! and the rest of the group it belongs to (never acknowledged, since a group is acknowledged
//! only after its sync), is cut off with a `tracing` warning naming the segment, the offset and
//! the bytes cut. A bad record anywhere else is [`LogError::Corrupt`] with its segment and
//! offset: the log refuses to guess.

pub mod record;
mod segment;
mod zdict;

pub use segment::{Config, Cut, SegmentLog, Stats};

use std::path::PathBuf;

/// One thing to append.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The partition key: the sending enterprise's code.
    pub partition: &'a str,
    /// What the payload is, for the log's user (a message, an inspection…); the log keeps it.
    pub kind: u8,
    pub payload: &'a [u8],
}

/// Where a record lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The record's sequence number in the whole log, from 1, without gaps.
    pub seq: u64,
    /// The segment holding it, named by the sequence number of its first record.
    pub segment: u64,
    /// Byte offset of the record in its segment file.
    pub offset: u64,
}

/// A record read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub position: Position,
    /// Sequence number of the first record of the group it was appended with.
    pub group: u64,
    /// Records in that group.
    pub group_len: u32,
    pub partition: String,
    pub kind: u8,
    /// The payload as appended.
    pub payload: Vec<u8>,
}

impl Record {
    /// Whether this record is the last of its group.
    pub fn ends_group(&self) -> bool {
        self.position.seq + 1 == self.group + u64::from(self.group_len)
    }
}

/// Records in log order.
pub type Records<'a> = Box<dyn Iterator<Item = Result<Record, LogError>> + Send + 'a>;

/// An append-only log of checksummed records.
pub trait Log: Send + std::fmt::Debug {
    /// Appends `entries` as one group and returns their positions once all of them are durable
    /// (one `fdatasync`). On `Err`, none of them is: the log is as it was before the call.
    fn append(&mut self, entries: &[Entry<'_>]) -> Result<Vec<Position>, LogError>;
    /// The records with a sequence number at or above `seq`, in order; nothing appended after
    /// this call.
    fn read_from(&self, seq: u64) -> Result<Records<'_>, LogError>;
    /// The sequence number the next appended record will get (1 for an empty log).
    fn next_seq(&self) -> u64;
    /// Where the log lives, for messages.
    fn describe(&self) -> String;
}

/// Groups consecutive records of the same append, as they were appended: replaying a group
/// as one batch reproduces what the first run did with it.
pub fn groups<'a>(records: Records<'a>) -> impl Iterator<Item = Result<Vec<Record>, LogError>> + 'a {
    let mut records = records.peekable();
    std::iter::from_fn(move || {
        let mut group: Vec<Record> = Vec::new();
        loop {
            match records.peek() {
                None => return (!group.is_empty()).then_some(Ok(group)),
                Some(Ok(next)) if group.first().is_some_and(|first| first.group != next.group) => {
                    return Some(Ok(group));
                }
                Some(_) => match records.next() {
                    Some(Ok(record)) => group.push(record),
                    Some(Err(e)) => return Some(Err(e)),
                    None => unreachable!("peeked"),
                },
            }
        }
    })
}

/// Why the log failed.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The file system failed (disk full, permissions, I/O error): the machine's or ours to fix.
    /// Nothing of the failed append is durable.
    #[error("{operation} {path}: {source}")]
    Io { operation: &'static str, path: PathBuf, source: std::io::Error },
    /// A record that was once durable no longer reads: damage outside the tail, which the log
    /// will not repair by guessing.
    #[error("the log is corrupt in segment {segment} at byte {offset}: {reason}")]
    Corrupt { segment: PathBuf, offset: u64, reason: String },
    /// An entry the log cannot hold (too large): the caller's to fix.
    #[error("entry {index} cannot be appended: {reason}")]
    Refused { index: usize, reason: String },
    /// Another process (or another open in this one) has the log open.
    #[error("the log in {dir} is open elsewhere (a running hub?)")]
    Locked { dir: PathBuf },
    /// The database holding the log (a PostgreSQL table) failed, refused the connection or holds
    /// records that do not read: the operator's or ours to fix. Nothing of a failed append is
    /// durable.
    #[error("the intake log in {location}: {reason}")]
    Database { location: String, reason: String },
    /// A previous append failed in a way that left the tail unknown; reopen the log.
    #[error("the log stopped after a failed write; reopen it to recover")]
    Poisoned,
}

impl LogError {
    pub(crate) fn io(operation: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> LogError {
        let path = path.into();
        move |source| LogError::Io { operation, path, source }
    }
}
