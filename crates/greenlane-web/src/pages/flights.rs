//! The flights page: the flights departing on a day (Beijing time) as `GET /api/v1/flights`
//! gives them (built ones as the hub loaded them, scheduled ones with their cut-off and the load
//! planned from the parcels waiting), load against capacity per flight and per route, and a chart
//! of the three. Staff see every flight; an enterprise only those carrying its own lists or its
//! own planned parcels, counted by its own alone (the API's rule, by the API's own function).

use super::{Nav, Page, blocking, page, render, unavailable};
use crate::WebState;
use crate::i18n::{Lang, Tr};
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

/// The page's own words, in both languages (the status is the API's word, kept as the row's class).
struct Words {
    routes: &'static str,
    route: &'static str,
    flight: &'static str,
    departure: &'static str,
    status: &'static str,
    loaded: &'static str,
    capacity: &'static str,
    load: &'static str,
    parcels: &'static str,
    chart: &'static str,
    closed: &'static str,
    departed: &'static str,
    scheduled: &'static str,
    cutoff: &'static str,
    planned: &'static str,
}

const EN: Words = Words {
    routes: "Routes",
    route: "Route",
    flight: "Flight",
    departure: "Departure",
    status: "Status",
    loaded: "kg loaded",
    capacity: "kg capacity",
    load: "Load",
    parcels: "Parcels",
    chart: "Load against capacity, kg",
    closed: "closed",
    departed: "departed",
    scheduled: "scheduled",
    cutoff: "Cut-off",
    planned: "kg planned",
};

const ZH: Words = Words {
    routes: "航线",
    route: "航线",
    flight: "航班",
    departure: "起飞",
    status: "状态",
    loaded: "已装载 kg",
    capacity: "运力 kg",
    load: "装载率",
    parcels: "包裹",
    chart: "装载与运力（kg）",
    closed: "已截载",
    departed: "已离港",
    scheduled: "计划中",
    cutoff: "截载时间",
    planned: "计划装载 kg",
};

struct FlightLine {
    flight_no: String,
    route: String,
    departure: String,
    status: &'static str,
    status_word: &'static str,
    /// The general cut-off of a scheduled flight; empty once it is built.
    cutoff: String,
    loaded_kg: String,
    capacity_kg: String,
    percent: String,
    parcels: u64,
    mawbs: Vec<String>,
}

#[derive(Template)]
#[template(path = "flights.html")]
struct FlightsPage {
    t: &'static Tr,
    w: &'static Words,
    nav: Nav,
    date: String,
    rows: Vec<FlightLine>,
    /// Per route: (route, flights, loaded kg, planned kg, capacity kg, percent loaded or planned).
    routes: Vec<(String, usize, String, String, String, String)>,
    data_json: String,
}

/// A load as a share of capacity; a load too small to show at one decimal is "< 0.1 %", so that
/// it does not read as an empty flight.
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0.0 %".into();
    }
    let share = part as f64 * 100.0 / whole as f64;
    if part > 0 && share < 0.05 { "< 0.1 %".into() } else { format!("{share:.1} %") }
}

fn kg(grams: u64) -> String {
    format!("{:.1}", grams as f64 / 1000.0)
}

/// An RFC 3339 time as `YYYY-MM-DD HH:MM`, as the page shows departures and cut-offs.
fn minute(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ")
}

/// The `HH:MM` of an RFC 3339 time.
fn hhmm(rfc3339: &str) -> &str {
    rfc3339.get(11..16).unwrap_or(rfc3339)
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
    let p: Page = match page(&state, &headers, Endpoint::ReadDecisions) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let wanted = q.date.trim().to_owned();
    let routes = state.app.routes.clone();
    let caller = p.caller.clone();
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
        // The API's own answer, so that the page and `GET /api/v1/flights` never disagree.
        let flights = greenlane_server::day_flights(r, routes.as_deref(), start, start.plus_seconds(86_400), &caller)?;
        Ok((start, flights))
    })
    .await;
    let (start, flights) = match found {
        Ok(v) => v,
        Err(why) => return unavailable(&p, why),
    };
    let date = start.to_rfc3339()[..10].to_owned();
    let w = if p.lang == Lang::Zh { &ZH } else { &EN };
    let mut routes: BTreeMap<String, (usize, u64, u64, u64)> = BTreeMap::new();
    let mut labels = Vec::new();
    let (mut loads, mut planned, mut capacities) = (Vec::new(), Vec::new(), Vec::new());
    let rows = flights
        .iter()
        .map(|f| {
            let r = routes.entry(f.route.clone()).or_default();
            let scheduled = f.status == "scheduled";
            r.0 += 1;
            if scheduled {
                r.2 += f.loaded_g
            } else {
                r.1 += f.loaded_g
            }
            r.3 += f.capacity_g;
            labels.push(format!("{} {}", f.flight_no, hhmm(&f.departure)));
            // A planned load is what the parcels waiting now would fill, not cargo on board:
            // it is its own series, drawn apart from the loads of flights already built.
            let load = f.loaded_g as f64 / 1000.0;
            loads.push(if scheduled { 0.0 } else { load });
            planned.push(if scheduled { load } else { 0.0 });
            capacities.push(f.capacity_g as f64 / 1000.0);
            FlightLine {
                flight_no: f.flight_no.clone(),
                route: f.route.clone(),
                departure: minute(&f.departure),
                status: f.status,
                status_word: match f.status {
                    "departed" => w.departed,
                    "scheduled" => w.scheduled,
                    _ => w.closed,
                },
                cutoff: f.cutoff.as_deref().map(minute).unwrap_or_default(),
                loaded_kg: kg(f.loaded_g),
                capacity_kg: kg(f.capacity_g),
                percent: percent(f.loaded_g, f.capacity_g),
                parcels: f.parcels,
                mawbs: f.mawbs.iter().map(|m| m.mawb.clone()).collect(),
            }
        })
        .collect();
    let data = serde_json::json!({ "charts": [{
        "id": "flights",
        "kind": "capacity",
        "labels": labels,
        "series": [
            { "label": w.loaded, "values": loads },
            { "label": w.capacity, "values": capacities },
            { "label": w.planned, "values": planned },
        ],
    }]});
    let page = FlightsPage {
        t: p.t,
        w,
        nav: p.nav,
        date,
        rows,
        routes: routes.into_iter().map(|(k, (n, l, pl, c))| (k, n, kg(l), kg(pl), kg(c), percent(l + pl, c))).collect(),
        // `</` cannot appear inside the script element that carries the JSON.
        data_json: data.to_string().replace("</", "<\\/"),
    };
    render(StatusCode::OK, &page)
}
