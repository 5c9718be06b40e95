//! Applying one accepted message to the store, entity by entity: the export flow's rules for new,
//! changed and deleted documents, the three-document match, decisions, cancellation, arrival and
//! departure.
//!
//! Every entity first checks (reads only) and then writes, so an entity refused with a business
//! error leaves no trace; the other entities of its message still apply. A store failure aborts
//! the whole batch instead: nothing of it is acknowledged.

use crate::cache::CachedTx;
use crate::convert::{self, AppType};
use crate::facts::list_facts;
use crate::receipts::{EntityOutcome, invt_no, pre_no};
use crate::screening::PartyScreening;
use greenlane_ceb::{Message, export};
use greenlane_core::access::{self, MandateKind, Registry};
use greenlane_core::risk::{Evidence, RiskEngine};
use greenlane_core::{BusinessError, Lane, ListKey, ListStatus, MessageTime, Parcel, Reason, plausible};
use greenlane_store::{AuditEntry, IntakeRead, IntakeWrite, ListRow, OrderRow, StoreError, WaybillRow};

/// Why an entity did not apply.
pub(crate) enum Fault {
    /// The sender's: answered in the receipt.
    Business(BusinessError),
    /// Ours: the batch is aborted.
    Store(StoreError),
}

impl From<BusinessError> for Fault {
    fn from(e: BusinessError) -> Self {
        Fault::Business(e)
    }
}

impl From<StoreError> for Fault {
    fn from(e: StoreError) -> Self {
        Fault::Store(e)
    }
}

pub(crate) type Applied = Result<(i32, String), Fault>;

/// The state one message is applied with.
pub(crate) struct ApplyCx<'a, 't> {
    pub tx: &'a mut CachedTx<'t>,
    pub risk: &'a mut dyn RiskEngine,
    pub closed_registry: bool,
    /// This message's serial; entity `i` numbers its pre-entry and list numbers `serial*100+i`.
    pub serial: u64,
    /// Decisions appended while applying, for metrics.
    pub decided: Vec<Lane>,
    /// The parties' screening, when lists are loaded.
    pub screening: Option<&'a mut PartyScreening>,
    /// The list number of the entity being applied, when it has one already.
    pub assigned_invt_no: Option<String>,
    /// The enterprise the sender's token is bound to; `None` for an administrator's or
    /// officer's token and for offline ingest, which act as the party each entity names.
    pub actor: Option<&'a str>,
    /// Per entity, the guid it reuses with other content (its own, or the message's).
    pub reused_guids: Vec<Option<String>>,
    /// Routes and cargo rules, when arrived lists are consolidated onto flights.
    pub cargo: Option<&'a crate::flights::Cargo>,
}

const STORED: &str = "入库成功 stored";

impl ApplyCx<'_, '_> {
    /// Applies every entity of `message`; returns one outcome per entity.
    pub fn apply(&mut self, message: &Message) -> Result<Vec<EntityOutcome>, StoreError> {
        let mut out = Vec::new();
        macro_rules! each {
            ($entities:expr, |$e:ident, $serial:ident| time: $time:expr, customs: $customs:expr, apply: $apply:expr) => {
                for (i, $e) in $entities.iter().enumerate() {
                    let time = convert::app_time($time).unwrap_or(MessageTime(0));
                    let $serial = self.serial * 100 + i as u64;
                    let result = match self.reused_guids.get(i).cloned().flatten() {
                        Some(guid) => Err(BusinessError::GuidReused { guid }.into()),
                        None => $apply,
                    };
                    out.push(self.outcome(result, time, $serial, $customs)?);
                }
            };
        }
        match message {
            Message::Ceb303(m) => {
                let buyers = convert::buyers(m.extend_message.as_ref());
                each!(m.orders, |e, serial| time: &e.order_head.app_time, customs: "", apply: self.order(e, &buyers));
            }
            Message::Ceb403(m) => {
                each!(m.receipts, |e, serial| time: &e.app_time, customs: "", apply: self.payment(e));
            }
            Message::Ceb505(m) => {
                each!(m.logistics, |e, serial| time: &e.app_time, customs: "", apply: self.waybill(e));
            }
            Message::Ceb603(m) => {
                each!(m.inventories, |e, serial| time: &e.inventory_head.app_time,
                    customs: &e.inventory_head.customs_code, apply: self.list(e, serial));
            }
            Message::Ceb605(m) => {
                each!(m.invt_cancels, |e, serial| time: &e.app_time, customs: &e.customs_code, apply: self.cancel(e));
            }
            Message::Ceb507(m) => {
                each!(m.arrivals, |e, serial| time: &e.arrival_head.app_time, customs: "", apply: self.arrival(e));
            }
            Message::Ceb509(m) => {
                each!(m.departures, |e, serial| time: &e.departure_head.app_time, customs: "", apply: self.departure(e));
            }
            Message::Ceb607(m) => {
                each!(m.way_bills, |e, serial| time: &e.way_bill_head.app_time, customs: "",
                    apply: self.master_waybill(e));
            }
            Message::Ceb701(m) => {
                each!(m.summary_applies, |e, serial| time: &e.summary_apply_head.app_time, customs: "",
                    apply: self.summary_apply(e, serial));
            }
            _ => {}
        }
        Ok(out)
    }

