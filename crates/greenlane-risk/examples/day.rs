//! The risk engine's acceptance harness: simulated days through the real pipeline on a temporary
//! SQLite store, officers working every list routed to them with the truth's outcome, and the
//! lanes scored against the truth per violation kind.
//!
//! ```sh
//! cargo run --release -p greenlane-risk --example day -- --parcels 200000 --seeds 1,2,3
//! ```
//!
//! Also takes `--criteria DIR` (default: the embedded set), `--batch N` (messages per
//! transaction, default 50) and `--lists DIR`, a folder of denied-party lists to screen the
//! parties with (as `greenlane serve --lists`); without it no parcel is screened and
//! sanctioned_party parcels can only be caught by other signals.

use greenlane_core::risk::{Assessment, Evidence, RiskEngine};
use greenlane_core::{Inspection, InspectionOutcome, Lane, ListKey, Parcel, ViolationKind};
use greenlane_pipeline::{Config, InspectionRequest, Pipeline, Prepared};
use greenlane_risk::Engine;
use greenlane_sim::{SimConfig, TruthRecord};
use greenlane_store::{SqliteStore, Store};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A list, its lane and its reasons' codes.
type Decided = (ListKey, Lane, Vec<String>);

/// Forwards to the engine and remembers each list's lane, so officers know what to work.
struct Recording {
    engine: Engine,
    lanes: Arc<Mutex<Vec<Decided>>>,
    examples: bool,
}

impl RiskEngine for Recording {
    fn check_documents(&self, parcel: &Parcel) -> Vec<greenlane_core::check::Finding> {
        self.engine.check_documents(parcel)
    }
    fn document_comparisons(&self, parcel: &Parcel) -> Vec<greenlane_core::check::Comparison> {
        self.engine.document_comparisons(parcel)
    }
    fn assess(&mut self, parcel: &Parcel, evidence: &Evidence<'_>) -> Assessment {
        let a = self.engine.assess(parcel, evidence);
        let mut codes: Vec<String> = a.reasons.iter().map(|r| r.code.clone()).collect();
        if self.examples {
            for i in &parcel.list.items {
                codes.push(format!("item {} {} qty {} price {}", i.gname, i.gcode, i.qty, i.price));
            }
            codes.push(format!("score {:.0}", a.score));
        }
        self.lanes.lock().unwrap().push((parcel.list.key.clone(), a.lane, codes));
        a
    }
    fn observe_inspection(&mut self, parcel: &Parcel, inspection: &Inspection) {
        self.engine.observe_inspection(parcel, inspection);
    }
    fn warm_up(&mut self, parcel: &Parcel, lane: greenlane_core::Lane) {
        RiskEngine::warm_up(&mut self.engine, parcel, lane);
    }
    fn version(&self) -> &str {
        self.engine.version()
    }
}

#[derive(Default)]
struct Score {
    decided: u64,
    released: u64,
    stopped_violating: u64,
    stopped: u64,
    lanes: BTreeMap<Lane, u64>,
    kinds: BTreeMap<ViolationKind, (u64, u64)>,
    missed_codes: BTreeMap<String, u64>,
    false_codes: BTreeMap<String, u64>,
    blue_codes: BTreeMap<String, u64>,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let parcels: usize = arg("--parcels").map_or(20_000, |v| v.parse().expect("--parcels N"));
    let seeds: Vec<u64> =
        arg("--seeds").unwrap_or_else(|| "1".into()).split(',').map(|s| s.parse().expect("--seeds 1,2")).collect();
    let batch: usize = arg("--batch").map_or(50, |v| v.parse().expect("--batch N"));
    let criteria = arg("--criteria");
    let lists = arg("--lists");
    let verbose = args.iter().any(|a| a == "--verbose");

