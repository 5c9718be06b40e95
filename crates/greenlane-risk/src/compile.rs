//! Criteria compiled for speed: each criterion becomes a short list of typed conditions over a
//! parcel's precomputed [`Features`], and criteria are indexed by their most selective key (HS
//! prefix, item-name term, party code, country), so a parcel evaluates only the criteria that can
//! match it, whatever the size of the set.

use crate::criteria::{Band, Condition, CreditClass, CriteriaSet, Effect, Field};
use crate::licence::{LicenceState, licence_state};
use crate::segment::TermSet;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use greenlane_core::Parcel;
use rust_decimal::Decimal;
use rustc_hash::{FxHashMap as FxMap, FxHashSet as FxSet};
use std::collections::HashMap;

/// What a parcel offers the conditions, computed once per parcel.
#[derive(Debug)]
pub(crate) struct Features<'p> {
    pub parcel: &'p Parcel,
    /// ISO 3166-1 alpha-2 of the list's destination, "" when unknown.
    pub dest: &'p str,
    pub buyer_country: Option<&'p str>,
    /// CNY per unit of the list's currency; `None` when the set has no rate for it.
    pub fx: Option<Decimal>,
    pub value_cny: Decimal,
    pub quantity: Decimal,
    /// Term ids found in the item names, sorted, without repeats.
    pub terms: &'p [u32],
    pub credit: CreditClass,
}

/// ISO alpha-2 of a customs country code (or of an alpha-2 code itself).
pub(crate) fn iso2_of(code: &str) -> &str {
    if code.len() == 2 {
        return code;
    }
    greenlane_codes::country_by_customs_code(code).and_then(|c| c.iso2.as_deref()).unwrap_or("")
}

/// A set of codes: a short list is faster to scan than to hash.
#[derive(Debug)]
enum CodeSet {
    Small(Vec<Box<str>>),
    Large(FxSet<Box<str>>),
}

impl CodeSet {
    fn new(values: &[String]) -> CodeSet {
        if values.len() <= 8 {
            CodeSet::Small(values.iter().map(|v| v.as_str().into()).collect())
        } else {
            CodeSet::Large(values.iter().map(|v| v.as_str().into()).collect())
        }
    }

    fn contains(&self, s: &str) -> bool {
        match self {
            CodeSet::Small(v) => v.iter().any(|x| &**x == s),
            CodeSet::Large(h) => h.contains(s),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Party {
    Destination,
    BuyerCountry,
    Ebc,
    Owner,
    Agent,
    Logistics,
    Platform,
}
const PARTIES: usize = 7;

impl Party {
    fn of<'p>(self, f: &Features<'p>) -> Option<&'p str> {
        let l = &f.parcel.list;
        Some(match self {
            Party::Destination => f.dest,
            Party::BuyerCountry => return f.buyer_country,
            Party::Ebc => &l.key.ebc_code,
            Party::Owner => &l.owner_code,
            Party::Agent => &l.agent_code,
            Party::Logistics => &l.waybill.logistics_code,
            Party::Platform => &l.order.ebp_code,
        })
    }
}

/// Codes that a coarser declaration may hide (`hs_parent_of`).
#[derive(Debug)]
struct ParentOf {
    listed: Vec<Box<str>>,
    /// Every prefix of a listed code shorter than it, from 4 digits.
    parents: FxSet<Box<str>>,
}

/// The level a code is declared at: "8501000000" is the heading 8501 padded with zeros.
pub(crate) fn declared_level(gcode: &str) -> &str {
    let mut s = gcode.trim();
    while s.len() > 4 && s.ends_with("00") {
        s = &s[..s.len() - 2];
    }
    s
}

impl ParentOf {
    fn new(codes: &[String]) -> ParentOf {
        let listed: Vec<Box<str>> = codes.iter().map(|c| c.as_str().into()).collect();
        let parents = codes.iter().flat_map(|c| (4..c.len()).map(move |n| c[..n].into())).collect();
        ParentOf { listed, parents }
    }

