//! Precision, recall and F1 on labelled name pairs greenlane did not make
//! (`tests/data/public_pairs.csv`: nomenklatura's name_bench cases, MIT), at the recommended hold
//! threshold, on a tuning half and a frozen held-out half. Only the tuning half's mistakes are
//! printed: the held-out half is for judging, never for tuning.
//! `cargo test -p greenlane-screen --test public_pairs -- --nocapture`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::pairs::{self, Counts};
use greenlane_screen::RECOMMENDED_HOLD_THRESHOLD;

#[test]
fn public_pairs_at_the_hold_threshold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pairs = pairs::load(&root.join("tests/data/public_pairs.csv"));
    assert!(pairs.len() >= 800);
    let screener = pairs::screener(&root.join("data"), &pairs);
    // The errata: pairs whose "same party" label contradicts a rule of the issue, found by the
    // rule (`common::pairs::ErrataRules`); the file is what the rule gives, checked here.
    let rules = pairs::ErrataRules::load(root);
    let errata = pairs::errata_lines(&pairs, &rules);
    let errata_path = root.join("tests/data/public_pairs_errata.tsv");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&errata_path, &errata).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&errata_path).unwrap_or_default(),
        errata,
        "tests/data/public_pairs_errata.tsv is not what the rules give; UPDATE_EXPECT=1 rewrites it"
    );
    let mut by_split: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut with_errata: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut by_group: BTreeMap<String, Counts> = BTreeMap::new();
    for pair in &pairs {
        let score = pairs::score(&screener, pair);
        let held = score >= RECOMMENDED_HOLD_THRESHOLD;
        by_split.entry(pair.split).or_default().add(pair.is_match, held);
        with_errata.entry(pair.split).or_default().add(pair.is_match && rules.contradicted(pair).is_none(), held);
        if pair.split == "tune" {
            by_group.entry(pair.group.clone()).or_default().add(pair.is_match, held);
            if held != pair.is_match {
                eprintln!(
                    "tune {} {:.3} {:<8} {:?} / {:?}{}",
                    if pair.is_match { "missed" } else { "false hit" },
                    score,
                    pair.schema,
                    pair.name1,
                    pair.name2,
                    rules.contradicted(pair).map_or(String::new(), |rule| format!(" (errata: {rule})"))
                );
            }
        }
    }
    for (group, c) in &by_group {
        eprintln!("tune group {group:<16} precision {:.3} recall {:.3} f1 {:.3}", c.precision(), c.recall(), c.f1());
    }
    for (split, c) in &by_split {
        eprintln!("public pairs {split:<8} {} at {RECOMMENDED_HOLD_THRESHOLD}", c.summary());
    }
    for (split, c) in &with_errata {
        eprintln!(
            "public pairs {split:<8} with the errata (labels that contradict the issue's rules read as \"different\"): {}",
            c.summary()
        );
    }
    let heldout = by_split["heldout"];
    // nomenklatura's logic-v2 scores F1 0.793 on the held-out half and 0.796 on all pairs at its
    // own threshold (0.7) in `benches/pairs_vs_peer.py`'s run (BENCHMARKS.md); this guards
    // against a fall below what greenlane scored when the pairs were added (0.78).
    assert!(heldout.f1() >= 0.77, "held-out F1 {:.3} below 0.77", heldout.f1());
    assert!(heldout.precision() >= 0.90, "held-out precision {:.3} below 0.90", heldout.precision());
}
