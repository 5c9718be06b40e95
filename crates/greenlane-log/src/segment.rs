//! The embedded log: segment files under a folder, named by the sequence number of their first
//! record (`00000000000000000001.log`), appended to by one writer, synced once per group, rolled
//! over at a size; and what happens on open: every closed segment is checked whole, and the tail
//! of the last one is cut back to its last complete group.

use crate::record::{self, DecodeError, Header, SEGMENT_MAGIC};
use crate::zdict::{self, Dictionaries, Expander};
use crate::{Entry, Log, LogError, Position, Record, Records};
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};

/// How the log is kept.
#[derive(Debug, Clone)]
pub struct Config {
    /// A segment is closed and a new one started once it holds this many bytes (a group is
    /// never split across segments, so a segment may exceed it by one group).
    pub segment_bytes: u64,
    /// zstd's compression level.
    pub level: i32,
    /// Payloads kept as training samples before a dictionary is trained from them; 0 never
    /// trains. A log that has a dictionary keeps it.
    pub train_after: usize,
    /// The trained dictionary's size at most.
    pub dictionary_bytes: usize,
    /// A dictionary to use from the start (one shipped with the program or trained elsewhere),
    /// when the log has none yet.
    pub dictionary: Option<Vec<u8>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            segment_bytes: 64 * 1024 * 1024,
            // Level 3 is zstd's default; with a dictionary the higher levels gain little on short
            // messages and cost the single writer time.
            level: 3,
            train_after: 2000,
            dictionary_bytes: 112 * 1024,
            dictionary: None,
        }
    }
}

/// Bytes of one payload kept for training: the start of a CEB message (its envelope, head and
/// first entity) holds what repeats.
const SAMPLE_BYTES: usize = 16 * 1024;

/// What recovery cut off the tail of the last segment on open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    pub segment: PathBuf,
    /// Where the segment now ends.
    pub offset: u64,
    /// Bytes removed.
    pub bytes: u64,
    /// Whole, checksummed records removed with the damaged one because their group was not
    /// complete (such a group was never acknowledged).
    pub whole_records: usize,
    pub reason: String,
}

/// What the log did since it was opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub groups: u64,
    pub records: u64,
    /// `fdatasync`s of segment data: one per group.
    pub syncs: u64,
    /// Segments started (each costs one more sync of the new file and one of the folder).
    pub rollovers: u64,
    /// Payload bytes appended, before compression.
    pub payload_bytes: u64,
    /// Bytes written to segments (records with their framing).
    pub written_bytes: u64,
}

/// The embedded log.
pub struct SegmentLog {
    dir: PathBuf,
    config: Config,
    /// First sequence number of every segment, in order; the last is being appended to.
    segments: Vec<u64>,
    file: File,
    /// The durable length of the last segment.
    end: u64,
    next_seq: u64,
    dictionaries: Dictionaries,
    samples: Vec<Vec<u8>>,
    poisoned: bool,
    cut: Option<Cut>,
    stats: Stats,
    buffer: Vec<u8>,
    /// Held (an exclusive lock on `DIR/lock`) while the log is open: two writers on one log
    /// would interleave their groups.
    _lock: File,
}

impl std::fmt::Debug for SegmentLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SegmentLog")
            .field("dir", &self.dir)
            .field("segments", &self.segments.len())
            .field("next_seq", &self.next_seq)
            .field("dictionaries", &self.dictionaries)
            .finish_non_exhaustive()
    }
}

fn segment_name(first_seq: u64) -> String {
    format!("{first_seq:020}.log")
}

