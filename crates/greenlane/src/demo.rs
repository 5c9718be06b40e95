//! `greenlane demo`: the main job on a fresh machine. A new embedded store, a simulated Shenzhen
//! day pushed through the real HTTP API by concurrent clients, officers (simulated from the
//! truth) working the lists routed to them through `POST /api/v1/inspections`, then the summary
//! with the evaluation table, and the hub left serving with its tokens printed.

use crate::evaluate::Evaluation;
use crate::serve::{Hub, ServeOptions};
use anyhow::{Context, bail};
use greenlane_core::{ListKey, ListStatus};
use greenlane_sim::{HonestNoise, SimConfig, Simulation, TruthRecord};
use greenlane_store::{Role, Store};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A demo's folder says so with this file, so that a second demo may wipe it and nothing else.
const MARKER: &str = "greenlane-demo.txt";

pub struct DemoOptions {
    pub parcels: usize,
    pub seed: u64,
    /// Honest noise between a parcel's documents, as a multiple of the simulator's defaults
    /// (0 off, 1 as shipped).
    pub noise: f64,
    pub listen: String,
    pub data: PathBuf,
    /// Stop after the summary instead of serving on.
    pub exit: bool,
    /// Concurrent HTTP clients, as platforms and logistics firms post at once.
    pub clients: usize,
    pub lists: Option<PathBuf>,
    pub criteria: Option<PathBuf>,
}

/// One simulated day through a fresh hub, with officers at work: what `demo` prints and what
/// `trial` tabulates.
pub struct Day {
    pub evaluation: Evaluation,
    /// The same scores on the parcels of products held out of tuning.
    pub held_out: Evaluation,
    pub plan: greenlane_sim::Summary,
    pub truth_path: PathBuf,
    pub store: Arc<dyn Store>,
    hub: Hub,
    tokens: Tokens,
    pushed: Pushed,
    criteria: PathBuf,
    base: String,
    /// The flights of the day and the next two, as the hub loaded them.
    flights: String,
}

impl Day {
    pub fn stop(self) -> anyhow::Result<()> {
        self.hub.stop()
    }
}

pub fn run(options: &DemoOptions) -> anyhow::Result<()> {
    let day = run_day(options)?;
    let Day { evaluation, held_out, plan, truth_path, store, hub, tokens, pushed, criteria, base, flights } = day;
    println!();
    println!("greenlane demo: a simulated Shenzhen export day, seed {}", options.seed);
    println!(
        "  {} parcels in {} messages ({} in a DXP envelope); {} parcels violate something",
        plan.parcels, plan.messages, plan.enveloped, plan.violating_parcels
    );
    println!(
        "  pushed over HTTP in {:.1} s: {:.0} messages/s, {:.0} parcels/s; latency p50 {:.1} ms, p99 {:.1} ms; {} answered 4xx",
        pushed.seconds,
        pushed.messages as f64 / pushed.seconds,
        plan.parcels as f64 / pushed.seconds,
        pushed.p50_ms,
        pushed.p99_ms,
        pushed.refused
    );
    println!();
    print!("{evaluation}");
    println!();
    print!("{flights}");
    println!();
    println!("parcels of products held out of tuning ({} of them):", held_out.parcels);
    print!("{}", held_out.headline());
    println!();
    print!("{}", summaries_brief(&*store, &base, &tokens.admin)?);
    println!();
    println!("store      {}", store.describe());
    println!("truth      {}", truth_path.display());
    println!("evaluate   greenlane evaluate --truth {} --data {}", truth_path.display(), options.data.display());
    println!("criteria   {}   (edit, backtest and put in force at {base}/criteria)", criteria.display());
    println!("hub        {base}   (API under /api/v1)");
    println!("web UI     {base}/   (sign in with a token below; 中文 or English)");
    println!("tokens     admin       {}", tokens.admin);
    println!("           officer     {}", tokens.officer);
    println!("           viewer      {}", tokens.viewer);
    println!("           enterprise  {}   (exporter {})", tokens.enterprise, tokens.enterprise_code);
    println!("try        curl -H 'Authorization: Bearer {}' '{base}/api/v1/decisions?limit=5'", tokens.viewer);
    if options.exit {
        return hub.stop();
    }
    println!("serving until Ctrl-C");
    hub.serve_until_signal()
}

