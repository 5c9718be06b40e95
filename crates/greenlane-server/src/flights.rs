//! `GET /api/v1/flights?date=`, `GET /api/v1/mawbs/{mawb}/{fwb|fhl}` and
//! `GET /api/v1/flights/{flightNo}/{date}/ffm`: the flights of the route table (scheduled with the
//! load planned for them, then closed and departed as the hub loaded them), their master waybills
//! and the lists on them, and the Cargo-IMP text greenlane wrote; `GET /api/v1/flights/forecast`,
//! the load against capacity per route for the coming days; `GET /api/v1/routes` and
//! `POST /api/v1/routes/reload`, the route table in force. An enterprise token sees only the
//! flights and MAWBs that carry its own lists, and only its own lists on them.

use crate::auth::Caller;
use crate::{AppState, caller, denied, json_error};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use greenlane_core::MessageTime;
use greenlane_core::access::Endpoint;
use greenlane_store::{CargoFlight, CargoMawb, CargoParcel, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
pub(crate) struct DateQuery {
    date: Option<String>,
}

/// One flight of a day as the API answers it (see [`day_flights`]).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlightJson {
    pub flight_no: String,
    /// The route's id in the route table (`SZX-LGG-ET`).
    pub route: String,
    pub origin: String,
    pub destination: String,
    /// RFC 3339, Beijing time.
    pub departure: String,
    pub capacity_kg: f64,
    pub loaded_kg: f64,
    pub chargeable_kg: f64,
    /// `scheduled` (cut-off to come: the load planned from the parcels waiting now), `closed`
    /// (built, MAWB issued) or `departed`.
    pub status: &'static str,
    /// RFC 3339, Beijing time: the general cut-off of a scheduled flight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<String>,
    pub parcels: u64,
    pub capacity_g: u64,
    pub loaded_g: u64,
    pub capacity_cm3: u64,
    pub loaded_cm3: u64,
    pub uld_type: String,
    pub uld_net_g: u64,
    pub uld_volume_cm3: u64,
    pub ulds: Vec<UldJson>,
    pub mawbs: Vec<MawbJson>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UldJson {
    pub id: String,
    pub gross_g: u64,
    pub volume_cm3: u64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MawbJson {
    pub mawb: String,
    pub destination: String,
    pub pieces: u32,
    pub gross_kg: f64,
    pub chargeable_kg: f64,
    pub lists: Vec<ListJson>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListJson {
    pub ebc_code: String,
    pub cop_no: String,
    pub invt_no: Option<String>,
    pub logistics_no: String,
    pub hawb: Option<String>,
    /// `loaded` or `departed`.
    pub state: &'static str,
}

fn kg(grams: u64) -> f64 {
    grams as f64 / 1000.0
}

/// `YYYY-MM-DD` as the message time of its midnight in Beijing and of the next one.
fn day(date: &str) -> Option<(MessageTime, MessageTime)> {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let stamp = format!("{}{}{}000000", &date[..4], &date[5..7], &date[8..10]);
    let start = MessageTime::parse_app_time(&stamp).ok()?;
    Some((start, start.plus_seconds(86_400)))
}

fn bad_date(what: &str) -> Response {
    json_error(StatusCode::BAD_REQUEST, "bad_date", format!("{what:?} is not a date of the form YYYY-MM-DD"))
}

#[allow(clippy::result_large_err)] // the answer itself: built once, on the way out
pub(crate) fn reader(state: &AppState, headers: &HeaderMap) -> Result<Caller, Response> {
    allowed(state, headers, Endpoint::ReadDecisions)
}

#[allow(clippy::result_large_err)]
fn allowed(state: &AppState, headers: &HeaderMap, endpoint: Endpoint) -> Result<Caller, Response> {
    let c = caller(state, headers).map_err(denied)?;
    c.may(endpoint).map_err(denied)?;
    Ok(c)
}

/// A reader's request for the day `date` names (`name` in the query): the caller, the date as
/// written, and its Beijing midnight and the next.
#[allow(clippy::result_large_err)]
fn reader_on(
    state: &AppState,
    headers: &HeaderMap,
    date: Option<String>,
    name: &str,
) -> Result<(Caller, String, MessageTime, MessageTime), Response> {
    let caller = reader(state, headers)?;
    let Some(date) = date else {
        return Err(json_error(
            StatusCode::BAD_REQUEST,
            "missing_date",
            format!("{name} is required: ?{name}=YYYY-MM-DD"),
        ));
    };
    let Some((from, to)) = day(&date) else { return Err(bad_date(&date)) };
    Ok((caller, date, from, to))
}

/// Runs a read of the store off the async threads; `Err` is the answer to give instead.
#[allow(clippy::result_large_err)]
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, Response> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(json_error(StatusCode::SERVICE_UNAVAILABLE, "store_failure", e.to_string())),
        Err(e) => Err(json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())),
    }
}

