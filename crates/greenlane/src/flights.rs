//! The demo's cargo part: the warehouse's arrivals of the simulated day (sent among the day's
//! messages in message-time order), and the flights of the day and the next two as the hub
//! scheduled, loaded and departed them (`GET /api/v1/flights`), printed as a table of load
//! against capacity.

use greenlane_sim::Simulation;
use greenlane_sim::arrivals::{ArrivalNoise, arrivals as arrivals_of};
use std::fmt::Write as _;

/// The day's CEB507 arrivals in the order the trucks reach the airport.
pub fn arrivals(sim: &Simulation) -> Vec<greenlane_sim::SimMessage> {
    let mut messages = arrivals_of(sim, &ArrivalNoise::default());
    messages.sort_by(|a, b| a.sent_at.cmp(&b.sent_at));
    messages
}

/// The flights departing on `dates`, one line each, and their MAWBs.
pub fn table(base: &str, token: &str, dates: &[time::Date]) -> anyhow::Result<String> {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut out = String::new();
    writeln!(out, "flights (load against capacity; MAWB, parcels):")?;
    for date in dates {
        let mut response = agent
            .get(format!("{base}/api/v1/flights?date={date}"))
            .header("Authorization", &format!("Bearer {token}"))
            .call()?;
        let body: serde_json::Value = serde_json::from_str(&response.body_mut().read_to_string()?)?;
        for f in body["flights"].as_array().into_iter().flatten() {
            let (loaded, capacity) = (f["loadedKg"].as_f64().unwrap_or(0.0), f["capacityKg"].as_f64().unwrap_or(1.0));
            let mawbs: Vec<String> = f["mawbs"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| {
                    format!(
                        "{} ({} lists)",
                        m["mawb"].as_str().unwrap_or(""),
                        m["lists"].as_array().map_or(0, Vec::len)
                    )
                })
                .collect();
            writeln!(
                out,
                "  {:<7} {}  {:<11} {:>9.1} / {:>9.0} kg {:>5.1} %  {:<8} {}",
                f["flightNo"].as_str().unwrap_or(""),
                &f["departure"].as_str().unwrap_or("")[..16.min(f["departure"].as_str().unwrap_or("").len())],
                f["route"].as_str().unwrap_or(""),
                loaded,
                capacity,
                100.0 * loaded / capacity,
                f["status"].as_str().unwrap_or(""),
                mawbs.join(", ")
            )?;
        }
    }
    Ok(out)
}
