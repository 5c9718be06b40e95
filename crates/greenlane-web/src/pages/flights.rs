//! The flights page: the flights departing on a day (Beijing time) as the hub loaded them, load
//! against capacity per flight and per route, and a chart of the two (staff only).

use super::{Nav, Page, blocking, page, render, unavailable};
use crate::WebState;
use crate::i18n::Tr;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use greenlane_core::MessageTime;
use greenlane_core::access::Endpoint;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
pub struct FlightsQuery {
    #[serde(default)]
    date: String,
}

struct FlightLine {
    flight_no: String,
    route: String,
    departure: String,
    status: &'static str,
    loaded_kg: String,
    capacity_kg: String,
    percent: String,
    parcels: u64,
    mawbs: String,
}

#[derive(Template)]
#[template(path = "flights.html")]
struct FlightsPage {
    t: &'static Tr,
    nav: Nav,
    date: String,
    rows: Vec<FlightLine>,
    /// Per route: (route, flights, loaded kg, capacity kg, percent).
    routes: Vec<(String, usize, String, String, String)>,
    data_json: String,
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 { "0.0 %".into() } else { format!("{:.1} %", part as f64 * 100.0 / whole as f64) }
}

fn kg(grams: u64) -> String {
    format!("{:.1}", grams as f64 / 1000.0)
}

/// `YYYY-MM-DD` as the message time of its midnight in Beijing.
fn midnight(date: &str) -> Option<MessageTime> {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    MessageTime::parse_app_time(&format!("{}{}{}000000", &date[..4], &date[5..7], &date[8..10])).ok()
}

pub async fn flights(State(state): State<WebState>, headers: HeaderMap, Query(q): Query<FlightsQuery>) -> Response {
    let p: Page = match page(&state, &headers, Endpoint::Dashboard) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let wanted = q.date.trim().to_owned();
    let found = blocking(&state, move |r| {
        // The day asked for, else the day of the hub's cargo clock.
        let start = match midnight(&wanted) {
            Some(t) => t,
            None => {
                let now = r.cargo_clock()?.unwrap_or(MessageTime(0));
                let stamp = now.plus_seconds(8 * 3600).0.div_euclid(86_400) * 86_400 - 8 * 3600;
                MessageTime(stamp)
            }
        };
        Ok((start, r.cargo_flights_between(start, start.plus_seconds(86_400))?))
    })
    .await;
    let (start, flights) = match found {
        Ok(v) => v,
        Err(why) => return unavailable(&p, why),
    };
    let date = start.to_rfc3339()[..10].to_owned();
    let mut routes: BTreeMap<String, (usize, u64, u64)> = BTreeMap::new();
    let mut labels = Vec::new();
    let (mut loads, mut capacities) = (Vec::new(), Vec::new());
    let rows = flights
        .iter()
        .map(|f| {
            let r = routes.entry(f.route.clone()).or_default();
            r.0 += 1;
            r.1 += f.gross_g;
            r.2 += f.capacity_g;
            labels.push(format!("{} {}", f.key.flight_no, &f.key.departure.to_rfc3339()[11..16]));
            loads.push(f.gross_g as f64 / 1000.0);
            capacities.push(f.capacity_g as f64 / 1000.0);
            FlightLine {
                flight_no: f.key.flight_no.clone(),
                route: f.route.clone(),
                departure: f.key.departure.to_rfc3339()[..16].replace('T', " "),
                status: f.status.as_str(),
                loaded_kg: kg(f.gross_g),
                capacity_kg: kg(f.capacity_g),
                percent: percent(f.gross_g, f.capacity_g),
                parcels: f.parcels,
                mawbs: f.mawbs.join(", "),
            }
        })
        .collect();
    let data = serde_json::json!({ "charts": [{
        "id": "flights",
        "kind": "line",
        "labels": labels,
        "series": [{ "label": "kg loaded", "values": loads }, { "label": "kg capacity", "values": capacities }],
    }]});
    let page = FlightsPage {
        t: p.t,
        nav: p.nav,
        date,
        rows,
        routes: routes.into_iter().map(|(k, (n, l, c))| (k, n, kg(l), kg(c), percent(l, c))).collect(),
        // `</` cannot appear inside the script element that carries the JSON.
        data_json: data.to_string().replace("</", "<\\/"),
    };
    render(StatusCode::OK, &page)
}
