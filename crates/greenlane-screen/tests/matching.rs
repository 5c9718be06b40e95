//! Matching cases from `tests/data/matching.tsv` (query in, expected entry and score band out),
//! and the qualifiers: country and kind move a score, never exclude alone.

use std::path::Path;
use std::sync::OnceLock;

use greenlane_screen::{Kind, Query, RECOMMENDED_HOLD_THRESHOLD, Screener};

fn screener() -> &'static Screener {
    static SCREENER: OnceLock<Screener> = OnceLock::new();
    SCREENER.get_or_init(|| Screener::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data")).unwrap())
}

fn score_of(query: &Query<'_>, expected: &str) -> Option<f64> {
    screener()
        .screen_with_floor(query, 0.0)
        .into_iter()
        .find(|hit| format!("{}:{}", hit.list, hit.entry_id) == expected)
        .map(|hit| hit.score)
}

#[test]
fn matching_cases() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/matching.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut cases = 0;
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 6, "bad case {line:?}");
        let kind = (f[1] != "-").then(|| Kind::parse(f[1]));
        let country = (f[2] != "-").then_some(f[2]);
        let query = Query { name: f[0], country, kind };
        let (low, high): (f64, f64) = (f[4].parse().unwrap(), f[5].parse().unwrap());
        let score = if f[3] == "-" {
            Some(screener().screen_with_floor(&query, 0.0).first().map_or(0.0, |hit| hit.score))
        } else if low <= 0.0 {
            // A near miss: the entry not found at all is as good as a low score.
            Some(score_of(&query, f[3]).unwrap_or(0.0))
        } else {
            score_of(&query, f[3])
        };
        cases += 1;
        match score {
            Some(score) if score >= low - 1e-9 && score <= high + 1e-9 => {}
            other => failures.push(format!("{:?} → {}: {other:?}, expected {low}..={high}", f[0], f[3])),
        }
    }
    assert!(cases >= 30);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_country_qualifies_but_never_excludes() {
    let name = "Aerocaribean Airlines";
    let plain = score_of(&Query::name(name), "us_ofac_sdn:36").unwrap();
    let agrees = score_of(&Query { name, country: Some("Cuba"), kind: None }, "us_ofac_sdn:36").unwrap();
    let disagrees = score_of(&Query { name, country: Some("NO"), kind: None }, "us_ofac_sdn:36").unwrap();
    assert!(agrees > plain && plain > disagrees, "{agrees} {plain} {disagrees}");
    assert!(disagrees >= 0.85, "a country alone must not exclude: {disagrees}");
    let unknown_country = score_of(&Query { name, country: Some("Atlantis"), kind: None }, "us_ofac_sdn:36").unwrap();
    assert_eq!(unknown_country, plain);
}

/// Buyers of listed parties receive through transshipment hubs: a differing country lowers a
/// name that scores the hold threshold on its own, but never below it, and an exact name not at
/// all. Below the threshold it still costs.
#[test]
fn a_differing_country_never_releases_a_hold() {
    let name = "Taha Jaamilah";
    let plain = score_of(&Query::name(name), "us_ofac_sdn:22169").unwrap();
    let hub = score_of(&Query { name, country: Some("AE"), kind: None }, "us_ofac_sdn:22169").unwrap();
    assert!(plain >= RECOMMENDED_HOLD_THRESHOLD && hub < plain && hub >= RECOMMENDED_HOLD_THRESHOLD, "{plain} {hub}");
    let exact = Query { name: "Jamilah Taha", country: Some("AE"), kind: None };
    assert_eq!(score_of(&exact, "us_ofac_sdn:22169"), Some(1.0));
    let weak = "Mandegar Baspar Tejarat";
    let plain = score_of(&Query::name(weak), "us_ofac_sdn:17238").unwrap();
    let hub = score_of(&Query { name: weak, country: Some("KZ"), kind: None }, "us_ofac_sdn:17238").unwrap();
    assert!(plain < RECOMMENDED_HOLD_THRESHOLD && hub < plain - 0.03, "{plain} {hub}");
}

#[test]
fn a_kind_mismatch_lowers_the_score() {
    let name = "Banco Nacional de Cuba";
    let as_org = score_of(&Query { name, country: None, kind: Some(Kind::Organization) }, "us_ofac_sdn:306").unwrap();
    let as_person = score_of(&Query { name, country: None, kind: Some(Kind::Person) }, "us_ofac_sdn:306").unwrap();
    assert!(as_person < as_org, "{as_person} {as_org}");
}

