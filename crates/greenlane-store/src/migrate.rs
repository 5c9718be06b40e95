//! The schema's migrations and the one runner both backends use: refinery-core's `Runner`, driven
//! through the store's own SQL layer ([`Db`]) inside the transaction (and lock) each backend
//! began, and the one-time translation of the history the store kept before refinery
//! (`schema_migrations`). See migrations/README.md for the rules.
//!
//! refinery-core is used without a driver feature: its drivers accept rusqlite only up to 0.41,
//! the store links 0.43, and two rusqlite versions cannot be linked into one binary. So the
//! store implements refinery's driver traits (`Transaction`, `Query`, hence `Migrate`) itself,
//! once, over [`Db`].

use crate::sql::{self, Db, Dialect, Sql, args};
use crate::{Result, StoreError};
use refinery_core::error::Kind;
use refinery_core::traits::sync::{Migrate, Query, Transaction};
use refinery_core::{Migration, Runner, Target};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One version of the schema, as each dialect writes it.
struct Script {
    version: i32,
    /// The file name in both folders: `0001_init.sql`. Its words after the number are the
    /// migration's name in refinery's history and, with the text, its checksum: renaming a
    /// released file is editing it.
    file: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

macro_rules! script {
    ($version:literal, $file:literal) => {
        Script {
            version: $version,
            file: $file,
            sqlite: include_str!(concat!("../migrations/sqlite/", $file)),
            postgres: include_str!(concat!("../migrations/postgres/", $file)),
        }
    };
}

/// The schema, applied in order.
const SCRIPTS: &[Script] = &[
    script!(1, "0001_init.sql"),
    script!(2, "0002_inspections.sql"),
    script!(3, "0003_screening_clearances.sql"),
    script!(4, "0004_workbench.sql"),
    script!(5, "0005_review_queue.sql"),
    script!(6, "0006_access.sql"),
    script!(7, "0007_log_applied.sql"),
    script!(8, "0008_intake_log.sql"),
    script!(9, "0009_cargo.sql"),
    script!(10, "0010_summaries.sql"),
];

/// refinery's history table, under its default name so that refinery's own tools read it.
pub(crate) const HISTORY: &str = "refinery_schema_history";

/// The two reads refinery's `Migrate` makes of its history, as `'static` statements (the store's
/// statements are cached under their text's address). `Migrate` lets a driver supply them.
const APPLIED: Sql =
    Sql::same("SELECT version, name, applied_on, checksum FROM refinery_schema_history ORDER BY version");
const LAST_APPLIED: Sql = Sql::same(
    "SELECT version, name, applied_on, checksum FROM refinery_schema_history
     WHERE version = (SELECT max(version) FROM refinery_schema_history)",
);

/// The history this store kept before refinery. Still written, for one release: the previous
/// release reads only this table, and a rollback of the binary must not make it re-run every
/// script (see the README's expand/contract rule).
const OLD_HISTORY_SQLITE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
     version    INTEGER PRIMARY KEY,
     applied_at INTEGER NOT NULL DEFAULT (unixepoch())
 )";
const OLD_HISTORY_POSTGRES: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
     version    INTEGER PRIMARY KEY,
     applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
 )";

impl Script {
    /// The script as refinery's migration `V{version}__{name}` for `dialect`.
    fn migration(&self, dialect: Dialect) -> Result<Migration> {
        let stem = self.file.trim_end_matches(".sql");
        let name = stem.split_once('_').map_or(stem, |(_, name)| name);
        let text = match dialect {
            Dialect::Sqlite => self.sqlite,
            Dialect::Postgres => self.postgres,
        };
        Migration::unapplied(&format!("V{}__{name}", self.version), text)
            .map_err(|e| StoreError::Backend(format!("migration {}: {e}", self.file)))
    }
}

/// Every migration of this build, for `dialect`, in order.
fn migrations(dialect: Dialect) -> Result<Vec<Migration>> {
    SCRIPTS.iter().map(|s| s.migration(dialect)).collect()
}

/// refinery's driver over a connection already inside the backend's migration transaction.
struct Driver<'a> {
    db: &'a mut dyn Db,
}

impl Transaction for Driver<'_> {
    type Error = StoreError;

    /// refinery's own drivers open a transaction here; this one is already inside the backend's,
    /// which is what keeps all pending versions and their history rows one atomic step (and, on
    /// PostgreSQL, under the advisory lock).
    fn execute<'q, T: Iterator<Item = &'q str>>(&mut self, queries: T) -> Result<usize> {
        let mut count = 0;
        for query in queries {
            self.db.batch("applying a migration", query)?;
            count += 1;
        }
        Ok(count)
    }
}

impl Query<Vec<Migration>> for Driver<'_> {
    fn query(&mut self, query: &str) -> Result<Vec<Migration>> {
        // Only the two statements `Migrate` is given below reach here.
        let sql = [APPLIED, LAST_APPLIED]
            .into_iter()
            .find(|s| s.sqlite == query)
            .ok_or_else(|| StoreError::Backend(format!("the migration runner asked an unknown query: {query}")))?;
        sql::all(&mut *self.db, "reading the migration history", sql, &[], |row| {
            let version = row.int(0)?;
            let version = i32::try_from(version)
                .map_err(|_| StoreError::Corrupt(format!("migration history: version {version} out of range")))?;
            let applied_on = row.text(2)?;
            let applied_on = OffsetDateTime::parse(applied_on, &Rfc3339).map_err(|e| {
                StoreError::Corrupt(format!("migration history: version {version} applied on {applied_on:?}: {e}"))
            })?;
            let checksum = row.text(3)?;
            let checksum = checksum.parse::<u64>().map_err(|e| {
                StoreError::Corrupt(format!("migration history: version {version} checksum {checksum:?}: {e}"))
            })?;
            Ok(Migration::applied(version, row.string(1)?, applied_on, checksum))
        })
    }
}

