//! The HS 2022 nomenclature text (`data/hs2022.csv`) and China's tariff names of its 8-digit
//! lines (`data/cn_tariff_names_2023.csv`): what each code says it covers, to name codes in
//! reasons and, before the traffic has taught anything, to tell whether an item name written in
//! words of either fits the code it is declared under.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Each HS6 subheading's words, with those of its heading and chapter; each character pair of
/// China's tariff names, with the headings whose names hold it; and every word's and pair's count
/// of subheadings (one in most of them tells nothing).
#[derive(Debug)]
pub(crate) struct Nomenclature {
    descriptions: HashMap<String, String>,
    words: HashMap<u32, HashSet<u64>>,
    vocabulary: HashMap<u64, u32>,
    /// Each character pair of China's tariff names: the headings whose names contain it.
    pair_headings: HashMap<u64, Vec<u32>>,
}

static NOMENCLATURE: LazyLock<Nomenclature> = LazyLock::new(|| {
    Nomenclature::parse(include_str!("../data/hs2022.csv"), include_str!("../data/cn_tariff_names_2023.csv"))
});

pub(crate) fn nomenclature() -> &'static Nomenclature {
    &NOMENCLATURE
}

const STOP: &[&str] = &[
    "and",
    "or",
    "of",
    "the",
    "for",
    "with",
    "without",
    "not",
    "other",
    "than",
    "whether",
    "its",
    "their",
    "in",
    "on",
    "by",
    "to",
    "a",
    "an",
    "kind",
    "used",
    "nes",
    "nec",
    "heading",
    "parts",
    "thereof",
    "including",
    "excluding",
    "similar",
    "articles",
    "article",
    "like",
    "such",
    "more",
    "less",
    "but",
    "made",
    "type",
];

/// A word reduced to what the nomenclature and an item name share: lower case, no plural `s`.
pub(crate) fn word_key(word: &str) -> Option<u64> {
    let w = word.to_ascii_lowercase();
    if w.len() < 3 || !w.bytes().all(|b| b.is_ascii_alphabetic()) || STOP.contains(&w.as_str()) {
        return None;
    }
    let w = w.strip_suffix("es").filter(|s| s.len() >= 4).or_else(|| w.strip_suffix('s')).unwrap_or(&w);
    Some(crate::analyzers::hash_bytes(w.as_bytes()))
}

fn words(text: &str) -> impl Iterator<Item = u64> + '_ {
    text.split(|c: char| !c.is_ascii_alphabetic()).filter_map(word_key)
}

/// Neighbouring pairs of Chinese characters: Chinese writes no spaces, and a pair ("耳机",
/// "针织", "纤维") carries most of a name's meaning, as in the analyzers' name tokens.
fn han_pairs(text: &str) -> impl Iterator<Item = u64> + '_ {
    let mut prev: Option<char> = None;
    text.chars().filter_map(move |c| {
        let han = ('\u{4E00}'..='\u{9FFF}').contains(&c);
        let pair = match (prev, han) {
            (Some(p), true) => {
                let mut buf = [0u8; 8];
                let a = p.encode_utf8(&mut buf[..4]).len();
                let b = c.encode_utf8(&mut buf[a..]).len();
                Some(crate::analyzers::hash_bytes(&buf[..a + b]))
            }
            _ => None,
        };
        prev = han.then_some(c);
        pair
    })
}

/// Splits a CSV line of `section,hscode,"description",parent,level`.
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

impl Nomenclature {
    /// `csv`: the HS 2022 nomenclature; `cn_names`: `hs8,name` rows of China's tariff, whose
    /// names count for every subheading of their heading (a name of 8518.30 fits 8518.10 as well:
    /// the check is for names that fit nothing near their code, not for the exact subheading).
    fn parse(csv: &str, cn_names: &str) -> Nomenclature {
        let mut descriptions = HashMap::new();
        for line in csv.lines().skip(1) {
            let f = fields(line);
            if f.len() >= 3 && f[1].bytes().all(|b| b.is_ascii_digit()) {
                descriptions.insert(f[1].clone(), f[2].clone());
            }
        }
        let mut words_by: HashMap<u32, HashSet<u64>> = HashMap::new();
        let mut vocabulary: HashMap<u64, u32> = HashMap::new();
        for (code, text) in &descriptions {
            if code.len() != 6 {
                continue;
            }
            let Ok(hs6) = code.parse::<u32>() else { continue };
            let mut set: HashSet<u64> = words(text).collect();
            for parent in [&code[..4], &code[..2]] {
                if let Some(t) = descriptions.get(parent) {
                    set.extend(words(t));
                }
            }
            words_by.insert(hs6, set);
        }
        for set in words_by.values() {
            for w in set {
                *vocabulary.entry(*w).or_default() += 1;
            }
        }
        // China's tariff names count for every subheading of their heading; kept per heading,
        // and a pair's count is the subheadings of the headings whose names hold it.
        let mut subheadings: HashMap<u32, u32> = HashMap::new();
        for hs6 in words_by.keys() {
            *subheadings.entry(hs6 / 100).or_default() += 1;
        }
        let mut pair_headings: HashMap<u64, Vec<u32>> = HashMap::new();
        for line in cn_names.lines().skip(1) {
            let f = fields(line);
            let (Some(code), Some(name)) = (f.first(), f.get(1)) else { continue };
            let Some(hs4) = code.get(..4).and_then(|c| c.parse::<u32>().ok()) else { continue };
            for p in han_pairs(name) {
                let headings = pair_headings.entry(p).or_default();
                if !headings.contains(&hs4) {
                    headings.push(hs4);
                    *vocabulary.entry(p).or_default() += subheadings.get(&hs4).copied().unwrap_or(0);
                }
            }
        }
        Nomenclature { descriptions, words: words_by, vocabulary, pair_headings }
    }

