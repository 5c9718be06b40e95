//! The risk engine as `serve`, `demo` and `ingest` run it: greenlane-risk's engine with the
//! shipped criteria (or an analyst's folder), shared between the writer thread, which assesses
//! parcels with it, and the HTTP API and web UI, which read, edit, backtest and reload its
//! criteria and report its hit rates.

use greenlane_core::risk::{Assessment, Evidence, RiskEngine};
use greenlane_core::{Inspection, Lane, Parcel};
use greenlane_pipeline::{Lists, for_each_stored_parcel, screen_parties};
use greenlane_risk::{BacktestCase, CriteriaSet, DEFAULT_FILES, Engine};
use greenlane_server::{CriteriaControl, CriteriaFile};
use greenlane_store::Store;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// The engine behind a mutex. Only the writer assesses, so the lock is uncontended except while
/// a reload swaps the criteria in, between two parcels.
#[derive(Debug, Clone)]
pub struct SharedEngine {
    engine: Arc<Mutex<Engine>>,
    version: String,
}

impl SharedEngine {
    /// The criteria in `folder`, or the shipped ones.
    pub fn load(folder: Option<&std::path::Path>) -> anyhow::Result<SharedEngine> {
        let engine = match folder {
            Some(dir) => Engine::load_dir(dir)?,
            None => Engine::with_default_criteria()?,
        };
        let version = engine.version().to_owned();
        Ok(SharedEngine { engine: Arc::new(Mutex::new(engine)), version })
    }

    fn lock(&self) -> MutexGuard<'_, Engine> {
        // A panic while assessing leaves the engine as it was before that parcel.
        self.engine.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The handle the HTTP API and the web UI read, edit and reload the criteria through;
    /// backtests replay `store`, screened against `lists` as the pipeline screens.
    pub fn control(
        &self,
        folder: Option<PathBuf>,
        store: Arc<dyn Store>,
        lists: Option<Arc<Lists>>,
    ) -> Arc<dyn CriteriaControl> {
        Arc::new(Control {
            engine: self.engine.clone(),
            folder,
            store,
            lists,
            editing: Mutex::new(()),
            backtest: Arc::new(Mutex::new(None)),
        })
    }
}

impl RiskEngine for SharedEngine {
    fn check_documents(&self, parcel: &Parcel) -> Vec<greenlane_core::check::Finding> {
        self.lock().check_documents(parcel)
    }

    fn document_comparisons(&self, parcel: &Parcel) -> Vec<greenlane_core::check::Comparison> {
        self.lock().document_comparisons(parcel)
    }

    fn assess(&mut self, parcel: &Parcel, evidence: &Evidence<'_>) -> Assessment {
        let (assessment, version) = {
            let mut engine = self.lock();
            let assessment = engine.assess(parcel, evidence);
            // A reload between two parcels changes the version the next decisions record.
            let changed = (engine.version() != self.version).then(|| engine.version().to_owned());
            (assessment, changed)
        };
        if let Some(version) = version {
            self.version = version;
        }
        assessment
    }

    fn observe_inspection(&mut self, parcel: &Parcel, inspection: &Inspection) {
        self.lock().observe_inspection(parcel, inspection);
    }

    fn warm_up(&mut self, parcel: &Parcel, lane: Lane) {
        self.lock().warm_up_decided(parcel, lane);
    }

    fn version(&self) -> &str {
        &self.version
    }

    fn snapshot(&self) -> Option<Vec<u8>> {
        Some(self.lock().snapshot())
    }

    fn restore(&mut self, snapshot: &[u8]) -> Result<(), greenlane_core::risk::SnapshotRefused> {
        self.lock().restore(snapshot)
    }
}

/// Writes the shipped criteria files into `dir` (made if missing), refusing to overwrite any
/// file already there. Returns how many files were written.
pub fn export_shipped(dir: &Path) -> anyhow::Result<usize> {
    use anyhow::Context;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, _) in DEFAULT_FILES {
        let path = dir.join(name);
        anyhow::ensure!(!path.exists(), "{} exists; export into a new folder", path.display());
    }
    for (name, text) in DEFAULT_FILES {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(DEFAULT_FILES.len())
}

