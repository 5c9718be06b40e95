//! The in-memory index over every listed name, and the search that uses it: candidate names come
//! from exact words, one-edit neighbours of words (a deletion index), consonant skeletons and
//! joined word pairs, so a query touches the names that share something with it, never the
//! whole list; then each candidate is scored by `score`.

use crate::hash::FastMap;
use std::borrow::Cow;
use std::cell::RefCell;

use crate::entry::{Entry, Kind, List, NameStrength};
use crate::normalize::{Normalizer, Token, deletions, family_word_count, find_deletion, skeleton, vowel_pattern};
use crate::score::{self, QueryToken, ScoredName};

pub(crate) type VocabId = u32;
pub(crate) type NameId = u32;

/// A word of the lists' vocabulary, or of a query, in the forms it is compared in.
#[derive(Debug, Clone)]
pub(crate) struct Word {
    pub text: Box<str>,
    /// The text with equivalent spellings written one way ([`Normalizer::spelling_key`]).
    pub key: Box<str>,
    /// The key differs from the text.
    pub respelt: bool,
    pub skeleton: Box<str>,
    pub vowel_pattern: Box<[u8]>,
    pub abjad: bool,
    /// A word that describes rather than names ([`Normalizer::is_generic`]).
    pub generic: bool,
    /// A common given or family name ([`Normalizer::is_common_name`]), and in six or more
    /// listed names (for listed words).
    pub common: bool,
    /// A given or family name of the reference list ([`Normalizer::is_common_name`]): two
    /// such names that differ in more than spelling are two names, not a typo.
    pub known_name: bool,
    /// The given names this word is or is a nickname of ([`Normalizer::nickname_groups`]).
    pub nicknames: Box<[u32]>,
    /// The common form of an organisation word ("international" → "intl"), if it is one, as a
    /// number: its place in `Normalizer`'s table.
    pub symbol: Option<u32>,
    /// How much the word says about identity: rarer words weigh more.
    pub weight: f32,
}

impl Word {
    pub fn new(normalizer: &Normalizer, token: &Token) -> Word {
        let key: Box<str> =
            if token.abjad { token.text.as_str().into() } else { normalizer.spelling_key(&token.text).into() };
        Word {
            text: token.text.as_str().into(),
            respelt: *key != *token.text,
            key,
            skeleton: skeleton(&token.text).into(),
            vowel_pattern: vowel_pattern(&token.text).into(),
            abjad: token.abjad,
            symbol: if token.abjad { None } else { normalizer.org_symbol_id(&token.text) },
            generic: !token.abjad && normalizer.is_generic(&token.text),
            common: !token.abjad && normalizer.is_common_name(&token.text),
            known_name: !token.abjad && normalizer.is_common_name(&token.text),
            nicknames: if token.abjad { Box::default() } else { normalizer.nickname_groups(&token.text).into() },
            weight: 0.0,
        }
    }
}

/// One listed name (a primary name or an alias) in normalized form.
#[derive(Debug)]
pub(crate) struct IndexedName {
    pub list: u16,
    pub entry: u32,
    /// Which of the entry's names, for reporting the name that matched.
    pub name: u16,
    pub strength: NameStrength,
    pub words: Box<[VocabId]>,
    /// The words that are family names by the list's own word ("PARRA SANCHEZ, Mario": the
    /// part before the comma), one bit per word position.
    pub family: u64,
    /// The words that name a forebear ([`Token::forebear`]), one bit per word position.
    pub forebears: u64,
    /// The words joined without spaces, for names split differently ("hua wei" / "huawei").
    pub joined: Box<[u8]>,
    /// The sum of the words' weights, to rank candidates by how much of them the query covers.
    pub weight: f32,
    /// The class of the company type the name carried ("AG", "LLC"), if any.
    pub form: Option<u32>,
}

