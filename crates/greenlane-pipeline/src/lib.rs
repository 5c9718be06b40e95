//! The clearance pipeline: CEB messages in, receipts out, and in between the documents of each
//! parcel matched, checked and decided, all inside one store transaction per batch.
//!
//! # Brief overview
//!
//! [`Prepared::new`] reads and fingerprints a message; it is pure and runs on any thread, so the
//! server and `greenlane ingest` parse in parallel. [`Pipeline::apply`] is the single writer: it
//! applies a batch of prepared messages in one store transaction and returns one [`Outcome`] per
//! message, in order. Nothing is acknowledged before that transaction commits. [`Writer`] runs a
//! pipeline on its own thread and batches whatever is queued (group commit), which is how the
//! HTTP server reaches thousands of durable messages per second.
//!
//! Replays are deterministic: exact re-sends (same bytes) get their stored receipt back, every
//! rule reads message time, and receipts derive their guid and time from the message.

mod apply;
mod cache;
mod convert;
mod facts;
mod flights;
mod intake;
pub mod receipts;
mod replay;
mod screening;
mod snapshot;
pub mod summaries;
mod workbench;
mod writer;

pub use facts::list_facts;
pub use flights::{
    Cargo, CargoInForce, CargoTableError, Outlook, SHIPPED as SHIPPED_CARGO_TABLE, china_date, local as local_time,
    message_time as flight_time, outlook,
};
pub use intake::routes_digest;
pub use replay::{StoredParcel, for_each_stored_parcel};
pub use screening::{Lists, screen_parties};
pub use snapshot::{Heads, SnapshotPolicy, clear_snapshots};
pub use workbench::{ActionDone, OfficerAction, Refusal};
pub use writer::{BatchObserver, InspectionSubmission, Submission, Writer, WriterClosed};

use apply::ApplyCx;
use cache::{CachedTx, RowCache};
use greenlane_ceb::{Message, MessageType, Parsed, ReadError, write};
use greenlane_core::risk::RiskEngine;
use greenlane_core::{
    BusinessError, Inspection, InspectionOutcome, Lane, ListKey, ListStatus, MessageTime, Parcel, Reason,
};
use greenlane_store::{Digest, IntakeRead, IntakeWrite, ListRow, NewMessage, Store, StoreError};
use screening::PartyScreening;
use sha2::{Digest as _, Sha256};
use std::sync::Arc;

/// How the pipeline behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Refuse enterprise codes not yet registered (−10102) instead of registering them.
    pub closed_registry: bool,
    /// How long (message time) a list may wait for its order or waybill before it expires.
    pub pending_ttl_seconds: i64,
    /// Routes and cargo rules: when given, arrived lists are consolidated onto flights and
    /// depart on message time (`flights.rs`).
    pub cargo: Option<Arc<CargoInForce>>,
}

impl Default for Config {
    fn default() -> Self {
        Config { closed_registry: false, pending_ttl_seconds: 72 * 3600, cargo: None }
    }
}

/// A message read and fingerprinted, ready for the writer.
#[derive(Debug)]
pub struct Prepared {
    pub digest: Digest,
    pub body: Vec<u8>,
    pub parsed: Result<Parsed, ReadError>,
    /// The enterprise the sender's token is bound to, which every entity is applied as
    /// (greenlane-core's `access` rules); `None` for staff tokens and offline ingest.
    pub actor: Option<String>,
}

impl Prepared {
    pub fn new(body: Vec<u8>) -> Prepared {
        let digest: Digest = Sha256::digest(&body).into();
        let parsed = greenlane_ceb::read(&body);
        Prepared { digest, body, parsed, actor: None }
    }

    /// The message as sent by a token bound to enterprise `code`.
    pub fn sent_by(mut self, code: Option<String>) -> Prepared {
        self.actor = code;
        self
    }

    /// Whether enterprise `code` is a party to every entity of the message (an enterprise may
    /// only send its own data). False for messages that did not read.
    pub fn is_party(&self, code: &str) -> bool {
        let Ok(parsed) = &self.parsed else { return false };
        let entities = entity_parties(&parsed.message);
        !entities.is_empty() && entities.iter().all(|parties| parties.contains(&code))
    }
}

