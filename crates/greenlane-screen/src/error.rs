//! Screening errors: what a list operator must fix in a file, kept apart from faults of our own.

use std::path::PathBuf;

/// Why loading or reloading lists failed. [`ScreenError::is_user_fault`] tells a broken or missing
/// list file (the operator's to fix) from a fault in greenlane itself.
#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    /// A list file could not be read (missing, unreadable, not a folder).
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A list file is malformed; `line` is 1-based (0 when the fault has no single line).
    #[error("{path}:{line}: {message}")]
    Malformed { path: PathBuf, line: u64, message: String },
    /// The folder holds no file that any loader recognises.
    #[error(
        "{dir}: no recognised list file (expected sdn.csv, cons_prim.csv, UN_consolidated.xml, csl.csv, dpl.txt or *.names.csv)"
    )]
    NoLists { dir: PathBuf },
    /// A bug in greenlane: an invariant of the screener was broken.
    #[error("internal screening error: {0}")]
    Internal(String),
}

impl ScreenError {
    /// True when the cause is in the list files or folder, not in greenlane.
    pub fn is_user_fault(&self) -> bool {
        !matches!(self, ScreenError::Internal(_))
    }

    pub(crate) fn malformed(path: &std::path::Path, line: u64, message: impl Into<String>) -> Self {
        ScreenError::Malformed { path: path.to_path_buf(), line, message: message.into() }
    }
}
