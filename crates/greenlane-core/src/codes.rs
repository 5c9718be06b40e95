//! Business errors and the negative `returnStatus` codes that report them in CEB receipts.
//!
//! Where the official spec (202205, §7) defines a code, that code is used: −10102 for an unknown
//! enterprise, −301010 for a duplicate order, −301011 for an order that already has a list,
//! −504012 for a waybill that already exists. Where it defines none, greenlane uses its own codes
//! in the −99xxxx range, which the spec leaves unused, so that they can never be mistaken for an
//! official code: −99000x malformed values, −99001x who may act (not a party, no mandate),
//! −99002x impossible values, −9903xx–−9906xx the documents and the list life-cycle by their
//! message number, −9909xx the message as a whole.

/// A message that is well-formed but cannot be applied: the sender's fault, answered in the
/// receipt with a negative code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BusinessError {
    #[error("enterprise code {code} is not registered")]
    UnknownEnterprise { code: String },
    #[error("order {order_no} of platform {ebp_code} already exists")]
    DuplicateOrder { ebp_code: String, order_no: String },
    #[error("a declaration list ({cop_no}) has already been declared on order {order_no}")]
    OrderHasList { order_no: String, cop_no: String },
    #[error("order {order_no} of platform {ebp_code} does not exist")]
    OrderNotFound { ebp_code: String, order_no: String },
    #[error("waybill {logistics_no} of logistics firm {logistics_code} already exists")]
    DuplicateWaybill { logistics_code: String, logistics_no: String },
    #[error("waybill {logistics_no} of logistics firm {logistics_code} does not exist")]
    WaybillNotFound { logistics_code: String, logistics_no: String },
    #[error("waybill {logistics_no} is already on declaration list {cop_no}; it can no longer change")]
    WaybillHasList { logistics_no: String, cop_no: String },
    #[error("the payment for order {order_no} already exists")]
    DuplicatePayment { order_no: String },
    #[error("declaration list {cop_no} of enterprise {ebc_code} already exists")]
    DuplicateList { ebc_code: String, cop_no: String },
    #[error("declaration list {cop_no} of enterprise {ebc_code} does not exist")]
    ListNotFound { ebc_code: String, cop_no: String },
    #[error("declaration list {cop_no} has been decided ({lane}); it can only be cancelled (CEB605)")]
    ListDecided { cop_no: String, lane: String },
    #[error("declaration list {cop_no} cannot be cancelled: {why}")]
    CancelRefused { cop_no: String, why: String },
    #[error("no released declaration list carries waybill {logistics_no}")]
    NotReleased { logistics_no: String },
    #[error("waybill {logistics_no} has not arrived at the supervision site")]
    NotArrived { logistics_no: String },
    #[error("the order or the waybill of list {cop_no} did not arrive within {hours} hours")]
    Expired { cop_no: String, hours: i64 },
    #[error("declaration list {cop_no} is not with an officer (it is {status}); there is nothing to inspect")]
    NotUnderReview { cop_no: String, status: &'static str },
    #[error("enterprise {party} is neither the exporter nor the filer of {what}")]
    NotParty { party: String, what: String },
    #[error("enterprise {party} holds no {kind} mandate from exporter {exporter} to file {what}")]
    NoMandate { party: String, exporter: String, kind: &'static str, what: String },
    #[error("declaration list {cop_no} is with a customs officer; it cannot be {action} until the officer decides")]
    UnderReview { cop_no: String, action: &'static str },
    #[error("{what} must be greater than zero, not {value}")]
    NotPositive { what: String, value: String },
    #[error("{what} is {declared}, but what it totals makes {sum}")]
    TotalMismatch { what: String, declared: String, sum: String },
    #[error("{what} {value} is not a plausible date: {why}")]
    ImplausibleDate { what: String, value: String, why: String },
    #[error("guid {guid} was already used for a message with other content; a new message needs a new guid")]
    GuidReused { guid: String },
    #[error("{message_type} is not a message greenlane accepts: {why}")]
    NotAccepted { message_type: String, why: String },
    #[error("{0}")]
    Invalid(String),
    // ----- summaries (CEB701) ---------------------------------------------------------------------
    #[error("summary application is not valid: {why}")]
    SummaryInvalid { why: String },
    #[error("no declaration list of enterprise {ebc_code} has list number {invt_no}")]
    SummaryUnknownList { ebc_code: String, invt_no: String },
    #[error("declaration list {invt_no} is already in summary {sum_no}; a list is declared in one summary only")]
    SummaryListTaken { invt_no: String, sum_no: String },
    #[error("declaration list {invt_no} has not departed (it is {status}); only cleared (899) lists are summarised")]
    SummaryNotDeparted { invt_no: String, status: String },
    #[error("declaration list {invt_no} departed in {month}, not in {expected}: a summary covers one month")]
    SummaryMixedMonths { invt_no: String, month: String, expected: String },
    #[error("summary application {cop_no} of enterprise {ebc_code} already exists")]
    DuplicateSummary { ebc_code: String, cop_no: String },
    #[error("declaration list {cop_no} is in summary declaration {sum_no}; it can no longer be {action}")]
    ListInSummary { cop_no: String, sum_no: String, action: &'static str },
    #[error("summary application {cop_no} names no list that can be summarised")]
    SummaryEmpty { cop_no: String },
}

impl BusinessError {
    /// The negative `returnStatus` of the receipt.
    pub fn code(&self) -> i32 {
        match self {
            BusinessError::UnknownEnterprise { .. } => -10102,
            BusinessError::DuplicateOrder { .. } => -301010,
            BusinessError::OrderHasList { .. } => -301011,
            BusinessError::OrderNotFound { .. } => -990303,
            BusinessError::DuplicateWaybill { .. } => -504012,
            BusinessError::WaybillNotFound { .. } => -990505,
            BusinessError::WaybillHasList { .. } => -990506,
            BusinessError::DuplicatePayment { .. } => -990403,
            BusinessError::DuplicateList { .. } => -990601,
            BusinessError::ListNotFound { .. } => -990602,
            BusinessError::ListDecided { .. } => -990603,
            BusinessError::CancelRefused { .. } => -990605,
            BusinessError::NotReleased { .. } => -990507,
            BusinessError::NotArrived { .. } => -990509,
            BusinessError::Expired { .. } => -990120,
            BusinessError::NotUnderReview { .. } => -990300,
            BusinessError::NotParty { .. } => -990010,
            BusinessError::NoMandate { .. } => -990011,
            BusinessError::UnderReview { .. } => -990606,
            BusinessError::NotPositive { .. } => -990020,
            BusinessError::TotalMismatch { .. } => -990021,
            BusinessError::ImplausibleDate { .. } => -990022,
            BusinessError::GuidReused { .. } => -990901,
            BusinessError::NotAccepted { .. } => -990900,
            BusinessError::Invalid(_) => -990001,
            BusinessError::SummaryInvalid { .. } => -990700,
            BusinessError::SummaryUnknownList { .. } => -990701,
            BusinessError::SummaryListTaken { .. } => -990702,
            BusinessError::SummaryNotDeparted { .. } => -990703,
            BusinessError::SummaryMixedMonths { .. } => -990704,
            BusinessError::DuplicateSummary { .. } => -990705,
            BusinessError::ListInSummary { .. } => -990706,
            BusinessError::SummaryEmpty { .. } => -990707,
        }
    }

    /// A stable machine-readable name for the cause.
    pub fn name(&self) -> &'static str {
        match self {
            BusinessError::UnknownEnterprise { .. } => "unknown_enterprise",
            BusinessError::DuplicateOrder { .. } => "duplicate_order",
            BusinessError::OrderHasList { .. } => "order_has_list",
            BusinessError::OrderNotFound { .. } => "order_not_found",
            BusinessError::DuplicateWaybill { .. } => "duplicate_waybill",
            BusinessError::WaybillNotFound { .. } => "waybill_not_found",
            BusinessError::WaybillHasList { .. } => "waybill_has_list",
            BusinessError::DuplicatePayment { .. } => "duplicate_payment",
            BusinessError::DuplicateList { .. } => "duplicate_list",
            BusinessError::ListNotFound { .. } => "list_not_found",
            BusinessError::ListDecided { .. } => "list_decided",
            BusinessError::CancelRefused { .. } => "cancel_refused",
            BusinessError::NotReleased { .. } => "not_released",
            BusinessError::NotArrived { .. } => "not_arrived",
            BusinessError::Expired { .. } => "expired",
            BusinessError::NotUnderReview { .. } => "not_under_review",
            BusinessError::NotParty { .. } => "not_party",
            BusinessError::NoMandate { .. } => "no_mandate",
            BusinessError::UnderReview { .. } => "under_review",
            BusinessError::NotPositive { .. } => "not_positive",
            BusinessError::TotalMismatch { .. } => "total_mismatch",
            BusinessError::ImplausibleDate { .. } => "implausible_date",
            BusinessError::GuidReused { .. } => "guid_reused",
            BusinessError::NotAccepted { .. } => "not_accepted",
            BusinessError::Invalid(_) => "invalid",
            BusinessError::SummaryInvalid { .. } => "summary_invalid",
            BusinessError::SummaryUnknownList { .. } => "summary_unknown_list",
            BusinessError::SummaryListTaken { .. } => "summary_list_taken",
            BusinessError::SummaryNotDeparted { .. } => "summary_not_departed",
            BusinessError::SummaryMixedMonths { .. } => "summary_mixed_months",
            BusinessError::DuplicateSummary { .. } => "duplicate_summary",
            BusinessError::ListInSummary { .. } => "list_in_summary",
            BusinessError::SummaryEmpty { .. } => "summary_empty",
        }
    }
}
