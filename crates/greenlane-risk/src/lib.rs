//! greenlane's risk engine: selectivity criteria that analysts write as TOML, compiled and
//! indexed; analyzers that learn reference prices, weights, names and buyers' windows from the
//! traffic; lanes from additive scores with a random floor, an expected-rate governor and a cap
//! on hits without selection (ASYCUDA); enterprise credit classes; what officers find fed back.
//!
//! # Brief overview
//!
//! ```
//! use greenlane_risk::{CriteriaSet, Engine};
//! // The criteria shipped in the binary (`criteria/default/*.toml`): what `greenlane serve` runs.
//! let mut engine = Engine::with_default_criteria().unwrap();
//! assert!(engine.criteria().version.starts_with("default-"));
//! // An analyst's folder; every error comes back with file, line and column, and nothing changes.
//! # let dir = tempfile::tempdir().unwrap();
//! # for (name, text) in greenlane_risk::DEFAULT_FILES { std::fs::write(dir.path().join(name), text).unwrap(); }
//! let set = CriteriaSet::load_dir(dir.path()).unwrap();
//! engine.replace_criteria(set); // atomic; what the analyzers learned is kept
//! ```
//!
//! The engine implements [`greenlane_core::risk::RiskEngine`]: the pipeline calls
//! [`RiskEngine::assess`] once per parcel in arrival order, [`RiskEngine::observe_inspection`]
//! when an officer records an outcome. After a restart, [`Engine::warm_up`] each stored parcel in
//! its original order (and [`Engine::observe_inspection`] each stored inspection) to rebuild what
//! was learned before assessing new ones: learning depends only on parcels and message time, so
//! the rebuilt state equals the one lost.
//!
//! How a parcel is assessed:
//! 1. Its features (destination ISO code, value in CNY, terms found in the item names, the
//!    exporter's credit class) are computed once; the index yields the criteria that can match
//!    (by HS prefix, name term, party code, country), and only those are evaluated.
//! 2. Matching criteria add their weight to the score or set a minimum lane; a criterion with
//!    `percent` below 100 selects that share of its matches by keyed hash, and after
//!    `max_hits_without_selection` misses the next match is selected.
//! 3. The analyzers add weighted signals, each first judging with what it learned from earlier
//!    parcels, then learning from this one: `analyzer.unit_value` (price far below the robust
//!    median of identical goods, the same tariff line and item name, when they have been seen
//!    often enough, else of the tariff line, else of the HS subheading per destination or
//!    overall: undervaluation),
//!    `analyzer.unit_value_high`, `analyzer.weight` / `analyzer.weight_heavy` (weight per unit),
//!    `analyzer.name_code` (another code explains the item name far better, naive Bayes over
//!    name tokens learned from the traffic: misclassification), `analyzer.name_novel` (a name unlike
//!    any under a code whose names are usually alike), `analyzer.name_hs_text` (cold start: the
//!    name's words against the HS 2022 text, its character pairs against China's tariff names),
//!    `analyzer.split_shipment` (one buyer and exporter, several parcels within the window,
//!    together over the destination's de minimis in force on
//!    the list's date), `analyzer.brand_price` / `analyzer.brand_unlisted` (a brand term at a
//!    fraction of the genuine price learned from repeat sellers, from an unauthorised seller),
//!    `analyzer.exporter_record` (violations officers found, per parcel shipped, against the hub's
//!    rate).
//! 4. Credit class: dishonest enterprises get a weight, advanced certified ones a lower score.
//! 5. The score maps to a lane by the `[lanes]` thresholds; document findings (Reject →
//!    rejected, Review → at least yellow) and screening hits above the hold threshold (→ hold)
//!    apply; then the random floor (a SipHash of copNo + ebcCode under the set's key) and the
//!    expected-rate governor.
//! 6. Every assessment carries reasons: the criterion id or analyzer name and plain words with
//!    the numbers.

mod analyzers;
mod backtest;
mod compat;
mod compile;
mod criteria;
mod error;
mod hs;
mod licence;
mod segment;
mod snapshot;

pub use backtest::{BacktestCase, BacktestReport, KindOutcome, backtest};
pub use criteria::{
    AnalyzerSettings, Band, Brand, Compatibility, Condition, CreditClass, CreditSettings, CriteriaSet, Criterion,
    DEFAULT_FILES, DeMinimis, Effect, Field, GovernorSettings, LicenceState, RandomFloor, Thresholds,
};
pub use error::{CriteriaError, RiskError};
pub use licence::placeholder_reason;

