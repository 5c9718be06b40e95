//! The UN Security Council consolidated list (XML): `INDIVIDUAL` and `ENTITY` records with
//! `FIRST_NAME`…`FOURTH_NAME`, `NAME_ORIGINAL_SCRIPT`, aliases of "Good" or "Low" quality,
//! nationalities and address countries.

use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::{content_version, push_unique, read_text};
use crate::countries::country_or_text;
use crate::entry::{Entry, Kind, List, ListedName, NameStrength};
use crate::error::ScreenError;

#[derive(Default)]
struct Record {
    /// Byte offset of the record's start tag, for the line an error names.
    start: u64,
    data_id: String,
    reference: String,
    name_parts: [String; 4],
    original_script: Vec<String>,
    aliases: Vec<ListedName>,
    alias_quality: String,
    alias_name: String,
    countries: Vec<String>,
    programs: Vec<String>,
}

fn line_of(text: &str, offset: u64) -> u64 {
    let end = (offset as usize).min(text.len());
    1 + text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() as u64
}

pub(super) fn load(path: &Path) -> Result<List, ScreenError> {
    parse(path, &read_text(path)?)
}

/// `path` names the file in errors only.
pub(super) fn parse(path: &Path, text: &str) -> Result<List, ScreenError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut value = String::new();
    let mut record: Option<Record> = None;
    let mut entries = Vec::new();
    let mut version = None;
    let malformed = |reader: &Reader<&[u8]>, message: String| {
        ScreenError::malformed(path, line_of(text, reader.error_position().max(reader.buffer_position())), message)
    };
    loop {
        let event = reader.read_event().map_err(|e| malformed(&reader, e.to_string()))?;
        match event {
            Event::Start(start) => {
                let name = start.local_name().as_ref().to_string();
                if name == "CONSOLIDATED_LIST" {
                    for attribute in start.attributes().flatten() {
                        if attribute.key.local_name().as_ref() == "dateGenerated" {
                            let date = attribute.value.to_string();
                            version = Some(date.split('T').next().unwrap_or("").to_string());
                        }
                    }
                }
                if name == "INDIVIDUAL" || name == "ENTITY" {
                    record = Some(Record { start: reader.buffer_position(), ..Record::default() });
                }
                stack.push(name);
                value.clear();
            }
            Event::Text(t) => value.push_str(&t.xml10_content()),
            Event::CData(c) => value.push_str(&c.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match &*r {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "apos" => Some('\''),
                        "quot" => Some('"'),
                        _ => None,
                    },
                };
                match resolved {
                    Some(c) => value.push(c),
                    None => return Err(malformed(&reader, format!("unknown entity &{};", &*r))),
                }
            }
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                let parent = stack.last().map(String::as_str).unwrap_or("");
                let text_value = value.trim().to_string();
                value.clear();
                if let Some(current) = record.as_mut() {
                    match (parent, name.as_str()) {
                        (_, "DATAID") => current.data_id = text_value,
                        (_, "REFERENCE_NUMBER") => current.reference = text_value,
                        (_, "FIRST_NAME") => current.name_parts[0] = text_value,
                        (_, "SECOND_NAME") => current.name_parts[1] = text_value,
                        (_, "THIRD_NAME") => current.name_parts[2] = text_value,
                        (_, "FOURTH_NAME") => current.name_parts[3] = text_value,
                        (_, "NAME_ORIGINAL_SCRIPT") if !text_value.is_empty() => {
                            current.original_script.push(text_value)
                        }
                        (_, "UN_LIST_TYPE") => push_unique(&mut current.programs, text_value),
                        ("INDIVIDUAL_ALIAS" | "ENTITY_ALIAS", "QUALITY") => current.alias_quality = text_value,
                        ("INDIVIDUAL_ALIAS" | "ENTITY_ALIAS", "ALIAS_NAME") => current.alias_name = text_value,
                        (_, "INDIVIDUAL_ALIAS" | "ENTITY_ALIAS") => {
                            let alias = std::mem::take(&mut current.alias_name);
                            let quality = std::mem::take(&mut current.alias_quality);
                            if !alias.is_empty() {
                                let strength = if quality.eq_ignore_ascii_case("low")
                                    || quality.eq_ignore_ascii_case("a.k.a. low")
                                {
                                    NameStrength::Weak
                                } else {
                                    NameStrength::Strong
                                };
                                current.aliases.push(ListedName { name: alias, strength });
                            }
                        }
                        ("NATIONALITY", "VALUE") | ("INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS", "COUNTRY")
                            if !text_value.is_empty() =>
                        {
                            push_unique(&mut current.countries, country_or_text(&text_value));
                        }
                        (_, "INDIVIDUAL" | "ENTITY") => {
                            let kind = if name == "INDIVIDUAL" { Kind::Person } else { Kind::Organization };
                            let finished = record.take().unwrap_or_default();
                            let start = finished.start;
                            let entry = finish(finished, kind)
                                .map_err(|message| ScreenError::malformed(path, line_of(text, start), message))?;
                            entries.push(entry);
                        }
                        _ => {}
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(malformed(&reader, format!("the document ends inside <{}>", stack.join("><"))));
    }
    let version = version.filter(|v| !v.is_empty()).unwrap_or_else(|| content_version(&[text]));
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(List { id: "un_sc".to_string(), version, files: vec![file], entries })
}

fn finish(record: Record, kind: Kind) -> Result<Entry, &'static str> {
    let primary: Vec<&str> = record.name_parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect();
    if primary.is_empty() {
        return Err("a record without FIRST_NAME");
    }
    let entry_id = if record.reference.is_empty() { record.data_id } else { record.reference };
    if entry_id.is_empty() {
        return Err("a record without REFERENCE_NUMBER or DATAID");
    }
    let mut names = vec![ListedName { name: primary.join(" "), strength: NameStrength::Primary }];
    names.extend(record.original_script.into_iter().map(|name| ListedName { name, strength: NameStrength::Strong }));
    names.extend(record.aliases);
    Ok(Entry { entry_id, source: String::new(), names, kind, countries: record.countries, programs: record.programs })
}
