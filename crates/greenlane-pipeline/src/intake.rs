//! The intake log in front of the store: every batch of messages and every officer's action is
//! appended to the log (one grouped sync) before it is applied, each store transaction records
//! how far the log has been applied, and [`Pipeline::catch_up`] applies what the store lacks:
//! the tail after a crash, or the whole log for a rebuild.

use crate::{InspectionRequest, OfficerAction, Pipeline, PipelineError, Prepared};
use greenlane_core::{InspectionOutcome, Lane, ListKey};
use greenlane_log::{Entry, Log, LogError, Record};
use greenlane_store::IntakeWrite;
use serde::{Deserialize, Serialize};

/// A record holding a message as received: the acting enterprise, then the body.
const KIND_MESSAGE: u8 = 1;
/// A record holding an officer's action or inspection, as JSON.
const KIND_ACTION: u8 = 2;
/// A record marking a start of the pipeline: its payload is the log position the store had
/// applied then (u64 LE), followed, when the risk engine was restored from a snapshot, by the
/// log position that snapshot was taken at (u64 LE). What the risk engine knows after a restart is what its
/// warm-up rebuilt, which need not equal what it had learned before; a rebuild restarts the
/// engine at the same points, from the same snapshot, so that it decides as the hub did.
const KIND_START: u8 = 3;

/// A record putting a route table in force from here on: its file's name, the SHA-256 of its
/// text and the text itself, as JSON. The hub writes one at each start (the `--routes` file)
/// and at each reload, in the writer's order with the messages, so that a rebuild plans and
/// builds every flight with the table that was in force at that point, whatever file it is
/// given itself.
const KIND_ROUTES: u8 = 4;

/// What a rebuild does where the hub was restarted: a new engine, warmed up from the snapshot
/// the hub restored, if it restored one.
type Restart<'a> = dyn FnMut(&mut Pipeline, Option<u64>) -> Result<(), PipelineError> + 'a;

/// Prefix length meaning "no acting enterprise" (staff tokens, offline ingest).
const NO_ACTOR: u16 = u16::MAX;

/// What an officer did, as logged.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
enum Logged {
    Inspect { list: ListKey, outcome: InspectionOutcome, note: String, officer: String },
    Claim { list: ListKey, officer: String, at: i64 },
    Unclaim { list: ListKey, officer: String, at: i64 },
    Decide { list: ListKey, outcome: InspectionOutcome, note: String, officer: String, at: i64 },
    Reroute { list: ListKey, lane: Lane, rationale: String, officer: String, at: i64 },
}

impl Logged {
    fn of_action(action: &OfficerAction) -> Logged {
        match action.clone() {
            OfficerAction::Claim { list, officer, at } => Logged::Claim { list, officer, at },
            OfficerAction::Unclaim { list, officer, at } => Logged::Unclaim { list, officer, at },
            OfficerAction::Decide { request, at } => Logged::Decide {
                list: request.list,
                outcome: request.outcome,
                note: request.note,
                officer: request.officer,
                at,
            },
            OfficerAction::Reroute { list, lane, rationale, officer, at } => {
                Logged::Reroute { list, lane, rationale, officer, at }
            }
        }
    }

    fn list(&self) -> &ListKey {
        match self {
            Logged::Inspect { list, .. }
            | Logged::Claim { list, .. }
            | Logged::Unclaim { list, .. }
            | Logged::Decide { list, .. }
            | Logged::Reroute { list, .. } => list,
        }
    }
}

fn message_payload(prepared: &Prepared) -> Vec<u8> {
    let actor = prepared.actor.as_deref().map(str::as_bytes);
    let mut payload = Vec::with_capacity(2 + actor.map_or(0, <[u8]>::len) + prepared.body.len());
    match actor {
        // A code longer than a prefix can say is not an enterprise code; the server refuses such
        // tokens long before, so this only keeps the encoding total.
        Some(code) if code.len() < usize::from(NO_ACTOR) => {
            payload.extend_from_slice(&(code.len() as u16).to_le_bytes());
            payload.extend_from_slice(code);
        }
        _ => payload.extend_from_slice(&NO_ACTOR.to_le_bytes()),
    }
    payload.extend_from_slice(&prepared.body);
    payload
}

fn prepared_of(record: &Record) -> Result<Prepared, PipelineError> {
    let bad = || PipelineError::Internal(format!("log record {} is not a message record", record.position.seq));
    let payload = &record.payload;
    let len = u16::from_le_bytes([*payload.first().ok_or_else(bad)?, *payload.get(1).ok_or_else(bad)?]);
    let (actor, body) = if len == NO_ACTOR {
        (None, &payload[2..])
    } else {
        let end = 2 + usize::from(len);
        let code = std::str::from_utf8(payload.get(2..end).ok_or_else(bad)?).map_err(|_| bad())?;
        (Some(code.to_owned()), &payload[end..])
    };
    Ok(Prepared::new(body.to_vec()).sent_by(actor))
}