    fn outcome(
        &mut self,
        result: Applied,
        time: MessageTime,
        serial: u64,
        customs: &str,
    ) -> Result<EntityOutcome, StoreError> {
        let (status, info) = match result {
            Ok(ok) => ok,
            Err(Fault::Business(e)) => (e.code(), format!("[{}] {e}", e.name())),
            Err(Fault::Store(e)) => return Err(e),
        };
        let invt = self.assigned_invt_no.take().unwrap_or_else(|| invt_no(customs, time, serial));
        Ok(EntityOutcome { status, info, pre_no: pre_no(time, serial), invt_no: invt, time })
    }

    /// Who acts for this entity: the token's enterprise, or the party the entity names as its
    /// filer when the sender is staff or offline ingest.
    pub(crate) fn acting(&self, named: &str) -> String {
        self.actor.unwrap_or(named).to_owned()
    }

    /// How the hub knows whether `party` acts for `exporter` as `kind`: the open registry
    /// believes the filer an entity names when staff or offline ingest send it, but a token
    /// bound to one enterprise files for another only under a mandate, whatever the registry.
    pub(crate) fn registry(&mut self, exporter: &str, party: &str, kind: MandateKind) -> Result<Registry, Fault> {
        if !self.closed_registry && self.actor.is_none() {
            return Ok(Registry::Open);
        }
        Ok(Registry::Closed { mandated: self.tx.rest().read().mandate_exists(exporter, party, kind.as_str())? })
    }

    /// Leaves an enterprise's refused attempt on a list under review in the case's audit trail,
    /// so that the officer sees it: the one trace a refused entity leaves.
    fn audit_attempt(&mut self, row: &ListRow, who: &str, action: &str, at: MessageTime, e: &BusinessError) -> Fault {
        let entry = AuditEntry {
            list: row.list.key.clone(),
            officer: format!("enterprise {who}"),
            action: action.to_owned(),
            detail: format!("refused ({}): {e}", e.code()),
            at: at.0,
        };
        match self.tx.rest().workbench().insert_audit(&entry) {
            Ok(_) => Fault::Business(e.clone()),
            Err(store) => Fault::Store(store),
        }
    }

    pub(crate) fn register(&mut self, code: &str, name: &str, at: MessageTime) -> Result<(), Fault> {
        if code.is_empty() {
            return Ok(());
        }
        if self.closed_registry {
            if !self.tx.enterprise_exists(code)? {
                return Err(BusinessError::UnknownEnterprise { code: code.to_owned() }.into());
            }
        } else {
            self.tx.register_enterprise(code, name, at)?;
        }
        Ok(())
    }

    // ----- orders, payments, waybills -------------------------------------------------------------

