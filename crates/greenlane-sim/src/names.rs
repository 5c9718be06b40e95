//! Buyer names: ordinary buyers from each destination's name pool, listed names as they appear
//! on real orders (reordered, transliterated differently, mistyped) and innocent names that
//! merely share words with a listed one.

use crate::data::{Destination, Listed, NamePool};
use crate::random::Stream;
use crate::truth::Subtlety;

/// Title Case per word, Unicode-aware ("AL-ZIBARI" → "Al-Zibari").
pub(crate) fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if c.is_alphabetic() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
        } else {
            out.push(c);
            start = c == ' ' || c == '-';
        }
    }
    out
}

/// The name in the order a buyer writes it: OFAC's "FAMILY, Given" becomes "Given Family".
pub(crate) fn natural_order(listed: &Listed) -> String {
    match listed.name.split_once(", ") {
        Some((family, given)) if listed.is_person() => format!("{given} {family}"),
        _ => listed.name.clone(),
    }
}

/// Spelling pairs that transliterations of the same name disagree on.
const TRANSLITERATIONS: &[(&str, &str)] = &[
    ("MOHAMMAD", "MUHAMMAD"),
    ("MUHAMMAD", "MOHAMMED"),
    ("MOHAMED", "MOHAMMED"),
    ("AHMAD", "AHMED"),
    ("YOUSSEF", "YUSUF"),
    ("YAHYA", "YAHIA"),
    ("HUSSEIN", "HUSAYN"),
    ("ABDUL ", "ABD AL-"),
    ("ABDALLAH", "ABDULLAH"),
    ("'ABD", "ABD"),
    ("JAFARI", "DJAFARI"),
    ("SAYYED", "SEYED"),
    ("MUSAVI", "MOUSAVI"),
    ("JHON", "JOHN"),
    ("IVAN", "IWAN"),
    (" LTD.", " LIMITED"),
    (" CO.,", " COMPANY"),
    (" LLC", " L.L.C."),
    (" S.L.", " SL"),
    (" & ", " AND "),
    ("KH", "H"),
    ("OU", "U"),
    ("AL-", "AL "),
    ("Y", "I"),
];

/// Legal forms that order forms drop.
const LEGAL_FORMS: &[&str] = &["LTD", "LIMITED", "LLC", "CO", "INC", "SA", "SL", "GMBH", "PVT", "DE", "CV"];

/// Words too common to make a name resemble a listed organisation.
const GENERIC_WORDS: &[&str] = &[
    "LIMITED",
    "COMPANY",
    "TRADING",
    "INTERNATIONAL",
    "LOGISTICS",
    "CONSULTING",
    "ENGINEERING",
    "CONSTRUCTION",
    "CONTRACTING",
    "AIRLINES",
    "AVIATION",
    "INDUSTRIES",
    "HOLDINGS",
    "GROUP",
    "DEFENCE",
    "FINANCE",
    "ELECTRONICS",
];

fn transliterate(upper: &str) -> Option<String> {
    TRANSLITERATIONS.iter().find(|(from, _)| upper.contains(from)).map(|(from, to)| upper.replacen(from, to, 1))
}

/// One keyboard slip in a word of five letters or more: two letters swapped, one dropped or one
/// doubled.
fn typo(name: &str, rng: &mut Stream) -> String {
    let words: Vec<&str> = name.split(' ').collect();
    let long: Vec<usize> = (0..words.len()).filter(|&i| words[i].chars().count() >= 5).collect();
    if long.is_empty() {
        return name.to_owned();
    }
    let w = *rng.pick(&long);
    let mut chars: Vec<char> = words[w].chars().collect();
    let at = rng.below(1, chars.len() - 2);
    match rng.below(0, 3) {
        0 => chars.swap(at, at + 1),
        1 => {
            chars.remove(at);
        }
        _ => chars.insert(at, chars[at]),
    }
    let mut out: Vec<String> = words.iter().map(|s| (*s).to_owned()).collect();
    out[w] = chars.into_iter().collect();
    out.join(" ")
}

