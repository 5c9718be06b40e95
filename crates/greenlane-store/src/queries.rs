//! Every statement the store runs and how its rows map to the domain, written once for both
//! backends against [`Db`], and [`SqlTx`], the one implementation of [`ReadTx`] and [`WriteTx`]
//! over any backend's connection. The schema's migrations are `migrate.rs`'s.

use crate::cargo::{CargoFlight, CargoMawb, CargoParcel, CargoState, FlightKey};
use crate::codec::{self, ListColumns};
use crate::sql::{self, Db, Dialect, Row, Sql, args};
use crate::summaries::{DepartureRow, SummaryRow};
use crate::workbench::{self, AuditEntry, Claim, DailyTotal, ListFacts, QueueFilter, QueueRow};
use crate::{
    AuthRead, AuthWrite, CargoRead, CargoWrite, DashboardRead, IntakeRead, IntakeWrite, SummaryRead, SummaryWrite,
    WorkbenchRead, WorkbenchWrite,
};
use crate::{
    Clearance, Counts, Digest, ListRow, NewMessage, OrderRow, Result, Role, SessionRow, StoreError, StoredMessage,
    TokenRow, WaybillRow, WriteTx,
};
use greenlane_core::{Decision, Inspection, ListKey, ListStatus, MessageTime, OrderKey, Payment, WaybillKey};

/// What a backend's transaction gives [`SqlTx`]: its connection while the transaction is open.
pub(crate) trait Session {
    /// `None` once the transaction has ended.
    fn db(&mut self) -> Option<&mut dyn Db>;
}

/// A write transaction's end.
pub(crate) trait WriteSession: Session {
    /// Commits; on failure the session rolls back when dropped.
    fn commit(&mut self) -> Result<()>;
}

/// A transaction on either backend. After a failed statement it refuses further work and can
/// only be dropped (rolled back): PostgreSQL aborts a transaction on any error (and a COMMIT of
/// an aborted transaction *succeeds* while rolling back), and SQLite rolls a whole transaction
/// back on some (full disk, I/O error), after which later statements would each commit alone.
pub(crate) struct SqlTx<S> {
    session: S,
    failed: bool,
}

impl<S: Session> SqlTx<S> {
    pub(crate) fn new(session: S) -> SqlTx<S> {
        SqlTx { session, failed: false }
    }

    fn with<T>(&mut self, f: impl FnOnce(&mut dyn Db) -> Result<T>) -> Result<T> {
        if self.failed {
            return Err(StoreError::Backend(
                "the transaction was aborted by an earlier failure; it can only be dropped".into(),
            ));
        }
        let Some(db) = self.session.db() else {
            return Err(StoreError::Backend("transaction used after it ended".into()));
        };
        let result = f(db);
        if let Err(StoreError::Backend(_)) = result {
            self.failed = true;
        }
        result
    }
}

impl<S: Session> IntakeRead for SqlTx<S> {
    fn find_message(&mut self, digest: &Digest) -> Result<Option<StoredMessage>> {
        self.with(|c| q::find_message(c, digest))
    }
    fn enterprise_exists(&mut self, code: &str) -> Result<bool> {
        self.with(|c| q::enterprise_exists(c, code))
    }
    fn get_order(&mut self, key: &OrderKey) -> Result<Option<OrderRow>> {
        self.with(|c| q::get_order(c, key))
    }
    fn get_waybill(&mut self, key: &WaybillKey) -> Result<Option<WaybillRow>> {
        self.with(|c| q::get_waybill(c, key))
    }
    fn get_payment(&mut self, key: &OrderKey) -> Result<Option<Payment>> {
        self.with(|c| q::get_payment(c, key))
    }
    fn get_list(&mut self, key: &ListKey) -> Result<Option<ListRow>> {
        self.with(|c| q::get_list(c, key))
    }
    fn lists_for_order(&mut self, key: &OrderKey) -> Result<Vec<ListKey>> {
        self.with(|c| q::lists_for_order(c, key))
    }
    fn lists_for_waybill(&mut self, key: &WaybillKey) -> Result<Vec<ListKey>> {
        self.with(|c| q::lists_for_waybill(c, key))
    }
    fn lists_by_logistics_no(&mut self, logistics_no: &str) -> Result<Vec<ListKey>> {
        self.with(|c| q::lists_by_logistics_no(c, logistics_no))
    }
    fn pending_lists_received_before(&mut self, before: MessageTime, limit: usize) -> Result<Vec<ListKey>> {
        self.with(|c| q::pending_lists_received_before(c, before, limit))
    }
    fn decisions_after(&mut self, after: u64, limit: usize) -> Result<Vec<(u64, Decision)>> {
        self.with(|c| q::decisions_after(c, after, limit))
    }
    fn inspections_after(&mut self, after: u64, limit: usize) -> Result<Vec<(u64, Inspection)>> {
        self.with(|c| q::inspections_after(c, after, limit))
    }
    fn clearances(&mut self) -> Result<Vec<Clearance>> {
        self.with(q::clearances)
    }
    fn guid_digests(&mut self, guids: &[&str]) -> Result<Vec<Option<Digest>>> {
        self.with(|c| q::guid_digests(c, guids))
    }
    fn log_applied(&mut self) -> Result<u64> {
        self.with(q::log_applied)
    }
    fn list_by_invt_no(&mut self, invt_no: &str) -> Result<Option<ListKey>> {
        self.with(|c| sq::list_by_invt_no(c, invt_no))
    }
}

impl<S: Session> WorkbenchRead for SqlTx<S> {
    fn lists_after(&mut self, after: Option<&ListKey>, limit: usize) -> Result<Vec<ListRow>> {
        self.with(|c| q::lists_after(c, after, limit))
    }
    fn inspections_of(&mut self, list: &ListKey) -> Result<Vec<Inspection>> {
        self.with(|c| q::inspections_of(c, list))
    }
    fn review_queue(&mut self, filter: &QueueFilter, limit: usize) -> Result<Vec<QueueRow>> {
        self.with(|c| q::review_queue(c, filter, limit))
    }
    fn claim_of(&mut self, list: &ListKey) -> Result<Option<Claim>> {
        self.with(|c| q::claim_of(c, list))
    }
    fn audit_of(&mut self, list: &ListKey) -> Result<Vec<AuditEntry>> {
        self.with(|c| q::audit_of(c, list))
    }
    fn decisions_of(&mut self, list: &ListKey) -> Result<Vec<(u64, Decision)>> {
        self.with(|c| q::decisions_of(c, list))
    }
    fn lists_of_enterprise(&mut self, ebc_code: &str, limit: usize) -> Result<Vec<ListRow>> {
        self.with(|c| q::lists_of_enterprise(c, ebc_code, limit))
    }
}

impl<S: Session> DashboardRead for SqlTx<S> {
    fn counts(&mut self) -> Result<Counts> {
        self.with(q::counts)
    }
    fn daily_totals(&mut self, from_day: i64, to_day: i64) -> Result<Vec<DailyTotal>> {
        self.with(|c| q::daily_totals(c, from_day, to_day))
    }
    fn decided_per_minute(&mut self, since: MessageTime) -> Result<Vec<(i64, u64)>> {
        self.with(|c| q::decided_per_minute(c, since))
    }
    fn latest_decision_time(&mut self) -> Result<Option<MessageTime>> {
        self.with(q::latest_decision_time)
    }
    fn release_times(&mut self, since: MessageTime, limit: usize) -> Result<Vec<i64>> {
        self.with(|c| q::release_times(c, since, limit))
    }
    fn lists_in_status(&mut self, status: ListStatus) -> Result<u64> {
        self.with(|c| q::lists_in_status(c, status))
    }
}

impl<S: Session> AuthRead for SqlTx<S> {
    fn token_by_hash(&mut self, secret_hash: &Digest) -> Result<Option<TokenRow>> {
        self.with(|c| q::token_by_hash(c, secret_hash))
    }
    fn mandate_exists(&mut self, exporter: &str, party: &str, kind: &str) -> Result<bool> {
        self.with(|c| q::mandate_exists(c, exporter, party, kind))
    }
    fn mandates(&mut self) -> Result<Vec<(String, String, String)>> {
        self.with(q::mandates)
    }
    fn session(&mut self, id_hash: &Digest) -> Result<Option<SessionRow>> {
        self.with(|c| q::session(c, id_hash))
    }
}

