//! Precision and recall on the labelled set (`tests/data/labelled.tsv`, made by
//! `make_labelled.py`) at the recommended hold threshold, for the tuning and the held-out split,
//! also with a transshipment hub as every query's country; the false-hold rate among ordinary
//! names. `cargo test -p greenlane-screen --test accuracy -- --nocapture` prints the tables and
//! every mistake.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::labelled::{Row, rows};
use greenlane_screen::{Query, RECOMMENDED_HOLD_THRESHOLD, Screener};

#[derive(Default, Debug, Clone, Copy)]
struct Tally {
    true_positives: u32,
    false_negatives: u32,
    false_positives: u32,
    true_negatives: u32,
}

impl Tally {
    fn precision(&self) -> f64 {
        let held = self.true_positives + self.false_positives;
        if held == 0 { 1.0 } else { f64::from(self.true_positives) / f64::from(held) }
    }
    fn recall(&self) -> f64 {
        let positives = self.true_positives + self.false_negatives;
        if positives == 0 { 1.0 } else { f64::from(self.true_positives) / f64::from(positives) }
    }
    /// "precision … recall … (tp … fn … fp … tn …)".
    fn summary(&self) -> String {
        format!(
            "precision {:.3} recall {:.3} (tp {} fn {} fp {} tn {})",
            self.precision(),
            self.recall(),
            self.true_positives,
            self.false_negatives,
            self.false_positives,
            self.true_negatives
        )
    }
}

#[test]
fn precision_and_recall_at_the_hold_threshold() {
    let screener = Screener::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data")).unwrap();
    let rows = rows();
    assert!(rows.iter().filter(|r| r.positive).count() >= 300 && rows.iter().filter(|r| !r.positive).count() >= 300);
    let mut by_split: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_change: BTreeMap<String, Tally> = BTreeMap::new();
    let mut mistakes = Vec::new();
    for row in &rows {
        let query = Query { name: &row.query, country: row.country.as_deref(), kind: row.kind };
        let hits = screener.screen_with_floor(&query, RECOMMENDED_HOLD_THRESHOLD);
        let found = hits.iter().any(|h| format!("{}:{}", h.list, h.entry_id) == row.expected);
        for tally in [by_split.entry(row.split.clone()).or_default(), by_change.entry(row.change.clone()).or_default()]
        {
            match (row.positive, found, hits.is_empty()) {
                (true, true, _) => tally.true_positives += 1,
                (true, false, true) => tally.false_negatives += 1,
                (true, false, false) => {
                    tally.false_negatives += 1;
                    tally.false_positives += 1;
                }
                (false, _, true) => tally.true_negatives += 1,
                (false, _, false) => tally.false_positives += 1,
            }
        }
        if row.positive != found || (!row.positive && !hits.is_empty()) {
            let best = screener.screen_with_floor(&query, 0.0);
            let expected_score = best
                .iter()
                .find(|h| format!("{}:{}", h.list, h.entry_id) == row.expected)
                .map_or("-".to_string(), |h| format!("{:.3}", h.score));
            let top = best
                .first()
                .map_or(String::new(), |h| format!("{:.3} {}:{} {:?}", h.score, h.list, h.entry_id, h.name));
            mistakes.push(format!(
                "{} {} {:<18} {:?} expected {} ({expected_score}); top {top}",
                row.split,
                if row.positive { "missed" } else { "false hit" },
                row.change,
                row.query,
                row.expected
            ));
        }
    }
    for mistake in &mistakes {
        eprintln!("{mistake}");
    }
    eprintln!("change               precision recall  tp  fn  fp");
    for (change, t) in &by_change {
        eprintln!(
            "{change:<20} {:>9.3} {:>6.3} {:>3} {:>3} {:>3}",
            t.precision(),
            t.recall(),
            t.true_positives,
            t.false_negatives,
            t.false_positives
        );
    }
    for (split, t) in &by_split {
        eprintln!("split {split:<8} {} at threshold {RECOMMENDED_HOLD_THRESHOLD}", t.summary());
    }
    // How precision and recall move with the threshold, on the tuning split only: the
    // recommended threshold is chosen from this table, the held-out split only reports.
    eprintln!("tuning split: threshold precision recall");
    for step in 0..=8 {
        let threshold = 0.77 + 0.02 * f64::from(step);
        let mut tally = Tally::default();
        for row in rows.iter().filter(|r| r.split == "tune") {
            let query = Query { name: &row.query, country: row.country.as_deref(), kind: row.kind };
            let hits = screener.screen_with_floor(&query, threshold);
            let found = hits.iter().any(|h| format!("{}:{}", h.list, h.entry_id) == row.expected);
            match (row.positive, found, hits.is_empty()) {
                (true, true, _) => tally.true_positives += 1,
                (true, false, _) => tally.false_negatives += 1,
                (false, _, false) => tally.false_positives += 1,
                (false, _, true) => tally.true_negatives += 1,
            }
        }
        eprintln!("tuning split: {threshold:.2} {:.3} {:.3}", tally.precision(), tally.recall());
    }
    for (split, t) in &by_split {
        assert!(t.recall() >= 0.95, "{split}: recall {:.3} below 0.95", t.recall());
        assert!(t.precision() >= 0.95, "{split}: precision {:.3} below 0.95", t.precision());
    }
    // The set with the public pairs greenlane did not make (`tests/data/public_pairs.csv`, split
    // by their own hash): a positive pair is found when its second name scores at least the
    // threshold, a negative pair held when it does.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pairs = common::pairs::load(&root.join("tests/data/public_pairs.csv"));
    let with_pairs = common::pairs::screener(&root.join("data"), &pairs);
    // Also with the errata (`tests/data/public_pairs_errata.tsv`): a pair whose "same party"
    // label contradicts a rule of the issue, found by the rule, counts as "different".
    let rules = common::pairs::ErrataRules::load(root);
    let mut with_errata = by_split.clone();
    for pair in &pairs {
        let held = common::pairs::score(&with_pairs, pair) >= RECOMMENDED_HOLD_THRESHOLD;
        let split = if pair.split == "tune" { "tune" } else { "heldout" };
        let erratum = rules.contradicted(pair).is_some();
        for (tally, is_match) in [
            (by_split.get_mut(split).expect("both splits"), pair.is_match),
            (with_errata.get_mut(split).expect("both splits"), pair.is_match && !erratum),
        ] {
            match (is_match, held) {
                (true, true) => tally.true_positives += 1,
                (true, false) => tally.false_negatives += 1,
                (false, true) => tally.false_positives += 1,
                (false, false) => tally.true_negatives += 1,
            }
        }
    }
    for (split, t) in &by_split {
        eprintln!("with public pairs, split {split:<8} {}", t.summary());
    }
    for (split, t) in &with_errata {
        eprintln!("with public pairs and their errata, split {split:<8} {}", t.summary());
    }
}

