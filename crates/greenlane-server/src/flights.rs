//! `GET /api/v1/flights?date=`, `GET /api/v1/mawbs/{mawb}/{fwb|fhl}` and
//! `GET /api/v1/flights/{flightNo}/{date}/ffm`: the flights the hub loaded, their master waybills
//! and the lists on them, and the Cargo-IMP text greenlane wrote. An enterprise token sees only
//! the flights and MAWBs that carry its own lists, and only its own lists on them.

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

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FlightJson {
    flight_no: String,
    /// The route's id in the route table (`SZX-LGG-ET`).
    route: String,
    origin: String,
    destination: String,
    /// RFC 3339, Beijing time.
    departure: String,
    capacity_kg: f64,
    loaded_kg: f64,
    chargeable_kg: f64,
    /// `closed` (built, MAWB issued) or `departed`.
    status: &'static str,
    parcels: u64,
    capacity_g: u64,
    loaded_g: u64,
    capacity_cm3: u64,
    loaded_cm3: u64,
    uld_type: String,
    uld_net_g: u64,
    uld_volume_cm3: u64,
    ulds: Vec<UldJson>,
    mawbs: Vec<MawbJson>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UldJson {
    id: String,
    gross_g: u64,
    volume_cm3: u64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct MawbJson {
    mawb: String,
    destination: String,
    pieces: u32,
    gross_kg: f64,
    chargeable_kg: f64,
    lists: Vec<ListJson>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ListJson {
    ebc_code: String,
    cop_no: String,
    invt_no: Option<String>,
    logistics_no: String,
    hawb: Option<String>,
    /// `loaded` or `departed`.
    state: &'static str,
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
    let c = caller(state, headers).map_err(denied)?;
    c.may(Endpoint::ReadDecisions).map_err(denied)?;
    Ok(c)
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

/// `GET /api/v1/flights?date=YYYY-MM-DD`: the flights departing that day (Beijing time).
pub(crate) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<DateQuery>,
) -> Response {
    let caller = match reader(&state, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(date) = query.date else {
        return json_error(StatusCode::BAD_REQUEST, "missing_date", "date is required: ?date=YYYY-MM-DD");
    };
    let Some((from, to)) = day(&date) else { return bad_date(&date) };
    let store = state.store.clone();
    let rows = blocking(move || {
        let mut r = store.read()?;
        let mut out = Vec::new();
        for f in r.cargo_flights_between(from, to)? {
            let parcels = r.cargo_parcels_on(&f.key)?;
            let mut issued = Vec::new();
            for m in &f.mawbs {
                issued.extend(r.cargo_mawb(m)?);
            }
            out.push((f, parcels, issued));
        }
        Ok(out)
    })
    .await;
    match rows {
        Ok(rows) => {
            let flights: Vec<FlightJson> =
                rows.into_iter().filter_map(|(f, p, m)| flight_json(f, p, m, &caller)).collect();
            Json(serde_json::json!({ "flights": flights })).into_response()
        }
        Err(r) => r,
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
/// answer to give instead (`bad_mawb`, `unknown_mawb`, `store_failure`).
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
        Ok(Some((m, r.cargo_parcels_of_mawb(&key)?)))
    })
    .await?;
    match found {
        Some((m, mut parcels))
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