    fn order(&mut self, wire: &export::Order, buyers: &[&greenlane_ceb::Consignee]) -> Applied {
        let head = &wire.order_head;
        let order = convert::order(wire, buyers)?;
        let kind = convert::app_type(&head.app_type)?;
        self.register(&head.ebp_code, &head.ebp_name, order.app_time)?;
        self.register(&head.ebc_code, &head.ebc_name, order.app_time)?;
        let acting = self.acting(&head.ebp_code);
        if kind != AppType::Delete {
            plausible::order(&order)?;
        }
        let existing = self.tx.get_order(&order.key)?;
        if kind != AppType::New
            && let Some(row) = &existing
        {
            let what = format!("order {} of platform {}", head.order_no, head.ebp_code);
            access::may_amend(&acting, &row.order.ebc_code, Some(&row.order.key.ebp_code), &what)?;
        }
        match kind {
            AppType::New => {
                if existing.is_some() {
                    return Err(BusinessError::DuplicateOrder {
                        ebp_code: order.key.ebp_code.clone(),
                        order_no: order.key.order_no.clone(),
                    }
                    .into());
                }
                let waiting = self.active_lists_for_order(&order.key)?;
                self.tx.put_order(&OrderRow { order, list: waiting.first().cloned() })?;
                for list in waiting {
                    self.try_decide(&list)?;
                }
                Ok((120, STORED.into()))
            }
            AppType::Change | AppType::Delete => {
                let Some(row) = existing else {
                    return Err(BusinessError::OrderNotFound {
                        ebp_code: head.ebp_code.clone(),
                        order_no: head.order_no.clone(),
                    }
                    .into());
                };
                if let Some(list) = row.list {
                    return Err(
                        BusinessError::OrderHasList { order_no: head.order_no.clone(), cop_no: list.cop_no }.into()
                    );
                }
                if kind == AppType::Change {
                    self.tx.put_order(&OrderRow { order, list: None })?;
                    Ok((120, "变更成功 changed".into()))
                } else {
                    self.tx.delete_order(&row.order.key)?;
                    self.tx.delete_payment(&row.order.key)?;
                    Ok((120, "删除成功 deleted".into()))
                }
            }
        }
    }

    fn payment(&mut self, wire: &export::Receipts) -> Applied {
        let payment = convert::payment(wire)?;
        let kind = convert::app_type(&wire.app_type)?;
        self.register(&wire.ebp_code, &wire.ebp_name, payment.app_time)?;
        self.register(&wire.ebc_code, &wire.ebc_name, payment.app_time)?;
        if kind != AppType::Delete {
            plausible::payment(&payment)?;
        }
        let existing = self.tx.get_payment(&payment.order)?;
        if kind != AppType::New
            && let Some(stored) = &existing
        {
            let acting = self.acting(&wire.ebp_code);
            let what = format!("the payment of order {} of platform {}", wire.order_no, wire.ebp_code);
            access::may_amend(&acting, &stored.ebc_code, Some(&stored.order.ebp_code), &what)?;
        }
        match (kind, existing) {
            (AppType::New, Some(_)) => Err(BusinessError::DuplicatePayment { order_no: wire.order_no.clone() }.into()),
            (AppType::New | AppType::Change, _) => {
                // A payment may come after the list was decided; it is kept for audit and the
                // check of later lists, but does not reopen a decision.
                self.tx.put_payment(&payment)?;
                Ok((120, STORED.into()))
            }
            (AppType::Delete, Some(p)) => {
                self.tx.delete_payment(&p.order)?;
                Ok((120, "删除成功 deleted".into()))
            }
            (AppType::Delete, None) => {
                Err(BusinessError::OrderNotFound { ebp_code: wire.ebp_code.clone(), order_no: wire.order_no.clone() }
                    .into())
            }
        }
    }