/// What the pipeline answers to one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// HTTP 200: the receipt, one `*Return` per entity.
    Receipt {
        message_type: MessageType,
        xml: String,
        /// The `returnStatus` of each entity.
        statuses: Vec<i32>,
        /// An exact re-send answered with the stored receipt.
        replay: bool,
    },
    /// HTTP 400: not a CEB message greenlane accepts; a CEB900 explains why. Nothing is stored.
    Refused { code: String, xml: String },
}

/// Failures that are ours, not the sender's: nothing of the batch was stored.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The intake log failed: nothing of the batch was acknowledged.
    #[error(transparent)]
    Log(greenlane_log::LogError),
    #[error("internal: {0}")]
    Internal(String),
}

/// An officer's finding on a list, as the API receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionRequest {
    pub list: ListKey,
    pub outcome: InspectionOutcome,
    pub note: String,
    /// Who records it: the name of the officer's token.
    pub officer: String,
}

/// What a batch changed, for metrics.
#[derive(Debug, Clone, Default)]
pub struct BatchStats {
    pub decided: Vec<Lane>,
    pub expired: usize,
}

/// The single writer of a store.
pub struct Pipeline {
    store: Arc<dyn Store>,
    risk: Box<dyn RiskEngine>,
    config: Config,
    /// Messages committed so far: the serial of the next message, from which pre-entry and list
    /// numbers derive.
    committed: u64,
    /// The latest message time seen: the pipeline's only clock.
    clock: Option<MessageTime>,
    /// Recent documents, as the store holds them.
    cache: RowCache,
    /// Denied-party screening, when lists are loaded.
    screening: Option<PartyScreening>,
    /// The intake log, when the pipeline has one (`intake.rs`).
    log: Option<Box<dyn greenlane_log::Log>>,
    /// The last log record the store has applied.
    applied: u64,
    /// Inside the application of a logged group: the group's last sequence number (none
    /// without a log).
    applying: Option<Option<u64>>,
    /// During a rebuild: the log positions at which the hub was restarted, the risk snapshot
    /// each restart restored from, and the route table it was started with (the record right
    /// after its start marker), which is what the hub applied the log's tail with.
    restart_points: Vec<(u64, Option<u64>, Option<greenlane_log::Record>)>,
    /// Where risk snapshots go, if anywhere (`snapshot.rs`).
    snapshots: Option<SnapshotPolicy>,
    /// The feeds' positions the risk engine has seen, as of the last commit.
    heads: snapshot::Heads,
    decided_since_snapshot: u64,
    /// The log position of the snapshot the last warm-up restored from, recorded in the log's
    /// start marker.
    restored_from: Option<u64>,
    /// During a rebuild: the log positions of the snapshots the hub restarted from, to capture
    /// when reached, and those captured with the feeds' heads they cover.
    wanted_snapshots: Vec<u64>,
    captured_snapshots: std::collections::HashMap<u64, (snapshot::Heads, Vec<u8>)>,
    /// An intake log is attached: message bodies live there, not in the store's rows (set
    /// for good by `with_log`: while the log is out of its field, catching up or rebuilding
    /// from it, the bodies are still the log's).
    bodies_in_log: bool,
    /// Whether anything committed since the last warm-up (`snapshot.rs`).
    committed_since_start: bool,
    /// The log position and heads of the last snapshot taken, not to take it twice.
    last_snapshot: Option<(u64, snapshot::Heads)>,
    /// A snapshot being written in the background.
    snapshot_job: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline").field("store", &self.store.describe()).field("committed", &self.committed).finish()
    }
}

impl Pipeline {
    pub fn new(store: Arc<dyn Store>, risk: Box<dyn RiskEngine>, config: Config) -> Result<Pipeline, PipelineError> {
        let committed = store.read()?.counts()?.messages;
        Ok(Pipeline {
            store,
            risk,
            config,
            committed,
            clock: None,
            cache: RowCache::default(),
            screening: None,
            log: None,
            applied: 0,
            applying: None,
            restart_points: Vec::new(),
            snapshots: None,
            heads: snapshot::Heads::default(),
            decided_since_snapshot: 0,
            restored_from: None,
            wanted_snapshots: Vec::new(),
            captured_snapshots: std::collections::HashMap::new(),
            snapshot_job: None,
            bodies_in_log: false,
            committed_since_start: false,
            last_snapshot: None,
        })
    }

