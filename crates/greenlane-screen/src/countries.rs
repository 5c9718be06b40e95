//! Country names as lists write them ("Iran", "Korea, North", "RU") to ISO 3166-1 alpha-2 codes,
//! from the embedded `data/countries.tsv`.

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/countries.tsv");

fn key(text: &str) -> String {
    deunicode::deunicode(text).chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

fn table() -> &'static HashMap<String, &'static str> {
    static TABLE_BY_NAME: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    TABLE_BY_NAME.get_or_init(|| {
        let mut map = HashMap::new();
        for line in TABLE.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            let mut fields = line.split('\t');
            let Some(code) = fields.next() else { continue };
            map.insert(key(code), code);
            for name in fields {
                map.entry(key(name)).or_insert(code);
            }
        }
        map
    })
}

/// The alpha-2 code for a country name or code, if it is known.
pub fn country_code(text: &str) -> Option<&'static str> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    table().get(&key(text)).copied()
}

/// The alpha-2 code where the name is known, else the text in upper case: a list's own spelling
/// still compares equal to itself.
pub(crate) fn country_or_text(text: &str) -> String {
    country_code(text).map(str::to_string).unwrap_or_else(|| text.trim().to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_names_variants_and_codes() {
        assert_eq!(country_code("Iran"), Some("IR"));
        assert_eq!(country_code("Korea, North"), Some("KP"));
        assert_eq!(country_code("Russian Federation"), Some("RU"));
        assert_eq!(country_code("ru"), Some("RU"));
        assert_eq!(country_code("Democratic Republic of the Congo"), Some("CD"));
        assert_eq!(country_code("Atlantis"), None);
        assert_eq!(country_or_text(" Atlantis "), "ATLANTIS");
    }
}
