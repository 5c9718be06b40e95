//! The HTTP face of greenlane (INTERFACES.md §2): CEB messages in and receipts out, decisions,
//! health and Prometheus metrics. Handlers only translate between HTTP and the pipeline: the
//! writer thread decides, the store keeps.

pub mod api;
pub mod auth;
mod cursor;
mod flights;
pub mod listen;
mod mandates;
mod metrics_hook;
pub mod onerecord;
pub mod summaries;

use api::{DecisionJson, DecisionPage, ErrorJson};
use auth::{Caller, Denied};
use axum::body::{Body, to_bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use greenlane_core::{BusinessError, InspectionOutcome, ListKey, ViolationKind};
use greenlane_pipeline::{InspectionRequest, Lists, Outcome, Prepared, Writer, receipts};
use greenlane_store::{Digest, Store};
use metrics_exporter_prometheus::PrometheusHandle;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Instant;

pub use flights::{FlightJson, ListJson, MawbJson, UldJson, day_flights};
pub use listen::{Limits, MAX_JSON_BODY, MAX_MESSAGE_BODY};
pub use metrics_hook::{batch_observer, install_metrics};

/// The largest message accepted, as the codec enforces it.
pub const MAX_BODY: usize = MAX_MESSAGE_BODY;
/// The longest name `POST /api/v1/screen` takes, in characters: the screener reads no further.
pub const MAX_SCREEN_NAME: usize = greenlane_screen::MAX_NAME_CHARS;
/// The longest country `POST /api/v1/screen` takes: an ISO code or an English country name.
pub const MAX_SCREEN_COUNTRY: usize = 64;
/// The longest officer's note on an inspection, in characters: it is kept in the audit trail.
pub const MAX_NOTE: usize = 2000;
/// `copNo` and `ebcCode` as the CEB XSD bounds them.
const MAX_COP_NO: usize = 30;
const MAX_EBC_CODE: usize = 18;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub writer: Writer,
    pub store: Arc<dyn Store>,
    pub admin_hash: Option<Digest>,
    pub metrics: PrometheusHandle,
    /// The denied-party lists in force, when loaded.
    pub lists: Option<Arc<Lists>>,
    /// The risk engine's criteria, when the engine has any.
    pub criteria: Option<Arc<dyn CriteriaControl>>,
    /// The route table, when the hub moves parcels onto flights.
    pub routes: Option<Arc<dyn RoutesControl>>,
}

/// What the API may do with the hub's route table: read the table in force, and load the file
/// the hub was started with again.
pub trait RoutesControl: Send + Sync {
    /// The routes and cargo table in force.
    fn cargo(&self) -> Arc<greenlane_pipeline::Cargo>;
    /// The table in force: its version and the digest of its text.
    fn version(&self) -> RoutesVersion;
    /// Reads the file again, checks it and puts it in force for every cut-off still to come;
    /// flights already closed keep the load they were built with. On error (file and line)
    /// nothing changes.
    fn reload(&self) -> Result<RoutesVersion, RoutesError>;
}

/// A route table's identity: the `version` its editor wrote and the SHA-256 of its text, which
/// changes with any edit even when the version was not bumped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoutesVersion {
    pub version: String,
    pub digest: String,
    pub routes: usize,
    /// Where it was read from (`data/routes.toml` for the shipped table).
    pub file: String,
}

/// Why a route table was not put in force.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutesError {
    /// The hub runs the shipped table: there is no file to read again.
    #[error("this hub runs the shipped route table; start it with --routes FILE to reload one")]
    Shipped,
    /// The file does not read or does not check: the editor's to fix (`file:line: why`).
    #[error("{0}")]
    Invalid(String),
    /// Ours: the table checked but could not be recorded in the intake log (or the writer has
    /// stopped); the table in force stays.
    #[error("the route table could not be put in force: {0}")]
    Unrecorded(String),
}

