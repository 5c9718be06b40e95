//! The writer's memory of recent documents. A parcel's three documents arrive within seconds of
//! each other and each is looked up several times while the parcel is matched and decided; reading
//! them back from the store means a query and a JSON decode every time. Because the pipeline is
//! the store's only writer, what it last read or wrote is what the store holds, so it can answer
//! from memory — including "there is no such row".
//!
//! The cache sits in front of the write transaction and writes through. It is cleared when a
//! batch fails (the store rolled back what the cache may have seen) and when it grows past its
//! bound (clearing is simpler than evicting and costs one re-read per document).

use greenlane_core::{Decision, Inspection, ListKey, MessageTime, OrderKey, Payment, WaybillKey};
use greenlane_store::{AuditEntry, Claim, DailyTotal, QueueFilter, QueueRow};
use greenlane_store::{CargoFlight, CargoMawb, CargoParcel, CargoState, FlightKey};
use greenlane_store::{
    Clearance, Counts, Digest, ListRow, NewMessage, OrderRow, ReadTx, Result, Role, StoreError, StoredMessage,
    TokenRow, WaybillRow, WriteTx,
};
use std::collections::{HashMap, HashSet};

/// Documents remembered at most (orders, waybills, payments and lists together): some tens of
/// thousands of parcels in flight, a few hundred megabytes at most.
const BOUND: usize = 100_000;

/// Rows as the store holds them, `None` for rows known not to exist.
#[derive(Debug, Default)]
pub(crate) struct RowCache {
    orders: HashMap<OrderKey, Option<OrderRow>>,
    waybills: HashMap<WaybillKey, Option<WaybillRow>>,
    payments: HashMap<OrderKey, Option<Payment>>,
    lists: HashMap<ListKey, Option<ListRow>>,
    /// Enterprise codes known to be registered: every entity names several, and a platform's
    /// code recurs on every one of its orders.
    enterprises: HashSet<String>,
    /// The feeds' last sequence numbers written in the open transaction: they become the
    /// pipeline's [`crate::snapshot::Heads`] only once it commits.
    pub pending: crate::snapshot::Heads,
}

impl RowCache {
    pub fn clear(&mut self) {
        self.orders.clear();
        self.waybills.clear();
        self.payments.clear();
        self.lists.clear();
        self.enterprises.clear();
        self.pending = crate::snapshot::Heads::default();
    }

    /// Keeps memory bounded between batches.
    pub fn trim(&mut self) {
        if self.orders.len() + self.waybills.len() + self.payments.len() + self.lists.len() > BOUND {
            self.clear();
        }
    }
}

/// A write transaction seen through the cache.
pub(crate) struct CachedTx<'a> {
    pub inner: &'a mut dyn WriteTx,
    pub cache: &'a mut RowCache,
}

