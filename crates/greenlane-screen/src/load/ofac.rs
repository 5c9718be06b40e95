//! OFAC's legacy CSV files: `sdn.csv` / `alt.csv` / `add.csv` (the SDN list) and
//! `cons_prim.csv` / `cons_alt.csv` / `cons_add.csv` (the non-SDN consolidated list). They have no
//! header, quote text fields and write `-0-` for an empty field.

use std::collections::HashMap;
use std::path::Path;

use super::{content_version, csv_error, push_unique, read_text, record_line};
use crate::countries::country_or_text;
use crate::entry::{Entry, Kind, List, ListedName, NameStrength};
use crate::error::ScreenError;

fn field(record: &csv::StringRecord, index: usize) -> &str {
    let value = record.get(index).unwrap_or("").trim();
    if value == "-0-" { "" } else { value }
}

fn records<'a>(
    path: &'a Path,
    text: &'a str,
    columns: usize,
) -> impl Iterator<Item = Result<csv::StringRecord, ScreenError>> + 'a {
    let reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    reader.into_records().filter_map(move |record| match record {
        Err(error) => Some(Err(csv_error(path, error))),
        Ok(record) if record.len() == 1 && record[0].trim().is_empty() => None,
        Ok(record) if record.len() != columns => Some(Err(ScreenError::malformed(
            path,
            record_line(&record),
            format!("expected {columns} fields, found {}", record.len()),
        ))),
        Ok(record) => Some(Ok(record)),
    })
}

/// Countries named in OFAC remarks: "nationality Iran", "citizen Syria".
fn remark_countries(remarks: &str, countries: &mut Vec<String>) {
    for marker in ["nationality ", "Nationality ", "citizen ", "Citizen "] {
        for (at, _) in remarks.match_indices(marker) {
            let rest = &remarks[at + marker.len()..];
            let country = rest.split([';', '.', '(']).next().unwrap_or("");
            push_unique(countries, country_or_text(country));
        }
    }
}

/// `files` are the primary, alias, address and (optional) comments file names in `dir`.
pub(super) fn load(dir: &Path, id: &str, files: [&str; 4]) -> Result<List, ScreenError> {
    let [primary_name, alias_name, address_name, _comments] = files;
    let read_if_there = |name: &str| {
        let path = dir.join(name);
        if path.exists() { read_text(&path).map(Some) } else { Ok(None) }
    };
    let primary = read_text(&dir.join(primary_name))?;
    let aliases = read_if_there(alias_name)?;
    let addresses = read_if_there(address_name)?;
    let mut list = parse(
        id,
        (&dir.join(primary_name), &primary),
        (&dir.join(alias_name), aliases.as_deref().unwrap_or("")),
        (&dir.join(address_name), addresses.as_deref().unwrap_or("")),
    )?;
    list.files = [(primary_name, true), (alias_name, aliases.is_some()), (address_name, addresses.is_some())]
        .iter()
        .filter(|(_, present)| *present)
        .map(|(name, _)| name.to_string())
        .collect();
    Ok(list)
}

/// Each file as (path for errors, text); an absent alias or address file is an empty text.
pub(super) fn parse(
    id: &str,
    (primary_path, primary): (&Path, &str),
    (alias_path, aliases): (&Path, &str),
    (address_path, addresses): (&Path, &str),
) -> Result<List, ScreenError> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_number: HashMap<String, usize> = HashMap::new();
    for record in records(primary_path, primary, 12) {
        let record = record?;
        let number = field(&record, 0);
        let name = field(&record, 1);
        if number.is_empty() || name.is_empty() {
            return Err(ScreenError::malformed(primary_path, record_line(&record), "entry without number or name"));
        }
        let kind = match field(&record, 2) {
            "" => Kind::Organization,
            other => Kind::parse(other),
        };
        let programs = field(&record, 3)
            .split("] [")
            .map(|p| p.trim_matches(['[', ']', ' ']).to_string())
            .filter(|p| !p.is_empty())
            .collect();
        let mut countries = Vec::new();
        remark_countries(field(&record, 11), &mut countries);
        let vessel_flag = field(&record, 9);
        if !vessel_flag.is_empty() {
            push_unique(&mut countries, country_or_text(vessel_flag));
        }
        by_number.insert(number.to_string(), entries.len());
        entries.push(Entry {
            entry_id: number.to_string(),
            source: String::new(),
            names: vec![ListedName { name: name.to_string(), strength: NameStrength::Primary }],
            kind,
            countries,
            programs,
        });
    }
    // Aliases and addresses of entries the primary file does not hold are skipped: OFAC
    // publishes the three files separately, and a partial download must not block the rest.
    for record in records(alias_path, aliases, 5) {
        let record = record?;
        let name = field(&record, 3);
        if let Some(&index) = by_number.get(field(&record, 0))
            && !name.is_empty()
        {
            let strength = if field(&record, 2).eq_ignore_ascii_case("weak aka") {
                NameStrength::Weak
            } else {
                NameStrength::Strong
            };
            entries[index].names.push(ListedName { name: name.to_string(), strength });
        }
    }
    for record in records(address_path, addresses, 6) {
        let record = record?;
        let country = field(&record, 4);
        if let Some(&index) = by_number.get(field(&record, 0))
            && !country.is_empty()
        {
            push_unique(&mut entries[index].countries, country_or_text(country));
        }
    }
    let files = vec![primary_path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default()];
    Ok(List { id: id.to_string(), version: content_version(&[primary, aliases, addresses]), files, entries })
}
