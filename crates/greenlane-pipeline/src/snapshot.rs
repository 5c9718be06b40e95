//! Snapshots of what the risk engine learned, kept beside the decisions they cover, so that a
//! restart loads one and replays only the parcels decided after it (issue 14: replaying every
//! stored parcel kept a store of millions from answering for minutes).
//!
//! A snapshot names the feeds' positions it covers ([`Heads`]: the last decision and the last
//! inspection the engine had seen) and the list of the decision at its head. A snapshot whose
//! file is torn, whose positions the store does not have, or whose head names another list (a
//! store rebuilt or replaced under it) is refused with a log line, and the engine relearns from
//! the store instead: a snapshot is never trusted blindly.
//!
//! A snapshot also names the intake log's position it was taken at. Each start is marked in
//! the log with the position of the snapshot it restored from, so that `greenlane rebuild`
//! captures the engine at that same position and restarts from it, deciding as the hub did
//! (the feeds' sequence numbers may differ in a rebuilt store; the log's positions do not).

use crate::replay::stored_after;
use crate::{Pipeline, PipelineError};
use greenlane_core::ListKey;
use greenlane_store::IntakeRead;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The last sequence numbers of the decision feed and of the inspections that the engine has
/// seen: how far a snapshot reaches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Heads {
    pub decision: u64,
    pub inspection: u64,
}

impl Heads {
    pub(crate) fn advance(&mut self, to: Heads) {
        self.decision = self.decision.max(to.decision);
        self.inspection = self.inspection.max(to.inspection);
    }

    pub(crate) fn to_bytes(self) -> [u8; 16] {
        let mut out = [0; 16];
        out[..8].copy_from_slice(&self.decision.to_le_bytes());
        out[8..].copy_from_slice(&self.inspection.to_le_bytes());
        out
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Heads> {
        let decision = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
        let inspection = u64::from_le_bytes(bytes.get(8..16)?.try_into().ok()?);
        Some(Heads { decision, inspection })
    }
}

const MAGIC: &[u8; 8] = b"GLSNAP01";
/// Snapshots kept on disk: the newest, and older ones in case the newest was torn by a crash
/// while it was written.
const KEEP: usize = 3;

/// Where snapshots are written and how often.
#[derive(Debug, Clone)]
pub struct SnapshotPolicy {
    pub dir: PathBuf,
    /// A snapshot after this many parcels decided since the last one. Taking one costs the
    /// writer a serialisation of the learned state (tens of milliseconds); a restart replays at
    /// most this many parcels.
    pub every_decided: u64,
}

impl SnapshotPolicy {
    /// Every 50,000 decided parcels: a restart then replays at most a few seconds of traffic.
    pub fn in_dir(dir: PathBuf) -> SnapshotPolicy {
        SnapshotPolicy { dir, every_decided: 50_000 }
    }
}

/// A snapshot file: its positions, the list at its decision head, and the engine's bytes.
struct SnapshotFile {
    /// The last intake-log record applied when it was taken (0 without a log).
    log_position: u64,
    heads: Heads,
    head_list: Option<ListKey>,
    engine: Vec<u8>,
}

fn file_name(heads: Heads) -> String {
    format!("risk-{:020}-{:020}.snap", heads.decision, heads.inspection)
}

fn encode(file: &SnapshotFile) -> Vec<u8> {
    let key = file.head_list.as_ref().map(|k| format!("{}\u{1f}{}", k.ebc_code, k.cop_no)).unwrap_or_default();
    let mut out = Vec::with_capacity(MAGIC.len() + 24 + 4 + key.len() + 4 + file.engine.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&file.log_position.to_le_bytes());
    out.extend_from_slice(&file.heads.to_bytes());
    out.extend_from_slice(&(key.len() as u32).to_le_bytes());
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(&crc32c::crc32c(&out).to_le_bytes());
    out.extend_from_slice(&file.engine);
    out
}

fn decode(bytes: &[u8]) -> Result<SnapshotFile, String> {
    let torn = || "torn or not a snapshot".to_owned();
    if bytes.get(..MAGIC.len()) != Some(MAGIC.as_slice()) {
        return Err(torn());
    }
    let log_position =
        u64::from_le_bytes(bytes.get(MAGIC.len()..MAGIC.len() + 8).ok_or_else(torn)?.try_into().map_err(|_| torn())?);
    let heads = Heads::from_bytes(&bytes[MAGIC.len() + 8..]).ok_or_else(torn)?;
    let at = MAGIC.len() + 24;
    let key_len = u32::from_le_bytes(bytes.get(at..at + 4).ok_or_else(torn)?.try_into().map_err(|_| torn())?) as usize;
    let key_end = at + 4 + key_len;
    let key = std::str::from_utf8(bytes.get(at + 4..key_end).ok_or_else(torn)?).map_err(|_| torn())?;
    let crc = u32::from_le_bytes(bytes.get(key_end..key_end + 4).ok_or_else(torn)?.try_into().map_err(|_| torn())?);
    if crc32c::crc32c(&bytes[..key_end]) != crc {
        return Err("header checksum mismatch".into());
    }
    let head_list = match key.split_once('\u{1f}') {
        Some((ebc_code, cop_no)) => Some(ListKey { ebc_code: ebc_code.into(), cop_no: cop_no.into() }),
        None if key.is_empty() => None,
        None => return Err(torn()),
    };
    // The engine's bytes carry their own checksum, which the engine checks on restore.
    Ok(SnapshotFile { log_position, heads, head_list, engine: bytes[key_end + 4..].to_vec() })
}

/// The list of the decision at `seq`, if the store has that decision.
fn list_at(read: &mut dyn IntakeRead, seq: u64) -> Result<Option<ListKey>, PipelineError> {
    if seq == 0 {
        return Ok(None);
    }
    let page = read.decisions_after(seq - 1, 1)?;
    Ok(page.into_iter().next().filter(|(s, _)| *s == seq).map(|(_, d)| d.key))
}

/// Why the store cannot vouch for a snapshot, if it cannot.
fn mismatch(read: &mut dyn IntakeRead, file: &SnapshotFile) -> Result<Option<String>, PipelineError> {
    if file.heads.decision > 0 {
        match list_at(read, file.heads.decision)? {
            None => return Ok(Some(format!("the store has no decision {}", file.heads.decision))),
            Some(key) if Some(&key) != file.head_list.as_ref() => {
                return Ok(Some(format!("decision {} is another list's in this store", file.heads.decision)));
            }
            Some(_) => {}
        }
    }
    if file.heads.inspection > 0 {
        let page = read.inspections_after(file.heads.inspection - 1, 1)?;
        if page.first().map(|(s, _)| *s) != Some(file.heads.inspection) {
            return Ok(Some(format!("the store has no inspection {}", file.heads.inspection)));
        }
    }
    Ok(None)
}

/// The snapshot files of `dir`, newest first.
fn snapshot_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("risk-") && n.ends_with(".snap"))
        })
        .collect();
    // Zero-padded positions: the name orders them.
    files.sort();
    files.reverse();
    files
}

