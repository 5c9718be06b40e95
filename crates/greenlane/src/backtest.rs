//! `greenlane backtest`: the stored traffic replayed, in its original order, through an engine
//! running a candidate criteria set, so an analyst sees what the set would do — lane shares and,
//! where officers' outcomes are known, what it catches and misses — before deploying it.

use crate::risk::{decided_parcels, stored_cases};
use greenlane_risk::{BacktestReport, Engine};
use greenlane_store::Store;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(store: &dyn Store, criteria: &Path, lists: Option<PathBuf>, format: &str) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(matches!(format, "text" | "json"), "unknown format {format:?}: text or json");
    let mut engine = Engine::load_dir(criteria)?;
    let lists = lists.as_deref().map(crate::serve::load_lists).transpose()?;
    let bar = indicatif::ProgressBar::new(decided_parcels(store)?).with_style(
        indicatif::ProgressStyle::with_template("replaying {pos}/{len} stored parcels {wide_bar} {eta}")
            .expect("a valid template"),
    );
    let cases = stored_cases(store, lists.as_deref(), |n| bar.set_position(n))?;
    bar.finish_and_clear();
    let report = greenlane_risk::backtest(&mut engine, cases);
    if format == "json" {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", describe(&report));
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(r: &BacktestReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "criteria {}: {} stored parcels replayed", r.criteria_version, r.parcels);
    let lanes: Vec<String> = r
        .lanes
        .iter()
        .map(|(lane, n)| format!("{} {n} ({:.1}%)", lane.as_str(), 100.0 * r.lane_shares.get(lane).unwrap_or(&0.0)))
        .collect();
    let _ = writeln!(out, "lanes         {}", lanes.join(", "));
    let _ = writeln!(out, "release rate  {:.1}%", 100.0 * r.release_rate);
    let _ = writeln!(
        out,
        "inspected     {} parcels: {} found compliant would still be stopped, {} released",
        r.with_outcome, r.compliant_stopped, r.compliant_released
    );
    if let Some(recall) = r.recall_known {
        let _ = writeln!(out, "known violations caught: {:.1}%", 100.0 * recall);
    }
    for (kind, k) in &r.violations {
        let _ = writeln!(
            out,
            "  {:<20} {:>6} known, {:>6} caught, {:>6} missed",
            kind.as_str(),
            k.parcels,
            k.caught,
            k.missed
        );
    }
    let mut criteria = r.criteria.clone();
    criteria.sort_by(|a, b| b.hits.cmp(&a.hits).then(a.id.cmp(&b.id)));
    let _ = writeln!(out, "busiest criteria and analyzers:");
    for c in criteria.iter().take(15) {
        let _ = writeln!(out, "  {:<40} {:>8} hits {:>8} to an officer", c.id, c.hits, c.selected);
    }
    out
}
