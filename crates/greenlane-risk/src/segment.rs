//! Whether an item name is made only of given terms (the `name_only_terms` condition): names and
//! terms reduced to their letters and digits, then an exact word-break segmentation over a trie.
//!
//! Customs refuse goods descriptions made only of generic words ("gifts", "spare parts",
//! "工艺品摆件"): such a name says nothing about what is in the parcel. A name that contains a
//! generic word next to a precise one ("手机配件", phone accessories) is acceptable, so the test is
//! whether the *whole* name splits into terms, not whether a term occurs in it.
//!
//! Comparison is by letters and digits only (Unicode, lower-cased, full-width forms folded to
//! ASCII), so "Spare-Parts", "spare parts" and "ＳＰＡＲＥ　ＰＡＲＴＳ" all read "spareparts" and
//! the term "spare parts" covers them. Scripts written with spaces keep their words whole: a
//! segment may not start or end between two adjacent letters or digits of such a word, so the
//! terms "car" and "pets" never cover "carpets" while "car pets" would be covered. Chinese and
//! Japanese characters may be split anywhere, since those scripts do not mark word boundaries.

use std::collections::BTreeMap;

/// Names up to this many letters and digits are segmented without allocating.
const INLINE: usize = 64;

/// One letter or digit of a reduced name, and whether it continues the word of the one before
/// (so that no segment may start at it).
type Unit = (char, bool);

/// Full-width ASCII forms (ＡＢＣ１２３), common in Chinese input, read as their ASCII letters.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Scripts written without spaces between words, whose characters may start a segment anywhere.
fn unspaced(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'       // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}'     // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'     // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}'     // CJK compatibility ideographs
        | '\u{20000}'..='\u{3FFFF}'   // CJK extensions B and later
    )
}

/// The letters and digits of `text`, lower-cased, each with whether it joins the word before.
fn reduce(text: &str, mut emit: impl FnMut(Unit)) {
    let mut in_word = false;
    for c in text.chars().map(fold_width) {
        if !c.is_alphanumeric() {
            in_word = false;
            continue;
        }
        let spaced = !unspaced(c);
        for (k, l) in c.to_lowercase().enumerate() {
            emit((l, k > 0 || (in_word && spaced)));
        }
        in_word = spaced;
    }
}

/// A term as it is compared: its letters and digits, lower-cased. Empty when it has none, which
/// the criteria loader refuses.
pub(crate) fn reduced(term: &str) -> String {
    let mut s = String::with_capacity(term.len());
    reduce(term, |(c, _)| s.push(c));
    s
}

#[derive(Debug, Clone, Copy)]
struct Node {
    /// The node's outgoing edges: `edges[first..first + len]`, sorted by character.
    first: u32,
    len: u32,
    /// A term ends here.
    term: bool,
}

/// A set of terms that decides whether a name is made only of them.
#[derive(Debug, Clone)]
pub(crate) struct TermSet {
    nodes: Vec<Node>,
    edges: Vec<(char, u32)>,
}

impl TermSet {
    pub fn new<S: AsRef<str>>(terms: &[S]) -> TermSet {
        // Built as nested maps, then laid out flat so that a step is a binary search in a slice.
        #[derive(Default)]
        struct Building {
            children: BTreeMap<char, usize>,
            term: bool,
        }
        let mut building = vec![Building::default()];
        for t in terms {
            let mut node = 0;
            let mut any = false;
            reduce(t.as_ref(), |(c, _)| {
                any = true;
                node = match building[node].children.get(&c) {
                    Some(&next) => next,
                    None => {
                        building.push(Building::default());
                        let next = building.len() - 1;
                        building[node].children.insert(c, next);
                        next
                    }
                };
            });
            // The root is never tested as an end, but an empty term marks nothing all the same.
            if any {
                building[node].term = true;
            }
        }
        let mut nodes = Vec::with_capacity(building.len());
        let mut edges = Vec::new();
        for b in &building {
            nodes.push(Node { first: edges.len() as u32, len: b.children.len() as u32, term: b.term });
            edges.extend(b.children.iter().map(|(&c, &n)| (c, n as u32)));
        }
        TermSet { nodes, edges }
    }

