//! The flights page: the flights departing on a day (Beijing time) as the hub loaded them, load
//! against capacity per flight and per route, and a chart of the two. Staff see every flight; an
//! enterprise the flights carrying its lists, with only the MAWBs that do (as the flights API).

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
};

struct FlightLine {
    flight_no: String,
    route: String,
    departure: String,
    status: &'static str,
    status_word: &'static str,
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
    /// Per route: (route, flights, loaded kg, capacity kg, percent).
    routes: Vec<(String, usize, String, String, String)>,
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
    let own = p.caller.acting_enterprise();
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
        let mut flights = r.cargo_flights_between(start, start.plus_seconds(86_400))?;
        if let Some(own) = own {
            let mut kept = Vec::new();
            for mut f in flights {
                let mine: std::collections::BTreeSet<String> = r
                    .cargo_parcels_on(&f.key)?
                    .into_iter()
                    .filter(|p| p.list.ebc_code == own)
                    .filter_map(|p| p.mawb)
                    .collect();
                if !mine.is_empty() {
                    f.mawbs.retain(|m| mine.contains(m));
                    kept.push(f);
                }
            }
            flights = kept;
        }
        Ok((start, flights))
    })
    .await;
    let (start, flights) = match found {
        Ok(v) => v,
        Err(why) => return unavailable(&p, why),
    };
    let date = start.to_rfc3339()[..10].to_owned();
    let w = if p.lang == Lang::Zh { &ZH } else { &EN };
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
                status_word: if f.status.as_str() == "departed" { w.departed } else { w.closed },
                loaded_kg: kg(f.gross_g),
                capacity_kg: kg(f.capacity_g),
                percent: percent(f.gross_g, f.capacity_g),
                parcels: f.parcels,
                mawbs: f.mawbs.clone(),
            }
        })
        .collect();
    let data = serde_json::json!({ "charts": [{
        "id": "flights",
        "kind": "capacity",
        "labels": labels,
        "series": [{ "label": w.loaded, "values": loads }, { "label": w.capacity, "values": capacities }],
    }]});
    let page = FlightsPage {
        t: p.t,
        w,
        nav: p.nav,
        date,
        rows,
        routes: routes.into_iter().map(|(k, (n, l, c))| (k, n, kg(l), kg(c), percent(l, c))).collect(),
        // `</` cannot appear inside the script element that carries the JSON.
        data_json: data.to_string().replace("</", "<\\/"),
    };
    render(StatusCode::OK, &page)
}
