//! `greenlane serve`: the clearance hub. Opens the store, starts the writer thread and serves the
//! HTTP API until Ctrl-C or SIGTERM, letting in-flight requests finish.

use crate::risk::SharedEngine;
use anyhow::Context;
use greenlane_pipeline::{Config, Lists, Pipeline, Writer};
use greenlane_server::{AppState, auth, batch_observer, install_metrics};
use greenlane_store::Store;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Messages waiting for the writer before senders are slowed down.
const QUEUE: usize = 8192;
/// Messages per store transaction at most.
const MAX_BATCH: usize = 1024;

pub struct ServeOptions {
    pub listen: String,
    pub closed_registry: bool,
    pub pending_ttl_hours: i64,
    /// The folder of denied-party lists; none, no screening.
    pub lists: Option<PathBuf>,
    /// An analyst's criteria folder; none, the shipped criteria.
    pub criteria: Option<PathBuf>,
    /// An analyst's route table; none, the shipped Shenzhen routes.
    pub routes: Option<PathBuf>,
    /// Connections and timeouts; the connection cap is lowered to fit the open-file limit.
    pub limits: greenlane_server::Limits,
    /// The intake log's folder (embedded stores): every message is appended to it before it is
    /// applied and acknowledged.
    pub log: Option<crate::intake::LogPlace>,
}

/// Raises this process's open-file limit to its hard maximum, as servers do: every connection
/// holds a descriptor, and the usual soft limit of 1,024 is far below what a hub serves. Returns
/// the limit in force.
fn raise_open_files() -> u64 {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    // No hard maximum: take a large finite one (the kernel's nr_open is usually 1,048,576).
    let wanted = limit.maximum.unwrap_or(1 << 20);
    if limit.current.is_some_and(|current| current < wanted) {
        match setrlimit(Resource::Nofile, Rlimit { current: Some(wanted), maximum: limit.maximum }) {
            Ok(()) => return wanted,
            Err(e) => tracing::warn!(error = %e, "could not raise the open-file limit"),
        }
    }
    limit.current.unwrap_or(wanted)
}

/// The lists of `folder`, loaded and timed for the log.
pub fn load_lists(folder: &Path) -> anyhow::Result<Arc<Lists>> {
    let started = std::time::Instant::now();
    let lists =
        Lists::load(folder).with_context(|| format!("loading the denied-party lists in {}", folder.display()))?;
    let summary: Vec<String> =
        lists.screener().lists().iter().map(|l| format!("{} {} ({} entries)", l.id, l.version, l.entries)).collect();
    tracing::info!(folder = %folder.display(), lists = %summary.join(", "), seconds = started.elapsed().as_secs_f64(),
        "denied-party lists loaded");
    Ok(Arc::new(lists))
}

pub fn run(store: Arc<dyn Store>, options: ServeOptions) -> anyhow::Result<()> {
    let hub = Hub::start(store.clone(), &options)?;
    println!("greenlane listening on http://{} (store: {})", hub.address, store.describe());
    hub.serve_until_signal()
}

