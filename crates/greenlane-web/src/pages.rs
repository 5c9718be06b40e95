//! The pages and form posts: who may see what, reading the store for each page and handing
//! every officer action to the writer.

use crate::WebState;
use crate::dashboard::{self, Dashboard, ShareRow};
use crate::i18n::{Lang, Tr, lane_name, plain_status};
use crate::session;

mod flights;
mod mawb;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
pub use flights::flights;
use greenlane_core::access::Endpoint;
use greenlane_core::{InspectionOutcome, Lane, ListKey, ListStatus, MessageTime, Reason, ViolationKind};
use greenlane_pipeline::{InspectionRequest, OfficerAction};
use greenlane_server::auth::{Caller, Denied};
use greenlane_store::{QueueFilter, Role, StoreError};
pub use mawb::mawb;
use serde::Deserialize;

/// The navigation bar: what this caller may open.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    pub officer: bool,
    pub dashboards: bool,
    pub exporter: bool,
    /// The monthly summary declarations (staff: every exporter; an enterprise: its own).
    pub summaries: bool,
    /// The flights and their MAWBs (staff: every flight; an enterprise: those with its lists).
    pub flights: bool,
    pub who: String,
    pub role: &'static str,
    /// The session's CSRF token, which every form of the page posts back.
    pub csrf: String,
}

impl Nav {
    fn of(caller: Option<&Caller>) -> Nav {
        let Some(c) = caller else { return Nav::default() };
        let staff = matches!(c.role, Role::Admin | Role::Officer | Role::Viewer);
        Nav {
            officer: staff,
            dashboards: staff,
            exporter: c.role == Role::Enterprise,
            summaries: true,
            flights: true,
            who: c.name.clone(),
            role: c.role.as_str(),
            csrf: String::new(),
        }
    }
}

/// A signed-in request: who, in which language.
pub(crate) struct Page {
    pub(crate) caller: Caller,
    pub(crate) lang: Lang,
    pub(crate) t: &'static Tr,
    pub(crate) nav: Nav,
}

/// The caller of a page, or the answer that sends them to sign in (or says they may not).
pub(crate) fn page(state: &WebState, headers: &HeaderMap, endpoint: Endpoint) -> Result<Page, Box<Response>> {
    let lang = Lang::of(headers);
    match session::caller(state, headers) {
        Ok(caller) if caller.may(endpoint).is_ok() => {
            let mut nav = Nav::of(Some(&caller));
            nav.csrf = session::csrf_of(headers);
            Ok(Page { caller, lang, t: lang.tr(), nav })
        }
        Ok(caller) => {
            let mut nav = Nav::of(Some(&caller));
            nav.csrf = session::csrf_of(headers);
            Err(Box::new(message(StatusCode::FORBIDDEN, lang.tr(), nav, lang.tr().forbidden.to_owned())))
        }
        Err(Denied::Unavailable(why)) => {
            Err(Box::new(message(StatusCode::SERVICE_UNAVAILABLE, lang.tr(), Nav::default(), why)))
        }
        Err(_) => Err(Box::new(Redirect::to("/signin").into_response())),
    }
}

pub(crate) fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "the page failed to render").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    t: &'static Tr,
    nav: Nav,
    message: String,
}

pub(crate) fn message(status: StatusCode, t: &'static Tr, nav: Nav, message: String) -> Response {
    render(status, &MessagePage { t, nav, message })
}