/// Writes `file` into `dir` durably (a temporary file, synced, renamed, the folder synced), then
/// removes all but the newest [`KEEP`].
fn write_file(dir: &Path, file: &SnapshotFile) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let name = file_name(file.heads);
    let temporary = dir.join(format!("{name}.tmp"));
    {
        let mut out = std::fs::File::create(&temporary)?;
        out.write_all(&encode(file))?;
        out.sync_data()?;
    }
    std::fs::rename(&temporary, dir.join(&name))?;
    std::fs::File::open(dir)?.sync_all()?;
    for old in snapshot_files(dir).into_iter().skip(KEEP) {
        std::fs::remove_file(old)?;
    }
    Ok(())
}

/// Removes every snapshot in `dir`: they describe a store about to be derived again.
pub fn clear_snapshots(dir: &Path) -> std::io::Result<()> {
    for file in snapshot_files(dir) {
        std::fs::remove_file(file)?;
    }
    Ok(())
}

impl Pipeline {
    /// Writes a snapshot of the risk engine into `policy.dir` after every `policy.every_decided`
    /// decided parcels, and restarts from the newest one the store vouches for.
    pub fn with_snapshots(mut self, policy: SnapshotPolicy) -> Pipeline {
        self.snapshots = Some(policy);
        self
    }

    /// Called after every committed transaction: the engine's state is now exactly that of the
    /// feeds' heads, the only moment a snapshot of it means something.
    pub(crate) fn committed_up_to(&mut self, heads: Heads, decided: usize) {
        self.heads.advance(heads);
        self.decided_since_snapshot += decided as u64;
        self.committed_since_start = true;
        let due = self.snapshots.as_ref().is_some_and(|p| self.decided_since_snapshot >= p.every_decided);
        if due {
            self.snapshot_now(false);
        }
    }

    /// During a rebuild, once the log group at `position` is applied: keeps the engine's state
    /// if the hub later restarted from a snapshot taken there.
    pub(crate) fn capture_if_wanted(&mut self, position: u64) {
        if self.wanted_snapshots.contains(&position)
            && !self.captured_snapshots.contains_key(&position)
            && let Some(bytes) = self.risk.snapshot()
        {
            self.captured_snapshots.insert(position, (self.heads, bytes));
        }
    }