impl<S: Session> CargoRead for SqlTx<S> {
    fn cargo_parcel(&mut self, list: &ListKey) -> Result<Option<CargoParcel>> {
        self.with(|c| q::cargo_parcel(c, list))
    }
    fn cargo_parcels_in(&mut self, state: CargoState, destination: Option<&str>) -> Result<Vec<CargoParcel>> {
        self.with(|c| q::cargo_parcels_in(c, state, destination))
    }
    fn cargo_parcels_on(&mut self, flight: &FlightKey) -> Result<Vec<CargoParcel>> {
        self.with(|c| q::cargo_parcels_on(c, flight))
    }
    fn cargo_parcels_of_mawb(&mut self, mawb: &str) -> Result<Vec<CargoParcel>> {
        self.with(|c| q::cargo_parcels_of_mawb(c, mawb))
    }
    fn cargo_parcels_after(&mut self, after: Option<&ListKey>, limit: usize) -> Result<Vec<CargoParcel>> {
        self.with(|c| q::cargo_parcels_after(c, after, limit))
    }
    fn cargo_flight(&mut self, key: &FlightKey) -> Result<Option<CargoFlight>> {
        self.with(|c| q::cargo_flight(c, key))
    }
    fn cargo_flights_between(&mut self, from: MessageTime, to: MessageTime) -> Result<Vec<CargoFlight>> {
        self.with(|c| q::cargo_flights_between(c, from, to))
    }
    fn cargo_mawb(&mut self, mawb: &str) -> Result<Option<CargoMawb>> {
        self.with(|c| q::cargo_mawb(c, mawb))
    }
    fn cargo_stock_next(&mut self, prefix: u16) -> Result<Option<u32>> {
        self.with(|c| q::cargo_stock_next(c, prefix))
    }
    fn cargo_clock(&mut self) -> Result<Option<MessageTime>> {
        self.with(q::cargo_clock)
    }
}

impl<S: Session> SummaryRead for SqlTx<S> {
    fn departure(&mut self, invt_no: &str) -> Result<Option<DepartureRow>> {
        self.with(|c| sq::departure(c, invt_no))
    }
    fn departures(&mut self, ebc_code: Option<&str>, month: u32) -> Result<Vec<DepartureRow>> {
        self.with(|c| sq::departures(c, ebc_code, month))
    }
    fn latest_departure(&mut self) -> Result<Option<MessageTime>> {
        self.with(sq::latest_departure)
    }
    fn summaries(&mut self, ebc_code: Option<&str>, month: u32) -> Result<Vec<SummaryRow>> {
        self.with(|c| sq::summaries(c, ebc_code, month))
    }
    fn summary_exists(&mut self, ebc_code: &str, cop_no: &str) -> Result<bool> {
        self.with(|c| sq::summary_exists(c, ebc_code, cop_no))
    }
}

impl<S: WriteSession> IntakeWrite for SqlTx<S> {
    fn insert_message(&mut self, message: &NewMessage<'_>) -> Result<u64> {
        let seq = self.with(|c| q::insert_message(c, message))?;
        seq.ok_or_else(|| {
            StoreError::Backend(format!(
                "insert_message: a message with digest {} is already stored",
                codec::hex(&message.digest)
            ))
        })
    }
    fn register_enterprise(&mut self, code: &str, name: &str, first_seen: MessageTime) -> Result<()> {
        self.with(|c| q::register_enterprise(c, code, name, first_seen))
    }
    fn put_order(&mut self, row: &OrderRow) -> Result<()> {
        let doc = codec::to_json("order", &row.order)?;
        self.with(|c| q::put_order(c, row, &doc))
    }
    fn delete_order(&mut self, key: &OrderKey) -> Result<()> {
        self.with(|c| q::delete_order(c, key))
    }
    fn put_waybill(&mut self, row: &WaybillRow) -> Result<()> {
        let doc = codec::to_json("waybill", &row.waybill)?;
        self.with(|c| q::put_waybill(c, row, &doc))
    }
    fn delete_waybill(&mut self, key: &WaybillKey) -> Result<()> {
        self.with(|c| q::delete_waybill(c, key))
    }
    fn put_payment(&mut self, payment: &Payment) -> Result<()> {
        let doc = codec::to_json("payment", payment)?;
        self.with(|c| q::put_payment(c, &payment.order, &doc))
    }
    fn delete_payment(&mut self, key: &OrderKey) -> Result<()> {
        self.with(|c| q::delete_payment(c, key))
    }
    fn put_list(&mut self, row: &ListRow, facts: &ListFacts) -> Result<()> {
        let cols = ListColumns::encode(row)?;
        // The workbench's facts and daily totals move with the list, in the same transaction.
        self.with(|c| {
            let old = q::list_facts(c, &row.list.key)?;
            q::put_list(c, row, &cols)?;
            // A list is stored pending first, and only then numbered anew: its number is kept
            // once, not at every later move.
            if row.status == ListStatus::Pending
                && let Some(invt_no) = &row.list.invt_no
            {
                sq::put_list_number(c, invt_no, &row.list.key)?;
            }
            q::update_facts(c, &row.list.key, old.as_ref(), Some(facts))
        })
    }
    fn delete_list(&mut self, key: &ListKey) -> Result<()> {
        self.with(|c| {
            let old = q::list_facts(c, key)?;
            q::delete_list(c, key)?;
            sq::delete_list_number(c, key)?;
            q::update_facts(c, key, old.as_ref(), None)
        })
    }
    fn append_decision(&mut self, decision: &Decision) -> Result<u64> {
        codec::check_score("append_decision", decision.score)?;
        let doc = codec::to_json("decision", decision)?;
        self.with(|c| q::append_decision(c, &decision.key, &doc))
    }
    fn insert_inspection(&mut self, inspection: &Inspection) -> Result<u64> {
        let doc = codec::to_json("inspection", inspection)?;
        self.with(|c| q::insert_inspection(c, &inspection.list, &doc))
    }
    fn insert_clearance(&mut self, clearance: &Clearance) -> Result<()> {
        self.with(|c| q::insert_clearance(c, clearance))
    }
    fn insert_guid(&mut self, guid: &str, digest: &Digest) -> Result<()> {
        self.with(|c| q::insert_guid(c, guid, digest))
    }
    fn set_log_applied(&mut self, seq: u64) -> Result<()> {
        self.with(|c| q::set_log_applied(c, seq))
    }
    fn forget_derived(&mut self) -> Result<()> {
        self.with(q::forget_derived)
    }
}

impl<S: WriteSession> WorkbenchWrite for SqlTx<S> {
    fn put_claim(&mut self, claim: &Claim) -> Result<()> {
        self.with(|c| q::put_claim(c, claim))
    }
    fn delete_claim(&mut self, list: &ListKey) -> Result<()> {
        self.with(|c| q::delete_claim(c, list))
    }
    fn insert_audit(&mut self, entry: &AuditEntry) -> Result<u64> {
        self.with(|c| q::insert_audit(c, entry))
    }
}

impl<S: WriteSession> AuthWrite for SqlTx<S> {
    fn insert_token(&mut self, name: &str, role: Role, ebc_code: Option<&str>, secret_hash: &Digest) -> Result<u64> {
        let id = self.with(|c| q::insert_token(c, name, role, ebc_code, secret_hash))?;
        id.ok_or_else(|| StoreError::Backend("insert_token: a token with this secret is already stored".into()))
    }
    fn insert_mandate(&mut self, exporter: &str, party: &str, kind: &str) -> Result<()> {
        self.with(|c| q::insert_mandate(c, exporter, party, kind))
    }
    fn insert_session(&mut self, id_hash: &Digest, session: &SessionRow) -> Result<()> {
        self.with(|c| q::insert_session(c, id_hash, session))
    }
    fn delete_session(&mut self, id_hash: &Digest) -> Result<()> {
        self.with(|c| q::delete_session(c, id_hash))
    }
    fn delete_expired_sessions(&mut self, now: i64) -> Result<u64> {
        self.with(|c| q::delete_expired_sessions(c, now))
    }
}

