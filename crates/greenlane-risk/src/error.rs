//! The risk engine's errors: a criteria set that an analyst must fix (every problem with its
//! file, line and column) apart from failures that are not the analyst's.

use std::fmt;
use std::path::PathBuf;

/// One problem in a criteria file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriteriaError {
    pub file: String,
    /// 1-based; 0 when the problem belongs to the set rather than to one place.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for CriteriaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RiskError {
    /// The analyst's fault: the criteria files say something wrong. Nothing was replaced.
    #[error("{} problem(s) in the criteria:\n{}", .0.len(), .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Criteria(Vec<CriteriaError>),
    /// The folder or a file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// A bug: e.g. the embedded default criteria do not load.
    #[error("internal: {0}")]
    Internal(String),
}

impl RiskError {
    /// Whether the person who wrote the criteria can fix this.
    pub fn is_user_fault(&self) -> bool {
        matches!(self, RiskError::Criteria(_))
    }
}
