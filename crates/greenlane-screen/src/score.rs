//! How similar a query is to one listed name: word similarity (Jaro-Winkler and edit distance,
//! initials, consonant skeletons for Arabic-script spellings), a one-to-one pairing of query words
//! with listed words, and a weighted score that forgives a missing middle name more than a
//! missing surname or an extra word.

use crate::entry::{Kind, NameStrength};
use crate::index::{Index, IndexedName, NameId, VocabId, Word};
use crate::similarity::{edit_ratio, jaro_winkler};

/// Query words past this many are ignored (evidence is tracked in a 64-bit set per name).
pub(crate) const MAX_QUERY_WORDS: usize = 24;
/// An initial ("J.") against a word with that first letter.
const INITIAL_SIMILARITY: f64 = 0.9;
/// Below [`PAIR_MIN`]: masculine and feminine forms of a name are not paired.
const GENDER_FORM_SIMILARITY: f64 = 0.7;
/// Words less similar than this are not paired at all.
const PAIR_MIN: f64 = 0.75;
/// Same consonant skeleton, one side written without vowels (Arabic script).
const ABJAD_SKELETON_SIMILARITY: f64 = 0.93;
const SHORT_ABJAD_SKELETON_SIMILARITY: f64 = 0.8;
/// Same skeleton of three or more consonants and the same first letter, both in Latin script
/// ("Mohammed" / "Muhammad", "Kadhafi" / "Qaddafi" need the skeleton, not the letters).
const LATIN_SKELETON_SIMILARITY: f64 = 0.87;
/// A listed word the query lacks costs this share of its weight: little for inner words
/// (middle names, patronymics), more for the first and last word.
const MISSING_INNER_WORD: f32 = 0.3;
const MISSING_OUTER_WORD: f32 = 0.55;
/// A query word the listed name lacks costs its full weight at the ends of the query, less
/// inside it: a query often carries a middle name or patronymic the list leaves out.
const EXTRA_QUERY_WORD: f32 = 1.0;
const EXTRA_INNER_QUERY_WORD: f32 = 0.6;
const GLUED_ARTICLE_SIMILARITY: f64 = 0.95;
/// Two spellings of one organisation word ("Intl" / "International", "Corp" / "Company").
const SYMBOL_SIMILARITY: f64 = 0.95;
/// The same word but for how its vowels are spelt ("Husayni" / "Husseini", "Yousef" / "Yusef").
const VOWEL_PATTERN_SIMILARITY: f64 = 0.88;
/// Comparing names as one string ignores where words begin; that costs a little certainty.
const JOINED_DISCOUNT: f64 = 0.03;
const JOINED_MAX: usize = 40;
/// A pair of words that describe rather than name ("Shenzhen", "Electronics": rare in sanctions
/// lists, common in trade) vouches for this share of its weight; missing, such a word still
/// costs its full weight.
const GENERIC_PAIR_FACTOR: f64 = 0.5;
/// A pair of common given or family names ("Maria", "Sanchez", "Mohamed": frequent among
/// ordinary people, see `reference/common_names.txt`) vouches for this share of its weight;
/// missing, such a word still costs its full weight.
const COMMON_PAIR_FACTOR: f64 = 0.5;
/// A listed family name the query lacks ("Maria Sanchez" against "PARRA SANCHEZ, Mario": a
/// Parra is another family) costs nearly its whole weight, unlike a missing middle name.
const MISSING_FAMILY_WORD: f32 = 0.45;
/// A listed word a query in Chinese characters lacks: a missing syllable is a different name.
const MISSING_SYLLABLE: f32 = 1.0;
/// A person's given and family names matched crosswise, one of them inexactly.
const SWAPPED_INEXACT_PENALTY: f64 = 0.1;
/// A person's first given name the query lacks ("Michael Johnson" against "WILLIAM MICHAEL
/// JOHNSON": the query's given name is the listed middle name) says another person.
const MISSING_GIVEN_NAME: f32 = 0.8;
/// A match whose paired words hold fewer letters than this outside common names and
/// organisation words ("Liam Thomas" / "Thomas Lim") is not enough to hold a party on its own,
/// unless it is the whole listed name, word for word: its score stays below the hold threshold.
const MIN_DISTINCTIVE_LETTERS: usize = 4;
const COMMON_ONLY_CAP: f64 = 0.78;
/// Three or more names in agreement are rare enough together, however common each is.
const MAX_COMMON_PAIRS: usize = 2;
/// Distinctive words (four letters or more, neither common names nor organisation words) equal
/// on both sides, after which the words left over are compared in full, and how similar such a
/// word must be to pair. Below [`PAIR_MIN`] words are not alike, whatever else agrees.
const CORROBORATING_WORDS: usize = 2;
const CORROBORATED_MIN_LETTERS: usize = 4;
const CORROBORATED_PAIR_MIN: f64 = PAIR_MIN;
/// Words left over on either side at most.
const CORROBORATED_MAX_LEFT: usize = 2;
/// A given name against one of its nicknames (`data/nicknames.csv`).
const NICKNAME_SIMILARITY: f64 = 0.88;
/// A short word (two or three letters) one letter off its listed word, when every other word of
/// both names is the same, in a person's name ("Kim Jong On" / "KIM, Jong Un").
const SHORT_SLIP_SIMILARITY: f64 = 0.9;
const SHORT_SLIP_MAX_LEN: usize = 3;
/// A query word and a listed word that both found no partner replace each other ("Mary" for
/// "Mark", "Ibrahimovich" for "Magomedovich"): each costs its whole weight, unlike a word that
/// is only added or left out.
const REPLACED_WORD: f32 = 1.0;
/// A weak ("low quality") alias alone justifies less.
const WEAK_ALIAS_FACTOR: f64 = 0.9;