impl Migrate for Driver<'_> {
    fn get_applied_migrations_query(_table: &str) -> String {
        APPLIED.sqlite.to_owned()
    }

    fn get_last_applied_migration_query(_table: &str) -> String {
        LAST_APPLIED.sqlite.to_owned()
    }
}

/// Brings the schema up to this build, inside the transaction (and under the lock) the backend
/// began: each backend only knows how to keep two processes from migrating at once.
///
/// - Versions newer than this build knows are left alone (`abort_missing` off): by the
///   expand/contract rule the previous release still works on the next one's schema.
/// - A version whose script differs from the one applied (refinery's checksum of name, version
///   and text) aborts: a released script is never edited.
/// - All pending versions run in one transaction (grouped), so a failure leaves none applied.
pub(crate) fn migrate(db: &mut dyn Db) -> Result<()> {
    let dialect = db.dialect();
    let ours = migrations(dialect)?;
    let runner = Runner::new(&ours).set_grouped(true).set_abort_divergent(true).set_abort_missing(false);
    let mut driver = Driver { db };
    driver.assert_migrations_table(HISTORY).map_err(refused)?;
    let old_history = match dialect {
        Dialect::Sqlite => OLD_HISTORY_SQLITE,
        Dialect::Postgres => OLD_HISTORY_POSTGRES,
    };
    driver.db.batch("creating schema_migrations", old_history)?;

    let mut applied = runner.get_applied_migrations(&mut driver).map_err(refused)?;
    if applied.is_empty() {
        translate(&mut driver, &ours)?;
        applied = runner.get_applied_migrations(&mut driver).map_err(refused)?;
    }
    refuse_gaps(&applied, &ours)?;
    runner.run(&mut driver).map_err(refused)?;

    for m in &ours {
        driver.db.execute(
            "recording the migration in schema_migrations",
            Sql::same("INSERT INTO schema_migrations (version) VALUES (?1) ON CONFLICT (version) DO NOTHING"),
            args![m.version()],
        )?;
    }
    Ok(())
}

/// A store migrated before refinery records its versions only in `schema_migrations`: mark those
/// this build knows as applied in refinery's history without running them (refinery's fake
/// target), with this build's checksums, which is what those releases ran (their scripts were
/// never edited). Runs once: afterwards refinery's history is not empty. Versions this build does
/// not know cannot be given a checksum here and stay only in `schema_migrations` (no released
/// build with the old runner knows more than this one).
fn translate(driver: &mut Driver<'_>, ours: &[Migration]) -> Result<()> {
    let recorded = sql::all(
        &mut *driver.db,
        "reading schema_migrations",
        Sql::same("SELECT version FROM schema_migrations"),
        &[],
        |r| r.int(0),
    )?;
    let known: Vec<Migration> = ours.iter().filter(|m| recorded.contains(&i64::from(m.version()))).cloned().collect();
    if known.is_empty() {
        return Ok(());
    }
    Runner::new(&known).set_target(Target::Fake).run(driver).map_err(refused)?;
    Ok(())
}

/// refinery (with `abort_missing` off, needed for newer versions) would skip, not apply, a
/// version of this build that is older than the newest applied one but was never applied. That
/// happens only to a store migrated by a build with another sequence of scripts (a branch that
/// numbered its own): its schema is not the one this build expects, so refuse to open it.
fn refuse_gaps(applied: &[Migration], ours: &[Migration]) -> Result<()> {
    let Some(newest) = applied.iter().map(Migration::version).max() else { return Ok(()) };
    match ours.iter().find(|m| m.version() < newest && !applied.iter().any(|a| a.version() == m.version())) {
        Some(skipped) => Err(StoreError::Corrupt(format!(
            "the store has migration {newest} applied but not {skipped}, which comes before it: it was \
             migrated by a build with different migrations"
        ))),
        None => Ok(()),
    }
}

/// refinery's error as the store's, keeping the store's own error (and its kind) where the
/// database failed underneath.
fn refused(e: refinery_core::Error) -> StoreError {
    match e.kind() {
        Kind::DivergentVersion(applied, ours) => StoreError::Corrupt(format!(
            "migration {applied} applied to this store (checksum {}) differs from this build's {ours} \
             (checksum {}): a released migration script was edited or renamed; restore it and put the \
             change in a new version",
            applied.checksum(),
            ours.checksum()
        )),
        Kind::Connection(what, source) => match source.downcast_ref::<StoreError>() {
            Some(StoreError::Corrupt(reason)) => StoreError::Corrupt(format!("{what}: {reason}")),
            Some(StoreError::Backend(reason)) => StoreError::Backend(format!("{what}: {reason}")),
            _ => StoreError::Backend(format!("{what}: {source}")),
        },
        _ => StoreError::Backend(format!("migration runner: {e}")),
    }
}
