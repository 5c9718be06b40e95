//! Properties: normalization, screening and the parsers never panic on arbitrary input, scores
//! stay in [0, 1] and come best first, and every listed name finds its own entry.

use std::path::Path;
use std::sync::OnceLock;

use greenlane_screen::{Kind, ListSet, Query, Screener, normalize_name};
use proptest::prelude::*;

fn screener() -> &'static Screener {
    static SCREENER: OnceLock<Screener> = OnceLock::new();
    SCREENER.get_or_init(|| Screener::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data")).unwrap())
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Person),
        Just(Kind::Organization),
        Just(Kind::Vessel),
        Just(Kind::Aircraft),
        Just(Kind::Unknown)
    ]
}

/// Names from any script, with the punctuation and spacing names come with.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z .,'-]{0,40}",
        "[\\p{Cyrillic}\\p{Arabic}\\p{Han}\\p{Greek} ]{0,20}",
        "(BANK|MELLI|AL|ABD|CO|LTD|S\\.A\\.|DE|C\\.V\\.|-|,| ){0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn normalization_gives_lower_case_ascii_words(text in name(), kind in kind()) {
        let normalized = normalize_name(&text, kind);
        prop_assert!(normalized.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b' '), "{normalized:?}");
        prop_assert!(!normalized.contains("  ") && !normalized.starts_with(' ') && !normalized.ends_with(' '));
    }

    #[test]
    fn screening_scores_are_in_range_and_best_first(
        text in name(),
        country in proptest::option::of("[A-Za-z ]{0,12}"),
        kind in proptest::option::of(kind()),
        floor in 0.0f64..1.0,
    ) {
        let query = Query { name: &text, country: country.as_deref(), kind };
        let hits = screener().screen_with_floor(&query, floor);
        prop_assert!(hits.len() <= screener().config().limit);
        for hit in &hits {
            prop_assert!((0.0..=1.0).contains(&hit.score) && hit.score >= floor, "{}", hit.score);
        }
        prop_assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), format in 0usize..6) {
        let file = ["sdn.csv", "cons_prim.csv", "UN_consolidated.xml", "csl.csv", "dpl.txt", "x.list.csv"][format];
        let _ = ListSet::parse_file(file, &bytes);
    }

    #[test]
    fn parsers_never_panic_on_near_valid_text(text in "[a-zA-Z0-9,;\"<>/ \\t\\n-]{0,300}", format in 0usize..6) {
        let prefix = [
            "",
            "",
            "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>",
            "source,entity_number,type,name,alt_names,addresses\n",
            "\"Name\"\t\"Country\"\n",
            "id,name,kind,countries,aliases\n",
        ][format];
        let file = ["sdn.csv", "cons_prim.csv", "UN_consolidated.xml", "csl.csv", "dpl.txt", "x.list.csv"][format];
        let _ = ListSet::parse_file(file, format!("{prefix}{text}").as_bytes());
    }
}

#[test]
fn every_listed_name_finds_its_own_entry() {
    let set = ListSet::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data")).unwrap();
    let mut misses = Vec::new();
    let mut checked = 0;
    for list in &set.lists {
        for entry in list.entries.iter().step_by(23) {
            for listed in entry.names.iter().take(3) {
                checked += 1;
                let hits = screener().screen_with_floor(&Query::name(&listed.name), 0.5);
                let own = hits.iter().find(|h| h.list == list.id && h.entry_id == entry.entry_id);
                if own.is_none_or(|h| h.score < 0.85) {
                    misses.push(format!(
                        "{}:{} {:?} → {:?}",
                        list.id,
                        entry.entry_id,
                        listed.name,
                        own.map(|h| h.score)
                    ));
                }
            }
        }
    }
    assert!(checked > 500, "{checked}");
    assert!(misses.len() * 100 <= checked, "{} of {checked}: {misses:#?}", misses.len());
}