impl SegmentLog {
    /// Opens (creating if needed) the log in folder `dir`, checks every closed segment and
    /// recovers the tail of the last one.
    pub fn open(dir: &Path, config: Config) -> Result<SegmentLog, LogError> {
        std::fs::create_dir_all(dir).map_err(LogError::io("creating", dir))?;
        let lock = take_lock(dir)?;
        let mut segments = list_segments(dir)?;
        let mut dictionaries = Dictionaries::load(dir, config.level)?;
        if let (false, Some(dictionary)) = (dictionaries.has_current(), &config.dictionary) {
            dictionaries.install(dictionary.clone())?;
        }
        if segments.is_empty() {
            create_segment(dir, 1)?;
            segments.push(1);
        }
        let (&last, closed) = segments.split_last().expect("at least one segment");
        let mut expected = closed.first().copied().unwrap_or(last);
        for (i, &first) in closed.iter().enumerate() {
            let path = dir.join(segment_name(first));
            if first != expected {
                return Err(corrupt(&path, 0, format!("the segment should start at record {expected}")));
            }
            expected = check_closed(&path, first)?;
            let next = segments[i + 1];
            if next != expected {
                return Err(corrupt(&path, 0, format!("records {expected} to {} are missing", next - 1)));
            }
        }
        let path = dir.join(segment_name(last));
        let (end, next_seq, cut) = recover_last(&path, last)?;
        if let Some(cut) = &cut {
            tracing::warn!(segment = %cut.segment.display(), offset = cut.offset, bytes = cut.bytes,
                whole_records = cut.whole_records, reason = %cut.reason,
                "the log's tail was cut: a group that was never acknowledged");
        }
        let file = OpenOptions::new().read(true).write(true).open(&path).map_err(LogError::io("opening", &path))?;
        Ok(SegmentLog {
            dir: dir.to_path_buf(),
            config,
            segments,
            file,
            end,
            next_seq,
            dictionaries,
            samples: Vec::new(),
            poisoned: false,
            cut,
            stats: Stats::default(),
            buffer: Vec::new(),
            _lock: lock,
        })
    }

