//! What the store keeps of the monthly summary declaration: each list's departure (the month it
//! is summarised in), accepted summaries with the declarations greenlane computed and the CEB792
//! issued for them, and which summary holds each list (never two: a primary key).

use greenlane_core::summary::Declaration;
use greenlane_core::{ListKey, MessageTime};

/// A list that departed (899).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartureRow {
    pub invt_no: String,
    pub list: ListKey,
    /// `YYYYMM`, China time, of `departed_at`.
    pub month: u32,
    pub departed_at: MessageTime,
    /// The summary that holds the list, if one does (filled when read).
    pub sum_no: Option<String>,
}

/// An accepted summary application and what greenlane computed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    pub sum_no: String,
    pub ebc_code: String,
    /// The application's copNo.
    pub cop_no: String,
    /// `YYYYMM` of the departures it covers.
    pub month: u32,
    pub summary_flag: String,
    pub item_name_flag: String,
    pub applied_at: MessageTime,
    pub declarations: Vec<Declaration>,
    /// The CEB792 result issued, as XML.
    pub result: String,
}
