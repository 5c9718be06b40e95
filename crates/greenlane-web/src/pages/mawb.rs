//! The MAWB page: a master waybill's Cargo-IMP FWB and FHL as greenlane wrote them, and the same
//! MAWB as ONE Record JSON-LD. Staff read every MAWB; an enterprise only one carrying its lists
//! (any other is answered as unknown, as the API does).

use super::{Page, blocking, message, page, render, unavailable};
use crate::WebState;
use crate::i18n::Tr;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use greenlane_cargo::imp::{fhl, fwb};
use greenlane_cargo::onerecord;
use greenlane_core::access::Endpoint;

#[derive(Template)]
#[template(path = "mawb.html")]
struct MawbPage {
    t: &'static Tr,
    nav: super::Nav,
    mawb: String,
    /// The flight it departs on and the day (Beijing time), for the way back to that day's flights.
    flight_no: String,
    date: String,
    fwb: String,
    fhl: String,
    /// The JSON-LD, or why it could not be made from the stored text.
    one_record: String,
}

pub async fn mawb(State(state): State<WebState>, headers: HeaderMap, Path(number): Path<String>) -> Response {
    let p: Page = match page(&state, &headers, Endpoint::ReadDecisions) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let unknown =
        |p: Page, what: &str| message(StatusCode::NOT_FOUND, p.t, p.nav, format!("no MAWB {what} was issued"));
    let key = match number.parse::<greenlane_cargo::Mawb>() {
        Ok(m) => m.to_string(),
        Err(e) => return message(StatusCode::BAD_REQUEST, p.t, p.nav, e.to_string()),
    };
    let own = p.caller.acting_enterprise();
    let wanted = key.clone();
    let found = blocking(&state, move |r| {
        let Some(m) = r.cargo_mawb(&wanted)? else { return Ok(None) };
        let mut parcels = r.cargo_parcels_of_mawb(&wanted)?;
        if let Some(own) = own {
            parcels.retain(|p| p.list.ebc_code == own);
            if parcels.is_empty() {
                return Ok(None);
            }
        }
        Ok(Some((m, parcels)))
    })
    .await;
    let (m, parcels) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return unknown(p, &key),
        Err(why) => return unavailable(&p, why),
    };
    // Named as the API publishes it, so that the ids here are those of the API's document.
    let base = greenlane_server::onerecord::published_at(&headers, &m.mawb);
    let one_record = match (fwb::read(&m.fwb), fhl::read(&m.fhl)) {
        (Ok(w), Ok(h)) => match onerecord::document(&w, &h, &base) {
            Ok(mut d) => {
                onerecord::add_parcels(&mut d, &greenlane_server::onerecord::contained(&parcels));
                d.to_json()
            }
            Err(e) => e.to_string(),
        },
        (Err(e), _) | (_, Err(e)) => e.to_string(),
    };
    let date = m.flight.departure.to_rfc3339()[..10].to_owned();
    let page = MawbPage {
        t: p.t,
        nav: p.nav,
        mawb: m.mawb,
        flight_no: m.flight.flight_no,
        date,
        fwb: m.fwb,
        fhl: m.fhl,
        one_record,
    };
    render(StatusCode::OK, &page)
}