impl<S: WriteSession> CargoWrite for SqlTx<S> {
    fn put_cargo_parcel(&mut self, parcel: &CargoParcel) -> Result<()> {
        let doc = codec::to_json("cargo parcel", parcel)?;
        self.with(|c| q::put_cargo_parcel(c, parcel, &doc))
    }
    fn put_cargo_flight(&mut self, flight: &CargoFlight) -> Result<()> {
        let doc = codec::to_json("cargo flight", flight)?;
        self.with(|c| q::put_cargo_flight(c, flight, &doc))
    }
    fn put_cargo_mawb(&mut self, mawb: &CargoMawb) -> Result<()> {
        let doc = codec::to_json("cargo mawb", mawb)?;
        self.with(|c| q::put_cargo_mawb(c, mawb, &doc))
    }
    fn set_cargo_stock_next(&mut self, prefix: u16, next_serial: u32) -> Result<()> {
        self.with(|c| q::set_cargo_stock_next(c, prefix, next_serial))
    }
    fn set_cargo_clock(&mut self, at: MessageTime) -> Result<()> {
        self.with(|c| q::set_cargo_clock(c, at))
    }
}

impl<S: WriteSession> SummaryWrite for SqlTx<S> {
    fn put_departure(&mut self, row: &DepartureRow) -> Result<()> {
        self.with(|c| sq::put_departure(c, row))
    }
    fn insert_summary(&mut self, row: &SummaryRow) -> Result<()> {
        let declarations = codec::to_json("summary declarations", &row.declarations)?;
        self.with(|c| sq::insert_summary(c, row, &declarations))
    }
}

impl<S: WriteSession> WriteTx for SqlTx<S> {
    fn commit(mut self: Box<Self>) -> Result<()> {
        if self.failed {
            // Dropping the session rolls back.
            return Err(StoreError::Backend(
                "commit: the write transaction was aborted by an earlier failure and has been rolled back".into(),
            ));
        }
        // If COMMIT fails the session rolls back whatever is left open when dropped: the caller
        // must treat the whole batch as not stored.
        self.session.commit()
    }
}

/// The queries, on one connection: the same for the reader and the writer and for both
/// backends.
mod q {
    use super::*;

    /// A statement with an index hint for SQLite, whose planner otherwise picks an index that
    /// makes it sort (PostgreSQL's planner has the statistics to choose by itself).
    macro_rules! indexed {
        ($head:literal, $index:literal, $tail:literal) => {
            Sql { sqlite: concat!($head, " INDEXED BY ", $index, $tail), postgres: concat!($head, $tail) }
        };
    }

    /// The columns of a `lists` row that [`list_row`] decodes.
    macro_rules! list_columns {
        () => {
            "status, lane, return_status, score, received_at, decided_at, criteria_version, reasons, doc"
        };
    }

    fn list_row(r: &dyn Row) -> Result<ListRow> {
        let return_status = r.int(2)?;
        Ok(ListRow {
            status: codec::status(r.text(0)?)?,
            lane: codec::lane(r.text(1)?)?,
            return_status: i32::try_from(return_status)
                .map_err(|_| StoreError::Corrupt(format!("return status {return_status} is out of range")))?,
            score: r.real(3)?,
            received_at: MessageTime(r.int(4)?),
            decided_at: r.opt_int(5)?.map(MessageTime),
            criteria_version: r.opt_string(6)?,
            reasons: codec::from_json("reasons of a list", r.text(7)?)?,
            list: codec::from_json("list", r.text(8)?)?,
        })
    }

    fn list_key(r: &dyn Row) -> Result<ListKey> {
        Ok(ListKey { ebc_code: r.string(0)?, cop_no: r.string(1)? })
    }

    pub(super) fn find_message(c: &mut dyn Db, digest: &Digest) -> Result<Option<StoredMessage>> {
        const SQL: Sql = Sql::same("SELECT seq, message_type, receipt FROM messages WHERE digest = ?1");
        sql::first(c, "find_message", SQL, args![&digest[..]], |r| {
            Ok(StoredMessage {
                seq: codec::seq("message seq", r.int(0)?)?,
                message_type: r.string(1)?,
                receipt: r.bytes(2)?.to_vec(),
            })
        })
    }

    /// `None` when the digest is already stored. ON CONFLICT DO NOTHING rather than a
    /// constraint error: an error would abort the whole transaction, and with it every other
    /// message of the batch.
    pub(super) fn insert_message(c: &mut dyn Db, m: &NewMessage<'_>) -> Result<Option<u64>> {
        const SQL: Sql = Sql::same(
            "INSERT INTO messages (digest, message_type, sender, app_time, body, receipt)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (digest) DO NOTHING
             RETURNING seq",
        );
        let args = args![&m.digest[..], m.message_type, m.sender, m.app_time.map(|t| t.0), m.body, m.receipt];
        sql::first(c, "insert_message", SQL, args, |r| codec::seq("message seq", r.int(0)?))
    }

    pub(super) fn enterprise_exists(c: &mut dyn Db, code: &str) -> Result<bool> {
        const SQL: Sql = Sql::same("SELECT EXISTS (SELECT 1 FROM enterprises WHERE code = ?1)");
        sql::one(c, "enterprise_exists", SQL, args![code], |r| r.boolean(0))
    }

    pub(super) fn register_enterprise(c: &mut dyn Db, code: &str, name: &str, first_seen: MessageTime) -> Result<()> {
        const SQL: Sql = Sql::same(
            "INSERT INTO enterprises (code, name, first_seen) VALUES (?1, ?2, ?3) ON CONFLICT (code) DO NOTHING",
        );
        c.write("register_enterprise", SQL, args![code, name, first_seen.0])
    }

    pub(super) fn get_order(c: &mut dyn Db, key: &OrderKey) -> Result<Option<OrderRow>> {
        const SQL: Sql =
            Sql::same("SELECT doc, list_ebc_code, list_cop_no FROM orders WHERE ebp_code = ?1 AND order_no = ?2");
        sql::first(c, "get_order", SQL, args![&key.ebp_code, &key.order_no], |r| {
            Ok(OrderRow {
                order: codec::from_json("order", r.text(0)?)?,
                list: codec::list_link("order", r.opt_string(1)?, r.opt_string(2)?)?,
            })
        })
    }

    pub(super) fn put_order(c: &mut dyn Db, row: &OrderRow, doc: &str) -> Result<()> {
        const SQL: Sql = Sql::same(
            "INSERT INTO orders (ebp_code, order_no, list_ebc_code, list_cop_no, doc) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (ebp_code, order_no) DO UPDATE SET
                 list_ebc_code = excluded.list_ebc_code, list_cop_no = excluded.list_cop_no, doc = excluded.doc",
        );
        let key = &row.order.key;
        let list = row.list.as_ref();
        let args = args![&key.ebp_code, &key.order_no, list.map(|l| &l.ebc_code), list.map(|l| &l.cop_no), doc];
        c.write("put_order", SQL, args)
    }

    pub(super) fn delete_order(c: &mut dyn Db, key: &OrderKey) -> Result<()> {
        const SQL: Sql = Sql::same("DELETE FROM orders WHERE ebp_code = ?1 AND order_no = ?2");
        c.write("delete_order", SQL, args![&key.ebp_code, &key.order_no])
    }

    pub(super) fn get_waybill(c: &mut dyn Db, key: &WaybillKey) -> Result<Option<WaybillRow>> {
        const SQL: Sql = Sql::same(
            "SELECT doc, list_ebc_code, list_cop_no FROM waybills WHERE logistics_code = ?1 AND logistics_no = ?2",
        );
        sql::first(c, "get_waybill", SQL, args![&key.logistics_code, &key.logistics_no], |r| {
            Ok(WaybillRow {
                waybill: codec::from_json("waybill", r.text(0)?)?,
                list: codec::list_link("waybill", r.opt_string(1)?, r.opt_string(2)?)?,
            })
        })
    }

    pub(super) fn put_waybill(c: &mut dyn Db, row: &WaybillRow, doc: &str) -> Result<()> {
        const SQL: Sql = Sql::same(
            "INSERT INTO waybills (logistics_code, logistics_no, list_ebc_code, list_cop_no, doc)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (logistics_code, logistics_no) DO UPDATE SET
                 list_ebc_code = excluded.list_ebc_code, list_cop_no = excluded.list_cop_no, doc = excluded.doc",
        );
        let key = &row.waybill.key;
        let list = row.list.as_ref();
        let args =
            args![&key.logistics_code, &key.logistics_no, list.map(|l| &l.ebc_code), list.map(|l| &l.cop_no), doc];
        c.write("put_waybill", SQL, args)
    }

    pub(super) fn delete_waybill(c: &mut dyn Db, key: &WaybillKey) -> Result<()> {
        const SQL: Sql = Sql::same("DELETE FROM waybills WHERE logistics_code = ?1 AND logistics_no = ?2");
        c.write("delete_waybill", SQL, args![&key.logistics_code, &key.logistics_no])
    }

