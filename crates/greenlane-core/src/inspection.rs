//! What an officer found when working a list routed to them: the outcome of an inspection, the
//! violation kinds of the contract (INTERFACES.md §4), and how an outcome moves the list on.

use crate::{BusinessError, ListKey, ListStatus, MessageTime};
use serde::{Deserialize, Serialize};

/// The kinds of violation customs looks for (INTERFACES.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationKind {
    Undervaluation,
    Misclassification,
    ProhibitedGoods,
    LicenseMissing,
    SanctionedParty,
    DocumentMismatch,
    WeightMismatch,
    SplitShipment,
    Counterfeit,
    Other,
}

impl ViolationKind {
    pub const ALL: [ViolationKind; 10] = [
        ViolationKind::Undervaluation,
        ViolationKind::Misclassification,
        ViolationKind::ProhibitedGoods,
        ViolationKind::LicenseMissing,
        ViolationKind::SanctionedParty,
        ViolationKind::DocumentMismatch,
        ViolationKind::WeightMismatch,
        ViolationKind::SplitShipment,
        ViolationKind::Counterfeit,
        ViolationKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::Undervaluation => "undervaluation",
            ViolationKind::Misclassification => "misclassification",
            ViolationKind::ProhibitedGoods => "prohibited_goods",
            ViolationKind::LicenseMissing => "license_missing",
            ViolationKind::SanctionedParty => "sanctioned_party",
            ViolationKind::DocumentMismatch => "document_mismatch",
            ViolationKind::WeightMismatch => "weight_mismatch",
            ViolationKind::SplitShipment => "split_shipment",
            ViolationKind::Counterfeit => "counterfeit",
            ViolationKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<ViolationKind> {
        ViolationKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What the officer concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "violation")]
pub enum InspectionOutcome {
    /// Nothing wrong: the parcel is released.
    Compliant,
    /// A violation of this kind: the list is refused.
    Violation(ViolationKind),
}

/// One officer's finding on one list, as recorded in the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    pub list: ListKey,
    pub outcome: InspectionOutcome,
    pub note: String,
    /// Who recorded it (the token's name).
    pub officer: String,
    /// Message time: the pipeline's clock when it was recorded, so a replay records the same.
    pub at: MessageTime,
}

impl ListStatus {
    /// An inspection closes the review of a list routed to an officer: compliant releases it,
    /// a violation refuses it. Any other list has nothing to inspect.
    pub fn inspect(self, cop_no: &str, outcome: InspectionOutcome) -> Result<ListStatus, BusinessError> {
        match (self, outcome) {
            (ListStatus::Review, InspectionOutcome::Compliant) => Ok(ListStatus::Released),
            (ListStatus::Review, InspectionOutcome::Violation(_)) => Ok(ListStatus::Rejected),
            (status, _) => Err(BusinessError::NotUnderReview { cop_no: cop_no.to_owned(), status: status.as_str() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violation_kinds_round_trip_their_contract_names() {
        for kind in ViolationKind::ALL {
            assert_eq!(ViolationKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(ViolationKind::parse("smuggling"), None);
    }

    #[test]
    fn only_a_list_under_review_can_be_inspected() {
        let violation = InspectionOutcome::Violation(ViolationKind::Counterfeit);
        assert_eq!(ListStatus::Review.inspect("C1", InspectionOutcome::Compliant), Ok(ListStatus::Released));
        assert_eq!(ListStatus::Review.inspect("C1", violation), Ok(ListStatus::Rejected));
        let refused = ListStatus::Released.inspect("C1", violation).unwrap_err();
        assert_eq!(refused.code(), -990300);
        assert_eq!(refused.name(), "not_under_review");
        assert!(ListStatus::Pending.inspect("C1", InspectionOutcome::Compliant).is_err());
    }
}