#[derive(Debug)]
pub(crate) struct QueryToken<'a> {
    /// Borrowed from the index for a word of the lists (no copy per query), owned otherwise.
    pub word: std::borrow::Cow<'a, Word>,
    pub weight: f32,
    /// Vocabulary words similar enough to find candidates with, most similar first.
    pub similar: std::borrow::Cow<'a, [(VocabId, f64)]>,
    /// Pinyin of a name written in characters: each syllable is one exact character, so a
    /// syllable one letter off ("jian" / "juan") is another character, and a listed given name
    /// of two syllables ("Guo Ying") is not the one-syllable "Ying".
    pub syllable: bool,
    /// A company type the normalizer dropped from the end of a name of unknown kind, which may
    /// be a name ("Ag" in "Moussa Bah Ag"): after the other words, it pairs only with an equal
    /// listed word and costs nothing unpaired.
    pub optional: bool,
    /// The word names a forebear ([`crate::normalize::Token::forebear`]).
    pub forebear: bool,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ScoredName {
    pub name: NameId,
    pub score: f64,
    /// Every word of the query and of the listed name found its counterpart, in the same script
    /// (or the two compared as one string, spaced differently): the names differ at most in
    /// spelling.
    pub complete: bool,
}

/// "alaqsa" against "aqsa", "dehernandez" against "hernandez": an article or name particle
/// written glued to the word.
fn glued_article(long: &[u8], short: &[u8]) -> bool {
    short.len() >= 3
        && long.len() > short.len()
        && long.ends_with(short)
        && crate::normalize::is_particle_text(&long[..long.len() - short.len()])
}

/// Below this, word similarity falls twice as fast: two words that share only some letters
/// ("Sabawi" / "Sarafi") are different words, not a typo.
const STEEP_BELOW: f64 = 0.88;

/// The similarity a pair of words contributes to a name's score.
fn pair_value(similarity: f64) -> f64 {
    if similarity >= STEEP_BELOW { similarity } else { (STEEP_BELOW - 2.0 * (STEEP_BELOW - similarity)).max(0.0) }
}

/// The sound class of a word's first letter. Words whose first letters differ in class are not
/// compared (the first-letter filter of watchman and of OFAC's own search): "Qaddafi" and
/// "Gaddafi" are compared, "Hassan" and "Karim" are not.
fn first_sound(word: &[u8]) -> u8 {
    match word.first() {
        Some(b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'h' | b'w') => b'a',
        Some(b'b' | b'p') => b'b',
        Some(b'f' | b'v') => b'f',
        Some(b'c' | b'k' | b'q' | b'g') => b'k',
        Some(b'j' | b'z' | b's' | b'x') => b's',
        Some(b'd' | b't') => b't',
        Some(&other) => other,
        None => 0,
    }
}

/// The first consonant, in classes finer than the skeleton's: across scripts an Arabic ج (j),
/// ز (z), س (s) and ش (sh) are different letters, whatever Latin spellings confuse ("جذام" is
/// not "Saddam").
fn first_consonant(word: &[u8]) -> u8 {
    let at = word.iter().position(|c| !matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'h' | b'w'));
    match at.map(|i| (word[i], word.get(i + 1))) {
        Some((b's', Some(b'h'))) => b'x',
        Some((b'c' | b'k' | b'q' | b'g', _)) => b'k',
        Some((b'd' | b't', _)) => b't',
        Some((b'b' | b'p', _)) => b'b',
        Some((b'f' | b'v', _)) => b'f',
        Some((c, _)) => c,
        None => 0,
    }
}

/// Cheap tests that rule out most pairs before any string distance is computed.
fn comparable(a: &[u8], b: &[u8], skeletons: (&str, &str), abjad_against_latin: bool) -> bool {
    if abjad_against_latin {
        let (x, y) = skeletons;
        return x.is_empty()
            || y.is_empty()
            || (x.as_bytes()[0] == y.as_bytes()[0] && first_consonant(a) == first_consonant(b));
    }
    let (short, long) = if a.len() <= b.len() { (a.len(), b.len()) } else { (b.len(), a.len()) };
    long - short <= 2.max(long / 3) && first_sound(a) == first_sound(b)
}

/// The masculine and feminine forms of one name ("Mario" / "Maria", "Fernando" / "Fernanda",
/// "Aleksandr" / "Aleksandra", "Ivanov" / "Ivanova"): one letter apart, but two people.
fn gender_forms(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() < 4 {
        return false;
    }
    let (short_last, long_last) = (short[short.len() - 1], long[long.len() - 1]);
    if short.len() == long.len() {
        short[..short.len() - 1] == long[..long.len() - 1]
            && matches!((short_last, long_last), (b'a', b'o') | (b'o', b'a'))
    } else {
        long.len() == short.len() + 1 && long_last == b'a' && long.starts_with(short) && short_last != b'a'
    }
}

