//! Assessments per second on one core with 10, 100 and 1,000 criteria loaded, against the same
//! criteria written as CEL expressions for the `cel` crate (compiled once, context reused,
//! evaluated one by one), in the same run.
//!
//! ```sh
//! cargo bench -p greenlane-risk --bench assess        # the measurement
//! cargo test -p greenlane-risk --benches              # a tiny check that both agree
//! ```
//!
//! The parcels have one goods line each, so that a CEL criterion can read the line's HS code as
//! one variable; greenlane's side runs the whole `Engine::assess` (features, index, criteria,
//! analyzers, learning, lanes), the peer only the criteria.

#[path = "../tests/support/mod.rs"]
mod support;

use greenlane_core::Parcel;
use greenlane_core::risk::{Evidence, RiskEngine};
use greenlane_risk::{CriteriaSet, DEFAULT_FILES, Engine};
use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CODES: &[&str] = &[
    "6109100021",
    "6110300090",
    "6204620000",
    "6104620000",
    "6204430000",
    "6115950000",
    "6404110000",
    "6402990000",
    "4202210000",
    "4202220000",
    "4202920000",
    "6505009900",
    "6117100000",
    "6205200099",
    "8518300000",
    "8504401400",
    "8507600090",
    "8544421100",
    "8517629400",
    "8517130000",
    "8525891900",
    "8513101000",
    "8543400010",
    "8471607100",
    "8523511000",
    "9405420000",
    "8518220000",
    "9504509000",
    "8516310000",
    "8516320000",
    "3926909090",
    "3924100000",
    "7323930000",
    "9503008900",
    "3304990000",
    "3304100000",
    "7117190000",
    "9102110000",
    "9004100000",
    "6302310000",
];
const DESTS: &[&str] = &["US", "GB", "DE", "FR", "JP", "AU", "CA", "BR", "RU", "SA", "MX", "KR"];
const VALUES: &[u32] = &[0, 50, 100, 200, 500, 1000];

/// A small deterministic generator, so both engines see the same criteria and parcels.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// `n` criteria of the ASYCUDA shape (commodity prefix, destination, value band), as TOML for
/// greenlane and as CEL expressions for the peer.
fn criteria(n: usize) -> (String, Vec<String>) {
    let mut rng = Lcg(42);
    let mut toml = String::new();
    let mut cel = Vec::new();
    for i in 0..n {
        let code = CODES[rng.next(CODES.len())];
        let prefix = &code[..if rng.next(2) == 0 { 4 } else { 6 }];
        let dest = DESTS[rng.next(DESTS.len())];
        let value = VALUES[1 + rng.next(VALUES.len() - 1)];
        let _ = write!(
            toml,
            "[[criterion]]\nid = \"bench.{i}\"\nrationale = \"r\"\ninstruction = \"i\"\nweight = 1\n[criterion.when]\nhs_prefix = [\"{prefix}\"]\ndestination = [\"{dest}\"]\nvalue_cny = {{ min = {value} }}\n\n"
        );
        cel.push(format!("hs.startsWith(\"{prefix}\") && dest == \"{dest}\" && value >= {value}.0"));
    }
    (toml, cel)
}

fn engine(criteria_toml: &str) -> Engine {
    let mut files: Vec<(String, String)> = DEFAULT_FILES
        .iter()
        .filter(|(n, _)| *n != "criteria.toml")
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    files.push(("criteria.toml".into(), criteria_toml.to_owned()));
    Engine::new(CriteriaSet::from_sources(&files).expect("generated criteria load"))
}

fn parcels(n: usize) -> Vec<Parcel> {
    let mut rng = Lcg(7);
    (0..n)
        .map(|i| {
            let code = CODES[rng.next(CODES.len())];
            let dest = DESTS[rng.next(DESTS.len())];
            let customs = greenlane_codes::country_by_iso2(dest).map(|c| c.customs_code.clone()).unwrap();
            let price = 10 + rng.next(1500);
            support::parcel(i).line("商品", code, "1", &format!("{price}.00")).to(&customs, dest).build()
        })
        .collect()
}