/// Runs store reads off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &WebState,
    f: impl FnOnce(&mut dyn greenlane_store::ReadTx) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, String> {
    let store = state.app.store.clone();
    match tokio::task::spawn_blocking(move || store.read().and_then(|mut r| f(&mut *r))).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

pub(crate) fn unavailable(p: &Page, why: String) -> Response {
    message(StatusCode::SERVICE_UNAVAILABLE, p.t, p.nav.clone(), why)
}

pub async fn index(State(state): State<WebState>, headers: HeaderMap) -> Response {
    match session::caller(&state, &headers) {
        Ok(c) if c.role == Role::Enterprise => Redirect::to("/exporter").into_response(),
        Ok(c) if c.role == Role::Viewer => Redirect::to("/dashboard").into_response(),
        Ok(_) => Redirect::to("/queue").into_response(),
        Err(_) => Redirect::to("/signin").into_response(),
    }
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninPage {
    t: &'static Tr,
    nav: Nav,
    failed: bool,
}

pub async fn signin_page(headers: HeaderMap) -> Response {
    render(StatusCode::OK, &SigninPage { t: Lang::of(&headers).tr(), nav: Nav::default(), failed: false })
}

#[derive(Debug, Deserialize)]
pub struct SigninForm {
    token: String,
}

pub async fn signin(State(state): State<WebState>, headers: HeaderMap, Form(form): Form<SigninForm>) -> Response {
    let checked = {
        let state = state.clone();
        let token = form.token.clone();
        tokio::task::spawn_blocking(move || session::sign_in(&state, &token)).await
    };
    match checked {
        Ok(Ok(session_id)) => {
            let mut response = Redirect::to("/").into_response();
            if let Ok(cookie) = HeaderValue::from_str(&session::sign_in_cookie(&session_id)) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response
        }
        _ => render(
            StatusCode::UNAUTHORIZED,
            &SigninPage { t: Lang::of(&headers).tr(), nav: Nav::default(), failed: true },
        ),
    }
}

pub async fn signout(State(state): State<WebState>, headers: HeaderMap) -> Response {
    let _ = tokio::task::spawn_blocking(move || session::sign_out(&state, &headers)).await;
    let mut response = Redirect::to("/signin").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&session::sign_out_cookie()) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

pub async fn switch_lang(Path(lang): Path<String>, headers: HeaderMap) -> Response {
    let Some(lang) = Lang::parse(&lang) else { return StatusCode::NOT_FOUND.into_response() };
    // Back to the page the switch was on, if it was one of ours.
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").map(|i| &r[i + 3..]))
        .and_then(|r| r.find('/').map(|i| &r[i..]))
        .and_then(session::same_origin_path)
        .filter(|p| !p.starts_with("/lang/"))
        .unwrap_or("/")
        .to_owned();
    let mut response = Redirect::to(&back).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&session::lang_cookie(lang.code())) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

// ------------------------------------------------------------------------------------------
// The queue

#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    lane: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    exporter: String,
    #[serde(default)]
    dest: String,
    #[serde(default)]
    hs: String,
}

struct QueueLine {
    href: String,
    ebc_code: String,
    cop_no: String,
    lane: &'static str,
    lane_name: &'static str,
    received: String,
    dest: String,
    hs: String,
    value: String,
    reasons: String,
    claimed_by: String,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    t: &'static Tr,
    nav: Nav,
    filter: QueueQuery,
    lanes: Vec<(&'static str, &'static str)>,
    rows: Vec<QueueLine>,
}

/// Cases shown at once: an officer works the oldest; filters narrow the rest.
const QUEUE_PAGE: usize = 200;

pub async fn queue(State(state): State<WebState>, headers: HeaderMap, Query(q): Query<QueueQuery>) -> Response {
    let p = match page(&state, &headers, Endpoint::Workbench) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let filter = QueueFilter {
        lane: Lane::parse(q.lane.trim()),
        reason: some(&q.reason),
        exporter: some(&q.exporter),
        dest_country: some(&q.dest),
        hs_chapter: some(&q.hs),
    };
    let rows = match blocking(&state, move |r| r.review_queue(&filter, QUEUE_PAGE)).await {
        Ok(rows) => rows,
        Err(why) => return unavailable(&p, why),
    };
    let rows = rows
        .into_iter()
        .map(|r| QueueLine {
            href: case_href(&r.list),
            lane: r.lane.as_str(),
            lane_name: lane_name(p.lang, r.lane.as_str()),
            received: fmt_time(r.received_at),
            dest: r.dest_country.unwrap_or_default(),
            hs: r.hs_chapter.unwrap_or_default(),
            value: r.value_fen.map(fmt_fen).unwrap_or_default(),
            reasons: r.reasons.iter().map(|x| x.code.as_str()).collect::<Vec<_>>().join(", "),
            claimed_by: r.claim.map(|c| c.officer).unwrap_or_default(),
            ebc_code: r.list.ebc_code,
            cop_no: r.list.cop_no,
        })
        .collect();
    let lanes = [Lane::Yellow, Lane::Red, Lane::Hold].map(|l| (l.as_str(), lane_name(p.lang, l.as_str()))).to_vec();
    render(StatusCode::OK, &QueuePage { t: p.t, nav: p.nav, filter: q, lanes, rows })
}

fn case_href(key: &ListKey) -> String {
    format!("/case/{}/{}", encode(&key.ebc_code), encode(&key.cop_no))
}

/// Percent-encodes a path segment (codes are ASCII letters and digits, but a sender may use
/// anything the schema allows).
fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// ------------------------------------------------------------------------------------------
// A case

struct Field {
    label: &'static str,
    order: String,
    waybill: String,
    list: String,
    differs: bool,
}

impl Field {
    /// A row of the comparison: it differs when two documents that carry the field disagree.
    fn new(label: &'static str, order: Option<String>, waybill: Option<String>, list: Option<String>) -> Field {
        let present: Vec<&String> = [&order, &waybill, &list].into_iter().flatten().collect();
        let differs = present.windows(2).any(|w| w[0] != w[1]);
        let show = |v: Option<String>| v.unwrap_or_else(|| "—".into());
        Field { label, order: show(order), waybill: show(waybill), list: show(list), differs }
    }

    /// A row shown side by side but not compared (free text that may be worded differently).
    fn shown(label: &'static str, order: Option<String>, waybill: Option<String>, list: Option<String>) -> Field {
        Field { differs: false, ..Field::new(label, order, waybill, list) }
    }
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    t: &'static Tr,
    nav: Nav,
    base: String,
    ebc_code: String,
    cop_no: String,
    lane: &'static str,
    lane_name: &'static str,
    status: &'static str,
    return_status: i32,
    score: String,
    criteria_version: String,
    error: String,
    claimed_by: String,
    mine: bool,
    can_act: bool,
    under_review: bool,
    fields: Vec<Field>,
    checks: Vec<greenlane_core::check::Comparison>,
    reasons: Vec<Reason>,
    screening: Vec<Reason>,
    violation_kinds: Vec<&'static str>,
    reroute_lanes: Vec<(&'static str, &'static str)>,
    audit: Vec<(String, String, String, String)>,
    feed: Vec<(u64, String, i32, String)>,
    inspections: Vec<(String, String, String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CaseQuery {
    #[serde(default)]
    error: String,
}

/// Everything a case page shows, read in one snapshot.
struct CaseData {
    row: greenlane_store::ListRow,
    order: Option<greenlane_core::Order>,
    waybill: Option<greenlane_core::Waybill>,
    payment: Option<greenlane_core::Payment>,
    claim: Option<greenlane_store::Claim>,
    audit: Vec<greenlane_store::AuditEntry>,
    feed: Vec<(u64, greenlane_core::Decision)>,
    inspections: Vec<greenlane_core::Inspection>,
}

pub async fn case(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path((ebc, cop)): Path<(String, String)>,
    Query(q): Query<CaseQuery>,
) -> Response {
    let p = match page(&state, &headers, Endpoint::Workbench) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let key = ListKey { ebc_code: ebc, cop_no: cop };
    let data = {
        let key = key.clone();
        blocking(&state, move |r| {
            let Some(row) = r.get_list(&key)? else { return Ok(None) };
            Ok(Some(CaseData {
                order: r.get_order(&row.list.order)?.map(|o| o.order),
                waybill: r.get_waybill(&row.list.waybill)?.map(|w| w.waybill),
                payment: r.get_payment(&row.list.order)?,
                claim: r.claim_of(&key)?,
                audit: r.audit_of(&key)?,
                feed: r.decisions_of(&key)?,
                inspections: r.inspections_of(&key)?,
                row,
            }))
        })
        .await
    };
    let d = match data {
        Ok(Some(d)) => d,
        Ok(None) => return message(StatusCode::NOT_FOUND, p.t, p.nav, p.t.not_found.to_owned()),
        Err(why) => return unavailable(&p, why),
    };
    let claimed_by = d.claim.as_ref().map(|c| c.officer.clone()).unwrap_or_default();
    let row = &d.row;
    let under_review = row.status == ListStatus::Review;
    let reroute_lanes = [Lane::Yellow, Lane::Red, Lane::Hold]
        .into_iter()
        .filter(|l| *l != row.lane)
        .map(|l| (l.as_str(), lane_name(p.lang, l.as_str())))
        .collect();
    let page = CasePage {
        t: p.t,
        base: case_href(&key),
        ebc_code: key.ebc_code.clone(),
        cop_no: key.cop_no.clone(),
        lane: row.lane.as_str(),
        lane_name: lane_name(p.lang, row.lane.as_str()),
        status: row.status.as_str(),
        return_status: row.return_status,
        score: format!("{:.3}", row.score),
        criteria_version: row.criteria_version.clone().unwrap_or_default(),
        error: q.error,
        mine: !claimed_by.is_empty() && claimed_by == p.caller.name,
        claimed_by,
        can_act: p.caller.may_inspect(),
        under_review,
        fields: compare(&d),
        checks: document_checks(&state, &d),
        reasons: row.reasons.clone(),
        screening: row.reasons.iter().filter(|r| r.code.starts_with("screening.")).cloned().collect(),
        violation_kinds: ViolationKind::ALL.iter().map(|k| k.as_str()).collect(),
        reroute_lanes,
        audit: d
            .audit
            .iter()
            .map(|a| (fmt_time(a.at), a.officer.clone(), a.action.clone(), a.detail.clone()))
            .collect(),
        feed: d
            .feed
            .iter()
            .map(|(seq, dec)| {
                let reasons = dec.reasons.iter().map(|r| r.code.as_str()).collect::<Vec<_>>().join(", ");
                (*seq, dec.lane.as_str().to_owned(), dec.return_status, reasons)
            })
            .collect(),
        inspections: d
            .inspections
            .iter()
            .map(|i| {
                let outcome = match i.outcome {
                    InspectionOutcome::Compliant => "compliant".to_owned(),
                    InspectionOutcome::Violation(k) => format!("violation: {}", k.as_str()),
                };
                (fmt_time(i.at.0), i.officer.clone(), outcome, i.note.clone())
            })
            .collect(),
        nav: p.nav,
    };
    render(StatusCode::OK, &page)
}

/// The three-document check as the engine in force grades it, each comparison beside its
/// tolerance; the shipped tolerances when the hub runs no criteria.
fn document_checks(state: &WebState, d: &CaseData) -> Vec<greenlane_core::check::Comparison> {
    let (Some(order), Some(waybill)) = (d.order.clone(), d.waybill.clone()) else { return Vec::new() };
    let parcel = greenlane_core::Parcel { list: d.row.list.clone(), order, waybill, payment: d.payment.clone() };
    match &state.app.criteria {
        Some(c) => c.document_comparisons(&parcel),
        None => greenlane_core::check::comparisons(
            &parcel,
            &greenlane_core::check::DocumentPolicy::default(),
            &greenlane_core::check::YuanOnly,
        ),
    }
}

/// Order, waybill and list side by side. Amounts and weights are graded by the document check
/// (shown below the comparison), so only codes and counts are marked here when they differ.
fn compare(d: &CaseData) -> Vec<Field> {
    let l = &d.row.list;
    let o = d.order.as_ref();
    let w = d.waybill.as_ref();
    let dec = |v: rust_decimal::Decimal| v.normalize().to_string();
    let list_qty: rust_decimal::Decimal = l.items.iter().map(|i| i.qty).sum();
    vec![
        Field::new(
            "ebcCode",
            o.map(|o| o.ebc_code.clone()),
            w.and_then(|w| w.ebc_code.clone()),
            Some(l.key.ebc_code.clone()),
        ),
        Field::new("ebpCode", o.map(|o| o.key.ebp_code.clone()), None, Some(l.order.ebp_code.clone())),
        Field::new("orderNo", o.map(|o| o.key.order_no.clone()), None, Some(l.order.order_no.clone())),
        Field::new("logisticsNo", None, w.map(|w| w.key.logistics_no.clone()), Some(l.waybill.logistics_no.clone())),
        Field::shown("goodsValue", o.map(|o| dec(o.goods_value)), None, Some(dec(l.goods_value()))),
        Field::shown("freight", o.map(|o| dec(o.freight)), w.map(|w| dec(w.freight)), Some(dec(l.freight))),
        Field::shown(
            "currency",
            o.map(|o| o.currency.clone()),
            w.map(|w| w.currency.clone()),
            l.items.first().map(|i| i.currency.clone()),
        ),
        Field::shown("grossWeight", None, w.map(|w| dec(w.gross_weight)), Some(dec(l.gross_weight))),
        Field::new("packNo", None, w.map(|w| w.pack_no.to_string()), Some(l.pack_no.to_string())),
        Field::shown("qty", o.map(|o| dec(o.items.iter().map(|i| i.qty).sum())), None, Some(dec(list_qty))),
        Field::shown(
            "goods",
            o.map(|o| o.items.iter().map(|i| i.item_name.as_str()).collect::<Vec<_>>().join("; ")),
            w.map(|w| w.goods_info.clone()),
            Some(l.items.iter().map(|i| format!("{} [{}]", i.gname, i.gcode)).collect::<Vec<_>>().join("; ")),
        ),
        Field::shown(
            "buyer / country",
            o.and_then(|o| o.buyer.as_ref()).map(|b| format!("{} ({})", b.name, b.country)),
            None,
            Some(l.country.clone()),
        ),
        Field::shown("tradeMode", None, None, Some(l.trade_mode.clone())),
    ]
}

#[derive(Debug, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    violation: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    lane: String,
    #[serde(default)]
    rationale: String,
}

pub async fn case_action(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path((ebc, cop, action)): Path<(String, String, String)>,
    Form(form): Form<ActionForm>,
) -> Response {
    let p = match page(&state, &headers, Endpoint::Inspect) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let list = ListKey { ebc_code: ebc, cop_no: cop };
    let back = case_href(&list);
    let officer = p.caller.name.clone();
    let at = wall_clock();
    let action = match action.as_str() {
        "claim" => OfficerAction::Claim { list, officer, at },
        "unclaim" => OfficerAction::Unclaim { list, officer, at },
        "decide" => {
            let outcome = match (form.outcome.as_str(), ViolationKind::parse(&form.violation)) {
                ("compliant", _) => InspectionOutcome::Compliant,
                ("violation", Some(kind)) => InspectionOutcome::Violation(kind),
                _ => return Redirect::to(&format!("{back}?error=bad+outcome")).into_response(),
            };
            OfficerAction::Decide { request: InspectionRequest { list, outcome, note: form.note, officer }, at }
        }
        "reroute" => {
            let Some(lane) = Lane::parse(&form.lane) else {
                return Redirect::to(&format!("{back}?error=bad+lane")).into_response();
            };
            OfficerAction::Reroute { list, lane, rationale: form.rationale, officer, at }
        }
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match state.app.writer.officer(action).await {
        Ok(Ok(Ok(_))) => Redirect::to(&back).into_response(),
        Ok(Ok(Err(refusal))) => {
            let why = match refusal {
                greenlane_pipeline::Refusal::NoteRequired => p.t.note_required.to_owned(),
                other => other.to_string(),
            };
            Redirect::to(&format!("{back}?error={}", encode(&why))).into_response()
        }
        Ok(Err(why)) => unavailable(&p, why),
        Err(closed) => unavailable(&p, closed.to_string()),
    }
}

fn wall_clock() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

// ------------------------------------------------------------------------------------------
// Dashboards and criteria

/// A breakdown's row as shown: key, value, share, growth.
type ShareLine = (String, String, String, String);

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    t: &'static Tr,
    nav: Nav,
    empty: bool,
    quarter: String,
    quarter_value: String,
    quarter_yoy: String,
    release_rate: String,
    p50: String,
    p90: String,
    pending: u64,
    review: u64,
    chart_titles: Vec<(&'static str, String)>,
    quarters: Vec<(String, String, i64, String)>,
    breakdowns: Vec<(String, Vec<ShareLine>)>,
    data_json: String,
}

pub async fn dashboard(State(state): State<WebState>, headers: HeaderMap) -> Response {
    let p = match page(&state, &headers, Endpoint::Dashboard) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let lang = p.lang;
    let built = blocking(&state, move |r| dashboard::build(r, |l| lane_name(lang, l).to_owned())).await;
    let d: Dashboard = match built {
        Ok(d) => d,
        Err(why) => return unavailable(&p, why),
    };
    let t = p.t;
    let title = |id: &str| -> String {
        match id {
            "throughput" => format!("{} · {}", t.throughput, t.decisions_per_minute),
            "lanes" => t.lane_shares.into(),
            "release" => format!("{} · {}", t.release_rate, t.released_at_once),
            "ttr" => format!("{} ({})", t.time_to_release, t.seconds),
            "pending" => format!("{} · {}", t.pending_lists, t.in_review),
            "by_day" => t.value_by_day.into(),
            "by_month" => format!("{} · {}", t.value_by_month, t.yoy),
            "by_quarter" => format!("{} · {}", t.value_by_quarter, t.yoy),
            "by_dest" => t.by_destination.into(),
            "by_ebp" => t.by_platform.into(),
            "by_hs" => t.by_category.into(),
            _ => t.by_mode.into(),
        }
    };
    let dim_title = |dim: &str| -> String {
        match dim {
            "dest" => t.by_destination.into(),
            "ebp" => t.by_platform.into(),
            "hs" => t.by_category.into(),
            _ => t.by_mode.into(),
        }
    };
    let json = serde_json::json!({ "charts": d.charts });
    // Inside a <script> element the only dangerous sequence is "</"; JSON may spell < as \u003c.
    let data_json = json.to_string().replace('<', "\\u003c");
    let share_line = |r: &ShareRow| (r.key.clone(), fmt_yuan(r.value_yuan), fmt_pct(Some(r.share)), fmt_pct(r.yoy));
    let page = DashboardPage {
        t,
        empty: d.charts.is_empty(),
        quarter: d.latest_quarter.as_ref().map(|q| q.period.clone()).unwrap_or_else(|| "—".into()),
        quarter_value: d.latest_quarter.as_ref().map(|q| fmt_yuan(q.value_yuan)).unwrap_or_default(),
        quarter_yoy: fmt_pct(d.latest_quarter.as_ref().and_then(|q| q.yoy)),
        release_rate: fmt_pct(d.release_rate),
        p50: d.p50.map_or("—".into(), |s| s.to_string()),
        p90: d.p90.map_or("—".into(), |s| s.to_string()),
        pending: d.pending,
        review: d.review,
        chart_titles: d.charts.iter().map(|c| (c.id, title(c.id))).collect(),
        quarters: d
            .quarters
            .iter()
            .rev()
            .take(8)
            .map(|q| (q.period.clone(), fmt_yuan(q.value_yuan), q.lists, fmt_pct(q.yoy)))
            .collect(),
        breakdowns: d.breakdowns.iter().map(|b| (dim_title(b.dim), b.rows.iter().map(share_line).collect())).collect(),
        data_json,
        nav: p.nav,
    };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "criteria.html")]
struct CriteriaPage {
    t: &'static Tr,
    nav: Nav,
    engine: bool,
    version: String,
    assessed: String,
    may_reload: bool,
    message: String,
    error: String,
    rows: Vec<CriterionLine>,
    files: Vec<(String, usize)>,
    editable: bool,
    bt: BacktestView,
}

struct CriterionLine {
    id: String,
    source: String,
    kind: String,
    hits: String,
    selected: String,
    inspected: String,
    confirmed: String,
    compliant_stopped: String,
    hit_rate: String,
    confirmation_rate: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct CriteriaQuery {
    #[serde(default)]
    reloaded: String,
    #[serde(default)]
    error: String,
}

pub async fn criteria(State(state): State<WebState>, headers: HeaderMap, Query(q): Query<CriteriaQuery>) -> Response {
    let p = match page(&state, &headers, Endpoint::ReadCriteria) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let report = match state.app.criteria.clone() {
        Some(control) => match tokio::task::spawn_blocking(move || control.report()).await {
            Ok(report) => Some(report),
            Err(e) => return unavailable(&p, e.to_string()),
        },
        None => None,
    };
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".into(),
        other => other.to_string(),
    };
    let rows = report
        .as_ref()
        .and_then(|r| r["criteria"].as_array())
        .into_iter()
        .flatten()
        .map(|c| CriterionLine {
            id: text(&c["id"]),
            source: text(&c["source"]),
            kind: text(&c["kind"]),
            hits: text(&c["hits"]),
            selected: text(&c["selected"]),
            inspected: text(&c["inspected"]),
            confirmed: text(&c["confirmed"]),
            compliant_stopped: text(&c["compliant_stopped"]),
            hit_rate: fmt_pct(c["hit_rate"].as_f64()),
            confirmation_rate: fmt_pct(c["confirmation_rate"].as_f64()),
        })
        .collect();
    let (files, editable, bt) = match state.app.criteria.clone() {
        Some(control) => {
            let lang = p.lang;
            let read = tokio::task::spawn_blocking(move || {
                let files: Vec<(String, usize)> =
                    control.files().into_iter().map(|f| (f.name, f.text.lines().count())).collect();
                (files, control.editable(), BacktestView::of(control.backtest().as_ref(), lang))
            });
            match read.await {
                Ok(read) => read,
                Err(e) => return unavailable(&p, e.to_string()),
            }
        }
        None => (Vec::new(), false, BacktestView::default()),
    };
    let page = CriteriaPage {
        files,
        editable,
        bt,
        t: p.t,
        engine: report.is_some(),
        version: report.as_ref().map(|r| text(&r["version"])).unwrap_or_default(),
        assessed: report.as_ref().map(|r| text(&r["assessed"])).unwrap_or_default(),
        may_reload: p.caller.may(Endpoint::ChangeCriteria).is_ok(),
        message: q.reloaded,
        error: q.error,
        rows,
        nav: p.nav,
    };
    render(StatusCode::OK, &page)
}

/// Loads the criteria again (an analyst changed the files): they are checked before they are
/// put in force, and on an error the criteria in force stay and the page names file and line.
pub async fn criteria_reload(State(state): State<WebState>, headers: HeaderMap) -> Response {
    let p = match page(&state, &headers, Endpoint::ChangeCriteria) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let Some(control) = state.app.criteria.clone() else {
        return Redirect::to("/criteria").into_response();
    };
    match tokio::task::spawn_blocking(move || control.reload()).await {
        Ok(Ok(version)) => Redirect::to(&format!("/criteria?reloaded={}", encode(&version))).into_response(),
        Ok(Err(why)) => Redirect::to(&format!("/criteria?error={}", encode(&why))).into_response(),
        Err(e) => unavailable(&p, e.to_string()),
    }
}

/// One count per criterion id from a backtest report's `criteria`, e.g. `selected`.
fn per_criterion(report: &serde_json::Value, field: &str) -> std::collections::BTreeMap<String, u64> {
    report["criteria"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| (c["id"].as_str().unwrap_or_default().to_owned(), c[field].as_u64().unwrap_or(0)))
        .collect()
}

/// Every id of either map with its count in each (0 where absent).
fn paired(
    was: std::collections::BTreeMap<String, u64>,
    would: std::collections::BTreeMap<String, u64>,
) -> Vec<(String, u64, u64)> {
    let ids: std::collections::BTreeSet<&String> = was.keys().chain(would.keys()).collect();
    ids.into_iter()
        .map(|id| (id.clone(), was.get(id).copied().unwrap_or(0), would.get(id).copied().unwrap_or(0)))
        .collect()
}

/// A backtest as the criteria page shows it: the set in force beside the candidate.
#[derive(Debug, Default)]
struct BacktestView {
    /// `none`, `running`, `done` or `failed`.
    state: &'static str,
    file: String,
    replayed: u64,
    total: u64,
    parcels: u64,
    seconds: String,
    error: String,
    /// Measure, in force, candidate, change.
    rows: Vec<(String, String, String, String)>,
}

impl BacktestView {
    fn of(status: Option<&serde_json::Value>, lang: Lang) -> BacktestView {
        let Some(b) = status else { return BacktestView { state: "none", ..Default::default() } };
        let t = lang.tr();
        let mut view = BacktestView {
            state: match b["state"].as_str() {
                Some("done") => "done",
                Some("failed") => "failed",
                _ => "running",
            },
            file: b["file"].as_str().unwrap_or_default().to_owned(),
            replayed: b["replayed"].as_u64().unwrap_or(0),
            total: b["total"].as_u64().unwrap_or(0),
            parcels: b["in_force"]["parcels"].as_u64().unwrap_or(0),
            seconds: format!("{:.1}", b["seconds"].as_f64().unwrap_or(0.0)),
            error: b["error"].as_str().unwrap_or_default().to_owned(),
            rows: Vec::new(),
        };
        if view.state != "done" {
            return view;
        }
        let (before, after) = (&b["in_force"], &b["candidate"]);
        let share_row = |label: String, x: Option<f64>, y: Option<f64>| {
            let change = match (x, y) {
                (Some(x), Some(y)) => format!("{:+.2} pp", (y - x) * 100.0),
                _ => "—".into(),
            };
            (label, fmt_pct(x), fmt_pct(y), change)
        };
        let count_row = |label: String, x: Option<u64>, y: Option<u64>| {
            let change = match (x, y) {
                (Some(x), Some(y)) => format!("{:+}", y as i64 - x as i64),
                _ => "—".into(),
            };
            let n = |v: Option<u64>| v.map_or("—".into(), |v| v.to_string());
            (label, n(x), n(y), change)
        };
        view.rows.push(share_row(
            t.release_rate.into(),
            before["release_rate"].as_f64(),
            after["release_rate"].as_f64(),
        ));
        for lane in ["green", "blue", "yellow", "red", "hold"] {
            let share = |r: &serde_json::Value| Some(r["lane_shares"][lane].as_f64().unwrap_or(0.0));
            view.rows.push(share_row(
                format!("{} · {}", t.lane_shares, lane_name(lang, lane)),
                share(before),
                share(after),
            ));
        }
        view.rows.push(share_row(
            t.known_caught.into(),
            before["recall_known"].as_f64(),
            after["recall_known"].as_f64(),
        ));
        view.rows.push(count_row(
            t.compliant_stopped.into(),
            before["compliant_stopped"].as_u64(),
            after["compliant_stopped"].as_u64(),
        ));
        let kinds: std::collections::BTreeSet<&String> = before["violations"]
            .as_object()
            .into_iter()
            .chain(after["violations"].as_object())
            .flat_map(|m| m.keys())
            .collect();
        for kind in kinds {
            let caught = |r: &serde_json::Value| r["violations"][kind.as_str()]["caught"].as_u64().or(Some(0));
            let known = before["violations"][kind.as_str()]["parcels"].as_u64().unwrap_or(0);
            view.rows.push(count_row(format!("{kind} ({known})"), caught(before), caught(after)));
        }
        // The criteria whose parcels sent to officers change most: where the edit bites.
        let mut changed: Vec<(String, u64, u64)> =
            paired(per_criterion(before, "selected"), per_criterion(after, "selected"))
                .into_iter()
                .filter(|(_, x, y)| x != y)
                .collect();
        changed.sort_by_key(|(id, x, y)| (std::cmp::Reverse(x.abs_diff(*y)), id.clone()));
        for (id, x, y) in changed.into_iter().take(10) {
            view.rows.push(count_row(format!("{} · {id}", t.selected), Some(x), Some(y)));
        }
        // What each criterion costs honest traders: its stops on parcels officers found
        // compliant, most first, under either set.
        let mut costly: Vec<(String, u64, u64)> =
            paired(per_criterion(before, "compliant_stopped"), per_criterion(after, "compliant_stopped"))
                .into_iter()
                .filter(|(_, x, y)| x.max(y) > &0)
                .collect();
        costly.sort_by_key(|(id, x, y)| (std::cmp::Reverse(*x.max(y)), id.clone()));
        for (id, x, y) in costly.into_iter().take(10) {
            view.rows.push(count_row(format!("{} · {id}", t.compliant_stopped), Some(x), Some(y)));
        }
        view
    }
}

#[derive(Template)]
#[template(path = "backtest.html")]
struct BacktestFragment {
    t: &'static Tr,
    bt: BacktestView,
}

/// The backtest panel alone: the criteria page polls it while a backtest runs.
pub async fn criteria_backtest(State(state): State<WebState>, headers: HeaderMap) -> Response {
    let p = match page(&state, &headers, Endpoint::ReadCriteria) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let lang = p.lang;
    let status = match state.app.criteria.clone() {
        Some(control) => tokio::task::spawn_blocking(move || control.backtest()).await.ok().flatten(),
        None => None,
    };
    render(StatusCode::OK, &BacktestFragment { t: p.t, bt: BacktestView::of(status.as_ref(), lang) })
}

#[derive(Template)]
#[template(path = "criteria_file.html")]
struct CriteriaFilePage {
    t: &'static Tr,
    nav: Nav,
    name: String,
    text: String,
    may_edit: bool,
    checked: String,
    error: String,
}

/// One criteria file, to read (staff) or edit (an administrator, when the hub runs an analyst's
/// folder).
pub async fn criteria_file(State(state): State<WebState>, headers: HeaderMap, Path(name): Path<String>) -> Response {
    let p = match page(&state, &headers, Endpoint::ReadCriteria) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let Some(control) = state.app.criteria.clone() else {
        return message(StatusCode::NOT_FOUND, p.t, p.nav.clone(), p.t.no_criteria_engine.into());
    };
    let (files, editable) = match tokio::task::spawn_blocking(move || (control.files(), control.editable())).await {
        Ok(read) => read,
        Err(e) => return unavailable(&p, e.to_string()),
    };
    let Some(file) = files.into_iter().find(|f| f.name == name) else {
        return message(StatusCode::NOT_FOUND, p.t, p.nav.clone(), p.t.no_such_criteria_file.into());
    };
    let page = CriteriaFilePage {
        t: p.t,
        may_edit: editable && p.caller.may(Endpoint::ChangeCriteria).is_ok(),
        name: file.name,
        text: file.text,
        checked: String::new(),
        error: String::new(),
        nav: p.nav,
    };
    render(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct CriteriaEdit {
    text: String,
    /// `check`, `backtest` or `save`.
    action: String,
}

/// An edit to a criteria file: checked, backtested or saved and put in force. Whatever fails,
/// the page comes back with the analyst's text as typed and every error with its line.
pub async fn criteria_file_post(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Form(form): Form<CriteriaEdit>,
) -> Response {
    let p = match page(&state, &headers, Endpoint::ChangeCriteria) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let Some(control) = state.app.criteria.clone() else {
        return message(StatusCode::NOT_FOUND, p.t, p.nav.clone(), p.t.no_criteria_engine.into());
    };
    // Browsers send CR LF from a textarea; the files keep the analyst's line ends as Unix ones.
    let text = form.text.replace("\r\n", "\n");
    let (file, edited, action) = (name.clone(), text.clone(), form.action.clone());
    let done = tokio::task::spawn_blocking(move || match action.as_str() {
        "save" => control.save(&file, &edited).map(Some),
        "backtest" => control.start_backtest(&file, &edited).map(|()| None),
        _ => control.check(&file, &edited).map(Some),
    })
    .await;
    let (status, checked, error) = match (form.action.as_str(), done) {
        (_, Err(e)) => return unavailable(&p, e.to_string()),
        ("save", Ok(Ok(version))) => {
            let version = version.unwrap_or_default();
            tracing::info!(who = %p.caller.name, file = %name, %version, "criteria edited in the web UI and put in force");
            return Redirect::to(&format!("/criteria?reloaded={}", encode(&version))).into_response();
        }
        ("backtest", Ok(Ok(_))) => return Redirect::to("/criteria#backtest").into_response(),
        (_, Ok(Ok(version))) => {
            (StatusCode::OK, format!("{} {}", p.t.valid_set, version.unwrap_or_default()), String::new())
        }
        (_, Ok(Err(why))) => (StatusCode::UNPROCESSABLE_ENTITY, String::new(), why),
    };
    let page = CriteriaFilePage { t: p.t, may_edit: true, name, text, checked, error, nav: p.nav };
    render(status, &page)
}

// ------------------------------------------------------------------------------------------
// The exporters' view

struct ExporterLine {
    ebc_code: String,
    cop_no: String,
    invt_no: String,
    received: String,
    status: &'static str,
    lane: &'static str,
    lane_name: &'static str,
    stands: &'static str,
    why: String,
    next: &'static str,
}

#[derive(Template)]
#[template(path = "exporter.html")]
struct ExporterPage {
    t: &'static Tr,
    nav: Nav,
    ebc_code: String,
    rows: Vec<ExporterLine>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ExporterQuery {
    #[serde(default)]
    ebc: String,
}

/// Lists shown to an exporter at once, newest first.
const EXPORTER_PAGE: usize = 300;

pub async fn exporter(State(state): State<WebState>, headers: HeaderMap, Query(q): Query<ExporterQuery>) -> Response {
    let p = match page(&state, &headers, Endpoint::ExporterView) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    // An enterprise token sees its own enterprise only, whatever the query says.
    let ebc_code = match (&p.caller.role, &p.caller.ebc_code) {
        (Role::Enterprise, Some(own)) => own.clone(),
        (Role::Enterprise, None) => return message(StatusCode::FORBIDDEN, p.t, p.nav, p.t.forbidden.to_owned()),
        _ => q.ebc.trim().to_owned(),
    };
    let code = ebc_code.clone();
    let rows = match blocking(&state, move |r| r.lists_of_enterprise(&code, EXPORTER_PAGE)).await {
        Ok(rows) => rows,
        Err(why) => return unavailable(&p, why),
    };
    let rows = rows
        .into_iter()
        .map(|r| {
            let (stands, next) = plain_status(p.lang, r.status, r.lane);
            let explains = matches!(r.status, ListStatus::Review | ListStatus::Rejected | ListStatus::Expired);
            let why = if explains {
                r.reasons.iter().map(|x| x.message.as_str()).collect::<Vec<_>>().join("; ")
            } else {
                String::new()
            };
            ExporterLine {
                ebc_code: r.list.key.ebc_code.clone(),
                cop_no: r.list.key.cop_no.clone(),
                invt_no: r.list.invt_no.clone().unwrap_or_default(),
                received: fmt_time(r.received_at.0),
                status: r.status.as_str(),
                lane: r.lane.as_str(),
                lane_name: lane_name(p.lang, r.lane.as_str()),
                stands,
                why,
                next,
            }
        })
        .collect();
    render(StatusCode::OK, &ExporterPage { t: p.t, nav: p.nav, ebc_code, rows })
}

// ------------------------------------------------------------------------------------------
// Formatting

/// `YYYY-MM-DD hh:mm:ss` in China Standard Time.
fn fmt_time(unix: i64) -> String {
    let s = MessageTime(unix).to_app_time();
    if s.len() != 14 {
        return s;
    }
    format!("{}-{}-{} {}:{}:{}", &s[0..4], &s[4..6], &s[6..8], &s[8..10], &s[10..12], &s[12..14])
}

fn fmt_fen(fen: i64) -> String {
    fmt_yuan(fen as f64 / 100.0)
}

/// Yuan with thousands separators and two decimals.
fn fmt_yuan(yuan: f64) -> String {
    let text = format!("{:.2}", yuan.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}¥{grouped}.{frac}", if yuan < 0.0 { "-" } else { "" })
}

fn fmt_pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{:.1}%", v * 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_a_ledger() {
        assert_eq!(fmt_yuan(110_000_000_000.0), "¥110,000,000,000.00");
        assert_eq!(fmt_yuan(-1234.5), "-¥1,234.50");
        assert_eq!(fmt_fen(5), "¥0.05");
        assert_eq!(fmt_pct(Some(0.95)), "95.0%");
        assert_eq!(fmt_pct(Some(-0.125)), "-12.5%");
        assert_eq!(fmt_pct(None), "—");
        assert_eq!(encode("C 1/ä"), "C%201%2F%C3%A4");
    }

    #[test]
    fn fields_differ_only_where_two_documents_disagree() {
        assert!(!Field::new("x", Some("1".into()), None, Some("1".into())).differs);
        assert!(Field::new("x", Some("1".into()), Some("2".into()), Some("1".into())).differs);
        assert!(!Field::new("x", None, None, Some("1".into())).differs);
        assert!(!Field::shown("x", Some("a".into()), None, Some("b".into())).differs);
    }
}