    fn waybill(&mut self, wire: &export::Logistics) -> Applied {
        let waybill = convert::waybill(wire)?;
        let kind = convert::app_type(&wire.app_type)?;
        self.register(&wire.logistics_code, &wire.logistics_name, waybill.app_time)?;
        if let (Some(code), Some(name)) = (&wire.ebc_code, &wire.ebc_name) {
            self.register(code, name, waybill.app_time)?;
        }
        let acting = self.acting(&wire.logistics_code);
        let what = format!("waybill {} of logistics firm {}", wire.logistics_no, wire.logistics_code);
        if kind != AppType::Delete {
            plausible::waybill(&waybill)?;
        }
        let existing = self.tx.get_waybill(&waybill.key)?;
        match (&existing, kind) {
            (None, AppType::New) => {
                if let Some(exporter) = &waybill.ebc_code {
                    let registry = self.registry(exporter, &acting, MandateKind::Logistics)?;
                    access::may_file(&acting, exporter, MandateKind::Logistics, registry, &what)?;
                }
            }
            (Some(row), AppType::Change | AppType::Delete) => {
                let exporter = row.waybill.ebc_code.as_deref().unwrap_or_default();
                access::may_amend(&acting, exporter, Some(&row.waybill.key.logistics_code), &what)?;
            }
            _ => {}
        }
        match kind {
            AppType::New => {
                if existing.is_some() {
                    return Err(BusinessError::DuplicateWaybill {
                        logistics_code: wire.logistics_code.clone(),
                        logistics_no: wire.logistics_no.clone(),
                    }
                    .into());
                }
                let waiting = self.active_lists_for_waybill(&waybill.key)?;
                self.tx.put_waybill(&WaybillRow { waybill, list: waiting.first().cloned() })?;
                for list in waiting {
                    self.try_decide(&list)?;
                }
                Ok((120, STORED.into()))
            }
            AppType::Change | AppType::Delete => {
                let Some(row) = existing else {
                    return Err(BusinessError::WaybillNotFound {
                        logistics_code: wire.logistics_code.clone(),
                        logistics_no: wire.logistics_no.clone(),
                    }
                    .into());
                };
                if let Some(list) = row.list {
                    return Err(BusinessError::WaybillHasList {
                        logistics_no: wire.logistics_no.clone(),
                        cop_no: list.cop_no,
                    }
                    .into());
                }
                if kind == AppType::Change {
                    self.tx.put_waybill(&WaybillRow { waybill, list: None })?;
                    Ok((120, "变更成功 changed".into()))
                } else {
                    self.tx.delete_waybill(&row.waybill.key)?;
                    Ok((120, "删除成功 deleted".into()))
                }
            }
        }
    }

    /// Lists in force on an order: a cancelled, refused or expired list frees it for a new one.
    fn active_lists_for_order(&mut self, key: &greenlane_core::OrderKey) -> Result<Vec<ListKey>, Fault> {
        let keys = self.tx.lists_for_order(key)?;
        self.in_force(keys)
    }

    fn active_lists_for_waybill(&mut self, key: &greenlane_core::WaybillKey) -> Result<Vec<ListKey>, Fault> {
        let keys = self.tx.lists_for_waybill(key)?;
        self.in_force(keys)
    }

    fn in_force(&mut self, keys: Vec<ListKey>) -> Result<Vec<ListKey>, Fault> {
        let mut out = Vec::new();
        for k in keys {
            if let Some(row) = self.tx.get_list(&k)?
                && !matches!(row.status, ListStatus::Cancelled | ListStatus::Rejected | ListStatus::Expired)
            {
                out.push(k);
            }
        }
        Ok(out)
    }

    // ----- declaration lists ----------------------------------------------------------------------

