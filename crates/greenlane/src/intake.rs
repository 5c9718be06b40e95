//! The intake log: where it lives (segment files in `DIR/log` beside `greenlane.db` for the
//! embedded store, the table `intake_log` of the database with `--database`), attaching it to a
//! pipeline, applying on start what the store lacks, and `greenlane rebuild`.

use crate::risk::SharedEngine;
use anyhow::Context;
use greenlane_log::{Log, SegmentLog};
use greenlane_pipeline::{Config, Pipeline};
use greenlane_store::{PgLog, Store};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Where a hub keeps its intake log.
#[derive(Debug, Clone)]
pub enum LogPlace {
    /// Segment files in a folder (the embedded store's `DIR/log`).
    Folder(PathBuf),
    /// The `intake_log` table of the PostgreSQL database at this URL (the store's own).
    Table(String),
}

impl LogPlace {
    /// The log of the store at `--data DIR` or `--database URL`.
    pub fn of_store(data: &Path, database: Option<&str>) -> LogPlace {
        match database {
            Some(url) => LogPlace::Table(url.to_owned()),
            None => LogPlace::Folder(folder(data)),
        }
    }

    /// Opens the log, recovering a segment log's torn tail.
    fn open(&self) -> anyhow::Result<Box<dyn Log>> {
        Ok(match self {
            LogPlace::Folder(dir) => Box::new(
                SegmentLog::open(dir, log_config())
                    .with_context(|| format!("opening the intake log in {}", dir.display()))?,
            ),
            LogPlace::Table(url) => Box::new(PgLog::connect(url).context("opening the intake log table")?),
        })
    }
}

/// The log folder of the embedded store in `data`.
pub fn folder(data: &Path) -> PathBuf {
    data.join("log")
}

/// How the log is kept: the defaults, except that `GREENLANE_LOG_SEGMENT_BYTES` sets the segment
/// size (tests use it to see segments roll over under a small load).
fn log_config() -> greenlane_log::Config {
    let mut config = greenlane_log::Config::default();
    if let Some(bytes) = std::env::var("GREENLANE_LOG_SEGMENT_BYTES").ok().and_then(|v| v.parse().ok()) {
        config.segment_bytes = bytes;
    }
    config
}

/// Opens the log (recovering its tail), makes it the pipeline's intake log and records this
/// start in it.
pub fn attach(pipeline: Pipeline, place: &LogPlace) -> anyhow::Result<Pipeline> {
    let mut pipeline = pipeline.with_log(place.open()?)?;
    pipeline.log_start().context("recording the start in the intake log")?;
    Ok(pipeline)
}

/// Applies what the log holds beyond the store: after a crash, the groups that were durable in
/// the log but not yet committed to the store.
pub fn catch_up(pipeline: &mut Pipeline) -> anyhow::Result<u64> {
    let started = Instant::now();
    let records = pipeline.catch_up().context("applying the intake log's tail to the store")?;
    if records > 0 {
        tracing::info!(records, seconds = started.elapsed().as_secs_f64(), "applied the intake log's tail");
    }
    Ok(records)
}

/// What `greenlane rebuild` needs: the pipeline's settings, which must be those the hub ran
/// with for the same decisions to come out.
pub struct RebuildOptions {
    pub config: Config,
    pub lists: Option<PathBuf>,
    pub criteria: Option<PathBuf>,
}

/// Forgets everything the store derived from the log and derives it again, group by group as
/// first applied. Tokens, sessions and mandates stay.
pub fn rebuild(store: Arc<dyn Store>, place: &LogPlace, options: &RebuildOptions) -> anyhow::Result<()> {
    if let LogPlace::Folder(dir) = place {
        anyhow::ensure!(dir.is_dir(), "no intake log at {}: nothing to rebuild from", dir.display());
    }
    let started = Instant::now();
    // Opened first: a log that does not open (damaged, or held by a running hub) must leave
    // the store as it is.
    let log = place.open()?;
    let engine = SharedEngine::load(options.criteria.as_deref()).context("loading the risk criteria")?;
    let lists = options.lists.as_deref().map(crate::serve::load_lists).transpose()?;
    let mut tx = store.write()?;
    tx.forget_derived()?;
    tx.commit()?;
    let mut pipeline = Pipeline::new(store.clone(), Box::new(engine), options.config.clone())?;
    if let Some(lists) = lists {
        pipeline = pipeline.with_lists(lists)?;
    }
    let mut pipeline = pipeline.with_log(log)?;
    let criteria = options.criteria.clone();
    let records = pipeline
        .rebuild(|| {
            let engine = SharedEngine::load(criteria.as_deref()).map_err(|e| {
                greenlane_pipeline::PipelineError::Internal(format!("loading the risk criteria: {e:#}"))
            })?;
            Ok(Box::new(engine))
        })
        .context("applying the intake log")?;
    let counts = store.read()?.counts()?;
    println!(
        "rebuilt {} from {records} log records in {:.1} s: {} messages, {} declaration lists",
        store.describe(),
        started.elapsed().as_secs_f64(),
        counts.messages,
        counts.lists_by_lane.iter().map(|(_, n)| n).sum::<u64>()
    );
    Ok(())
}