fn flight_json(
    f: CargoFlight,
    parcels: Vec<CargoParcel>,
    issued: Vec<CargoMawb>,
    caller: &Caller,
) -> Option<FlightJson> {
    let mut by_mawb: BTreeMap<String, Vec<ListJson>> = BTreeMap::new();
    for p in parcels {
        if !caller.may_see(&p.list.ebc_code) {
            continue;
        }
        let Some(mawb) = p.mawb.clone() else { continue };
        by_mawb.entry(mawb).or_default().push(ListJson {
            ebc_code: p.list.ebc_code,
            cop_no: p.list.cop_no,
            invt_no: p.invt_no,
            logistics_no: p.logistics_no,
            hawb: p.hawb,
            state: p.state.as_str(),
        });
    }
    let enterprise = caller.acting_enterprise().is_some();
    if enterprise && by_mawb.is_empty() {
        return None;
    }
    let mut mawbs = Vec::new();
    for m in issued {
        let lists = by_mawb.remove(&m.mawb);
        if enterprise && lists.is_none() {
            continue;
        }
        mawbs.push(MawbJson {
            lists: lists.unwrap_or_default(),
            mawb: m.mawb,
            destination: m.destination,
            pieces: m.pieces,
            gross_kg: kg(m.gross_g),
            chargeable_kg: kg(m.chargeable_g),
        });
    }
    Some(FlightJson {
        flight_no: f.key.flight_no.clone(),
        route: f.route,
        origin: f.origin,
        destination: f.destination,
        departure: f.key.departure.to_rfc3339(),
        capacity_kg: kg(f.capacity_g),
        loaded_kg: kg(f.gross_g),
        chargeable_kg: kg(f.chargeable_g),
        status: f.status.as_str(),
        cutoff: None,
        parcels: f.parcels,
        capacity_g: f.capacity_g,
        loaded_g: f.gross_g,
        capacity_cm3: f.capacity_cm3,
        loaded_cm3: f.volume_cm3,
        uld_type: f.uld_type,
        uld_net_g: f.uld_net_g,
        uld_volume_cm3: f.uld_volume_cm3,
        ulds: f.ulds.into_iter().map(|u| UldJson { id: u.id, gross_g: u.gross_g, volume_cm3: u.volume_cm3 }).collect(),
        mawbs,
    })
}

/// The flights departing in `[from, to)` as `caller` may see them, in order of departure: those
/// the hub built (closed, departed) as stored, and, when the hub has a route table, those still to
/// close with the load planned for them from the parcels waiting now. The answer of
/// `GET /api/v1/flights` and what the web UI's flights page shows, so that the two never differ.
pub fn day_flights(
    r: &mut dyn greenlane_store::ReadTx,
    routes: Option<&dyn crate::RoutesControl>,
    from: MessageTime,
    to: MessageTime,
    caller: &Caller,
) -> Result<Vec<FlightJson>, StoreError> {
    let mut rows = Vec::new();
    for f in r.cargo_flights_between(from, to)? {
        let parcels = r.cargo_parcels_on(&f.key)?;
        let mut issued = Vec::new();
        for m in &f.mawbs {
            issued.extend(r.cargo_mawb(m)?);
        }
        rows.push((f, parcels, issued));
    }
    let day = greenlane_pipeline::china_date(from);
    let outlook = match routes {
        Some(routes) => Some(greenlane_pipeline::outlook(&mut *r, &routes.cargo(), day, day)?),
        None => None,
    };
    let closed: Vec<(String, MessageTime)> =
        rows.iter().map(|(f, _, _)| (f.key.flight_no.clone(), f.key.departure)).collect();
    let mut flights: Vec<FlightJson> = rows.into_iter().filter_map(|(f, p, m)| flight_json(f, p, m, caller)).collect();
    if let Some(o) = &outlook {
        flights.extend(scheduled(o, from, to, &closed, caller));
    }
    flights.sort_by(|a, b| (&a.departure, &a.flight_no).cmp(&(&b.departure, &b.flight_no)));
    Ok(flights)
}