/// What the API may do with the risk engine's criteria: the engine itself belongs to the
/// pipeline's writer; this is the narrow handle the server gets.
pub trait CriteriaControl: Send + Sync {
    /// The version of the criteria in force.
    fn version(&self) -> String;
    /// Loads the criteria again and puts them in force; on error (file, line and column) the
    /// criteria in force stay. Returns the new version.
    fn reload(&self) -> Result<String, String>;
    /// Hit counts and rates per criterion and analyzer, as JSON.
    fn report(&self) -> serde_json::Value;
    /// The files the criteria in force were loaded from, in name order.
    fn files(&self) -> Vec<CriteriaFile>;
    /// Whether the criteria come from a folder an analyst may edit (not the shipped ones).
    fn editable(&self) -> bool;
    /// Checks the whole set as it would be with `name` replaced by `text` (a new name adds a
    /// file); nothing is written. Returns the version the set would have, or every error with
    /// file, line and column.
    fn check(&self, name: &str, text: &str) -> Result<String, String>;
    /// Checks as [`CriteriaControl::check`], then writes the file and puts the set in force.
    /// On any error nothing is written and the criteria in force stay.
    fn save(&self, name: &str, text: &str) -> Result<String, String>;
    /// Starts replaying the stored traffic under the set in force and under the set with `name`
    /// replaced by `text`, in the background; one backtest runs at a time.
    fn start_backtest(&self, name: &str, text: &str) -> Result<(), String>;
    /// The running or last backtest: progress, then both reports, as JSON; `None` before the first.
    fn backtest(&self) -> Option<serde_json::Value>;
    /// The three-document check of `parcel` under the tolerances in force: every comparison,
    /// within its tolerance or not, for the case page.
    fn document_comparisons(&self, parcel: &greenlane_core::Parcel) -> Vec<greenlane_core::check::Comparison>;
}

/// One criteria file as an analyst reads and edits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriteriaFile {
    /// The file's name in its folder (`criteria.toml`), never a path.
    pub name: String,
    pub text: String,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("store", &self.store.describe()).finish()
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/messages", post(post_message))
        .route("/api/v1/inventories/{cop_no}", get(get_inventory))
        .route("/api/v1/decisions", get(get_decisions))
        .route("/api/v1/inspections", post(post_inspection))
        .route("/api/v1/screen", post(post_screen))
        .route("/api/v1/lists", get(get_lists))
        .route("/api/v1/lists/reload", post(post_lists_reload))
        .route("/api/v1/criteria", get(get_criteria))
        .route("/api/v1/criteria/reload", post(post_criteria_reload))
        .route("/api/v1/mandates", get(mandates::list).post(mandates::add))
        .route("/api/v1/flights", get(flights::list))
        .route("/api/v1/flights/forecast", get(flights::forecast))
        .route("/api/v1/routes", get(flights::routes))
        .route("/api/v1/routes/reload", post(flights::reload_routes))
        .route("/api/v1/flights/{flight_no}/{date}/ffm", get(flights::ffm))
        .route("/api/v1/mawbs/{mawb}/{kind}", get(flights::mawb_document))
        .route("/api/v1/mawbs/{mawb}/onerecord", get(onerecord::mawb))
        .route("/api/v1/summaries", get(summaries::get_summaries))
        .route("/metrics", get(get_metrics))
        .route("/healthz", get(healthz))
        // Bodies are limited per route by `listen`'s guard, and read by the handlers only after
        // the token is checked.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(state)
}

/// Serves until `shutdown` resolves; in-flight requests finish first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    listen::serve_limited(listener, router(state), Limits::default(), shutdown).await
}

/// Serves the API and `extra` routes beside it (the web UI, greenlane-web) until `shutdown`
/// resolves; in-flight requests finish first.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    extra: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_limits(listener, state, extra, Limits::default(), shutdown).await
}

/// [`serve_with`] within `limits`: connections, timeouts (see [`Limits`]).
pub async fn serve_with_limits(
    listener: tokio::net::TcpListener,
    state: AppState,
    extra: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The web UI's forms are read by extractors, before its handlers run: the same 1 MB as JSON.
    let extra = extra.layer(axum::extract::DefaultBodyLimit::max(MAX_JSON_BODY));
    listen::serve_limited(listener, router(state).merge(extra), limits, shutdown).await
}

