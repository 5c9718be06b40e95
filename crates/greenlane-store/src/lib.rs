//! greenlane's durable store: the documents of every parcel, the state and decision of every
//! declaration list, the messages as received with their receipts, the decision feed, the
//! enterprise registry and the API tokens.
//!
//! One interface ([`Store`]), two backends: embedded SQLite (the default, a folder on disk) and
//! PostgreSQL. Writes go through one [`WriteTx`] at a time — the pipeline is the single writer and
//! commits many messages per transaction (group commit) — and a message counts as acknowledged
//! only once its transaction has committed. Reads ([`ReadTx`]) run beside the writer.
//!
//! The store knows the domain's types but no rules: it never decides, it only keeps. Even the
//! dashboards' facts of a list (its value in yuan, its HS chapter) come from above with the list.
//!
//! [`open`] picks the backend from a location: a `postgres://` or `postgresql://` URL is a
//! [`PgStore`], anything else is the folder of a [`SqliteStore`]. A hub on PostgreSQL keeps its
//! intake log in the same database: [`PgLog`], greenlane-log's `Log` over a table.

mod cargo;
mod codec;
mod migrate;
mod pg;
mod pg_log;
mod queries;
mod sql;
mod sqlite;
mod summaries;
mod workbench;

pub use cargo::{CargoFlight, CargoMawb, CargoParcel, CargoState, FlightKey, FlightStatus, UldBuild};
pub use pg::PgStore;
pub use pg_log::PgLog;
pub use sqlite::SqliteStore;
pub use summaries::{DepartureRow, SummaryRow};
pub use workbench::{AuditEntry, Claim, DailyTotal, ListFacts, QueueFilter, QueueRow, china_day};

use greenlane_core::{
    Decision, Inspection, Lane, List, ListKey, ListStatus, MessageTime, Order, OrderKey, Payment, Reason, Waybill,
    WaybillKey,
};

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The location given by the user cannot be opened (bad path, bad URL, refused login): the
    /// user's to fix.
    #[error("cannot open the store at {location}: {reason}")]
    Open { location: String, reason: String },
    /// The database failed underneath us: ours to fix or retry.
    #[error("storage failure: {0}")]
    Backend(String),
    /// Stored data does not decode: a bug or tampering.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A SHA-256 digest of a message's bytes: how exact re-sends are recognised.
pub type Digest = [u8; 32];

/// A message as it arrived, about to be stored.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub digest: Digest,
    /// `CEB303`, …
    pub message_type: &'a str,
    /// The sender's enterprise code (BaseTransfer/copCode, or the first entity's party).
    pub sender: &'a str,
    /// The earliest appTime of the message's entities.
    pub app_time: Option<MessageTime>,
    /// The message's bytes; empty when the pipeline's intake log keeps them (nothing reads them
    /// back from the store: re-sends are answered by digest and receipt).
    pub body: &'a [u8],
    pub receipt: &'a [u8],
}

/// A message already stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub seq: u64,
    pub message_type: String,
    pub receipt: Vec<u8>,
}

/// An order and the declaration list declared on it, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRow {
    pub order: Order,
    pub list: Option<ListKey>,
}

/// A waybill and the declaration list that carries it, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct WaybillRow {
    pub waybill: Waybill,
    pub list: Option<ListKey>,
}

/// A declaration list with where it stands and what was decided.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRow {
    pub list: List,
    pub status: ListStatus,
    pub lane: Lane,
    pub return_status: i32,
    pub score: f64,
    pub reasons: Vec<Reason>,
    pub received_at: MessageTime,
    pub decided_at: Option<MessageTime>,
    pub criteria_version: Option<String>,
}

impl ListRow {
    /// The Decision (INTERFACES.md §3) of the list as it stands.
    pub fn decision(&self) -> Decision {
        Decision {
            key: self.list.key.clone(),
            invt_no: self.list.invt_no.clone(),
            order_no: self.list.order.order_no.clone(),
            logistics_no: self.list.waybill.logistics_no.clone(),
            return_status: self.return_status,
            lane: self.lane,
            score: self.score,
            reasons: self.reasons.clone(),
            received_at: self.received_at,
            decided_at: self.decided_at,
        }
    }
}

/// Roles of API tokens (INTERFACES.md §1); what each may do is greenlane-core's `access`.
pub use greenlane_core::access::Role;

