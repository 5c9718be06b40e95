//! Generic loading of an embedded CSV table into typed rows, plus first-wins indexes.

use std::collections::HashMap;

use serde::de::DeserializeOwned;

use crate::error::CodesError;

/// Rows of one table, or the error that stopped them from loading.
#[derive(Debug)]
pub(crate) struct Loaded<T> {
    pub(crate) name: &'static str,
    pub(crate) rows: Vec<T>,
    pub(crate) error: Option<CodesError>,
}

/// Parses `src` (CSV with a header row) into rows of `T`.
///
/// Never panics: on error the row list is empty and the error is kept.
pub(crate) fn load<T: DeserializeOwned>(name: &'static str, src: &str) -> Loaded<T> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::None).from_reader(src.as_bytes());
    let mut rows = Vec::new();
    for record in reader.deserialize::<T>() {
        match record {
            Ok(row) => rows.push(row),
            Err(err) => {
                return Loaded {
                    name,
                    rows: Vec::new(),
                    error: Some(CodesError::Parse { table: name, message: err.to_string() }),
                };
            }
        }
    }
    Loaded { name, rows, error: None }
}

/// Builds a key -> row index; when two rows share a key the first one wins.
pub(crate) fn index<T>(
    rows: &'static [T],
    key: impl Fn(&'static T) -> Option<&'static str>,
) -> HashMap<&'static str, &'static T> {
    let mut map = HashMap::with_capacity(rows.len());
    for row in rows {
        if let Some(k) = key(row) {
            map.entry(k).or_insert(row);
        }
    }
    map
}

/// Looks `query` up after ASCII upper-casing it (ISO codes, transport letters).
pub(crate) fn get_upper<T>(map: &HashMap<&'static str, &'static T>, query: &str) -> Option<&'static T> {
    if query.bytes().any(|b| b.is_ascii_lowercase()) {
        map.get(query.to_ascii_uppercase().as_str()).copied()
    } else {
        map.get(query).copied()
    }
}
