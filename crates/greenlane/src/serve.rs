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
    let metrics = install_metrics();
    let pipeline = Pipeline::new(
        store.clone(),
        Arc::new(DocumentRules),
        Config { closed_registry: options.closed_registry, pending_ttl_seconds: options.pending_ttl_hours * 3600 },
    )
    .context("starting the pipeline")?;
    let writer = Writer::spawn(pipeline, QUEUE, MAX_BATCH, Some(batch_observer()));
    let admin_hash = std::env::var("GREENLANE_ADMIN_TOKEN").ok().filter(|t| !t.is_empty()).map(|t| auth::hash(&t));
    let state = AppState { writer, store: store.clone(), admin_hash, metrics };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&options.listen)
            .await
            .with_context(|| format!("cannot listen on {}", options.listen))?;
        let address = listener.local_addr()?;
        tracing::info!(%address, store = %store.describe(), "greenlane is serving");
        println!("greenlane listening on http://{address} (store: {})", store.describe());
        greenlane_server::serve(listener, state, shutdown_signal()).await.context("serving")
    })
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