impl ReadTx for CachedTx<'_> {
    fn find_message(&mut self, digest: &Digest) -> Result<Option<StoredMessage>> {
        self.inner.find_message(digest)
    }
    fn enterprise_exists(&mut self, code: &str) -> Result<bool> {
        if self.cache.enterprises.contains(code) {
            return Ok(true);
        }
        let exists = self.inner.enterprise_exists(code)?;
        if exists {
            self.cache.enterprises.insert(code.to_owned());
        }
        Ok(exists)
    }
    fn get_order(&mut self, key: &OrderKey) -> Result<Option<OrderRow>> {
        if let Some(row) = self.cache.orders.get(key) {
            return Ok(row.clone());
        }
        let row = self.inner.get_order(key)?;
        self.cache.orders.insert(key.clone(), row.clone());
        Ok(row)
    }
    fn get_waybill(&mut self, key: &WaybillKey) -> Result<Option<WaybillRow>> {
        if let Some(row) = self.cache.waybills.get(key) {
            return Ok(row.clone());
        }
        let row = self.inner.get_waybill(key)?;
        self.cache.waybills.insert(key.clone(), row.clone());
        Ok(row)
    }
    fn get_payment(&mut self, key: &OrderKey) -> Result<Option<Payment>> {
        if let Some(row) = self.cache.payments.get(key) {
            return Ok(row.clone());
        }
        let row = self.inner.get_payment(key)?;
        self.cache.payments.insert(key.clone(), row.clone());
        Ok(row)
    }
    fn get_list(&mut self, key: &ListKey) -> Result<Option<ListRow>> {
        if let Some(row) = self.cache.lists.get(key) {
            return Ok(row.clone());
        }
        let row = self.inner.get_list(key)?;
        self.cache.lists.insert(key.clone(), row.clone());
        Ok(row)
    }
    fn lists_for_order(&mut self, key: &OrderKey) -> Result<Vec<ListKey>> {
        self.inner.lists_for_order(key)
    }
    fn lists_for_waybill(&mut self, key: &WaybillKey) -> Result<Vec<ListKey>> {
        self.inner.lists_for_waybill(key)
    }
    fn lists_by_logistics_no(&mut self, logistics_no: &str) -> Result<Vec<ListKey>> {
        self.inner.lists_by_logistics_no(logistics_no)
    }
    fn pending_lists_received_before(&mut self, before: MessageTime, limit: usize) -> Result<Vec<ListKey>> {
        self.inner.pending_lists_received_before(before, limit)
    }
    fn decisions_after(&mut self, after: u64, limit: usize) -> Result<Vec<(u64, Decision)>> {
        self.inner.decisions_after(after, limit)
    }
    fn token_by_hash(&mut self, secret_hash: &Digest) -> Result<Option<TokenRow>> {
        self.inner.token_by_hash(secret_hash)
    }
    fn counts(&mut self) -> Result<Counts> {
        self.inner.counts()
    }
    fn lists_after(&mut self, after: Option<&ListKey>, limit: usize) -> Result<Vec<ListRow>> {
        self.inner.lists_after(after, limit)
    }
    fn inspections_of(&mut self, list: &ListKey) -> Result<Vec<Inspection>> {
        self.inner.inspections_of(list)
    }
    fn inspections_after(&mut self, after: u64, limit: usize) -> Result<Vec<(u64, Inspection)>> {
        self.inner.inspections_after(after, limit)
    }
    fn clearances(&mut self) -> Result<Vec<Clearance>> {
        self.inner.clearances()
    }
    fn review_queue(&mut self, filter: &QueueFilter, limit: usize) -> Result<Vec<QueueRow>> {
        self.inner.review_queue(filter, limit)
    }
    fn claim_of(&mut self, list: &ListKey) -> Result<Option<Claim>> {
        self.inner.claim_of(list)
    }
    fn audit_of(&mut self, list: &ListKey) -> Result<Vec<AuditEntry>> {
        self.inner.audit_of(list)
    }
    fn decisions_of(&mut self, list: &ListKey) -> Result<Vec<(u64, Decision)>> {
        self.inner.decisions_of(list)
    }
    fn daily_totals(&mut self, from_day: i64, to_day: i64) -> Result<Vec<DailyTotal>> {
        self.inner.daily_totals(from_day, to_day)
    }
    fn decided_per_minute(&mut self, since: MessageTime) -> Result<Vec<(i64, u64)>> {
        self.inner.decided_per_minute(since)
    }
    fn latest_decision_time(&mut self) -> Result<Option<MessageTime>> {
        self.inner.latest_decision_time()
    }
    fn release_times(&mut self, since: MessageTime, limit: usize) -> Result<Vec<i64>> {
        self.inner.release_times(since, limit)
    }
    fn lists_in_status(&mut self, status: greenlane_core::ListStatus) -> Result<u64> {
        self.inner.lists_in_status(status)
    }
    fn lists_of_enterprise(&mut self, ebc_code: &str, limit: usize) -> Result<Vec<ListRow>> {
        self.inner.lists_of_enterprise(ebc_code, limit)
    }
    fn mandate_exists(&mut self, exporter: &str, party: &str, kind: &str) -> Result<bool> {
        self.inner.mandate_exists(exporter, party, kind)
    }
    fn mandates(&mut self) -> Result<Vec<(String, String, String)>> {
        self.inner.mandates()
    }
    fn guid_digest(&mut self, guid: &str) -> Result<Option<Digest>> {
        self.inner.guid_digest(guid)
    }
    fn session(&mut self, id_hash: &Digest) -> Result<Option<greenlane_store::SessionRow>> {
        self.inner.session(id_hash)
    }
    fn log_applied(&mut self) -> Result<u64> {
        self.inner.log_applied()
    }
    // ----- cargo (issue #15): not cached, read through -----
    fn cargo_parcel(&mut self, list: &ListKey) -> Result<Option<CargoParcel>> {
        self.inner.cargo_parcel(list)
    }
    fn cargo_parcels_in(&mut self, state: CargoState, destination: Option<&str>) -> Result<Vec<CargoParcel>> {
        self.inner.cargo_parcels_in(state, destination)
    }
    fn cargo_parcels_on(&mut self, flight: &FlightKey) -> Result<Vec<CargoParcel>> {
        self.inner.cargo_parcels_on(flight)
    }
    fn cargo_parcels_of_mawb(&mut self, mawb: &str) -> Result<Vec<CargoParcel>> {
        self.inner.cargo_parcels_of_mawb(mawb)
    }
    fn cargo_parcels_after(&mut self, after: Option<&ListKey>, limit: usize) -> Result<Vec<CargoParcel>> {
        self.inner.cargo_parcels_after(after, limit)
    }
    fn cargo_flight(&mut self, key: &FlightKey) -> Result<Option<CargoFlight>> {
        self.inner.cargo_flight(key)
    }
    fn cargo_flights_between(&mut self, from: MessageTime, to: MessageTime) -> Result<Vec<CargoFlight>> {
        self.inner.cargo_flights_between(from, to)
    }
    fn cargo_mawb(&mut self, mawb: &str) -> Result<Option<CargoMawb>> {
        self.inner.cargo_mawb(mawb)
    }
    fn cargo_stock_next(&mut self, prefix: u16) -> Result<Option<u32>> {
        self.inner.cargo_stock_next(prefix)
    }
    fn cargo_clock(&mut self) -> Result<Option<MessageTime>> {
        self.inner.cargo_clock()
    }

    // ----- summaries: not cached (a summary application is rare) -----------------------------------
    fn list_by_invt_no(&mut self, invt_no: &str) -> Result<Option<ListKey>> {
        self.inner.list_by_invt_no(invt_no)
    }
    fn departure(&mut self, invt_no: &str) -> Result<Option<greenlane_store::DepartureRow>> {
        self.inner.departure(invt_no)
    }
    fn departures(&mut self, ebc_code: Option<&str>, month: u32) -> Result<Vec<greenlane_store::DepartureRow>> {
        self.inner.departures(ebc_code, month)
    }
    fn latest_departure(&mut self) -> Result<Option<MessageTime>> {
        self.inner.latest_departure()
    }
    fn summaries(&mut self, ebc_code: Option<&str>, month: u32) -> Result<Vec<greenlane_store::SummaryRow>> {
        self.inner.summaries(ebc_code, month)
    }
    fn summary_exists(&mut self, ebc_code: &str, cop_no: &str) -> Result<bool> {
        self.inner.summary_exists(ebc_code, cop_no)
    }
}