#[derive(Debug)]
pub(crate) struct Index {
    pub lists: Vec<List>,
    pub normalizer: Normalizer,
    pub words: Vec<Word>,
    pub names: Vec<IndexedName>,
    word_ids: FastMap<Box<str>, VocabId>,
    postings: Vec<Vec<NameId>>,
    /// Each word of four or more letters, and each of its one-letter deletions → the words.
    deletions: FastMap<Box<str>, Vec<VocabId>>,
    skeletons: FastMap<Box<str>, Vec<VocabId>>,
    /// Given name (a nickname group) → the words that are it or its nicknames.
    nickname_words: FastMap<u32, Vec<VocabId>>,
    /// A word without the article or particle glued to its front ("hernandez") → the words
    /// with it ("dehernandez", "alhernandez").
    particle_glued: FastMap<Box<str>, Vec<VocabId>>,
    /// Spelling key → the words that have it ("vladimir" → "wladimir", "vladimir").
    keys: FastMap<Box<str>, Vec<VocabId>>,
    /// Each word's [`Index::similar_words`], worked out once.
    similar: Vec<Box<[(VocabId, f64)]>>,
    /// Common form of an organisation word → the words that have it.
    symbols: FastMap<u32, Vec<VocabId>>,
    /// Words of four or more letters by [`vowel_pattern`]: "husseini" finds "husayni".
    vowel_patterns: FastMap<Box<[u8]>, Vec<VocabId>>,
    /// Two adjacent words of a name joined ("hua"+"wei") → the names.
    joined_pairs: FastMap<Box<str>, Vec<NameId>>,
    /// The initials of an organisation's name of two to eight words ("peoples liberation army"
    /// → "pla") → the names: an acronym names the organisation it abbreviates.
    acronyms: FastMap<Box<str>, Vec<NameId>>,
    /// The weight of a query word the lists do not contain.
    pub unknown_weight: f32,
}

/// The words below this similarity to a query word do not make a name a candidate.
const EXPANSION_MIN: f64 = 0.78;
/// Words of this many letters or more are looked up two slips away, not one: slips grow with a
/// word's length, and two slips in eight letters leave three quarters of the word as typed, the
/// share one slip leaves in a word of four, the shortest the deletion index serves. Whether the
/// two words then pair is still the similarity's decision (`score::word_similarity`).
const TWO_SLIP_MIN_LETTERS: usize = 8;
/// A skeleton shared by more words than this is too common to find candidates with.
const SKELETON_FANOUT: usize = 400;
/// A common given or family name is "very common" (weak evidence) when at least this many
/// listed names hold it.
const COMMON_NAME_POSTINGS: usize = 6;
/// Candidates scored per query at most, best evidence first.
const MAX_CANDIDATES: usize = 12;
/// Candidates scored at most, when their coverage stays high (see `search`).
const MAX_SHORTLIST: usize = 64;
/// A word in more names than this is too common to find candidates with, when the query has a
/// rarer word (see `search`).
const COMMON_WORD_POSTINGS: usize = 1000;

/// The number of words of an organisation's name that an acronym of its initials stands for:
/// acronyms of one word are no acronyms, and those of more than eight letters are rare.
const ACRONYM_WORDS: std::ops::RangeInclusive<usize> = 2..=8;
/// What an organisation's acronym scores against the name it abbreviates, held at the
/// recommended threshold (0.80): an officer looks at "PLA" screened as "People's Liberation
/// Army", as at any name that differs in more than spelling. Below an exact name, so the
/// name written out wins over its acronym's other readings.
pub(crate) const ACRONYM_SCORE: f64 = 0.85;

/// "LAST, First Middle" (OFAC, CSL) is read "First Middle LAST", the order people write names in.
fn natural_order(name: &str, kind: Kind) -> std::borrow::Cow<'_, str> {
    if kind == Kind::Person
        && let Some((last, first)) = name.split_once(',')
        && !first.contains(',')
        && !first.trim().is_empty()
    {
        return format!("{} {}", first.trim(), last.trim()).into();
    }
    name.into()
}