/// `413` with the CEB900 a message over 10 MB gets.
pub(crate) fn message_too_large() -> Response {
    metrics::counter!("greenlane_messages_total", "type" => "unknown", "outcome" => "too_large").increment(1);
    let error = greenlane_ceb::ReadError {
        message_type: None,
        version: None,
        entity: None,
        path: String::new(),
        line: 0,
        column: 0,
        kind: greenlane_ceb::ReadErrorKind::TooLarge { size: MAX_BODY + 1, limit: MAX_BODY },
    };
    let mut response =
        xml(StatusCode::PAYLOAD_TOO_LARGE, receipts::ceb900(&error, &[0; 32], None, greenlane_core::MessageTime(0)));
    // The rest of the body is not read: the connection cannot carry another request.
    response.headers_mut().insert(header::CONNECTION, axum::http::HeaderValue::from_static("close"));
    response
}

/// Why a body could not be used, as the answer to send.
fn body_error(e: &axum::Error) -> Response {
    match listen::BodyFault::of(e) {
        Some(fault) => json_error(fault.status(), fault.code(), fault.to_string()),
        None => json_error(StatusCode::BAD_REQUEST, "bad_body", format!("the body could not be read: {e}")),
    }
}

/// The whole body, within the limits the guard set for its route (see [`listen`]).
async fn read_body(body: Body) -> Result<axum::body::Bytes, axum::Error> {
    to_bytes(body, usize::MAX).await
}

/// A query string that does not parse: JSON like every other error.
fn bad_query(rejection: QueryRejection) -> Response {
    json_error(StatusCode::BAD_REQUEST, "bad_query", rejection.body_text())
}

fn json_error(status: StatusCode, code: &'static str, message: impl Into<String>) -> Response {
    (status, Json(ErrorJson { code, message: message.into() })).into_response()
}

fn denied(d: Denied) -> Response {
    let code = match d {
        Denied::Unauthenticated => "unauthenticated",
        Denied::Forbidden(_) => "forbidden",
        Denied::Unavailable(_) => "unavailable",
    };
    json_error(d.status(), code, d.message())
}

fn xml(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/xml; charset=utf-8")], body).into_response()
}

fn caller(state: &AppState, headers: &HeaderMap) -> Result<Caller, Denied> {
    auth::authenticate(headers, &*state.store, state.admin_hash.as_ref())
}