use analyzers::{Learned, Signal};
use compile::{Compiled, Features, Scratch};
use greenlane_core::check::{self as documents, Comparison, Finding, Rates, Severity};
use greenlane_core::risk::{Assessment, Evidence, RiskEngine, screening_reason};
use greenlane_core::{Inspection, InspectionOutcome, Lane, ListKey, Parcel, Reason, ViolationKind};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as FxMap;
use serde::Serialize;
use siphasher::sip::SipHasher13;
use std::collections::{HashMap, VecDeque};
use std::hash::Hasher;

/// How one criterion (or analyzer, or the random floor) has fared, for analysts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionStats {
    /// A criterion id, an analyzer (`analyzer.unit_value`…), `random.*` or `governor.*`.
    pub id: String,
    /// `criterion`, `analyzer`, `random` or `governor`.
    pub source: &'static str,
    pub kind: Option<ViolationKind>,
    /// Parcels it matched.
    pub hits: u64,
    /// Parcels it matched that went to an officer (yellow, red or hold).
    pub selected: u64,
    /// Of those, inspected, and found violating.
    pub inspected: u64,
    pub confirmed: u64,
    /// Of those inspected, found compliant: the honest parcels it stopped, its cost to traders
    /// and officers (issue 11's audit: a criterion that stops more compliant parcels than it
    /// finds violations is reweighted, narrowed or dropped).
    pub compliant_stopped: u64,
    /// hits / parcels assessed.
    pub hit_rate: f64,
    /// confirmed / inspected.
    pub confirmation_rate: Option<f64>,
}

#[derive(Debug, Default, Clone)]
struct Counts {
    id: String,
    hits: u64,
    selected: u64,
    inspected: u64,
    confirmed: u64,
    kind: Option<ViolationKind>,
    source: &'static str,
}

/// Lists routed to officers are remembered (up to this many) so that their inspection can be
/// credited to the criteria that selected them.
const ROUTED_MAX: usize = 1_000_000;

/// The risk engine. Owned by the pipeline's single writer; see the crate docs.
#[derive(Debug)]
pub struct Engine {
    set: CriteriaSet,
    compiled: Compiled,
    sip: (u64, u64),
    learned: Learned,
    /// Matches not selected since the last selection, per criterion id.
    unselected: HashMap<String, u32>,
    /// The last `governor.window` lanes.
    window: VecDeque<Lane>,
    window_counts: [u32; 8],
    /// One slot per criterion id, analyzer, random or governor rule ever seen: kept across
    /// criteria sets, found by id.
    stats: Vec<Counts>,
    slot_of: FxMap<String, u32>,
    /// The slot and the prepared reason message of each criterion of the set in force.
    criterion_slots: Vec<u32>,
    criterion_messages: Vec<String>,
    assessed: u64,
    routed: FxMap<ListKey, Vec<u32>>,
    routed_order: VecDeque<ListKey>,
    scratch: Scratch,
    terms: Vec<u32>,
    signals: Vec<Signal>,
}

fn sip_key(key: &str) -> (u64, u64) {
    let digest = <sha2::Sha256 as sha2::Digest>::digest(key.as_bytes());
    let k0 = u64::from_le_bytes(digest[..8].try_into().unwrap_or([0; 8]));
    let k1 = u64::from_le_bytes(digest[8..16].try_into().unwrap_or([0; 8]));
    (k0, k1)
}

