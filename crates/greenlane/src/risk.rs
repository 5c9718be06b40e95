//! The risk engine as `serve`, `demo` and `ingest` run it: greenlane-risk's engine with the
//! shipped criteria (or an analyst's folder), shared between the writer thread, which assesses
//! parcels with it, and the HTTP API, which reloads its criteria and reports its hit rates.

use greenlane_core::risk::{Assessment, Evidence, RiskEngine};
use greenlane_core::{Inspection, Parcel};
use greenlane_risk::{CriteriaSet, Engine};
use greenlane_server::CriteriaControl;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

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

    /// The handle the HTTP API reloads and reads the engine through.
    pub fn control(&self, folder: Option<PathBuf>) -> Arc<dyn CriteriaControl> {
        Arc::new(Control { engine: self.engine.clone(), folder })
    }
}

impl RiskEngine for SharedEngine {
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

    fn warm_up(&mut self, parcel: &Parcel) {
        self.lock().warm_up(parcel);
    }

    fn version(&self) -> &str {
        &self.version
    }
}

struct Control {
    engine: Arc<Mutex<Engine>>,
    folder: Option<PathBuf>,
}

impl CriteriaControl for Control {
    fn version(&self) -> String {
        self.engine.lock().unwrap_or_else(|p| p.into_inner()).version().to_owned()
    }

    fn reload(&self) -> Result<String, String> {
        // Loaded and checked before the lock: a broken file never stops the writer.
        let set = match &self.folder {
            Some(dir) => CriteriaSet::load_dir(dir),
            None => CriteriaSet::default_set(),
        }
        .map_err(|e| e.to_string())?;
        let mut engine = self.engine.lock().unwrap_or_else(|p| p.into_inner());
        engine.replace_criteria(set);
        Ok(engine.version().to_owned())
    }

    fn report(&self) -> serde_json::Value {
        let engine = self.engine.lock().unwrap_or_else(|p| p.into_inner());
        serde_json::json!({
            "version": engine.version(),
            "assessed": engine.assessed(),
            "criteria": engine.criteria_stats(),
        })
    }
}
