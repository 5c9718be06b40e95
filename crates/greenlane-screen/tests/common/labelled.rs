//! The labelled set (`tests/data/labelled.tsv`, made by `make_labelled.py`, or the file named by
//! `SCREEN_LABELLED`): one row per query with its split, label and expected entry. Shared by
//! `tests/accuracy.rs` and, by path, `examples/labelled.rs` (which the bench script runs).
#![allow(dead_code)] // each user takes the parts it needs

use std::path::Path;

use greenlane_screen::Kind;

pub struct Row {
    pub split: String,
    pub positive: bool,
    pub kind: Option<Kind>,
    pub country: Option<String>,
    pub expected: String,
    pub change: String,
    pub query: String,
}

pub fn rows() -> Vec<Row> {
    // SCREEN_LABELLED names another set (e.g. one made by make_labelled.py with another seed),
    // for exploring mistakes without looking at the held-out rows.
    let path = std::env::var_os("SCREEN_LABELLED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/labelled.tsv"));
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 7, "bad row {line:?}");
            Row {
                split: f[0].to_string(),
                positive: f[1] == "pos",
                kind: match Kind::parse(f[2]) {
                    Kind::Unknown => None,
                    kind => Some(kind),
                },
                country: (!f[3].is_empty()).then(|| f[3].to_string()),
                expected: f[4].to_string(),
                change: f[5].to_string(),
                query: f[6].to_string(),
            }
        })
        .collect()
}
