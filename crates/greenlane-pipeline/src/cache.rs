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
use greenlane_store::{CargoFlight, CargoMawb, CargoParcel, CargoState, FlightKey};
use greenlane_store::{
    CargoRead, CargoWrite, Clearance, Digest, IntakeRead, IntakeWrite, ListRow, NewMessage, OrderRow, ReadTx, Result,
    StoredMessage, SummaryRead, SummaryWrite, WaybillRow, WorkbenchWrite, WriteTx,
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

/// A write transaction seen through the cache: the intake's documents and feeds go through it
/// ([`IntakeRead`], [`IntakeWrite`]), and so do consolidation and summaries, which the writer
/// derives in the same transaction (read through, not cached); what the writer does not derive
/// (the officers' working state, dashboards, tokens) is reached through [`CachedTx::rest`].
pub(crate) struct CachedTx<'a> {
    inner: &'a mut dyn WriteTx,
    pub cache: &'a mut RowCache,
}

impl<'a> CachedTx<'a> {
    pub fn new(inner: &'a mut dyn WriteTx, cache: &'a mut RowCache) -> CachedTx<'a> {
        CachedTx { inner, cache }
    }

    /// Every read, and the writes the cache does not hold. Intake documents must be written
    /// through the cache itself, or it would answer with what the store no longer holds.
    pub fn rest(&mut self) -> Uncached<'_> {
        Uncached(&mut *self.inner)
    }
}

/// What the writer derives from messages, in one transaction: what [`CachedTx`] offers.
pub(crate) trait WriterTx: IntakeWrite + CargoWrite + SummaryWrite {}

impl<T: IntakeWrite + CargoWrite + SummaryWrite + ?Sized> WriterTx for T {}

/// The part of a write transaction beside the writer's cache.
pub(crate) struct Uncached<'a>(&'a mut dyn WriteTx);

impl Uncached<'_> {
    pub fn read(&mut self) -> &mut dyn ReadTx {
        self.0
    }
    pub fn workbench(&mut self) -> &mut dyn WorkbenchWrite {
        self.0
    }
}

impl IntakeRead for CachedTx<'_> {
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
    fn inspections_after(&mut self, after: u64, limit: usize) -> Result<Vec<(u64, Inspection)>> {
        self.inner.inspections_after(after, limit)
    }
    fn clearances(&mut self) -> Result<Vec<Clearance>> {
        self.inner.clearances()
    }
    fn guid_digests(&mut self, guids: &[&str]) -> Result<Vec<Option<Digest>>> {
        self.inner.guid_digests(guids)
    }
    fn log_applied(&mut self) -> Result<u64> {
        self.inner.log_applied()
    }
    fn list_by_invt_no(&mut self, invt_no: &str) -> Result<Option<ListKey>> {
        self.inner.list_by_invt_no(invt_no)
    }
}

impl CargoRead for CachedTx<'_> {
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
}

impl SummaryRead for CachedTx<'_> {
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

impl IntakeWrite for CachedTx<'_> {
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
    fn insert_inspection(&mut self, inspection: &Inspection) -> Result<u64> {
        let seq = self.inner.insert_inspection(inspection)?;
        self.cache.pending.inspection = self.cache.pending.inspection.max(seq);
        Ok(seq)
    }
    fn insert_clearance(&mut self, clearance: &Clearance) -> Result<()> {
        self.inner.insert_clearance(clearance)
    }
    fn insert_guid(&mut self, guid: &str, digest: &Digest) -> Result<()> {
        self.inner.insert_guid(guid, digest)
    }
    fn set_log_applied(&mut self, seq: u64) -> Result<()> {
        self.inner.set_log_applied(seq)
    }
    fn forget_derived(&mut self) -> Result<()> {
        // Whatever the cache remembers was derived too.
        self.cache.clear();
        self.inner.forget_derived()
    }
}

impl CargoWrite for CachedTx<'_> {
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
}

impl SummaryWrite for CachedTx<'_> {
    fn put_departure(&mut self, row: &greenlane_store::DepartureRow) -> Result<()> {
        self.inner.put_departure(row)
    }
    fn insert_summary(&mut self, row: &greenlane_store::SummaryRow) -> Result<()> {
        self.inner.insert_summary(row)
    }
}