    fn holds(&self, gcode: &str) -> bool {
        let code = declared_level(gcode);
        code.len() >= 4 && self.parents.contains(code) && !self.listed.iter().any(|l| code.starts_with(&**l))
    }
}

#[derive(Debug)]
enum Op {
    HsPrefix(Vec<Box<str>>),
    NotHsPrefix(Vec<Box<str>>),
    HsParentOf(Box<ParentOf>),
    Licence(Vec<LicenceState>),
    Party(Party, CodeSet),
    TradeMode(CodeSet),
    Credit(Vec<CreditClass>),
    Terms(Vec<u32>),
    /// Not an index key: no key of the parcel tells whether a name qualifies short of the test
    /// itself, which is one pass over each item name, without allocating for usual lengths.
    NameOnly(Box<TermSet>),
    Present(Field, bool),
    Value(Band),
    UnitPrice(Band),
    Weight(Band),
    Quantity(Band),
    BuyerCountryDiffers(bool),
}

fn field_present(f: Field, p: &Parcel) -> bool {
    match f {
        Field::LicenseNo => p.list.license_no.as_deref().is_some_and(|s| !s.trim().is_empty()),
        Field::Buyer => p.order.buyer.is_some(),
        Field::BuyerTelephone => p.order.buyer.as_ref().is_some_and(|b| b.telephone.is_some()),
        Field::Payment => p.payment.is_some(),
        Field::WaybillEbc => p.waybill.ebc_code.as_deref().is_some_and(|s| !s.is_empty()),
    }
}

impl Op {
    #[inline]
    fn holds(&self, f: &Features) -> bool {
        let p = f.parcel;
        match self {
            Op::HsPrefix(prefixes) => {
                p.list.items.iter().any(|i| prefixes.iter().any(|pre| i.gcode.starts_with(&**pre)))
            }
            Op::NotHsPrefix(prefixes) => {
                !p.list.items.iter().any(|i| prefixes.iter().any(|pre| i.gcode.starts_with(&**pre)))
            }
            Op::HsParentOf(parent) => p.list.items.iter().any(|i| parent.holds(&i.gcode)),
            Op::Licence(states) => states.contains(&licence_state(p)),
            Op::Party(party, set) => party.of(f).is_some_and(|v| set.contains(v)),
            Op::TradeMode(set) => set.contains(&p.list.trade_mode),
            Op::Credit(classes) => classes.contains(&f.credit),
            Op::Terms(ids) => ids.iter().any(|id| f.terms.binary_search(id).is_ok()),
            Op::NameOnly(set) => p.list.items.iter().any(|i| set.covers(&i.gname)),
            Op::Present(field, want) => field_present(*field, p) == *want,
            Op::Value(b) => f.fx.is_some() && b.contains(f.value_cny),
            Op::UnitPrice(b) => f.fx.is_some_and(|fx| p.list.items.iter().any(|i| b.contains(i.price * fx))),
            Op::Weight(b) => b.contains(p.list.gross_weight),
            Op::Quantity(b) => b.contains(f.quantity),
            Op::BuyerCountryDiffers(want) => match f.buyer_country {
                Some(bc) if !f.dest.is_empty() => (bc != f.dest) == *want,
                _ => false,
            },
        }
    }
}

/// A criterion ready to evaluate.
#[derive(Debug)]
pub(crate) struct CompiledCriterion {
    ops: Vec<Op>,
    pub effect: Effect,
    pub percent: f64,
    pub max_hits_without_selection: Option<u32>,
}

impl CompiledCriterion {
    #[inline]
    pub fn matches(&self, f: &Features) -> bool {
        self.ops.iter().all(|op| op.holds(f))
    }
}

/// The index over a set's criteria.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub criteria: Vec<CompiledCriterion>,
    hs: FxMap<Box<str>, Vec<u32>>,
    hs_lengths: Vec<usize>,
    parties: [FxMap<Box<str>, Vec<u32>>; PARTIES],
    by_term: Vec<Vec<u32>>,
    always: Vec<u32>,
    automaton: Option<AhoCorasick>,
    /// For each term id, the brand it names, if any.
    pub term_brand: Vec<Option<u32>>,
    /// For each term id: whether it starts / ends with a Latin letter or digit, where a match
    /// must be a whole word ("lv" must not match "silver").
    term_edges: Vec<(bool, bool)>,
    /// For each term id, whether it is a mask phrase (`[name_masks]`): a term found inside a
    /// mask's match does not count ("ivory" in "ivory white").
    term_mask: Vec<bool>,
}

/// A reusable buffer of candidate criteria, deduplicated by generation stamps.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    stamp: Vec<u32>,
    generation: u32,
    pub candidates: Vec<u32>,
}

