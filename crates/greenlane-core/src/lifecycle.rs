//! The life-cycle of a declaration list and the customs `returnStatus` of each stage:
//! 120 stored (waiting for its order or waybill), 300/500/600 with an officer, 800 released,
//! then arrival at the supervision site (CEB507), departure (CEB509) and 899 cleared. A list may
//! be cancelled (CEB605) until it departs, except while an officer holds it: an exporter cannot
//! take a parcel out of the officer's queue.

use crate::{BusinessError, Lane};
use serde::{Deserialize, Serialize};

/// Where a list stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListStatus {
    /// Stored, waiting for its order or its waybill.
    Pending,
    /// With an officer (yellow, red or hold).
    Review,
    Released,
    Arrived,
    /// Left the country: cleared (899).
    Departed,
    Rejected,
    Cancelled,
    /// Its order or waybill never came.
    Expired,
}

impl ListStatus {
    /// Every status, in life-cycle order.
    pub const ALL: [ListStatus; 8] = [
        ListStatus::Pending,
        ListStatus::Review,
        ListStatus::Released,
        ListStatus::Arrived,
        ListStatus::Departed,
        ListStatus::Rejected,
        ListStatus::Cancelled,
        ListStatus::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ListStatus::Pending => "pending",
            ListStatus::Review => "review",
            ListStatus::Released => "released",
            ListStatus::Arrived => "arrived",
            ListStatus::Departed => "departed",
            ListStatus::Rejected => "rejected",
            ListStatus::Cancelled => "cancelled",
            ListStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<ListStatus> {
        ListStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The status a list takes when it is decided into `lane`.
    pub fn after_decision(lane: Lane) -> ListStatus {
        match lane {
            Lane::Pending => ListStatus::Pending,
            Lane::Green | Lane::Blue => ListStatus::Released,
            Lane::Yellow | Lane::Red | Lane::Hold => ListStatus::Review,
            Lane::Rejected => ListStatus::Rejected,
        }
    }

    /// The customs `returnStatus` of the stage (the lane's own status while in review).
    pub fn return_status(self, lane: Lane) -> i32 {
        match self {
            ListStatus::Pending => 120,
            ListStatus::Review => lane.return_status(),
            ListStatus::Released | ListStatus::Arrived => 800,
            ListStatus::Departed => 899,
            ListStatus::Rejected | ListStatus::Cancelled | ListStatus::Expired => 100,
        }
    }

    /// A list may be changed (appType 2) or deleted (appType 3) only while it waits: once decided,
    /// the only way back is a cancellation.
    pub fn check_amend(self, cop_no: &str, lane: Lane) -> Result<(), BusinessError> {
        match self {
            ListStatus::Pending => Ok(()),
            ListStatus::Review => Err(BusinessError::UnderReview { cop_no: cop_no.to_owned(), action: "changed" }),
            _ => Err(BusinessError::ListDecided { cop_no: cop_no.to_owned(), lane: lane.as_str().to_owned() }),
        }
    }

    /// Cancellation (CEB605) is possible until the goods leave, but not while an officer holds
    /// the list (yellow, red, hold): the officer's decision comes first.
    pub fn check_cancel(self, cop_no: &str) -> Result<(), BusinessError> {
        let why = match self {
            ListStatus::Review => {
                return Err(BusinessError::UnderReview { cop_no: cop_no.to_owned(), action: "cancelled" });
            }
            ListStatus::Departed => "the goods have already left the country",
            ListStatus::Cancelled => "it is already cancelled",
            ListStatus::Rejected | ListStatus::Expired => "it was refused and is not in force",
            _ => return Ok(()),
        };
        Err(BusinessError::CancelRefused { cop_no: cop_no.to_owned(), why: why.to_owned() })
    }

    /// Arrival (CEB507) at the supervision site, for released lists.
    pub fn arrive(self, logistics_no: &str) -> Result<ListStatus, BusinessError> {
        match self {
            ListStatus::Released => Ok(ListStatus::Arrived),
            ListStatus::Arrived => Ok(ListStatus::Arrived),
            _ => Err(BusinessError::NotReleased { logistics_no: logistics_no.to_owned() }),
        }
    }

    /// Departure (CEB509) of goods that arrived: clearance is complete.
    pub fn depart(self, logistics_no: &str) -> Result<ListStatus, BusinessError> {
        match self {
            ListStatus::Arrived | ListStatus::Departed => Ok(ListStatus::Departed),
            ListStatus::Released => Err(BusinessError::NotArrived { logistics_no: logistics_no.to_owned() }),
            _ => Err(BusinessError::NotReleased { logistics_no: logistics_no.to_owned() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_statuses_follow_the_customs_sequence() {
        let green = ListStatus::after_decision(Lane::Green);
        assert_eq!(ListStatus::Pending.return_status(Lane::Pending), 120);
        assert_eq!(green.return_status(Lane::Green), 800);
        assert_eq!(ListStatus::after_decision(Lane::Red).return_status(Lane::Red), 500);
        assert_eq!(ListStatus::after_decision(Lane::Hold).return_status(Lane::Hold), 600);
        let arrived = green.arrive("L1").unwrap();
        assert_eq!(arrived.return_status(Lane::Green), 800);
        assert_eq!(arrived.depart("L1").unwrap().return_status(Lane::Green), 899);
    }

    #[test]
    fn departure_needs_arrival_and_cancellation_ends_at_departure() {
        assert_eq!(ListStatus::Released.depart("L1").unwrap_err().code(), -990509);
        assert_eq!(ListStatus::Pending.arrive("L1").unwrap_err().code(), -990507);
        assert!(ListStatus::Arrived.check_cancel("C1").is_ok());
        assert_eq!(ListStatus::Departed.check_cancel("C1").unwrap_err().code(), -990605);
        assert_eq!(ListStatus::Released.check_amend("C1", Lane::Green).unwrap_err().code(), -990603);
        assert_eq!(ListStatus::Review.check_cancel("C1").unwrap_err().code(), -990606);
        assert_eq!(ListStatus::Review.check_amend("C1", Lane::Red).unwrap_err().code(), -990606);
    }
}