/// A uniform number in [0, 1) from a keyed hash of the declaration (INTERFACES.md §6).
fn keyed_uniform(key: (u64, u64), parts: &[&str]) -> f64 {
    let mut h = SipHasher13::new_with_keys(key.0, key.1);
    for p in parts {
        h.write(p.as_bytes());
        h.write_u8(0xff);
    }
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

fn lane_index(l: Lane) -> usize {
    Lane::ALL.iter().position(|x| *x == l).unwrap_or(0)
}

impl Engine {
    /// An engine running `set`, having learned nothing yet.
    pub fn new(set: CriteriaSet) -> Engine {
        let compiled = Compiled::new(&set);
        let sip = sip_key(&set.random.key);
        let mut engine = Engine {
            set,
            compiled,
            sip,
            learned: Learned::default(),
            unselected: HashMap::new(),
            window: VecDeque::new(),
            window_counts: [0; 8],
            stats: Vec::new(),
            slot_of: FxMap::default(),
            criterion_slots: Vec::new(),
            criterion_messages: Vec::new(),
            assessed: 0,
            routed: FxMap::default(),
            routed_order: VecDeque::new(),
            scratch: Scratch::default(),
            terms: Vec::new(),
            signals: Vec::new(),
        };
        engine.prepare();
        engine
    }

    /// Slots and reason messages of the criteria in force.
    fn prepare(&mut self) {
        self.criterion_slots = Vec::with_capacity(self.set.criteria.len());
        self.criterion_messages = Vec::with_capacity(self.set.criteria.len());
        for i in 0..self.set.criteria.len() {
            let (id, kind) = (self.set.criteria[i].id.clone(), self.set.criteria[i].kind);
            let slot = self.slot(&id, "criterion", kind);
            self.criterion_slots.push(slot);
            let c = &self.set.criteria[i];
            let effect = match c.effect {
                Effect::Lane(l) => format!("{} lane", l.as_str()),
                Effect::Weight(w) => format!("+{w}"),
            };
            self.criterion_messages.push(format!("{} ({effect}) Officer: {}", c.rationale, c.instruction));
        }
    }

    fn slot(&mut self, id: &str, source: &'static str, kind: Option<ViolationKind>) -> u32 {
        if let Some(&s) = self.slot_of.get(id) {
            return s;
        }
        let s = self.stats.len() as u32;
        self.stats.push(Counts { id: id.to_owned(), source, kind, ..Default::default() });
        self.slot_of.insert(id.to_owned(), s);
        s
    }

    /// The engine with the criteria shipped in the binary: what runs with no configuration.
    pub fn with_default_criteria() -> Result<Engine, RiskError> {
        Ok(Engine::new(CriteriaSet::default_set()?))
    }

    /// The engine with the criteria of an analyst's folder (`*.toml`).
    pub fn load_dir(dir: &std::path::Path) -> Result<Engine, RiskError> {
        Ok(Engine::new(CriteriaSet::load_dir(dir)?))
    }

    /// The criteria in force.
    pub fn criteria(&self) -> &CriteriaSet {
        &self.set
    }

    /// Swaps the criteria in one step (the next assessment uses the new set entirely), keeping
    /// what the analyzers learned and the criteria's statistics. Returns the old set.
    pub fn replace_criteria(&mut self, set: CriteriaSet) -> CriteriaSet {
        let compiled = Compiled::new(&set);
        self.sip = sip_key(&set.random.key);
        self.compiled = compiled;
        let old = std::mem::replace(&mut self.set, set);
        self.prepare();
        old
    }

    /// Learns from a parcel without assessing it: for rebuilding learned state from stored
    /// parcels after a restart, in their original order.
    pub fn warm_up(&mut self, parcel: &Parcel) {
        self.compiled.find_terms(parcel, &mut self.terms);
        let terms = std::mem::take(&mut self.terms);
        let f = self.features(parcel, &terms);
        // Judged as `assess` would, because judging decides what is learned.
        let mut signals = std::mem::take(&mut self.signals);
        signals.clear();
        self.learned.judge(&f, &self.set, &self.compiled.term_brand, &mut signals);
        self.learned.learn(&f, &self.set, &self.compiled.term_brand);
        self.signals = signals;
        self.terms = terms;
    }

    /// [`Engine::warm_up`], and the lane the parcel was given counted in the window the
    /// governor keeps its expected rates against: a restarted hub then tops lanes up, and caps
    /// them, as the hub that ran straight through would have.
    pub fn warm_up_decided(&mut self, parcel: &Parcel, lane: Lane) {
        self.warm_up(parcel);
        self.record_lane(lane);
    }

    fn record_lane(&mut self, lane: Lane) {
        self.window.push_back(lane);
        self.window_counts[lane_index(lane)] += 1;
        while self.window.len() > self.set.governor.window as usize {
            if let Some(old) = self.window.pop_front() {
                self.window_counts[lane_index(old)] -= 1;
            }
        }
    }

    /// Hit counts and rates per criterion and analyzer, by id.
    pub fn criteria_stats(&self) -> Vec<CriterionStats> {
        let mut out: Vec<CriterionStats> = self
            .stats
            .iter()
            .map(|c| CriterionStats {
                id: c.id.clone(),
                source: c.source,
                kind: c.kind,
                hits: c.hits,
                selected: c.selected,
                inspected: c.inspected,
                confirmed: c.confirmed,
                compliant_stopped: c.inspected - c.confirmed,
                hit_rate: if self.assessed == 0 { 0.0 } else { c.hits as f64 / self.assessed as f64 },
                confirmation_rate: (c.inspected > 0).then(|| c.confirmed as f64 / c.inspected as f64),
            })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// Parcels assessed so far.
    pub fn assessed(&self) -> u64 {
        self.assessed
    }

    fn features<'p>(&self, parcel: &'p Parcel, terms: &'p [u32]) -> Features<'p> {
        let list = &parcel.list;
        let currency = list.items.first().map_or(parcel.order.currency.as_str(), |i| i.currency.as_str());
        let fx = fx_rate(&self.set, currency, list.app_time.month());
        let value = list.goods_value();
        Features {
            parcel,
            dest: compile::iso2_of(&list.country),
            buyer_country: parcel.order.buyer.as_ref().map(|b| b.country.as_str()),
            fx,
            value_cny: fx.map_or(value, |r| value * r),
            quantity: list.items.iter().map(|i| i.qty).sum(),
            terms,
            credit: self.set.credit.classes.get(&list.key.ebc_code).copied().unwrap_or(CreditClass::General),
        }
    }

    fn window_share(&self, lanes: &[Lane]) -> f64 {
        if self.window.is_empty() {
            return 0.0;
        }
        let n: u32 = lanes.iter().map(|l| self.window_counts[lane_index(*l)]).sum();
        f64::from(n) / self.window.len() as f64
    }
}

/// CNY per unit of `currency` (customs code or ISO alpha) in the customs month `month`
/// (`YYYYMM`): the dated customs table, then the set's `[fx]` for currencies the table lacks.
pub(crate) fn fx_rate(set: &CriteriaSet, currency: &str, month: u32) -> Option<Decimal> {
    if documents::is_yuan(currency) {
        return Some(Decimal::ONE);
    }
    if let Some(r) = greenlane_codes::exchange_rate(currency, (month / 100) as i32, month % 100) {
        return Some(r.cny_per_unit);
    }
    if let Some(r) = set.fx.get(currency) {
        return Some(*r);
    }
    let alpha = greenlane_codes::currency_by_customs_code(currency)?;
    set.fx.get(alpha.iso_alpha.as_str()).copied()
}

/// The lane a score reaches by the set's thresholds.
fn lane_for(score: f64, t: &Thresholds) -> Lane {
    if score >= t.red {
        Lane::Red
    } else if score >= t.yellow {
        Lane::Yellow
    } else if score >= t.blue {
        Lane::Blue
    } else {
        Lane::Green
    }
}

/// The rates the document check converts with: those of [`fx_rate`].
struct SetRates<'a>(&'a CriteriaSet);

impl Rates for SetRates<'_> {
    fn cny_per_unit(&self, currency: &str, at: greenlane_core::MessageTime) -> Option<Decimal> {
        fx_rate(self.0, currency, at.month())
    }

    fn minor_units(&self, currency: &str) -> u32 {
        greenlane_codes::currency_by_customs_code(currency)
            .or_else(|| greenlane_codes::currency_by_iso_alpha(currency))
            .map_or(2, |c| c.minor_units)
    }
}