/// Simulates the day of `options`, starts a hub on a fresh store in `options.data`, pushes the
/// day through its HTTP API while simulated officers work the lists routed to them, and scores
/// the store against the truth. The hub is left running.
pub fn run_day(options: &DemoOptions) -> anyhow::Result<Day> {
    fresh_folder(&options.data)?;
    let started = Instant::now();
    let progress = |message: &str| eprintln!("[{:>5.1} s] {message}", started.elapsed().as_secs_f64());

    progress(&format!(
        "simulating a Shenzhen day: {} parcels, seed {}, honest noise ×{}",
        options.parcels, options.seed, options.noise
    ));
    let sim = greenlane_sim::generate(&SimConfig {
        parcels: options.parcels,
        seed: options.seed,
        noise: HonestNoise::default().scaled(options.noise),
        ..Default::default()
    })?;
    let truth_path = options.data.join("truth.jsonl");
    let file = std::fs::File::create(&truth_path).with_context(|| format!("writing {}", truth_path.display()))?;
    sim.write_truth(std::io::BufWriter::new(file))?;
    let plan = sim.summary();

    // The shipped criteria as files beside the store, so that an analyst can edit, backtest and
    // put them in force from the web UI during the demo.
    let criteria = match &options.criteria {
        Some(dir) => dir.clone(),
        None => {
            let dir = options.data.join("criteria");
            crate::risk::export_shipped(&dir)?;
            dir
        }
    };
    let store: Arc<dyn Store> = Arc::from(greenlane_store::open(&options.data.to_string_lossy())?);
    let tokens = Tokens::create(&*store, sim.truth())?;
    let hub = Hub::start(
        store.clone(),
        &ServeOptions {
            listen: options.listen.clone(),
            closed_registry: false,
            pending_ttl_hours: 72,
            lists: options.lists.clone(),
            criteria: Some(criteria.clone()),
            routes: None,
            limits: greenlane_server::Limits::default(),
            log: Some(crate::intake::LogPlace::Folder(crate::intake::folder(&options.data))),
        },
    )?;
    let base = format!("http://{}", hub.address);
    progress(&format!("hub serving on {base}; sending {} messages with {} clients", plan.messages, options.clients));

    // Officers work the lists routed to them while the day's traffic comes in, as they would at
    // a real hub: what they clear (a buyer who merely resembles a listed name) is not stopped
    // again for the same entry.
    let pushing_done = AtomicBool::new(false);
    let (pushed, worked_live) = std::thread::scope(|scope| {
        let officers = scope.spawn(|| officers_at_work(sim.truth(), &base, &tokens.officer, &pushing_done));
        let pushed = push(&sim, &base, &tokens.admin, options.clients);
        pushing_done.store(true, Ordering::SeqCst);
        let worked = officers.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the officers' thread panicked")));
        (pushed, worked)
    });
    let (pushed, worked_live) = (pushed?, worked_live?);
    progress(&format!(
        "sent {} messages in {:.1} s: {:.0} messages/s, {:.0} parcels/s, latency p50 {:.1} ms, p99 {:.1} ms",
        pushed.messages,
        pushed.seconds,
        pushed.messages as f64 / pushed.seconds,
        plan.parcels as f64 / pushed.seconds,
        pushed.p50_ms,
        pushed.p99_ms
    ));

    // Whatever is still under review once the traffic has stopped (the last lists decided).
    let worked = worked_live + work_cases(&*store, sim.truth(), &base, &tokens.officer)?;
    progress(&format!("officers worked {worked} lists routed to them"));

    // The warehouse declared what reached it among the day's traffic; the hub loaded and departed
    // flights on their times.
    progress(&format!(
        "{} of the messages were the warehouse's arrivals; {} arrivals refused (lists not released)",
        pushed.arrivals, pushed.arrivals_refused
    ));
    let day = sim.config().day;
    let dates = [day, day + time::Duration::days(1), day + time::Duration::days(2)];
    let flights = crate::flights::table(&base, &tokens.admin, &dates)?;

    let evaluation = Evaluation::of_store(&*store, sim.truth())?;
    let held_out_truth: Vec<TruthRecord> = sim.truth().iter().filter(|t| t.held_out).cloned().collect();
    let held_out = Evaluation::of_store(&*store, &held_out_truth)?;
    Ok(Day { evaluation, held_out, plan, truth_path, store, hub, tokens, pushed, criteria, base, flights })
}