impl Index {
    pub fn build(lists: Vec<List>) -> Index {
        let normalizer = Normalizer::new();
        let mut index = Index {
            lists: Vec::new(),
            normalizer,
            words: Vec::new(),
            names: Vec::new(),
            word_ids: FastMap::default(),
            postings: Vec::new(),
            deletions: FastMap::default(),
            skeletons: FastMap::default(),
            keys: FastMap::default(),
            particle_glued: FastMap::default(),
            nickname_words: FastMap::default(),
            symbols: FastMap::default(),
            similar: Vec::new(),
            vowel_patterns: FastMap::default(),
            joined_pairs: FastMap::default(),
            acronyms: FastMap::default(),
            unknown_weight: 1.0,
        };
        for (list_index, list) in lists.iter().enumerate() {
            for (entry_index, entry) in list.entries.iter().enumerate() {
                index.add_entry(list_index, entry_index, entry);
            }
        }
        index.lists = lists;
        index.finish();
        index
    }

    fn word_id(&mut self, token: &Token) -> VocabId {
        if let Some(&id) = self.word_ids.get(token.text.as_str()) {
            if token.abjad {
                self.words[id as usize].abjad = true;
            }
            return id;
        }
        let id = self.words.len() as VocabId;
        self.words.push(Word::new(&self.normalizer, token));
        self.word_ids.insert(token.text.as_str().into(), id);
        self.postings.push(Vec::new());
        id
    }

    fn add_entry(&mut self, list: usize, entry_index: usize, entry: &Entry) {
        let mut seen: Vec<Vec<VocabId>> = Vec::new();
        for (name_index, listed) in entry.names.iter().enumerate() {
            let mut form = None;
            let tokens = self.normalizer.tokens_and_dropped_types(
                &natural_order(&listed.name, entry.kind),
                entry.kind,
                None,
                Some(&mut form),
            );
            if tokens.is_empty() {
                continue;
            }
            // "LAST, First": the words before the comma are the family names and come last in
            // natural order.
            let family = match listed.name.split_once(',') {
                Some((last, _))
                    if entry.kind == Kind::Person && natural_order(&listed.name, entry.kind) != listed.name =>
                {
                    let family_name = self.normalizer.tokens(last, entry.kind);
                    let count = family_word_count(&family_name).min(tokens.len() - 1).min(63);
                    (tokens.len() - count..tokens.len()).filter(|&i| i < 64).fold(0u64, |mask, i| mask | 1 << i)
                }
                _ => 0,
            };
            let words: Vec<VocabId> = tokens.iter().map(|t| self.word_id(t)).collect();
            let mut sorted = words.clone();
            sorted.sort_unstable();
            if seen.contains(&sorted) {
                continue;
            }
            seen.push(sorted);
            let name_id = self.names.len() as NameId;
            for &word in &words {
                let postings = &mut self.postings[word as usize];
                if postings.last() != Some(&name_id) {
                    postings.push(name_id);
                }
            }
            for pair in tokens.windows(2) {
                let joined = format!("{}{}", pair[0].text, pair[1].text);
                self.joined_pairs.entry(joined.into()).or_default().push(name_id);
            }
            let joined: String = tokens.iter().map(|t| t.text.as_str()).collect();
            // The whole name glued ("van der bilt" / "Vanderbilt"), beside its word pairs.
            if tokens.len() >= 3 && joined.len() <= 40 {
                self.joined_pairs.entry(joined.as_str().into()).or_default().push(name_id);
            }
            if entry.kind != Kind::Person
                && (ACRONYM_WORDS).contains(&tokens.len())
                && tokens.iter().all(|t| !t.abjad && t.text.as_bytes()[0].is_ascii_lowercase())
            {
                let initials: String = tokens.iter().map(|t| t.text.as_bytes()[0] as char).collect();
                self.acronyms.entry(initials.into()).or_default().push(name_id);
            }
            self.names.push(IndexedName {
                list: list as u16,
                entry: entry_index as u32,
                name: name_index as u16,
                strength: listed.strength,
                words: words.into(),
                family,
                forebears: tokens
                    .iter()
                    .take(64)
                    .enumerate()
                    .filter(|(_, t)| t.forebear)
                    .fold(0u64, |mask, (i, _)| mask | 1 << i),
                joined: joined.into_bytes().into(),
                weight: 0.0,
                form,
            });
        }
    }

