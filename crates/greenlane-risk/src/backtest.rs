//! Backtests: replays stored traffic through an engine (usually one with a candidate criteria
//! set) and reports lane shares and, where officers' outcomes are known, what the set would have
//! caught or missed, before anyone deploys it.

use crate::{CriterionStats, Engine};
use greenlane_core::risk::{Evidence, RiskEngine, ScreeningHit};
use greenlane_core::{Inspection, InspectionOutcome, Lane, Parcel, ViolationKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// One stored parcel with what was known about it: its screening hits and, if an officer
/// inspected it, the outcome. (Its documents are checked again by each engine replaying it,
/// under that engine's tolerances.)
#[derive(Debug, Clone)]
pub struct BacktestCase {
    pub parcel: Parcel,
    pub screening: Vec<ScreeningHit>,
    pub inspection: Option<Inspection>,
}

/// Known violations of one kind: would the set have stopped them?
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KindOutcome {
    pub parcels: u64,
    /// Sent to an officer (yellow, red, hold) or refused.
    pub caught: u64,
    /// Released (green or blue).
    pub missed: u64,
}

/// What a criteria set would have done to the replayed traffic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestReport {
    /// `version()` of the engine's criteria.
    pub criteria_version: String,
    pub parcels: u64,
    /// Parcels per lane.
    pub lanes: BTreeMap<Lane, u64>,
    /// Share of parcels per lane.
    pub lane_shares: BTreeMap<Lane, f64>,
    /// Green + blue, of all parcels.
    pub release_rate: f64,
    /// Parcels with a known outcome (inspected), and per violation kind found.
    pub with_outcome: u64,
    pub violations: BTreeMap<ViolationKind, KindOutcome>,
    /// Inspected parcels found compliant that the set would still stop (wasted interventions).
    pub compliant_stopped: u64,
    pub compliant_released: u64,
    /// Known violations caught, of all known violations.
    pub recall_known: Option<f64>,
    /// Per criterion and analyzer, as the engine counted them during the replay.
    pub criteria: Vec<CriterionStats>,
}

/// Replays `cases` in order through `engine`: each parcel is assessed, then its known inspection
/// (if any) is fed back, as in live operation. Pass a fresh engine to judge a set from scratch,
/// or one warmed up on earlier traffic.
pub fn backtest(engine: &mut Engine, cases: impl IntoIterator<Item = BacktestCase>) -> BacktestReport {
    let mut lanes: BTreeMap<Lane, u64> = BTreeMap::new();
    let mut violations: BTreeMap<ViolationKind, KindOutcome> = BTreeMap::new();
    let (mut parcels, mut with_outcome, mut compliant_stopped, mut compliant_released) = (0u64, 0u64, 0u64, 0u64);
    for case in cases {
        parcels += 1;
        let findings = engine.check_documents(&case.parcel);
        let a = engine.assess(&case.parcel, &Evidence { findings: &findings, screening: &case.screening });
        *lanes.entry(a.lane).or_default() += 1;
        let stopped = !a.lane.is_released();
        if let Some(inspection) = &case.inspection {
            with_outcome += 1;
            match inspection.outcome {
                InspectionOutcome::Compliant => {
                    compliant_stopped += u64::from(stopped);
                    compliant_released += u64::from(!stopped);
                }
                InspectionOutcome::Violation(kind) => {
                    let k = violations.entry(kind).or_default();
                    k.parcels += 1;
                    k.caught += u64::from(stopped);
                    k.missed += u64::from(!stopped);
                }
            }
            engine.observe_inspection(&case.parcel, inspection);
        }
    }
    let share = |n: u64| if parcels == 0 { 0.0 } else { n as f64 / parcels as f64 };
    let released = lanes.iter().filter(|(l, _)| l.is_released()).map(|(_, n)| n).sum();
    let known: u64 = violations.values().map(|k| k.parcels).sum();
    let caught: u64 = violations.values().map(|k| k.caught).sum();
    BacktestReport {
        criteria_version: engine.version().to_owned(),
        parcels,
        lane_shares: lanes.iter().map(|(l, n)| (*l, share(*n))).collect(),
        lanes,
        release_rate: share(released),
        with_outcome,
        violations,
        compliant_stopped,
        compliant_released,
        recall_known: (known > 0).then(|| caught as f64 / known as f64),
        criteria: engine.criteria_stats(),
    }
}
