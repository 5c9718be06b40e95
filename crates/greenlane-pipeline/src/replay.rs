//! Stored traffic, replayed: every decided parcel in the order it was first decided, with the
//! inspections officers recorded on it. The risk engine relearns from it when the pipeline
//! starts (what it learned must not die with the process), and backtests judge a candidate
//! criteria set on it.

use crate::screening::PartyScreening;
use crate::snapshot::Heads;
use crate::{Pipeline, PipelineError};
use greenlane_core::{Inspection, Lane, ListKey, Parcel};
use greenlane_store::{IntakeRead, Store};
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
    each: impl FnMut(StoredParcel) -> Result<(), PipelineError>,
) -> Result<usize, PipelineError> {
    Ok(stored_after(store, Heads::default(), each)?.replayed)
}

/// What a traversal of the stored traffic reached.
pub(crate) struct Traversed {
    pub replayed: usize,
    /// The feeds' last sequence numbers.
    pub heads: Heads,
    /// Inspections after `from` of lists first decided at or before it, with their parcels.
    pub earlier: Vec<(Parcel, Inspection)>,
}

/// [`for_each_stored_parcel`] for the parcels first decided after `from.decision`, each with its
/// inspections after `from.inspection`: the tail a snapshot at `from` does not cover.
pub(crate) fn stored_after(
    store: &dyn Store,
    from: Heads,
    mut each: impl FnMut(StoredParcel) -> Result<(), PipelineError>,
) -> Result<Traversed, PipelineError> {
    let mut read = store.read()?;
    let mut heads = from;
    let mut inspections: HashMap<ListKey, Vec<(u64, Inspection)>> = HashMap::new();
    loop {
        let page = read.inspections_after(heads.inspection, 10_000)?;
        let Some(&(last, _)) = page.last() else { break };
        heads.inspection = last;
        for (seq, inspection) in page {
            inspections.entry(inspection.list.clone()).or_default().push((seq, inspection));
        }
    }
    let mut seen: HashSet<ListKey> = HashSet::new();
    let mut replayed = 0;
    loop {
        let page = read.decisions_after(heads.decision, 10_000)?;
        let Some(&(last, _)) = page.last() else { break };
        heads.decision = last;
        for (_, decision) in page {
            if decision.decided_at.is_none() || !seen.insert(decision.key.clone()) {
                continue;
            }
            // After a snapshot, a list decided before it was learned already: its later
            // decisions (an inspection, a re-routing) teach nothing new.
            if from.decision > 0 {
                let first = read.decisions_of(&decision.key)?.into_iter().find(|(_, d)| d.decided_at.is_some());
                if first.is_some_and(|(seq, _)| seq <= from.decision) {
                    continue;
                }
            }
            let Some(parcel) = parcel_of(&mut *read, &decision.key)? else { continue };
            let inspections =
                inspections.remove(&decision.key).unwrap_or_default().into_iter().map(|(_, i)| i).collect();
            each(StoredParcel { parcel, lane: decision.lane, inspections })?;
            replayed += 1;
        }
    }
    let mut earlier = Vec::new();
    if from.decision > 0 {
        let mut left: Vec<(u64, Inspection)> = inspections.into_values().flatten().collect();
        left.sort_by_key(|(seq, _)| *seq);
        for (_, inspection) in left {
            if let Some(parcel) = parcel_of(&mut *read, &inspection.list)? {
                earlier.push((parcel, inspection));
            }
        }
    }
    Ok(Traversed { replayed, heads, earlier })
}

/// The parcel of a stored list, if its order and waybill are still there.
pub(crate) fn parcel_of(read: &mut dyn IntakeRead, key: &ListKey) -> Result<Option<Parcel>, PipelineError> {
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