    fn finish(&mut self) {
        let total = self.names.len().max(1) as f32;
        for (id, word) in self.words.iter_mut().enumerate() {
            let postings = &mut self.postings[id];
            postings.dedup();
            let df = postings.len().max(1) as f32;
            // Arabic-script words are written without short vowels: judge their length as if
            // the vowels were there.
            let length = word.text.len() + if word.abjad { 2 } else { 0 };
            word.weight = word_weight(length, (1.0 + total / df).ln());
            // Very common: a common name in the reference that the lists also hold several
            // times ("Mohammed", "Sanchez", "Thomas"); a reference name listed once or twice
            // ("Crawford") still tells listed people apart.
            word.common &= postings.len() >= COMMON_NAME_POSTINGS;
            // The word and its spelling key, each with its one-letter deletions: a query word
            // one slip from either finds it.
            for form in spelling_forms(word) {
                if form.len() >= 4 {
                    for variant in deletions(form).chain(std::iter::once(form.to_string())) {
                        let ids = self.deletions.entry(variant.into()).or_default();
                        if ids.last() != Some(&(id as VocabId)) {
                            ids.push(id as VocabId);
                        }
                    }
                }
            }
            self.keys.entry(word.key.clone()).or_default().push(id as VocabId);
            for particle in crate::normalize::PARTICLES.iter() {
                if let Some(rest) = word.text.strip_prefix(particle)
                    && rest.len() >= 3
                {
                    self.particle_glued.entry(rest.into()).or_default().push(id as VocabId);
                }
            }
            for &group in &*word.nicknames {
                self.nickname_words.entry(group).or_default().push(id as VocabId);
            }
            if word.text.len() >= 5 {
                self.vowel_patterns.entry(word.vowel_pattern.clone()).or_default().push(id as VocabId);
            }
            if let Some(symbol) = word.symbol {
                self.symbols.entry(symbol).or_default().push(id as VocabId);
            }
            if word.skeleton.len() >= 2 {
                self.skeletons.entry(word.skeleton.clone()).or_default().push(id as VocabId);
            }
        }
        self.unknown_weight = word_weight(8, (1.0 + total / 2.0).ln());
        for name in &mut self.names {
            name.weight = name.words.iter().map(|&w| self.words[w as usize].weight).sum();
        }
        self.similar = (0..self.words.len()).map(|id| self.similar_words(&self.words[id]).into()).collect();
    }

    pub fn entry(&self, name: &IndexedName) -> &Entry {
        &self.lists[name.list as usize].entries[name.entry as usize]
    }