/// `GET /api/v1/flights?date=YYYY-MM-DD`: the flights departing that day (Beijing time).
pub(crate) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<DateQuery>,
) -> Response {
    let (caller, _, from, to) = match reader_on(&state, &headers, query.date, "date") {
        Ok(v) => v,
        Err(r) => return r,
    };
    let store = state.store.clone();
    let routes = state.routes.clone();
    let flights = blocking(move || {
        let mut r = store.read()?;
        day_flights(&mut *r, routes.as_deref(), from, to, &caller)
    })
    .await;
    match flights {
        Ok(flights) => Json(serde_json::json!({ "flights": flights })).into_response(),
        Err(r) => r,
    }
}

/// The flights of the outlook departing in `[from, to)` that have no row yet, with the load
/// planned for them; to an enterprise, only those its own waiting parcels are planned onto, with
/// only its own parcels counted.
fn scheduled(
    o: &greenlane_pipeline::Outlook,
    from: MessageTime,
    to: MessageTime,
    closed: &[(String, MessageTime)],
    caller: &Caller,
) -> Vec<FlightJson> {
    let mut out = Vec::new();
    for (i, f) in o.flights.iter().enumerate() {
        let departure = greenlane_pipeline::flight_time(f.departure);
        if departure < from || departure >= to || closed.iter().any(|(n, d)| *n == f.flight_no && *d == departure) {
            continue;
        }
        let (parcels, gross_g, volume_cm3) = o.load_of(i, |p| caller.may_see(&p.list.ebc_code));
        if caller.acting_enterprise().is_some() && parcels == 0 {
            continue;
        }
        let chargeable_g = if parcels == 0 { 0 } else { o.rules.chargeable_g(gross_g, volume_cm3) };
        out.push(FlightJson {
            flight_no: f.flight_no.clone(),
            route: o.routes[i].clone(),
            origin: f.origin.clone(),
            destination: f.destination.clone(),
            departure: departure.to_rfc3339(),
            capacity_kg: kg(f.capacity_g),
            loaded_kg: kg(gross_g),
            chargeable_kg: kg(chargeable_g),
            status: "scheduled",
            cutoff: Some(greenlane_pipeline::flight_time(f.cutoff_general).to_rfc3339()),
            parcels,
            capacity_g: f.capacity_g,
            loaded_g: gross_g,
            capacity_cm3: f.volume_cm3(),
            loaded_cm3: volume_cm3,
            uld_type: f.uld.code.clone(),
            uld_net_g: f.uld.net_g(),
            uld_volume_cm3: f.uld.volume_cm3,
            // ULDs are built and MAWBs issued at the cut-off.
            ulds: Vec::new(),
            mawbs: Vec::new(),
        });
    }
    out
}

#[derive(Debug, Deserialize)]
pub(crate) struct ForecastQuery {
    from: Option<String>,
    days: Option<String>,
}

/// The longest forecast asked for at once: a month of the weekly schedule.
const MAX_FORECAST_DAYS: i64 = 31;