    fn list(&mut self, wire: &export::Inventory, serial: u64) -> Applied {
        let head = &wire.inventory_head;
        let mut list = convert::list(wire)?;
        let kind = convert::app_type(&head.app_type)?;
        for (code, name) in [
            (&head.ebp_code, &head.ebp_name),
            (&head.ebc_code, &head.ebc_name),
            (&head.agent_code, &head.agent_name),
            (&head.owner_code, &head.owner_name),
            (&head.logistics_code, &head.logistics_name),
        ] {
            self.register(code, name, list.app_time)?;
        }
        let acting = self.acting(&head.agent_code);
        let what = format!("declaration list {} of enterprise {}", head.cop_no, head.ebc_code);
        if kind != AppType::Delete {
            plausible::list(&list)?;
        }
        let existing = self.tx.get_list(&list.key)?;
        match (&existing, kind) {
            (_, AppType::New) => {
                let registry = self.registry(&head.ebc_code, &acting, MandateKind::Agent)?;
                access::may_file(&acting, &head.ebc_code, MandateKind::Agent, registry, &what)?;
            }
            (Some(row), _) => {
                access::may_amend(&acting, &head.ebc_code, Some(&row.list.agent_code), &what)?;
                // The first filer binds the list: only the exporter may hand it to another agent.
                if kind == AppType::Change && list.agent_code != row.list.agent_code && acting != head.ebc_code {
                    return Err(BusinessError::NotParty { party: head.agent_code.clone(), what }.into());
                }
                self.refuse_if_summarised(row, if kind == AppType::Change { "changed" } else { "deleted" })?;
                if let Err(e) = row.status.check_amend(&head.cop_no, row.lane) {
                    if row.status == ListStatus::Review {
                        let action = if kind == AppType::Change { "refused_change" } else { "refused_delete" };
                        return Err(self.audit_attempt(row, &acting, action, list.app_time, &e));
                    }
                    return Err(e.into());
                }
            }
            (None, _) => {
                // A non-party learns no more from an unknown list than from another's.
                if self.actor.is_some() && acting != head.ebc_code {
                    return Err(access::may_amend(&acting, &head.ebc_code, None, &what).unwrap_err().into());
                }
            }
        }
        match kind {
            AppType::New => {
                if existing.is_some() {
                    return Err(BusinessError::DuplicateList {
                        ebc_code: list.key.ebc_code.clone(),
                        cop_no: list.key.cop_no.clone(),
                    }
                    .into());
                }
                if let Some(other) = self.active_lists_for_order(&list.order)?.into_iter().find(|k| *k != list.key) {
                    return Err(BusinessError::OrderHasList {
                        order_no: list.order.order_no.clone(),
                        cop_no: other.cop_no,
                    }
                    .into());
                }
                let number = invt_no(&head.customs_code, list.app_time, serial);
                list.invt_no = Some(number.clone());
                self.assigned_invt_no = Some(number);
                let key = list.key.clone();
                let received_at = list.app_time;
                let row = ListRow {
                    list,
                    status: ListStatus::Pending,
                    lane: Lane::Pending,
                    return_status: 120,
                    score: 0.0,
                    reasons: Vec::new(),
                    received_at,
                    decided_at: None,
                    criteria_version: None,
                };
                self.tx.put_list(&row, &list_facts(&row))?;
                self.link(&key)?;
                self.try_decide(&key)?;
                self.list_outcome(&key)
            }
            AppType::Change => {
                let Some(row) = existing else {
                    return Err(BusinessError::ListNotFound {
                        ebc_code: head.ebc_code.clone(),
                        cop_no: head.cop_no.clone(),
                    }
                    .into());
                };
                list.invt_no = row.list.invt_no.clone();
                self.assigned_invt_no = row.list.invt_no.clone();
                let key = list.key.clone();
                self.unlink(&row)?;
                let row = ListRow { list, received_at: row.received_at, ..row };
                self.tx.put_list(&row, &list_facts(&row))?;
                self.link(&key)?;
                self.try_decide(&key)?;
                self.list_outcome(&key)
            }
            AppType::Delete => {
                let Some(row) = existing else {
                    return Err(BusinessError::ListNotFound {
                        ebc_code: head.ebc_code.clone(),
                        cop_no: head.cop_no.clone(),
                    }
                    .into());
                };
                self.assigned_invt_no = row.list.invt_no.clone();
                self.unlink(&row)?;
                self.tx.delete_list(&row.list.key)?;
                Ok((120, "删除成功 deleted".into()))
            }
        }
    }

    fn list_outcome(&mut self, key: &ListKey) -> Applied {
        let row = self.tx.get_list(key)?.ok_or_else(|| StoreError::Corrupt(format!("list {key:?} vanished")))?;
        let info = match row.status {
            ListStatus::Pending => "入库成功，等待订单或运单 stored, waiting for the order or the waybill".to_owned(),
            _ => describe_decision(&row),
        };
        Ok((row.return_status, info))
    }

    /// Marks the list's order and waybill, where they are in, as declared on it: from now on they
    /// can no longer change.
    fn link(&mut self, key: &ListKey) -> Result<(), Fault> {
        let Some(row) = self.tx.get_list(key)? else { return Ok(()) };
        if let Some(mut order) = self.tx.get_order(&row.list.order)?
            && order.list.is_none()
        {
            order.list = Some(key.clone());
            self.tx.put_order(&order)?;
        }
        if let Some(mut waybill) = self.tx.get_waybill(&row.list.waybill)?
            && waybill.list.is_none()
        {
            waybill.list = Some(key.clone());
            self.tx.put_waybill(&waybill)?;
        }
        Ok(())
    }

