//! greenlane's domain: the documents of a cross-border parcel, how they are matched and checked,
//! the lanes a declaration list is sent down, and the life-cycle of a list from storage to
//! clearance.
//!
//! # Brief overview
//!
//! A parcel is declared with three documents: the platform's [`Order`], the logistics firm's
//! [`Waybill`] and the declaration [`List`] (清单), optionally with a [`Payment`] receipt.
//! [`check::three_documents`] compares them; a [`risk::RiskEngine`] turns the [`Parcel`] and the
//! findings into an [`risk::Assessment`] (lane, score, reasons); [`lifecycle`] says which
//! message may move a list from one [`ListStatus`] to the next and with which customs
//! `returnStatus`.
//!
//! This crate does no I/O and knows nothing of XML, SQL or HTTP: every time it sees is message
//! time ([`MessageTime`]), so replaying the same traffic gives the same decisions.

pub mod access;
pub mod check;
pub mod codes;
mod decision;
mod documents;
pub mod inspection;
pub mod lifecycle;
mod message_time;
pub mod plausible;
pub mod risk;
pub mod summary;

pub use codes::BusinessError;
pub use decision::{Decision, Lane, Reason};
pub use documents::{
    Buyer, ChargeMark, List, ListItem, ListKey, Order, OrderItem, OrderKey, Parcel, Payment, Waybill, WaybillKey,
};
pub use inspection::{Inspection, InspectionOutcome, ViolationKind};
pub use lifecycle::ListStatus;
pub use message_time::{MessageTime, MessageTimeError};
