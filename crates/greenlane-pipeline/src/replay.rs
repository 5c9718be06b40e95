//! Stored traffic, replayed: every decided parcel in the order it was first decided, with the
//! inspections officers recorded on it. The risk engine relearns from it when the pipeline
//! starts (what it learned must not die with the process), and backtests judge a candidate
//! criteria set on it.

use crate::screening::PartyScreening;
use crate::{Pipeline, PipelineError};
use greenlane_core::{Inspection, Lane, ListKey, Parcel};
use greenlane_store::{ReadTx, Store};
use std::collections::{HashMap, HashSet};

/// A parcel as it was decided, and what officers found on it.
#[derive(Debug, Clone)]
pub struct StoredParcel {
    pub parcel: Parcel,
    /// The lane of its first decision.
    pub lane: Lane,
    pub inspections: Vec<Inspection>,
}

/// Calls `each` for every decided parcel of `store`, in the order of first decision. Parcels
/// whose order or waybill has since been deleted are skipped (they can no longer be rebuilt).
pub fn for_each_stored_parcel(
    store: &dyn Store,
    mut each: impl FnMut(StoredParcel) -> Result<(), PipelineError>,
) -> Result<usize, PipelineError> {
    let mut read = store.read()?;
    let mut inspections: HashMap<ListKey, Vec<Inspection>> = HashMap::new();
    let mut cursor = 0;
    loop {
        let page = read.inspections_after(cursor, 10_000)?;
        let Some(&(last, _)) = page.last() else { break };
        cursor = last;
        for (_, inspection) in page {
            inspections.entry(inspection.list.clone()).or_default().push(inspection);
        }
    }
    let mut seen: HashSet<ListKey> = HashSet::new();
    let mut replayed = 0;
    let mut cursor = 0;
    loop {
        let page = read.decisions_after(cursor, 10_000)?;
        let Some(&(last, _)) = page.last() else { break };
        cursor = last;
        for (_, decision) in page {
            if decision.decided_at.is_none() || !seen.insert(decision.key.clone()) {
                continue;
            }
            let Some(parcel) = parcel_of(&mut *read, &decision.key)? else { continue };
            let inspections = inspections.remove(&decision.key).unwrap_or_default();
            each(StoredParcel { parcel, lane: decision.lane, inspections })?;
            replayed += 1;
        }
    }
    Ok(replayed)
}

/// The parcel of a stored list, if its order and waybill are still there.
pub(crate) fn parcel_of(read: &mut dyn ReadTx, key: &ListKey) -> Result<Option<Parcel>, PipelineError> {
    let Some(row) = read.get_list(key)? else { return Ok(None) };
    let Some(order) = read.get_order(&row.list.order)? else { return Ok(None) };
    let Some(waybill) = read.get_waybill(&row.list.waybill)? else { return Ok(None) };
    let payment = read.get_payment(&row.list.order)?;
    Ok(Some(Parcel { list: row.list, order: order.order, waybill: waybill.waybill, payment }))
}

impl Pipeline {
    /// Starts over as a restarted hub would: a new risk engine warmed up from the store (from
    /// the snapshot taken at log position `from`, captured during a rebuild, when the hub
    /// restarted from one), no
    /// clock, nothing remembered in front of the store.
    pub(crate) fn restart(
        &mut self,
        risk: Box<dyn greenlane_core::risk::RiskEngine>,
        from: Option<u64>,
    ) -> Result<(), PipelineError> {
        self.risk = risk;
        self.clock = None;
        self.cache.clear();
        self.committed = self.store.read()?.counts()?.messages;
        if let Some(screening) = &self.screening {
            let clearances = self.store.read()?.clearances()?;
            self.screening = Some(PartyScreening::new(screening.lists(), clearances));
        }
        let heads = match from {
            Some(position) => self.restore_captured(position)?,
            None => crate::snapshot::Heads::default(),
        };
        self.restored_from = from;
        self.replay_into_risk(heads)?;
        Ok(())
    }
}