/// How many parcels a replay will visit (decided lists), for progress.
pub fn decided_parcels(store: &dyn Store) -> anyhow::Result<u64> {
    let counts = store.read()?.counts()?;
    Ok(counts.lists_by_lane.iter().map(|(_, n)| n).sum())
}

/// Every stored parcel with what was known about it, in the order it was first decided;
/// `progress` hears how many are read so far.
pub fn stored_cases(
    store: &dyn Store,
    lists: Option<&Lists>,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<Vec<BacktestCase>> {
    let mut cases = Vec::new();
    for_each_stored_parcel(store, |stored| {
        let screening = lists.map(|l| screen_parties(l, &stored.parcel)).unwrap_or_default();
        // The last word of the officers is the outcome.
        let inspection = stored.inspections.last().cloned();
        cases.push(BacktestCase { parcel: stored.parcel, screening, inspection });
        if cases.len() % 1000 == 0 {
            progress(cases.len() as u64);
        }
        Ok(())
    })?;
    progress(cases.len() as u64);
    Ok(cases)
}

struct Control {
    engine: Arc<Mutex<Engine>>,
    folder: Option<PathBuf>,
    store: Arc<dyn Store>,
    lists: Option<Arc<Lists>>,
    /// Two analysts saving at once must not interleave check, write and reload.
    editing: Mutex<()>,
    backtest: Arc<Mutex<Option<Backtest>>>,
}

/// A backtest started from the web UI: one at a time, its result kept until the next.
struct Backtest {
    file: String,
    started: Instant,
    replayed: Arc<AtomicU64>,
    total: u64,
    /// Seconds taken, and the reports under the criteria in force and the candidate.
    result: Option<Result<(f64, serde_json::Value, serde_json::Value), String>>,
}

/// A criteria file's name as the web UI may address it: a plain `*.toml` name in the folder,
/// never a path, so an edit cannot write anywhere else.
fn valid_file_name(name: &str) -> Result<(), String> {
    let plain = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if plain && !name.starts_with('.') && name.ends_with(".toml") && name.len() <= 64 {
        Ok(())
    } else {
        Err(format!("{name:?} is not a criteria file name: letters, digits, _ - . and ending in .toml"))
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Control {
    /// The criteria files as (name, text): the analyst's folder, or the shipped set.
    fn sources(&self) -> Result<Vec<(String, String)>, String> {
        let Some(folder) = &self.folder else {
            return Ok(DEFAULT_FILES.iter().map(|(n, t)| ((*n).to_owned(), (*t).to_owned())).collect());
        };
        match read_folder(folder) {
            Ok(files) if files.is_empty() => {
                Err(format!("{}: no *.toml criteria files in this folder", folder.display()))
            }
            Ok(files) => Ok(files),
            Err(e) => Err(format!("{}: {e}", folder.display())),
        }
    }

    /// The set as it would be with `name` replaced by (or added as) `text`.
    fn candidate(&self, name: &str, text: &str) -> Result<CriteriaSet, String> {
        valid_file_name(name)?;
        let mut sources = self.sources()?;
        match sources.iter_mut().find(|(n, _)| n == name) {
            Some(source) => source.1 = text.to_owned(),
            None => sources.push((name.to_owned(), text.to_owned())),
        }
        CriteriaSet::from_sources(&sources).map_err(|e| e.to_string())
    }
}

fn read_folder(folder: &Path) -> std::io::Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        if path.extension().is_some_and(|x| x == "toml") {
            files.push((name.to_owned(), std::fs::read_to_string(&path)?));
        }
    }
    files.sort();
    Ok(files)
}

impl CriteriaControl for Control {
    fn version(&self) -> String {
        lock(&self.engine).version().to_owned()
    }

    fn document_comparisons(&self, parcel: &greenlane_core::Parcel) -> Vec<greenlane_core::check::Comparison> {
        lock(&self.engine).document_comparisons(parcel)
    }

    fn reload(&self) -> Result<String, String> {
        let _editing = lock(&self.editing);
        // Loaded and checked before the engine's lock: a broken file never stops the writer.
        let set = CriteriaSet::from_sources(&self.sources()?).map_err(|e| e.to_string())?;
        let mut engine = lock(&self.engine);
        engine.replace_criteria(set);
        Ok(engine.version().to_owned())
    }

    fn report(&self) -> serde_json::Value {
        let engine = lock(&self.engine);
        serde_json::json!({
            "version": engine.version(),
            "assessed": engine.assessed(),
            "criteria": engine.criteria_stats(),
        })
    }

    fn files(&self) -> Vec<CriteriaFile> {
        self.sources().unwrap_or_default().into_iter().map(|(name, text)| CriteriaFile { name, text }).collect()
    }

    fn editable(&self) -> bool {
        self.folder.is_some()
    }

    fn check(&self, name: &str, text: &str) -> Result<String, String> {
        self.candidate(name, text).map(|set| set.version)
    }

    fn save(&self, name: &str, text: &str) -> Result<String, String> {
        let Some(folder) = &self.folder else {
            return Err("these are the shipped criteria; start greenlane with --criteria DIR to edit them".into());
        };
        let _editing = lock(&self.editing);
        let set = self.candidate(name, text)?;
        // Written beside, then renamed: a crash leaves the old file or the new one, never half.
        let path = folder.join(name);
        let scratch = folder.join(format!(".{name}.saving"));
        std::fs::write(&scratch, text)
            .and_then(|()| std::fs::rename(&scratch, &path))
            .map_err(|e| format!("writing {}: {e}", path.display()))?;
        let mut engine = lock(&self.engine);
        engine.replace_criteria(set);
        tracing::info!(file = %path.display(), version = engine.version(), "criteria edited and put in force");
        Ok(engine.version().to_owned())
    }

    fn start_backtest(&self, name: &str, text: &str) -> Result<(), String> {
        let candidate = self.candidate(name, text)?;
        // What the writer runs now, not what the folder says: files may have changed unloaded.
        let in_force = lock(&self.engine).criteria().clone();
        let mut slot = lock(&self.backtest);
        if slot.as_ref().is_some_and(|b| b.result.is_none()) {
            return Err("a backtest is already running; wait for its result".into());
        }
        let total = decided_parcels(&*self.store).map_err(|e| e.to_string())?;
        let replayed = Arc::new(AtomicU64::new(0));
        *slot = Some(Backtest {
            file: name.to_owned(),
            started: Instant::now(),
            replayed: replayed.clone(),
            total,
            result: None,
        });
        let (store, lists, state) = (self.store.clone(), self.lists.clone(), self.backtest.clone());
        std::thread::Builder::new()
            .name("backtest".into())
            .spawn(move || {
                let started = Instant::now();
                let result = stored_cases(&*store, lists.as_deref(), |n| replayed.store(n, Ordering::Relaxed))
                    .map_err(|e| e.to_string())
                    .and_then(|cases| {
                        // Both sets start from nothing and learn from the same replay: a fair comparison.
                        let before = greenlane_risk::backtest(&mut Engine::new(in_force), cases.iter().cloned());
                        let after = greenlane_risk::backtest(&mut Engine::new(candidate), cases);
                        let json = |r| serde_json::to_value(r).map_err(|e| e.to_string());
                        Ok((started.elapsed().as_secs_f64(), json(&before)?, json(&after)?))
                    });
                if let Err(why) = &result {
                    tracing::warn!(%why, "backtest failed");
                }
                if let Some(b) = lock(&state).as_mut() {
                    b.result = Some(result);
                }
            })
            .map_err(|e| format!("starting the backtest: {e}"))?;
        Ok(())
    }

    fn backtest(&self) -> Option<serde_json::Value> {
        let slot = lock(&self.backtest);
        let b = slot.as_ref()?;
        let common = serde_json::json!({
            "file": b.file,
            "replayed": b.replayed.load(Ordering::Relaxed),
            "total": b.total,
            "seconds": b.started.elapsed().as_secs_f64(),
        });
        let mut out = common;
        match &b.result {
            None => out["state"] = "running".into(),
            Some(Ok((seconds, before, after))) => {
                out["state"] = "done".into();
                out["seconds"] = (*seconds).into();
                out["in_force"] = before.clone();
                out["candidate"] = after.clone();
            }
            Some(Err(why)) => {
                out["state"] = "failed".into();
                out["error"] = why.clone().into();
            }
        }
        Some(out)
    }
}
