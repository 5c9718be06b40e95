//! `GET`/`POST /api/v1/mandates` (administrators): who files which exporter's lists and
//! waybills, as `serve --closed-registry` enforces it (greenlane-core's `access`).

use crate::auth::Denied;
use crate::{AppState, caller, denied, json_error};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use greenlane_core::access::MandateKind;
use greenlane_store::Role;
use serde::{Deserialize, Serialize};

/// One mandate, as the API reads and writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MandateJson {
    pub exporter: String,
    pub party: String,
    /// `agent` or `logistics`.
    pub kind: String,
}

fn admin(state: &AppState, headers: &HeaderMap) -> Result<(), Denied> {
    match caller(state, headers) {
        Ok(c) if c.role == Role::Admin => Ok(()),
        Ok(c) => Err(Denied::Forbidden(format!("role {} may not manage mandates", c.role.as_str()))),
        Err(d) => Err(d),
    }
}

pub(crate) async fn list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(d) = admin(&state, &headers) {
        return denied(d);
    }
    let store = state.store.clone();
    match tokio::task::spawn_blocking(move || store.read().and_then(|mut r| r.mandates())).await {
        Ok(Ok(rows)) => {
            let mandates: Vec<MandateJson> =
                rows.into_iter().map(|(exporter, party, kind)| MandateJson { exporter, party, kind }).collect();
            Json(serde_json::json!({ "mandates": mandates })).into_response()
        }
        Ok(Err(e)) => json_error(StatusCode::SERVICE_UNAVAILABLE, "store_failure", e.to_string()),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
    }
}

pub(crate) async fn add(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    if let Err(d) = admin(&state, &headers) {
        return denied(d);
    }
    let m: MandateJson = match serde_json::from_slice(&body) {
        Ok(m) => m,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, "bad_request", format!("not a mandate: {e}")),
    };
    let Some(kind) = MandateKind::parse(&m.kind) else {
        return json_error(StatusCode::BAD_REQUEST, "bad_request", "kind must be \"agent\" or \"logistics\"");
    };
    if m.exporter.trim().is_empty() || m.party.trim().is_empty() || m.exporter.len() > 18 || m.party.len() > 18 {
        return json_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "exporter and party are enterprise codes (1-18 characters)",
        );
    }
    let store = state.store.clone();
    let (exporter, party) = (m.exporter.trim().to_owned(), m.party.trim().to_owned());
    let saved = tokio::task::spawn_blocking(move || {
        let mut tx = store.write()?;
        tx.insert_mandate(&exporter, &party, kind.as_str())?;
        tx.commit()
    })
    .await;
    match saved {
        Ok(Ok(())) => (StatusCode::CREATED, Json(m)).into_response(),
        Ok(Err(e)) => json_error(StatusCode::SERVICE_UNAVAILABLE, "store_failure", e.to_string()),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
    }
}
