//! Reading list files from a folder: which file is which list, text decoding, list versions, and
//! the per-format loaders in the submodules. This is the crate's only file I/O.

mod csl;
mod dpl;
mod generic;
mod ofac;
mod un;

use std::path::{Path, PathBuf};

use crate::entry::List;
use crate::error::ScreenError;

/// The lists loaded from one folder, and the files there that no loader recognised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListSet {
    pub lists: Vec<List>,
    pub skipped: Vec<PathBuf>,
}

impl ListSet {
    /// Loads every recognised list file in `dir` (not its subfolders):
    ///
    /// | file | list id |
    /// |---|---|
    /// | `sdn.csv` with `alt.csv`, `add.csv` (optional) | `us_ofac_sdn` |
    /// | `cons_prim.csv` with `cons_alt.csv`, `cons_add.csv` (optional) | `us_ofac_cons` |
    /// | `*.xml` whose name contains "consolidated" (UN Security Council list) | `un_sc` |
    /// | `csl.csv` (US Consolidated Screening List) | `us_csl` |
    /// | `dpl.txt` (BIS Denied Persons, tab-separated) | `us_bis_dpl` |
    /// | `NAME.list.csv` (the generic format, see the crate README) | `NAME` |
    ///
    /// Any fault in any file fails the whole load, naming the file and line, so a caller never
    /// screens against half a list.
    pub fn load_dir(dir: &Path) -> Result<ListSet, ScreenError> {
        let io = |source| ScreenError::Io { path: dir.to_path_buf(), source };
        let mut names: Vec<String> = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            if entry.file_type().map_err(io)?.is_file() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        names.sort();
        let has = |name: &str| names.iter().any(|n| n == name);
        let mut set = ListSet::default();
        let mut used: Vec<&str> = Vec::new();
        if has("sdn.csv") {
            set.lists.push(ofac::load(dir, "us_ofac_sdn", ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"])?);
            used.extend(["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"]);
        }
        if has("cons_prim.csv") {
            let files = ["cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv"];
            set.lists.push(ofac::load(dir, "us_ofac_cons", files)?);
            used.extend(files);
        }
        for name in &names {
            let lower = name.to_ascii_lowercase();
            let path = dir.join(name);
            if used.contains(&name.as_str()) {
                continue;
            } else if lower.ends_with(".xml") && lower.contains("consolidated") {
                set.lists.push(un::load(&path)?);
            } else if lower == "csl.csv" {
                set.lists.push(csl::load(&path)?);
            } else if lower == "dpl.txt" {
                set.lists.push(dpl::load(&path)?);
            } else if let Some(stem) = name.strip_suffix(".list.csv") {
                set.lists.push(generic::load(&path, stem)?);
            } else {
                set.skipped.push(path);
            }
        }
        if set.lists.is_empty() {
            return Err(ScreenError::NoLists { dir: dir.to_path_buf() });
        }
        Ok(set)
    }

    /// Parses one list file already in memory, recognised by its name as `load_dir` would
    /// (`sdn.csv` and `cons_prim.csv` without their alias and address files). For tools and
    /// fuzzing; the name is used in errors and ids only.
    pub fn parse_file(file_name: &str, bytes: &[u8]) -> Result<List, ScreenError> {
        let text = decode(bytes);
        let path = Path::new(file_name);
        let lower = file_name.to_ascii_lowercase();
        let none = (Path::new(""), "");
        match lower.as_str() {
            "sdn.csv" => ofac::parse("us_ofac_sdn", (path, &text), none, none),
            "cons_prim.csv" => ofac::parse("us_ofac_cons", (path, &text), none, none),
            "csl.csv" => csl::parse(path, &text),
            "dpl.txt" => dpl::parse(path, &text),
            _ if lower.ends_with(".xml") && lower.contains("consolidated") => un::parse(path, &text),
            _ => match file_name.strip_suffix(".list.csv") {
                Some(stem) => generic::parse(path, stem, &text),
                None => Err(ScreenError::malformed(path, 0, "not a list file name load_dir recognises")),
            },
        }
    }

    /// How many entries all lists hold.
    pub fn entry_count(&self) -> usize {
        self.lists.iter().map(|l| l.entries.len()).sum()
    }
}

/// A list file's text: UTF-8 (a BOM dropped) or, failing that, Windows-1252/Latin-1 as older
/// OFAC files are; a trailing DOS end-of-file mark (0x1A) is dropped.
pub(crate) fn read_text(path: &Path) -> Result<String, ScreenError> {
    let bytes = std::fs::read(path).map_err(|source| ScreenError::Io { path: path.to_path_buf(), source })?;
    Ok(decode(&bytes))
}

pub(crate) fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let end = bytes.iter().rposition(|&b| b != 0x1A && b != 0).map_or(0, |p| p + 1);
    let bytes = &bytes[..end];
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// FNV-1a, 64 bits: list versions and ids for entries that have none.
pub(crate) fn fnv64(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

pub(crate) fn content_version(texts: &[&str]) -> String {
    let parts: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
    format!("fnv64:{:016x}", fnv64(&parts))
}

/// The 1-based line a CSV record starts on.
pub(crate) fn record_line(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

pub(crate) fn csv_error(path: &Path, error: csv::Error) -> ScreenError {
    let line = error.position().map_or(0, |p| p.line());
    ScreenError::malformed(path, line, error.to_string())
}

/// Splits a `;`-separated field, trimming and dropping empty parts.
pub(crate) fn split_list(field: &str) -> impl Iterator<Item = &str> {
    field.split(';').map(str::trim).filter(|s| !s.is_empty())
}

pub(crate) fn push_unique(values: &mut Vec<String>, value: String) {
    if !value.is_empty() && !values.contains(&value) {
        values.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_latin1_bom_and_eof_mark() {
        assert_eq!(decode(b"\xEF\xBB\xBFabc\r\n\x1A"), "abc\r\n");
        assert_eq!(decode(b"caf\xE9"), "café");
        assert_eq!(decode("Müller".as_bytes()), "Müller");
    }
}
