//! The risk engine's interface: a matched parcel, its document findings and its screening hits
//! in, a lane, a score and reasons out. The pipeline depends on this trait only; the rule set
//! behind it is replaced as the risk work grows.
//!
//! Engines may learn from the traffic (reference prices, plausible weights, buyers' windows) and
//! from officers' findings, so both calls take `&mut self`: the pipeline is the single writer and
//! owns its engine. Whatever an engine learns must come from message time and the parcels it was
//! shown, never the wall clock, so the same traffic in the same order gives the same decisions.

use crate::check::{Comparison, DocumentPolicy, Finding, Severity, YuanOnly, comparisons, three_documents};
use crate::{Inspection, Lane, Parcel, Reason};
use serde::{Deserialize, Serialize};

/// The engine's verdict on one parcel.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub lane: Lane,
    /// 0 for nothing of note, growing with risk; comparable within one criteria version.
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// Which party of a parcel a screened name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    /// The buyer abroad (INTERFACES.md §5).
    Buyer,
    /// The e-commerce enterprise (ebc), the exporter.
    Exporter,
    /// The owner of the goods.
    Owner,
    /// The declaration agent.
    Agent,
    /// The logistics firm.
    Logistics,
}

impl PartyRole {
    pub fn as_str(self) -> &'static str {
        match self {
            PartyRole::Buyer => "buyer",
            PartyRole::Exporter => "exporter",
            PartyRole::Owner => "owner",
            PartyRole::Agent => "agent",
            PartyRole::Logistics => "logistics",
        }
    }
}

/// A party of the parcel that resembles an entry of a denied-party list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreeningHit {
    pub role: PartyRole,
    /// The name as the parcel gives it.
    pub party_name: String,
    /// The list (e.g. `ofac_sdn`), its version, the entry's id and listed name.
    pub list: String,
    pub list_version: String,
    pub entry_id: String,
    pub listed_name: String,
    /// 0–1; at or above the screener's hold threshold the parcel must be stopped.
    pub score: f64,
    /// Whether the score reaches the screener's hold threshold.
    pub above_hold_threshold: bool,
}

/// Everything known about a parcel beyond its documents when it is assessed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence<'a> {
    /// The three-document check.
    pub findings: &'a [Finding],
    /// Screening of the parcel's parties, best first.
    pub screening: &'a [ScreeningHit],
}

/// Decides the lane of a matched parcel. Implementations must be deterministic: the same parcels
/// in the same order give the same assessments (random selection, where used, is a keyed hash of
/// the declaration, never a random number generator).
pub trait RiskEngine: Send {
    /// The three-document check under the engine's tolerances and exchange rates: the findings
    /// that [`RiskEngine::assess`] then weighs. No default: a wrapper around an engine must
    /// forward it, or it would check with other tolerances than the engine it wraps.
    fn check_documents(&self, parcel: &Parcel) -> Vec<Finding>;
    /// Every graded comparison of the check, within tolerance or not, for an officer.
    fn document_comparisons(&self, parcel: &Parcel) -> Vec<Comparison>;
    fn assess(&mut self, parcel: &Parcel, evidence: &Evidence<'_>) -> Assessment;
    /// An officer's finding on a parcel this engine assessed: what the engine may learn from.
    fn observe_inspection(&mut self, _parcel: &Parcel, _inspection: &Inspection) {}
    /// Learns from a parcel assessed before a restart, without assessing it, and from the lane
    /// it was given: the pipeline feeds every stored parcel in its original order when it
    /// starts, so that what an engine learned, and the recent lanes its expected rates are kept
    /// against, are not lost with the process. No default, for the reason of
    /// [`RiskEngine::check_documents`]: a wrapper that did not forward it would restart blank.
    fn warm_up(&mut self, parcel: &Parcel, lane: Lane);
    /// The version of the criteria that made the assessment, recorded with each decision.
    fn version(&self) -> &str;
    /// What the engine has learned, as bytes it can restore from: the pipeline keeps them
    /// beside the decisions they cover so that a restart replays only what came after, not
    /// every stored parcel. `None`: this engine keeps nothing worth a snapshot, and a restart
    /// replays everything through [`RiskEngine::warm_up`].
    fn snapshot(&self) -> Option<Vec<u8>> {
        None
    }
    /// Takes back what [`RiskEngine::snapshot`] gave. A snapshot this engine cannot vouch for
    /// (another format, a torn file, another engine) is refused, never half-applied: the engine
    /// is then as it was, and the pipeline replays the stored parcels instead.
    fn restore(&mut self, _snapshot: &[u8]) -> Result<(), SnapshotRefused> {
        Err(SnapshotRefused("this engine keeps no snapshots".into()))
    }
}

/// Why an engine would not restore a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("risk snapshot refused: {0}")]
pub struct SnapshotRefused(pub String);

/// The minimal rule set: documents that cannot belong together are rejected, documents that
/// disagree beyond what honest senders explain (findings scoring [`REVIEW_POINTS`] together) go
/// to document review, a party on a denied-party list is held, everything else is released.
#[derive(Debug, Clone, Default)]
pub struct DocumentRules;

impl RiskEngine for DocumentRules {
    /// The shipped tolerances, and the yuan only: a hub without a rate table.
    fn check_documents(&self, parcel: &Parcel) -> Vec<Finding> {
        three_documents(parcel, &DocumentPolicy::default(), &YuanOnly)
    }

    fn document_comparisons(&self, parcel: &Parcel) -> Vec<Comparison> {
        comparisons(parcel, &DocumentPolicy::default(), &YuanOnly)
    }

    fn assess(&mut self, _parcel: &Parcel, evidence: &Evidence<'_>) -> Assessment {
        let mut reasons: Vec<Reason> = evidence.findings.iter().map(|f| f.reason.clone()).collect();
        let held: Vec<&ScreeningHit> = evidence.screening.iter().filter(|h| h.above_hold_threshold).collect();
        for hit in &held {
            reasons.push(screening_reason(hit));
        }
        let worst = evidence.findings.iter().map(|f| f.severity).max();
        let points: f64 = evidence.findings.iter().map(|f| f.score).sum();
        match worst {
            Some(Severity::Reject) => Assessment { lane: Lane::Rejected, score: points, reasons },
            _ if !held.is_empty() => Assessment { lane: Lane::Hold, score: points, reasons },
            Some(Severity::Review) if points >= REVIEW_POINTS => {
                Assessment { lane: Lane::Yellow, score: points, reasons }
            }
            _ => Assessment { lane: Lane::Green, score: points, reasons },
        }
    }

    fn warm_up(&mut self, _parcel: &Parcel, _lane: Lane) {
        // Nothing is learned: the rules are fixed.
    }

    fn version(&self) -> &str {
        "document-rules-3"
    }
}

/// The points of document findings at which [`DocumentRules`] sends a list to review: the
/// yellow threshold of the shipped criteria.
pub const REVIEW_POINTS: f64 = 50.0;

/// The reason a screening hit gives, naming the list, the entry and the match.
pub fn screening_reason(hit: &ScreeningHit) -> Reason {
    Reason::new(
        "screening.denied_party",
        format!(
            "{} {:?} resembles {:?}, entry {} of {} ({}), score {:.2}",
            hit.role.as_str(),
            hit.party_name,
            hit.listed_name,
            hit.entry_id,
            hit.list,
            hit.list_version,
            hit.score
        ),
    )
}
