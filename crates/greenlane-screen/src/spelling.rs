//! Spelling equivalences as data (`data/spellings.tsv`): the sound correspondences between the
//! transliteration systems and orthographies that write listed names (Cyrillic х as kh or h,
//! в as v or w; Wade–Giles ts against pinyin z; Hepburn -oh; Korean surnames). Each word gets a
//! spelling key, every equivalent spelling written one way, which the index looks words up by
//! and scoring compares (also at the first letter).

use crate::hash::FastMap;

const TABLE: &str = include_str!("../data/spellings.tsv");

/// Where in a word a row applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Any,
    Start,
    End,
    Word,
}

/// A pattern and what it is written as.
type Rewrite = (Box<[u8]>, Box<[u8]>);

/// Rewrites, longest pattern first, by the pattern's first letter (a-z).
#[derive(Debug, Default)]
struct Rules {
    by_first: [Vec<Rewrite>; 26],
}

impl Rules {
    /// Each class's members written as its canonical member: the shortest, the first seen of
    /// those.
    fn from_rows<'t>(rows: &[(&'t str, &'t str)]) -> Rules {
        let mut members: Vec<&'t str> = Vec::new();
        let mut parent: Vec<usize> = Vec::new();
        fn id<'t>(s: &'t str, members: &mut Vec<&'t str>, parent: &mut Vec<usize>) -> usize {
            members.iter().position(|m| *m == s).unwrap_or_else(|| {
                members.push(s);
                parent.push(parent.len());
                parent.len() - 1
            })
        }
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let mut ids = Vec::new();
        for &(a, b) in rows {
            let (x, y) = (id(a, &mut members, &mut parent), id(b, &mut members, &mut parent));
            ids.push((x, y));
        }
        for (x, y) in ids {
            let (rx, ry) = (root(&mut parent, x), root(&mut parent, y));
            parent[rx.max(ry)] = rx.min(ry);
        }
        let mut canonical: FastMap<usize, usize> = FastMap::default();
        for i in 0..members.len() {
            let r = root(&mut parent, i);
            let best = canonical.entry(r).or_insert(i);
            if members[i].len() < members[*best].len() {
                *best = i;
            }
        }
        let mut rules = Rules::default();
        for (i, member) in members.iter().enumerate() {
            let to = members[canonical[&root(&mut parent, i)]];
            let first = member.as_bytes()[0];
            assert!(first.is_ascii_lowercase(), "data/spellings.tsv: {member:?} is not lower-case ASCII");
            rules.by_first[usize::from(first - b'a')].push((member.as_bytes().into(), to.as_bytes().into()));
        }
        for list in &mut rules.by_first {
            list.sort_by_key(|(pattern, _)| std::cmp::Reverse(pattern.len()));
        }
        rules
    }

    /// The longest pattern at `word[at..]` (ending exactly at the word's end when `to_end`).
    fn at<'r>(&'r self, word: &[u8], at: usize, to_end: bool) -> Option<(usize, &'r [u8])> {
        let rest = &word[at..];
        let first = rest.first().filter(|c| c.is_ascii_lowercase())?;
        self.by_first[usize::from(first - b'a')].iter().find_map(|(pattern, to)| {
            let fits = if to_end { rest == &pattern[..] } else { rest.starts_with(pattern) };
            fits.then_some((pattern.len(), &to[..]))
        })
    }
}

/// The table, read once.
#[derive(Debug)]
pub(crate) struct Spellings {
    any: Rules,
    start: Rules,
    end: Rules,
    words: Rules,
}

impl Default for Spellings {
    fn default() -> Self {
        Self::new()
    }
}

impl Spellings {
    pub fn new() -> Spellings {
        let mut rows: Vec<(Scope, &str, &str)> = Vec::new();
        for line in TABLE.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            let scope = match f.get(2).copied() {
                Some("any") => Scope::Any,
                Some("start") => Scope::Start,
                Some("end") => Scope::End,
                Some("word") => Scope::Word,
                other => panic!("data/spellings.tsv: bad scope {other:?} in {line:?}"),
            };
            assert!(
                f.len() == 4 && !f[0].is_empty() && !f[1].is_empty() && !f[3].trim().is_empty(),
                "data/spellings.tsv: a row needs a, b, where and a source: {line:?}"
            );
            rows.push((scope, f[0], f[1]));
        }
        let pick = |scopes: &[Scope]| -> Vec<(&str, &str)> {
            rows.iter().filter(|(s, _, _)| scopes.contains(s)).map(|&(_, a, b)| (a, b)).collect()
        };
        Spellings {
            any: Rules::from_rows(&pick(&[Scope::Any])),
            start: Rules::from_rows(&pick(&[Scope::Any, Scope::Start])),
            end: Rules::from_rows(&pick(&[Scope::Any, Scope::End])),
            words: Rules::from_rows(&pick(&[Scope::Word])),
        }
    }

    /// The word with every spelling of the table written one way: "wladimir" and "vladimir"
    /// give one key, as do "tsetung" and "zedong" but for one letter.
    pub fn key(&self, word: &str) -> String {
        let bytes = word.as_bytes();
        if let Some((_, to)) = self.words.at(bytes, 0, true) {
            return String::from_utf8_lossy(to).into_owned();
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let rules = if i == 0 { &self.start } else { &self.any };
            let inner = rules.at(bytes, i, false);
            let last = self.end.at(bytes, i, true);
            let best = match (inner, last) {
                (Some(a), Some(b)) => Some(if b.0 >= a.0 { b } else { a }),
                (a, b) => a.or(b),
            };
            match best {
                Some((len, to)) => {
                    out.extend_from_slice(to);
                    i += len;
                }
                None => {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equivalent_spellings_share_a_key() {
        let s = Spellings::new();
        for (a, b) in [
            ("wladimir", "vladimir"),
            ("khalid", "halid"),
            ("ksi", "shi"),
            ("hsi", "shi"),
            ("selenskyj", "selensky"),
            ("zelenskyy", "zelenskii"),
            ("mansour", "mansur"),
            ("cencora", "sencora"),
            ("chou", "zhou"),
            ("satoh", "sato"),
            ("rhee", "lee"),
            ("djafari", "jafari"),
            ("tung", "tong"),
            ("iurii", "yuriy"),
        ] {
            assert_eq!(s.key(a), s.key(b), "{a} / {b}");
        }
        assert_eq!(s.key("tsetung"), "zetong");
        assert_eq!(s.key("zedong"), "zedong");
        // Different names keep different keys.
        for (a, b) in [("hamid", "khalid"), ("mary", "mark"), ("zhanna", "hanna"), ("lee", "leeds")] {
            assert_ne!(s.key(a), s.key(b), "{a} / {b}");
        }
    }

    #[test]
    fn every_row_has_a_source_and_a_known_scope() {
        let rows = TABLE.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).skip(1);
        for line in rows {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 4, "{line:?}");
            assert!(f[3].len() > 10, "no source: {line:?}");
            assert!(f[0].bytes().chain(f[1].bytes()).all(|c| c.is_ascii_lowercase()), "{line:?}");
        }
    }
}