/// An API token as stored: only the SHA-256 of the secret is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: u64,
    pub name: String,
    pub role: Role,
    /// The enterprise an `enterprise` token is bound to.
    pub ebc_code: Option<String>,
    pub secret_hash: Digest,
}

/// A signed-in browser: who signed in and until when (wall-clock Unix seconds: sessions are
/// about people, not about message time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub name: String,
    pub role: Role,
    pub ebc_code: Option<String>,
    pub expires_at: i64,
}

/// A party an officer cleared of resembling one listed entry (a screening false positive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clearance {
    /// The party as screened: its role and normalised name (the pipeline decides the form).
    pub party: String,
    pub list: String,
    pub entry_id: String,
    pub officer: String,
    pub cleared_at: MessageTime,
}

/// Lists per lane and status, for metrics and dashboards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub lists_by_lane: Vec<(Lane, u64)>,
    pub lists_by_status: Vec<(ListStatus, u64)>,
    pub messages: u64,
}

/// A durable store. Implementations are cheap to share between threads.
pub trait Store: Send + Sync {
    /// Starts the (single) write transaction; waits while another one is open.
    fn write(&self) -> Result<Box<dyn WriteTx + '_>>;
    /// Starts a read-only view, consistent for its lifetime.
    fn read(&self) -> Result<Box<dyn ReadTx + '_>>;
    /// Where the store lives, for logs (no secrets).
    fn describe(&self) -> String;
}

// The store's interface is split by the parts of greenlane that use it, so each consumer names
// what it reads and writes. Both transactions offer every read ([`ReadTx`]).

/// What the pipeline's writer reads while it applies messages: the documents, their lists, the
/// feeds it replays and the intake log's position. Everything here is derived from the log.
pub trait IntakeRead {
    fn find_message(&mut self, digest: &Digest) -> Result<Option<StoredMessage>>;
    fn enterprise_exists(&mut self, code: &str) -> Result<bool>;
    fn get_order(&mut self, key: &OrderKey) -> Result<Option<OrderRow>>;
    fn get_waybill(&mut self, key: &WaybillKey) -> Result<Option<WaybillRow>>;
    fn get_payment(&mut self, key: &OrderKey) -> Result<Option<Payment>>;
    fn get_list(&mut self, key: &ListKey) -> Result<Option<ListRow>>;
    /// Lists (any status) naming this order, oldest first.
    fn lists_for_order(&mut self, key: &OrderKey) -> Result<Vec<ListKey>>;
    /// Lists (any status) naming this waybill, oldest first.
    fn lists_for_waybill(&mut self, key: &WaybillKey) -> Result<Vec<ListKey>>;
    /// Lists naming a waybill number of any logistics firm (arrival and departure messages may
    /// carry only the number), oldest first.
    fn lists_by_logistics_no(&mut self, logistics_no: &str) -> Result<Vec<ListKey>>;
    /// Pending lists received (message time) strictly before `before`, oldest first, at most
    /// `limit`.
    fn pending_lists_received_before(&mut self, before: MessageTime, limit: usize) -> Result<Vec<ListKey>>;
    /// The decision feed: entries with a sequence number above `after`, in order, at most `limit`.
    fn decisions_after(&mut self, after: u64, limit: usize) -> Result<Vec<(u64, Decision)>>;
    /// Every inspection with a sequence number above `after`, in order, at most `limit`.
    fn inspections_after(&mut self, after: u64, limit: usize) -> Result<Vec<(u64, Inspection)>>;
    /// Every screening clearance, ordered by party, list and entry.
    fn clearances(&mut self) -> Result<Vec<Clearance>>;
    /// For each of `guids` (a message's or an entity's), in their order, the digest of the
    /// message that first carried it. One statement for them all: a platform's message names a
    /// hundred entities, and asking for each alone is a hundred round trips to PostgreSQL.
    fn guid_digests(&mut self, guids: &[&str]) -> Result<Vec<Option<Digest>>>;
    /// The sequence number of the last intake-log record applied to this store (0: none).
    fn log_applied(&mut self) -> Result<u64>;
    /// The list an invtNo names.
    fn list_by_invt_no(&mut self, invt_no: &str) -> Result<Option<ListKey>>;
}