impl RiskEngine for Engine {
    fn snapshot(&self) -> Option<Vec<u8>> {
        Some(Engine::snapshot(self))
    }

    fn restore(&mut self, snapshot: &[u8]) -> Result<(), greenlane_core::risk::SnapshotRefused> {
        Engine::restore(self, snapshot)
    }

    fn warm_up(&mut self, parcel: &Parcel, lane: Lane) {
        self.warm_up_decided(parcel, lane);
    }

    fn check_documents(&self, parcel: &Parcel) -> Vec<Finding> {
        documents::three_documents(parcel, &self.set.documents, &SetRates(&self.set))
    }

    fn document_comparisons(&self, parcel: &Parcel) -> Vec<Comparison> {
        documents::comparisons(parcel, &self.set.documents, &SetRates(&self.set))
    }

    fn assess(&mut self, parcel: &Parcel, evidence: &Evidence<'_>) -> Assessment {
        self.assessed += 1;
        let mut terms = std::mem::take(&mut self.terms);
        self.compiled.find_terms(parcel, &mut terms);
        let f = self.features(parcel, &terms);
        let key = &parcel.list.key;

        let mut score = 0.0;
        let mut min_lane = Lane::Green;
        let mut reasons: Vec<Reason> = Vec::new();
        // (id, source, kind) of everything that spoke, for the statistics.
        let mut spoke: Vec<u32> = Vec::new();
        // Whether the lane comes from something that must stop the parcel whatever the capacity.
        let mut must_stop = false;

        let mut scratch = std::mem::take(&mut self.scratch);
        self.compiled.candidates(&f, &mut scratch);
        for &i in &scratch.candidates {
            let cc = &self.compiled.criteria[i as usize];
            if !cc.matches(&f) {
                continue;
            }
            let c = &self.set.criteria[i as usize];
            if cc.percent < 100.0 {
                let u = keyed_uniform(self.sip, &[&key.cop_no, &key.ebc_code, &c.id]);
                let misses = self.unselected.entry(c.id.clone()).or_default();
                let forced = cc.max_hits_without_selection.is_some_and(|m| *misses >= m);
                if u * 100.0 >= cc.percent && !forced {
                    *misses += 1;
                    continue;
                }
                *misses = 0;
            }
            match cc.effect {
                Effect::Lane(l) => {
                    min_lane = min_lane.max(l);
                    must_stop = true;
                }
                Effect::Weight(w) => score += w,
            }
            reasons.push(Reason::new(c.id.clone(), self.criterion_messages[i as usize].clone()));
            spoke.push(self.criterion_slots[i as usize]);
        }
        self.scratch = scratch;

        let mut signals = std::mem::take(&mut self.signals);
        signals.clear();
        self.learned.judge(&f, &self.set, &self.compiled.term_brand, &mut signals);
        for s in &signals {
            score += s.weight;
            reasons.push(Reason::new(s.code, format!("{} (+{:.0})", s.message, s.weight)));
            let slot = match self.slot_of.get(s.code) {
                Some(&slot) => slot,
                None => self.slot(s.code, "analyzer", Some(s.kind)),
            };
            spoke.push(slot);
        }

        // Document findings are graded evidence: their points join the score (and so the lane).
        // One strong enough to send the parcel to an officer on its own is not capped by the
        // governor, since no capacity argument releases documents that cannot be reconciled.
        let t = self.set.thresholds;
        let mut rejected = false;
        for finding in evidence.findings {
            reasons.push(Reason::new(
                finding.reason.code.clone(),
                format!("{} (+{:.0})", finding.reason.message, finding.score),
            ));
            rejected |= finding.severity == Severity::Reject;
            if finding.severity == Severity::Reject || finding.score >= t.yellow {
                must_stop = true;
                min_lane = min_lane.max(Lane::Yellow);
            }
            score += finding.score;
            spoke.push(self.slot(&finding.reason.code, "documents", None));
        }

        let credit = &self.set.credit;
        let mut random_factor = 1.0;
        match f.credit {
            CreditClass::Dishonest => {
                score += credit.dishonest_weight;
                random_factor = credit.dishonest_random_factor;
                reasons.push(Reason::new(
                    "credit.dishonest",
                    format!(
                        "exporter {} is graded a dishonest enterprise (+{})",
                        key.ebc_code, credit.dishonest_weight
                    ),
                ));
            }
            CreditClass::Advanced => {
                score *= credit.advanced_score_factor;
                random_factor = credit.advanced_random_factor;
                reasons.push(Reason::new(
                    "credit.advanced",
                    format!(
                        "exporter {} is an advanced certified enterprise: score ×{}",
                        key.ebc_code, credit.advanced_score_factor
                    ),
                ));
            }
            CreditClass::General => {}
        }

        let mut lane = lane_for(score, &t).max(min_lane);
        if rejected {
            lane = Lane::Rejected;
        }
        for hit in evidence.screening.iter().filter(|h| h.above_hold_threshold) {
            reasons.push(screening_reason(hit));
            lane = lane.max(Lane::Hold);
            must_stop = true;
            spoke.push(self.slot("screening.denied_party", "screening", Some(ViolationKind::SanctionedParty)));
        }

        // Capacity: marginal score-only interventions (the lower half of the yellow band) beyond
        // the cap are released for audit instead; clear cases are never capped.
        let g = self.set.governor;
        if let Some(max) = g.max_intervention
            && !must_stop
            && lane == Lane::Yellow
            && score < (t.yellow + t.red) / 2.0
            && self.window_share(&[Lane::Yellow, Lane::Red, Lane::Hold]) >= max
        {
            reasons.push(Reason::new(
                "governor.capacity",
                format!(
                    "score {score:.0} would send it to {}, but interventions are at their cap of {:.1}% of the last {} parcels: released for post-clearance audit",
                    lane.as_str(),
                    100.0 * max,
                    g.window
                ),
            ));
            spoke.push(self.slot("governor.capacity", "governor", None));
            lane = Lane::Blue;
        }

        // Random floor: a keyed hash of the declaration, never a random number generator.
        let r = &self.set.random;
        if lane < Lane::Red {
            let u = keyed_uniform(self.sip, &[&key.cop_no, &key.ebc_code]);
            let (red, yellow, blue) = (r.red * random_factor, r.yellow * random_factor, r.blue * random_factor);
            let pick = if u < red {
                Some(Lane::Red)
            } else if u < red + yellow {
                Some(Lane::Yellow)
            } else if u < red + yellow + blue {
                Some(Lane::Blue)
            } else {
                None
            };
            if let Some(l) = pick.filter(|l| *l > lane) {
                let id = format!("random.{}", l.as_str());
                reasons.push(Reason::new(
                    id.clone(),
                    format!(
                        "selected at random for {} (rate {:.2}%), for quality control of the criteria",
                        l.as_str(),
                        100.0
                            * match l {
                                Lane::Red => red,
                                Lane::Yellow => yellow,
                                _ => blue,
                            }
                    ),
                ));
                spoke.push(self.slot(&id, "random", None));
                lane = l;
            }
        }

        // Expected rates: top a lane up from would-be-green parcels with some score.
        if lane == Lane::Green && score >= g.top_up_min_score {
            for (l, expected) in
                [(Lane::Red, g.expected_red), (Lane::Yellow, g.expected_yellow), (Lane::Blue, g.expected_blue)]
            {
                if expected > 0.0 && self.window_share(&[l]) < expected {
                    let id = format!("governor.top_up_{}", l.as_str());
                    reasons.push(Reason::new(
                        id.clone(),
                        format!(
                            "{} is below its expected rate of {:.1}%: the highest-scoring parcels (score {score:.0}) are moved up",
                            l.as_str(),
                            100.0 * expected
                        ),
                    ));
                    spoke.push(self.slot(&id, "governor", None));
                    lane = l;
                    break;
                }
            }
        }

        if reasons.is_empty() {
            reasons.push(Reason::new(
                "score",
                format!("nothing of note: score {score:.0}, below the blue threshold of {}", t.blue),
            ));
        }

        // Learn after judging, so a parcel never vouches for itself.
        if lane != Lane::Rejected {
            self.learned.learn(&f, &self.set, &self.compiled.term_brand);
        }
        self.signals = signals;
        self.terms = terms;

        self.record_lane(lane);
        let selected = lane.needs_officer();
        for &slot in &spoke {
            let c = &mut self.stats[slot as usize];
            c.hits += 1;
            c.selected += u64::from(selected);
        }
        if selected && !spoke.is_empty() {
            self.routed.insert(key.clone(), spoke);
            self.routed_order.push_back(key.clone());
            while self.routed_order.len() > ROUTED_MAX {
                if let Some(old) = self.routed_order.pop_front() {
                    self.routed.remove(&old);
                }
            }
        }
        Assessment { lane, score, reasons }
    }

    fn observe_inspection(&mut self, parcel: &Parcel, inspection: &Inspection) {
        let violation = match inspection.outcome {
            InspectionOutcome::Compliant => None,
            InspectionOutcome::Violation(k) => Some(k),
        };
        if let Some(ids) = self.routed.remove(&inspection.list) {
            for slot in ids {
                if let Some(c) = self.stats.get_mut(slot as usize) {
                    c.inspected += 1;
                    c.confirmed += u64::from(violation.is_some());
                }
            }
        }
        self.compiled.find_terms(parcel, &mut self.terms);
        self.learned.observe(parcel, violation, &self.terms, &self.compiled.term_brand);
    }

    fn version(&self) -> &str {
        &self.set.version
    }
}