/// A running hub: the writer thread and the HTTP server on their own runtime, serving in the
/// background until [`Hub::serve_until_signal`] or [`Hub::stop`].
pub struct Hub {
    runtime: tokio::runtime::Runtime,
    pub address: std::net::SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Hub {
    pub fn start(store: Arc<dyn Store>, options: &ServeOptions) -> anyhow::Result<Hub> {
        let metrics = install_metrics();
        let lists = match &options.lists {
            Some(folder) => Some(load_lists(folder)?),
            None => {
                tracing::warn!("no denied-party lists (--lists DIR): parties are not screened");
                None
            }
        };
        let engine = SharedEngine::load(options.criteria.as_deref()).context("loading the risk criteria")?;
        let criteria = engine.control(options.criteria.clone(), store.clone(), lists.clone());
        let routes = crate::routes::Routes::load(options.routes.as_deref()).map_err(anyhow::Error::msg)?;
        let mut pipeline = Pipeline::new(
            store.clone(),
            Box::new(engine),
            Config {
                closed_registry: options.closed_registry,
                pending_ttl_seconds: options.pending_ttl_hours * 3600,
                cargo: Some(routes.in_force()),
            },
        )
        .context("starting the pipeline")?;
        if let Some(lists) = &lists {
            pipeline = pipeline.with_lists(lists.clone()).context("loading the screening clearances")?;
        }
        if let Some(place) = &options.log {
            pipeline = crate::intake::attach(pipeline, place)?;
        }
        crate::intake::start(&mut pipeline)?;
        // After the log's tail: from here on the hub runs this table, as a rebuild will.
        routes.record(&mut pipeline).context("recording the route table in the intake log")?;
        let writer = Writer::spawn(pipeline, QUEUE, MAX_BATCH, Some(batch_observer()));
        routes.attach(writer.clone());
        let admin_hash = std::env::var("GREENLANE_ADMIN_TOKEN").ok().filter(|t| !t.is_empty()).map(|t| auth::hash(&t));
        let state = AppState {
            writer,
            store: store.clone(),
            admin_hash,
            metrics,
            lists: lists.clone(),
            criteria: Some(criteria.clone()),
            routes: Some(routes.clone()),
        };
        let runtime =
            tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(&options.listen))
            .with_context(|| format!("cannot listen on {}", options.listen))?;
        let address = listener.local_addr()?;
        tracing::info!(%address, store = %store.describe(), "greenlane is serving");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async move {
            tokio::select! {
                _ = shutdown_signal() => {},
                _ = stopped => {},
            }
        };
        // The web UI (greenlane-web) is served at / beside the API, from the same state.
        let web = greenlane_web::routes(greenlane_web::WebState { app: state.clone() });
        let open_files = raise_open_files();
        let limits = greenlane_server::Limits {
            max_connections: options
                .limits
                .max_connections
                .min(greenlane_server::Limits::for_open_files(open_files).max_connections),
            ..options.limits
        };
        tracing::info!(open_files, max_connections = limits.max_connections,
            header_timeout = ?limits.header_read_timeout, body_timeout = ?limits.body_read_timeout, "connection limits");
        let server = runtime.spawn(greenlane_server::serve_with_limits(listener, state, web, limits, shutdown));
        #[cfg(unix)]
        runtime.spawn(reload_on_sighup(lists, criteria));
        Ok(Hub { runtime, address, stop, server })
    }

    /// Serves until Ctrl-C or SIGTERM; in-flight requests finish first.
    pub fn serve_until_signal(self) -> anyhow::Result<()> {
        let Hub { runtime, stop, server, .. } = self;
        let result = runtime.block_on(server).context("the server task failed")?.context("serving");
        drop(stop);
        result
    }

    /// Stops serving now, letting in-flight requests finish.
    pub fn stop(self) -> anyhow::Result<()> {
        let Hub { runtime, stop, server, .. } = self;
        let _ = stop.send(());
        runtime.block_on(server).context("the server task failed")?.context("serving")
    }
}

/// Feeds the risk engine what it saw before this start, so that a restart forgets nothing.
pub fn warm_up(pipeline: &mut Pipeline) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let parcels = pipeline.warm_up_risk().context("replaying stored parcels into the risk engine")?;
    if parcels > 0 {
        tracing::info!(parcels, seconds = started.elapsed().as_secs_f64(), "risk engine relearned the stored traffic");
    }
    Ok(())
}

/// SIGHUP reloads the lists and the criteria, as daemons reload their configuration; a broken
/// file leaves what is in force and is logged with its file and line.
#[cfg(unix)]
async fn reload_on_sighup(lists: Option<Arc<Lists>>, criteria: Arc<dyn greenlane_server::CriteriaControl>) {
    let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else { return };
    while hangups.recv().await.is_some() {
        let (lists, criteria) = (lists.clone(), criteria.clone());
        let reloaded = tokio::task::spawn_blocking(move || (lists.map(|l| l.reload()), criteria.reload())).await;
        let Ok((lists, criteria)) = reloaded else { continue };
        match lists {
            Some(Ok(report)) => tracing::info!(lists = report.lists.len(), names = report.names, "lists reloaded"),
            Some(Err(e)) => tracing::error!(error = %e, "lists not reloaded; the lists in force stay in force"),
            None => {}
        }
        match criteria {
            Ok(version) => tracing::info!(%version, "criteria reloaded"),
            Err(e) => tracing::error!(error = %e, "criteria not reloaded; the criteria in force stay in force"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