/// What the officers' workbench and the exporters' pages read: cases, their history, claims.
pub trait WorkbenchRead {
    /// Every list, ordered by key (enterprise code, then copNo), the page after `after`.
    fn lists_after(&mut self, after: Option<&ListKey>, limit: usize) -> Result<Vec<ListRow>>;
    /// The inspections recorded on one list, in the order recorded.
    fn inspections_of(&mut self, list: &ListKey) -> Result<Vec<Inspection>>;
    /// Lists under review (yellow, red, hold) that pass `filter`, oldest first, at most `limit`,
    /// each with its claim if any.
    fn review_queue(&mut self, filter: &QueueFilter, limit: usize) -> Result<Vec<QueueRow>>;
    /// Who holds the case, if anyone.
    fn claim_of(&mut self, list: &ListKey) -> Result<Option<Claim>>;
    /// What officers did on the case, in the order done.
    fn audit_of(&mut self, list: &ListKey) -> Result<Vec<AuditEntry>>;
    /// The decision feed's entries for one list, in order.
    fn decisions_of(&mut self, list: &ListKey) -> Result<Vec<(u64, Decision)>>;
    /// One enterprise's lists, newest first, at most `limit`.
    fn lists_of_enterprise(&mut self, ebc_code: &str, limit: usize) -> Result<Vec<ListRow>>;
}

/// What dashboards and metrics read: counts and totals, never single documents.
pub trait DashboardRead {
    fn counts(&mut self) -> Result<Counts>;
    /// The daily totals of days `from_day..=to_day` (see [`china_day`]), every dimension.
    fn daily_totals(&mut self, from_day: i64, to_day: i64) -> Result<Vec<DailyTotal>>;
    /// Lists decided at or after `since` (message time), per minute (Unix minute, count).
    fn decided_per_minute(&mut self, since: MessageTime) -> Result<Vec<(i64, u64)>>;
    /// The latest decision time of any list.
    fn latest_decision_time(&mut self) -> Result<Option<MessageTime>>;
    /// Seconds from receipt to decision of released lists decided at or after `since`, at most
    /// `limit` of them.
    fn release_times(&mut self, since: MessageTime, limit: usize) -> Result<Vec<i64>>;
    /// How many lists are in `status`.
    fn lists_in_status(&mut self, status: ListStatus) -> Result<u64>;
}

/// What sign-in and access checks read: tokens, sessions and mandates (configuration, not
/// derived from the log).
pub trait AuthRead {
    fn token_by_hash(&mut self, secret_hash: &Digest) -> Result<Option<TokenRow>>;
    /// Whether `party` holds a mandate of `kind` (`agent`, `logistics`) from `exporter`.
    fn mandate_exists(&mut self, exporter: &str, party: &str, kind: &str) -> Result<bool>;
    /// Every mandate as (exporter, party, kind), ordered.
    fn mandates(&mut self) -> Result<Vec<(String, String, String)>>;
    /// The session whose id hashes to `id_hash`, expired or not.
    fn session(&mut self, id_hash: &Digest) -> Result<Option<SessionRow>>;
}

/// What the flights API and page, and the writer's consolidation, read: arrived lists on their
/// way to flights, flights, MAWBs and the airlines' stock (issue #15).
pub trait CargoRead {
    fn cargo_parcel(&mut self, list: &ListKey) -> Result<Option<CargoParcel>>;
    /// Parcels in `state` (and bound for `destination`, when given), ordered by list key.
    fn cargo_parcels_in(&mut self, state: CargoState, destination: Option<&str>) -> Result<Vec<CargoParcel>>;
    /// Parcels loaded on, or departed with, a flight, ordered by list key.
    fn cargo_parcels_on(&mut self, flight: &FlightKey) -> Result<Vec<CargoParcel>>;
    fn cargo_parcels_of_mawb(&mut self, mawb: &str) -> Result<Vec<CargoParcel>>;
    /// Every cargo parcel, ordered by list key, the page after `after`.
    fn cargo_parcels_after(&mut self, after: Option<&ListKey>, limit: usize) -> Result<Vec<CargoParcel>>;
    fn cargo_flight(&mut self, key: &FlightKey) -> Result<Option<CargoFlight>>;
    /// Flights departing at or after `from` and before `to`, in departure order.
    fn cargo_flights_between(&mut self, from: MessageTime, to: MessageTime) -> Result<Vec<CargoFlight>>;
    fn cargo_mawb(&mut self, mawb: &str) -> Result<Option<CargoMawb>>;
    /// The next unissued serial of an airline's stock, once any was issued.
    fn cargo_stock_next(&mut self, prefix: u16) -> Result<Option<u32>>;
    /// The message time up to which cut-offs and departures were processed.
    fn cargo_clock(&mut self) -> Result<Option<MessageTime>>;
}