/// What comparing spelling keys instead of the letters costs: the table's equivalences are
/// sound, but two spellings are still a little less certain than one.
const SPELLING_KEY_DISCOUNT: f64 = 0.03;

/// How alike two words are: as written, or as spelling keys ([`Word::key`], the equivalent
/// spellings of `data/spellings.tsv` written one way, also at the first letter), less a little,
/// when the keys are alike but for a slip.
pub(crate) fn word_similarity(query: &Word, word: &Word) -> f64 {
    let written = letters_similarity(query, word);
    if written >= 1.0 - SPELLING_KEY_DISCOUNT || query.abjad || word.abjad || (!query.respelt && !word.respelt) {
        return written;
    }
    let (a, b) = (query.key.as_bytes(), word.key.as_bytes());
    if a == b {
        return written.max(1.0 - SPELLING_KEY_DISCOUNT);
    }
    // Keys alike but for a slip score at most what letters this alike already score.
    if written >= STEEP_BELOW || a.len() < 2 || b.len() < 2 || !comparable(a, b, ("", ""), false) || gender_forms(a, b)
    {
        return written;
    }
    let jw = jaro_winkler(a, b);
    let keyed = if jw < 0.6 { jw * 0.9 } else { (jw + edit_ratio(a, b)) / 2.0 };
    // Keys that are alike only in part are another name spelt another way ("Hamid" / "Khalid"
    // is not "Halid" / "Khalid"): the keys count when they are the same but for a slip.
    if keyed >= STEEP_BELOW { written.max(keyed - SPELLING_KEY_DISCOUNT) } else { written }
}

fn letters_similarity(query: &Word, word: &Word) -> f64 {
    let (a, b) = (query.text.as_bytes(), word.text.as_bytes());
    if a == b {
        return 1.0;
    }
    // Numbers ("44", a series "2") are equal or different, never alike.
    if a[0].is_ascii_digit() || b[0].is_ascii_digit() {
        return 0.0;
    }
    // A given name and its nickname ("Ted" / "Theodore", "Bill" / "William").
    if query.nicknames.iter().any(|g| word.nicknames.contains(g)) {
        return NICKNAME_SIMILARITY;
    }
    // Two given or family names of the reference list that differ in more than spelling (not
    // the same consonants nor the same spelling key: "Mary" / "Mark", "Hans" / "Hanna") are
    // two names; "Mohammed" / "Muhammad", "Tom" / "Tim" differ only in their vowels.
    if query.known_name && word.known_name && query.skeleton != word.skeleton && query.key != word.key {
        return 0.0;
    }
    // Gender forms are forms of names ("Mario" / "Maria"; "Litografi" is "Litografia" mistyped).
    if !query.abjad && !word.abjad && (query.known_name || word.known_name) && gender_forms(a, b) {
        return GENDER_FORM_SIMILARITY;
    }
    if a.len() == 1 || b.len() == 1 {
        return if a.first() == b.first() { INITIAL_SIMILARITY } else { 0.0 };
    }
    if query.symbol.is_some() && query.symbol == word.symbol {
        return SYMBOL_SIMILARITY;
    }
    let (text_skeleton, abjad) = (&*query.skeleton, query.abjad);
    if !comparable(a, b, (text_skeleton, &word.skeleton), abjad != word.abjad) {
        return if glued_article(a, b) || glued_article(b, a) { GLUED_ARTICLE_SIMILARITY } else { 0.0 };
    }
    if glued_article(a, b) || glued_article(b, a) {
        return GLUED_ARTICLE_SIMILARITY;
    }
    let jw = jaro_winkler(a, b);
    // The edit ratio of words this far apart is lower still: their mean cannot reach PAIR_MIN.
    let mut similarity = if jw < 0.6 { jw * 0.9 } else { (jw + edit_ratio(a, b)) / 2.0 };
    let same_skeleton = !text_skeleton.is_empty() && text_skeleton == &*word.skeleton;
    if abjad != word.abjad {
        // Two consonants agree by chance far too often across scripts ("حسين"/"Hussein" and
        // "حسيب"/"SPP" both give two): only longer skeletons are strong evidence.
        let skeleton_similarity = if same_skeleton && text_skeleton.len() >= 3 {
            ABJAD_SKELETON_SIMILARITY
        } else if same_skeleton && text_skeleton.len() == 2 {
            SHORT_ABJAD_SKELETON_SIMILARITY
        } else {
            0.9 * jaro_winkler(text_skeleton.as_bytes(), word.skeleton.as_bytes())
        };
        similarity = similarity.max(skeleton_similarity);
    } else if same_skeleton && text_skeleton.len() >= 3 && a[0] == b[0] && a.len() >= 6 && b.len() >= 6 {
        similarity = similarity.max(LATIN_SKELETON_SIMILARITY);
    } else if a.len() >= 5 && b.len() >= 5 && query.vowel_pattern == word.vowel_pattern {
        similarity = similarity.max(VOWEL_PATTERN_SIMILARITY);
    }
    similarity
}