    /// The vocabulary words similar enough to `word` to find candidates with, most similar
    /// first: equal, one edit away (the deletion index), with the article glued on, the same
    /// consonant skeleton or vowel pattern, or the same organisation word.
    fn similar_words(&self, word: &Word) -> Vec<(VocabId, f64)> {
        let mut similar: Vec<(VocabId, f64)> = Vec::new();
        // How many were found so far, readable while `consider` holds `similar`.
        let found = std::cell::Cell::new(0usize);
        let mut consider = |id: VocabId| {
            if similar.iter().any(|(known, _)| *known == id) {
                return;
            }
            let sim = score::word_similarity(word, &self.words[id as usize]);
            if sim >= EXPANSION_MIN {
                similar.push((id, sim));
                found.set(found.get() + 1);
            }
        };
        let text = &*word.text;
        if let Some(&id) = self.word_ids.get(text) {
            consider(id);
        }
        for &id in self.keys.get(&*word.key).map(Vec::as_slice).unwrap_or(&[]).iter().take(SKELETON_FANOUT) {
            consider(id);
        }
        // The Arabic article glued on one side only: "Alaqsa" / "Aqsa", "Tikriti" / "Al-Tikriti".
        // An article or name particle glued on one side only: "Alaqsa" / "Aqsa", "Tikriti" /
        // "Al-Tikriti", "Dehernandez" / "Hernandez".
        for particle in crate::normalize::PARTICLES.iter() {
            if let Some(rest) = text.strip_prefix(particle)
                && rest.len() >= 3
                && let Some(&id) = self.word_ids.get(rest)
            {
                consider(id);
            }
        }
        for &id in self.particle_glued.get(text).map(Vec::as_slice).unwrap_or(&[]) {
            consider(id);
        }
        if text.len() >= 4 || word.key.len() >= 4 {
            for form in spelling_forms(word).filter(|form| form.len() >= 4) {
                let mut lookup = |variant: &str| {
                    for &id in self.deletions.get(variant).map(Vec::as_slice).unwrap_or(&[]) {
                        consider(id);
                    }
                    None::<()>
                };
                lookup(form);
                find_deletion(form, &mut lookup);
                // Two slips in a long word ("Trafalgura" / "Trafigura"): its two-letter
                // deletions against the listed words and their one-letter deletions, only where
                // nothing closer was found (a word with a listed likeness one slip away is that
                // word, and the quadratic lookup is the costliest here).
                if form.len() >= TWO_SLIP_MIN_LETTERS && found.get() == 0 {
                    find_deletion(form, |once| find_deletion(once, &mut lookup));
                }
            }
        } else if text.len() >= 2 {
            find_deletion(text, |variant| {
                if let Some(&id) = self.word_ids.get(variant) {
                    consider(id);
                }
                None::<()>
            });
        }
        // Arabic script against Latin needs the skeleton; Latin against Latin only for long
        // words, the only ones word_similarity gives the skeleton's credit.
        let skeleton = &word.skeleton;
        if skeleton.len() >= 2 && (word.abjad || (skeleton.len() >= 3 && text.len() >= 6)) {
            let ids = self.skeletons.get(&**skeleton).map(Vec::as_slice).unwrap_or(&[]);
            if ids.len() <= SKELETON_FANOUT {
                for &id in ids {
                    consider(id);
                }
            }
        }
        if text.len() >= 5 {
            let ids = self.vowel_patterns.get(&word.vowel_pattern).map(Vec::as_slice).unwrap_or(&[]);
            for &id in ids.iter().take(SKELETON_FANOUT) {
                consider(id);
            }
        }
        for group in &*word.nicknames {
            for &id in self.nickname_words.get(group).map(Vec::as_slice).unwrap_or(&[]).iter().take(SKELETON_FANOUT) {
                consider(id);
            }
        }
        if let Some(symbol) = word.symbol {
            for &id in self.symbols.get(&symbol).map(Vec::as_slice).unwrap_or(&[]) {
                consider(id);
            }
        }
        similar.sort_by(|a, b| b.1.total_cmp(&a.1));
        similar
    }