/// The route table a `KIND_ROUTES` record puts in force.
#[derive(Debug, Serialize, Deserialize)]
struct RoutesInForce {
    file: String,
    digest: String,
    text: String,
}

/// `sha256:` and the hex SHA-256 of a route table's text: the digest `GET /api/v1/routes` shows.
pub fn routes_digest(text: &str) -> String {
    use sha2::Digest as _;
    let digest: [u8; 32] = sha2::Sha256::digest(text.as_bytes()).into();
    format!("sha256:{}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

fn start_marker(applied: u64, restored_from: Option<u64>) -> Vec<u8> {
    let mut payload = applied.to_le_bytes().to_vec();
    if let Some(position) = restored_from {
        payload.extend_from_slice(&position.to_le_bytes());
    }
    payload
}

/// The position and snapshot of a start marker (markers written before snapshots existed have
/// only the position).
fn start_point(record: &Record) -> Result<(u64, Option<u64>), PipelineError> {
    let bad = || PipelineError::Internal(format!("log record {} is not a start marker", record.position.seq));
    let word = |at: usize| -> Result<u64, PipelineError> {
        Ok(u64::from_le_bytes(record.payload.get(at..at + 8).ok_or_else(bad)?.try_into().map_err(|_| bad())?))
    };
    match record.payload.len() {
        8 => Ok((word(0)?, None)),
        16 => Ok((word(0)?, Some(word(8)?))),
        _ => Err(bad()),
    }
}

/// The partition of a message: its sender's enterprise code (none for what did not read).
fn partition(prepared: &Prepared) -> &str {
    prepared.parsed.as_ref().map_or("", |parsed| crate::sender(&parsed.message))
}

impl From<LogError> for PipelineError {
    fn from(e: LogError) -> PipelineError {
        PipelineError::Log(e)
    }
}

impl Pipeline {
    /// Makes `log` the pipeline's intake log: from now on every batch and every officer's action
    /// is appended to it, durably, before it is applied. Call [`Pipeline::catch_up`] (after the
    /// risk engine's warm-up) to apply what the log holds beyond the store.
    pub fn with_log(mut self, log: Box<dyn Log>) -> Result<Pipeline, PipelineError> {
        let applied = self.store.read()?.log_applied()?;
        let logged = log.next_seq() - 1;
        if applied > logged {
            return Err(PipelineError::Internal(format!(
                "the store has applied the intake log up to record {applied}, but the log at {} ends at record {logged}: \
                 it is not this store's log",
                log.describe()
            )));
        }
        if applied == 0 && logged == 0 && self.committed > 0 {
            tracing::warn!(messages = self.committed, log = %log.describe(),
                "the store holds messages from before its intake log; a rebuild from the log would not have them");
        }
        self.applied = applied;
        self.log = Some(log);
        self.bodies_in_log = true;
        self.restart_points = Vec::new();
        Ok(self)
    }

    /// Records in the log that the pipeline starts here, with the store at its current position
    /// and the risk snapshot the warm-up restored from. Call once per start, after
    /// [`Pipeline::warm_up_risk`] and before anything is applied.
    pub fn log_start(&mut self) -> Result<(), PipelineError> {
        let payload = start_marker(self.applied, self.restored_from);
        let Some(log) = self.log.as_mut() else { return Ok(()) };
        log.append(&[Entry { partition: "", kind: KIND_START, payload: &payload }])?;
        Ok(())
    }

    /// Puts the route table `text` (read from `file`) in force from here on, and records it in
    /// the intake log first, so that a rebuild puts it in force at the same point. `Ok(Err)`:
    /// the text does not check (file and line), and nothing changed. Without a cargo handle
    /// (a hub that moves no parcels onto flights) nothing is recorded.
    pub fn put_routes_in_force(&mut self, file: &str, text: &str) -> Result<Result<(), String>, PipelineError> {
        let cargo = match crate::Cargo::of_routes(file, text) {
            Ok(cargo) => cargo,
            Err(why) => return Ok(Err(why)),
        };
        let Some(in_force) = self.config.cargo.clone() else { return Ok(Ok(())) };
        if self.log.is_some() {
            let record = RoutesInForce { file: file.to_owned(), digest: routes_digest(text), text: text.to_owned() };
            let payload = serde_json::to_vec(&record)
                .map_err(|e| PipelineError::Internal(format!("a route table does not serialise: {e}")))?;
            self.append(&[Entry { partition: "", kind: KIND_ROUTES, payload: &payload }])?;
        }
        in_force.replace(cargo);
        Ok(Ok(()))
    }

    /// Puts in force the route table a `KIND_ROUTES` record holds, as the hub did at that point.
    fn replay_routes(&mut self, record: &Record) -> Result<(), PipelineError> {
        let bad = |why: String| {
            PipelineError::Internal(format!("log record {} is not a route table: {why}", record.position.seq))
        };
        let logged: RoutesInForce = serde_json::from_slice(&record.payload).map_err(|e| bad(e.to_string()))?;
        if routes_digest(&logged.text) != logged.digest {
            return Err(bad(format!("its text does not have its digest {}", logged.digest)));
        }
        // The hub checked it before recording it: one that no longer checks is a different
        // program reading the log, and must not go on with another table.
        let cargo = crate::Cargo::of_routes(&logged.file, &logged.text).map_err(bad)?;
        if let Some(in_force) = &self.config.cargo {
            in_force.replace(cargo);
        }
        Ok(())
    }

    /// Applies the whole log after the store's position (all of it after
    /// [`greenlane_store::WriteTx::forget_derived`]), restarting the risk engine with `engine()`
    /// and warming it up wherever the hub was restarted, so that every decision comes out as the
    /// hub first made it. Returns the records applied.
    pub fn rebuild(
        &mut self,
        mut engine: impl FnMut() -> Result<Box<dyn greenlane_core::risk::RiskEngine>, PipelineError>,
    ) -> Result<u64, PipelineError> {
        let Some(log) = self.log.take() else { return Ok(0) };
        type Points = Vec<(u64, Option<u64>, Option<Record>)>;
        let points: Result<Points, PipelineError> =
            log.read_from(self.applied + 1).map_err(PipelineError::from).and_then(|records| {
                let mut points: Points = Vec::new();
                let mut after_start = false;
                for record in records {
                    let record = record?;
                    if record.kind == KIND_START {
                        let (at, snapshot) = start_point(&record)?;
                        points.push((at, snapshot, None));
                        after_start = true;
                    } else {
                        // A hub records the table it starts with right after its start marker.
                        if after_start
                            && record.kind == KIND_ROUTES
                            && let Some(point) = points.last_mut()
                        {
                            point.2 = Some(record);
                        }
                        after_start = false;
                    }
                }
                Ok(points)
            });
        self.restart_points = match points {
            Ok(points) => {
                self.wanted_snapshots = points.iter().filter_map(|(_, snapshot, _)| *snapshot).collect();
                points
            }
            Err(e) => {
                self.log = Some(log);
                return Err(e);
            }
        };
        let mut restart = |p: &mut Pipeline, from: Option<u64>| -> Result<(), PipelineError> {
            let risk = engine()?;
            p.restart(risk, from)
        };
        let result = self.apply_log(&*log, &mut restart);
        self.restart_points = Vec::new();
        self.wanted_snapshots = Vec::new();
        self.captured_snapshots.clear();
        self.log = Some(log);
        result
    }

    /// Whether an intake log is attached.
    pub fn has_log(&self) -> bool {
        self.log.is_some()
    }

    /// Applies every group of the log after the last one the store applied, as it was first
    /// applied (one batch per group). Returns the records applied.
    pub fn catch_up(&mut self) -> Result<u64, PipelineError> {
        let Some(log) = self.log.take() else { return Ok(0) };
        let result = self.apply_log(&*log, &mut |_, _| Ok(()));
        self.log = Some(log);
        result
    }

    fn apply_log(&mut self, log: &dyn Log, restart: &mut Restart<'_>) -> Result<u64, PipelineError> {
        let from = self.applied + 1;
        let mut applied = 0;
        for group in greenlane_log::groups(log.read_from(from)?) {
            let group = group?;
            let last = group.last().map_or(self.applied, |r| r.position.seq);
            // The hub restarted with the store where it is now: so does the engine.
            while let Some(i) = self.restart_points.iter().position(|&(p, _, _)| p <= self.applied) {
                let (_, from, routes) = self.restart_points.remove(i);
                restart(self, from)?;
                // After a crash the hub applied the log's tail with the table it was started
                // with, recorded only after that tail: so does the rebuild.
                if let Some(routes) = routes {
                    self.replay_routes(&routes)?;
                }
            }
            if group.iter().all(|r| r.kind == KIND_START) {
                self.applied = last;
            } else if group.iter().all(|r| r.kind == KIND_ROUTES) {
                for record in &group {
                    self.replay_routes(record)?;
                }
                self.applied = last;
            } else if group.iter().all(|r| r.kind == KIND_MESSAGE) {
                let batch = group.iter().map(prepared_of).collect::<Result<Vec<_>, _>>()?;
                self.logged(Some(last), |p| p.apply_batch(&batch).map(drop))?;
            } else {
                for record in &group {
                    self.replay_action(record, last)?;
                }
            }
            applied += group.len() as u64;
        }
        Ok(applied)
    }

    fn replay_action(&mut self, record: &Record, last: u64) -> Result<(), PipelineError> {
        if record.kind != KIND_ACTION {
            return Err(PipelineError::Internal(format!(
                "log record {} has kind {} in a group of actions",
                record.position.seq, record.kind
            )));
        }
        let logged: Logged = serde_json::from_slice(&record.payload).map_err(|e| {
            PipelineError::Internal(format!("log record {} is not an officer's action: {e}", record.position.seq))
        })?;
        let request = |list, outcome, note, officer| InspectionRequest { list, outcome, note, officer };
        // Refusals replay as refusals: they changed nothing the first time either.
        self.logged(Some(last), |p| match logged {
            Logged::Inspect { list, outcome, note, officer } => {
                p.inspect_unlogged(&request(list, outcome, note, officer)).map(drop)
            }
            Logged::Claim { list, officer, at } => {
                p.officer_unlogged(&OfficerAction::Claim { list, officer, at }).map(drop)
            }
            Logged::Unclaim { list, officer, at } => {
                p.officer_unlogged(&OfficerAction::Unclaim { list, officer, at }).map(drop)
            }
            Logged::Decide { list, outcome, note, officer, at } => p
                .officer_unlogged(&OfficerAction::Decide { request: request(list, outcome, note, officer), at })
                .map(drop),
            Logged::Reroute { list, lane, rationale, officer, at } => {
                p.officer_unlogged(&OfficerAction::Reroute { list, lane, rationale, officer, at }).map(drop)
            }
        })
    }

    /// Appends a batch of messages to the log as one group; returns the last sequence number, or
    /// none without a log.
    pub(crate) fn log_messages(&mut self, batch: &[Prepared]) -> Result<Option<u64>, PipelineError> {
        if batch.is_empty() || self.log.is_none() {
            return Ok(None);
        }
        let payloads: Vec<Vec<u8>> = batch.iter().map(message_payload).collect();
        let entries: Vec<Entry<'_>> = batch
            .iter()
            .zip(&payloads)
            .map(|(prepared, payload)| Entry { partition: partition(prepared), kind: KIND_MESSAGE, payload })
            .collect();
        self.append(&entries)
    }

    pub(crate) fn log_inspection(&mut self, request: &InspectionRequest) -> Result<Option<u64>, PipelineError> {
        self.log_action(&Logged::Inspect {
            list: request.list.clone(),
            outcome: request.outcome,
            note: request.note.clone(),
            officer: request.officer.clone(),
        })
    }

    pub(crate) fn log_officer(&mut self, action: &OfficerAction) -> Result<Option<u64>, PipelineError> {
        self.log_action(&Logged::of_action(action))
    }

    fn log_action(&mut self, logged: &Logged) -> Result<Option<u64>, PipelineError> {
        if self.log.is_none() {
            return Ok(None);
        }
        let payload = serde_json::to_vec(logged)
            .map_err(|e| PipelineError::Internal(format!("an officer's action does not serialise: {e}")))?;
        let partition = logged.list().ebc_code.clone();
        self.append(&[Entry { partition: &partition, kind: KIND_ACTION, payload: &payload }])
    }

    fn append(&mut self, entries: &[Entry<'_>]) -> Result<Option<u64>, PipelineError> {
        // A group the store failed to apply is still in the log: apply it (and anything after
        // it) first, so that the store follows the log's order.
        let behind = self.log.as_ref().is_some_and(|log| log.next_seq() != self.applied + 1);
        if behind {
            self.catch_up()?;
        }
        let Some(log) = self.log.as_mut() else { return Ok(None) };
        Ok(log.append(entries)?.last().map(|p| p.seq))
    }

    /// Runs `apply` as the application of the log group ending at `seq`: every transaction it
    /// commits records `seq` as the store's log position. Once it returns `Ok` (a refusal is
    /// `Ok` too: replaying it refuses again), the group counts as applied.
    pub(crate) fn logged<T>(
        &mut self,
        seq: Option<u64>,
        apply: impl FnOnce(&mut Pipeline) -> Result<T, PipelineError>,
    ) -> Result<T, PipelineError> {
        let outer = self.applying.replace(seq);
        let result = apply(self);
        self.applying = outer;
        if let (Ok(_), Some(seq)) = (&result, seq) {
            self.applied = seq;
            if outer.is_none() {
                self.capture_if_wanted(seq);
            }
        }
        result
    }

    /// Records the log position being applied in a transaction about to commit.
    pub(crate) fn mark_applied(&self, tx: &mut dyn IntakeWrite) -> Result<(), PipelineError> {
        if let Some(Some(seq)) = self.applying {
            tx.set_log_applied(seq)?;
        }
        Ok(())
    }

    /// Whether the current call is already inside the application of a logged group (a replay,
    /// or an inspection inside an officer's decision): it must not be logged again.
    pub(crate) fn inside_logged(&self) -> bool {
        self.applying.is_some()
    }
}
