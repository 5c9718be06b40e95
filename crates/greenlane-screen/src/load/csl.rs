//! The US Consolidated Screening List (`csl.csv`, trade.gov): one row per listed party from eleven
//! US lists, the BIS Entity, Denied Persons and Unverified lists among them; `alt_names` and
//! `addresses` hold `;`-separated values, and an address ends with its country code.

use std::path::Path;

use super::{content_version, csv_error, fnv64, push_unique, read_text, record_line, split_list};
use crate::countries::{country_code, country_or_text};
use crate::entry::{Entry, Kind, List, ListedName, NameStrength};
use crate::error::ScreenError;

/// The short name in a CSL source such as "Entity List (EL) - Bureau of Industry and Security".
fn source_abbreviation(source: &str) -> &str {
    source.split_once('(').and_then(|(_, rest)| rest.split_once(')')).map_or(source, |(abbr, _)| abbr)
}

pub(super) fn load(path: &Path) -> Result<List, ScreenError> {
    parse(path, &read_text(path)?)
}

/// `path` names the file in errors only.
pub(super) fn parse(path: &Path, text: &str) -> Result<List, ScreenError> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(path, e))?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(source_col), Some(name_col)) = (column("source"), column("name")) else {
        return Err(ScreenError::malformed(path, 1, "the header must name the columns source and name"));
    };
    let [number_col, type_col, programs_col, alt_col, addresses_col, citizenships_col, nationalities_col] =
        ["entity_number", "type", "programs", "alt_names", "addresses", "citizenships", "nationalities"].map(column);
    let mut entries = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, e))?;
        let get = |col: Option<usize>| col.and_then(|c| record.get(c)).unwrap_or("").trim();
        let source = get(Some(source_col));
        let name = get(Some(name_col));
        if name.is_empty() {
            return Err(ScreenError::malformed(path, record_line(&record), "a row without a name"));
        }
        let number = get(number_col);
        let entry_id = if number.is_empty() {
            format!("{}-{:012x}", source_abbreviation(source), fnv64(&[source.as_bytes(), name.as_bytes()]) >> 16)
        } else {
            number.to_string()
        };
        let mut names = vec![ListedName { name: name.to_string(), strength: NameStrength::Primary }];
        names.extend(
            split_list(get(alt_col)).map(|n| ListedName { name: n.to_string(), strength: NameStrength::Strong }),
        );
        let mut countries = Vec::new();
        for address in split_list(get(addresses_col)) {
            let last = address.rsplit(',').next().unwrap_or("");
            if let Some(code) = country_code(last) {
                push_unique(&mut countries, code.to_string());
            }
        }
        for country in split_list(get(citizenships_col)).chain(split_list(get(nationalities_col))) {
            push_unique(&mut countries, country_or_text(country));
        }
        entries.push(Entry {
            entry_id,
            source: source.to_string(),
            names,
            kind: Kind::parse(get(type_col)),
            countries,
            programs: split_list(get(programs_col)).map(str::to_string).collect(),
        });
    }
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(List { id: "us_csl".to_string(), version: content_version(&[text]), files: vec![file], entries })
}
