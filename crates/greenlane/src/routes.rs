//! The hub's route table as a file an analyst edits: read at start (`--routes FILE`, or the
//! shipped Shenzhen table), put in force for the writer's cargo clock, and read again on
//! `POST /api/v1/routes/reload`, where a file that does not check changes nothing. Every table
//! put in force is recorded in the intake log by the writer (at start and at each reload), so
//! that `greenlane rebuild` uses the table the hub used at each point.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use greenlane_pipeline::{Cargo, CargoInForce, Pipeline, PipelineError, Writer};
use greenlane_server::{RoutesControl, RoutesError, RoutesVersion};

/// The route table in force and the file it came from.
pub struct Routes {
    in_force: Arc<CargoInForce>,
    file: Option<PathBuf>,
    version: Mutex<RoutesVersion>,
    /// The text of the table in force, as read: what the intake log records.
    text: Mutex<String>,
    /// The pipeline's writer, once it runs: reloads go through it, in order with the messages.
    writer: OnceLock<Writer>,
}

impl Routes {
    /// Reads `file` (or takes the shipped table); `Err` names the file and line at fault.
    pub fn load(file: Option<&Path>) -> Result<Arc<Routes>, String> {
        let (cargo, version, text) = read(file)?;
        Ok(Arc::new(Routes {
            in_force: Arc::new(CargoInForce::new(cargo)),
            file: file.map(Path::to_path_buf),
            version: Mutex::new(version),
            text: Mutex::new(text),
            writer: OnceLock::new(),
        }))
    }

    /// Records the table in force in `pipeline`'s intake log: call once per start, after the
    /// log's tail is applied and before the writer runs.
    pub fn record(&self, pipeline: &mut Pipeline) -> Result<(), PipelineError> {
        let file = lock(&self.version).file.clone();
        let text = lock(&self.text).clone();
        pipeline.put_routes_in_force(&file, &text)?.map_err(PipelineError::Internal)
    }

    /// From now on reloads go through `writer`, which records each table before it is in force.
    pub fn attach(&self, writer: Writer) {
        let _ = self.writer.set(writer);
    }

    /// The handle the pipeline's writer reads at every tick of the cargo clock.
    pub fn in_force(&self) -> Arc<CargoInForce> {
        self.in_force.clone()
    }
}

fn read(file: Option<&Path>) -> Result<(Cargo, RoutesVersion, String), String> {
    let (name, text) = match file {
        Some(path) => {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
            (name, text)
        }
        None => ("data/routes.toml".to_owned(), greenlane_cargo::route::SHENZHEN_ROUTES.to_owned()),
    };
    let cargo = Cargo::of_routes(&name, &text)?;
    let version = RoutesVersion {
        version: cargo.routes.version.clone(),
        digest: greenlane_pipeline::routes_digest(&text),
        routes: cargo.routes.routes.len(),
        file: name,
    };
    Ok((cargo, version, text))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl RoutesControl for Routes {
    fn cargo(&self) -> Arc<Cargo> {
        self.in_force.get()
    }

    fn version(&self) -> RoutesVersion {
        lock(&self.version).clone()
    }

    fn reload(&self) -> Result<RoutesVersion, RoutesError> {
        let Some(file) = &self.file else { return Err(RoutesError::Shipped) };
        // Held across read and swap: two reloads at once put in force the later file read.
        let mut version = lock(&self.version);
        let (cargo, new, text) = read(Some(file)).map_err(RoutesError::Invalid)?;
        match self.writer.get() {
            // Recorded in the intake log, then in force, after the messages queued before it.
            Some(writer) => match writer.routes_blocking(new.file.clone(), text.clone()) {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(why))) => return Err(RoutesError::Invalid(why)),
                Ok(Err(why)) => return Err(RoutesError::Unrecorded(why)),
                Err(closed) => return Err(RoutesError::Unrecorded(closed.to_string())),
            },
            None => {
                self.in_force.replace(cargo);
            }
        }
        *lock(&self.text) = text;
        tracing::info!(version = %new.version, digest = %new.digest, "route table reloaded");
        *version = new.clone();
        Ok(new)
    }
}