impl WriteTx for CachedTx<'_> {
    fn insert_message(&mut self, message: &NewMessage<'_>) -> Result<u64> {
        self.inner.insert_message(message)
    }
    fn register_enterprise(&mut self, code: &str, name: &str, first_seen: MessageTime) -> Result<()> {
        // Registration keeps the first name seen, so a known code needs no statement at all.
        if !self.cache.enterprises.contains(code) {
            self.inner.register_enterprise(code, name, first_seen)?;
            self.cache.enterprises.insert(code.to_owned());
        }
        Ok(())
    }
    fn put_order(&mut self, row: &OrderRow) -> Result<()> {
        self.inner.put_order(row)?;
        self.cache.orders.insert(row.order.key.clone(), Some(row.clone()));
        Ok(())
    }
    fn delete_order(&mut self, key: &OrderKey) -> Result<()> {
        self.inner.delete_order(key)?;
        self.cache.orders.insert(key.clone(), None);
        Ok(())
    }
    fn put_waybill(&mut self, row: &WaybillRow) -> Result<()> {
        self.inner.put_waybill(row)?;
        self.cache.waybills.insert(row.waybill.key.clone(), Some(row.clone()));
        Ok(())
    }
    fn delete_waybill(&mut self, key: &WaybillKey) -> Result<()> {
        self.inner.delete_waybill(key)?;
        self.cache.waybills.insert(key.clone(), None);
        Ok(())
    }
    fn put_payment(&mut self, payment: &Payment) -> Result<()> {
        self.inner.put_payment(payment)?;
        self.cache.payments.insert(payment.order.clone(), Some(payment.clone()));
        Ok(())
    }
    fn delete_payment(&mut self, key: &OrderKey) -> Result<()> {
        self.inner.delete_payment(key)?;
        self.cache.payments.insert(key.clone(), None);
        Ok(())
    }
    fn put_list(&mut self, row: &ListRow, facts: &greenlane_store::ListFacts) -> Result<()> {
        self.inner.put_list(row, facts)?;
        self.cache.lists.insert(row.list.key.clone(), Some(row.clone()));
        Ok(())
    }
    fn delete_list(&mut self, key: &ListKey) -> Result<()> {
        self.inner.delete_list(key)?;
        self.cache.lists.insert(key.clone(), None);
        Ok(())
    }
    fn append_decision(&mut self, decision: &Decision) -> Result<u64> {
        let seq = self.inner.append_decision(decision)?;
        self.cache.pending.decision = self.cache.pending.decision.max(seq);
        Ok(seq)
    }
    fn insert_clearance(&mut self, clearance: &Clearance) -> Result<()> {
        self.inner.insert_clearance(clearance)
    }
    fn insert_inspection(&mut self, inspection: &Inspection) -> Result<u64> {
        let seq = self.inner.insert_inspection(inspection)?;
        self.cache.pending.inspection = self.cache.pending.inspection.max(seq);
        Ok(seq)
    }
    fn insert_token(&mut self, name: &str, role: Role, ebc_code: Option<&str>, secret_hash: &Digest) -> Result<u64> {
        self.inner.insert_token(name, role, ebc_code, secret_hash)
    }
    /// The cache borrows the transaction; whoever opened the transaction commits it.
    fn commit(self: Box<Self>) -> Result<()> {
        Err(StoreError::Backend("internal: commit the transaction itself, not its cached view".into()))
    }
    fn put_claim(&mut self, claim: &Claim) -> Result<()> {
        self.inner.put_claim(claim)
    }
    fn delete_claim(&mut self, list: &ListKey) -> Result<()> {
        self.inner.delete_claim(list)
    }
    fn insert_audit(&mut self, entry: &AuditEntry) -> Result<u64> {
        self.inner.insert_audit(entry)
    }
    fn insert_mandate(&mut self, exporter: &str, party: &str, kind: &str) -> Result<()> {
        self.inner.insert_mandate(exporter, party, kind)
    }
    fn insert_guid(&mut self, guid: &str, digest: &Digest) -> Result<()> {
        self.inner.insert_guid(guid, digest)
    }
    fn insert_session(&mut self, id_hash: &Digest, session: &greenlane_store::SessionRow) -> Result<()> {
        self.inner.insert_session(id_hash, session)
    }
    fn delete_session(&mut self, id_hash: &Digest) -> Result<()> {
        self.inner.delete_session(id_hash)
    }
    fn delete_expired_sessions(&mut self, now: i64) -> Result<u64> {
        self.inner.delete_expired_sessions(now)
    }
    fn set_log_applied(&mut self, seq: u64) -> Result<()> {
        self.inner.set_log_applied(seq)
    }
    fn forget_derived(&mut self) -> Result<()> {
        // Whatever the cache remembers was derived too.
        self.cache.clear();
        self.inner.forget_derived()
    }
    // ----- cargo (issue #15) -----
    fn put_cargo_parcel(&mut self, parcel: &CargoParcel) -> Result<()> {
        self.inner.put_cargo_parcel(parcel)
    }
    fn put_cargo_flight(&mut self, flight: &CargoFlight) -> Result<()> {
        self.inner.put_cargo_flight(flight)
    }
    fn put_cargo_mawb(&mut self, mawb: &CargoMawb) -> Result<()> {
        self.inner.put_cargo_mawb(mawb)
    }
    fn set_cargo_stock_next(&mut self, prefix: u16, next_serial: u32) -> Result<()> {
        self.inner.set_cargo_stock_next(prefix, next_serial)
    }
    fn set_cargo_clock(&mut self, at: MessageTime) -> Result<()> {
        self.inner.set_cargo_clock(at)
    }

    // ----- summaries ------------------------------------------------------------------------------
    fn put_departure(&mut self, row: &greenlane_store::DepartureRow) -> Result<()> {
        self.inner.put_departure(row)
    }
    fn insert_summary(&mut self, row: &greenlane_store::SummaryRow) -> Result<()> {
        self.inner.insert_summary(row)
    }
}