    /// Takes a snapshot now; `wait` waits until it is on disk (at shutdown). Failing to write
    /// one is logged, not fatal: the next start replays more, nothing is lost.
    ///
    /// Nothing is taken before the first commit after a start: the engine then holds what its
    /// warm-up rebuilt, which a snapshot at the same log position taken before the restart
    /// would not, and a rebuild could not tell the two apart.
    pub fn snapshot_now(&mut self, wait: bool) {
        let Some(policy) = self.snapshots.clone() else { return };
        // One snapshot written at a time; and when `wait`, the last one taken is on disk too.
        if let Some(job) = self.snapshot_job.take() {
            let _ = job.join();
        }
        if !self.committed_since_start || self.last_snapshot == Some(self.log_position_and_heads()) {
            return;
        }
        self.last_snapshot = Some(self.log_position_and_heads());
        self.decided_since_snapshot = 0;
        let Some(engine) = self.risk.snapshot() else { return };
        let heads = self.heads;
        let head_list =
            match self.store.read().map_err(PipelineError::from).and_then(|mut r| list_at(&mut *r, heads.decision)) {
                Ok(key) => key,
                Err(e) => {
                    tracing::warn!(error = %e, "no risk snapshot: the store did not answer");
                    return;
                }
            };
        let file = SnapshotFile { log_position: self.log_position(), heads, head_list, engine };
        let job = std::thread::spawn(move || match write_file(&policy.dir, &file) {
            Ok(()) => tracing::debug!(decision = heads.decision, bytes = file.engine.len(), "risk snapshot written"),
            Err(e) => tracing::warn!(error = %e, dir = %policy.dir.display(), "risk snapshot not written"),
        });
        if wait {
            let _ = job.join();
        } else {
            self.snapshot_job = Some(job);
        }
    }

    /// Feeds the risk engine what it saw before this start: the newest snapshot the store
    /// vouches for and the parcels and inspections after it, or, without one, every stored
    /// parcel. Returns the parcels replayed.
    pub fn warm_up_risk(&mut self) -> Result<usize, PipelineError> {
        let restored = match self.snapshots.clone() {
            Some(policy) => self.restore_newest(&policy.dir)?,
            None => None,
        };
        self.restored_from = restored.map(|(position, _)| position);
        self.replay_into_risk(restored.map(|(_, heads)| heads).unwrap_or_default())
    }

    fn log_position_and_heads(&self) -> (u64, Heads) {
        (self.log_position(), self.heads)
    }

    /// The intake-log position of the transaction just committed: the group being applied, or
    /// the last one applied.
    fn log_position(&self) -> u64 {
        self.applying.flatten().unwrap_or(self.applied)
    }

    /// Restores the newest snapshot in `dir` that decodes, that the store vouches for and that
    /// the engine takes. What was refused is logged with why.
    fn restore_newest(&mut self, dir: &Path) -> Result<Option<(u64, Heads)>, PipelineError> {
        // A crash while a snapshot was written leaves its temporary file: never renamed, never used.
        if let Ok(entries) = std::fs::read_dir(dir) {
            for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
                if path.extension().is_some_and(|x| x == "tmp") {
                    let _ = std::fs::remove_file(path);
                }
            }
        }
        for path in snapshot_files(dir) {
            let refused = |why: &str| tracing::warn!(file = %path.display(), why, "risk snapshot refused; an older one or the stored traffic is used");
            let file = match std::fs::read(&path).map_err(|e| e.to_string()).and_then(|b| decode(&b)) {
                Ok(file) => file,
                Err(why) => {
                    refused(&why);
                    continue;
                }
            };
            if let Some(why) = mismatch(&mut *self.store.read()?, &file)? {
                refused(&why);
                continue;
            }
            match self.risk.restore(&file.engine) {
                Ok(()) => {
                    tracing::info!(file = %path.display(), decision = file.heads.decision, "risk engine restored from its snapshot");
                    return Ok(Some((file.log_position, file.heads)));
                }
                Err(e) => refused(&e.to_string()),
            }
        }
        Ok(None)
    }

    /// During a rebuild: restores the snapshot the hub restarted from, captured when the rebuild
    /// passed the same log position. Returns the feeds' heads it covers in this store.
    pub(crate) fn restore_captured(&mut self, position: u64) -> Result<Heads, PipelineError> {
        let (heads, bytes) = self.captured_snapshots.get(&position).cloned().ok_or_else(|| {
            PipelineError::Internal(format!(
                "the hub restarted from a risk snapshot taken at log record {position}, which the rebuild never reached"
            ))
        })?;
        self.risk.restore(&bytes).map_err(|e| PipelineError::Internal(e.to_string()))?;
        Ok(heads)
    }

    /// Feeds the engine every parcel first decided after `from`, then every inspection after
    /// it, and sets the pipeline's heads to the feeds' ends.
    pub(crate) fn replay_into_risk(&mut self, from: Heads) -> Result<usize, PipelineError> {
        let store = self.store.clone();
        let mut inspected = Vec::new();
        let traversed = stored_after(&*store, from, |stored| {
            self.risk.warm_up(&stored.parcel, stored.lane);
            if !stored.inspections.is_empty() {
                inspected.push(stored);
            }
            Ok(())
        })?;
        // Each replayed parcel's inspections follow the parcels, in their order; then those of
        // lists the snapshot had already learned.
        for stored in &inspected {
            for inspection in &stored.inspections {
                self.risk.observe_inspection(&stored.parcel, inspection);
            }
        }
        for (parcel, inspection) in &traversed.earlier {
            self.risk.observe_inspection(parcel, inspection);
        }
        let (heads, replayed) = (traversed.heads, traversed.replayed);
        self.heads = heads;
        self.decided_since_snapshot = 0;
        self.committed_since_start = false;
        Ok(replayed)
    }
}