async fn post_message(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let started = Instant::now();
    let caller = match caller(&state, &headers) {
        Ok(c) => c,
        Err(d) => return denied(d),
    };
    if !caller.may_send() {
        return denied(Denied::Forbidden(format!("role {} may not send messages", caller.role.as_str())));
    }
    let bytes = match read_body(body).await {
        Ok(b) => b,
        Err(e) if matches!(listen::BodyFault::of(&e), Some(listen::BodyFault::TooLarge(_))) => {
            return message_too_large();
        }
        Err(e) => return body_error(&e),
    };
    let prepared = Prepared::new(bytes.to_vec()).sent_by(caller.acting_enterprise());
    // An enterprise sends only its own data. A message that does not read is answered with its
    // CEB900 whoever sends it: it holds no one's data.
    if let Some(code) = &caller.ebc_code
        && caller.role == greenlane_store::Role::Enterprise
        && prepared.parsed.is_ok()
        && !prepared.is_party(code)
    {
        return denied(Denied::Forbidden(format!(
            "this token belongs to enterprise {code}, which is not a party to every entity of the message"
        )));
    }
    let type_label = match &prepared.parsed {
        Ok(p) => p.message.message_type().code(),
        Err(e) => e.message_type.map_or("unknown", |t| t.code()),
    };
    let answer = state.writer.submit(prepared).await;
    let response = match answer {
        Ok(Ok(Outcome::Receipt { xml: body, replay, .. })) => {
            let outcome = if replay { "replay" } else { "accepted" };
            metrics::counter!("greenlane_messages_total", "type" => type_label, "outcome" => outcome).increment(1);
            let mut response = xml(StatusCode::OK, body);
            if replay {
                // An exact re-send gets the receipt it got the first time; the header tells an
                // integrator's retry logic that nothing new was stored.
                response.headers_mut().insert("x-greenlane-replay", axum::http::HeaderValue::from_static("true"));
            }
            response
        }
        Ok(Ok(Outcome::Refused { xml: body, .. })) => {
            metrics::counter!("greenlane_messages_total", "type" => type_label, "outcome" => "refused").increment(1);
            xml(StatusCode::BAD_REQUEST, body)
        }
        Ok(Err(why)) => {
            json_error(StatusCode::SERVICE_UNAVAILABLE, "store_failure", format!("not stored, send again: {why}"))
        }
        Err(closed) => json_error(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", closed.to_string()),
    };
    metrics::histogram!("greenlane_request_seconds", "route" => "messages").record(started.elapsed().as_secs_f64());
    response
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InventoryQuery {
    ebc_code: Option<String>,
}

async fn get_inventory(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(cop_no): Path<String>,
    query: Result<Query<InventoryQuery>, QueryRejection>,
) -> Response {
    let caller = match caller(&state, &headers) {
        Ok(c) => c,
        Err(d) => return denied(d),
    };
    let Query(query) = match query {
        Ok(q) => q,
        Err(rejection) => return bad_query(rejection),
    };
    let Some(ebc_code) = query.ebc_code.or_else(|| caller.ebc_code.clone()) else {
        return json_error(StatusCode::BAD_REQUEST, "missing_ebc_code", "ebcCode is required: ?ebcCode=CODE");
    };
    if !caller.may_see(&ebc_code) {
        return denied(Denied::Forbidden(format!("this token may not see enterprise {ebc_code}'s lists")));
    }
    let key = ListKey { ebc_code, cop_no };
    let store = state.store.clone();
    let found = tokio::task::spawn_blocking(move || store.read().and_then(|mut r| r.get_list(&key))).await;
    match found {
        Ok(Ok(Some(row))) => Json(DecisionJson::from(&row.decision())).into_response(),
        Ok(Ok(None)) => json_error(StatusCode::NOT_FOUND, "not_found", "no such declaration list"),
        Ok(Err(e)) => json_error(StatusCode::SERVICE_UNAVAILABLE, "store_failure", e.to_string()),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
    }
}

/// `POST /api/v1/inspections` (INTERFACES.md §2).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InspectionBody {
    cop_no: String,
    ebc_code: String,
    outcome: String,
    violation: Option<String>,
    note: Option<String>,
}

impl InspectionBody {
    /// The outcome the officer meant, or why the body does not say it clearly.
    fn outcome(&self) -> Result<InspectionOutcome, String> {
        if self.cop_no.chars().count() > MAX_COP_NO || self.ebc_code.chars().count() > MAX_EBC_CODE {
            return Err(format!("copNo has at most {MAX_COP_NO} characters and ebcCode at most {MAX_EBC_CODE}"));
        }
        if self.note.as_deref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
            return Err(format!("note has at most {MAX_NOTE} characters"));
        }
        match (self.outcome.as_str(), self.violation.as_deref()) {
            ("compliant", None) => Ok(InspectionOutcome::Compliant),
            ("compliant", Some(_)) => Err("a compliant outcome names no violation".into()),
            ("violation", Some(kind)) => {
                ViolationKind::parse(kind).map(InspectionOutcome::Violation).ok_or_else(|| {
                    let kinds: Vec<&str> = ViolationKind::ALL.iter().map(|k| k.as_str()).collect();
                    format!("unknown violation kind {kind:?}; one of {}", kinds.join(", "))
                })
            }
            ("violation", None) => Err("a violation outcome needs \"violation\": the kind found".into()),
            (other, _) => Err(format!("outcome must be \"compliant\" or \"violation\", not {other:?}")),
        }
    }
}

