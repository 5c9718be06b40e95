//! `greenlane serve`: the clearance hub. Opens the store, starts the writer thread and serves the
//! HTTP API until Ctrl-C or SIGTERM, letting in-flight requests finish.

use anyhow::Context;
use greenlane_core::risk::DocumentRules;
use greenlane_pipeline::{Config, Pipeline, Writer};
use greenlane_server::{AppState, auth, batch_observer, install_metrics};
use greenlane_store::Store;
use std::sync::Arc;

/// Messages waiting for the writer before senders are slowed down.
const QUEUE: usize = 8192;
/// Messages per store transaction at most.
const MAX_BATCH: usize = 1024;

pub struct ServeOptions {
    pub listen: String,
    pub closed_registry: bool,
    pub pending_ttl_hours: i64,
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
        let pipeline = Pipeline::new(
            store.clone(),
            Box::new(DocumentRules),
            Config { closed_registry: options.closed_registry, pending_ttl_seconds: options.pending_ttl_hours * 3600 },
        )
        .context("starting the pipeline")?;
        let writer = Writer::spawn(pipeline, QUEUE, MAX_BATCH, Some(batch_observer()));
        let admin_hash = std::env::var("GREENLANE_ADMIN_TOKEN").ok().filter(|t| !t.is_empty()).map(|t| auth::hash(&t));
        let state = AppState { writer, store: store.clone(), admin_hash, metrics };
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
        let server = runtime.spawn(greenlane_server::serve(listener, state, shutdown));
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