/// `GET /api/v1/flights/forecast?from=YYYY-MM-DD&days=N`: per route and day, the flights still to
/// close, their capacity and the load planned for them from the parcels waiting at the hub now.
pub(crate) async fn forecast(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ForecastQuery>,
) -> Response {
    let (caller, date, from, _) = match reader_on(&state, &headers, query.from, "from") {
        Ok(v) => v,
        Err(r) => return r,
    };
    let days = match query.days.as_deref().map(str::parse::<i64>) {
        None => 7,
        Some(Ok(n)) if (1..=MAX_FORECAST_DAYS).contains(&n) => n,
        Some(_) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                "bad_days",
                format!("days must be a whole number from 1 to {MAX_FORECAST_DAYS}"),
            );
        }
    };
    let Some(routes) = state.routes.clone() else {
        return json_error(StatusCode::NOT_FOUND, "no_routes", "this hub moves no parcels onto flights");
    };
    let store = state.store.clone();
    let found = blocking(move || {
        let mut r = store.read()?;
        let first = greenlane_pipeline::china_date(from);
        let last = greenlane_pipeline::china_date(from.plus_seconds((days - 1) * 86_400));
        let clock = r.cargo_clock()?;
        Ok((greenlane_pipeline::outlook(&mut *r, &routes.cargo(), first, last)?, clock))
    })
    .await;
    let (o, clock) = match found {
        Ok(v) => v,
        Err(r) => return r,
    };
    let to = from.plus_seconds(days * 86_400);
    let mut days_out = Vec::new();
    for d in greenlane_cargo::forecast(&o.flights, &o.plan) {
        let (mut parcels, mut loaded_g, mut loaded_cm3) = (0, 0, 0);
        for (i, f) in o.flights.iter().enumerate() {
            if f.route == d.route && f.departure.date() == d.date {
                let (n, g, cm3) = o.load_of(i, |p| caller.may_see(&p.list.ebc_code));
                (parcels, loaded_g, loaded_cm3) = (parcels + n, loaded_g + g, loaded_cm3 + cm3);
            }
        }
        let Some(i) = o.flights.iter().position(|f| f.route == d.route) else { continue };
        let departs = greenlane_pipeline::flight_time(o.flights[i].departure);
        let midnight = day(&d.date.to_string()).map(|(m, _)| m).unwrap_or(departs);
        if midnight < from || midnight >= to {
            continue;
        }
        days_out.push(serde_json::json!({
            "route": o.routes[i],
            "origin": o.flights[i].origin,
            "destination": o.flights[i].destination,
            "date": d.date.to_string(),
            "flights": d.flights,
            "capacityKg": kg(d.capacity_g),
            "loadedKg": kg(loaded_g),
            "capacityG": d.capacity_g,
            "loadedG": loaded_g,
            "capacityCm3": d.capacity_cm3,
            "loadedCm3": loaded_cm3,
            "parcels": parcels,
        }));
    }
    Json(serde_json::json!({
        "from": date,
        "days": days,
        "clock": clock.map(MessageTime::to_rfc3339),
        "routes": days_out,
    }))
    .into_response()
}

/// `GET /api/v1/routes`: the route table in force.
pub(crate) async fn routes(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(r) = reader(&state, &headers) {
        return r;
    }
    match state.routes {
        Some(routes) => Json(routes.version()).into_response(),
        None => json_error(StatusCode::NOT_FOUND, "no_routes", "this hub moves no parcels onto flights"),
    }
}

/// `POST /api/v1/routes/reload`: the route file read again and put in force for every cut-off
/// still to come; on error the table in force stays.
pub(crate) async fn reload_routes(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(r) = allowed(&state, &headers, Endpoint::ReloadRoutes) {
        return r;
    }
    let Some(routes) = state.routes.clone() else {
        return json_error(StatusCode::NOT_FOUND, "no_routes", "this hub moves no parcels onto flights");
    };
    let previous = routes.version();
    match tokio::task::spawn_blocking(move || routes.reload()).await {
        Ok(Ok(version)) => Json(serde_json::json!({
            "version": version.version,
            "digest": version.digest,
            "routes": version.routes,
            "file": version.file,
            "previous": previous,
        }))
        .into_response(),
        Ok(Err(e @ crate::RoutesError::Shipped)) => json_error(StatusCode::CONFLICT, "routes_shipped", e.to_string()),
        // The table in force stays in force.
        Ok(Err(e @ crate::RoutesError::Invalid(_))) => {
            json_error(StatusCode::UNPROCESSABLE_ENTITY, "bad_routes", e.to_string())
        }
        Ok(Err(e @ crate::RoutesError::Unrecorded(_))) => {
            json_error(StatusCode::SERVICE_UNAVAILABLE, "routes_unrecorded", e.to_string())
        }
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
    }
}

