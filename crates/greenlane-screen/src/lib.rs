//! Denied-party screening: load sanctions and export-control lists, then find the listed parties
//! a name may refer to, in microseconds.
//!
//! ```no_run
//! use greenlane_screen::{Kind, Query, Screener, RECOMMENDED_HOLD_THRESHOLD};
//!
//! let screener = Screener::load_dir(std::path::Path::new("lists"))?;
//! let query = Query { name: "Bank Melli Iran", country: Some("IR"), kind: Some(Kind::Organization) };
//! for hit in screener.screen(&query) {
//!     let hold = hit.score >= RECOMMENDED_HOLD_THRESHOLD;
//!     println!("{} {} {} {:.2} hold={hold}", hit.list, hit.entry_id, hit.name, hit.score);
//! }
//! // Later, when the files in the folder change: on error the lists in force stay in force.
//! let report = screener.reload(std::path::Path::new("lists"))?;
//! # Ok::<(), greenlane_screen::ScreenError>(())
//! ```
//!
//! The crate's README documents the list files, the generic CSV format and how scores are made.

mod countries;
mod entry;
mod error;
mod hash;
mod index;
mod load;
mod normalize;
mod rigour;
mod score;
pub mod similarity;
mod spelling;

use std::path::Path;
use std::sync::{Arc, RwLock};

pub use countries::country_code;
pub use entry::{Entry, Kind, List, ListedName, NameStrength};
pub use error::ScreenError;
pub use load::ListSet;
pub use normalize::MAX_NAME_CHARS;

use index::Index;

/// The score at and above which a party should be held for an officer: measured on the labelled
/// set in `tests/data/` (see BENCHMARKS.md, "Screening").
pub const RECOMMENDED_HOLD_THRESHOLD: f64 = 0.80;

/// A party to screen.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<'a> {
    /// The name as written, in any script.
    pub name: &'a str,
    /// An ISO 3166-1 alpha-2 code or an English country name. A listed country that agrees raises
    /// the score a little, one that disagrees lowers it a little; it never excludes on its own,
    /// and a name that is the listed name but for spelling it lowers the less the more certain
    /// the name.
    pub country: Option<&'a str>,
    /// Person or organisation, when known: a hit on the other kind scores lower.
    pub kind: Option<Kind>,
}

impl<'a> Query<'a> {
    pub fn name(name: &'a str) -> Self {
        Query { name, country: None, kind: None }
    }
}

/// A listed party the query may refer to.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The list id (`us_ofac_sdn`, `un_sc`, `us_csl`, …) and its version.
    pub list: String,
    pub list_version: String,
    pub entry_id: String,
    /// The sub-list within a combined list (CSL's "Entity List (EL) - …"), else empty.
    pub source: String,
    /// The listed name (primary or alias) that matched, as the list writes it.
    pub name: String,
    pub primary_name: String,
    pub name_strength: NameStrength,
    pub kind: Kind,
    pub countries: Vec<String>,
    pub programs: Vec<String>,
    /// In [0, 1]; 1 is the same name after normalization.
    pub score: f64,
}

/// Scores below the floor are not reported; at most `limit` matches per query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenConfig {
    pub floor: f64,
    pub limit: usize,
}

impl Default for ScreenConfig {
    fn default() -> Self {
        ScreenConfig { floor: 0.70, limit: 10 }
    }
}

/// A list now in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSummary {
    pub id: String,
    pub version: String,
    pub files: Vec<String>,
    pub entries: usize,
}

/// What a reload put in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReloadReport {
    pub lists: Vec<ListSummary>,
    /// Files in the folder that no loader recognised.
    pub skipped: Vec<std::path::PathBuf>,
    /// Names indexed over all lists (primary names and aliases, duplicates removed).
    pub names: usize,
}

/// Screens names against the lists in force. Cheap to share between threads (`&self` methods);
/// [`Screener::reload`] swaps the lists atomically, and a search already running finishes on the
/// lists it started with.
#[derive(Debug)]
pub struct Screener {
    index: RwLock<Arc<Index>>,
    config: ScreenConfig,
}

