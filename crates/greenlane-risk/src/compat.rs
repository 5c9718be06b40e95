//! Compatible accessories: whether an item name that contains a brand term says the goods fit
//! that brand's products ("适用于 iPhone 15 手机壳", "case for Samsung", "戴森 V10 替换滤网")
//! rather than that they are the brand's goods. Third-party accessories are lawful and cheap, so
//! a brand term in such a name is no brand claim and no counterfeit signal.

use crate::criteria::Compatibility;

/// Where `phrase` first occurs in `name` (both lower-cased) as whole words at its Latin edges:
/// "for" is not found in "comfort", "兼容" is found in "兼容乐高".
fn find_phrase(name: &str, phrase: &str) -> Option<usize> {
    if phrase.is_empty() {
        return None;
    }
    let bytes = name.as_bytes();
    let p = phrase.as_bytes();
    let (start_word, end_word) =
        (p.first().is_some_and(u8::is_ascii_alphanumeric), p.last().is_some_and(u8::is_ascii_alphanumeric));
    name.match_indices(phrase).map(|(i, _)| i).find(|&i| {
        let joins_before = start_word && i > 0 && bytes[i - 1].is_ascii_alphanumeric();
        let joins_after = end_word && bytes.get(i + phrase.len()).is_some_and(u8::is_ascii_alphanumeric);
        !joins_before && !joins_after
    })
}

/// Whether `name` (lower-cased) describes an accessory compatible with the brand named by
/// `terms`, rather than the brand's goods.
pub(crate) fn compatible_only(name: &str, terms: &[String], c: &Compatibility) -> bool {
    if c.anywhere.iter().any(|p| find_phrase(name, p).is_some()) {
        return true;
    }
    let Some(brand_at) = terms.iter().filter_map(|t| find_phrase(name, t)).min() else { return false };
    c.before.iter().any(|p| find_phrase(name, p).is_some_and(|i| i + p.len() <= brand_at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c() -> Compatibility {
        Compatibility {
            anywhere: vec!["适用于".into(), "兼容".into(), "替换".into(), "compatible".into()],
            before: vec!["for".into(), "fits".into()],
        }
    }

    fn check(name: &str, terms: &[&str]) -> bool {
        let terms: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
        compatible_only(&name.to_lowercase(), &terms, &c())
    }

    #[test]
    fn compatibility_phrases_make_a_brand_term_no_claim() {
        assert!(check("适用于 iPhone 15 手机壳", &["iphone"]));
        assert!(check("iPhone 15 compatible case", &["iphone"]));
        assert!(check("Phone case for iPhone 15", &["iphone"]));
        assert!(check("戴森V10替换滤网", &["戴森", "dyson"]));
        assert!(check("兼容乐高积木", &["乐高", "lego"]));
    }

    #[test]
    fn a_phrase_after_the_brand_or_inside_a_word_is_no_exception() {
        assert!(!check("Nike running shoes for men", &["nike"]));
        assert!(!check("Apple AirPods Pro comfort fit", &["airpods"]));
        assert!(!check("LEGO 10307 埃菲尔铁塔", &["lego"]));
        assert!(!check("Forever iPhone case", &["iphone"]), "\"for\" inside a word");
    }
}