    /// The query's words with their weights and similar vocabulary words.
    fn query_tokens(&self, tokens: &[Token]) -> Vec<QueryToken<'_>> {
        let mut out: Vec<QueryToken<'_>> = Vec::with_capacity(tokens.len());
        for token in tokens.iter().take(score::MAX_QUERY_WORDS) {
            // A word of the lists has its forms and similar words worked out when the lists load.
            let known =
                self.word_ids.get(token.text.as_str()).filter(|&&id| self.words[id as usize].abjad == token.abjad);
            let (word, similar) = match known {
                Some(&id) => (Cow::Borrowed(&self.words[id as usize]), Cow::Borrowed(&*self.similar[id as usize])),
                None => {
                    let word = Word::new(&self.normalizer, token);
                    let similar = self.similar_words(&word);
                    (Cow::Owned(word), Cow::Owned(similar))
                }
            };
            let mut query = QueryToken {
                word,
                weight: self.unknown_weight,
                similar,
                syllable: false,
                optional: false,
                forebear: token.forebear,
            };
            if let Some(&(best, _)) = query.similar.first() {
                query.weight = self.words[best as usize].weight;
            }
            if token.text.len() == 1 {
                query.weight = word_weight(1, 1.0);
            }
            out.push(query);
        }
        out
    }

    /// The best-scoring names of distinct entries, at or above `floor`, best first.
    /// `han`: the query was written in Chinese characters, so its words are exact pinyin
    /// (see [`QueryToken::syllable`]).
    /// `optional`: words the normalizer dropped as company types that may be names; they find
    /// no candidates and count only where a listed name holds them exactly.
    pub fn search(&self, tokens: &[Token], optional: &[Token], floor: f64, han: bool) -> Vec<ScoredName> {
        let mut query = self.query_tokens(tokens);
        // Only a person's name (two or three characters: surname and given name, two words);
        // a company's name in characters is one word per syllable and keeps fuzzy matching.
        let person_name = han && query.len() <= 2;
        query.iter_mut().for_each(|token| token.syllable = person_name);
        if query.is_empty() {
            return Vec::new();
        }
        let query_joined: String = query.iter().map(|q| &*q.word.text).collect();
        for token in optional.iter().take(score::MAX_QUERY_WORDS.saturating_sub(query.len())) {
            // Only a word the lists hold can pair; it may also be a transliteration of some
            // Arabic-script word, which marks the listed word as such.
            let Some(&id) = self.word_ids.get(token.text.as_str()) else { continue };
            let word = Word::new(&self.normalizer, token);
            let weight = self.words[id as usize].weight;
            query.push(QueryToken {
                word: Cow::Owned(word),
                weight,
                similar: Cow::Owned(vec![(id, 1.0)]),
                syllable: false,
                optional: true,
                forebear: false,
            });
        }
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            scratch.start(self.names.len());
            // Words in thousands of names ("mohammed", "bank") find candidates only when the
            // query has no rarer word: a name that also holds a rarer query word is found
            // through that word, and scoring sees every word of a candidate anyway.
            let selective = query.iter().any(|t| {
                t.similar.first().is_some_and(|&(word, _)| self.postings[word as usize].len() <= COMMON_WORD_POSTINGS)
            });
            let mut skipped_weight = 0.0f32;
            for (position, token) in query.iter().enumerate().filter(|(_, t)| !t.optional) {
                let bit = 1u64 << position;
                let mut traversed = false;
                for &(word, sim) in token.similar.iter() {
                    let postings = &self.postings[word as usize];
                    if selective && postings.len() > COMMON_WORD_POSTINGS {
                        continue;
                    }
                    traversed = true;
                    let gain = sim as f32 * self.words[word as usize].weight;
                    for &name in postings {
                        scratch.add(name, bit, gain);
                    }
                }
                if !traversed && !token.similar.is_empty() {
                    skipped_weight += token.weight;
                }
            }
            // Names whose words the query splits or joins differently.
            let required = || query.iter().filter(|q| !q.optional);
            let full_weight: f32 = required().map(|q| q.weight).sum::<f32>() - skipped_weight;
            for token in required() {
                let forms = std::iter::once(&*token.word.text).chain(token.word.respelt.then_some(&*token.word.key));
                for form in forms {
                    for &name in self.joined_pairs.get(form).map(Vec::as_slice).unwrap_or(&[]) {
                        scratch.add(name, 1 << 63, token.weight);
                    }
                }
            }
            // Adjacent query words glued find a listed word, also one slip away ("Patr ushev" /
            // "PATRUSHEV", "Siemens Ag" / "SIEMENSAG"); so does the whole query glued.
            let whole = (query.len() >= 3 && query_joined.len() <= 40).then(|| (query_joined.clone(), &query[..]));
            let pairs = query
                .windows(2)
                .filter(|pair| !pair[1].optional)
                .map(|pair| (format!("{}{}", pair[0].word.text, pair[1].word.text), pair));
            for (joined, words) in pairs.chain(whole) {
                let weight: f32 = words.iter().map(|w| w.weight).sum();
                let mut found: Vec<VocabId> = Vec::new();
                if let Some(&word) = self.word_ids.get(joined.as_str()) {
                    found.push(word);
                }
                // One slip besides, only where a word is no listed word's likeness on its own
                // (a fragment: "Patr", "Ushev"): otherwise the words find their names themselves.
                if joined.len() >= 6 && words.len() == 2 && words.iter().any(|w| w.similar.is_empty()) {
                    let mut lookup = |variant: &str| {
                        found.extend(self.deletions.get(variant).map(Vec::as_slice).unwrap_or(&[]));
                        None::<()>
                    };
                    lookup(&joined);
                    find_deletion(&joined, lookup);
                    found.sort_unstable();
                    found.dedup();
                }
                for word in found {
                    let listed = &self.words[word as usize].text;
                    if crate::similarity::edit_ratio(listed.as_bytes(), joined.as_bytes()) < 0.85 {
                        continue;
                    }
                    for &name in &self.postings[word as usize] {
                        scratch.add(name, 1 << 62, weight);
                    }
                }
            }
            let entry_of = |name: NameId| {
                let name = &self.names[name as usize];
                (u64::from(name.list) << 32) | u64::from(name.entry)
            };
            // Rank by the share of query and name the evidence covers (a Dice coefficient), so
            // that "Aqsa" prefers "Al-Aqsa" to the twenty longer names that also hold it.
            // A listed word found by several query words ("Ahmed" and "Mohammed" both like "Hamed")
            // still counts once: no name is covered beyond its own weight, or its short aliases
            // would outrank the whole name.
            let coverage = |name: NameId, evidence: f32| {
                let weight = self.names[name as usize].weight;
                evidence.min(weight) / (full_weight + weight)
            };
            let candidates = scratch.best(MAX_SHORTLIST, 0.3 * full_weight, 2, entry_of, coverage);
            let mut best: Vec<ScoredName> = Vec::new();
            let mut memo = std::mem::take(&mut scratch.memo);
            memo.start(&query, self.words.len());
            for (position, (coverage, name_id)) in candidates.into_iter().enumerate() {
                // Past the first MAX_CANDIDATES, only names whose coverage promises a score near
                // the floor: queries of common words ("Ahmed Ali") tie on many names.
                if position >= MAX_CANDIDATES && f64::from(2.0 * coverage) < floor * 0.9 {
                    break;
                }
                let name = &self.names[name_id as usize];
                let scored = score::score_name(self, &query, &query_joined, &mut memo, name, name_id, floor * 0.8);
                if scored.score < floor * 0.8 {
                    continue;
                }
                match best.iter_mut().find(|b| {
                    let other = &self.names[b.name as usize];
                    other.list == name.list && other.entry == name.entry
                }) {
                    Some(existing) if existing.score >= scored.score => {}
                    Some(existing) => *existing = scored,
                    None => best.push(scored),
                }
            }
            scratch.memo = memo;
            best
        })
    }

    /// Every normalized listed name, words joined by a space: the input of a brute-force scan.
    /// The organisations' names whose initials the query's one word is ("pla"), each entry
    /// once; for a query the caller knows names an organisation, a word of two to eight letters.
    pub fn acronym_names(&self, tokens: &[Token]) -> &[NameId] {
        match tokens {
            [token] if !token.abjad && ACRONYM_WORDS.contains(&token.text.len()) => {
                self.acronyms.get(token.text.as_str()).map_or(&[], Vec::as_slice)
            }
            _ => &[],
        }
    }

    pub fn normalized_names(&self) -> Vec<String> {
        self.names
            .iter()
            .map(|n| n.words.iter().map(|&w| &*self.words[w as usize].text).collect::<Vec<_>>().join(" "))
            .collect()
    }
}

