//! The public labelled name pairs (`tests/data/public_pairs.csv`, nomenklatura's name_bench
//! cases, MIT): loading them, screening each first name against a list that holds the second
//! (beside every list in `data/`), and the split into a tuning and a frozen held-out half.
//! Shared by `tests/public_pairs.rs` and `examples/pairs.rs` (which the bench script runs).
#![allow(dead_code)] // each user takes the parts it needs

use std::path::Path;

use greenlane_screen::{Kind, ListSet, Query, ScreenConfig, Screener};

pub struct Pair {
    pub group: String,
    pub schema: String,
    pub name1: String,
    pub name2: String,
    pub is_match: bool,
    /// "tune" or "heldout", by a hash of the two names: fixed whatever is tuned.
    pub split: &'static str,
    /// The entry id of `name2` in the list the pairs are screened against.
    pub entry: String,
}

/// The schema of a pair as the screener's kind: FollowTheMoney's Company, Organization and
/// LegalEntity are organisations.
pub fn kind(schema: &str) -> Kind {
    match schema {
        "Person" => Kind::Person,
        "Company" | "Organization" | "LegalEntity" => Kind::Organization,
        "Vessel" => Kind::Vessel,
        _ => Kind::Unknown,
    }
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

pub fn load(path: &Path) -> Vec<Pair> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (group, schema, name1, name2, is_match) =
        (col("case_group"), col("schema"), col("name1"), col("name2"), col("is_match"));
    let mut entries: Vec<(String, String)> = Vec::new();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            let (n1, n2, sc) = (record[name1].to_string(), record[name2].to_string(), record[schema].to_string());
            let key = (sc.clone(), n2.clone());
            let at = entries.iter().position(|e| *e == key).unwrap_or_else(|| {
                entries.push(key);
                entries.len() - 1
            });
            let split = if fnv(&format!("{n1}\t{n2}")).is_multiple_of(2) { "tune" } else { "heldout" };
            Pair {
                group: record[group].to_string(),
                schema: sc,
                name1: n1,
                name2: n2,
                is_match: &record[is_match] == "true",
                split,
                entry: format!("pair-{at}"),
            }
        })
        .collect()
}

/// A screener over every list in `data/` and one more, `public_pairs`, holding each pair's
/// second name once per schema.
pub fn screener(data: &Path, pairs: &[Pair]) -> Screener {
    let mut set = ListSet::load_dir(data).unwrap();
    let mut csv = String::from("id,name,kind\n");
    let mut seen = std::collections::HashSet::new();
    for pair in pairs {
        if seen.insert(pair.entry.clone()) {
            let kind = match kind(&pair.schema) {
                Kind::Person => "person",
                Kind::Organization => "organization",
                Kind::Vessel => "vessel",
                _ => "unknown",
            };
            csv.push_str(&format!("{},\"{}\",{kind}\n", pair.entry, pair.name2.replace('"', "\"\"")));
        }
    }
    set.lists.push(ListSet::parse_file("public_pairs.list.csv", csv.as_bytes()).unwrap());
    Screener::with_config(set, ScreenConfig { floor: 0.0, limit: 100 })
}

/// The score of the pair's second name when its first is screened (0 when not a candidate).
pub fn score(screener: &Screener, pair: &Pair) -> f64 {
    let kind = kind(&pair.schema);
    let query = Query { name: &pair.name1, country: None, kind: (kind != Kind::Unknown).then_some(kind) };
    screener
        .screen_with_floor(&query, 0.0)
        .iter()
        .find(|m| m.list == "public_pairs" && m.entry_id == pair.entry)
        .map_or(0.0, |m| m.score)
}

#[derive(Default, Debug, Clone, Copy)]
pub struct Counts {
    pub tp: u32,
    pub fp: u32,
    pub fn_: u32,
    pub tn: u32,
}

impl Counts {
    pub fn add(&mut self, is_match: bool, held: bool) {
        match (is_match, held) {
            (true, true) => self.tp += 1,
            (true, false) => self.fn_ += 1,
            (false, true) => self.fp += 1,
            (false, false) => self.tn += 1,
        }
    }
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 { 1.0 } else { f64::from(self.tp) / f64::from(self.tp + self.fp) }
    }
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 { 1.0 } else { f64::from(self.tp) / f64::from(self.tp + self.fn_) }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}