/// The thread's own on-CPU time (`/proc/thread-self/schedstat`), so other processes on the
/// shared cores do not count; wall-clock time where that file is missing.
fn cpu_now() -> Duration {
    std::thread::yield_now();
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse::<u64>().ok()))
        .map(Duration::from_nanos)
        .unwrap_or_else(|| {
            static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
            START.get_or_init(Instant::now).elapsed()
        })
}

/// Criteria matched by greenlane over `parcels`.
fn greenlane_pass(engine: &mut Engine, parcels: &[Parcel]) -> u64 {
    let mut matched = 0u64;
    for p in parcels {
        let a = engine.assess(p, &Evidence::default());
        matched += a.reasons.iter().filter(|r| r.code.starts_with("bench.")).count() as u64;
    }
    matched
}

/// Criteria matched by the CEL programs over `parcels`, evaluated one by one with one reused
/// context whose variables are replaced per parcel.
fn cel_pass(programs: &[cel::Program], context: &mut cel::Context, parcels: &[Parcel]) -> u64 {
    let mut matched = 0u64;
    for p in parcels {
        let item = &p.list.items[0];
        let dest = greenlane_codes::country_by_customs_code(&p.list.country).and_then(|c| c.iso2.clone()).unwrap();
        let value: f64 = p.list.goods_value().try_into().unwrap_or(0.0);
        context.add_variable_from_value("hs", item.gcode.clone());
        context.add_variable_from_value("dest", dest);
        context.add_variable_from_value("value", value);
        matched += programs.iter().filter(|prog| prog.execute(context) == Ok(cel::Value::Bool(true))).count() as u64;
    }
    matched
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let measure = std::env::args().any(|a| a == "--bench");
    let (sizes, n_parcels, rounds, passes): (&[usize], usize, usize, usize) =
        if measure { (&[10, 100, 1000], 2000, 7, 5) } else { (&[10], 50, 1, 1) };
    let parcels = parcels(n_parcels);
    let env = Arc::new(cel::Env::stdlib());
    println!(
        "| criteria | greenlane parcels/s | cel parcels/s | ratio (median per round) | criteria matched per parcel |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: |");
    for &n in sizes {
        let (toml, expressions) = criteria(n);
        let mut engine = engine(&toml);
        let programs: Vec<cel::Program> = expressions.iter().map(|e| env.compile(e).expect("CEL compiles")).collect();
        let mut context = cel::Context::with_env(env.clone());
        let ours_matched = greenlane_pass(&mut engine, &parcels);
        let peer_matched = cel_pass(&programs, &mut context, &parcels);
        assert_eq!(ours_matched, peer_matched, "{n} criteria: both engines must match the same criteria");
        // Alternating rounds (greenlane, cel, then cel, greenlane), each timed on the thread's CPU.
        let (mut ours, mut peer, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let time = |f: &mut dyn FnMut()| {
                let t = cpu_now();
                f();
                (cpu_now() - t).as_secs_f64()
            };
            let mut g = || {
                for _ in 0..passes {
                    black_box(greenlane_pass(&mut engine, &parcels));
                }
            };
            let mut c = || {
                black_box(cel_pass(&programs, &mut context, &parcels));
            };
            let (tg, tc) = if round % 2 == 0 {
                let tg = time(&mut g);
                (tg, time(&mut c))
            } else {
                let tc = time(&mut c);
                (time(&mut g), tc)
            };
            let (g_rate, c_rate) = ((passes * parcels.len()) as f64 / tg, parcels.len() as f64 / tc);
            ours.push(g_rate);
            peer.push(c_rate);
            ratio.push(g_rate / c_rate);
        }
        println!(
            "| {n} | {:.0} | {:.0} | {:.0}× | {:.2} |",
            median(&mut ours),
            median(&mut peer),
            median(&mut ratio),
            ours_matched as f64 / parcels.len() as f64
        );
    }
}
