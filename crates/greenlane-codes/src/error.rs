//! Error type for loading and checking the embedded code tables.

use thiserror::Error;

/// A problem with one of the embedded CSV tables.
///
/// Lookups never return this: a table that fails to load behaves as empty.
/// Call [`crate::validate`] (the crate's own tests do) to surface it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodesError {
    /// The CSV text could not be parsed into typed rows.
    #[error("{table}: cannot parse CSV: {message}")]
    Parse {
        /// File name of the table, e.g. `countries.csv`.
        table: &'static str,
        /// The parser's message.
        message: String,
    },
    /// A row breaks one of the table's rules (code format, uniqueness, ...).
    #[error("{table}, row {key:?}: {message}")]
    Invariant {
        /// File name of the table, e.g. `countries.csv`.
        table: &'static str,
        /// The row's code (or its 1-based position when the code is unusable).
        key: String,
        /// What is wrong.
        message: String,
    },
}