/// Makes `dir` an empty folder for a new store: a folder a previous demo made is wiped, any
/// other non-empty folder is left alone and refused.
fn fresh_folder(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?.next().is_none();
        if !empty {
            if !dir.join(MARKER).exists() {
                bail!(
                    "{} exists and was not made by `greenlane demo`; the demo needs a fresh store: pass --data with a \
                     new folder",
                    dir.display()
                );
            }
            std::fs::remove_dir_all(dir).with_context(|| format!("removing the previous demo in {}", dir.display()))?;
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(
        dir.join(MARKER),
        "This folder was made by `greenlane demo`; the next demo run with the same --data wipes it.\n",
    )?;
    Ok(())
}

struct Tokens {
    admin: String,
    officer: String,
    viewer: String,
    enterprise: String,
    enterprise_code: String,
}

impl Tokens {
    fn create(store: &dyn Store, truth: &[TruthRecord]) -> anyhow::Result<Tokens> {
        use greenlane_server::auth::create_token;
        let admin = match std::env::var("GREENLANE_ADMIN_TOKEN") {
            Ok(t) if !t.is_empty() => t,
            _ => create_token(store, "demo-admin", Role::Admin, None)?,
        };
        // The exporter with the most parcels: the most to see in the exporters' view.
        let mut per_exporter: HashMap<&str, usize> = HashMap::new();
        for record in truth {
            *per_exporter.entry(&record.ebc_code).or_default() += 1;
        }
        let enterprise_code = per_exporter
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(code, _)| code.to_owned())
            .unwrap_or_default();
        Ok(Tokens {
            admin,
            officer: create_token(store, "demo-officer", Role::Officer, None)?,
            viewer: create_token(store, "demo-viewer", Role::Viewer, None)?,
            enterprise: create_token(store, "demo-exporter", Role::Enterprise, Some(&enterprise_code))?,
            enterprise_code,
        })
    }
}

struct Pushed {
    messages: usize,
    refused: usize,
    /// The warehouse's CEB507 among them, and how many arrivals the hub refused in them (lists
    /// not released, or withdrawn by an officer by then).
    arrivals: usize,
    arrivals_refused: usize,
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// One message to send: the day's `index`, or the warehouse's arrival `index`.
#[derive(Clone, Copy)]
enum Next {
    Day(usize),
    Arrival(usize),
}

/// Posts every message of the day from `clients` keep-alive connections, with the warehouse's
/// arrivals among them in message-time order: the hub's cargo clock runs on message time, so an
/// arrival sent after the day would find the day's cut-offs passed and its flights gone empty.
fn push(sim: &Simulation, base: &str, token: &str, clients: usize) -> anyhow::Result<Pushed> {
    let arrivals = crate::flights::arrivals(sim);
    let mut order = Vec::with_capacity(sim.message_count() + arrivals.len());
    let mut a = 0;
    for i in 0..sim.message_count() {
        let at = sim.sent_at(i);
        while a < arrivals.len() && arrivals[a].sent_at < at {
            order.push(Next::Arrival(a));
            a += 1;
        }
        order.push(Next::Day(i));
    }
    order.extend((a..arrivals.len()).map(Next::Arrival));
    let total = order.len();
    let arrivals_refused = AtomicUsize::new(0);
    let bar = ProgressBar::new(total as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} messages  {per_sec}  eta {eta}")
            .expect("a valid progress template"),
    );
    let next = AtomicUsize::new(0);
    let refused = AtomicUsize::new(0);
    let url = format!("{base}/api/v1/messages");
    let started = Instant::now();
    let latencies: Vec<anyhow::Result<Vec<Duration>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..clients.max(1))
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<Vec<Duration>> {
                    let agent = agent();
                    let mut latencies = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= total {
                            return Ok(latencies);
                        }
                        let message = match order[i] {
                            Next::Day(i) => sim.message(i),
                            Next::Arrival(a) => arrivals[a].clone(),
                        };
                        let sent = Instant::now();
                        let (status, body) = post_with_retry(&agent, &url, token, &message.bytes)
                            .with_context(|| format!("sending {}", message.file_name))?;
                        latencies.push(sent.elapsed());
                        if matches!(order[i], Next::Arrival(_)) {
                            arrivals_refused.fetch_add(body.matches("<ceb:returnStatus>-").count(), Ordering::Relaxed);
                        }
                        match status {
                            200 => {}
                            400..=499 => {
                                refused.fetch_add(1, Ordering::Relaxed);
                            }
                            other => bail!("the hub answered {other} to {}", message.file_name),
                        }
                        bar.inc(1);
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or_else(|_| Err(anyhow::anyhow!("a client panicked")))).collect()
    });
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let mut all = Vec::with_capacity(total);
    for l in latencies {
        all.extend(l?);
    }
    all.sort_unstable();
    let at = |q: f64| all.get(((all.len() as f64 - 1.0) * q).round() as usize).map_or(0.0, |d| d.as_secs_f64() * 1e3);
    Ok(Pushed {
        messages: total,
        refused: refused.load(Ordering::Relaxed),
        arrivals: arrivals.len(),
        arrivals_refused: arrivals_refused.load(Ordering::Relaxed),
        seconds,
        p50_ms: at(0.5),
        p99_ms: at(0.99),
    })
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