    /// Frees the order and waybill a list was linked to, so they can change or serve a new list.
    fn unlink(&mut self, row: &ListRow) -> Result<(), Fault> {
        if let Some(mut order) = self.tx.get_order(&row.list.order)?
            && order.list.as_ref() == Some(&row.list.key)
        {
            order.list = None;
            self.tx.put_order(&order)?;
        }
        if let Some(mut waybill) = self.tx.get_waybill(&row.list.waybill)?
            && waybill.list.as_ref() == Some(&row.list.key)
        {
            waybill.list = None;
            self.tx.put_waybill(&waybill)?;
        }
        Ok(())
    }

    /// Decides a pending list once its order and waybill are both in.
    fn try_decide(&mut self, key: &ListKey) -> Result<(), Fault> {
        let Some(mut row) = self.tx.get_list(key)? else { return Ok(()) };
        if row.status != ListStatus::Pending {
            return Ok(());
        }
        // Whoever completed the parcel has already linked its order and waybill to the list
        // (`link`, or the new order or waybill stored with the list that waited for it).
        let Some(order) = self.tx.get_order(&row.list.order)? else { return Ok(()) };
        let Some(waybill) = self.tx.get_waybill(&row.list.waybill)? else { return Ok(()) };
        let payment = self.tx.get_payment(&row.list.order)?;
        let parcel = Parcel { list: row.list.clone(), order: order.order, waybill: waybill.waybill, payment };
        let findings = self.risk.check_documents(&parcel);
        let hits = self.screening.as_deref_mut().map(|s| s.screen(&parcel)).unwrap_or_default();
        let assessment = self.risk.assess(&parcel, &Evidence { findings: &findings, screening: &hits });
        // The decision's time is the latest of the three documents' times, whichever arrived last,
        // so the same documents decide at the same time in any arrival order.
        let decided_at = parcel.list.app_time.max(parcel.order.app_time).max(parcel.waybill.app_time);
        row.status = ListStatus::after_decision(assessment.lane);
        row.lane = assessment.lane;
        row.return_status = row.status.return_status(assessment.lane);
        row.score = assessment.score;
        row.reasons = assessment.reasons;
        row.decided_at = Some(decided_at);
        row.criteria_version = Some(self.risk.version().to_owned());
        self.tx.put_list(&row, &list_facts(&row))?;
        self.tx.append_decision(&row.decision())?;
        self.decided.push(row.lane);
        Ok(())
    }

    // ----- after the decision ---------------------------------------------------------------------

    fn cancel(&mut self, wire: &export::InvtCancel) -> Applied {
        let at = convert::app_time(&wire.app_time)?;
        convert::app_type(&wire.app_type)?;
        self.register(&wire.agent_code, &wire.agent_name, at)?;
        self.register(&wire.ebc_code, &wire.ebc_name, at)?;
        let key = ListKey { ebc_code: wire.ebc_code.clone(), cop_no: wire.cop_no.clone() };
        let acting = self.acting(&wire.agent_code);
        let what = format!("declaration list {} of enterprise {}", wire.cop_no, wire.ebc_code);
        let Some(mut row) = self.tx.get_list(&key)? else {
            // A non-party learns no more from an unknown list than from another's.
            if self.actor.is_some() && acting != key.ebc_code {
                return Err(access::may_amend(&acting, &key.ebc_code, None, &what).unwrap_err().into());
            }
            return Err(BusinessError::ListNotFound { ebc_code: key.ebc_code, cop_no: key.cop_no }.into());
        };
        access::may_amend(&acting, &key.ebc_code, Some(&row.list.agent_code), &what)?;
        self.refuse_if_summarised(&row, "cancelled")?;
        if let Err(e) = row.status.check_cancel(&wire.cop_no) {
            if row.status == ListStatus::Review {
                return Err(self.audit_attempt(&row, &acting, "refused_cancel", at, &e));
            }
            return Err(e.into());
        }
        self.assigned_invt_no = row.list.invt_no.clone();
        self.unlink(&row)?;
        row.status = ListStatus::Cancelled;
        row.return_status = row.status.return_status(row.lane);
        row.reasons.push(Reason::new("cancelled", format!("cancelled at the enterprise's request: {}", wire.reason)));
        self.tx.put_list(&row, &list_facts(&row))?;
        self.tx.append_decision(&row.decision())?;
        Ok((row.return_status, "撤销成功 cancelled".into()))
    }

