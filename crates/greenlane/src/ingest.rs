//! `greenlane ingest`: message files through the same pipeline as `serve`, offline. Files are read
//! and parsed in parallel while the previous batch is being applied, so the single writer never
//! waits for the disk or the parser.

use anyhow::Context;
use greenlane_core::Lane;
use greenlane_pipeline::{Outcome, Pipeline, Prepared};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Messages per store transaction at most: large enough to amortise the disk sync, small enough
/// that a crash loses little work.
const BATCH: usize = 1000;
/// Message bytes per transaction at most, so that memory stays flat when platforms batch 100
/// entities into each message.
const BATCH_BYTES: u64 = 8 * 1024 * 1024;

/// What an ingest run did.
#[derive(Debug, Default)]
pub struct Summary {
    pub messages: u64,
    pub accepted: u64,
    pub replays: u64,
    pub refused: u64,
    pub business_errors: u64,
    pub decided: BTreeMap<&'static str, u64>,
    pub expired: u64,
    pub first_problems: Vec<String>,
    pub seconds: f64,
    /// Of `seconds`, the time the single writer spent applying batches (the rest it waited for
    /// files to be read and parsed).
    pub apply_seconds: f64,
}

/// Every message file under `paths`, in name order (folders are walked recursively, their
/// entries sorted by name, so `greenlane simulate` output replays in arrival order).
pub fn message_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        collect(path, &mut files).with_context(|| format!("reading {}", path.display()))?;
    }
    Ok(files)
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(path)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
        entries.sort();
        for entry in entries {
            if entry.is_dir() || entry.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) {
                collect(&entry, files)?;
            }
        }
    } else {
        files.push(path.to_path_buf());
    }
    Ok(())
}

pub fn run(pipeline: &mut Pipeline, files: &[PathBuf], progress: bool) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let bar = if progress { ProgressBar::new(files.len() as u64) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} messages, {per_sec}, eta {eta}")
            .expect("the progress template is valid"),
    );
    let mut summary = Summary::default();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        // Parsing runs one batch ahead of the writer.
        let (sender, receiver) = std::sync::mpsc::sync_channel::<anyhow::Result<Vec<(PathBuf, Prepared)>>>(2);
        scope.spawn(move || {
            for chunk in batches(files) {
                let prepared: anyhow::Result<Vec<(PathBuf, Prepared)>> = chunk
                    .par_iter()
                    .map(|f| {
                        let body = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
                        Ok((f.clone(), Prepared::new(body)))
                    })
                    .collect();
                if sender.send(prepared).is_err() {
                    return;
                }
            }
        });
        for batch in receiver {
            let batch = batch?;
            let (names, prepared): (Vec<PathBuf>, Vec<Prepared>) = batch.into_iter().unzip();
            let applying = Instant::now();
            let (outcomes, stats) = pipeline.apply(&prepared).context("the store failed; the batch was not stored")?;
            summary.apply_seconds += applying.elapsed().as_secs_f64();
            for lane in stats.decided {
                *summary.decided.entry(lane_name(lane)).or_default() += 1;
            }
            summary.expired += stats.expired as u64;
            for (name, outcome) in names.iter().zip(outcomes) {
                summary.messages += 1;
                match outcome {
                    Outcome::Receipt { replay: true, .. } => summary.replays += 1,
                    Outcome::Receipt { statuses, xml, .. } => {
                        summary.accepted += 1;
                        if statuses.iter().any(|s| *s < 0) {
                            summary.business_errors += 1;
                            note(&mut summary.first_problems, name, &first_info(&xml));
                        }
                    }
                    Outcome::Refused { code, .. } => {
                        summary.refused += 1;
                        note(&mut summary.first_problems, name, &code);
                    }
                }
            }
            bar.inc(names.len() as u64);
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Consecutive runs of files, each at most `BATCH` files and about `BATCH_BYTES` bytes.
pub(crate) fn batches(files: &[PathBuf]) -> Vec<&[PathBuf]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, f) in files.iter().enumerate() {
        let size = std::fs::metadata(f).map_or(0, |m| m.len());
        if i > start && (i - start >= BATCH || bytes + size > BATCH_BYTES) {
            out.push(&files[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < files.len() {
        out.push(&files[start..]);
    }
    out
}

fn lane_name(lane: Lane) -> &'static str {
    lane.as_str()
}

fn note(problems: &mut Vec<String>, file: &Path, what: &str) {
    if problems.len() < 10 {
        problems.push(format!("{}: {what}", file.display()));
    }
}

fn first_info(receipt: &str) -> String {
    receipt.split("<ceb:returnInfo>").nth(1).and_then(|s| s.split("</ceb:returnInfo>").next()).unwrap_or("").to_owned()
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rate = if self.seconds > 0.0 { self.messages as f64 / self.seconds } else { 0.0 };
        writeln!(
            f,
            "{} messages in {:.1} s ({rate:.0}/s): {} accepted ({} with entity errors), {} exact re-sends, {} refused",
            self.messages, self.seconds, self.accepted, self.business_errors, self.replays, self.refused
        )?;
        let decided: Vec<String> = self.decided.iter().map(|(lane, n)| format!("{lane} {n}")).collect();
        if !decided.is_empty() {
            writeln!(f, "decisions: {}", decided.join(", "))?;
        }
        if self.expired > 0 {
            writeln!(f, "expired (order or waybill never came): {}", self.expired)?;
        }
        for p in &self.first_problems {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}