    /// Screens every parcel's parties against `lists` from now on, remembering the clearances
    /// officers recorded before.
    pub fn with_lists(mut self, lists: Arc<Lists>) -> Result<Pipeline, PipelineError> {
        let clearances = self.store.read()?.clearances()?;
        self.screening = Some(PartyScreening::new(lists, clearances));
        Ok(self)
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Applies `batch` in one transaction, after appending it to the intake log if there is one.
    /// On `Err`, nothing of the batch was acknowledged; with a log, a batch the log took but the
    /// store did not is applied before the next one (a sender that re-sends gets its receipt).
    pub fn apply(&mut self, batch: &[Prepared]) -> Result<(Vec<Outcome>, BatchStats), PipelineError> {
        if self.inside_logged() {
            return self.apply_batch(batch);
        }
        let seq = self.log_messages(batch)?;
        self.logged(seq, |p| p.apply_batch(batch))
    }

    fn apply_batch(&mut self, batch: &[Prepared]) -> Result<(Vec<Outcome>, BatchStats), PipelineError> {
        let mut cache = std::mem::take(&mut self.cache);
        let result = self.apply_with(batch, &mut cache);
        let heads = std::mem::take(&mut cache.pending);
        match &result {
            Ok(_) => cache.trim(),
            // The store rolled back what the cache may have recorded.
            Err(_) => cache.clear(),
        }
        self.cache = cache;
        if let Ok((_, stats)) = &result {
            self.committed_up_to(heads, stats.decided.len());
        }
        result
    }

    fn apply_with(
        &mut self,
        batch: &[Prepared],
        cache: &mut RowCache,
    ) -> Result<(Vec<Outcome>, BatchStats), PipelineError> {
        // The transaction borrows its own handle to the store, so that applying may update the
        // pipeline itself (the risk engine learns).
        let store = self.store.clone();
        let mut tx = store.write()?;
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut stats = BatchStats::default();
        let mut committed = self.committed;
        let mut clock = self.clock;
        {
            let mut cached = CachedTx::new(&mut *tx, cache);
            for prepared in batch {
                let outcome = match &prepared.parsed {
                    Err(e) => Outcome::Refused {
                        code: e.code().to_owned(),
                        xml: receipts::ceb900(e, &prepared.digest, None, clock.unwrap_or(MessageTime(0))),
                    },
                    Ok(parsed) => {
                        // The hub's cargo clock reaches the message's time before the message
                        // applies: a cancel written after a flight left finds its list departed,
                        // and an arrival after a cut-off finds its flight closed, however the
                        // messages were batched.
                        if let Some(cargo) = self.cargo()
                            && let Some(at) = earliest_time(&parsed.message)
                            && clock.is_some_and(|c| c < at)
                        {
                            self.tick_cargo(&mut cached, &cargo, at, &mut committed, &mut clock, &mut stats)?;
                        }
                        self.apply_one(&mut cached, prepared, parsed, &mut committed, &mut clock, &mut stats)?
                    }
                };
                outcomes.push(outcome);
            }
            if let Some(now) = clock {
                stats.expired = self.expire(&mut cached, now)?;
            }
            // Cut-offs and departures the clock passed; the departure messages greenlane writes
            // are applied like any message, in the same transaction.
            if let (Some(now), Some(cargo)) = (clock, self.cargo()) {
                self.tick_cargo(&mut cached, &cargo, now, &mut committed, &mut clock, &mut stats)?;
            }
        }
        self.mark_applied(&mut *tx)?;
        tx.commit()?;
        self.committed = committed;
        self.clock = clock;
        Ok((outcomes, stats))
    }

    /// The cargo table in force, when the hub moves parcels onto flights.
    fn cargo(&self) -> Option<Arc<Cargo>> {
        self.config.cargo.as_ref().map(|c| c.get())
    }

    /// Moves the cargo clock to `now` and applies the departure messages it writes.
    fn tick_cargo(
        &mut self,
        tx: &mut CachedTx<'_>,
        cargo: &Cargo,
        now: MessageTime,
        committed: &mut u64,
        clock: &mut Option<MessageTime>,
        stats: &mut BatchStats,
    ) -> Result<(), PipelineError> {
        for prepared in flights::tick(tx, cargo, now)? {
            let parsed = prepared.parsed.as_ref().map_err(|e| {
                PipelineError::Internal(format!("a departure message greenlane wrote does not read: {e}"))
            })?;
            self.apply_one(tx, &prepared, parsed, committed, clock, stats)?;
        }
        Ok(())
    }

    fn apply_one(
        &mut self,
        tx: &mut CachedTx<'_>,
        prepared: &Prepared,
        parsed: &Parsed,
        committed: &mut u64,
        clock: &mut Option<MessageTime>,
        stats: &mut BatchStats,
    ) -> Result<Outcome, PipelineError> {
        let message_type = parsed.message.message_type();
        if let Some(stored) = tx.find_message(&prepared.digest)? {
            let xml = String::from_utf8(stored.receipt)
                .map_err(|_| StoreError::Corrupt(format!("receipt of message {} is not UTF-8", stored.seq)))?;
            let statuses = receipt_statuses(&xml);
            return Ok(Outcome::Receipt { message_type, xml, statuses, replay: true });
        }
        if let Some(why) = not_accepted(message_type) {
            let error =
                BusinessError::NotAccepted { message_type: message_type.code().to_owned(), why: why.to_owned() };
            return Ok(Outcome::Refused {
                code: error.name().to_owned(),
                xml: receipts::ceb900_not_accepted(
                    message_type.code(),
                    why,
                    &prepared.digest,
                    clock.unwrap_or(MessageTime(0)),
                ),
            });
        }
        let (message_guid, entity_guids) = guids(&parsed.message);
        let asked: Vec<&str> = std::iter::once(message_guid).chain(entity_guids.iter().copied()).collect();
        let first_carried_by = tx.guid_digests(&asked)?;
        let taken = |known: &Option<Digest>| known.is_some_and(|d| d != prepared.digest);
        let message_reused = taken(&first_carried_by[0]);
        let mut reused_guids = Vec::with_capacity(entity_guids.len());
        for (guid, known) in entity_guids.iter().zip(&first_carried_by[1..]) {
            let reused = if message_reused {
                Some(message_guid.to_owned())
            } else if taken(known) {
                Some((*guid).to_owned())
            } else {
                None
            };
            reused_guids.push(reused);
        }
        let serial = *committed + 1;
        let cargo = self.cargo();
        let mut cx = ApplyCx {
            tx: &mut *tx,
            risk: &mut *self.risk,
            closed_registry: self.config.closed_registry,
            serial,
            decided: Vec::new(),
            screening: self.screening.as_mut(),
            assigned_invt_no: None,
            actor: prepared.actor.as_deref(),
            reused_guids,
            cargo: cargo.as_deref(),
        };
        let entities = cx.apply(&parsed.message)?;
        stats.decided.append(&mut cx.decided);
        // A guid is taken once something under it applied; a refused entity leaves no trace and
        // may come again, corrected, under the same guid.
        for (guid, entity) in entity_guids.iter().zip(&entities) {
            if entity.status >= 0 {
                tx.insert_guid(guid, &prepared.digest)?;
            }
        }
        if entities.iter().any(|e| e.status >= 0) {
            tx.insert_guid(message_guid, &prepared.digest)?;
        }
        let latest = entities.iter().map(|e| e.time).filter(|t| t.0 > 0).max();
        if let Some(t) = latest {
            *clock = Some(clock.map_or(t, |c| c.max(t)));
        }
        let receipt = receipts::receipt_for(&parsed.message, &entities, &prepared.digest)
            .ok_or_else(|| PipelineError::Internal(format!("no receipt type for {}", message_type.code())))?;
        let xml = write(&receipt, parsed.version).map_err(|e| {
            PipelineError::Internal(format!("receipt for {} is not writable: {e}", message_type.code()))
        })?;
        tx.insert_message(&NewMessage {
            digest: prepared.digest,
            message_type: message_type.code(),
            sender: sender(&parsed.message),
            app_time: entities.iter().map(|e| e.time).filter(|t| t.0 > 0).min(),
            // With an intake log the body lives there (compressed, checksummed, and what a
            // rebuild reads); the row keeps what answers a re-send: digest and receipt.
            body: if self.bodies_in_log { &[] } else { &prepared.body },
            receipt: xml.as_bytes(),
        })?;
        *committed += 1;
        let statuses = entities.iter().map(|e| e.status).collect();
        Ok(Outcome::Receipt { message_type, xml, statuses, replay: false })
    }

    /// Records an officer's inspection of a list under review and moves the list on: released if
    /// compliant, refused on a violation. The inner `Err` is the officer's mistake (no such list,
    /// or not under review); the outer one is ours, and then nothing was stored.
    pub fn inspect(&mut self, request: &InspectionRequest) -> Result<Result<ListRow, BusinessError>, PipelineError> {
        if self.inside_logged() {
            return self.inspect_unlogged(request);
        }
        let seq = self.log_inspection(request)?;
        self.logged(seq, |p| p.inspect_unlogged(request))
    }

    fn inspect_unlogged(
        &mut self,
        request: &InspectionRequest,
    ) -> Result<Result<ListRow, BusinessError>, PipelineError> {
        let mut cache = std::mem::take(&mut self.cache);
        let result = self.inspect_with(request, &mut cache);
        let heads = std::mem::take(&mut cache.pending);
        if result.is_err() {
            cache.clear();
        }
        self.cache = cache;
        // Only a recorded inspection committed: a refusal (the inner `Err`) wrote nothing.
        if let Ok(Ok(_)) = &result {
            self.committed_up_to(heads, 0);
        }
        result
    }

    fn inspect_with(
        &mut self,
        request: &InspectionRequest,
        cache: &mut RowCache,
    ) -> Result<Result<ListRow, BusinessError>, PipelineError> {
        let mut tx = self.store.write()?;
        let row = {
            let mut cached = CachedTx::new(&mut *tx, cache);
            let Some(mut row) = cached.get_list(&request.list)? else {
                return Ok(Err(BusinessError::ListNotFound {
                    ebc_code: request.list.ebc_code.clone(),
                    cop_no: request.list.cop_no.clone(),
                }));
            };
            let next = match row.status.inspect(&request.list.cop_no, request.outcome) {
                Ok(next) => next,
                Err(e) => return Ok(Err(e)),
            };
            // Message time, never the wall clock: the latest the hub has seen, and never before
            // the decision it closes.
            let decided = row.decided_at.unwrap_or(row.received_at);
            let at = self.clock.map_or(decided, |c| c.max(decided));
            let inspection = Inspection {
                list: request.list.clone(),
                outcome: request.outcome,
                note: request.note.clone(),
                officer: request.officer.clone(),
                at,
            };
            cached.insert_inspection(&inspection)?;
            if let (Some(order), Some(waybill)) =
                (cached.get_order(&row.list.order)?, cached.get_waybill(&row.list.waybill)?)
            {
                let payment = cached.get_payment(&row.list.order)?;
                let parcel = Parcel { list: row.list.clone(), order: order.order, waybill: waybill.waybill, payment };
                self.risk.observe_inspection(&parcel, &inspection);
                // A held parcel found compliant: its parties' hits were false positives.
                if let (Some(screening), InspectionOutcome::Compliant) = (self.screening.as_mut(), request.outcome) {
                    for clearance in screening.clear(&parcel, &request.officer, at) {
                        cached.insert_clearance(&clearance)?;
                    }
                }
            }
            let note = if request.note.is_empty() { String::new() } else { format!(": {}", request.note) };
            row.reasons.push(match request.outcome {
                InspectionOutcome::Compliant => Reason::new(
                    "inspected_compliant",
                    format!("released after inspection by {}{note}", request.officer),
                ),
                InspectionOutcome::Violation(kind) => Reason::new(
                    format!("inspected_{}", kind.as_str()),
                    format!("{} found by {}{note}", kind.as_str(), request.officer),
                ),
            });
            row.status = next;
            row.return_status = next.return_status(row.lane);
            cached.put_list(&row, &crate::facts::list_facts(&row))?;
            cached.append_decision(&row.decision())?;
            row
        };
        self.mark_applied(&mut *tx)?;
        tx.commit()?;
        Ok(Ok(row))
    }

    /// Lists that waited longer than the configured time for their order or waybill are refused.
    fn expire(&self, tx: &mut CachedTx<'_>, now: MessageTime) -> Result<usize, PipelineError> {
        let before = now.plus_seconds(-self.config.pending_ttl_seconds);
        let keys = tx.pending_lists_received_before(before, 1000)?;
        let hours = self.config.pending_ttl_seconds / 3600;
        for key in &keys {
            let Some(mut row) = tx.get_list(key)? else { continue };
            let missing = match (tx.get_order(&row.list.order)?.is_some(), tx.get_waybill(&row.list.waybill)?.is_some())
            {
                (false, false) => "the order and the waybill",
                (false, true) => "the order",
                _ => "the waybill",
            };
            let error = BusinessError::Expired { cop_no: key.cop_no.clone(), hours };
            row.status = ListStatus::Expired;
            row.lane = Lane::Rejected;
            row.return_status = row.status.return_status(row.lane);
            row.reasons =
                vec![Reason::new(error.name(), format!("{missing} did not arrive within {hours} hours ({error})"))];
            row.decided_at = Some(row.received_at.plus_seconds(self.config.pending_ttl_seconds));
            tx.put_list(&row, &crate::facts::list_facts(&row))?;
            tx.append_decision(&row.decision())?;
        }
        Ok(keys.len())
    }
}

/// Messages that are well-formed CEB but not for greenlane to take, and why.
fn not_accepted(message_type: MessageType) -> Option<&'static str> {
    use MessageType as T;
    match message_type {
        T::Ceb303 | T::Ceb403 | T::Ceb505 | T::Ceb507 | T::Ceb509 | T::Ceb603 | T::Ceb605 | T::Ceb607 | T::Ceb701 => {
            None
        }
        T::Ceb213 | T::Ceb215 => Some("export returns (退货) are not handled by this hub"),
        T::Ceb792 => Some("the summary result is sent by customs, not to it"),
        t if !t.is_export() => Some("it is an import message; greenlane clears exports"),
        _ => Some("it is a receipt, which greenlane sends but does not take"),
    }
}

