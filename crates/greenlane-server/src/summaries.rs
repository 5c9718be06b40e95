//! `GET /api/v1/summaries?ebcCode=&month=YYYY-MM` (INTERFACES.md §2): a month's summary
//! declarations per exporter, each with its lines and the invtNos behind every line, the draft of
//! what is still to declare, the deadline and the lists at risk of missing it. An enterprise token
//! sees only its own exporter.

use crate::auth::Denied;
use crate::{AppState, bad_query, caller, denied, json_error};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use greenlane_core::access::Endpoint;
use greenlane_core::summary::{self, Declaration};
use greenlane_pipeline::summaries::{ExporterMonth, MonthView, month_view};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SummariesQuery {
    ebc_code: Option<String>,
    month: Option<String>,
}

/// The month's summaries, as the API gives them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SummariesJson {
    pub month: String,
    /// The last second of the 15th of the next month, China time.
    pub deadline: String,
    /// Message time now: the latest decision or departure the hub has seen.
    pub now: Option<String>,
    pub exporters: Vec<ExporterJson>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExporterJson {
    pub ebc_code: String,
    pub summaries: Vec<SummaryJson>,
    /// Departed lists in no summary yet, merged as an application with summaryFlag 1 and
    /// itemNameFlag 1 would merge them.
    pub draft: Vec<DeclarationJson>,
    /// Those lists, each with `in_time`, `at_risk` (fewer than 5 days left) or `overdue`.
    pub open: Vec<OpenListJson>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryJson {
    pub sum_no: String,
    pub cop_no: String,
    pub summary_flag: String,
    pub item_name_flag: String,
    pub applied_at: String,
    pub declarations: Vec<DeclarationJson>,
    /// The CEB792 result issued, as XML.
    pub ceb792: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeclarationJson {
    pub seq: u32,
    pub ebc_code: String,
    pub owner_code: Option<String>,
    pub gross_weight: Decimal,
    pub net_weight: Decimal,
    pub invt_nos: Vec<String>,
    pub lines: Vec<LineJson>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineJson {
    pub line_no: u32,
    pub hs_code: String,
    pub name: String,
    pub country: String,
    pub currency: String,
    pub unit: String,
    pub qty: Decimal,
    pub qty1: Decimal,
    pub value: Decimal,
    pub gross_weight: Decimal,
    pub net_weight: Decimal,
    /// The lists behind the line, in order, each once.
    pub invt_nos: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenListJson {
    pub invt_no: String,
    pub cop_no: String,
    pub deadline_state: summary::DeadlineState,
}

impl From<&Declaration> for DeclarationJson {
    fn from(d: &Declaration) -> Self {
        DeclarationJson {
            seq: d.seq,
            ebc_code: d.ebc_code.clone(),
            owner_code: d.owner_code.clone(),
            gross_weight: d.gross_weight,
            net_weight: d.net_weight,
            invt_nos: d.invt_nos.clone(),
            lines: d
                .lines
                .iter()
                .map(|l| {
                    let invt_nos = l.invt_nos().into_iter().map(str::to_owned).collect();
                    LineJson {
                        line_no: l.line_no,
                        hs_code: l.hs_code.clone(),
                        name: l.name.clone(),
                        country: l.country.clone(),
                        currency: l.currency.clone(),
                        unit: l.unit.clone(),
                        qty: l.qty,
                        qty1: l.qty1,
                        value: l.value,
                        gross_weight: l.gross_weight,
                        net_weight: l.net_weight,
                        invt_nos,
                    }
                })
                .collect(),
        }
    }
}

impl From<&ExporterMonth> for ExporterJson {
    fn from(e: &ExporterMonth) -> Self {
        ExporterJson {
            ebc_code: e.ebc_code.clone(),
            summaries: e
                .summaries
                .iter()
                .map(|s| SummaryJson {
                    sum_no: s.sum_no.clone(),
                    cop_no: s.cop_no.clone(),
                    summary_flag: s.summary_flag.clone(),
                    item_name_flag: s.item_name_flag.clone(),
                    applied_at: s.applied_at.to_rfc3339(),
                    declarations: s.declarations.iter().map(DeclarationJson::from).collect(),
                    ceb792: s.result.clone(),
                })
                .collect(),
            draft: e.draft.iter().map(DeclarationJson::from).collect(),
            open: e
                .open
                .iter()
                .map(|(invt_no, key, state)| OpenListJson {
                    invt_no: invt_no.clone(),
                    cop_no: key.cop_no.clone(),
                    deadline_state: *state,
                })
                .collect(),
        }
    }
}

impl From<&MonthView> for SummariesJson {
    fn from(v: &MonthView) -> Self {
        SummariesJson {
            month: summary::format_month(v.month),
            deadline: v.deadline.to_rfc3339(),
            now: v.now.map(|t| t.to_rfc3339()),
            exporters: v.exporters.iter().map(ExporterJson::from).collect(),
        }
    }
}

pub(crate) async fn get_summaries(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<SummariesQuery>, QueryRejection>,
) -> Response {
    let caller = match caller(&state, &headers) {
        Ok(c) => c,
        Err(d) => return denied(d),
    };
    if let Err(d) = caller.may(Endpoint::ReadDecisions) {
        return denied(d);
    }
    let Query(query) = match query {
        Ok(q) => q,
        Err(rejection) => return bad_query(rejection),
    };
    let Some(month) = query.month.as_deref() else {
        return json_error(StatusCode::BAD_REQUEST, "missing_month", "month is required: ?month=YYYY-MM");
    };
    let Some(month) = summary::parse_month(month) else {
        return json_error(
            StatusCode::BAD_REQUEST,
            "bad_month",
            "month must be a calendar month YYYY-MM, e.g. 2026-11",
        );
    };
    // An enterprise token reads its own exporter whether or not it names it; staff read one
    // exporter or all.
    let ebc_code = query.ebc_code.filter(|c| !c.is_empty()).or_else(|| caller.ebc_code.clone());
    if let Some(code) = &ebc_code
        && (code.len() > 18 || !caller.may_see(code))
    {
        return denied(Denied::Forbidden(format!("this token may not see enterprise {code}'s summaries")));
    }
    let store = state.store.clone();
    let view = tokio::task::spawn_blocking(move || {
        let mut r = store.read()?;
        month_view(&mut *r, ebc_code.as_deref(), month)
    })
    .await;
    match view {
        Ok(Ok(view)) => Json(SummariesJson::from(&view)).into_response(),
        Ok(Err(e)) => json_error(StatusCode::SERVICE_UNAVAILABLE, "store_failure", e.to_string()),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
    }
}