    pub(super) fn get_payment(c: &mut dyn Db, key: &OrderKey) -> Result<Option<Payment>> {
        const SQL: Sql = Sql::same("SELECT doc FROM payments WHERE ebp_code = ?1 AND order_no = ?2");
        sql::first(c, "get_payment", SQL, args![&key.ebp_code, &key.order_no], |r| {
            codec::from_json("payment", r.text(0)?)
        })
    }

    pub(super) fn put_payment(c: &mut dyn Db, key: &OrderKey, doc: &str) -> Result<()> {
        const SQL: Sql = Sql::same(
            "INSERT INTO payments (ebp_code, order_no, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (ebp_code, order_no) DO UPDATE SET doc = excluded.doc",
        );
        c.write("put_payment", SQL, args![&key.ebp_code, &key.order_no, doc])
    }

    pub(super) fn delete_payment(c: &mut dyn Db, key: &OrderKey) -> Result<()> {
        const SQL: Sql = Sql::same("DELETE FROM payments WHERE ebp_code = ?1 AND order_no = ?2");
        c.write("delete_payment", SQL, args![&key.ebp_code, &key.order_no])
    }

    pub(super) fn get_list(c: &mut dyn Db, key: &ListKey) -> Result<Option<ListRow>> {
        const SQL: Sql =
            Sql::same(concat!("SELECT ", list_columns!(), " FROM lists WHERE ebc_code = ?1 AND cop_no = ?2"));
        sql::first(c, "get_list", SQL, args![&key.ebc_code, &key.cop_no], list_row)
    }

    pub(super) fn put_list(c: &mut dyn Db, row: &ListRow, cols: &ListColumns) -> Result<()> {
        // DO UPDATE, not SQLite's INSERT OR REPLACE: REPLACE deletes and re-inserts, which would
        // give the list a new seq and move it to the back of every "oldest first".
        const SQL: Sql = Sql::same(
            "INSERT INTO lists (ebc_code, cop_no, ebp_code, order_no, logistics_code, logistics_no, status, lane,
                                return_status, score, received_at, decided_at, criteria_version, reasons, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (ebc_code, cop_no) DO UPDATE SET
                 ebp_code = excluded.ebp_code, order_no = excluded.order_no,
                 logistics_code = excluded.logistics_code, logistics_no = excluded.logistics_no,
                 status = excluded.status, lane = excluded.lane, return_status = excluded.return_status,
                 score = excluded.score, received_at = excluded.received_at, decided_at = excluded.decided_at,
                 criteria_version = excluded.criteria_version, reasons = excluded.reasons, doc = excluded.doc",
        );
        let l = &row.list;
        let args = args![
            &l.key.ebc_code,
            &l.key.cop_no,
            &l.order.ebp_code,
            &l.order.order_no,
            &l.waybill.logistics_code,
            &l.waybill.logistics_no,
            cols.status,
            cols.lane,
            cols.return_status,
            cols.score,
            cols.received_at,
            cols.decided_at,
            cols.criteria_version.as_deref(),
            &cols.reasons,
            &cols.doc,
        ];
        c.write("put_list", SQL, args)
    }

    pub(super) fn delete_list(c: &mut dyn Db, key: &ListKey) -> Result<()> {
        const SQL: Sql = Sql::same("DELETE FROM lists WHERE ebc_code = ?1 AND cop_no = ?2");
        c.write("delete_list", SQL, args![&key.ebc_code, &key.cop_no])
    }

    pub(super) fn lists_for_order(c: &mut dyn Db, key: &OrderKey) -> Result<Vec<ListKey>> {
        const SQL: Sql =
            Sql::same("SELECT ebc_code, cop_no FROM lists WHERE ebp_code = ?1 AND order_no = ?2 ORDER BY seq");
        sql::all(c, "lists_for_order", SQL, args![&key.ebp_code, &key.order_no], list_key)
    }

    pub(super) fn lists_for_waybill(c: &mut dyn Db, key: &WaybillKey) -> Result<Vec<ListKey>> {
        const SQL: Sql = Sql::same(
            "SELECT ebc_code, cop_no FROM lists WHERE logistics_no = ?1 AND logistics_code = ?2 ORDER BY seq",
        );
        sql::all(c, "lists_for_waybill", SQL, args![&key.logistics_no, &key.logistics_code], list_key)
    }

    pub(super) fn lists_by_logistics_no(c: &mut dyn Db, logistics_no: &str) -> Result<Vec<ListKey>> {
        const SQL: Sql = Sql::same("SELECT ebc_code, cop_no FROM lists WHERE logistics_no = ?1 ORDER BY seq");
        sql::all(c, "lists_by_logistics_no", SQL, args![logistics_no], list_key)
    }

    pub(super) fn pending_lists_received_before(
        c: &mut dyn Db,
        before: MessageTime,
        limit: usize,
    ) -> Result<Vec<ListKey>> {
        const SQL: Sql = Sql::same(
            "SELECT ebc_code, cop_no FROM lists WHERE status = 'pending' AND received_at < ?1
             ORDER BY received_at, seq LIMIT ?2",
        );
        sql::all(c, "pending_lists_received_before", SQL, args![before.0, codec::limit(limit)], list_key)
    }

    pub(super) fn lists_after(c: &mut dyn Db, after: Option<&ListKey>, limit: usize) -> Result<Vec<ListRow>> {
        const FIRST: Sql =
            Sql::same(concat!("SELECT ", list_columns!(), " FROM lists ORDER BY ebc_code, cop_no LIMIT ?1"));
        // A row-value comparison: both planners read it as a range of the primary key.
        const NEXT: Sql = Sql::same(concat!(
            "SELECT ",
            list_columns!(),
            " FROM lists WHERE (ebc_code, cop_no) > (?1, ?2) ORDER BY ebc_code, cop_no LIMIT ?3"
        ));
        match after {
            None => sql::all(c, "lists_after", FIRST, args![codec::limit(limit)], list_row),
            Some(k) => sql::all(c, "lists_after", NEXT, args![&k.ebc_code, &k.cop_no, codec::limit(limit)], list_row),
        }
    }

    pub(super) fn append_decision(c: &mut dyn Db, key: &ListKey, doc: &str) -> Result<u64> {
        const SQL: Sql = Sql::same("INSERT INTO decisions (ebc_code, cop_no, doc) VALUES (?1, ?2, ?3) RETURNING seq");
        sql::one(c, "append_decision", SQL, args![&key.ebc_code, &key.cop_no, doc], |r| {
            codec::seq("decision seq", r.int(0)?)
        })
    }

    pub(super) fn decisions_after(c: &mut dyn Db, after: u64, limit: usize) -> Result<Vec<(u64, Decision)>> {
        const SQL: Sql = Sql::same("SELECT seq, doc FROM decisions WHERE seq > ?1 ORDER BY seq LIMIT ?2");
        feed_after(c, "decision", SQL, after, limit)
    }

    pub(super) fn insert_clearance(c: &mut dyn Db, k: &Clearance) -> Result<()> {
        const SQL: Sql = Sql::same(
            "INSERT INTO screening_clearances (party, list, entry_id, officer, cleared_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (party, list, entry_id) DO NOTHING",
        );
        c.write("insert_clearance", SQL, args![&k.party, &k.list, &k.entry_id, &k.officer, k.cleared_at.0])
    }

    pub(super) fn clearances(c: &mut dyn Db) -> Result<Vec<Clearance>> {
        const SQL: Sql = Sql::same(
            "SELECT party, list, entry_id, officer, cleared_at FROM screening_clearances ORDER BY party, list, entry_id",
        );
        sql::all(c, "clearances", SQL, &[], |r| {
            Ok(Clearance {
                party: r.string(0)?,
                list: r.string(1)?,
                entry_id: r.string(2)?,
                officer: r.string(3)?,
                cleared_at: MessageTime(r.int(4)?),
            })
        })
    }

    pub(super) fn insert_inspection(c: &mut dyn Db, key: &ListKey, doc: &str) -> Result<u64> {
        const SQL: Sql = Sql::same("INSERT INTO inspections (ebc_code, cop_no, doc) VALUES (?1, ?2, ?3) RETURNING seq");
        sql::one(c, "insert_inspection", SQL, args![&key.ebc_code, &key.cop_no, doc], |r| {
            codec::seq("inspection seq", r.int(0)?)
        })
    }