    #[inline]
    fn step(&self, node: u32, c: char) -> Option<u32> {
        let n = self.nodes[node as usize];
        let edges = &self.edges[n.first as usize..(n.first + n.len) as usize];
        edges.binary_search_by_key(&c, |e| e.0).ok().map(|i| edges[i].1)
    }

    /// Whether `name` splits entirely into terms of the set; a name without letters or digits
    /// does not.
    pub fn covers(&self, name: &str) -> bool {
        let mut inline = [('\0', false); INLINE];
        let mut spilled: Vec<Unit> = Vec::new();
        let mut n = 0;
        reduce(name, |u| {
            if n < INLINE {
                inline[n] = u;
            } else {
                if spilled.is_empty() {
                    spilled.extend_from_slice(&inline);
                }
                spilled.push(u);
            }
            n += 1;
        });
        if n == 0 {
            return false;
        }
        if n <= INLINE {
            let mut reach = [false; INLINE + 1];
            self.segment(&inline[..n], &mut reach[..=n])
        } else {
            self.segment(&spilled, &mut vec![false; n + 1])
        }
    }

    /// Word break by dynamic programming: `reach[i]` says that the first `i` units are a
    /// sequence of terms. Exact where a greedy longest match is not ("样品材料" with the terms
    /// 样品材, 样品, 材料 splits as 样品 + 材料).
    fn segment(&self, units: &[Unit], reach: &mut [bool]) -> bool {
        let n = units.len();
        reach[0] = true;
        for i in 0..n {
            if !reach[i] {
                continue;
            }
            let mut node = 0;
            for j in i..n {
                match self.step(node, units[j].0) {
                    Some(next) => node = next,
                    None => break,
                }
                let ends_word = j + 1 == n || !units[j + 1].1;
                if self.nodes[node as usize].term && ends_word {
                    reach[j + 1] = true;
                }
            }
            if reach[n] {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(terms: &[&str]) -> TermSet {
        TermSet::new(terms)
    }

    #[test]
    fn whole_names_of_terms_are_covered_and_mixed_ones_are_not() {
        let s = set(&["工艺品", "摆件", "样品", "金属", "材料", "化工", "原料", "gift", "gifts", "spare parts"]);
        for name in
            ["工艺品摆件", "金属样品", "化工原料", "Gift", " GIFTS! ", "Spare Parts", "spare-parts", "工艺品 / gift"]
        {
            assert!(s.covers(name), "{name}");
        }
        for name in ["已加工象牙制品", "手机配件", "工艺品摆件x", "giftbox", "gift box", "spare", "", " - ", "木炭"]
        {
            assert!(!s.covers(name), "{name}");
        }
    }

    #[test]
    fn the_segmentation_is_exact_where_greedy_matching_fails() {
        let s = set(&["样品材", "样品", "材料"]);
        assert!(s.covers("样品材料"));
        let s = set(&["spare", "spare parts", "parts list"]);
        assert!(s.covers("spare parts list"), "spare + parts list, though spare parts is the longer first match");
    }

    #[test]
    fn latin_words_are_never_split_but_chinese_characters_may_be() {
        let s = set(&["car", "pets", "礼", "品"]);
        assert!(!s.covers("carpets"));
        assert!(s.covers("car pets"));
        assert!(s.covers("礼品"));
        assert!(s.covers("礼品car"), "a Chinese character next to a Latin word is a boundary");
    }

    #[test]
    fn full_width_forms_and_case_read_as_ascii() {
        let s = set(&["samples", "see invoice"]);
        assert!(s.covers("ＳＡＭＰＬＥＳ"));
        assert!(s.covers("SEE　INVOICE"));
        assert_eq!(reduced(" See-Invoice! "), "seeinvoice");
        assert_eq!(reduced(" ，。 "), "");
    }

    #[test]
    fn long_names_are_segmented_too() {
        let s = set(&["samples"]);
        let long = vec!["samples"; 40].join(" ");
        assert!(s.covers(&long));
        assert!(!s.covers(&format!("{long} ivory")));
    }
}