#[test]
fn hits_name_list_version_and_matched_name_best_first() {
    let hits = screener().screen(&Query::name("National Bank of Cuba"));
    let best = &hits[0];
    assert_eq!((best.list.as_str(), best.entry_id.as_str()), ("us_ofac_sdn", "306"));
    assert_eq!(best.name, "NATIONAL BANK OF CUBA");
    assert_eq!(best.primary_name, "BANCO NACIONAL DE CUBA");
    assert!(best.list_version.starts_with("fnv64:"));
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(hits.iter().all(|h| h.score >= screener().config().floor));
}

#[test]
fn a_screener_is_shared_between_threads() {
    fn shareable<T: Send + Sync>(_: &T) {}
    shareable(screener());
    let hits: Vec<usize> = std::thread::scope(|scope| {
        let workers: Vec<_> =
            (0..2).map(|_| scope.spawn(|| screener().screen(&Query::name("Bank Melli Iran")).len())).collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert!(hits[0] > 0 && hits[0] == hits[1]);
}

/// "Sophia Taylor" held against "شهاب الدين دلاور" (UN TAi.113): the consonant skeleton read "sh"
/// and "ph" letter by letter, so "Sophia" (s-p) had the skeleton of "Shihab" (sh-b). That
/// entry is still found from a Latin spelling of its name.
#[test]
fn digraphs_keep_latin_names_from_arabic_script_names() {
    let sophia = screener().screen_with_floor(&Query { name: "Sophia Taylor", country: Some("GB"), kind: None }, 0.5);
    assert!(sophia.iter().all(|hit| hit.name != "شهاب الدين دلاور"), "{sophia:?}");
    let shihab = screener().screen_with_floor(&Query::name("Shihabuddin Dilawar"), 0.8);
    assert!(shihab.iter().any(|hit| hit.entry_id == "TAi.113"), "{shihab:?}");
}

/// A name of any length screens, reading no further than `MAX_NAME_CHARS` (issue #12: a
/// 300,000-character name took 23 s); the cost itself is measured in `benches/length.rs`.
#[test]
fn a_name_of_any_length_screens_and_only_its_first_characters_count() {
    let list = greenlane_screen::ListSet::parse_file("t.list.csv", b"id,name,kind\n1,Bank Melli Iran,organization\n")
        .expect("the list parses");
    let screener = Screener::new(greenlane_screen::ListSet { lists: vec![list], skipped: Vec::new() });
    for filler in ["a", "ab ", "长", "Mr ", "Ltd "] {
        let name = format!("Bank Melli Iran {}", filler.repeat(300_000));
        let hits = screener.screen(&Query::name(&name));
        assert!(hits.len() <= 1, "{filler:?}");
    }
    let past_the_cap = format!("{}Bank Melli Iran", " ".repeat(greenlane_screen::MAX_NAME_CHARS));
    assert!(screener.screen(&Query::name(&past_the_cap)).is_empty());
    assert_eq!(screener.screen(&Query::name("Bank Melli Iran")).len(), 1);
}

/// Two slips in a word of eight letters or more still pair, beside every list of `data/`
/// ("Trafalgura" / "Trafigura": two letters for one, neither the consonant skeleton nor the
/// vowels kept, no other naming word to vouch for it; a pair of the public pairs' tuning half).
#[test]
fn two_slips_pair_in_a_long_word() {
    let mut set = greenlane_screen::ListSet::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data")).unwrap();
    let csv = b"id,name,kind\nt1,Trafigura Group Pte. Ltd.,organization\n";
    set.lists.push(greenlane_screen::ListSet::parse_file("t.list.csv", csv).unwrap());
    let screener = Screener::new(set);
    let query = Query { name: "Trafalgura Group Pte. Ltd.", country: None, kind: Some(Kind::Organization) };
    let score = screener.screen_with_floor(&query, 0.0).into_iter().find(|h| h.list == "t").map_or(0.0, |h| h.score);
    assert!(score >= RECOMMENDED_HOLD_THRESHOLD, "Trafalgura Group Pte. Ltd.: {score}");
}