/// What the summaries API and page, and the writer's summary check, read: departures and the
/// monthly summary declarations (issue #15).
pub trait SummaryRead {
    /// A list's departure, with the summary holding it, if any.
    fn departure(&mut self, invt_no: &str) -> Result<Option<DepartureRow>>;
    /// The lists that departed in `month` (`YYYYMM`), of one exporter or all, by invtNo.
    fn departures(&mut self, ebc_code: Option<&str>, month: u32) -> Result<Vec<DepartureRow>>;
    /// The latest departure time of any list.
    fn latest_departure(&mut self) -> Result<Option<MessageTime>>;
    /// The accepted summaries of `month`, of one exporter or all, by exporter and sumNo.
    fn summaries(&mut self, ebc_code: Option<&str>, month: u32) -> Result<Vec<SummaryRow>>;
    /// Whether the exporter already has a summary application with this copNo.
    fn summary_exists(&mut self, ebc_code: &str, cop_no: &str) -> Result<bool>;
}

/// Every read: what a read-only view and the write transaction offer.
pub trait ReadTx: IntakeRead + WorkbenchRead + DashboardRead + AuthRead + CargoRead + SummaryRead {}

impl<T: IntakeRead + WorkbenchRead + DashboardRead + AuthRead + CargoRead + SummaryRead + ?Sized> ReadTx for T {}