async fn post_inspection(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let caller = match caller(&state, &headers) {
        Ok(c) => c,
        Err(d) => return denied(d),
    };
    if !caller.may_inspect() {
        return denied(Denied::Forbidden(format!("role {} may not record inspections", caller.role.as_str())));
    }
    let body = match read_body(body).await {
        Ok(b) => b,
        Err(e) => return body_error(&e),
    };
    let body: InspectionBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, "bad_request", format!("not an inspection: {e}")),
    };
    let outcome = match body.outcome() {
        Ok(o) => o,
        Err(why) => return json_error(StatusCode::BAD_REQUEST, "bad_request", why),
    };
    let request = InspectionRequest {
        list: ListKey { ebc_code: body.ebc_code, cop_no: body.cop_no },
        outcome,
        note: body.note.unwrap_or_default(),
        officer: caller.name.clone(),
    };
    match state.writer.inspect(request).await {
        Ok(Ok(Ok(row))) => {
            metrics::counter!("greenlane_inspections_total", "outcome" => match outcome {
                InspectionOutcome::Compliant => "compliant",
                InspectionOutcome::Violation(kind) => kind.as_str(),
            })
            .increment(1);
            Json(DecisionJson::from(&row.decision())).into_response()
        }
        Ok(Ok(Err(e @ BusinessError::ListNotFound { .. }))) => {
            json_error(StatusCode::NOT_FOUND, e.name(), e.to_string())
        }
        Ok(Ok(Err(e))) => json_error(StatusCode::CONFLICT, e.name(), e.to_string()),
        Ok(Err(why)) => {
            json_error(StatusCode::SERVICE_UNAVAILABLE, "store_failure", format!("not recorded, send again: {why}"))
        }
        Err(closed) => json_error(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", closed.to_string()),
    }
}

/// `POST /api/v1/screen` (INTERFACES.md §2).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScreenBody {
    name: String,
    country: Option<String>,
    kind: Option<String>,
}

async fn post_screen(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    if let Err(d) = caller(&state, &headers) {
        return denied(d);
    }
    let body = match read_body(body).await {
        Ok(b) => b,
        Err(e) => return body_error(&e),
    };
    let Some(lists) = state.lists.clone() else {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_lists",
            "no denied-party lists are loaded (serve --lists DIR)",
        );
    };
    let body: ScreenBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, "bad_request", format!("not a screening request: {e}")),
    };
    if body.name.trim().is_empty() {
        return json_error(StatusCode::BAD_REQUEST, "bad_request", "name must not be empty");
    }
    let length = body.name.chars().count();
    if length > MAX_SCREEN_NAME {
        return json_error(
            StatusCode::BAD_REQUEST,
            "name_too_long",
            format!("name has {length} characters; at most {MAX_SCREEN_NAME} are screened"),
        );
    }
    if body.country.as_deref().is_some_and(|c| c.chars().count() > MAX_SCREEN_COUNTRY) {
        return json_error(
            StatusCode::BAD_REQUEST,
            "country_too_long",
            format!("country is an ISO code or a country name of at most {MAX_SCREEN_COUNTRY} characters"),
        );
    }
    let kind = match body.kind.as_deref() {
        None => None,
        Some("person") => Some(greenlane_screen::Kind::Person),
        Some("organization") => Some(greenlane_screen::Kind::Organization),
        Some(other) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("kind must be \"person\" or \"organization\", not {other:?}"),
            );
        }
    };
    let query = greenlane_screen::Query { name: &body.name, country: body.country.as_deref(), kind };
    let matches: Vec<api::ScreenMatchJson> = lists
        .screener()
        .screen(&query)
        .into_iter()
        .map(|m| api::ScreenMatchJson {
            hold: m.score >= lists.hold_threshold(),
            list: m.list,
            list_version: m.list_version,
            id: m.entry_id,
            name: m.name,
            primary_name: m.primary_name,
            kind: m.kind.as_str(),
            countries: m.countries,
            programs: m.programs,
            score: m.score,
        })
        .collect();
    Json(api::ScreenJson { matches }).into_response()
}

async fn get_lists(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(d) = caller(&state, &headers) {
        return denied(d);
    }
    let lists = state.lists.as_ref().map(|l| l.screener().lists()).unwrap_or_default();
    Json(api::ListsJson::from(lists)).into_response()
}

async fn post_lists_reload(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match caller(&state, &headers) {
        Ok(c) => {
            if let Err(d) = c.may(greenlane_core::access::Endpoint::ReloadScreeningLists) {
                return denied(d);
            }
        }
        Err(d) => return denied(d),
    }
    let Some(lists) = state.lists.clone() else {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_lists",
            "no denied-party lists are loaded (serve --lists DIR)",
        );
    };
    match tokio::task::spawn_blocking(move || lists.reload()).await {
        Ok(Ok(report)) => Json(api::ListsJson::from(report.lists)).into_response(),
        // The lists in force stay in force; the error names the file and line.
        Ok(Err(e)) => json_error(StatusCode::UNPROCESSABLE_ENTITY, "bad_list", e.to_string()),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
    }
}

