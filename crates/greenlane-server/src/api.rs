//! The JSON of the contract (INTERFACES.md §3), converted by hand from domain types so that the
//! wire format cannot drift when the domain changes.

use greenlane_core::Decision;
use serde::Serialize;

/// A Decision as the API and `greenlane decisions` print it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionJson {
    pub cop_no: String,
    pub ebc_code: String,
    pub invt_no: Option<String>,
    pub order_no: String,
    pub logistics_no: String,
    pub return_status: i32,
    pub lane: &'static str,
    pub score: f64,
    pub reasons: Vec<ReasonJson>,
    pub received_at: String,
    pub decided_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonJson {
    pub code: String,
    pub message: String,
}

impl From<&Decision> for DecisionJson {
    fn from(d: &Decision) -> Self {
        DecisionJson {
            cop_no: d.key.cop_no.clone(),
            ebc_code: d.key.ebc_code.clone(),
            invt_no: d.invt_no.clone(),
            order_no: d.order_no.clone(),
            logistics_no: d.logistics_no.clone(),
            return_status: d.return_status,
            lane: d.lane.as_str(),
            score: d.score,
            reasons: d
                .reasons
                .iter()
                .map(|r| ReasonJson { code: r.code.clone(), message: r.message.clone() })
                .collect(),
            received_at: d.received_at.to_rfc3339(),
            decided_at: d.decided_at.map(|t| t.to_rfc3339()),
        }
    }
}

/// `GET /api/v1/decisions`.
#[derive(Debug, Serialize)]
pub struct DecisionPage {
    pub items: Vec<DecisionJson>,
    pub next: String,
}

/// The JSON body of every non-XML error.
#[derive(Debug, Serialize)]
pub struct ErrorJson {
    pub code: &'static str,
    pub message: String,
}

/// `POST /api/v1/screen`: the contract's fields (`list`, `id`, `name`, `score`) and more.
#[derive(Debug, Serialize)]
pub struct ScreenJson {
    pub matches: Vec<ScreenMatchJson>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScreenMatchJson {
    pub list: String,
    pub list_version: String,
    pub id: String,
    /// The listed name that matched (primary or alias).
    pub name: String,
    pub primary_name: String,
    pub kind: &'static str,
    pub countries: Vec<String>,
    pub programs: Vec<String>,
    pub score: f64,
    /// At or above the hold threshold: a parcel with this party would be held.
    pub hold: bool,
}

/// `GET /api/v1/lists` and the answer to a reload: the lists in force.
#[derive(Debug, Serialize)]
pub struct ListsJson {
    pub lists: Vec<ListJson>,
}

#[derive(Debug, Serialize)]
pub struct ListJson {
    pub id: String,
    pub version: String,
    pub entries: usize,
    pub files: Vec<String>,
}

impl From<Vec<greenlane_screen::ListSummary>> for ListsJson {
    fn from(lists: Vec<greenlane_screen::ListSummary>) -> Self {
        ListsJson {
            lists: lists
                .into_iter()
                .map(|l| ListJson { id: l.id, version: l.version, entries: l.entries, files: l.files })
                .collect(),
        }
    }
}
