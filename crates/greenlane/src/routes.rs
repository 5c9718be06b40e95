//! The hub's route table as a file an analyst edits: read at start (`--routes FILE`, or the
//! shipped Shenzhen table), put in force for the writer's cargo clock, and read again on
//! `POST /api/v1/routes/reload`, where a file that does not check changes nothing.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use greenlane_cargo::RouteTable;
use greenlane_pipeline::{Cargo, CargoInForce};
use greenlane_server::{RoutesControl, RoutesError, RoutesVersion};
use sha2::Digest as _;

/// The route table in force and the file it came from.
pub struct Routes {
    in_force: Arc<CargoInForce>,
    file: Option<PathBuf>,
    version: Mutex<RoutesVersion>,
}

impl Routes {
    /// Reads `file` (or takes the shipped table); `Err` names the file and line at fault.
    pub fn load(file: Option<&Path>) -> Result<Arc<Routes>, String> {
        let (cargo, version) = read(file)?;
        Ok(Arc::new(Routes {
            in_force: Arc::new(CargoInForce::new(cargo)),
            file: file.map(Path::to_path_buf),
            version: Mutex::new(version),
        }))
    }

    /// The handle the pipeline's writer reads at every tick of the cargo clock.
    pub fn in_force(&self) -> Arc<CargoInForce> {
        self.in_force.clone()
    }
}

fn read(file: Option<&Path>) -> Result<(Cargo, RoutesVersion), String> {
    let (name, text) = match file {
        Some(path) => {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
            (name, text)
        }
        None => ("data/routes.toml".to_owned(), greenlane_cargo::route::SHENZHEN_ROUTES.to_owned()),
    };
    let table = RouteTable::parse(&name, &text).map_err(|e| e.to_string())?;
    let routes = table.routes.len();
    let version = table.version.clone();
    // The cargo table's gateways must each name an airport the new routes still fly to.
    let cargo = Cargo::parse(table, greenlane_pipeline::SHIPPED_CARGO_TABLE)
        .map_err(|e| format!("{name}: the shipped data/cargo.toml no longer fits it: {e}"))?;
    let digest: [u8; 32] = sha2::Sha256::digest(text.as_bytes()).into();
    let digest = digest.iter().map(|b| format!("{b:02x}")).collect::<String>();
    Ok((cargo, RoutesVersion { version, digest: format!("sha256:{digest}"), routes, file: name }))
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
        let (cargo, new) = read(Some(file)).map_err(RoutesError::Invalid)?;
        self.in_force.replace(cargo);
        tracing::info!(version = %new.version, digest = %new.digest, "route table reloaded");
        *version = new.clone();
        Ok(new)
    }
}