/// The earliest appTime of a message's entities: when it happened, for the cargo clock.
fn earliest_time(message: &Message) -> Option<MessageTime> {
    let times: Vec<&str> = match message {
        Message::Ceb303(m) => m.orders.iter().map(|o| o.order_head.app_time.as_str()).collect(),
        Message::Ceb403(m) => m.receipts.iter().map(|r| r.app_time.as_str()).collect(),
        Message::Ceb505(m) => m.logistics.iter().map(|l| l.app_time.as_str()).collect(),
        Message::Ceb507(m) => m.arrivals.iter().map(|a| a.arrival_head.app_time.as_str()).collect(),
        Message::Ceb509(m) => m.departures.iter().map(|d| d.departure_head.app_time.as_str()).collect(),
        Message::Ceb603(m) => m.inventories.iter().map(|i| i.inventory_head.app_time.as_str()).collect(),
        Message::Ceb605(m) => m.invt_cancels.iter().map(|c| c.app_time.as_str()).collect(),
        Message::Ceb607(m) => m.way_bills.iter().map(|w| w.way_bill_head.app_time.as_str()).collect(),
        Message::Ceb701(m) => m.summary_applies.iter().map(|s| s.summary_apply_head.app_time.as_str()).collect(),
        _ => Vec::new(),
    };
    times.into_iter().filter_map(|t| MessageTime::parse_app_time(t).ok()).filter(|t| t.0 > 0).min()
}

