//! What customs decided about a declaration list: the lane, the score, the reasons, and the
//! customs `returnStatus` that goes with them.

use crate::{ListKey, MessageTime};
use serde::{Deserialize, Serialize};

/// Where a list goes. The names are the contract's (INTERFACES.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lane {
    /// Waiting for the order or the waybill.
    Pending,
    /// Released at once.
    Green,
    /// Released, marked for post-clearance audit.
    Blue,
    /// Document review by an officer.
    Yellow,
    /// Physical inspection.
    Red,
    /// Stopped, e.g. for a sanctioned party.
    Hold,
    /// Refused.
    Rejected,
}

impl Lane {
    pub const ALL: [Lane; 7] =
        [Lane::Pending, Lane::Green, Lane::Blue, Lane::Yellow, Lane::Red, Lane::Hold, Lane::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Lane::Pending => "pending",
            Lane::Green => "green",
            Lane::Blue => "blue",
            Lane::Yellow => "yellow",
            Lane::Red => "red",
            Lane::Hold => "hold",
            Lane::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Lane> {
        Lane::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The customs `returnStatus` a list gets on entering the lane.
    pub fn return_status(self) -> i32 {
        match self {
            Lane::Pending => 120,
            Lane::Green | Lane::Blue => 800,
            Lane::Yellow => 300,
            Lane::Red => 500,
            Lane::Hold => 600,
            Lane::Rejected => 100,
        }
    }

    /// Released lanes let the parcel leave.
    pub fn is_released(self) -> bool {
        matches!(self, Lane::Green | Lane::Blue)
    }

    /// Lanes where an officer has the next word.
    pub fn needs_officer(self) -> bool {
        matches!(self, Lane::Yellow | Lane::Red | Lane::Hold)
    }
}

/// Why a list is where it is: a stable code and words an officer or exporter understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    pub message: String,
}

impl Reason {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Reason {
        Reason { code: code.into(), message: message.into() }
    }
}

/// The decision on one declaration list (INTERFACES.md §3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub key: ListKey,
    pub invt_no: Option<String>,
    pub order_no: String,
    pub logistics_no: String,
    pub return_status: i32,
    pub lane: Lane,
    pub score: f64,
    pub reasons: Vec<Reason>,
    pub received_at: MessageTime,
    pub decided_at: Option<MessageTime>,
}
