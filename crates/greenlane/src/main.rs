//! The `greenlane` command line: one binary for every role (INTERFACES.md §1). Thin: it parses
//! arguments and hands over to the library crates.

mod backtest;
mod check;
mod demo;
mod evaluate;
mod flights;
mod ingest;
mod intake;
mod perturb;
mod risk;
mod routes;
mod serve;
mod trial;

use clap::{Args, Parser, Subcommand, ValueEnum};
use greenlane_pipeline::{Config as PipelineConfig, Pipeline};
use greenlane_server::api::DecisionJson;
use greenlane_store::Store;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// greenlane: the clearance hub for cross-border e-commerce exports. It receives each parcel's
/// order, waybill and declaration list as China Customs CEB messages, checks and screens them,
/// releases the clean majority at once and routes the rest to officers.
#[derive(Debug, Parser)]
#[command(name = "greenlane", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the clearance hub (HTTP API, receipts, decisions).
    Serve {
        #[command(flatten)]
        store: StoreArgs,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        #[command(flatten)]
        pipeline: PipelineArgs,
        #[command(flatten)]
        connections: ConnectionArgs,
    },
    /// Run a simulated Shenzhen day through a fresh embedded store and the real HTTP pipeline,
    /// let simulated officers work the lists routed to them, print the summary and keep serving.
    Demo {
        /// Number of parcels to simulate (about a minute on a 2-core machine by default).
        #[arg(long, default_value_t = DEFAULT_DEMO_PARCELS)]
        parcels: usize,
        /// Seed of the simulation: the same seed, the same day.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Honest noise between a parcel's documents (scale weights, rounded and converted
        /// prices, freight, missing optional blocks), as a multiple of the simulator's defaults:
        /// 0 turns it off.
        #[arg(long, default_value_t = 1.0)]
        noise: f64,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Folder of the demo's embedded store; a previous demo's folder is wiped, any other
        /// non-empty folder refused.
        #[arg(long, default_value = "./greenlane-demo")]
        data: PathBuf,
        /// Stop after the summary instead of serving on.
        #[arg(long)]
        exit: bool,
        /// Concurrent HTTP clients pushing the day's messages.
        #[arg(long, default_value_t = 8)]
        clients: usize,
        #[command(flatten)]
        lists: ListsArgs,
        /// Folder of risk criteria (TOML); default: the criteria shipped with greenlane.
        #[arg(long)]
        criteria: Option<PathBuf>,
    },
    /// Replay the stored traffic under another criteria set and report what it would have
    /// done: lane shares and, where officers' outcomes are known, what it catches or misses.
    Backtest {
        /// The candidate criteria folder.
        #[arg(long)]
        criteria: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        lists: ListsArgs,
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Screen a name against the denied-party lists, as the pipeline screens a parcel's parties.
    Screen {
        /// The name, in any script.
        name: String,
        /// ISO 3166-1 alpha-2 code or English name of the party's country.
        #[arg(long)]
        country: Option<String>,
        /// person or organization, when known.
        #[arg(long)]
        kind: Option<PartyKind>,
        #[command(flatten)]
        lists: ListsArgs,
    },
    /// Write simulated CEB traffic (DIR/messages/*.xml, in arrival order) and its truth file
    /// (DIR/truth.jsonl). The same seed gives the same bytes.
    Simulate {
        #[arg(long)]
        parcels: usize,
        #[arg(long)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
        /// Honest noise as a multiple of the simulator's defaults (0 off).
        #[arg(long, default_value_t = 1.0)]
        noise: f64,
    },
    /// Several simulated days, seeds by honest-noise levels, each through a fresh hub over HTTP
    /// with simulated officers, scored in one table (all parcels, and those of held-out products).
    Trial {
        /// Seeds, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,2,3")]
        seeds: Vec<u64>,
        /// Honest-noise levels, comma-separated (multiples of the simulator's defaults).
        #[arg(long, value_delimiter = ',', default_value = "1")]
        noise: Vec<f64>,
        /// Parcels per day.
        #[arg(long, default_value_t = 200_000)]
        parcels: usize,
        /// Folder for the days' stores (one sub-folder per day, wiped by the next trial).
        #[arg(long, default_value = "./greenlane-trial")]
        data: PathBuf,
        /// Concurrent HTTP clients pushing each day.
        #[arg(long, default_value_t = 8)]
        clients: usize,
        #[command(flatten)]
        lists: ListsArgs,
        /// Folder of risk criteria (TOML); default: the criteria shipped with greenlane.
        #[arg(long)]
        criteria: Option<PathBuf>,
    },
    /// Change a simulated day (a `simulate` folder) only in ways that leave every parcel's truth
    /// as it is, into a folder of the same layout: scale error on weights, rounding, another
    /// currency, optional blocks left out, another arrival order, other XML styles.
    Perturb {
        /// The `greenlane simulate` folder (messages/ and truth.jsonl).
        #[arg(long = "in")]
        input: PathBuf,
        /// The folder to write; its messages/ must be empty or absent.
        #[arg(long)]
        out: PathBuf,
        /// Comma-separated: weights, rounding, currency, optional_blocks, reorder, xml_style
        /// (default: all).
        #[arg(long)]
        kinds: Option<String>,
        /// Seed of the perturbations: the same seed, the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Score a store's decisions against the truth file of a simulated day: release rate, recall
    /// per violation kind, precision of interventions, false stops, time to decision.
    Evaluate {
        #[command(flatten)]
        store: StoreArgs,
        /// The `truth.jsonl` that `greenlane simulate` (or `demo`) wrote.
        #[arg(long)]
        truth: PathBuf,
        /// `text` (the table) or `json` (the same figures, for scripts and tests).
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Run message files or folders, in name order, through the clearance pipeline offline.
    Ingest {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        lists: ListsArgs,
        /// Folder of risk criteria (TOML); default: the criteria shipped with greenlane.
        #[arg(long)]
        criteria: Option<PathBuf>,
        /// Message files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Forget everything the store derived from its intake log (documents, lists, decisions,
    /// inspections, the officers' queue, dashboards) and derive it again from the log, with the
    /// settings the hub ran with. Tokens, sessions and mandates stay. Run it with the hub stopped.
    Rebuild {
        #[command(flatten)]
        store: StoreArgs,
        /// As the hub ran.
        #[command(flatten)]
        pipeline: PipelineArgs,
    },
    /// Print one Decision per declaration list.
    Decisions {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long, default_value = "jsonl")]
        format: String,
    },
    /// The risk criteria as files an analyst edits.
    Criteria {
        #[command(subcommand)]
        command: CriteriaCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Who acts for which exporter: enforced with `serve --closed-registry`.
    Mandate {
        #[command(subcommand)]
        command: MandateCommand,
    },
    /// Read CEB message files and report, per file, whether each is a valid message and what is
    /// wrong with it if not (an integrator's pre-flight check).
    Check(check::CheckArgs),
}

#[derive(Debug, Subcommand)]
enum CriteriaCommand {
    /// Write the shipped criteria into a folder, to edit and run with `--criteria DIR`
    /// (existing files are never overwritten).
    Export {
        /// The folder; made if missing.
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Print a new API token (stored hashed; the secret is shown once).
    Create {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long, value_enum)]
        role: Role,
        #[arg(long)]
        name: String,
        /// The enterprise (ebcCode) an `enterprise` token belongs to.
        #[arg(long)]
        ebc: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum MandateCommand {
    /// Record that PARTY files the exporter's lists (`--kind agent`) or waybills
    /// (`--kind logistics`).
    Add {
        #[command(flatten)]
        store: StoreArgs,
        /// The exporter's code (ebcCode).
        #[arg(long)]
        exporter: String,
        /// The declaring agent's or logistics firm's code.
        #[arg(long)]
        party: String,
        #[arg(long, value_enum)]
        kind: MandateKind,
    },
    /// Print every mandate: exporter, party, kind, one a line.
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum MandateKind {
    Agent,
    Logistics,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Role {
    Admin,
    Officer,
    Enterprise,
    Viewer,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PartyKind {
    Person,
    Organization,
}

/// Where the denied-party lists live.
#[derive(Debug, Args)]
struct ListsArgs {
    /// Folder of denied-party lists (OFAC SDN and consolidated CSVs, UN XML, US CSL, BIS DPL,
    /// NAME.list.csv). Default: $GREENLANE_LISTS, else the extracts that ship with greenlane.
    #[arg(long)]
    lists: Option<PathBuf>,
    /// Screen no one.
    #[arg(long, conflicts_with = "lists")]
    no_lists: bool,
}

impl ListsArgs {
    fn folder(&self) -> Option<PathBuf> {
        if self.no_lists {
            return None;
        }
        self.lists
            .clone()
            .or_else(|| std::env::var_os("GREENLANE_LISTS").map(PathBuf::from))
            .or_else(|| Some(PathBuf::from(BUNDLED_LISTS)).filter(|p| p.is_dir()))
    }
}

/// The list extracts in the source tree (greenlane-screen's test data), found when greenlane
/// runs from its checkout, as `cargo run` does.
const BUNDLED_LISTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../greenlane-screen/data");

/// Where the store lives: embedded by default, PostgreSQL when a URL is given.
/// How many connections `serve` holds and for how long (issue #12: idle and half-sent
/// connections stayed open for minutes, until the hub ran out of file descriptors).
#[derive(Debug, Args)]
struct ConnectionArgs {
    /// Connections served at once; more wait to be accepted. Lowered to fit the open-file limit,
    /// which serve raises to its hard maximum at start.
    #[arg(long, default_value_t = greenlane_server::Limits::default().max_connections)]
    max_connections: usize,
    /// Seconds a client has to send a request's headers; an idle keep-alive connection is closed
    /// after the same time.
    #[arg(long, default_value_t = greenlane_server::Limits::default().header_read_timeout.as_secs_f64())]
    header_timeout: f64,
    /// Seconds a client has to send a request's body once its headers are in.
    #[arg(long, default_value_t = greenlane_server::Limits::default().body_read_timeout.as_secs_f64())]
    body_timeout: f64,
}

impl ConnectionArgs {
    fn limits(&self) -> greenlane_server::Limits {
        let seconds = |s: f64| std::time::Duration::from_secs_f64(s.clamp(0.05, 3600.0));
        greenlane_server::Limits {
            max_connections: self.max_connections.max(1),
            header_read_timeout: seconds(self.header_timeout),
            body_read_timeout: seconds(self.body_timeout),
            ..greenlane_server::Limits::default()
        }
    }
}

/// How the pipeline decides: `serve` runs with these, and `rebuild` must be given the same for
/// the same decisions to come out.
#[derive(Debug, Args)]
struct PipelineArgs {
    /// Refuse messages from enterprise codes not yet registered (−10102).
    #[arg(long)]
    closed_registry: bool,
    /// Hours (message time) a declaration list may wait for its order or waybill before it
    /// expires.
    #[arg(long, default_value_t = 72)]
    pending_ttl_hours: i64,
    #[command(flatten)]
    lists: ListsArgs,
    /// Folder of risk criteria (TOML); default: the criteria shipped with greenlane.
    #[arg(long)]
    criteria: Option<PathBuf>,
    /// Route table (TOML, as `crates/greenlane-cargo/data/routes.toml`); default: the shipped
    /// Shenzhen routes. `POST /api/v1/routes/reload` reads it again.
    #[arg(long)]
    routes: Option<PathBuf>,
}

impl PipelineArgs {
    fn config(&self) -> anyhow::Result<PipelineConfig> {
        let routes = routes::Routes::load(self.routes.as_deref()).map_err(anyhow::Error::msg)?;
        Ok(PipelineConfig {
            closed_registry: self.closed_registry,
            pending_ttl_seconds: self.pending_ttl_hours * 3600,
            cargo: Some(routes.in_force()),
        })
    }
}

#[derive(Debug, Args)]
struct StoreArgs {
    /// Folder of the embedded store.
    #[arg(long, default_value = "./greenlane-data", conflicts_with = "database")]
    data: PathBuf,
    /// PostgreSQL URL (postgres://…).
    #[arg(long)]
    database: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Serve { store: args, listen, pipeline, connections } => open_store(&args).and_then(|store| {
            let options = serve::ServeOptions {
                listen,
                closed_registry: pipeline.closed_registry,
                pending_ttl_hours: pipeline.pending_ttl_hours,
                lists: pipeline.lists.folder(),
                criteria: pipeline.criteria,
                routes: pipeline.routes,
                limits: connections.limits(),
                log: Some(log_place(&args)),
            };
            serve::run(store, options).map(|()| ExitCode::SUCCESS)
        }),
        Command::Screen { name, country, kind, lists } => screen(&name, country.as_deref(), kind, &lists),
        Command::Demo { parcels, seed, noise, listen, data, exit, clients, lists, criteria } => {
            let lists = lists.folder();
            let options = demo::DemoOptions { parcels, seed, noise, listen, data, exit, clients, lists, criteria };
            demo::run(&options).map(|()| ExitCode::SUCCESS)
        }
        Command::Simulate { parcels, seed, out, noise } => simulate(parcels, seed, noise, &out),
        Command::Trial { seeds, noise, parcels, data, clients, lists, criteria } => {
            let options = trial::TrialOptions { seeds, noise, parcels, data, clients, lists: lists.folder(), criteria };
            trial::run(&options).map(|()| ExitCode::SUCCESS)
        }
        Command::Perturb { input, out, kinds, seed } => {
            let options = perturb::PerturbOptions { input: &input, out: &out, kinds: kinds.as_deref(), seed };
            perturb::run(&options).map(|()| ExitCode::SUCCESS)
        }
        Command::Evaluate { store, truth, format } => open_store(&store).and_then(|store| {
            anyhow::ensure!(matches!(format.as_str(), "text" | "json"), "unknown format {format:?}: text or json");
            let truth = evaluate::read_truth(&truth)?;
            let evaluation = evaluate::Evaluation::of_store(&*store, &truth)?;
            match format.as_str() {
                "json" => println!("{}", evaluation.to_json()),
                _ => print!("{evaluation}"),
            }
            Ok(ExitCode::SUCCESS)
        }),
        Command::Ingest { store: args, paths, lists, criteria } => {
            open_store(&args).and_then(|store| run_ingest(store, &log_place(&args), &paths, lists.folder(), criteria))
        }
        Command::Rebuild { store: args, pipeline } => pipeline.config().and_then(|config| {
            let log = log_place(&args);
            let options =
                intake::RebuildOptions { config, lists: pipeline.lists.folder(), criteria: pipeline.criteria };
            open_store(&args).and_then(|store| intake::rebuild(store, &log, &options)).map(|()| ExitCode::SUCCESS)
        }),
        Command::Criteria { command: CriteriaCommand::Export { dir } } => risk::export_shipped(&dir).map(|written| {
            println!("{} criteria files written to {}", written, dir.display());
            ExitCode::SUCCESS
        }),
        Command::Backtest { criteria, store, lists, format } => {
            open_store(&store).and_then(|store| backtest::run(&*store, &criteria, lists.folder(), &format))
        }
        Command::Decisions { store, format } => open_store(&store).and_then(|store| print_decisions(&*store, &format)),
        Command::Token { command: TokenCommand::Create { store, role, name, ebc } } => {
            open_store(&store).and_then(|store| create_token(&*store, role, &name, ebc.as_deref()))
        }
        Command::Mandate { command: MandateCommand::Add { store, exporter, party, kind } } => {
            open_store(&store).and_then(|store| add_mandate(&*store, &exporter, &party, kind))
        }
        Command::Mandate { command: MandateCommand::List { store } } => open_store(&store).and_then(|store| {
            for (exporter, party, kind) in store.read()?.mandates()? {
                println!("{exporter}\t{party}\t{kind}");
            }
            Ok(ExitCode::SUCCESS)
        }),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("greenlane: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new("warn,greenlane=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    // Structured logs for log shippers; human-readable ones on a terminal.
    if std::env::var("GREENLANE_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn open_store(args: &StoreArgs) -> anyhow::Result<Arc<dyn Store>> {
    let location = match &args.database {
        Some(url) => url.clone(),
        None => args.data.to_string_lossy().into_owned(),
    };
    let store = greenlane_store::open(&location)?;
    Ok(Arc::from(store))
}

/// Where the store's intake log lives: beside an embedded store, or in PostgreSQL's database.
fn log_place(args: &StoreArgs) -> intake::LogPlace {
    intake::LogPlace::of_store(&args.data, args.database.as_deref())
}

fn run_ingest(
    store: Arc<dyn Store>,
    log: &intake::LogPlace,
    paths: &[PathBuf],
    lists: Option<PathBuf>,
    criteria: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let files = ingest::message_files(paths)?;
    let engine = risk::SharedEngine::load(criteria.as_deref())?;
    let mut pipeline = Pipeline::new(store, Box::new(engine), PipelineConfig::default())?;
    if let Some(folder) = lists {
        pipeline = pipeline.with_lists(serve::load_lists(&folder)?)?;
    }
    pipeline = intake::attach(pipeline, log)?;
    intake::start(&mut pipeline)?;
    let summary = ingest::run(&mut pipeline, &files, std::io::stderr().is_terminal())?;
    // The next start then replays nothing of this load.
    pipeline.snapshot_now(true);
    print!("{summary}");
    Ok(ExitCode::SUCCESS)
}

fn print_decisions(store: &dyn Store, format: &str) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(format == "jsonl", "unknown format {format:?}: the only format is jsonl");
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut read = store.read()?;
    let mut after: Option<greenlane_core::ListKey> = None;
    loop {
        let rows = read.lists_after(after.as_ref(), 1000)?;
        let Some(last) = rows.last() else { break };
        after = Some(last.list.key.clone());
        for row in &rows {
            serde_json::to_writer(&mut out, &DecisionJson::from(&row.decision()))?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn create_token(store: &dyn Store, role: Role, name: &str, ebc: Option<&str>) -> anyhow::Result<ExitCode> {
    let role = match role {
        Role::Admin => greenlane_store::Role::Admin,
        Role::Officer => greenlane_store::Role::Officer,
        Role::Enterprise => greenlane_store::Role::Enterprise,
        Role::Viewer => greenlane_store::Role::Viewer,
    };
    anyhow::ensure!(
        (role == greenlane_store::Role::Enterprise) == ebc.is_some(),
        "--ebc CODE is required for, and only for, an enterprise token"
    );
    let secret = greenlane_server::auth::create_token(store, name, role, ebc)?;
    println!("{secret}");
    Ok(ExitCode::SUCCESS)
}

fn add_mandate(store: &dyn Store, exporter: &str, party: &str, kind: MandateKind) -> anyhow::Result<ExitCode> {
    let kind = match kind {
        MandateKind::Agent => greenlane_core::access::MandateKind::Agent,
        MandateKind::Logistics => greenlane_core::access::MandateKind::Logistics,
    };
    anyhow::ensure!(
        !exporter.trim().is_empty() && !party.trim().is_empty(),
        "--exporter and --party must not be empty"
    );
    let mut tx = store.write()?;
    tx.insert_mandate(exporter.trim(), party.trim(), kind.as_str())?;
    tx.commit()?;
    println!("{} files for {} as {}", party.trim(), exporter.trim(), kind.as_str());
    Ok(ExitCode::SUCCESS)
}

fn screen(name: &str, country: Option<&str>, kind: Option<PartyKind>, lists: &ListsArgs) -> anyhow::Result<ExitCode> {
    let Some(folder) = lists.folder() else {
        anyhow::bail!("no denied-party lists: pass --lists DIR or set GREENLANE_LISTS");
    };
    let lists = serve::load_lists(&folder)?;
    let kind = kind.map(|k| match k {
        PartyKind::Person => greenlane_screen::Kind::Person,
        PartyKind::Organization => greenlane_screen::Kind::Organization,
    });
    let matches = lists.screener().screen(&greenlane_screen::Query { name, country, kind });
    if matches.is_empty() {
        println!("no match for {name:?} in {}", folder.display());
    }
    for m in &matches {
        let hold = if m.score >= lists.hold_threshold() { "HOLD" } else { "    " };
        println!(
            "{hold} {:.3}  {:<14} {:<10} {}  ({}; {})",
            m.score,
            m.list,
            m.entry_id,
            m.name,
            m.kind.as_str(),
            m.programs.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Parcels in the default demo: about a minute on this project's 2-core reference machine.
const DEFAULT_DEMO_PARCELS: usize = 100_000;

fn simulate(parcels: usize, seed: u64, noise: f64, out: &std::path::Path) -> anyhow::Result<ExitCode> {
    let config = greenlane_sim::SimConfig {
        parcels,
        seed,
        noise: greenlane_sim::HonestNoise::default().scaled(noise),
        ..Default::default()
    };
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} messages  eta {eta}")
            .expect("a valid progress template"),
    );
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let summary = greenlane_sim::write_to_dir(&config, out, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    println!(
        "{} parcels in {} messages ({} bytes) written to {}; {} parcels violate something; truth in {}",
        summary.parcels,
        summary.messages,
        summary.bytes_written,
        out.join("messages").display(),
        summary.violating_parcels,
        out.join("truth.jsonl").display()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