impl Compiled {
    pub fn new(set: &CriteriaSet) -> Compiled {
        let mut terms: Vec<String> = Vec::new();
        let mut term_ids: HashMap<String, u32> = HashMap::new();
        let mut term_brand: Vec<Option<u32>> = Vec::new();
        let mut intern = |t: &str, brand: Option<u32>, term_brand: &mut Vec<Option<u32>>| -> u32 {
            let t = t.to_lowercase();
            if let Some(&id) = term_ids.get(&t) {
                if brand.is_some() {
                    term_brand[id as usize] = brand;
                }
                return id;
            }
            let id = terms.len() as u32;
            terms.push(t.clone());
            term_ids.insert(t, id);
            term_brand.push(brand);
            id
        };
        for (b, brand) in set.brands.iter().enumerate() {
            for t in &brand.terms {
                intern(t, Some(b as u32), &mut term_brand);
            }
        }
        let masks: Vec<u32> = set.name_masks.iter().map(|m| intern(m, None, &mut term_brand)).collect();
        let mut compiled = Compiled {
            criteria: Vec::new(),
            hs: FxMap::default(),
            hs_lengths: Vec::new(),
            parties: Default::default(),
            by_term: Vec::new(),
            always: Vec::new(),
            automaton: None,
            term_brand: Vec::new(),
            term_edges: Vec::new(),
            term_mask: Vec::new(),
        };
        enum Anchor {
            Hs(Vec<Box<str>>),
            Terms(Vec<u32>),
            Party(Party, Vec<Box<str>>),
            None,
        }
        let mut anchors = Vec::new();
        for c in &set.criteria {
            let mut ops = Vec::new();
            let mut anchor = Anchor::None;
            // Lower rank = more selective key to index by.
            let mut rank = u8::MAX;
            for cond in &c.conditions {
                let op = match cond {
                    Condition::HsPrefix(v) => {
                        let prefixes: Vec<Box<str>> = v.iter().map(|s| s.as_str().into()).collect();
                        if rank > 0 {
                            (anchor, rank) = (Anchor::Hs(prefixes.clone()), 0);
                        }
                        Op::HsPrefix(prefixes)
                    }
                    // An exclusion selects nothing by itself, so it is never the index key.
                    Condition::NotHsPrefix(v) => Op::NotHsPrefix(v.iter().map(|s| s.as_str().into()).collect()),
                    Condition::HsParentOf(v) => {
                        let parent = ParentOf::new(v);
                        if rank > 0 {
                            let mut keys: Vec<Box<str>> = parent.parents.iter().cloned().collect();
                            keys.sort();
                            (anchor, rank) = (Anchor::Hs(keys), 0);
                        }
                        Op::HsParentOf(Box::new(parent))
                    }
                    Condition::Licence(v) => Op::Licence(v.clone()),
                    Condition::NameTerms(v) => {
                        let ids: Vec<u32> = v.iter().map(|t| intern(t, None, &mut term_brand)).collect();
                        if rank > 1 {
                            (anchor, rank) = (Anchor::Terms(ids.clone()), 1);
                        }
                        Op::Terms(ids)
                    }
                    Condition::Destination(v)
                    | Condition::BuyerCountry(v)
                    | Condition::Ebc(v)
                    | Condition::Owner(v)
                    | Condition::Agent(v)
                    | Condition::Logistics(v)
                    | Condition::Platform(v) => {
                        let (party, r) = match cond {
                            Condition::Destination(_) => (Party::Destination, 4),
                            Condition::BuyerCountry(_) => (Party::BuyerCountry, 4),
                            Condition::Ebc(_) => (Party::Ebc, 2),
                            Condition::Owner(_) => (Party::Owner, 2),
                            Condition::Agent(_) => (Party::Agent, 3),
                            Condition::Logistics(_) => (Party::Logistics, 3),
                            _ => (Party::Platform, 3),
                        };
                        if rank > r {
                            (anchor, rank) = (Anchor::Party(party, v.iter().map(|s| s.as_str().into()).collect()), r);
                        }
                        Op::Party(party, CodeSet::new(v))
                    }
                    Condition::NameOnlyTerms(v) => Op::NameOnly(Box::new(TermSet::new(v))),
                    Condition::TradeMode(v) => Op::TradeMode(CodeSet::new(v)),
                    Condition::Credit(v) => Op::Credit(v.clone()),
                    Condition::Present(f) => Op::Present(*f, true),
                    Condition::Absent(f) => Op::Present(*f, false),
                    Condition::ValueCny(b) => Op::Value(*b),
                    Condition::UnitPriceCny(b) => Op::UnitPrice(*b),
                    Condition::WeightKg(b) => Op::Weight(*b),
                    Condition::Quantity(b) => Op::Quantity(*b),
                    Condition::BuyerCountryDiffers(b) => Op::BuyerCountryDiffers(*b),
                };
                ops.push(op);
            }
            compiled.criteria.push(CompiledCriterion {
                ops,
                effect: c.effect,
                percent: c.percent,
                max_hits_without_selection: c.max_hits_without_selection,
            });
            anchors.push(anchor);
        }
        compiled.by_term = vec![Vec::new(); terms.len()];
        for (i, anchor) in anchors.into_iter().enumerate() {
            let i = i as u32;
            match anchor {
                Anchor::Hs(prefixes) => {
                    for p in prefixes {
                        if !compiled.hs_lengths.contains(&p.len()) {
                            compiled.hs_lengths.push(p.len());
                        }
                        compiled.hs.entry(p).or_default().push(i);
                    }
                }
                Anchor::Terms(ids) => ids.iter().for_each(|t| compiled.by_term[*t as usize].push(i)),
                Anchor::Party(party, codes) => {
                    for code in codes {
                        compiled.parties[party as usize].entry(code).or_default().push(i);
                    }
                }
                Anchor::None => compiled.always.push(i),
            }
        }
        compiled.hs_lengths.sort_unstable();
        if !terms.is_empty() {
            compiled.automaton = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&terms)
                .ok();
        }
        compiled.term_brand = term_brand;
        compiled.term_mask = vec![false; terms.len()];
        for m in masks {
            compiled.term_mask[m as usize] = true;
        }
        compiled.term_edges = terms
            .iter()
            .map(|t| {
                let b = t.as_bytes();
                (b.first().is_some_and(u8::is_ascii_alphanumeric), b.last().is_some_and(u8::is_ascii_alphanumeric))
            })
            .collect();
        compiled
    }

    /// The term ids found in the parcel's item names, leaving out those inside a mask's match.
    pub fn find_terms(&self, parcel: &Parcel, out: &mut Vec<u32>) {
        out.clear();
        let Some(ac) = &self.automaton else { return };
        for item in &parcel.list.items {
            let name = item.gname.as_str();
            let first = out.len();
            // Mask spans, kept only for the rare name that holds a mask phrase.
            let mut masks: Vec<(u32, usize, usize)> = Vec::new();
            self.each_term(ac, name, |id, start, end| {
                if self.term_mask[id as usize] {
                    masks.push((id, start, end));
                }
                out.push(id);
            });
            if masks.is_empty() {
                continue;
            }
            // A mask hides itself and every shorter match inside it, not the text beside it:
            // "象牙白色象牙雕件" still names ivory.
            out.truncate(first);
            self.each_term(ac, name, |id, start, end| {
                let hidden =
                    masks.iter().any(|&(k, ks, ke)| ks <= start && end <= ke && (ke - ks > end - start || k == id));
                if !hidden {
                    out.push(id);
                }
            });
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Every term match in `name` (id, start, end), Latin terms as whole words only.
    fn each_term(&self, ac: &AhoCorasick, name: &str, mut f: impl FnMut(u32, usize, usize)) {
        let bytes = name.as_bytes();
        for m in ac.find_overlapping_iter(name) {
            let id = m.pattern().as_u32();
            let (start_word, end_word) = self.term_edges[id as usize];
            if (start_word && m.start() > 0 && bytes[m.start() - 1].is_ascii_alphanumeric())
                || (end_word && bytes.get(m.end()).is_some_and(u8::is_ascii_alphanumeric))
            {
                continue;
            }
            f(id, m.start(), m.end());
        }
    }

    /// The criteria that can match `f`, each once, in index order.
    pub fn candidates(&self, f: &Features, s: &mut Scratch) {
        if s.stamp.len() < self.criteria.len() {
            s.stamp.resize(self.criteria.len(), 0);
        }
        s.generation = s.generation.wrapping_add(1);
        if s.generation == 0 {
            s.stamp.iter_mut().for_each(|x| *x = 0);
            s.generation = 1;
        }
        s.candidates.clear();
        let g = s.generation;
        let push = |ids: &[u32], s: &mut Scratch| {
            for &i in ids {
                if s.stamp[i as usize] != g {
                    s.stamp[i as usize] = g;
                    s.candidates.push(i);
                }
            }
        };
        push(&self.always, s);
        if !self.hs.is_empty() {
            for item in &f.parcel.list.items {
                for &len in &self.hs_lengths {
                    if let Some(prefix) = item.gcode.get(..len)
                        && let Some(ids) = self.hs.get(prefix)
                    {
                        push(ids, s);
                    }
                }
            }
        }
        for &t in f.terms {
            if let Some(ids) = self.by_term.get(t as usize) {
                push(ids, s);
            }
        }
        for party in [
            Party::Destination,
            Party::BuyerCountry,
            Party::Ebc,
            Party::Owner,
            Party::Agent,
            Party::Logistics,
            Party::Platform,
        ] {
            let index = &self.parties[party as usize];
            if !index.is_empty()
                && let Some(v) = party.of(f)
                && let Some(ids) = index.get(v)
            {
                push(ids, s);
            }
        }
        s.candidates.sort_unstable();
    }
}