/// The similarities of this query's words to the listed words similar to them, by listed
/// word: a slot per vocabulary word (stamped with the query's epoch, so nothing is cleared
/// between queries) points at one similarity per query word. With the pair list `score_name`
/// sorts, kept per thread so that a query allocates neither.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    epoch: u32,
    slots: Vec<(u32, u32)>,
    similarities: Vec<f64>,
    query_words: usize,
    pairs: Vec<(f64, usize, usize)>,
}

impl Memo {
    pub fn start(&mut self, query: &[QueryToken], vocabulary: usize) {
        if self.slots.len() < vocabulary {
            self.slots.resize(vocabulary, (0, 0));
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.slots.iter_mut().for_each(|slot| slot.0 = 0);
            self.epoch = 1;
        }
        self.similarities.clear();
        self.query_words = query.len();
        for (i, token) in query.iter().enumerate() {
            for &(word, similarity) in token.similar.iter() {
                let slot = &mut self.slots[word as usize];
                if slot.0 != self.epoch {
                    *slot = (self.epoch, self.similarities.len() as u32);
                    self.similarities.resize(self.similarities.len() + query.len(), 0.0);
                }
                self.similarities[slot.1 as usize + i] = similarity;
            }
        }
    }

    /// The similarity of query word `i` to a listed word. Words that are alike were found when
    /// the query's similar words were worked out (equal, one edit, same skeleton, vowel pattern
    /// or organisation word); any other pair counts only as an initial against its word.
    fn similarity(&self, index: &Index, query: &[QueryToken], i: usize, word: VocabId) -> f64 {
        let (epoch, offset) = self.slots[word as usize];
        if epoch == self.epoch {
            let known = self.similarities[offset as usize + i];
            if known > 0.0 {
                return known;
            }
        }
        let (a, b) = (query[i].word.text.as_bytes(), index.words[word as usize].text.as_bytes());
        if (a.len() == 1 || b.len() == 1) && a[0] == b[0] { INITIAL_SIMILARITY } else { 0.0 }
    }
}

/// The pairs chosen so far between query words and a listed name's words, and what they add up to.
#[derive(Debug, Default)]
struct Pairing {
    query_used: u64,
    name_used: u64,
    matched: f64,
    total: f64,
    /// Letters of paired words that are neither common names nor organisation words.
    distinctive: usize,
    /// Pairs of such words, of four letters or more, equal on both sides.
    exact_distinctive: usize,
    /// Pairs of any words of four letters or more equal on both sides.
    exact_long: usize,
    full_pairs: usize,
    /// The listed party is a person: place and organisation words in its name are names.
    listed_person: bool,
    /// Pairs of an initial and a word it begins (or two initials).
    initial_pairs: usize,
    /// Pairs in which neither word is a reference given or family name nor an organisation
    /// word.
    unusual_pairs: usize,
    /// The query's words that are not [`QueryToken::optional`] (they come first).
    required: usize,
    all_exact: bool,
    swapped: (Option<f64>, Option<f64>),
    /// The listed name's forebear words, when both names name forebears (else 0).
    forebears: u64,
    /// A word paired with a word of the other role: the bearer's own name with a forebear's.
    forebear_crossed: bool,
}

impl Pairing {
    /// The second of two listed words a query word was paired with, glued: it counts as
    /// matched at the pair's similarity, at half its weight on each side.
    fn also_paired(&mut self, index: &Index, words: &[VocabId], similarity: f64, j: usize) {
        self.name_used |= 1 << j.min(63);
        let weight = f64::from(index.words[words[j] as usize].weight);
        self.matched += pair_value(similarity) * weight;
        self.total += weight;
        self.all_exact &= similarity >= 1.0;
    }

    fn pair(&mut self, index: &Index, query: &[QueryToken], words: &[VocabId], similarity: f64, i: usize, j: usize) {
        self.query_used |= 1 << i;
        self.name_used |= 1 << j.min(63);
        if self.forebears != 0 && j < 64 {
            self.forebear_crossed |= query[i].forebear != (self.forebears & (1 << j) != 0);
        }
        // The query's first word (a given name) on the listed name's last word (the family
        // name) and its last word on the listed first: a name written family-first, or another
        // person whose given and family names resemble this one's crosswise.
        if i == 0 && j == words.len() - 1 {
            self.swapped.0 = Some(similarity);
        } else if i + 1 == self.required && j == 0 {
            self.swapped.1 = Some(similarity);
        }
        let listed = &index.words[words[j] as usize];
        let (query_weight, word_weight) = (query[i].weight, listed.weight);
        let is_initial = query[i].word.text.len() == 1 || listed.text.len() == 1;
        self.all_exact &= similarity >= 1.0;
        let weight = if is_initial {
            self.initial_pairs += 1;
            // An initial vouches only for its own (small) weight; the rest of the full word
            // counts as missing. Two initials are the same evidence on both sides.
            let (initial, full) = (query_weight.min(word_weight), query_weight.max(word_weight));
            if query[i].word.text.len() != listed.text.len() {
                self.total += f64::from((full - initial) * MISSING_INNER_WORD);
            }
            f64::from(initial)
        } else {
            // A place or organisation word in a person's name is a name ("Mustafa Chad").
            let generic = (query[i].word.generic || listed.generic) && !self.listed_person;
            let common = listed.common;
            if similarity >= 1.0 && listed.text.len() >= CORROBORATED_MIN_LETTERS {
                self.exact_long += 1;
            }
            if !generic && !common {
                self.distinctive += listed.text.len();
                if similarity >= 1.0 && listed.text.len() >= CORROBORATED_MIN_LETTERS {
                    self.exact_distinctive += 1;
                }
            }
            self.full_pairs += 1;
            if !generic && !query[i].word.known_name && !listed.known_name {
                self.unusual_pairs += 1;
            }
            let factor = if generic {
                GENERIC_PAIR_FACTOR
            } else if common {
                COMMON_PAIR_FACTOR
            } else {
                1.0
            };
            f64::from(query_weight + word_weight) / 2.0 * factor
        };
        self.matched += 2.0 * pair_value(similarity) * weight;
        self.total += 2.0 * weight;
    }
}

