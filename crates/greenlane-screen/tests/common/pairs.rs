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
    /// "precision … recall … f1 … (tp … fn … fp … tn …)".
    pub fn summary(&self) -> String {
        format!(
            "precision {:.3} recall {:.3} f1 {:.3} (tp {} fn {} fp {} tn {})",
            self.precision(),
            self.recall(),
            self.f1(),
            self.tp,
            self.fn_,
            self.fp,
            self.tn
        )
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

/// The rules of issue 13 that a pair labelled "same party" may contradict. Each is applied to
/// every pair by the same test, whatever the split and whatever greenlane scores, so the errata
/// (`tests/data/public_pairs_errata.tsv`) are not picked by hand.
pub struct ErrataRules {
    /// Given names of the reference list (`reference/common_names.txt`, Faker's first-name
    /// tables), normalized.
    given_names: std::collections::HashSet<String>,
    /// Name and nickname, both ways (`data/nicknames.csv`).
    nicknames: std::collections::HashSet<(String, String)>,
}

/// "Series numbers and roman numerals must agree" (issue 13, Build 3).
pub const SERIES_NUMBERS_DIFFER: &str = "series numbers and roman numerals must agree";
/// "A given name that disagrees with the listed given name weighs against the match" and
/// "different given names under one family name" held wrongly (issue 13).
pub const GIVEN_NAMES_DIFFER: &str = "a given name that disagrees weighs against the match";

impl ErrataRules {
    pub fn load(root: &Path) -> ErrataRules {
        let text = std::fs::read_to_string(root.join("reference/common_names.txt")).unwrap();
        let mut given_names = std::collections::HashSet::new();
        let mut in_given = false;
        for line in text.lines() {
            if let Some(header) = line.strip_prefix('#') {
                in_given = header.contains("first_names");
            } else if in_given && !line.trim().is_empty() {
                given_names.insert(greenlane_screen::normalize_name(line.trim(), Kind::Person));
            }
        }
        let text = std::fs::read_to_string(root.join("data/nicknames.csv")).unwrap();
        let mut nicknames = std::collections::HashSet::new();
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            if f.len() == 3 {
                nicknames.insert((f[0].to_string(), f[2].to_string()));
                nicknames.insert((f[2].to_string(), f[0].to_string()));
            }
        }
        ErrataRules { given_names, nicknames }
    }

    /// The rule of the issue that the pair's "same party" label contradicts, if any.
    pub fn contradicted(&self, pair: &Pair) -> Option<&'static str> {
        if !pair.is_match {
            return None;
        }
        let kind = kind(&pair.schema);
        let (a, b) =
            (greenlane_screen::normalize_name(&pair.name1, kind), greenlane_screen::normalize_name(&pair.name2, kind));
        // The normalizer writes numbers, number words, ordinals and (outside persons' names)
        // Roman numerals as digits: "Fund III" and "Fund 3" agree, "Fund III" and "Fund IV" do not.
        let numbers = |name: &str| {
            let mut n: Vec<String> = name
                .split(' ')
                .filter(|w| !w.is_empty() && w.bytes().all(|c| c.is_ascii_digit()))
                .map(String::from)
                .collect();
            n.sort();
            n
        };
        // A digit glued to letters ("I9or Sech1n") is a garbled letter, not a series number.
        let garbled = |name: &str| {
            name.split(|c: char| !c.is_alphanumeric())
                .any(|w| w.chars().any(|c| c.is_ascii_digit()) && w.chars().any(char::is_alphabetic))
        };
        if !garbled(&pair.name1) && !garbled(&pair.name2) && numbers(&a) != numbers(&b) {
            return Some(SERIES_NUMBERS_DIFFER);
        }
        if kind == Kind::Person {
            let (left, right) = (words_left(&a, &b), words_left(&b, &a));
            if let ([x], [y]) = (left.as_slice(), right.as_slice())
                && a.split(' ').count() >= 2
                && self.given_names.contains(*x)
                && self.given_names.contains(*y)
                && !self.nicknames.contains(&(x.to_string(), y.to_string()))
                && consonants(x) != consonants(y)
            {
                return Some(GIVEN_NAMES_DIFFER);
            }
        }
        None
    }
}

/// The words of `a` not in `b` (as multisets).
fn words_left<'a>(a: &'a str, b: &str) -> Vec<&'a str> {
    let mut others: Vec<&str> = b.split(' ').collect();
    a.split(' ')
        .filter(|w| match others.iter().position(|o| o == w) {
            Some(at) => {
                others.swap_remove(at);
                false
            }
            None => true,
        })
        .collect()
}

/// A word's consonants without h, w and y and without doubled letters: the same name in
/// another spelling keeps them ("Jon" / "John", "Mohamed" / "Mohammed").
fn consonants(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars().filter(|c| !"aeiouhwy".contains(*c)) {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// The pairs whose label contradicts a rule of the issue, as `tests/data/public_pairs_errata.tsv`
/// writes them: row (of the CSV, 0-based, header excluded), split, rule, first and second name.
pub fn errata_lines(pairs: &[Pair], rules: &ErrataRules) -> String {
    let mut out = String::from(
        "# Made by tests/public_pairs.rs (UPDATE_EXPECT=1): the public pairs labelled \"same party\"\n# whose label contradicts a rule of issue 13, found by the rule, not by hand.\nrow\tsplit\trule\tname1\tname2\n",
    );
    for (row, pair) in pairs.iter().enumerate() {
        if let Some(rule) = rules.contradicted(pair) {
            out.push_str(&format!("{row}\t{}\t{rule}\t{}\t{}\n", pair.split, pair.name1, pair.name2));
        }
    }
    out
}