/// The share of ordinary people (`tests/data/ordinary_names.tsv`, `traffic` rows: given and
/// family names drawn from Faker's tables for western, Latin American, Arabic, Russian and
/// Chinese people) that would be held, as a buyer is screened (no kind, no country). None of
/// them is listed; each hold is a clean parcel stopped.
#[test]
fn false_holds_among_ordinary_names() {
    let screener = Screener::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data")).unwrap();
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ordinary_names.tsv")).unwrap();
    let mut by_region: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("traffic\t")) {
        let f: Vec<&str> = line.split('\t').collect();
        let hits = screener.screen_with_floor(&Query::name(f[2]), RECOMMENDED_HOLD_THRESHOLD);
        let tally = by_region.entry(f[1].to_string()).or_default();
        tally.0 += 1;
        if let Some(hit) = hits.first() {
            tally.1 += 1;
            eprintln!("false hold {:?} ({}) → {:.3} {:?}", f[2], f[1], hit.score, hit.name);
        }
    }
    let (names, held) = by_region.values().fold((0, 0), |(n, h), (rn, rh)| (n + rn, h + rh));
    for (region, (n, h)) in &by_region {
        eprintln!("false holds {region:<8} {h:>3} of {n:>4} ({:.2}%)", 100.0 * f64::from(*h) / f64::from(*n));
    }
    let rate = f64::from(held) / f64::from(names);
    eprintln!("false holds all      {held:>3} of {names:>4} ({:.2}%)", 100.0 * rate);
    assert!(names >= 2000);
    // Measured 0.44% (BENCHMARKS.md); the simulated day held 2.5% of clean parcels before common
    // names weighed less and the cross-script and Chinese-syllable fixes, 0.68% before issue 13.
    assert!(rate <= 0.005, "false-hold rate {:.2}% above 0.5%", 100.0 * rate);
}

/// Countries through which goods for listed parties often travel: a buyer there is no evidence
/// against a party listed elsewhere.
const HUBS: &[&str] = &["AE", "TR", "HK", "KZ", "AM", "GE", "KG"];

/// Where ordinary people of each region of `ordinary_names.tsv` receive parcels.
const HOMES: &[(&str, &[&str])] = &[
    ("west", &["US", "GB", "DE", "FR", "CA", "AU"]),
    ("latam", &["MX", "CO", "AR", "PE", "CL", "VE"]),
    ("arabic", &["AE", "SA", "EG", "JO", "LB", "MA"]),
    ("russian", &["RU", "BY", "KZ"]),
    ("chinese", &["CN", "HK", "TW"]),
];

/// A choice that depends on the text only (FNV-1a), so every run screens the same countries.
fn pick<'a>(text: &str, from: &[&'a str]) -> &'a str {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    from[(hash % from.len() as u64) as usize]
}