/// How alike a word split in two must be to the word glued.
const SPLIT_PAIR_MIN: f64 = STEEP_BELOW;

/// Pairs an unpaired word with two adjacent unpaired words of the other side, joined, where the
/// two are alike (at least [`SPLIT_PAIR_MIN`]): the second word of the two counts as paired at
/// the same similarity.
fn pair_split_words(index: &Index, query: &[QueryToken], words: &[VocabId], required: usize, tally: &mut Pairing) {
    let listed = |j: usize| &index.words[words[j] as usize];
    let free_query =
        |tally: &Pairing, i: usize| i < required && tally.query_used & (1 << i) == 0 && !query[i].word.abjad;
    let free_name =
        |tally: &Pairing, j: usize| j < words.len().min(64) && tally.name_used & (1 << j) == 0 && !listed(j).abjad;
    // A query word against two listed words.
    for i in 0..required {
        if !free_query(tally, i) {
            continue;
        }
        for j in 0..words.len().saturating_sub(1) {
            if !free_name(tally, j) || !free_name(tally, j + 1) {
                continue;
            }
            if !same_first_letter(&query[i].word, listed(j)) {
                continue;
            }
            let similarity = glued_similarity(&query[i].word, (listed(j), listed(j + 1)));
            // Pinyin of characters is exact: "guiying" is not "Guo Ying".
            if similarity >= SPLIT_PAIR_MIN && (!query[i].syllable || similarity >= 1.0) {
                tally.pair(index, query, words, similarity, i, j);
                tally.also_paired(index, words, similarity, j + 1);
                break;
            }
        }
    }
    // A listed word against two query words.
    for j in 0..words.len().min(64) {
        if !free_name(tally, j) {
            continue;
        }
        for i in 0..required.saturating_sub(1) {
            if !free_query(tally, i) || !free_query(tally, i + 1) {
                continue;
            }
            if !same_first_letter(listed(j), &query[i].word) {
                continue;
            }
            let similarity = glued_similarity(listed(j), (&query[i].word, &query[i + 1].word));
            if similarity >= SPLIT_PAIR_MIN && (!query[i].syllable || similarity >= 1.0) {
                tally.pair(index, query, words, similarity, i, j);
                tally.query_used |= 1 << (i + 1);
                tally.matched += pair_value(similarity) * f64::from(query[i + 1].weight);
                tally.total += f64::from(query[i + 1].weight);
                break;
            }
        }
    }
}

/// Whether two words begin with the same letter, as written or as spelling keys: a glued word
/// begins like its first part.
fn same_first_letter(a: &Word, b: &Word) -> bool {
    a.text.as_bytes()[0] == b.text.as_bytes()[0] || a.key.as_bytes().first() == b.key.as_bytes().first()
}

/// How alike a word is to two words glued, as written or as spelling keys (less
/// [`SPELLING_KEY_DISCOUNT`]), without building a word: this runs per candidate.
fn glued_similarity(word: &Word, (first, second): (&Word, &Word)) -> f64 {
    let alike = |a: &[u8], b1: &[u8], b2: &[u8]| {
        let glued_len = b1.len() + b2.len();
        // A glued word is longer than either part, begins like the first and ends like the
        // second (a slip elsewhere).
        if a.len() + 2 < glued_len
            || glued_len + 2 < a.len()
            || a.len() <= b1.len().max(b2.len())
            || glued_len > 64
            || a[..2] != b1[..2.min(b1.len())]
            || a.last() != b2.last()
        {
            return 0.0;
        }
        let mut buffer = [0u8; 64];
        buffer[..b1.len()].copy_from_slice(b1);
        buffer[b1.len()..glued_len].copy_from_slice(b2);
        let b = &buffer[..glued_len];
        if a == b {
            return 1.0;
        }
        let jw = jaro_winkler(a, b);
        if jw < 0.85 { 0.0 } else { (jw + edit_ratio(a, b)) / 2.0 }
    };
    let written = alike(word.text.as_bytes(), first.text.as_bytes(), second.text.as_bytes());
    if written >= 1.0 || (!word.respelt && !first.respelt && !second.respelt) {
        return written;
    }
    let keyed = alike(word.key.as_bytes(), first.key.as_bytes(), second.key.as_bytes()) - SPELLING_KEY_DISCOUNT;
    written.max(keyed)
}

