//! The libFuzzer target for criteria files, the one text an analyst types into the hub (the web
//! UI's criteria editor checks and saves them): any text as a file, alone or beside the shipped
//! criteria, loads into a set, which compiles into an engine, or is refused with the analyst's
//! errors, each naming a file and a line inside it; never a panic or an internal error.

#![no_main]

use greenlane_risk::{CriteriaSet, Engine, RiskError};
use libfuzzer_sys::fuzz_target;

const SHIPPED: [(&str, &str); 8] = [
    ("brands.toml", include_str!("../../criteria/default/brands.toml")),
    ("credit.toml", include_str!("../../criteria/default/credit.toml")),
    ("criteria.toml", include_str!("../../criteria/default/criteria.toml")),
    ("de_minimis.toml", include_str!("../../criteria/default/de_minimis.toml")),
    ("documents.toml", include_str!("../../criteria/default/documents.toml")),
    ("knowledge.toml", include_str!("../../criteria/default/knowledge.toml")),
    ("lists.toml", include_str!("../../criteria/default/lists.toml")),
    ("settings.toml", include_str!("../../criteria/default/settings.toml")),
];

fuzz_target!(|data: &[u8]| {
    // The first byte: odd, the text joins the shipped files (a whole set, slow to build); even,
    // it is the only file (its own parse and checks, fast).
    let Some((&beside, data)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(data).into_owned();
    let lines = text.lines().count().max(1) + 1;
    let mut sources: Vec<(String, String)> = if beside % 2 == 1 {
        SHIPPED.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect()
    } else {
        Vec::new()
    };
    sources.push(("fuzz.toml".to_owned(), text));
    match CriteriaSet::from_sources(&sources) {
        Ok(set) => drop(Engine::new(set)),
        Err(RiskError::Criteria(errors)) => {
            assert!(!errors.is_empty());
            for e in errors.iter().filter(|e| e.file == "fuzz.toml") {
                assert!(e.line <= lines, "{e}");
            }
        }
        Err(other) => panic!("not the analyst's fault: {other}"),
    }
});