/// The labelled set as buyers in a transshipment hub would be screened: every query, positive
/// or negative, carries a hub country that the expected entry does not list. First a what-if on
/// the tuning half: had a differing country cost a flat penalty that may take any name below
/// the hold threshold, which holds would it have released? (Worked out from the hits screened
/// without a country and the countries they list.) Then the screener as it is, on both halves
/// against the same queries without a country, and the ordinary names screened with a country
/// of their region, as the pipeline screens a buyer.
#[test]
fn a_differing_country_costs_little() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let set = greenlane_screen::ListSet::load_dir(&dir).unwrap();
    let mut countries: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for list in &set.lists {
        for entry in &list.entries {
            countries.insert(format!("{}:{}", list.id, entry.entry_id), entry.countries.clone());
        }
    }
    let screener = Screener::new(set);
    let rows = rows();
    let hub_of = |row: &Row| {
        let listed = countries.get(&row.expected).map(Vec::as_slice).unwrap_or(&[]);
        let hubs: Vec<&str> = HUBS.iter().copied().filter(|hub| !listed.iter().any(|c| c == hub)).collect();
        pick(&row.query, &hubs)
    };
    let count = |tally: &mut Tally, positive: bool, found: bool, held: bool| match (positive, found, held) {
        (true, true, _) => tally.true_positives += 1,
        (true, false, false) => tally.false_negatives += 1,
        (true, false, true) => {
            tally.false_negatives += 1;
            tally.false_positives += 1;
        }
        (false, _, true) => tally.false_positives += 1,
        (false, _, false) => tally.true_negatives += 1,
    };
    let tuning: Vec<(&Row, &str, Vec<greenlane_screen::Match>)> = rows
        .iter()
        .filter(|r| r.split == "tune")
        .map(|row| {
            let hits = screener.screen_with_floor(&Query { name: &row.query, country: None, kind: row.kind }, 0.0);
            (row, hub_of(row), hits)
        })
        .collect();
    eprintln!("what-if, hub countries, tuning split: flat penalty that may release a hold, precision recall");
    for penalty in [0.0, 0.01, 0.02, 0.03, 0.04, 0.06] {
        let mut tally = Tally::default();
        for (row, hub, hits) in &tuning {
            let held: Vec<&greenlane_screen::Match> = hits
                .iter()
                .filter(|h| {
                    let adjusted = if h.countries.iter().any(|c| c == hub) {
                        h.score + 0.02
                    } else if h.countries.is_empty() {
                        h.score
                    } else {
                        h.score - penalty
                    };
                    adjusted >= RECOMMENDED_HOLD_THRESHOLD
                })
                .collect();
            let found = held.iter().any(|h| format!("{}:{}", h.list, h.entry_id) == row.expected);
            count(&mut tally, row.positive, found, !held.is_empty());
        }
        eprintln!("what-if, hub countries, tuning split: {penalty:.2} {:.3} {:.3}", tally.precision(), tally.recall());
    }
    for split in ["tune", "heldout"] {
        let (mut plain, mut t) = (Tally::default(), Tally::default());
        for row in rows.iter().filter(|r| r.split == split) {
            for (tally, country) in [(&mut plain, None), (&mut t, Some(hub_of(row)))] {
                let query = Query { name: &row.query, country, kind: row.kind };
                let hits = screener.screen_with_floor(&query, RECOMMENDED_HOLD_THRESHOLD);
                let found = hits.iter().any(|h| format!("{}:{}", h.list, h.entry_id) == row.expected);
                count(tally, row.positive, found, !hits.is_empty());
            }
        }
        eprintln!(
            "hub countries, split {split:<8} {}; without a country {:.3} {:.3}",
            t.summary(),
            plain.precision(),
            plain.recall()
        );
        // A hub costs a partial match (a word added, missing or replaced) the whole penalty, a
        // complete one at most down to the threshold: at most a point of recall.
        assert!(t.recall() >= plain.recall() - 0.01, "{split}: recall {:.3} with hub countries", t.recall());
        assert!(t.precision() >= 0.90, "{split}: precision {:.3} below 0.90 with hub countries", t.precision());
    }
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ordinary_names.tsv")).unwrap();
    let (mut names, mut held) = (0, 0);
    for line in text.lines().filter(|l| l.starts_with("traffic\t")) {
        let f: Vec<&str> = line.split('\t').collect();
        let homes = HOMES.iter().find(|(region, _)| *region == f[1]).map_or(&["US"][..], |(_, homes)| *homes);
        let query = Query { name: f[2], country: Some(pick(f[2], homes)), kind: None };
        names += 1;
        if !screener.screen_with_floor(&query, RECOMMENDED_HOLD_THRESHOLD).is_empty() {
            held += 1;
        }
    }
    let rate = f64::from(held) / f64::from(names);
    eprintln!("ordinary names at home: false holds {held} of {names} ({:.2}%)", 100.0 * rate);
    assert!(rate <= 0.005, "false-hold rate {:.2}% above 0.5% with home countries", 100.0 * rate);
}