/// What the pipeline writes while it applies messages and officers' findings: everything
/// [`WriteTx::forget_derived`] can forget and a rebuild writes again.
pub trait IntakeWrite: IntakeRead {
    /// Stores a message and its receipt; returns its sequence number. The digest is unique: a
    /// second insert of the same digest is an error (callers look it up first).
    fn insert_message(&mut self, message: &NewMessage<'_>) -> Result<u64>;
    /// Registers an enterprise if it is new (code and name as first seen).
    fn register_enterprise(&mut self, code: &str, name: &str, first_seen: MessageTime) -> Result<()>;
    /// Inserts or replaces.
    fn put_order(&mut self, row: &OrderRow) -> Result<()>;
    fn delete_order(&mut self, key: &OrderKey) -> Result<()>;
    fn put_waybill(&mut self, row: &WaybillRow) -> Result<()>;
    fn delete_waybill(&mut self, key: &WaybillKey) -> Result<()>;
    fn put_payment(&mut self, payment: &Payment) -> Result<()>;
    fn delete_payment(&mut self, key: &OrderKey) -> Result<()>;
    /// Inserts or replaces a list with its facts (worked out above the store: the pipeline's
    /// `list_facts`), moving the daily totals from its old facts to these in the same
    /// transaction.
    fn put_list(&mut self, row: &ListRow, facts: &ListFacts) -> Result<()>;
    fn delete_list(&mut self, key: &ListKey) -> Result<()>;
    /// Appends the decision to the feed; returns its sequence number (strictly increasing).
    fn append_decision(&mut self, decision: &Decision) -> Result<u64>;
    /// Appends an inspection to the audit trail; returns its sequence number.
    fn insert_inspection(&mut self, inspection: &Inspection) -> Result<u64>;
    /// Remembers a screening clearance; clearing the same party of the same entry again keeps the
    /// first.
    fn insert_clearance(&mut self, clearance: &Clearance) -> Result<()>;
    /// Remembers the digest of the message that first carried `guid`; a guid already stored
    /// keeps its first digest.
    fn insert_guid(&mut self, guid: &str, digest: &Digest) -> Result<()>;
    /// Records that the intake log has been applied up to record `seq`, in the transaction that
    /// applied it.
    fn set_log_applied(&mut self, seq: u64) -> Result<()>;
    /// Forgets everything derived from the intake log (messages, documents, lists, decisions,
    /// inspections, the officers' queue and audit trail, clearances, dashboards, the registry,
    /// the log position), keeping what people configured (tokens, sessions, mandates): the
    /// start of a rebuild from the log.
    fn forget_derived(&mut self) -> Result<()>;
}

/// The officers' own working state: who holds a case and what was done on it.
pub trait WorkbenchWrite {
    /// Gives the case to an officer (replacing any claim: the caller checks who held it).
    fn put_claim(&mut self, claim: &Claim) -> Result<()>;
    fn delete_claim(&mut self, list: &ListKey) -> Result<()>;
    /// Appends to the case audit trail; returns its sequence number.
    fn insert_audit(&mut self, entry: &AuditEntry) -> Result<u64>;
}

/// Tokens, sessions and mandates, which people configure.
pub trait AuthWrite {
    /// Stores a new token; returns its id.
    fn insert_token(&mut self, name: &str, role: Role, ebc_code: Option<&str>, secret_hash: &Digest) -> Result<u64>;
    /// Records a mandate; recording it again changes nothing.
    fn insert_mandate(&mut self, exporter: &str, party: &str, kind: &str) -> Result<()>;
    fn insert_session(&mut self, id_hash: &Digest, session: &SessionRow) -> Result<()>;
    /// Revokes a session (signing out); revoking an unknown one changes nothing.
    fn delete_session(&mut self, id_hash: &Digest) -> Result<()>;
    /// Forgets the sessions that expired at or before `now`; returns how many.
    fn delete_expired_sessions(&mut self, now: i64) -> Result<u64>;
}

/// Consolidation's state, written by the pipeline's writer as message time passes cut-offs.
pub trait CargoWrite: CargoRead {
    /// Inserts or replaces.
    fn put_cargo_parcel(&mut self, parcel: &CargoParcel) -> Result<()>;
    /// Inserts or replaces.
    fn put_cargo_flight(&mut self, flight: &CargoFlight) -> Result<()>;
    /// Inserts or replaces an issued MAWB and its documents (a load rebuilt before departure
    /// keeps its number). Numbers are never issued twice: `cargo_stock` keeps the next one.
    fn put_cargo_mawb(&mut self, mawb: &CargoMawb) -> Result<()>;
    fn set_cargo_stock_next(&mut self, prefix: u16, next_serial: u32) -> Result<()>;
    fn set_cargo_clock(&mut self, at: MessageTime) -> Result<()>;
}

/// Departures and accepted summaries, written by the pipeline's writer.
pub trait SummaryWrite: SummaryRead {
    /// Records a list's departure; a list departs once, so a second record keeps the first.
    fn put_departure(&mut self, row: &DepartureRow) -> Result<()>;
    /// Stores an accepted summary and binds every list behind its declarations to it. A list
    /// already bound to a summary is an error (the database's constraint): callers check first.
    fn insert_summary(&mut self, row: &SummaryRow) -> Result<()>;
}

/// The write transaction. Nothing is visible to readers, or durable, before [`WriteTx::commit`].
pub trait WriteTx: ReadTx + IntakeWrite + WorkbenchWrite + AuthWrite + CargoWrite + SummaryWrite {
    fn commit(self: Box<Self>) -> Result<()>;
}

/// The tables [`WriteTx::forget_derived`] empties: everything the pipeline writes from messages
/// and officers' actions. Tokens, sessions and mandates are configuration, not derived.
pub const DERIVED_TABLES: &[&str] = &[
    "messages",
    "enterprises",
    "orders",
    "waybills",
    "payments",
    "lists",
    "decisions",
    "inspections",
    "screening_clearances",
    "claims",
    "case_audit",
    "dash_daily",
    "guids",
    "log_applied",
    "cargo_parcels",
    "cargo_flights",
    "cargo_mawbs",
    "cargo_stock",
    "cargo_clock",
    "list_numbers",
    "summary_departures",
    "summary_lists",
    "summaries",
];

/// Opens the store at `location`, applying any migrations it lacks: a `postgres://` or
/// `postgresql://` URL connects to PostgreSQL; anything else is a folder for the embedded SQLite
/// store, created if missing.
pub fn open(location: &str) -> Result<Box<dyn Store>> {
    if is_postgres_url(location) {
        Ok(Box::new(PgStore::connect(location)?))
    } else {
        Ok(Box::new(SqliteStore::open(std::path::Path::new(location))?))
    }
}

/// Whether `location` names a PostgreSQL server rather than a folder.
pub fn is_postgres_url(location: &str) -> bool {
    let lower = location.get(..13).unwrap_or(location).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}