/// Posts a message; a 503 (the store busy or failing) is retried, as an integrator would.
fn post_with_retry(agent: &ureq::Agent, url: &str, token: &str, body: &[u8]) -> anyhow::Result<(u16, String)> {
    for attempt in 0..5 {
        let mut response = agent
            .post(url)
            .header("Authorization", &format!("Bearer {token}"))
            .header("Content-Type", "application/xml")
            .send(body)?;
        let status = response.status().as_u16();
        if status != 503 {
            return Ok((status, response.body_mut().read_to_string().unwrap_or_default()));
        }
        std::thread::sleep(Duration::from_millis(200 << attempt));
    }
    bail!("the hub answered 503 five times")
}

/// Officers following the decision feed while traffic comes in: every list routed to them
/// (returnStatus 300, 500, 600) is inspected, the truth saying what they find. Returns the lists
/// worked once the traffic has stopped and the feed is drained.
fn officers_at_work(truth: &[TruthRecord], base: &str, token: &str, done: &AtomicBool) -> anyhow::Result<usize> {
    let by_key = truth_by_key(truth);
    let agent = agent();
    let (mut cursor, mut worked) = ("0".to_owned(), 0);
    loop {
        // Read before the page, so that a page read after the traffic stopped is the last one.
        let finished = done.load(Ordering::SeqCst);
        let mut response = agent
            .get(format!("{base}/api/v1/decisions?after={cursor}&limit=1000"))
            .header("Authorization", &format!("Bearer {token}"))
            .call()?;
        anyhow::ensure!(response.status() == 200, "the decision feed answered {}", response.status());
        let page: serde_json::Value = serde_json::from_str(&response.body_mut().read_to_string()?)?;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        for d in &items {
            if !matches!(d["returnStatus"].as_i64(), Some(300 | 500 | 600)) {
                continue;
            }
            let key = ListKey {
                ebc_code: d["ebcCode"].as_str().unwrap_or_default().to_owned(),
                cop_no: d["copNo"].as_str().unwrap_or_default().to_owned(),
            };
            // Another pass may have worked it already (409): nothing to do.
            if inspect(&agent, base, token, &key, by_key.get(&key).copied())? {
                worked += 1;
            }
        }
        cursor = page["next"].as_str().unwrap_or(&cursor).to_owned();
        if items.is_empty() {
            if finished {
                return Ok(worked);
            }
            std::thread::sleep(Duration::from_millis(300));
        }
    }
}

fn truth_by_key(truth: &[TruthRecord]) -> HashMap<ListKey, &TruthRecord> {
    truth.iter().map(|t| (ListKey { ebc_code: t.ebc_code.clone(), cop_no: t.cop_no.clone() }, t)).collect()
}

/// Records what an inspection of `key` finds; false if the list was no longer under review.
fn inspect(
    agent: &ureq::Agent,
    base: &str,
    token: &str,
    key: &ListKey,
    truth: Option<&TruthRecord>,
) -> anyhow::Result<bool> {
    let body = match truth.and_then(|t| t.violations.first()) {
        Some(kind) => serde_json::json!({"copNo": key.cop_no, "ebcCode": key.ebc_code, "outcome": "violation",
            "violation": kind.as_str(), "note": "demo officer: confirmed on inspection"}),
        None => serde_json::json!({"copNo": key.cop_no, "ebcCode": key.ebc_code, "outcome": "compliant",
            "note": "demo officer: nothing found"}),
    };
    let response = agent
        .post(format!("{base}/api/v1/inspections"))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(body.to_string().as_bytes())?;
    match response.status().as_u16() {
        200 => Ok(true),
        409 => Ok(false),
        other => anyhow::bail!("inspection of {} answered {other}", key.cop_no),
    }
}