/// A word's text, and its spelling key where that differs.
fn spelling_forms(word: &Word) -> impl Iterator<Item = &str> {
    std::iter::once(&*word.text).chain(word.respelt.then_some(&*word.key))
}

/// Rarity (`idf`) scaled by length: one- and two-letter words (initials, "bin", "co") say little
/// even when rare.
fn word_weight(length: usize, idf: f32) -> f32 {
    let length_factor = match length {
        1 => 0.3,
        2 => 0.6,
        3 => 0.85,
        _ => 1.0,
    };
    idf.max(0.5) * length_factor
}

/// Per-thread scratch for accumulating evidence per name without clearing an array the size of
/// the lists on every query: a slot counts only when its epoch is the current query's.
#[derive(Default)]
struct Scratch {
    epoch: u32,
    slots: Vec<Slot>,
    touched: Vec<NameId>,
    /// The touched names ranked ([`Scratch::best`]), kept between queries so that no query
    /// grows a vector of thousands of names anew.
    ranked: Vec<u64>,
    memo: score::Memo,
}

/// One name's evidence, in one cache line's quarter: the traversal touches one slot per posting.
#[derive(Default, Clone, Copy)]
struct Slot {
    epoch: u32,
    evidence: f32,
    /// Which query words have already added evidence.
    words: u64,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Scratch {
    fn start(&mut self, names: usize) {
        if self.slots.len() < names {
            self.slots.resize(names, Slot::default());
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.slots.iter_mut().for_each(|s| s.epoch = 0);
            self.epoch = 1;
        }
        self.touched.clear();
    }

    /// Adds evidence from query word `bit` once per name: the first (most similar) word counts.
    #[inline]
    fn add(&mut self, name: NameId, bit: u64, gain: f32) {
        let slot = &mut self.slots[name as usize];
        if slot.epoch != self.epoch {
            *slot = Slot { epoch: self.epoch, evidence: 0.0, words: 0 };
            self.touched.push(name);
        }
        if slot.words & bit == 0 {
            slot.words |= bit;
            slot.evidence += gain;
        }
    }

    /// Up to `limit` names with at least `min_evidence`, best `rank` first, at most
    /// `per_entry` names of one entry (an entry with twenty aliases must not crowd out the rest).
    fn best(
        &mut self,
        limit: usize,
        min_evidence: f32,
        per_entry: usize,
        entry_of: impl Fn(NameId) -> u64,
        rank: impl Fn(NameId, f32) -> f32,
    ) -> Vec<(f32, NameId)> {
        let slots = &self.slots;
        let mut ranked = std::mem::take(&mut self.ranked);
        ranked.clear();
        // Rank and name packed in one integer, rank above: a coverage is never negative, so
        // its bits order as the number does, and integers sort faster than pairs of floats.
        ranked.extend(
            self.touched
                .iter()
                .filter(|&&n| slots[n as usize].evidence >= min_evidence)
                .map(|&n| (u64::from(rank(n, slots[n as usize].evidence).max(0.0).to_bits()) << 32) | u64::from(n)),
        );
        let by_rank = |a: &u64, b: &u64| b.cmp(a);
        // The best `limit` names of at most `per_entry` per entry are almost always among the
        // best twice as many: sort those first, and the four times as many that the choice
        // looks at only when they do not fill it.
        let shortlist = (limit * 4).min(ranked.len());
        let mut head = (limit * 2).min(shortlist);
        let mut chosen: Vec<(f32, NameId)> = Vec::with_capacity(limit);
        let mut entries: Vec<(u64, usize)> = Vec::with_capacity(limit);
        loop {
            if ranked.len() > head {
                ranked.select_nth_unstable_by(head, by_rank);
            }
            ranked[..head].sort_unstable_by(by_rank);
            chosen.clear();
            entries.clear();
            for &packed in &ranked[..head] {
                let (rank, name) = (f32::from_bits((packed >> 32) as u32), packed as NameId);
                let entry = entry_of(name);
                match entries.iter_mut().find(|(e, _)| *e == entry) {
                    Some((_, count)) if *count >= per_entry => continue,
                    Some((_, count)) => *count += 1,
                    None => entries.push((entry, 1)),
                }
                chosen.push((rank, name));
                if chosen.len() == limit {
                    break;
                }
            }
            if chosen.len() == limit || head == shortlist {
                break;
            }
            head = shortlist;
        }
        self.ranked = ranked;
        chosen
    }
}