/// A listed name as a buyer's order would carry it, at the given subtlety.
pub(crate) fn listed_variant(listed: &Listed, subtlety: Subtlety, rng: &mut Stream) -> String {
    let natural = natural_order(listed).replace("  ", " ");
    match subtlety {
        Subtlety::Obvious => {
            if rng.chance(0.5) {
                natural.to_uppercase()
            } else {
                title_case(&natural)
            }
        }
        Subtlety::Moderate | Subtlety::Subtle => {
            let upper = natural.to_uppercase();
            let mut varied = match transliterate(&upper) {
                Some(v) if rng.chance(0.7) => v,
                _ if listed.is_person() => {
                    // No spelling to vary: the family name goes first, as many forms ask.
                    let mut words: Vec<&str> = upper.split(' ').collect();
                    words.rotate_right(1);
                    words.join(" ")
                }
                // Companies lose their punctuation and legal form on order forms.
                _ => {
                    let plain: String = upper.chars().filter(|c| !matches!(c, '.' | ',' | '(' | ')')).collect();
                    let words: Vec<&str> = plain.split_whitespace().collect();
                    let kept = match words.split_last() {
                        Some((last, rest)) if !rest.is_empty() && LEGAL_FORMS.contains(last) => rest,
                        _ => &words[..],
                    };
                    kept.join(" ")
                }
            };
            if subtlety == Subtlety::Subtle {
                varied = typo(&varied, rng);
            }
            title_case(&varied)
        }
    }
}

/// A name that shares a word with a listed one but belongs to someone else: the listed family
/// name with another given name, or an organisation's first word with another business.
pub(crate) fn resembling(listed: &Listed, pool: &NamePool, rng: &mut Stream) -> String {
    if listed.is_person() {
        let family = match listed.name.split_once(", ") {
            Some((family, _)) => family.split(' ').next_back().unwrap_or(family).to_owned(),
            None => listed.name.split(' ').next_back().unwrap_or(&listed.name).to_owned(),
        };
        format!("{} {}", rng.pick(&pool.given), title_case(&family))
    } else {
        // The organisation's most distinctive word (often a place or a family name), in an
        // unrelated small business.
        let distinctive = listed
            .name
            .split([' ', ','])
            .filter(|w| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic))
            .filter(|w| !GENERIC_WORDS.contains(&w.to_uppercase().as_str()))
            .max_by_key(|w| w.chars().count())
            .unwrap_or("Atlas");
        let business =
            rng.pick(&["Home Goods", "Outdoor Supply", "Pet Store", "Craft Studio", "Bakery", "Dental Care"]);
        format!("{} {business}", title_case(distinctive))
    }
}

/// An ordinary buyer of a destination: name, street address, telephone.
pub(crate) struct Person {
    pub name: String,
    pub address: String,
    pub telephone: Option<String>,
}

pub(crate) fn buyer(destination: &Destination, pool: &NamePool, rng: &mut Stream) -> Person {
    let name = format!("{} {}", rng.pick(&pool.given), rng.pick(&pool.family));
    Person { name, address: address(destination, pool, rng), telephone: telephone(destination, rng) }
}

pub(crate) fn address(destination: &Destination, pool: &NamePool, rng: &mut Stream) -> String {
    let street = rng.pick(&pool.street);
    let number = rng.below(1, 300);
    let city = rng.pick(&destination.cities);
    if pool.key == "en" { format!("{number} {street}, {city}") } else { format!("{street} {number}, {city}") }
}

pub(crate) fn telephone(destination: &Destination, rng: &mut Stream) -> Option<String> {
    rng.chance(0.8).then(|| format!("+{} {} {}", destination.calling, rng.digits(3), rng.digits(7)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(kind: &str, name: &str) -> Listed {
        Listed { list: "OFAC SDN".into(), id: "1".into(), kind: kind.into(), name: name.into(), country: "MX".into() }
    }

    #[test]
    fn listed_names_vary_as_orders_write_them() {
        let person = listed("person", "GONZALEZ VALENCIA, Edgar Eden");
        assert_eq!(natural_order(&person), "Edgar Eden GONZALEZ VALENCIA");
        let mut rng = Stream::new(3, 99);
        let obvious = listed_variant(&person, Subtlety::Obvious, &mut rng);
        assert_eq!(obvious.to_uppercase(), "EDGAR EDEN GONZALEZ VALENCIA");
        let moderate = listed_variant(&person, Subtlety::Moderate, &mut rng);
        assert_ne!(moderate.to_uppercase(), obvious.to_uppercase());
        let org = listed("organization", "SIRJANCO TRADING LLC");
        for _ in 0..20 {
            let v = listed_variant(&org, Subtlety::Moderate, &mut rng).to_uppercase();
            assert!(v.starts_with("SIRJANCO TRADING"), "{v}");
        }
        let subtle = listed_variant(&person, Subtlety::Subtle, &mut rng);
        assert_ne!(subtle.to_uppercase(), moderate.to_uppercase());
    }

    #[test]
    fn title_case_handles_hyphens_and_other_scripts() {
        assert_eq!(title_case("AL-ZIBARI, ARSHAD"), "Al-Zibari, Arshad");
        assert_eq!(title_case("ИВАНОВ ИВАН"), "Иванов Иван");
    }
}