const KIND_MISMATCH_PENALTY: f64 = 0.08;
const COUNTRY_AGREES_BONUS: f64 = 0.02;
/// Company types of different classes on both sides ("Deutsche Bank AG" / "Deutsche Bank
/// GmbH"): two companies of one group, often, or one renamed; a little against.
const LEGAL_FORM_PENALTY: f64 = 0.05;
/// What a listed country that differs from the query's costs a partial name match, and at most
/// a complete one (see [`country_disagrees`]).
const COUNTRY_DISAGREES_PENALTY: f64 = 0.04;

impl Screener {
    pub fn new(lists: ListSet) -> Screener {
        Screener::with_config(lists, ScreenConfig::default())
    }

    pub fn with_config(lists: ListSet, config: ScreenConfig) -> Screener {
        Screener { index: RwLock::new(Arc::new(Index::build(lists.lists))), config }
    }

    /// Loads every recognised list in `dir` (see [`ListSet::load_dir`]).
    pub fn load_dir(dir: &Path) -> Result<Screener, ScreenError> {
        Ok(Screener::new(ListSet::load_dir(dir)?))
    }

    /// Loads `dir` again and puts its lists in force. On any error the lists in force stay in
    /// force and the error names the file and line.
    pub fn reload(&self, dir: &Path) -> Result<ReloadReport, ScreenError> {
        let set = ListSet::load_dir(dir)?;
        Ok(self.replace(set))
    }

    /// Puts `lists` in force in place of the lists in force.
    pub fn replace(&self, lists: ListSet) -> ReloadReport {
        let skipped = lists.skipped;
        let index = Arc::new(Index::build(lists.lists));
        let report = ReloadReport { lists: summaries(&index), skipped, names: index.names.len() };
        *self.index.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = index;
        report
    }