/// The guid of a message and of each of its entities, in order.
fn guids(message: &Message) -> (&str, Vec<&str>) {
    match message {
        Message::Ceb303(m) => (&m.guid, m.orders.iter().map(|o| o.order_head.guid.as_str()).collect()),
        Message::Ceb403(m) => (&m.guid, m.receipts.iter().map(|r| r.guid.as_str()).collect()),
        Message::Ceb505(m) => (&m.guid, m.logistics.iter().map(|l| l.guid.as_str()).collect()),
        Message::Ceb507(m) => (&m.guid, m.arrivals.iter().map(|a| a.arrival_head.guid.as_str()).collect()),
        Message::Ceb509(m) => (&m.guid, m.departures.iter().map(|d| d.departure_head.guid.as_str()).collect()),
        Message::Ceb603(m) => (&m.guid, m.inventories.iter().map(|i| i.inventory_head.guid.as_str()).collect()),
        Message::Ceb605(m) => (&m.guid, m.invt_cancels.iter().map(|c| c.guid.as_str()).collect()),
        Message::Ceb607(m) => (&m.guid, m.way_bills.iter().map(|w| w.way_bill_head.guid.as_str()).collect()),
        Message::Ceb701(m) => (&m.guid, m.summary_applies.iter().map(|s| s.summary_apply_head.guid.as_str()).collect()),
        _ => ("", Vec::new()),
    }
}