    pub(super) fn inspections_of(c: &mut dyn Db, key: &ListKey) -> Result<Vec<Inspection>> {
        const SQL: Sql = Sql::same("SELECT doc FROM inspections WHERE ebc_code = ?1 AND cop_no = ?2 ORDER BY seq");
        sql::all(c, "inspections_of", SQL, args![&key.ebc_code, &key.cop_no], |r| {
            codec::from_json("inspection", r.text(0)?)
        })
    }

    pub(super) fn inspections_after(c: &mut dyn Db, after: u64, limit: usize) -> Result<Vec<(u64, Inspection)>> {
        const SQL: Sql = Sql::same("SELECT seq, doc FROM inspections WHERE seq > ?1 ORDER BY seq LIMIT ?2");
        feed_after(c, "inspection", SQL, after, limit)
    }

    /// A page of an append-only table of JSON documents (`seq`, `doc`), after a cursor.
    fn feed_after<T: serde::de::DeserializeOwned>(
        c: &mut dyn Db,
        what: &'static str,
        sql: Sql,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, T)>> {
        let Some(after) = codec::cursor(after) else { return Ok(Vec::new()) };
        sql::all(c, what, sql, args![after, codec::limit(limit)], |r| {
            Ok((codec::seq(what, r.int(0)?)?, codec::from_json(what, r.text(1)?)?))
        })
    }

    pub(super) fn mandate_exists(c: &mut dyn Db, exporter: &str, party: &str, kind: &str) -> Result<bool> {
        const SQL: Sql =
            Sql::same("SELECT EXISTS (SELECT 1 FROM mandates WHERE exporter = ?1 AND party = ?2 AND kind = ?3)");
        sql::one(c, "mandate_exists", SQL, args![exporter, party, kind], |r| r.boolean(0))
    }

    pub(super) fn mandates(c: &mut dyn Db) -> Result<Vec<(String, String, String)>> {
        const SQL: Sql = Sql::same("SELECT exporter, party, kind FROM mandates ORDER BY exporter, party, kind");
        sql::all(c, "mandates", SQL, &[], |r| Ok((r.string(0)?, r.string(1)?, r.string(2)?)))
    }

