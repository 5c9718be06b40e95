//! The risk engine's interface: a matched parcel and its document findings in, a lane, a score
//! and reasons out. The pipeline depends on this trait only; the rule set behind it is replaced
//! as the risk work grows.

use crate::check::{Finding, Severity};
use crate::{Lane, Parcel, Reason};

/// The engine's verdict on one parcel.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub lane: Lane,
    /// 0 for nothing of note, growing with risk; comparable within one criteria version.
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// Decides the lane of a matched parcel. Implementations must be deterministic: the same parcel
/// and findings give the same assessment (random selection, where used, is a keyed hash of the
/// declaration, never a random number generator).
pub trait RiskEngine: Send + Sync {
    fn assess(&self, parcel: &Parcel, findings: &[Finding]) -> Assessment;
    /// The version of the criteria that made the assessment, recorded with each decision.
    fn version(&self) -> &str;
}

/// The minimal rule set: documents that cannot belong together are rejected, documents that
/// disagree go to document review, everything else is released.
#[derive(Debug, Clone, Default)]
pub struct DocumentRules;

impl RiskEngine for DocumentRules {
    fn assess(&self, _parcel: &Parcel, findings: &[Finding]) -> Assessment {
        let worst = findings.iter().map(|f| f.severity).max();
        let reasons: Vec<Reason> = findings.iter().map(|f| f.reason.clone()).collect();
        match worst {
            None => Assessment { lane: Lane::Green, score: 0.0, reasons },
            Some(Severity::Review) => Assessment { lane: Lane::Yellow, score: 0.5, reasons },
            Some(Severity::Reject) => Assessment { lane: Lane::Rejected, score: 1.0, reasons },
        }
    }

    fn version(&self) -> &str {
        "document-rules-1"
    }
}