    fn current(&self) -> Arc<Index> {
        self.index.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    pub fn lists(&self) -> Vec<ListSummary> {
        summaries(&self.current())
    }

    pub fn config(&self) -> ScreenConfig {
        self.config
    }

    /// The listed parties the query may refer to, best first, each once (its best-matching
    /// name), only those scoring at least the configured floor.
    pub fn screen(&self, query: &Query<'_>) -> Vec<Match> {
        self.screen_with_floor(query, self.config.floor)
    }

    pub fn screen_with_floor(&self, query: &Query<'_>, floor: f64) -> Vec<Match> {
        let index = self.current();
        let kind = query.kind.unwrap_or(Kind::Unknown);
        let query = &Query { name: normalize::bounded(query.name), ..*query };
        let mut dropped = Vec::new();
        let mut form = None;
        let tokens = index.normalizer.tokens_and_dropped_types(query.name, kind, Some(&mut dropped), Some(&mut form));
        let country = query.country.and_then(country_code);
        // Exact syllables only for a Chinese name, not for a foreign one transcribed.
        let han = !query.name.is_ascii() && {
            let chars: Vec<char> = query.name.chars().collect();
            chars.iter().any(|&c| normalize::is_han(c))
                && !chars.iter().any(|&c| normalize::is_kana(c))
                && !normalize::is_transcribed_name(&chars)
        };
        let mut found = index.search(&tokens, &dropped, floor, han);
        let mut extended = false;
        // An organisation's acronym ("PLA") finds the names whose initials it is, where the
        // query says it names an organisation: a person's or buyer's short name is no acronym.
        if kind == Kind::Organization && index::ACRONYM_SCORE >= floor {
            for &name in index.acronym_names(&tokens) {
                extended = true;
                found.push(score::ScoredName { name, score: index::ACRONYM_SCORE, complete: false });
            }
        }
        // Hangul is read in both romanisations the lists and passports use; each entry keeps
        // its better reading.
        if !query.name.is_ascii() && query.name.chars().any(normalize::is_hangul) {
            let tokens =
                index.normalizer.tokens_read(query.name, kind, None, None, normalize::HangulReading::McCuneReischauer);
            found.extend(index.search(&tokens, &dropped, floor, han));
            extended = true;
        }
        if extended {
            found.sort_by(|a, b| b.score.total_cmp(&a.score));
            let mut seen = Vec::new();
            found.retain(|scored| {
                let name = &index.names[scored.name as usize];
                let entry = (name.list, name.entry);
                let first = !seen.contains(&entry);
                seen.push(entry);
                first
            });
        }
        let mut matches: Vec<(f64, &index::IndexedName)> = found
            .into_iter()
            .map(|scored| {
                let name = &index.names[scored.name as usize];
                let entry = index.entry(name);
                let mut score = scored.score;
                score -= kind_penalty(kind, entry.kind);
                if let (Some(a), Some(b)) = (form, name.form)
                    && a != b
                {
                    score -= LEGAL_FORM_PENALTY;
                }
                if let Some(country) = country
                    && !entry.countries.is_empty()
                {
                    if entry.countries.iter().any(|c| c == country) {
                        score += COUNTRY_AGREES_BONUS;
                    } else {
                        score = country_disagrees(score, scored.complete);
                    }
                }
                (score.clamp(0.0, 1.0), name)
            })
            .filter(|(score, _)| *score >= floor)
            .collect();
        matches.sort_by(|a, b| b.0.total_cmp(&a.0));
        matches.truncate(self.config.limit);
        matches
            .into_iter()
            .map(|(score, name)| {
                let list = &index.lists[name.list as usize];
                let entry = index.entry(name);
                let listed = &entry.names[name.name as usize];
                Match {
                    list: list.id.clone(),
                    list_version: list.version.clone(),
                    entry_id: entry.entry_id.clone(),
                    source: entry.source.clone(),
                    name: listed.name.clone(),
                    primary_name: entry.primary_name().to_string(),
                    name_strength: listed.strength,
                    kind: entry.kind,
                    countries: entry.countries.clone(),
                    programs: entry.programs.clone(),
                    score,
                }
            })
            .collect()
    }

    /// Every indexed name in normalized form (words joined by one space), e.g. for a brute-force
    /// comparison in a benchmark.
    pub fn normalized_names(&self) -> Vec<String> {
        self.current().normalized_names()
    }
}

/// A name in the normalized form the screener compares (words joined by one space).
pub fn normalize_name(name: &str, kind: Kind) -> String {
    thread_local! {
        static NORMALIZER: normalize::Normalizer = normalize::Normalizer::new();
    }
    NORMALIZER.with(|n| n.tokens(name, kind).into_iter().map(|t| t.text).collect::<Vec<_>>().join(" "))
}

/// What a known kind that differs from the listed kind costs: a person is never a company; a
/// company and a vessel or aircraft may share a name (an owner, an operator), so less.
fn kind_penalty(query: Kind, listed: Kind) -> f64 {
    match (query, listed) {
        (Kind::Unknown, _) | (_, Kind::Unknown) => 0.0,
        (a, b) if a == b => 0.0,
        (Kind::Person, _) | (_, Kind::Person) => KIND_MISMATCH_PENALTY,
        (Kind::Organization, _) | (_, Kind::Organization) => KIND_MISMATCH_PENALTY / 2.0,
        _ => 0.0,
    }
}

/// A score after the listed country turned out to differ from the query's. Buyers of listed
/// parties often receive through other countries (AE, TR, HK, KZ, AM, GE, KG, …), so where the
/// names differ at most in spelling (`complete`: every word of both found its counterpart, in
/// the same script) a differing country says little: the penalty times the name's doubt (1 −
/// score; nothing for an exact name, under a hundredth near the hold threshold). A partial match
/// (a word added, missing or replaced: "Martín Ponce" / "PONCE FELIX, Martin Humberto") pays the
/// whole penalty, as it did before. On the labelled set given hub
/// countries (`tests/accuracy.rs`, BENCHMARKS.md "Screening") a penalty that could release any
/// name released true hits before false ones.
fn country_disagrees(score: f64, complete: bool) -> f64 {
    if !complete {
        return score - COUNTRY_DISAGREES_PENALTY;
    }
    score - COUNTRY_DISAGREES_PENALTY * (1.0 - score).clamp(0.0, 1.0)
}

fn summaries(index: &Index) -> Vec<ListSummary> {
    index
        .lists
        .iter()
        .map(|l| ListSummary {
            id: l.id.clone(),
            version: l.version.clone(),
            files: l.files.clone(),
            entries: l.entries.len(),
        })
        .collect()
}