    pub(super) fn insert_mandate(c: &mut dyn Db, exporter: &str, party: &str, kind: &str) -> Result<()> {
        const SQL: Sql =
            Sql::same("INSERT INTO mandates (exporter, party, kind) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
        c.write("insert_mandate", SQL, args![exporter, party, kind])
    }

    pub(super) fn guid_digests(c: &mut dyn Db, guids: &[&str]) -> Result<Vec<Option<Digest>>> {
        // The guids travel as one JSON array, which both dialects unpack into rows: one statement
        // text whatever their number, so it is prepared once.
        const SQL: Sql = Sql {
            sqlite: "SELECT guid, digest FROM guids WHERE guid IN (SELECT value FROM json_each(?1))",
            postgres: "SELECT guid, digest FROM guids WHERE guid IN (SELECT json_array_elements_text(?1::text::json))",
        };
        if guids.is_empty() {
            return Ok(Vec::new());
        }
        let asked = codec::to_json("guids", &guids)?;
        let found: std::collections::HashMap<String, Digest> = sql::all(c, "guid_digests", SQL, args![&asked], |r| {
            Ok((r.string(0)?, codec::digest("guid digest", r.bytes(1)?)?))
        })?
        .into_iter()
        .collect();
        Ok(guids.iter().map(|g| found.get(*g).copied()).collect())
    }

    pub(super) fn insert_guid(c: &mut dyn Db, guid: &str, digest: &Digest) -> Result<()> {
        const SQL: Sql = Sql::same("INSERT INTO guids (guid, digest) VALUES (?1, ?2) ON CONFLICT (guid) DO NOTHING");
        c.write("insert_guid", SQL, args![guid, &digest[..]])
    }

    pub(super) fn session(c: &mut dyn Db, id_hash: &Digest) -> Result<Option<SessionRow>> {
        const SQL: Sql = Sql::same("SELECT name, role, ebc_code, expires_at FROM sessions WHERE id_hash = ?1");
        sql::first(c, "session", SQL, args![&id_hash[..]], |r| {
            Ok(SessionRow {
                name: r.string(0)?,
                role: codec::role(r.text(1)?)?,
                ebc_code: r.opt_string(2)?,
                expires_at: r.int(3)?,
            })
        })
    }

    pub(super) fn insert_session(c: &mut dyn Db, id_hash: &Digest, s: &SessionRow) -> Result<()> {
        const SQL: Sql =
            Sql::same("INSERT INTO sessions (id_hash, name, role, ebc_code, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)");
        let args = args![&id_hash[..], &s.name, s.role.as_str(), s.ebc_code.as_deref(), s.expires_at];
        c.write("insert_session", SQL, args)
    }

    pub(super) fn delete_expired_sessions(c: &mut dyn Db, now: i64) -> Result<u64> {
        const SQL: Sql = Sql::same("DELETE FROM sessions WHERE expires_at <= ?1");
        c.execute("delete_expired_sessions", SQL, args![now])
    }

    pub(super) fn delete_session(c: &mut dyn Db, id_hash: &Digest) -> Result<()> {
        const SQL: Sql = Sql::same("DELETE FROM sessions WHERE id_hash = ?1");
        c.write("delete_session", SQL, args![&id_hash[..]])
    }

    pub(super) fn log_applied(c: &mut dyn Db) -> Result<u64> {
        const SQL: Sql = Sql::same("SELECT seq FROM log_applied WHERE id = 1");
        let seq = sql::first(c, "log_applied", SQL, &[], |r| codec::seq("log position", r.int(0)?))?;
        Ok(seq.unwrap_or(0))
    }

    pub(super) fn set_log_applied(c: &mut dyn Db, seq: u64) -> Result<()> {
        const SQL: Sql =
            Sql::same("INSERT INTO log_applied (id, seq) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET seq = ?1");
        let seq = i64::try_from(seq)
            .map_err(|_| StoreError::Backend(format!("set_log_applied: log position {seq} is out of range")))?;
        c.write("set_log_applied", SQL, args![seq])
    }

    pub(super) fn forget_derived(c: &mut dyn Db) -> Result<()> {
        // Once per rebuild, so not cached. PostgreSQL empties tables at once with TRUNCATE;
        // SQLite's DELETE without a WHERE is its own truncate optimisation.
        let text = match c.dialect() {
            Dialect::Postgres => format!("TRUNCATE {}", crate::DERIVED_TABLES.join(", ")),
            Dialect::Sqlite => crate::DERIVED_TABLES.iter().map(|t| format!("DELETE FROM {t};")).collect(),
        };
        c.batch("forget_derived", &text)
    }

    pub(super) fn insert_token(
        c: &mut dyn Db,
        name: &str,
        role: Role,
        ebc_code: Option<&str>,
        secret_hash: &Digest,
    ) -> Result<Option<u64>> {
        const SQL: Sql = Sql::same(
            "INSERT INTO tokens (name, role, ebc_code, secret_hash) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (secret_hash) DO NOTHING
             RETURNING id",
        );
        sql::first(c, "insert_token", SQL, args![name, role.as_str(), ebc_code, &secret_hash[..]], |r| {
            codec::seq("token id", r.int(0)?)
        })
    }

    pub(super) fn token_by_hash(c: &mut dyn Db, secret_hash: &Digest) -> Result<Option<TokenRow>> {
        const SQL: Sql = Sql::same("SELECT id, name, role, ebc_code, secret_hash FROM tokens WHERE secret_hash = ?1");
        sql::first(c, "token_by_hash", SQL, args![&secret_hash[..]], |r| {
            Ok(TokenRow {
                id: codec::seq("token id", r.int(0)?)?,
                name: r.string(1)?,
                role: codec::role(r.text(2)?)?,
                ebc_code: r.opt_string(3)?,
                secret_hash: codec::digest("token secret hash", r.bytes(4)?)?,
            })
        })
    }

    pub(super) fn counts(c: &mut dyn Db) -> Result<Counts> {
        const BY_LANE: Sql = Sql::same("SELECT lane, count(*) FROM lists GROUP BY lane");
        const BY_STATUS: Sql = Sql::same("SELECT status, count(*) FROM lists GROUP BY status");
        const MESSAGES: Sql = Sql::same("SELECT count(*) FROM messages");
        let pair = |r: &dyn Row| Ok((r.string(0)?, r.int(1)?));
        let by_lane = sql::all(c, "counts", BY_LANE, &[], pair)?;
        let by_status = sql::all(c, "counts", BY_STATUS, &[], pair)?;
        let messages = sql::one(c, "counts", MESSAGES, &[], |r| r.int(0))?;
        codec::counts(by_lane, by_status, messages)
    }

    pub(super) fn list_facts(c: &mut dyn Db, key: &ListKey) -> Result<Option<ListFacts>> {
        const SQL: Sql = Sql::same(
            "SELECT day_cn, dest_country, trade_mode, hs_chapter, value_fen, ebp_code, lane
             FROM lists WHERE ebc_code = ?1 AND cop_no = ?2",
        );
        let found = sql::first(c, "list_facts", SQL, args![&key.ebc_code, &key.cop_no], |r| {
            let Some(day) = r.opt_int(0)? else { return Ok(None) };
            Ok(Some(ListFacts {
                day,
                dest_country: r.opt_string(1)?.unwrap_or_default(),
                trade_mode: r.opt_string(2)?.unwrap_or_default(),
                hs_chapter: r.opt_string(3)?.unwrap_or_default(),
                value_fen: r.opt_int(4)?.unwrap_or_default(),
                ebp_code: r.string(5)?,
                lane: codec::lane(r.text(6)?)?,
            }))
        })?;
        Ok(found.flatten())
    }

    /// Writes a list's facts (when it still exists) and moves the daily totals from `old` to `new`.
    pub(super) fn update_facts(
        c: &mut dyn Db,
        key: &ListKey,
        old: Option<&ListFacts>,
        new: Option<&ListFacts>,
    ) -> Result<()> {
        const FACTS: Sql = Sql::same(
            "UPDATE lists SET day_cn = ?3, dest_country = ?4, trade_mode = ?5, hs_chapter = ?6, value_fen = ?7
             WHERE ebc_code = ?1 AND cop_no = ?2",
        );
        const TOTALS: Sql = Sql::same(
            "INSERT INTO dash_daily (day, dim, key, lists, value_fen) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (day, dim, key) DO UPDATE SET
                 lists = dash_daily.lists + excluded.lists, value_fen = dash_daily.value_fen + excluded.value_fen",
        );
        if let Some(f) = new
            && old.is_none_or(|o| {
                o.day != f.day
                    || o.dest_country != f.dest_country
                    || o.trade_mode != f.trade_mode
                    || o.hs_chapter != f.hs_chapter
                    || o.value_fen != f.value_fen
            })
        {
            let args =
                args![&key.ebc_code, &key.cop_no, f.day, &f.dest_country, &f.trade_mode, &f.hs_chapter, f.value_fen];
            c.write("update_facts", FACTS, args)?;
        }
        for (day, dim, k, lists, value) in workbench::deltas(old, new) {
            c.write("update_facts", TOTALS, args![day, dim, &k, lists, value])?;
        }
        Ok(())
    }

    pub(super) fn review_queue(c: &mut dyn Db, f: &QueueFilter, limit: usize) -> Result<Vec<QueueRow>> {
        macro_rules! queue {
            ($index:literal, $reason:literal) => {
                concat!(
                    "SELECT l.ebc_code, l.cop_no, l.lane, l.received_at, l.reasons, l.ebp_code, l.dest_country,
                            l.hs_chapter, l.trade_mode, l.value_fen, k.officer, k.claimed_at
                     FROM lists l ",
                    $index,
                    " LEFT JOIN claims k ON k.ebc_code = l.ebc_code AND k.cop_no = l.cop_no
                     WHERE l.status = 'review' AND (CAST(?1 AS TEXT) IS NULL OR l.lane = ?1)
                       AND (CAST(?2 AS TEXT) IS NULL OR l.ebc_code = ?2)
                       AND (CAST(?3 AS TEXT) IS NULL OR l.dest_country = ?3)
                       AND (CAST(?4 AS TEXT) IS NULL OR l.hs_chapter = ?4)
                       AND (CAST(?5 AS TEXT) IS NULL OR ",
                    $reason,
                    ") ORDER BY l.received_at, l.seq LIMIT ?6"
                )
            };
        }
        // SQLite keeps reasons as serde_json's compact text, where a code is found as its JSON
        // pair; PostgreSQL keeps JSONB, which answers containment.
        const SQL: Sql = Sql {
            sqlite: queue!("INDEXED BY lists_review_queue", "instr(l.reasons, ?5) > 0"),
            postgres: queue!("", "l.reasons @> jsonb_build_array(jsonb_build_object('code', CAST(?5 AS TEXT)))"),
        };
        let reason = f.reason.as_ref().map(|r| match c.dialect() {
            Dialect::Sqlite => format!("\"code\":{}", serde_json::Value::String(r.clone())),
            Dialect::Postgres => r.clone(),
        });
        let args = args![
            f.lane.map(|l| l.as_str()),
            f.exporter.as_ref(),
            f.dest_country.as_ref(),
            f.hs_chapter.as_ref(),
            reason.as_ref(),
            codec::limit(limit)
        ];
        sql::all(c, "review_queue", SQL, args, |r| {
            let cols = workbench::QueueCols {
                ebp_code: r.string(5)?,
                dest_country: r.opt_string(6)?,
                hs_chapter: r.opt_string(7)?,
                trade_mode: r.opt_string(8)?,
                value_fen: r.opt_int(9)?,
                officer: r.opt_string(10)?,
                claimed_at: r.opt_int(11)?,
            };
            cols.into_row(
                list_key(r)?,
                codec::lane(r.text(2)?)?,
                r.int(3)?,
                codec::from_json("reasons of a list", r.text(4)?)?,
            )
        })
    }

    pub(super) fn claim_of(c: &mut dyn Db, key: &ListKey) -> Result<Option<Claim>> {
        const SQL: Sql = Sql::same("SELECT officer, claimed_at FROM claims WHERE ebc_code = ?1 AND cop_no = ?2");
        sql::first(c, "claim_of", SQL, args![&key.ebc_code, &key.cop_no], |r| {
            Ok(Claim { list: key.clone(), officer: r.string(0)?, claimed_at: r.int(1)? })
        })
    }

    pub(super) fn put_claim(c: &mut dyn Db, k: &Claim) -> Result<()> {
        const SQL: Sql = Sql::same(
            "INSERT INTO claims (ebc_code, cop_no, officer, claimed_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (ebc_code, cop_no) DO UPDATE SET officer = excluded.officer, claimed_at = excluded.claimed_at",
        );
        c.write("put_claim", SQL, args![&k.list.ebc_code, &k.list.cop_no, &k.officer, k.claimed_at])
    }

    pub(super) fn delete_claim(c: &mut dyn Db, key: &ListKey) -> Result<()> {
        const SQL: Sql = Sql::same("DELETE FROM claims WHERE ebc_code = ?1 AND cop_no = ?2");
        c.write("delete_claim", SQL, args![&key.ebc_code, &key.cop_no])
    }

    pub(super) fn insert_audit(c: &mut dyn Db, e: &AuditEntry) -> Result<u64> {
        const SQL: Sql = Sql::same(
            "INSERT INTO case_audit (ebc_code, cop_no, officer, action, detail, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             RETURNING seq",
        );
        let args = args![&e.list.ebc_code, &e.list.cop_no, &e.officer, &e.action, &e.detail, e.at];
        sql::one(c, "insert_audit", SQL, args, |r| codec::seq("audit seq", r.int(0)?))
    }

    pub(super) fn audit_of(c: &mut dyn Db, key: &ListKey) -> Result<Vec<AuditEntry>> {
        const SQL: Sql = Sql::same(
            "SELECT officer, action, detail, at FROM case_audit WHERE ebc_code = ?1 AND cop_no = ?2 ORDER BY seq",
        );
        sql::all(c, "audit_of", SQL, args![&key.ebc_code, &key.cop_no], |r| {
            Ok(AuditEntry {
                list: key.clone(),
                officer: r.string(0)?,
                action: r.string(1)?,
                detail: r.string(2)?,
                at: r.int(3)?,
            })
        })
    }

    pub(super) fn decisions_of(c: &mut dyn Db, key: &ListKey) -> Result<Vec<(u64, Decision)>> {
        const SQL: Sql = Sql::same("SELECT seq, doc FROM decisions WHERE ebc_code = ?1 AND cop_no = ?2 ORDER BY seq");
        sql::all(c, "decisions_of", SQL, args![&key.ebc_code, &key.cop_no], |r| {
            Ok((codec::seq("decision seq", r.int(0)?)?, codec::from_json("decision", r.text(1)?)?))
        })
    }

    pub(super) fn daily_totals(c: &mut dyn Db, from_day: i64, to_day: i64) -> Result<Vec<DailyTotal>> {
        const SQL: Sql = Sql::same(
            "SELECT day, dim, key, lists, value_fen FROM dash_daily WHERE day BETWEEN ?1 AND ?2 AND lists <> 0
             ORDER BY day, dim, key",
        );
        sql::all(c, "daily_totals", SQL, args![from_day, to_day], |r| {
            Ok(DailyTotal {
                day: r.int(0)?,
                dim: r.string(1)?,
                key: r.string(2)?,
                lists: r.int(3)?,
                value_fen: r.int(4)?,
            })
        })
    }

    pub(super) fn decided_per_minute(c: &mut dyn Db, since: MessageTime) -> Result<Vec<(i64, u64)>> {
        const SQL: Sql = Sql::same(
            "SELECT decided_at / 60, count(*) FROM lists WHERE decided_at >= ?1 GROUP BY decided_at / 60 ORDER BY 1",
        );
        sql::all(c, "decided_per_minute", SQL, args![since.0], |r| Ok((r.int(0)?, codec::seq("count", r.int(1)?)?)))
    }

    pub(super) fn latest_decision_time(c: &mut dyn Db) -> Result<Option<MessageTime>> {
        const SQL: Sql = Sql::same("SELECT max(decided_at) FROM lists");
        sql::one(c, "latest_decision_time", SQL, &[], |r| Ok(r.opt_int(0)?.map(MessageTime)))
    }

    pub(super) fn release_times(c: &mut dyn Db, since: MessageTime, limit: usize) -> Result<Vec<i64>> {
        const SQL: Sql = indexed!(
            "SELECT decided_at - received_at FROM lists",
            "lists_by_decided",
            " WHERE decided_at >= ?1 AND status IN ('released', 'arrived', 'departed') LIMIT ?2"
        );
        sql::all(c, "release_times", SQL, args![since.0, codec::limit(limit)], |r| r.int(0))
    }

    pub(super) fn lists_in_status(c: &mut dyn Db, status: ListStatus) -> Result<u64> {
        const SQL: Sql = Sql::same("SELECT count(*) FROM lists WHERE status = ?1");
        sql::one(c, "lists_in_status", SQL, args![status.as_str()], |r| codec::seq("count", r.int(0)?))
    }

    pub(super) fn lists_of_enterprise(c: &mut dyn Db, ebc_code: &str, limit: usize) -> Result<Vec<ListRow>> {
        const SQL: Sql = indexed!(
            "SELECT status, lane, return_status, score, received_at, decided_at, criteria_version, reasons, doc
             FROM lists",
            "lists_by_enterprise_time",
            " WHERE ebc_code = ?1 ORDER BY received_at DESC, seq DESC LIMIT ?2"
        );
        sql::all(c, "lists_of_enterprise", SQL, args![ebc_code, codec::limit(limit)], list_row)
    }

    // ----- cargo (issue #15): arrived lists, flights, master waybills, stock, clock -----

    const CARGO_PARCEL_DOC: &str = "cargo parcel";

    fn cargo_parcels(c: &mut dyn Db, op: &'static str, sql: Sql, args: &[sql::Arg<'_>]) -> Result<Vec<CargoParcel>> {
        sql::all(c, op, sql, args, |r| codec::from_json(CARGO_PARCEL_DOC, r.text(0)?))
    }

    pub(super) fn cargo_parcel(c: &mut dyn Db, key: &ListKey) -> Result<Option<CargoParcel>> {
        const SQL: Sql = Sql::same("SELECT doc FROM cargo_parcels WHERE ebc_code = ?1 AND cop_no = ?2");
        sql::first(c, "cargo_parcel", SQL, args![&key.ebc_code, &key.cop_no], |r| {
            codec::from_json(CARGO_PARCEL_DOC, r.text(0)?)
        })
    }

    pub(super) fn cargo_parcels_in(
        c: &mut dyn Db,
        state: CargoState,
        destination: Option<&str>,
    ) -> Result<Vec<CargoParcel>> {
        const SQL: Sql = Sql::same(
            "SELECT doc FROM cargo_parcels WHERE state = ?1 AND (CAST(?2 AS TEXT) IS NULL OR destination = ?2)
             ORDER BY ebc_code, cop_no",
        );
        cargo_parcels(c, "cargo_parcels_in", SQL, args![state.as_str(), destination])
    }

    pub(super) fn cargo_parcels_on(c: &mut dyn Db, flight: &FlightKey) -> Result<Vec<CargoParcel>> {
        const SQL: Sql = Sql::same(
            "SELECT doc FROM cargo_parcels WHERE flight_no = ?1 AND departure = ?2 ORDER BY ebc_code, cop_no",
        );
        cargo_parcels(c, "cargo_parcels_on", SQL, args![&flight.flight_no, flight.departure.0])
    }

    pub(super) fn cargo_parcels_of_mawb(c: &mut dyn Db, mawb: &str) -> Result<Vec<CargoParcel>> {
        const SQL: Sql = Sql::same("SELECT doc FROM cargo_parcels WHERE mawb = ?1 ORDER BY ebc_code, cop_no");
        cargo_parcels(c, "cargo_parcels_of_mawb", SQL, args![mawb])
    }

    pub(super) fn cargo_parcels_after(
        c: &mut dyn Db,
        after: Option<&ListKey>,
        limit: usize,
    ) -> Result<Vec<CargoParcel>> {
        const SQL: Sql = Sql::same(
            "SELECT doc FROM cargo_parcels WHERE CAST(?1 AS TEXT) IS NULL OR (ebc_code, cop_no) > (?1, ?2)
             ORDER BY ebc_code, cop_no LIMIT ?3",
        );
        let args = args![after.map(|k| &k.ebc_code), after.map(|k| &k.cop_no), codec::limit(limit)];
        cargo_parcels(c, "cargo_parcels_after", SQL, args)
    }

    pub(super) fn put_cargo_parcel(c: &mut dyn Db, p: &CargoParcel, doc: &str) -> Result<()> {
        const SQL: Sql = Sql::same(
            "INSERT INTO cargo_parcels (ebc_code, cop_no, state, destination, flight_no, departure, mawb, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (ebc_code, cop_no) DO UPDATE SET
                 state = excluded.state, destination = excluded.destination, flight_no = excluded.flight_no,
                 departure = excluded.departure, mawb = excluded.mawb, doc = excluded.doc",
        );
        let flight = p.flight.as_ref();
        let args = args![
            &p.list.ebc_code,
            &p.list.cop_no,
            p.state.as_str(),
            p.destination.as_deref(),
            flight.map(|f| &f.flight_no),
            flight.map(|f| f.departure.0),
            p.mawb.as_deref(),
            doc
        ];
        c.write("put_cargo_parcel", SQL, args)
    }

    pub(super) fn cargo_flight(c: &mut dyn Db, key: &FlightKey) -> Result<Option<CargoFlight>> {
        const SQL: Sql = Sql::same("SELECT doc FROM cargo_flights WHERE flight_no = ?1 AND departure = ?2");
        sql::first(c, "cargo_flight", SQL, args![&key.flight_no, key.departure.0], |r| {
            codec::from_json("cargo flight", r.text(0)?)
        })
    }

    pub(super) fn cargo_flights_between(
        c: &mut dyn Db,
        from: MessageTime,
        to: MessageTime,
    ) -> Result<Vec<CargoFlight>> {
        const SQL: Sql = Sql::same(
            "SELECT doc FROM cargo_flights WHERE departure >= ?1 AND departure < ?2 ORDER BY departure, flight_no",
        );
        sql::all(c, "cargo_flights_between", SQL, args![from.0, to.0], |r| codec::from_json("cargo flight", r.text(0)?))
    }

    pub(super) fn put_cargo_flight(c: &mut dyn Db, f: &CargoFlight, doc: &str) -> Result<()> {
        const SQL: Sql = Sql::same(
            "INSERT INTO cargo_flights (flight_no, departure, status, doc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (flight_no, departure) DO UPDATE SET status = excluded.status, doc = excluded.doc",
        );
        c.write("put_cargo_flight", SQL, args![&f.key.flight_no, f.key.departure.0, f.status.as_str(), doc])
    }

    pub(super) fn cargo_mawb(c: &mut dyn Db, mawb: &str) -> Result<Option<CargoMawb>> {
        const SQL: Sql = Sql::same("SELECT doc FROM cargo_mawbs WHERE mawb = ?1");
        sql::first(c, "cargo_mawb", SQL, args![mawb], |r| codec::from_json("cargo mawb", r.text(0)?))
    }

    pub(super) fn put_cargo_mawb(c: &mut dyn Db, m: &CargoMawb, doc: &str) -> Result<()> {
        const SQL: Sql = Sql::same(
            "INSERT INTO cargo_mawbs (mawb, flight_no, departure, doc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (mawb) DO UPDATE SET
                 flight_no = excluded.flight_no, departure = excluded.departure, doc = excluded.doc",
        );
        c.write("put_cargo_mawb", SQL, args![&m.mawb, &m.flight.flight_no, m.flight.departure.0, doc])
    }

    pub(super) fn cargo_stock_next(c: &mut dyn Db, prefix: u16) -> Result<Option<u32>> {
        const SQL: Sql = Sql::same("SELECT next_serial FROM cargo_stock WHERE prefix = ?1");
        sql::first(c, "cargo_stock_next", SQL, args![i64::from(prefix)], |r| {
            let v = r.int(0)?;
            u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("stock serial {v} is out of range")))
        })
    }

    pub(super) fn set_cargo_stock_next(c: &mut dyn Db, prefix: u16, next: u32) -> Result<()> {
        const SQL: Sql = Sql::same(
            "INSERT INTO cargo_stock (prefix, next_serial) VALUES (?1, ?2)
             ON CONFLICT (prefix) DO UPDATE SET next_serial = excluded.next_serial",
        );
        c.write("set_cargo_stock_next", SQL, args![i64::from(prefix), i64::from(next)])
    }

    pub(super) fn cargo_clock(c: &mut dyn Db) -> Result<Option<MessageTime>> {
        const SQL: Sql = Sql::same("SELECT at FROM cargo_clock WHERE id = 1");
        sql::first(c, "cargo_clock", SQL, &[], |r| Ok(MessageTime(r.int(0)?)))
    }

    pub(super) fn set_cargo_clock(c: &mut dyn Db, at: MessageTime) -> Result<()> {
        const SQL: Sql = Sql::same(
            "INSERT INTO cargo_clock (id, at) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
        );
        c.write("set_cargo_clock", SQL, args![at.0])
    }
}