async fn get_criteria(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match caller(&state, &headers) {
        Ok(c) => {
            if let Err(d) = c.may(greenlane_core::access::Endpoint::ReadCriteria) {
                return denied(d);
            }
        }
        Err(d) => return denied(d),
    }
    let Some(criteria) = state.criteria.clone() else {
        return json_error(StatusCode::NOT_FOUND, "no_criteria", "this hub's risk engine has no criteria");
    };
    match tokio::task::spawn_blocking(move || criteria.report()).await {
        Ok(report) => Json(report).into_response(),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
    }
}

async fn post_criteria_reload(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match caller(&state, &headers) {
        Ok(c) => {
            if let Err(d) = c.may(greenlane_core::access::Endpoint::ChangeCriteria) {
                return denied(d);
            }
        }
        Err(d) => return denied(d),
    }
    let Some(criteria) = state.criteria.clone() else {
        return json_error(StatusCode::NOT_FOUND, "no_criteria", "this hub's risk engine has no criteria");
    };
    match tokio::task::spawn_blocking(move || criteria.reload()).await {
        Ok(Ok(version)) => Json(serde_json::json!({ "version": version })).into_response(),
        // The criteria in force stay in force.
        Ok(Err(why)) => json_error(StatusCode::UNPROCESSABLE_ENTITY, "bad_criteria", why),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
    }
}

#[derive(Debug, Deserialize)]
struct FeedQuery {
    after: Option<String>,
    /// Parsed by hand, so that `limit=-1` gets a JSON answer that names it.
    limit: Option<String>,
}

async fn get_decisions(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<FeedQuery>, QueryRejection>,
) -> Response {
    let caller = match caller(&state, &headers) {
        Ok(c) => c,
        Err(d) => return denied(d),
    };
    let Query(query) = match query {
        Ok(q) => q,
        Err(rejection) => return bad_query(rejection),
    };
    let after: u64 = match query.after.as_deref().filter(|s| !s.is_empty()).map(|c| cursor::decode(&state, c)) {
        None => 0,
        Some(Some(after)) => after,
        Some(None) => {
            return json_error(StatusCode::BAD_REQUEST, "bad_cursor", "after must be a cursor from a previous page");
        }
    };
    let limit = match query.limit.as_deref().map(str::parse::<usize>) {
        None => 100,
        // Out of range is brought into it, as it always was; only what is not a count is refused.
        Some(Ok(n)) => n.clamp(1, 1000),
        Some(Err(_)) => {
            return json_error(StatusCode::BAD_REQUEST, "bad_limit", "limit must be a whole number from 1 to 1000");
        }
    };
    let store = state.store.clone();
    let page =
        tokio::task::spawn_blocking(move || store.read().and_then(|mut r| r.decisions_after(after, limit))).await;
    match page {
        Ok(Ok(entries)) => {
            let next = entries.last().map_or(after, |(seq, _)| *seq);
            let items = entries
                .iter()
                .filter(|(_, d)| caller.may_see(&d.key.ebc_code))
                .map(|(_, d)| DecisionJson::from(d))
                .collect();
            Json(DecisionPage { items, next: cursor::encode(&state, next) }).into_response()
        }
        Ok(Err(e)) => json_error(StatusCode::SERVICE_UNAVAILABLE, "store_failure", e.to_string()),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
    }
}

async fn get_metrics(State(state): State<AppState>) -> Response {
    let store = state.store.clone();
    if let Ok(Ok(counts)) = tokio::task::spawn_blocking(move || store.read().and_then(|mut r| r.counts())).await {
        for (lane, n) in counts.lists_by_lane {
            metrics::gauge!("greenlane_lists", "lane" => lane.as_str()).set(n as f64);
        }
        for (status, n) in counts.lists_by_status {
            metrics::gauge!("greenlane_lists_by_status", "status" => status.as_str()).set(n as f64);
        }
        metrics::gauge!("greenlane_stored_messages").set(counts.messages as f64);
    }
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}

async fn healthz() -> &'static str {
    "ok"
}