    /// What recovery cut on open, if anything.
    pub fn cut(&self) -> Option<&Cut> {
        self.cut.as_ref()
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The segment files, oldest first.
    pub fn segment_paths(&self) -> Vec<PathBuf> {
        self.segments.iter().map(|&s| self.dir.join(segment_name(s))).collect()
    }

    /// Bytes in segment files.
    pub fn disk_bytes(&self) -> Result<u64, LogError> {
        self.segment_paths()
            .iter()
            .map(|p| std::fs::metadata(p).map(|m| m.len()).map_err(LogError::io("reading the size of", p)))
            .sum()
    }

    /// Keeps samples until there are enough, then trains and installs a dictionary. A training
    /// that fails (too little variety) is logged and not retried: the log works without one.
    fn learn(&mut self, entries: &[Entry<'_>]) -> Result<(), LogError> {
        if self.dictionaries.has_current() || self.config.train_after == 0 {
            return Ok(());
        }
        for entry in entries {
            self.samples.push(entry.payload[..entry.payload.len().min(SAMPLE_BYTES)].to_vec());
        }
        if self.samples.len() < self.config.train_after {
            return Ok(());
        }
        let samples = std::mem::take(&mut self.samples);
        let started = std::time::Instant::now();
        match zdict::train(&samples, self.config.dictionary_bytes) {
            Ok(dictionary) => {
                let bytes = dictionary.len();
                let id = self.dictionaries.install(dictionary)?;
                tracing::info!(
                    dictionary = format!("{id:08x}"),
                    bytes,
                    samples = samples.len(),
                    seconds = started.elapsed().as_secs_f64(),
                    "log dictionary trained"
                );
            }
            Err(e) => {
                tracing::warn!(error = %e, samples = samples.len(), "no log dictionary: training failed");
                self.config.train_after = 0;
            }
        }
        Ok(())
    }

    fn roll_over(&mut self) -> Result<(), LogError> {
        let first = self.next_seq;
        let file = create_segment(&self.dir, first)?;
        self.segments.push(first);
        self.file = file;
        self.end = SEGMENT_MAGIC.len() as u64;
        self.stats.rollovers += 1;
        Ok(())
    }

    fn current_path(&self) -> PathBuf {
        self.dir.join(segment_name(*self.segments.last().expect("at least one segment")))
    }
}

impl Log for SegmentLog {
    fn append(&mut self, entries: &[Entry<'_>]) -> Result<Vec<Position>, LogError> {
        if self.poisoned {
            return Err(LogError::Poisoned);
        }
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        for (index, entry) in entries.iter().enumerate() {
            if record::encoded_len(entry.partition, entry.payload.len()) > record::MAX_BODY {
                return Err(LogError::Refused { index, reason: format!("{} bytes is too large", entry.payload.len()) });
            }
        }
        let group_len = u32::try_from(entries.len())
            .map_err(|_| LogError::Refused { index: 0, reason: "too many entries in one group".into() })?;
        self.learn(entries)?;
        if self.end >= self.config.segment_bytes {
            self.roll_over()?;
        }
        let segment = *self.segments.last().expect("at least one segment");
        let group = self.next_seq;
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        let mut positions = Vec::with_capacity(entries.len());
        let mut payload_bytes = 0;
        let payloads: Vec<&[u8]> = entries.iter().map(|e| e.payload).collect();
        let compressed = self.dictionaries.compress_all(&payloads)?;
        for (i, (entry, (codec, stored))) in entries.iter().zip(compressed).enumerate() {
            let seq = group + i as u64;
            let header = Header { seq, group, group_len, kind: entry.kind, codec, raw_len: entry.payload.len() as u32 };
            positions.push(Position { seq, segment, offset: self.end + buffer.len() as u64 });
            record::encode(&mut buffer, &header, entry.partition, &stored);
            payload_bytes += entry.payload.len() as u64;
        }
        let written = self.file.write_all_at(&buffer, self.end).and_then(|()| self.file.sync_data());
        if let Err(e) = written {
            // Take back what may have reached the file, so that the next group follows the last
            // durable one; if even that fails, the tail is unknown until a reopen recovers it.
            if self.file.set_len(self.end).and_then(|()| self.file.sync_data()).is_err() {
                self.poisoned = true;
            }
            self.buffer = buffer;
            return Err(LogError::Io { operation: "appending to", path: self.current_path(), source: e });
        }
        self.end += buffer.len() as u64;
        self.next_seq += entries.len() as u64;
        self.stats.groups += 1;
        self.stats.records += entries.len() as u64;
        self.stats.syncs += 1;
        self.stats.payload_bytes += payload_bytes;
        self.stats.written_bytes += buffer.len() as u64;
        self.buffer = buffer;
        Ok(positions)
    }

    fn read_from(&self, seq: u64) -> Result<Records<'_>, LogError> {
        let start = self.segments.partition_point(|&first| first <= seq).saturating_sub(1);
        let segments: Vec<(PathBuf, u64, Option<u64>)> = self.segments[start..]
            .iter()
            .map(|&first| {
                let is_last = Some(&first) == self.segments.last();
                (self.dir.join(segment_name(first)), first, is_last.then_some(self.end))
            })
            .collect();
        let reader = Reader {
            segments: segments.into_iter(),
            from: seq.max(1),
            until: self.next_seq,
            current: None,
            expander: Expander::new(self.dictionaries.snapshot()),
        };
        Ok(Box::new(reader))
    }

    fn next_seq(&self) -> u64 {
        self.next_seq
    }

    fn describe(&self) -> String {
        self.dir.display().to_string()
    }
}

/// Reads segments one at a time, each whole into memory (a segment is bounded by
/// `segment_bytes` plus one group).
struct Reader {
    segments: std::vec::IntoIter<(PathBuf, u64, Option<u64>)>,
    from: u64,
    /// The first sequence number not to read: what was appended after `read_from` is not part
    /// of the iteration.
    until: u64,
    current: Option<Loaded>,
    expander: Expander,
}

struct Loaded {
    path: PathBuf,
    segment: u64,
    bytes: Vec<u8>,
    at: usize,
    expected: u64,
}

impl Reader {
    fn load(&mut self) -> Option<Result<(), LogError>> {
        let (path, first, limit) = self.segments.next()?;
        let mut bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => return Some(Err(LogError::io("reading", &path)(e))),
        };
        if let Some(limit) = limit {
            bytes.truncate(limit as usize);
        }
        if bytes.get(..SEGMENT_MAGIC.len()) != Some(&SEGMENT_MAGIC[..]) {
            return Some(Err(corrupt(&path, 0, "not a greenlane log segment".into())));
        }
        self.current = Some(Loaded { path, segment: first, bytes, at: SEGMENT_MAGIC.len(), expected: first });
        Some(Ok(()))
    }
}

impl Iterator for Reader {
    type Item = Result<Record, LogError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let Some(loaded) = &mut self.current else {
                match self.load()? {
                    Ok(()) => continue,
                    Err(e) => return Some(Err(e)),
                }
            };
            if loaded.expected >= self.until || loaded.at >= loaded.bytes.len() {
                self.current = None;
                continue;
            }
            let offset = loaded.at;
            let (found, used) = match record::decode(&loaded.bytes[offset..]) {
                Ok(found) => found,
                Err(e) => {
                    let e = corrupt(&loaded.path, offset as u64, e.to_string());
                    self.current = None;
                    self.segments = Vec::new().into_iter();
                    return Some(Err(e));
                }
            };
            if found.header.seq != loaded.expected {
                let e = corrupt(&loaded.path, offset as u64, format!("expected record {}", loaded.expected));
                self.segments = Vec::new().into_iter();
                self.current = None;
                return Some(Err(e));
            }
            loaded.at += used;
            loaded.expected += 1;
            if found.header.seq < self.from {
                continue;
            }
            let header = &found.header;
            let payload = match self.expander.expand(header.codec, found.stored, header.raw_len as usize) {
                Ok(p) => p,
                Err(reason) => return Some(Err(corrupt(&loaded.path, offset as u64, reason))),
            };
            return Some(Ok(Record {
                position: Position { seq: header.seq, segment: loaded.segment, offset: offset as u64 },
                group: header.group,
                group_len: header.group_len,
                partition: found.partition.to_owned(),
                kind: header.kind,
                payload,
            }));
        }
    }
}