// ===== summaries ==================================================================================
// The monthly summary declaration (migration 10): list numbers, departures, accepted summaries
// and the lists behind them.
mod sq {
    use super::*;

    fn departure_row(r: &dyn Row) -> Result<DepartureRow> {
        Ok(DepartureRow {
            invt_no: r.string(0)?,
            list: ListKey { ebc_code: r.string(1)?, cop_no: r.string(2)? },
            month: to_month(r.int(3)?)?,
            departed_at: MessageTime(r.int(4)?),
            sum_no: r.opt_string(5)?,
        })
    }

    fn to_month(v: i64) -> Result<u32> {
        u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("month {v} is out of range")))
    }

    pub(super) fn put_list_number(c: &mut dyn Db, invt_no: &str, key: &ListKey) -> Result<()> {
        const SQL: Sql = Sql::same(
            "INSERT INTO list_numbers (invt_no, ebc_code, cop_no) VALUES (?1, ?2, ?3) ON CONFLICT (invt_no) DO NOTHING",
        );
        c.write("put_list_number", SQL, args![invt_no, &key.ebc_code, &key.cop_no])
    }

    pub(super) fn delete_list_number(c: &mut dyn Db, key: &ListKey) -> Result<()> {
        const SQL: Sql = Sql::same("DELETE FROM list_numbers WHERE ebc_code = ?1 AND cop_no = ?2");
        c.write("delete_list_number", SQL, args![&key.ebc_code, &key.cop_no])
    }

    pub(super) fn list_by_invt_no(c: &mut dyn Db, invt_no: &str) -> Result<Option<ListKey>> {
        const SQL: Sql = Sql::same("SELECT ebc_code, cop_no FROM list_numbers WHERE invt_no = ?1");
        sql::first(c, "list_by_invt_no", SQL, args![invt_no], |r| {
            Ok(ListKey { ebc_code: r.string(0)?, cop_no: r.string(1)? })
        })
    }

    pub(super) fn departure(c: &mut dyn Db, invt_no: &str) -> Result<Option<DepartureRow>> {
        const SQL: Sql = Sql::same(
            "SELECT d.invt_no, d.ebc_code, d.cop_no, d.month, d.departed_at, s.sum_no
             FROM summary_departures d LEFT JOIN summary_lists s ON s.invt_no = d.invt_no
             WHERE d.invt_no = ?1",
        );
        sql::first(c, "departure", SQL, args![invt_no], departure_row)
    }

    pub(super) fn departures(c: &mut dyn Db, ebc_code: Option<&str>, month: u32) -> Result<Vec<DepartureRow>> {
        const SQL: Sql = Sql::same(
            "SELECT d.invt_no, d.ebc_code, d.cop_no, d.month, d.departed_at, s.sum_no
             FROM summary_departures d LEFT JOIN summary_lists s ON s.invt_no = d.invt_no
             WHERE d.month = ?1 AND (CAST(?2 AS TEXT) IS NULL OR d.ebc_code = ?2)
             ORDER BY d.ebc_code, d.invt_no",
        );
        sql::all(c, "departures", SQL, args![i64::from(month), ebc_code], departure_row)
    }

    pub(super) fn latest_departure(c: &mut dyn Db) -> Result<Option<MessageTime>> {
        const SQL: Sql = Sql::same("SELECT MAX(departed_at) FROM summary_departures");
        Ok(sql::first(c, "latest_departure", SQL, &[], |r| r.opt_int(0))?.flatten().map(MessageTime))
    }

    pub(super) fn put_departure(c: &mut dyn Db, d: &DepartureRow) -> Result<()> {
        const SQL: Sql = Sql::same(
            "INSERT INTO summary_departures (invt_no, ebc_code, cop_no, month, departed_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (invt_no) DO NOTHING",
        );
        let args = args![&d.invt_no, &d.list.ebc_code, &d.list.cop_no, i64::from(d.month), d.departed_at.0];
        c.write("put_departure", SQL, args)
    }

    pub(super) fn summaries(c: &mut dyn Db, ebc_code: Option<&str>, month: u32) -> Result<Vec<SummaryRow>> {
        const SQL: Sql = Sql::same(
            "SELECT sum_no, ebc_code, cop_no, month, summary_flag, item_name_flag, applied_at, declarations, result
             FROM summaries WHERE month = ?1 AND (CAST(?2 AS TEXT) IS NULL OR ebc_code = ?2)
             ORDER BY ebc_code, sum_no",
        );
        sql::all(c, "summaries", SQL, args![i64::from(month), ebc_code], |r| {
            Ok(SummaryRow {
                sum_no: r.string(0)?,
                ebc_code: r.string(1)?,
                cop_no: r.string(2)?,
                month: to_month(r.int(3)?)?,
                summary_flag: r.string(4)?,
                item_name_flag: r.string(5)?,
                applied_at: MessageTime(r.int(6)?),
                declarations: codec::from_json("summary declarations", r.text(7)?)?,
                result: r.string(8)?,
            })
        })
    }

    pub(super) fn summary_exists(c: &mut dyn Db, ebc_code: &str, cop_no: &str) -> Result<bool> {
        const SQL: Sql = Sql::same("SELECT EXISTS (SELECT 1 FROM summaries WHERE ebc_code = ?1 AND cop_no = ?2)");
        sql::one(c, "summary_exists", SQL, args![ebc_code, cop_no], |r| r.boolean(0))
    }

    pub(super) fn insert_summary(c: &mut dyn Db, s: &SummaryRow, declarations: &str) -> Result<()> {
        const HEAD: Sql = Sql::same(
            "INSERT INTO summaries (sum_no, ebc_code, cop_no, month, summary_flag, item_name_flag, applied_at,
                                    declarations, result)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        );
        const LIST: Sql = Sql::same("INSERT INTO summary_lists (invt_no, sum_no, decl_seq) VALUES (?1, ?2, ?3)");
        let args = args![
            &s.sum_no,
            &s.ebc_code,
            &s.cop_no,
            i64::from(s.month),
            &s.summary_flag,
            &s.item_name_flag,
            s.applied_at.0,
            declarations,
            &s.result,
        ];
        c.execute("insert_summary", HEAD, args)?;
        for d in &s.declarations {
            for invt_no in &d.invt_nos {
                c.execute("insert_summary_list", LIST, args![invt_no, &s.sum_no, i64::from(d.seq)])?;
            }
        }
        Ok(())
    }
}