pub(crate) fn score_name(
    index: &Index,
    query: &[QueryToken],
    query_joined: &str,
    memo: &mut Memo,
    name: &IndexedName,
    name_id: NameId,
    floor: f64,
) -> ScoredName {
    let words = &name.words;
    let mut pairs = std::mem::take(&mut memo.pairs);
    pairs.clear();
    for i in 0..query.len() {
        for (j, &word) in words.iter().enumerate() {
            let similarity = memo.similarity(index, query, i, word);
            if similarity >= PAIR_MIN
                && (!query[i].syllable || similarity >= 1.0)
                && (!query[i].optional || similarity >= 1.0)
            {
                pairs.push((similarity, i, j));
            }
        }
    }
    pairs.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
    let required = query.iter().filter(|t| !t.optional).count();
    let required_mask = (1u64 << required) - 1;
    let listed_person = index.entry(name).kind == Kind::Person;
    // Names that both name forebears ("bin", "ibn", "ben") must give each word the same role.
    let forebears = if query.iter().any(|t| t.forebear) { name.forebears } else { 0 };
    let mut tally = Pairing { all_exact: true, required, listed_person, forebears, ..Pairing::default() };
    for &(similarity, i, j) in &pairs {
        if tally.query_used & (1 << i) != 0 || tally.name_used & (1 << j.min(63)) != 0 {
            continue;
        }
        tally.pair(index, query, words, similarity, i, j);
    }
    memo.pairs = pairs;
    // Two distinctive words equal on both sides make the name likely enough to compare the words
    // left over in full, which the search for similar words skips as too far apart: one word
    // transliterated differently and mistyped ("Kmiia" / "KIMIYA"). A word or two, not a name
    // that is mostly another's.
    let left_over = |used: u64, i: usize, token: &QueryToken| {
        used & (1 << i) == 0 && token.word.text.len() >= CORROBORATED_MIN_LETTERS && !token.syllable && !token.optional
    };
    // Or the whole name but one word on each side, equal word for word, the word left over a
    // name, not a place or trade word: "Nordsrtamd" is a slip for "Nordstrand", "Chile" another
    // country than "China". The cheap counts first: most candidates are neither.
    let all_but_one_paired = tally.all_exact
        && tally.exact_long >= 1
        && tally.query_used.count_ones() as usize + 1 == required
        && tally.name_used.count_ones() as usize + 1 == words.len().min(64);
    let corroborated = if tally.exact_distinctive >= CORROBORATING_WORDS || all_but_one_paired {
        let query_left = query.iter().enumerate().filter(|&(i, t)| left_over(tally.query_used, i, t)).count();
        let name_left = (0..words.len().min(64))
            .filter(|&j| {
                tally.name_used & (1 << j) == 0 && index.words[words[j] as usize].text.len() >= CORROBORATED_MIN_LETTERS
            })
            .count();
        let few_left =
            (1..=CORROBORATED_MAX_LEFT).contains(&query_left) && (1..=CORROBORATED_MAX_LEFT).contains(&name_left);
        let all_but_one = all_but_one_paired && query_left == 1 && name_left == 1 && {
            query.iter().enumerate().filter(|&(i, t)| left_over(tally.query_used, i, t)).all(|(_, t)| !t.word.generic)
                && (0..words.len().min(64))
                    .filter(|&j| tally.name_used & (1 << j) == 0)
                    .all(|j| !index.words[words[j] as usize].generic)
        };
        if tally.exact_distinctive >= CORROBORATING_WORDS && few_left {
            Some(CORROBORATED_PAIR_MIN)
        } else if all_but_one {
            // A person's family name a slip or two away is as often another family's name
            // ("Albano" / "Albanese"): only close spellings pair there.
            Some(if tally.listed_person { STEEP_BELOW } else { CORROBORATED_PAIR_MIN })
        } else {
            None
        }
    } else {
        None
    };
    if let Some(pair_min) = corroborated {
        for (i, token) in query.iter().enumerate() {
            if !left_over(tally.query_used, i, token) {
                continue;
            }
            let best = words
                .iter()
                .enumerate()
                .filter(|&(j, _)| j < 64 && tally.name_used & (1 << j) == 0)
                .map(|(j, &word)| (word_similarity(&token.word, &index.words[word as usize]), j))
                .filter(|&(similarity, j)| {
                    similarity >= pair_min && index.words[words[j] as usize].text.len() >= CORROBORATED_MIN_LETTERS
                })
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((similarity, j)) = best {
                tally.pair(index, query, words, similarity, i, j);
            }
        }
    }
    // A word split on one side and glued on the other ("Patr Ushev" / "PATRUSHEV", "Jeongeun" /
    // "Jong Un"): an unpaired word against two adjacent unpaired words of the other side, joined,
    // alike but for a slip or a spelling (see `word_similarity`).
    if tally.query_used.count_ones() as usize != required
        || tally.name_used.count_ones() as usize != words.len().min(64)
    {
        pair_split_words(index, query, words, required, &mut tally);
    }
    // The words left without a partner on each side, as bit sets.
    let name_mask = if words.len() >= 64 { u64::MAX } else { (1u64 << words.len()) - 1 };
    let unpaired = |tally: &Pairing| (required_mask & !tally.query_used, name_mask & !tally.name_used);
    if let (query_left, name_left) = unpaired(&tally)
        && query_left.count_ones() == 1
        && name_left.count_ones() == 1
        && tally.all_exact
        && tally.full_pairs >= 1
        && !query[query_left.trailing_zeros() as usize].syllable
        // In a company's name a short word is a word ("Camelias Mar" is not "Camelias Bar").
        && matches!(index.entry(name).kind, Kind::Person | Kind::Unknown)
    {
        let (i, j) = (query_left.trailing_zeros() as usize, name_left.trailing_zeros() as usize);
        let (a, b) = (query[i].word.text.as_bytes(), index.words[words[j] as usize].text.as_bytes());
        if (2..=SHORT_SLIP_MAX_LEN).contains(&a.len())
            && a.len() == b.len()
            && a.iter().zip(b).filter(|(x, y)| x != y).count() == 1
        {
            tally.pair(index, query, words, SHORT_SLIP_SIMILARITY, i, j);
        }
    }
    let (query_left, name_left) = unpaired(&tally);
    let replaced = query_left.count_ones().min(name_left.count_ones());
    // The first `replaced` listed words left over are the replaced ones.
    let replaced_words = {
        let mut mask = name_left;
        for _ in 0..replaced {
            mask &= mask - 1;
        }
        name_left & !mask
    };
    let Pairing {
        query_used,
        name_used,
        matched,
        mut total,
        distinctive,
        full_pairs,
        initial_pairs,
        unusual_pairs,
        all_exact,
        swapped,
        forebear_crossed,
        ..
    } = tally;
    for (i, token) in query.iter().enumerate().take(required) {
        if query_used & (1 << i) == 0 {
            let inner = i > 0 && i + 1 < required && replaced == 0;
            total += f64::from(if inner { EXTRA_INNER_QUERY_WORD } else { EXTRA_QUERY_WORD } * token.weight);
        }
    }
    // Persons (and parties of unknown kind, as the DPL writes them): organisation names are
    // seldom made of given and family names.
    let person = matches!(index.entry(name).kind, Kind::Person | Kind::Unknown);
    let last = words.len() - 1;
    for (j, &word) in words.iter().enumerate() {
        if j >= 64 || name_used & (1 << j) == 0 {
            let share = if query.first().is_some_and(|t| t.syllable) {
                MISSING_SYLLABLE
            } else if j < 64 && name.family & (1 << j) != 0 {
                MISSING_FAMILY_WORD
            } else if j == 0 && person {
                MISSING_GIVEN_NAME
            } else if j == 0 || j == last {
                MISSING_OUTER_WORD
            } else {
                MISSING_INNER_WORD
            };
            let share = if j < 64 && replaced_words & (1 << j) != 0 { share.max(REPLACED_WORD) } else { share };
            total += f64::from(share * index.words[word as usize].weight);
        }
    }
    let mut score = if total > 0.0 { matched / total } else { 0.0 };
    let query_complete = query_used & required_mask == required_mask;
    let name_complete = name_used.count_ones() as usize == words.len().min(64);
    // Written family-first, a name is still that name; but a crosswise match that is also
    // inexact ("Liam Thomas" / "THOMAS LIM") is two coincidences, not one. Three or more words
    // on each side, all paired, are the whole name turned round ("Mooussa Bah Ag" / "BAH AG
    // MOUSSA"), not a coincidence.
    let rotated = query_complete && name_complete && query_used.count_ones() >= 3 && words.len() >= 3;
    if let (Some(first), Some(last)) = swapped
        && required >= 2
        && words.len() >= 2
        && person
        && first.min(last) < 1.0
        && !rotated
    {
        score -= SWAPPED_INEXACT_PENALTY;
    }
    let whole_name = all_exact && query_complete && name_complete;
    // Across scripts (Arabic script against Latin) the skeletons are coarse: a match is only
    // evidence when every word of both names found its counterpart ("حسيب العارف" is not "SPP").
    let cross_script = query.iter().any(|t| t.word.abjad) != words.iter().any(|&w| index.words[w as usize].abjad);
    let every_word_paired = query_complete && name_complete;
    // Part of a longer listed name that lacks one of its family names or its first given name,
    // made only of common given and family names ("Michael Johnson" / "WILLIAM MICHAEL
    // JOHNSON", "Tomas Molina" / "MOLINA CARACAS, Tomas"): many people bear those names. A
    // middle name left out is usual and does not count.
    let lacks_main_name =
        (0..words.len().min(64)).any(|j| name_used & (1 << j) == 0 && (j == 0 || name.family & (1 << j) != 0));
    // A number on one side that the other lacks or writes differently: another of a series
    // ("Fund III" / "Fund IV", "Solutions" / "Solutions II"), another unit ("Brigade 44").
    let number_left = (0..required)
        .any(|i| query_used & (1 << i) == 0 && query[i].word.text.as_bytes()[0].is_ascii_digit())
        || (0..words.len().min(64))
            .any(|j| name_used & (1 << j) == 0 && index.words[words[j] as usize].text.as_bytes()[0].is_ascii_digit());
    // A person's name with one of its words replaced by another name ("… BEN HAMID AL-AOUADI" /
    // "… BEN ABDALLAH AL-AOUADI", "TARIQ ANWAR EL SAYED MOHAMED" / "… AHMED"): in the chains of
    // Arabic and other patronymic names every word names the bearer or a forebear, so another
    // word names another person, however long the part that agrees. A word that is only left
    // out (a middle name, a patronymic) is not a replacement.
    let word_left = |text: &[u8]| text.len() >= 3 && text[0].is_ascii_alphabetic();
    let replaced_word = person
        && score > COMMON_ONLY_CAP
        && replaced > 0
        && (0..required).any(|i| query_used & (1 << i) == 0 && word_left(query[i].word.text.as_bytes()))
        && (0..words.len().min(64))
            .any(|j| name_used & (1 << j) == 0 && word_left(index.words[words[j] as usize].text.as_bytes()));
    let common_part =
        person && lacks_main_name && unusual_pairs == 0 && full_pairs <= MAX_COMMON_PAIRS && required <= 2;
    if (cross_script && !every_word_paired)
        || forebear_crossed
        || replaced_word
        || common_part
        || number_left
        || (distinctive < MIN_DISTINCTIVE_LETTERS
            && full_pairs + initial_pairs <= MAX_COMMON_PAIRS
            && !whole_name
            && person)
    {
        score = score.min(COMMON_ONLY_CAP);
    }
    // Words split or joined differently ("Transneftprivolga" / "Transneft-Privolga"): compare the
    // names without spaces, when the lengths allow that to beat the word score.
    let (joined_q, joined_n) = (query_joined.len(), name.joined.len());
    let all_paired = query_complete && name_used.count_ones() as usize == words.len();
    // Only where the word counts differ (a word split or glued) and the names are short enough
    // for the quadratic comparison to stay cheap.
    let split_or_glued = required != words.len() && !all_paired && {
        // Some unpaired word on one side begins with an unpaired word of the other
        // ("transneftprivolga" / "transneft", "hua" / "huawei").
        let unpaired_query =
            (0..required).filter(|i| query_used & (1 << i) == 0).map(|i| query[i].word.text.as_bytes());
        let unpaired_name: Vec<&[u8]> = (0..words.len())
            .filter(|&j| j >= 64 || name_used & (1 << j) == 0)
            .map(|j| index.words[words[j] as usize].text.as_bytes())
            .collect();
        unpaired_query.into_iter().any(|q| unpaired_name.iter().any(|w| q.starts_with(w) || w.starts_with(q)))
    };
    // Across scripts a complete pairing is still coarse evidence (see above).
    let mut complete = every_word_paired && !cross_script;
    if split_or_glued && (4..=JOINED_MAX).contains(&joined_q) && (4..=JOINED_MAX).contains(&joined_n) {
        let length_bound = joined_q.min(joined_n) as f64 / joined_q.max(joined_n) as f64 - JOINED_DISCOUNT;
        if length_bound > score && length_bound >= floor {
            let joined = edit_ratio(query_joined.as_bytes(), &name.joined) - JOINED_DISCOUNT;
            // The same letters, spaced differently.
            complete |= joined > score && !cross_script;
            score = score.max(joined);
        }
    }
    if name.strength == NameStrength::Weak {
        score *= WEAK_ALIAS_FACTOR;
    }
    ScoredName { name: name_id, score: score.clamp(0.0, 1.0), complete }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gender_forms_are_two_names() {
        for (a, b) in [("mario", "maria"), ("fernando", "fernanda"), ("aleksandr", "aleksandra"), ("ivanov", "ivanova")]
        {
            assert!(gender_forms(a.as_bytes(), b.as_bytes()), "{a} / {b}");
        }
        // A typo or a transliteration is not a gender form.
        for (a, b) in [("maria", "mariya"), ("ana", "anna"), ("hasan", "hassan"), ("marin", "maria")] {
            assert!(!gender_forms(a.as_bytes(), b.as_bytes()), "{a} / {b}");
        }
    }

    #[test]
    fn equivalent_spellings_compare_alike_and_other_names_do_not() {
        let normalizer = crate::normalize::Normalizer::new();
        let word = |text: &str| {
            Word::new(&normalizer, &crate::normalize::Token { text: text.into(), abjad: false, forebear: false })
        };
        let similarity = |a: &str, b: &str| word_similarity(&word(a), &word(b));
        for (a, b) in [("harullah", "khairullah"), ("halid", "khalid"), ("wladimir", "vladimir"), ("ksi", "shi")] {
            assert!(similarity(a, b) >= STEEP_BELOW, "{a} / {b}: {}", similarity(a, b));
        }
        for (a, b) in [("hamid", "khalid"), ("halim", "khalid"), ("hamidullah", "khairullah"), ("zhanna", "hanna")] {
            assert!(similarity(a, b) < 0.8, "{a} / {b}: {}", similarity(a, b));
        }
    }
}
