//! The generic list format for any other list (EU, UK, China's unreliable-entity list, a firm's
//! own): `NAME.list.csv`, UTF-8 CSV with a header row naming its columns (see the crate README).

use std::collections::HashSet;
use std::path::Path;

use super::{content_version, csv_error, fnv64, read_text, record_line, split_list};
use crate::countries::country_or_text;
use crate::entry::{Entry, Kind, List, ListedName, NameStrength};
use crate::error::ScreenError;

pub(super) const COLUMNS: [&str; 7] = ["id", "name", "kind", "countries", "aliases", "weak_aliases", "programs"];

pub(super) fn load(path: &Path, list_id: &str) -> Result<List, ScreenError> {
    parse(path, list_id, &read_text(path)?)
}

/// `path` names the file in errors only.
pub(super) fn parse(path: &Path, list_id: &str, text: &str) -> Result<List, ScreenError> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).comment(Some(b'#')).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(path, e))?.clone();
    for header in headers.iter() {
        if !COLUMNS.contains(&header.trim()) {
            return Err(ScreenError::malformed(
                path,
                1,
                format!("unknown column {header:?}; the columns are {COLUMNS:?}"),
            ));
        }
    }
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let Some(name_col) = column("name") else {
        return Err(ScreenError::malformed(path, 1, "the header must name the column name"));
    };
    let [id_col, kind_col, countries_col, aliases_col, weak_col, programs_col] =
        ["id", "kind", "countries", "aliases", "weak_aliases", "programs"].map(column);
    let mut entries = Vec::new();
    let mut seen_ids = HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, e))?;
        let line = record_line(&record);
        let get = |col: Option<usize>| col.and_then(|c| record.get(c)).unwrap_or("").trim();
        let name = get(Some(name_col));
        if name.is_empty() {
            return Err(ScreenError::malformed(path, line, "a row without a name"));
        }
        let kind_text = get(kind_col);
        let kind = Kind::parse(kind_text);
        if kind == Kind::Unknown && !kind_text.is_empty() && kind_text != "unknown" {
            return Err(ScreenError::malformed(
                path,
                line,
                format!("kind {kind_text:?} is not person, organization, vessel, aircraft or unknown"),
            ));
        }
        let id = get(id_col);
        let entry_id =
            if id.is_empty() { format!("{list_id}-{:012x}", fnv64(&[name.as_bytes()]) >> 16) } else { id.to_string() };
        if !seen_ids.insert(entry_id.clone()) {
            return Err(ScreenError::malformed(path, line, format!("id {entry_id:?} appears twice")));
        }
        let mut names = vec![ListedName { name: name.to_string(), strength: NameStrength::Primary }];
        names.extend(
            split_list(get(aliases_col)).map(|n| ListedName { name: n.to_string(), strength: NameStrength::Strong }),
        );
        names.extend(
            split_list(get(weak_col)).map(|n| ListedName { name: n.to_string(), strength: NameStrength::Weak }),
        );
        entries.push(Entry {
            entry_id,
            source: String::new(),
            names,
            kind,
            countries: split_list(get(countries_col)).map(country_or_text).collect(),
            programs: split_list(get(programs_col)).map(str::to_string).collect(),
        });
    }
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(List { id: list_id.to_string(), version: content_version(&[text]), files: vec![file], entries })
}
