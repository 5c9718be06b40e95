//! BIS's Denied Persons List (`dpl.txt`): tab-separated, quoted, with a header row; one row per
//! denial order and address, so a party with several addresses appears on several rows.

use std::collections::HashMap;
use std::path::Path;

use super::{content_version, csv_error, fnv64, push_unique, read_text, record_line};
use crate::countries::country_or_text;
use crate::entry::{Entry, Kind, List, ListedName, NameStrength};
use crate::error::ScreenError;

pub(super) fn load(path: &Path) -> Result<List, ScreenError> {
    parse(path, &read_text(path)?)
}

/// `path` names the file in errors only.
pub(super) fn parse(path: &Path, text: &str) -> Result<List, ScreenError> {
    let mut reader = csv::ReaderBuilder::new().delimiter(b'\t').flexible(false).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(path, e))?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let Some(name_col) = column("Name") else {
        return Err(ScreenError::malformed(path, 1, "the header must name the column Name"));
    };
    let country_col = column("Country");
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, e))?;
        let name = record.get(name_col).unwrap_or("").trim();
        if name.is_empty() {
            return Err(ScreenError::malformed(path, record_line(&record), "a row without a name"));
        }
        let country = country_col.and_then(|c| record.get(c)).unwrap_or("").trim();
        let key = name.to_uppercase();
        let index = *by_name.entry(key.clone()).or_insert_with(|| {
            entries.push(Entry {
                entry_id: format!("DPL-{:012x}", fnv64(&[key.as_bytes()]) >> 16),
                source: String::new(),
                names: vec![ListedName { name: name.to_string(), strength: NameStrength::Primary }],
                kind: Kind::Unknown,
                countries: Vec::new(),
                programs: vec!["DPL".to_string()],
            });
            entries.len() - 1
        });
        if !country.is_empty() {
            push_unique(&mut entries[index].countries, country_or_text(country));
        }
    }
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(List { id: "us_bis_dpl".to_string(), version: content_version(&[text]), files: vec![file], entries })
}
