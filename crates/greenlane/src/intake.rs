//! The intake log: where it lives (segment files in `DIR/log` beside `greenlane.db` for the
//! embedded store, the table `intake_log` of the database with `--database`), attaching it to a
//! pipeline, applying on start what the store lacks, and `greenlane rebuild`.

use crate::risk::SharedEngine;
use anyhow::Context;
use greenlane_log::{Log, SegmentLog};
use greenlane_pipeline::{Config, Pipeline, SnapshotPolicy};
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

    /// Where the risk engine's snapshots are kept: beside a segment log (`DIR/snapshots`). A
    /// PostgreSQL hub keeps none yet, and replays the stored parcels on every start.
    fn snapshots(&self) -> Option<SnapshotPolicy> {
        let LogPlace::Folder(log) = self else { return None };
        let mut policy = SnapshotPolicy::in_dir(log.parent().unwrap_or(log).join("snapshots"));
        // Tests set it low to see snapshots taken, and restored, under a small load.
        if let Some(every) = std::env::var("GREENLANE_SNAPSHOT_EVERY").ok().and_then(|v| v.parse().ok()) {
            policy.every_decided = every;
        }
        Some(policy)
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

/// Opens the log (recovering its tail) and makes it the pipeline's intake log, with the risk
/// engine's snapshots kept beside it. Then call [`start`].
pub fn attach(pipeline: Pipeline, place: &LogPlace) -> anyhow::Result<Pipeline> {
    let pipeline = pipeline.with_log(place.open()?)?;
    Ok(match place.snapshots() {
        Some(policy) => pipeline.with_snapshots(policy),
        None => pipeline,
    })
}

/// Starts a pipeline: the risk engine warmed up (from its newest snapshot when it has one),
/// the start recorded in the log with that snapshot, and the log's tail applied.
pub fn start(pipeline: &mut Pipeline) -> anyhow::Result<()> {
    crate::serve::warm_up(pipeline)?;
    pipeline.log_start().context("recording the start in the intake log")?;
    catch_up(pipeline)?;
    Ok(())
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
    let snapshots = place.snapshots();
    if let Some(policy) = &snapshots {
        // They describe the store about to be forgotten.
        greenlane_pipeline::clear_snapshots(&policy.dir)
            .with_context(|| format!("removing the risk snapshots in {}", policy.dir.display()))?;
    }
    let mut tx = store.write()?;
    tx.forget_derived()?;
    tx.commit()?;
    let mut pipeline = Pipeline::new(store.clone(), Box::new(engine), options.config.clone())?;
    if let Some(lists) = lists {
        pipeline = pipeline.with_lists(lists)?;
    }
    let mut pipeline = pipeline.with_log(log)?;
    if let Some(policy) = snapshots {
        pipeline = pipeline.with_snapshots(policy);
    }
    let criteria = options.criteria.clone();
    let records = pipeline
        .rebuild(|| {
            let engine = SharedEngine::load(criteria.as_deref()).map_err(|e| {
                greenlane_pipeline::PipelineError::Internal(format!("loading the risk criteria: {e:#}"))
            })?;
            Ok(Box::new(engine))
        })
        .context("applying the intake log")?;
    pipeline.snapshot_now(true);
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