    /// Moves every list carrying one of `numbers` (waybills of `logistics_code`) with `step`, or
    /// none of them if any cannot move.
    fn advance(
        &mut self,
        logistics_code: &str,
        numbers: &[&str],
        step: fn(ListStatus, &str) -> Result<ListStatus, BusinessError>,
    ) -> Result<usize, Fault> {
        let mut moves = Vec::new();
        for number in numbers {
            let key = greenlane_core::WaybillKey {
                logistics_code: logistics_code.to_owned(),
                logistics_no: (*number).to_owned(),
            };
            let mut found = None;
            for list in self.active_lists_for_waybill(&key)? {
                if let Some(row) = self.tx.get_list(&list)? {
                    found = Some(row);
                }
            }
            let Some(row) = found else {
                return Err(BusinessError::NotReleased { logistics_no: (*number).to_owned() }.into());
            };
            let next = step(row.status, number)?;
            moves.push((row, next));
        }
        let moved = moves.len();
        for (mut row, next) in moves {
            if next == row.status {
                continue;
            }
            let before = row.return_status;
            row.status = next;
            row.return_status = next.return_status(row.lane);
            self.tx.put_list(&row, &list_facts(&row))?;
            if row.return_status != before {
                self.tx.append_decision(&row.decision())?;
            }
        }
        Ok(moved)
    }

    fn arrival(&mut self, wire: &export::Arrival) -> Applied {
        let head = &wire.arrival_head;
        let at = convert::app_time(&head.app_time)?;
        self.register(&head.operator_code, &head.operator_name, at)?;
        self.register(&head.logistics_code, &head.logistics_name, at)?;
        let numbers: Vec<&str> = wire.arrival_lists.iter().map(|l| l.logistics_no.as_str()).collect();
        let n = self.advance(&head.logistics_code, &numbers, ListStatus::arrive)?;
        if let Some(cargo) = self.cargo {
            crate::flights::arrived(&mut *self.tx, cargo, &head.logistics_code, &numbers, at)?;
        }
        Ok((120, format!("运抵成功 {n} parcels arrived")))
    }

    fn departure(&mut self, wire: &export::Departure) -> Applied {
        let head = &wire.departure_head;
        let at = convert::app_time(&head.app_time)?;
        self.register(&head.logistics_code, &head.logistics_name, at)?;
        let numbers: Vec<&str> = wire.departure_lists.iter().map(|l| l.logistics_no.as_str()).collect();
        let n = self.advance(&head.logistics_code, &numbers, ListStatus::depart)?;
        self.record_departures(&head.logistics_code, &numbers, at)?;
        Ok((899, format!("离境成功，已结关 {n} parcels departed and cleared")))
    }

    fn master_waybill(&mut self, wire: &export::WayBill) -> Applied {
        let head = &wire.way_bill_head;
        let at = convert::app_time(&head.app_time)?;
        self.register(&head.agent_code, &head.agent_name, at)?;
        self.register(&head.logistics_code, &head.logistics_name, at)?;
        for line in &wire.way_bill_lists {
            let key = greenlane_core::WaybillKey {
                logistics_code: head.logistics_code.clone(),
                logistics_no: line.logistics_no.clone(),
            };
            if self.tx.get_waybill(&key)?.is_none() {
                return Err(BusinessError::WaybillNotFound {
                    logistics_code: key.logistics_code,
                    logistics_no: key.logistics_no,
                }
                .into());
            }
        }
        Ok((
            120,
            format!("总分单入库成功 master bill {} with {} waybills stored", head.bill_no, wire.way_bill_lists.len()),
        ))
    }
}

/// A decision in words for the receipt: the lane and its reasons.
fn describe_decision(row: &ListRow) -> String {
    let lane = match row.lane {
        Lane::Green => "放行 released",
        Lane::Blue => "放行（后续稽查） released, post-clearance audit",
        Lane::Yellow => "人工审核 document review",
        Lane::Red => "查验 physical inspection",
        Lane::Hold => "挂起 held",
        Lane::Rejected => "退单 refused",
        Lane::Pending => "入库 stored",
    };
    if row.reasons.is_empty() {
        return lane.to_owned();
    }
    let reasons: Vec<String> = row.reasons.iter().map(|r| format!("[{}] {}", r.code, r.message)).collect();
    format!("{lane}: {}", reasons.join("; "))
}