/// The `returnStatus` of each `*Return` of a stored receipt.
fn receipt_statuses(xml: &str) -> Vec<i32> {
    xml.split("<ceb:returnStatus>")
        .skip(1)
        .filter_map(|rest| rest.split('<').next())
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// The enterprise that sent the message: its BaseTransfer's copCode.
fn sender(message: &Message) -> &str {
    match message {
        Message::Ceb303(m) => &m.base_transfer.cop_code,
        Message::Ceb403(m) => &m.base_transfer.cop_code,
        Message::Ceb505(m) => &m.base_transfer.cop_code,
        Message::Ceb507(m) => &m.base_transfer.cop_code,
        Message::Ceb509(m) => &m.base_transfer.cop_code,
        Message::Ceb603(m) => &m.base_transfer.cop_code,
        Message::Ceb605(m) => &m.base_transfer.cop_code,
        Message::Ceb607(m) => &m.base_transfer.cop_code,
        Message::Ceb701(m) => &m.base_transfer.cop_code,
        _ => "",
    }
}

/// The party codes each entity of a message names, one list per entity, for access control: an
/// enterprise may send a message only if it is a party to every entity in it.
pub fn entity_parties(message: &Message) -> Vec<Vec<&str>> {
    fn entity<'m>(codes: &[&'m str]) -> Vec<&'m str> {
        codes.iter().copied().filter(|c| !c.is_empty()).collect()
    }
    match message {
        Message::Ceb303(m) => {
            m.orders.iter().map(|o| entity(&[&o.order_head.ebp_code, &o.order_head.ebc_code])).collect()
        }
        Message::Ceb403(m) => m.receipts.iter().map(|r| entity(&[&r.ebp_code, &r.ebc_code])).collect(),
        Message::Ceb505(m) => {
            m.logistics.iter().map(|l| entity(&[&l.logistics_code, l.ebc_code.as_deref().unwrap_or("")])).collect()
        }
        Message::Ceb507(m) => m
            .arrivals
            .iter()
            .map(|a| entity(&[&a.arrival_head.operator_code, &a.arrival_head.logistics_code]))
            .collect(),
        Message::Ceb509(m) => m.departures.iter().map(|d| entity(&[&d.departure_head.logistics_code])).collect(),
        Message::Ceb603(m) => m
            .inventories
            .iter()
            .map(|i| {
                let h = &i.inventory_head;
                entity(&[&h.ebp_code, &h.ebc_code, &h.agent_code, &h.owner_code, &h.logistics_code])
            })
            .collect(),
        Message::Ceb605(m) => m.invt_cancels.iter().map(|c| entity(&[&c.agent_code, &c.ebc_code])).collect(),
        Message::Ceb607(m) => m
            .way_bills
            .iter()
            .map(|w| entity(&[&w.way_bill_head.agent_code, &w.way_bill_head.logistics_code]))
            .collect(),
        Message::Ceb701(m) => m
            .summary_applies
            .iter()
            .map(|s| {
                let h = &s.summary_apply_head;
                entity(&[&h.agent_code, &h.ebc_code, &h.decl_agent_code])
            })
            .collect(),
        _ => Vec::new(),
    }
}