    /// The nomenclature's words for a code (2, 4 or 6 digits), shortened for a reason.
    pub fn describe(&self, code: &str) -> String {
        for len in [6, 4, 2] {
            if let Some(d) = code.get(..len).and_then(|c| self.descriptions.get(c)) {
                let mut s: String = d.chars().take(60).collect();
                if d.chars().count() > 60 {
                    s.push('…');
                }
                return s;
            }
        }
        "a code not in HS 2022".into()
    }

    /// For an item name written in words of the nomenclature or of China's tariff names:
    /// `Some(true)` when it shares a telling word or character pair with the code's own text;
    /// `Some(false)` when it shares none but has telling English words, or when its telling
    /// character pairs cover four of its characters in the names of another heading (a Chinese name that only
    /// misses its heading's wording, such as 手机壳 under plastics, is not evidence: the tariff
    /// names goods by material, sellers by use); `None` when the name says nothing either knows.
    pub fn name_fits(&self, name: &str, hs6: u32) -> Option<bool> {
        let own = self.words.get(&hs6)?;
        let total = self.words.len() as u32;
        // A word or pair in more than a twentieth of all subheadings tells nothing about the code.
        let telling = |w: &u64| self.vocabulary.get(w).is_some_and(|&n| n * 20 <= total);
        let mut english = 0;
        for w in words(name).filter(|w| telling(w)) {
            if own.contains(&w) {
                return Some(true);
            }
            english += 1;
        }
        // Per other heading: the characters of the name its names cover, pair by pair (a pair
        // at position i covers characters i and i + 1). Four are two words of two characters;
        // three are one word such as 适用于, "fit for", which says nothing of the goods.
        let mut elsewhere: HashMap<u32, u64> = HashMap::new();
        for (i, p) in han_pairs(name).enumerate().filter(|(_, p)| telling(p)) {
            let headings = self.pair_headings.get(&p).map_or(&[][..], Vec::as_slice);
            if headings.contains(&(hs6 / 100)) {
                return Some(true);
            }
            for h in headings {
                *elsewhere.entry(*h).or_default() |= 0b11u64.checked_shl(i as u32).unwrap_or(0);
            }
        }
        (english > 0 || elsewhere.values().any(|covered| covered.count_ones() >= 4)).then_some(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_the_nomenclature_s_words_fit_their_codes() {
        let n = nomenclature();
        assert_eq!(n.name_fits("cotton knitted T-shirt", 610910), Some(true));
        assert_eq!(n.name_fits("Bluetooth earphones", 610910), Some(false));
        // China's tariff names: earphones are 耳机 under 8518, knitted skirts 针织 under 6104.
        assert_eq!(n.name_fits("蓝牙耳机", 851830), Some(true));
        // One telling pair (耳机) is not enough to say the name belongs elsewhere; two words are.
        assert_eq!(n.name_fits("蓝牙耳机", 610910), None);
        assert_eq!(n.name_fits("无线耳机", 610910), Some(false));
        assert_eq!(n.name_fits("女式合成纤维针织裙", 610453), Some(true));
        // A phone case of plastics names the phone, which its heading (3926, other articles of
        // plastics) never does, and no other heading names a phone case either: no evidence.
        assert_eq!(n.name_fits("适用于iPhone手机壳", 392690), None);
        assert_eq!(n.name_fits("女式合成纤维针织裙", 851830), Some(false));
        assert!(n.describe("8518300000").to_lowercase().contains("headphones"));
    }
}