/// Officers work every list still routed to them: the truth says what an inspection would find.
fn work_cases(store: &dyn Store, truth: &[TruthRecord], base: &str, token: &str) -> anyhow::Result<usize> {
    let by_key: HashMap<ListKey, &TruthRecord> =
        truth.iter().map(|t| (ListKey { ebc_code: t.ebc_code.clone(), cop_no: t.cop_no.clone() }, t)).collect();
    let mut cases = Vec::new();
    let mut read = store.read()?;
    let mut after: Option<ListKey> = None;
    loop {
        let page = read.lists_after(after.as_ref(), 5000)?;
        let Some(last) = page.last() else { break };
        after = Some(last.list.key.clone());
        cases.extend(page.into_iter().filter(|r| r.status == ListStatus::Review).map(|r| r.list.key));
    }
    drop(read);
    let agent = agent();
    let mut worked = 0;
    for key in &cases {
        if inspect(&agent, base, token, key, by_key.get(key).copied())? {
            worked += 1;
        }
    }
    Ok(worked)
}

/// The most of the summaries answer the demo reads (bytes).
const SUMMARIES_BODY_LIMIT: u64 = 1 << 30;

/// The month's summary declarations in a few lines, as `GET /api/v1/summaries` gives them: per
/// exporter, the accepted summaries and the draft of what is still to declare (declarations,
/// lines, lists) and the lists at risk of missing the 15th. The month is that of the latest
/// departure, else of the latest decision.
fn summaries_brief(store: &dyn Store, base: &str, token: &str) -> anyhow::Result<String> {
    use std::fmt::Write as _;
    let month = {
        let mut r = store.read()?;
        let at = r.latest_departure()?.or(r.latest_decision_time()?);
        at.map_or(String::new(), |t| greenlane_core::summary::format_month(greenlane_core::summary::month_of(t)))
    };
    let mut out = String::new();
    if month.is_empty() {
        return Ok("monthly summary declarations: nothing decided yet\n".into());
    }
    let mut response = agent()
        .get(format!("{base}/api/v1/summaries?month={month}"))
        .header("Authorization", &format!("Bearer {token}"))
        .call()?;
    anyhow::ensure!(response.status() == 200, "the summaries answered {}", response.status());
    // A month's declarations name every list behind every line: for a day of 100,000 parcels the
    // answer is tens of megabytes, past the HTTP client's default 10 MB read limit.
    let body = response.body_mut().with_config().limit(SUMMARIES_BODY_LIMIT).read_to_string()?;
    let view: serde_json::Value = serde_json::from_str(&body)?;
    let exporters = view["exporters"].as_array().cloned().unwrap_or_default();
    writeln!(out, "monthly summary declarations, {month} (deadline {}):", view["deadline"].as_str().unwrap_or(""))?;
    if exporters.is_empty() {
        writeln!(out, "  no list departed in {month} yet: lists are summarised once they depart (CEB509, 899)")?;
        return Ok(out);
    }
    let count = |decls: &serde_json::Value| {
        let decls = decls.as_array().cloned().unwrap_or_default();
        let lines: usize = decls.iter().map(|d| d["lines"].as_array().map_or(0, Vec::len)).sum();
        let lists: usize = decls.iter().map(|d| d["invtNos"].as_array().map_or(0, Vec::len)).sum();
        format!("{} declarations, {lines} lines, {lists} lists", decls.len())
    };
    const SHOWN: usize = 8;
    for e in exporters.iter().take(SHOWN) {
        let summaries = e["summaries"].as_array().cloned().unwrap_or_default();
        let declared: Vec<serde_json::Value> =
            summaries.iter().flat_map(|s| s["declarations"].as_array().cloned().unwrap_or_default()).collect();
        let open = e["open"].as_array().cloned().unwrap_or_default();
        let state = |s: &str| open.iter().filter(|o| o["deadlineState"] == s).count();
        writeln!(
            out,
            "  {:<12} {} summaries ({}); still to declare: {}; at risk {}, overdue {}",
            e["ebcCode"].as_str().unwrap_or(""),
            summaries.len(),
            count(&serde_json::Value::Array(declared)),
            count(&e["draft"]),
            state("at_risk"),
            state("overdue"),
        )?;
    }
    if exporters.len() > SHOWN {
        writeln!(out, "  … and {} more exporters ({base}/summaries?month={month})", exporters.len() - SHOWN)?;
    }
    Ok(out)
}