fn take_lock(dir: &Path) -> Result<File, LogError> {
    let path = dir.join("lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(LogError::io("opening", &path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(LogError::Locked { dir: dir.to_path_buf() }),
        Err(std::fs::TryLockError::Error(e)) => Err(LogError::io("locking", &path)(e)),
    }
}

fn corrupt(path: &Path, offset: u64, reason: String) -> LogError {
    LogError::Corrupt { segment: path.to_path_buf(), offset, reason }
}

fn list_segments(dir: &Path) -> Result<Vec<u64>, LogError> {
    let mut segments = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(LogError::io("listing", dir))? {
        let entry = entry.map_err(LogError::io("listing", dir))?;
        let name = entry.file_name();
        let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".log")) else { continue };
        if stem.len() == 20
            && let Ok(first) = stem.parse::<u64>()
        {
            segments.push(first);
        }
    }
    segments.sort_unstable();
    Ok(segments)
}

/// Creates an empty segment, durable (file and folder entry) before any record goes in.
fn create_segment(dir: &Path, first_seq: u64) -> Result<File, LogError> {
    let path = dir.join(segment_name(first_seq));
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .map_err(LogError::io("creating", &path))?;
    file.write_all_at(SEGMENT_MAGIC, 0).and_then(|()| file.sync_all()).map_err(LogError::io("writing", &path))?;
    zdict::sync_dir(dir)?;
    Ok(file)
}

/// Checks a closed segment whole; returns the sequence number after its last record.
fn check_closed(path: &Path, first: u64) -> Result<u64, LogError> {
    let bytes = std::fs::read(path).map_err(LogError::io("reading", path))?;
    if bytes.get(..SEGMENT_MAGIC.len()) != Some(&SEGMENT_MAGIC[..]) {
        return Err(corrupt(path, 0, "not a greenlane log segment".into()));
    }
    let scan = record::scan(&bytes, SEGMENT_MAGIC.len(), first);
    if let Some(stop) = scan.stop {
        return Err(corrupt(path, scan.end as u64, stop.to_string()));
    }
    match scan.records.last() {
        Some((offset, last)) if !last.ends_group() => {
            Err(corrupt(path, *offset as u64, "a closed segment ends inside a group".into()))
        }
        Some((_, last)) => Ok(last.seq + 1),
        None => Ok(first),
    }
}

