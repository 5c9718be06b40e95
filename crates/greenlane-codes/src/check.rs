//! Row-level rules shared by the tables' self-checks (code formats, uniqueness, clean text).

use std::collections::HashSet;

use crate::error::CodesError;

/// Collects rule violations for one table.
#[derive(Debug)]
pub(crate) struct Checker {
    table: &'static str,
    pub(crate) errors: Vec<CodesError>,
}

impl Checker {
    pub(crate) fn new(table: &'static str) -> Self {
        Self { table, errors: Vec::new() }
    }

    pub(crate) fn fail(&mut self, key: &str, message: impl Into<String>) {
        self.errors.push(CodesError::Invariant { table: self.table, key: key.to_owned(), message: message.into() });
    }

    /// `value` is exactly `len` ASCII digits.
    pub(crate) fn digits(&mut self, key: &str, field: &str, value: &str, len: usize) {
        if !is_digits(value, len) {
            self.fail(key, format!("{field} {value:?} is not {len} ASCII digits"));
        }
    }

    /// `value` is exactly `len` upper-case ASCII letters.
    pub(crate) fn upper(&mut self, key: &str, field: &str, value: &str, len: usize) {
        if !is_upper(value, len) {
            self.fail(key, format!("{field} {value:?} is not {len} upper-case ASCII letters"));
        }
    }

    /// `value` is non-empty and has no surrounding whitespace.
    pub(crate) fn text(&mut self, key: &str, field: &str, value: &str) {
        if value.is_empty() {
            self.fail(key, format!("{field} is empty"));
        } else if value.trim() != value {
            self.fail(key, format!("{field} {value:?} has surrounding whitespace"));
        }
    }

    /// `value` contains at least one CJK ideograph (a Chinese name, not a placeholder).
    pub(crate) fn chinese(&mut self, key: &str, field: &str, value: &str) {
        self.text(key, field, value);
        if !value.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            self.fail(key, format!("{field} {value:?} has no Chinese characters"));
        }
    }

    /// Records `value` and fails if it was already seen.
    pub(crate) fn unique<'a>(&mut self, seen: &mut HashSet<&'a str>, key: &str, field: &str, value: &'a str) {
        if !seen.insert(value) {
            self.fail(key, format!("duplicate {field} {value:?}"));
        }
    }

    pub(crate) fn finish(self) -> Result<(), Vec<CodesError>> {
        if self.errors.is_empty() { Ok(()) } else { Err(self.errors) }
    }
}

pub(crate) fn is_digits(value: &str, len: usize) -> bool {
    value.len() == len && value.bytes().all(|b| b.is_ascii_digit())
}

pub(crate) fn is_upper(value: &str, len: usize) -> bool {
    value.len() == len && value.bytes().all(|b| b.is_ascii_uppercase())
}