    let mut total = Score::default();
    for seed in seeds {
        let engine = match &criteria {
            Some(dir) => Engine::load_dir(std::path::Path::new(dir)).unwrap_or_else(|e| panic!("{e}")),
            None => Engine::with_default_criteria().unwrap(),
        };
        let version = engine.version().to_owned();
        let lanes = Arc::new(Mutex::new(Vec::new()));
        let recording = Recording { engine, lanes: lanes.clone(), examples: arg("--examples").is_some() };
        let sim = greenlane_sim::generate(&SimConfig { parcels, seed, ..Default::default() }).unwrap();
        let truth: HashMap<(String, String), &TruthRecord> =
            sim.truth().iter().map(|t| ((t.ebc_code.clone(), t.cop_no.clone()), t)).collect();
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).unwrap());
        let mut pipeline = Pipeline::new(store, Box::new(recording), Config::default()).unwrap();
        if let Some(dir) = &lists {
            let loaded = greenlane_pipeline::Lists::load(std::path::Path::new(dir)).expect("--lists DIR loads");
            pipeline = pipeline.with_lists(Arc::new(loaded)).unwrap();
        }
        let started = Instant::now();
        let mut seen = 0usize;
        let mut decided: Vec<Decided> = Vec::new();
        let total_messages = sim.message_count();
        for start in (0..total_messages).step_by(batch) {
            let prepared: Vec<Prepared> =
                (start..(start + batch).min(total_messages)).map(|i| Prepared::new(sim.message(i).bytes)).collect();
            pipeline.apply(&prepared).unwrap();
            let fresh: Vec<Decided> = lanes.lock().unwrap().drain(..).collect();
            // Officers work what was routed to them, with what the truth says they would find.
            for (key, lane, _) in &fresh {
                if !lane.needs_officer() {
                    continue;
                }
                let Some(t) = truth.get(&(key.ebc_code.clone(), key.cop_no.clone())) else { continue };
                let outcome = match t.violations.first() {
                    Some(k) => InspectionOutcome::Violation(*k),
                    None => InspectionOutcome::Compliant,
                };
                let request =
                    InspectionRequest { list: key.clone(), outcome, note: String::new(), officer: "harness".into() };
                let _ = pipeline.inspect(&request).unwrap();
            }
            seen += fresh.len();
            decided.extend(fresh);
        }
        let elapsed = started.elapsed();

        let mut s = Score::default();
        for (key, lane, codes) in &decided {
            let Some(t) = truth.get(&(key.ebc_code.clone(), key.cop_no.clone())) else { continue };
            s.decided += 1;
            *s.lanes.entry(*lane).or_default() += 1;
            let stopped = !lane.is_released();
            s.released += u64::from(!stopped);
            if *lane == Lane::Blue && verbose {
                for c in codes {
                    *s.blue_codes.entry(c.clone()).or_default() += 1;
                }
            }
            s.stopped += u64::from(stopped);
            if !t.violations.is_empty() {
                s.stopped_violating += u64::from(stopped);
                for k in &t.violations {
                    let e = s.kinds.entry(*k).or_default();
                    e.0 += 1;
                    e.1 += u64::from(stopped);
                    if !stopped && verbose {
                        let sub = t.subtlety.map_or("-".into(), |s| format!("{s:?}"));
                        *s.missed_codes.entry(format!("{} {sub}", k.as_str())).or_default() += 1;
                        if arg("--examples").as_deref() == Some(k.as_str()) {
                            println!("  example {sub}: true {} declared {}: {codes:?}", t.true_hs_code, t.hs_code);
                        }
                        for c in codes {
                            *s.missed_codes.entry(format!("  {} {sub} <- {c}", k.as_str())).or_default() += 1;
                        }
                    }
                }
            } else if stopped {
                if arg("--examples").as_deref() == Some("clean") {
                    println!("  clean stopped ({:?}): {codes:?}", t.confounder);
                }
                for c in codes {
                    *s.false_codes.entry(c.clone()).or_default() += 1;
                }
            }
        }
        println!(
            "seed {seed}: {parcels} parcels, {seen} decided in {:.1}s ({:.0} parcels/s), criteria {version}",
            elapsed.as_secs_f64(),
            seen as f64 / elapsed.as_secs_f64()
        );
        print_score(&s, verbose);
        total.decided += s.decided;
        total.released += s.released;
        total.stopped += s.stopped;
        total.stopped_violating += s.stopped_violating;
        for (l, n) in s.lanes {
            *total.lanes.entry(l).or_default() += n;
        }
        for (k, (n, st)) in s.kinds {
            let e = total.kinds.entry(k).or_default();
            e.0 += n;
            e.1 += st;
        }
    }
    println!("all seeds:");
    print_score(&total, false);
}

fn pct(a: u64, b: u64) -> String {
    if b == 0 { "–".into() } else { format!("{:.1}%", 100.0 * a as f64 / b as f64) }
}

fn print_score(s: &Score, verbose: bool) {
    let lanes: Vec<String> = s.lanes.iter().map(|(l, n)| format!("{} {}", l.as_str(), pct(*n, s.decided))).collect();
    println!("  lanes: {}", lanes.join(", "));
    let (n, st): (u64, u64) = s.kinds.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "  release rate {} | recall (all kinds) {} | precision {} ({} of {} interventions)",
        pct(s.released, s.decided),
        pct(st, n),
        pct(s.stopped_violating, s.stopped),
        s.stopped_violating,
        s.stopped
    );
    println!("  | kind | parcels | stopped | recall |");
    for (k, (n, st)) in &s.kinds {
        println!("  | {} | {n} | {st} | {} |", k.as_str(), pct(*st, *n));
    }
    if verbose {
        for (k, n) in &s.missed_codes {
            println!("  missed {k}: {n}");
        }
        let mut blue: Vec<_> = s.blue_codes.iter().collect();
        blue.sort_by(|a, b| b.1.cmp(a.1));
        println!("  reasons on blue parcels: {:?}", &blue[..blue.len().min(10)]);
        let mut f: Vec<_> = s.false_codes.iter().collect();
        f.sort_by(|a, b| b.1.cmp(a.1));
        println!("  reasons on clean parcels stopped: {:?}", &f[..f.len().min(15)]);
    }
}