/// Recovers the last segment: returns its durable length, the next sequence number and what
/// was cut.
fn recover_last(path: &Path, first: u64) -> Result<(u64, u64, Option<Cut>), LogError> {
    let bytes = std::fs::read(path).map_err(LogError::io("reading", path))?;
    let magic = SEGMENT_MAGIC.len();
    if bytes.len() < magic {
        // Created but its header never made it to disk: it held nothing.
        let file = OpenOptions::new().write(true).open(path).map_err(LogError::io("opening", path))?;
        file.set_len(0)
            .and_then(|()| file.write_all_at(SEGMENT_MAGIC, 0))
            .and_then(|()| file.sync_all())
            .map_err(LogError::io("repairing", path))?;
        let cut = (!bytes.is_empty()).then(|| Cut {
            segment: path.to_path_buf(),
            offset: 0,
            bytes: bytes.len() as u64,
            whole_records: 0,
            reason: "the segment's header was torn".into(),
        });
        return Ok((magic as u64, first, cut));
    }
    if bytes[..magic] != SEGMENT_MAGIC[..] {
        return Err(corrupt(path, 0, "not a greenlane log segment".into()));
    }
    let scan = record::scan(&bytes, magic, first);
    let mut keep = scan.end;
    let mut reason = scan.stop.as_ref().map(DecodeError::to_string);
    // The group being written when the damage happened started at the last good record's group,
    // or right after it if that record closed its group.
    let inflight = match scan.records.last() {
        Some((_, last)) if last.ends_group() => last.seq + 1,
        Some((_, last)) => last.group,
        None => first,
    };
    if scan.stop.is_some()
        && let Some((offset, seq)) = later_group(&bytes, scan.end + 1, inflight)
    {
        return Err(corrupt(
            path,
            scan.end as u64,
            format!(
                "{}; record {seq} of a later group follows at byte {offset}, so the damage is not a torn tail",
                reason.unwrap_or_default()
            ),
        ));
    }
    let mut whole_records = 0;
    if let Some((_, last)) = scan.records.last()
        && !last.ends_group()
    {
        let start = scan.records.iter().position(|(_, h)| h.seq == last.group).unwrap_or(0);
        whole_records = scan.records.len() - start;
        keep = scan.records.get(start).map_or(magic, |(offset, _)| *offset);
        reason.get_or_insert_with(|| "the segment ends inside a group".into());
    }
    let next_seq =
        scan.records.iter().take_while(|(offset, _)| *offset < keep).last().map_or(first, |(_, h)| h.seq + 1);
    if keep == bytes.len() {
        return Ok((keep as u64, next_seq, None));
    }
    let file = OpenOptions::new().write(true).open(path).map_err(LogError::io("opening", path))?;
    file.set_len(keep as u64).and_then(|()| file.sync_all()).map_err(LogError::io("cutting the tail of", path))?;
    let cut = Cut {
        segment: path.to_path_buf(),
        offset: keep as u64,
        bytes: (bytes.len() - keep) as u64,
        whole_records,
        reason: reason.unwrap_or_default(),
    };
    Ok((keep as u64, next_seq, Some(cut)))
}

/// The first record at or after `from` that decodes and belongs to a group after `inflight`:
/// evidence that the group in flight was finished and synced, so damage before it is not a
/// torn tail. A cheap test of the header fields comes before the checksum, so a garbage tail
/// costs little to search.
fn later_group(bytes: &[u8], from: usize, inflight: u64) -> Option<(usize, u64)> {
    let fixed = record::FRAME_HEADER + record::BODY_FIXED;
    let mut at = from;
    while at + fixed <= bytes.len() {
        let field = |o: usize| u64::from_le_bytes(bytes[at + o..at + o + 8].try_into().expect("8 bytes"));
        let (seq, group) = (field(8), field(16));
        if group > inflight
            && group <= seq
            && seq - group < (1 << 32)
            && let Ok((found, _)) = record::decode(&bytes[at..])
        {
            return Some((at, found.header.seq));
        }
        at += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Codec;

    #[test]
    fn a_later_group_is_found_past_garbage() {
        let mut bytes = vec![0xAB; 100];
        let header = Header { seq: 9, group: 9, group_len: 1, kind: 0, codec: Codec::Stored, raw_len: 3 };
        let at = bytes.len();
        record::encode(&mut bytes, &header, "P", b"abc");
        assert_eq!(later_group(&bytes, 0, 5), Some((at, 9)));
        assert_eq!(later_group(&bytes, 0, 9), None, "the group in flight itself is no evidence");
    }
}