fn text(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// `GET /api/v1/mawbs/{mawb}/{fwb|fhl}`.
pub(crate) async fn mawb_document(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((mawb, kind)): Path<(String, String)>,
) -> Response {
    let caller = match reader(&state, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if kind != "fwb" && kind != "fhl" {
        return json_error(StatusCode::NOT_FOUND, "unknown_document", "a MAWB's documents are fwb, fhl and onerecord");
    }
    match visible_mawb(&state, &caller, &mawb).await {
        Ok((m, _)) => text(if kind == "fwb" { m.fwb } else { m.fhl }),
        Err(r) => r,
    }
}

/// The MAWB `mawb` as stored with the parcels on it the caller may see, if the caller may read
/// it: staff read every MAWB, an enterprise only those that carry one of its lists. `Err` is the
/// answer to give instead (`bad_mawb`, `unknown_mawb`, `void_mawb`, `store_failure`).
#[allow(clippy::result_large_err)]
pub(crate) async fn visible_mawb(
    state: &AppState,
    caller: &Caller,
    mawb: &str,
) -> Result<(CargoMawb, Vec<CargoParcel>), Response> {
    let number: greenlane_cargo::Mawb = mawb
        .parse()
        .map_err(|e: greenlane_cargo::MawbError| json_error(StatusCode::BAD_REQUEST, "bad_mawb", e.to_string()))?;
    let key = number.to_string();
    let store = state.store.clone();
    let found = blocking(move || {
        let mut r = store.read()?;
        let Some(m) = r.cargo_mawb(&key)? else { return Ok(None) };
        let parcels = r.cargo_parcels_of_mawb(&key)?;
        // A MAWB whose every list was cancelled after the cut-off: its flight left without it.
        let flown = r.cargo_flight(&m.flight)?.is_some_and(|f| f.mawbs.contains(&key));
        Ok(Some((m, parcels, flown)))
    })
    .await?;
    match found {
        Some((_, _, false)) if caller.acting_enterprise().is_none() => Err(json_error(
            StatusCode::GONE,
            "void_mawb",
            format!("MAWB {number} was issued, but every list under it was cancelled before its flight left"),
        )),
        Some((m, mut parcels, true))
            if caller.acting_enterprise().is_none() || parcels.iter().any(|p| caller.may_see(&p.list.ebc_code)) =>
        {
            parcels.retain(|p| caller.may_see(&p.list.ebc_code));
            Ok((m, parcels))
        }
        // Another enterprise's MAWB is answered as one that does not exist.
        _ => Err(json_error(StatusCode::NOT_FOUND, "unknown_mawb", format!("no MAWB {number} was issued"))),
    }
}

/// `GET /api/v1/flights/{flightNo}/{date}/ffm`.
pub(crate) async fn ffm(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((flight_no, date)): Path<(String, String)>,
) -> Response {
    let caller = match reader(&state, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some((from, to)) = day(&date) else { return bad_date(&date) };
    let store = state.store.clone();
    let wanted = flight_no.clone();
    let found = blocking(move || {
        let mut r = store.read()?;
        let Some(f) = r.cargo_flights_between(from, to)?.into_iter().find(|f| f.key.flight_no == wanted) else {
            return Ok(None);
        };
        let owners: Vec<String> = r.cargo_parcels_on(&f.key)?.into_iter().map(|p| p.list.ebc_code).collect();
        Ok(Some((f, owners)))
    })
    .await;
    let unknown = || {
        json_error(StatusCode::NOT_FOUND, "unknown_flight", format!("no loaded flight {flight_no} departs on {date}"))
    };
    match found {
        Ok(Some((f, owners)))
            if !f.ffm.is_empty()
                && (caller.acting_enterprise().is_none() || owners.iter().any(|o| caller.may_see(o))) =>
        {
            text(f.ffm)
        }
        Ok(_) => unknown(),
        Err(r) => r,
    }
}
