//! Analyzers that learn from the traffic itself, on message time and in arrival order only:
//! reference unit values (undervaluation), plausible weight per unit (weight mismatch), item name
//! against HS code (misclassification), buyer and exporter windows against the destination's de
//! minimis (split shipments), brand terms at implausible prices (counterfeits), and what officers
//! found per exporter. Each first judges a parcel with what it knew before it, then learns from
//! it, so a parcel never vouches for itself.

use crate::compat::compatible_only;
use crate::compile::Features;
use crate::criteria::{CriteriaSet, DeMinimis};
use crate::hs::nomenclature;
use greenlane_core::{MessageTime, Parcel, ViolationKind};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rustc_hash::{FxHashMap as FxMap, FxHashSet as FxSet};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// FNV-1a: a fixed, portable hash, so learned state never depends on a process's random seed.
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// What an analyzer says about a parcel.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Signal {
    pub code: &'static str,
    pub kind: ViolationKind,
    pub weight: f64,
    pub message: String,
}

// ---------------------------------------------------------------------------------------------
// Robust statistics: a histogram over ln(x), from which median and MAD are read.

const BIN: f64 = 0.05;
const LO: f64 = -9.0;
const BINS: usize = 520;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LogHistogram {
    bins: Vec<u32>,
    n: u32,
    cached: Option<(f64, f64)>,
    since: u32,
}

impl LogHistogram {
    fn new() -> LogHistogram {
        LogHistogram { bins: vec![0; BINS], n: 0, cached: None, since: 0 }
    }

    fn add(&mut self, ln_x: f64) {
        if !ln_x.is_finite() {
            return;
        }
        let b = ((ln_x - LO) / BIN).floor().clamp(0.0, (BINS - 1) as f64) as usize;
        self.bins[b] += 1;
        self.n += 1;
        self.since += 1;
    }

    /// Median of ln(x) and a robust sigma (1.4826 MAD, at least two bins), recomputed when the
    /// sample has grown by a sixteenth.
    fn stats(&mut self) -> (f64, f64) {
        if self.cached.is_none() || self.since * 16 >= self.n.max(16) {
            self.cached = Some(self.compute());
            self.since = 0;
        }
        self.cached.unwrap_or((0.0, 1.0))
    }

    fn compute(&self) -> (f64, f64) {
        let half = self.n.div_ceil(2);
        let mut acc = 0;
        let mut mid = 0;
        for (i, &c) in self.bins.iter().enumerate() {
            acc += c;
            if acc >= half {
                mid = i;
                break;
            }
        }
        let mut within = self.bins[mid];
        let mut d = 0;
        while within < half && d < BINS {
            d += 1;
            if mid >= d {
                within += self.bins[mid - d];
            }
            if mid + d < BINS {
                within += self.bins[mid + d];
            }
        }
        let median = LO + (mid as f64 + 0.5) * BIN;
        let sigma = (1.4826 * d as f64 * BIN).max(2.0 * BIN);
        (median, sigma)
    }
}

/// The last [`RECENT`] unit prices (ln CNY) of one kind of goods, with their median and robust
/// sigma. Small and fixed in size, because there is one per tariff line and item name: the
/// customs valuation rule's identical goods.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RecentPrices {
    #[serde(with = "ring")]
    ln: [f32; RECENT],
    len: u8,
    next: u8,
    since: u8,
    cached: Option<(f64, f64)>,
}

/// How many recent prices a kind of goods keeps: enough for a median and a MAD, few enough
/// that a million kinds fit in a few hundred megabytes; recent, because prices drift.
const RECENT: usize = 64;

/// How many kinds of goods are remembered; past it, new kinds are judged by their tariff line
/// only, so memory stays bounded however many names the traffic invents.
const MAX_GOODS_KINDS: usize = 1 << 20;

impl RecentPrices {
    fn new() -> RecentPrices {
        RecentPrices { ln: [0.0; RECENT], len: 0, next: 0, since: 0, cached: None }
    }

    fn len(&self) -> u32 {
        u32::from(self.len)
    }

    fn add(&mut self, ln_x: f64) {
        if !ln_x.is_finite() {
            return;
        }
        self.ln[usize::from(self.next)] = ln_x as f32;
        self.next = ((usize::from(self.next) + 1) % RECENT) as u8;
        self.len = (usize::from(self.len) + 1).min(RECENT) as u8;
        self.since = self.since.saturating_add(1);
    }

    /// Median and robust sigma (1.4826 MAD, at least [`BIN`] · 2 as the histograms have),
    /// recomputed after every eighth new price.
    fn stats(&mut self) -> (f64, f64) {
        if self.cached.is_none() || self.since >= 8 {
            let mut v = self.ln;
            let v = &mut v[..usize::from(self.len)];
            let median = f64::from(*v.select_nth_unstable_by(v.len() / 2, f32::total_cmp).1);
            for x in v.iter_mut() {
                *x = (f64::from(*x) - median).abs() as f32;
            }
            let mad = f64::from(*v.select_nth_unstable_by(v.len() / 2, f32::total_cmp).1);
            self.cached = Some((median, (1.4826 * mad).max(2.0 * BIN)));
            self.since = 0;
        }
        self.cached.unwrap_or((0.0, 1.0))
    }
}

/// The key of a kind of goods: a full tariff line and the tokens of the item's name.
fn goods_kind(hs10: u64, name_tokens: &[u64]) -> u64 {
    name_tokens.iter().fold(hs10.wrapping_mul(0x9e37_79b9_7f4a_7c15), |h, t| (h ^ t).wrapping_mul(0x0100_0000_01b3))
}

// ---------------------------------------------------------------------------------------------
// Item names.

/// The tokens of an item name: words of Latin script, and pairs of neighbouring CJK characters
/// (Chinese has no spaces; character pairs carry most of a name's meaning).
pub(crate) fn tokens(name: &str, out: &mut Vec<u64>) {
    out.clear();
    let mut word = String::new();
    let mut prev_cjk: Option<char> = None;
    let mut lone_cjk: Option<char> = None;
    for c in name.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if !word.is_empty() {
            if word.len() >= 2 && word.bytes().any(|b| b.is_ascii_alphabetic()) {
                out.push(hash_bytes(word.as_bytes()));
            }
            word.clear();
        }
        if (c as u32) >= 0x2E80 && c.is_alphabetic() {
            if let Some(p) = prev_cjk {
                let mut buf = [0u8; 8];
                let a = p.encode_utf8(&mut buf[..4]).len();
                let b = c.encode_utf8(&mut buf[a..]).len();
                out.push(hash_bytes(&buf[..a + b]));
                lone_cjk = None;
            } else {
                lone_cjk = Some(c);
            }
            prev_cjk = Some(c);
        } else {
            if let Some(l) = lone_cjk.take() {
                let mut buf = [0u8; 4];
                out.push(hash_bytes(l.encode_utf8(&mut buf).as_bytes()));
            }
            prev_cjk = None;
        }
    }
    out.sort_unstable();
    out.dedup();
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct CodeNames {
    /// Lines seen under the code.
    n: u32,
    /// Lines judged once the code had enough samples, and those whose name was atypical.
    judged: u32,
    atypical: u32,
}

// ---------------------------------------------------------------------------------------------
// Split shipments.

#[derive(Debug, Default, Serialize, Deserialize)]
struct BuyerWindow {
    /// (message time, value in CNY), oldest first.
    #[serde(with = "decimal_window")]
    parcels: VecDeque<(i64, Decimal)>,
}

// ---------------------------------------------------------------------------------------------
// Brands.

#[derive(Debug, Default, Serialize, Deserialize)]
struct ExporterRecord {
    parcels: u32,
    inspected: u32,
    violations: u32,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct SellerBrand {
    ln_prices: Vec<f32>,
    n: u32,
}

impl SellerBrand {
    fn median(&self) -> f64 {
        let mut v = self.ln_prices.clone();
        v.sort_by(f32::total_cmp);
        f64::from(v[v.len() / 2])
    }
}

/// Everything the analyzers have learned. It outlives criteria sets: replacing the criteria
/// keeps it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Learned {
    value_hs6: FxMap<u32, LogHistogram>,
    value_hs6_dest: FxMap<(u32, [u8; 2]), LogHistogram>,
    /// The same per national 10-digit line: a subheading such as 7117.19 (imitation jewellery)
    /// or 8471.60 (keyboards, mice, scanners) spans goods of very different price and weight,
    /// while a tariff line is far more uniform. Used once a line has enough samples.
    value_hs10: FxMap<u64, LogHistogram>,
    /// The same per kind of goods (tariff line and item name): identical goods in the customs
    /// valuation rule's sense (WTO Valuation Agreement, Article 2; China's price risk
    /// parameters are kept by code, name and specification). One product's price spread is far
    /// narrower than its line's: fur coats of 300 and of 17,000 yuan share 4303.10.10.
    value_goods: FxMap<u64, RecentPrices>,
    /// Weight per unit, per code and quantity band ([`qty_band`]).
    kg_per_unit: FxMap<(u32, u8), LogHistogram>,
    kg_per_unit_hs10: FxMap<(u64, u8), LogHistogram>,
    /// (token, hs6) → lines.
    token_code: FxMap<(u64, u32), u32>,
    /// token → (lines, the code it went under most, lines under that code).
    token_total: FxMap<u64, (u32, u32, u32)>,
    code_names: FxMap<u32, CodeNames>,
    windows: FxMap<u64, BuyerWindow>,
    seller_brand: FxMap<(u32, u32, u64), SellerBrand>,
    /// (brand, hs4) → ln of the genuine unit price: the highest median of a repeat seller.
    brand_reference: FxMap<(u32, u32), f64>,
    brand_authorized: FxSet<(u32, u64)>,
    brand_offenders: FxSet<(u32, u64)>,
    exporters: FxMap<String, ExporterRecord>,
    /// Violations officers confirmed, over all exporters.
    violations: u64,
    learned: u64,
    latest: i64,
    /// Set by `judge` when a name signal fired: such a name is not learned under its code, so
    /// a misclassification repeated by many senders cannot teach itself as normal.
    #[serde(skip)]
    name_flagged: bool,
    /// The tokens of each goods line and the buyer's key, computed by `judge` for `learn`.
    #[serde(skip)]
    line_tokens: Vec<Vec<u64>>,
    #[serde(skip)]
    buyer: Option<u64>,
    #[serde(skip)]
    token_buf: Vec<u64>,
}

fn hs6_of(gcode: &str) -> Option<u32> {
    gcode.get(..6).and_then(|s| s.parse().ok())
}

/// The quantity band a parcel's weight per unit is compared within: the box, tape and filler
/// weigh about the same for one T-shirt as for three, so a parcel of three weighs far less per
/// unit than a parcel of one, and comparing them flagged honest multi-unit parcels as light.
fn qty_band(qty: Decimal) -> u8 {
    match qty.to_f64().unwrap_or(0.0) {
        q if q <= 1.0 => 0,
        q if q <= 3.0 => 1,
        q if q <= 9.0 => 2,
        _ => 3,
    }
}

/// The national tariff line of a full 10-digit code; `None` for a shorter (simplified) one.
fn hs10_of(gcode: &str) -> Option<u64> {
    (gcode.len() == 10).then(|| gcode.parse().ok()).flatten()
}

fn dest_key(dest: &str) -> [u8; 2] {
    let b = dest.as_bytes();
    if b.len() == 2 { [b[0], b[1]] } else { [0, 0] }
}

fn ln(x: Decimal) -> f64 {
    x.to_f64().filter(|v| *v > 0.0).map_or(f64::NAN, f64::ln)
}

fn fmt_hs(code: &str) -> String {
    match code.len() {
        n if n >= 6 => format!("{}.{}", &code[..4], &code[4..6]),
        _ => code.to_owned(),
    }
}

fn money(x: f64) -> String {
    format!("{x:.2}")
}

/// YYYYMMDD of a message time in China.
pub(crate) fn day_of(t: MessageTime) -> u32 {
    // Shift to UTC+8, then civil date from days since the epoch (Howard Hinnant's algorithm).
    let days = (t.0 + 8 * 3600).div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (y * 10_000 + m * 100 + d) as u32
}

/// The destination's threshold in force on `day`, in CNY.
pub(crate) fn de_minimis_cny<'s>(set: &'s CriteriaSet, dest: &str, day: u32) -> Option<(Decimal, &'s DeMinimis)> {
    let dm = set
        .de_minimis
        .iter()
        .filter(|d| d.country == dest && d.from.is_none_or(|f| day >= f) && d.until.is_none_or(|u| day < u))
        .max_by_key(|d| d.from)?;
    // The customs rate of the month, as for the parcel's own value (the dated table first).
    let rate = crate::fx_rate(set, &dm.currency, day / 100)?;
    Some((dm.amount * rate, dm))
}

/// Whether the line names a brand (not merely "compatible with" it) whose genuine goods cost at
/// least about `price_cny`: then a unit value far above what the code usually covers is the
/// brand's, not other goods'. Genuine Nike trainers cost several times a market-stall pair, and
/// an authorised seller's Rolex a hundred times a plain watch.
fn brand_explains_price(
    item: &greenlane_core::ListItem,
    price_cny: Decimal,
    f: &Features,
    set: &CriteriaSet,
    term_brand: &[Option<u32>],
) -> bool {
    let name = item.gname.to_lowercase();
    f.terms.iter().filter_map(|&t| term_brand.get(t as usize).copied().flatten()).any(|b| {
        let brand = &set.brands[b as usize];
        brand.covers(&item.gcode)
            && brand.terms.iter().any(|t| name.contains(t.as_str()))
            && !compatible_only(&name, &brand.terms, &set.compatibility)
            && brand.min_price_for(&item.gcode).is_some_and(|genuine| price_cny >= genuine * Decimal::new(5, 1))
    })
}

fn buyer_key(p: &Parcel) -> Option<u64> {
    let b = p.order.buyer.as_ref()?;
    // Name and address, letters and digits only: "J. Smith, 1 Main St" and "j smith 1 main st" agree.
    let norm: String =
        b.name.chars().chain(b.address.chars()).filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
    if norm.is_empty() {
        return None;
    }
    let key = format!("{}\u{1}{}\u{1}{}", p.list.key.ebc_code, norm, b.country);
    Some(hash_bytes(key.as_bytes()))
}

impl Learned {
    /// Judges `f`'s parcel with what was learned before it.
    pub fn judge(&mut self, f: &Features, set: &CriteriaSet, term_brand: &[Option<u32>], out: &mut Vec<Signal>) {
        let a = &set.analyzers;
        let p = f.parcel;
        self.name_flagged = false;
        let mut lines = std::mem::take(&mut self.line_tokens);
        lines.resize_with(p.list.items.len().max(lines.len()), Vec::new);
        for (item, tokens) in p.list.items.iter().zip(lines.iter_mut()) {
            tokens_into(&item.gname, tokens);
        }
        self.line_tokens = lines;
        self.buyer = buyer_key(p);
        let Some(fx) = f.fx else { return };
        let dk = dest_key(f.dest);
        let mut tokens = std::mem::take(&mut self.token_buf);
        for (line, item) in p.list.items.iter().enumerate() {
            let Some(hs6) = hs6_of(&item.gcode) else { continue };
            let price = item.price * fx;
            let lnp = ln(price);
            // Undervaluation (and goods worth far more than what the code usually covers).
            // The finest reference with enough samples: the tariff line, then the subheading
            // to this destination, then the subheading.
            let hs10 = hs10_of(&item.gcode);
            let kind = hs10.map(|c| goods_kind(c, &self.line_tokens[line]));
            let enough = |h: Option<&LogHistogram>| h.is_some_and(|h| h.n >= a.min_samples);
            let reference = if let Some(r) =
                kind.and_then(|k| self.value_goods.get_mut(&k)).filter(|r| r.len() >= a.goods_min_samples)
            {
                // A reference of few prices is itself uncertain: the spread a new price is
                // judged against is the predictive one, widened by sqrt(1 + k/n) (k the
                // minimum), 1.4 times at the minimum and under 1.1 at the ring's 64 prices.
                let ((median, sigma), n) = (r.stats(), r.len());
                let widen = (1.0 + f64::from(a.goods_min_samples) / f64::from(n.max(1))).sqrt();
                Some(((median, sigma * widen), n, "goods of this name under HS"))
            } else if enough(hs10.and_then(|c| self.value_hs10.get(&c))) {
                hs10.and_then(|c| self.value_hs10.get_mut(&c)).map(|h| (h.stats(), h.n, "HS"))
            } else if enough(self.value_hs6_dest.get(&(hs6, dk))) {
                self.value_hs6_dest.get_mut(&(hs6, dk)).map(|h| (h.stats(), h.n, "HS"))
            } else {
                self.value_hs6.get_mut(&hs6).filter(|h| h.n >= a.min_samples).map(|h| (h.stats(), h.n, "HS"))
            };
            if let Some(((median, sigma), seen, basis)) = reference
                && lnp.is_finite()
            {
                let z = (lnp - median) / sigma;
                if z <= -a.value_z {
                    out.push(Signal {
                        code: "analyzer.unit_value",
                        kind: ViolationKind::Undervaluation,
                        weight: a.value_weight + a.value_weight_per_sigma * (-z - a.value_z),
                        message: format!(
                            "item {}: unit price {} CNY is {:.0}% of the usual {} CNY for {basis} {} ({:.1} robust deviations below, {} parcels seen)",
                            item.item_no,
                            money(lnp.exp()),
                            100.0 * (lnp - median).exp(),
                            money(median.exp()),
                            fmt_hs(&item.gcode),
                            -z,
                            seen
                        ),
                    });
                } else if z >= a.value_high_z && !brand_explains_price(item, price, f, set, term_brand) {
                    out.push(Signal {
                        code: "analyzer.unit_value_high",
                        kind: ViolationKind::Misclassification,
                        // Hundreds of times the usual price is other goods, not a dear variant.
                        weight: (a.value_high_weight + a.value_weight_per_sigma / 2.0 * (z - a.value_high_z)).min(100.0),
                        message: format!(
                            "item {}: unit price {} CNY is {:.0} times the usual {} CNY for {basis} {}: other goods than the code covers?",
                            item.item_no,
                            money(lnp.exp()),
                            (lnp - median).exp(),
                            money(median.exp()),
                            fmt_hs(&item.gcode)
                        ),
                    });
                }
            }
            // Item name against code: a name that another code explains far better, or a name
            // unlike anything declared under a code whose names are usually alike.
            tokens.clear();
            tokens.extend_from_slice(&self.line_tokens[line]);
            // A name that another, well-attested code explains far better is misclassified,
            // whether the declared code is common or one the traffic has seen too little of to
            // judge names by (a T-shirt declared as gearing shows only here).
            let support = a.name_min_samples.min(20);
            let own = self.code_names.get(&hs6).map_or(0, |c| c.n);
            if let Some((better, gain)) = self.better_code(&tokens, hs6, support)
                && gain >= a.name_margin
                && (own >= a.name_min_samples
                    || self.code_names.get(&better).is_some_and(|c| c.n >= a.name_min_samples))
            {
                self.name_flagged = true;
                out.push(Signal {
                    code: "analyzer.name_code",
                    kind: ViolationKind::Misclassification,
                    weight: a.name_weight,
                    message: format!(
                        "item {}: {:?} is declared under HS {} ({}; {own} lines of traffic), but names like it go under HS {:04}.{:02} ({}; {} lines), {:.0} times likelier",
                        item.item_no,
                        item.gname,
                        fmt_hs(&item.gcode),
                        nomenclature().describe(&item.gcode),
                        better / 100,
                        better % 100,
                        nomenclature().describe(&format!("{better:06}")),
                        self.code_names.get(&better).map_or(0, |c| c.n),
                        gain.min(700.0).exp(),
                    ),
                });
                continue;
            }
            // A name unlike any declared under a code whose names are usually alike.
            if let Some(cn) = self.code_names.get(&hs6)
                && cn.n >= a.name_min_samples
            {
                let typical =
                    tokens.iter().map(|t| self.token_code.get(&(*t, hs6)).copied().unwrap_or(0)).max().unwrap_or(0);
                let share = f64::from(typical) / f64::from(cn.n);
                let rate = f64::from(cn.atypical) / f64::from(cn.judged.max(1));
                if share < a.name_typical_share && rate <= a.name_max_atypical_rate {
                    self.name_flagged = true;
                    out.push(Signal {
                        code: "analyzer.name_novel",
                        kind: ViolationKind::Misclassification,
                        weight: a.name_novel_weight,
                        message: format!(
                            "item {}: {:?} is unlike the {} lines declared under HS {} ({}), whose names are usually alike",
                            item.item_no,
                            item.gname,
                            cn.n,
                            fmt_hs(&item.gcode),
                            nomenclature().describe(&item.gcode)
                        ),
                    });
                }
                continue;
            }
            // Cold start: the nomenclature's own words.
            if nomenclature().name_fits(&item.gname, hs6) == Some(false) {
                out.push(Signal {
                    code: "analyzer.name_hs_text",
                    kind: ViolationKind::Misclassification,
                    weight: a.name_text_weight,
                    message: format!(
                        "item {}: {:?} shares no word with HS {} ({})",
                        item.item_no,
                        item.gname,
                        fmt_hs(&item.gcode),
                        nomenclature().describe(&item.gcode)
                    ),
                });
            }
        }
        self.token_buf = tokens;

        // Weight per unit, for single-line lists.
        let single = match p.list.items.as_slice() {
            [item] => Some(item),
            _ => None,
        };
        let band = single.map_or(0, |i| qty_band(i.qty));
        let hs10 = single.and_then(|i| hs10_of(&i.gcode));
        let by_line = hs10.and_then(|c| self.kg_per_unit_hs10.get(&(c, band))).is_some_and(|h| h.n >= a.min_samples);
        if let Some(item) = single
            && let Some(hs6) = hs6_of(&item.gcode)
            && let Some(h) = if by_line {
                hs10.and_then(|c| self.kg_per_unit_hs10.get_mut(&(c, band)))
            } else {
                self.kg_per_unit.get_mut(&(hs6, band)).filter(|h| h.n >= a.min_samples)
            }
            && item.qty > Decimal::ZERO
        {
            let lnw = ln(p.list.gross_weight / item.qty);
            if lnw.is_finite() {
                let (median, sigma) = h.stats();
                let z = (lnw - median) / sigma;
                let expected = median.exp() * item.qty.to_f64().unwrap_or(0.0);
                if z <= -a.weight_z {
                    out.push(Signal {
                        code: "analyzer.weight",
                        kind: ViolationKind::WeightMismatch,
                        weight: a.weight_weight,
                        message: format!(
                            "gross weight {} kg for {} units of HS {}: such parcels usually weigh about {expected:.2} kg",
                            p.list.gross_weight,
                            item.qty,
                            fmt_hs(&item.gcode)
                        ),
                    });
                } else if z >= a.weight_heavy_z {
                    out.push(Signal {
                        code: "analyzer.weight_heavy",
                        kind: ViolationKind::Misclassification,
                        weight: a.weight_heavy_weight,
                        message: format!(
                            "gross weight {} kg for {} units of HS {} is {:.1} times the usual {expected:.2} kg: other goods?",
                            p.list.gross_weight,
                            item.qty,
                            fmt_hs(&item.gcode),
                            (lnw - median).exp()
                        ),
                    });
                }
            }
        }

        // Split shipments: this buyer's parcels from this exporter within the window.
        if let Some(key) = self.buyer
            && let Some((threshold, dm)) = de_minimis_cny(set, f.dest, day_of(p.list.app_time))
            && f.value_cny <= threshold
            && let Some(w) = self.windows.get(&key)
        {
            let now = p.list.app_time.0;
            let span = (a.split_window_hours * 3600.0) as i64;
            let (mut n, mut sum) = (1u32, f.value_cny);
            for (t, v) in &w.parcels {
                if (now - t).abs() <= span {
                    n += 1;
                    sum += *v;
                }
            }
            if n >= 2 && sum > threshold {
                out.push(Signal {
                    code: "analyzer.split_shipment",
                    kind: ViolationKind::SplitShipment,
                    weight: a.split_weight,
                    message: format!(
                        "the buyer has {n} parcels from exporter {} within {} h worth {} CNY together, over {}'s de minimis of {} {} (≈{} CNY); each alone is under it (this one {} CNY)",
                        p.list.key.ebc_code,
                        a.split_window_hours,
                        sum.round_dp(2),
                        dm.country,
                        dm.amount,
                        dm.currency,
                        threshold.round_dp(2),
                        f.value_cny.round_dp(2)
                    ),
                });
            }
        }

        // Brand terms at implausible prices.
        let seller = hash_bytes(p.list.key.ebc_code.as_bytes());
        let mut seen_brands: Vec<u32> = Vec::new();
        for &t in f.terms {
            let Some(Some(b)) = term_brand.get(t as usize) else { continue };
            if seen_brands.contains(b) {
                continue;
            }
            seen_brands.push(*b);
            let brand = &set.brands[*b as usize];
            if brand.authorized.contains(&p.list.key.ebc_code) || self.brand_authorized.contains(&(*b, seller)) {
                continue;
            }
            let lower_terms: Vec<&str> = brand.terms.iter().map(String::as_str).collect();
            for item in &p.list.items {
                let name = item.gname.to_lowercase();
                if !brand.covers(&item.gcode)
                    || !lower_terms.iter().any(|t| name.contains(t))
                    || compatible_only(&name, &brand.terms, &set.compatibility)
                {
                    continue;
                }
                let hs4 = item.gcode.get(..4).and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
                let price = item.price * fx;
                let reference = self
                    .brand_reference
                    .get(&(*b, hs4))
                    .map(|l| l.exp())
                    .or_else(|| brand.min_price_for(&item.gcode).and_then(|m| m.to_f64()));
                match reference {
                    Some(r) if price.to_f64().unwrap_or(0.0) < a.brand_price_ratio * r => out.push(Signal {
                        code: "analyzer.brand_price",
                        kind: ViolationKind::Counterfeit,
                        weight: a.brand_weight,
                        message: format!(
                            "item {}: {} goods at {} CNY, {:.0}% of the genuine price of about {} CNY, from {} which is not an authorised seller of {}",
                            item.item_no,
                            brand.name,
                            price.round_dp(2),
                            100.0 * price.to_f64().unwrap_or(0.0) / r,
                            money(r),
                            p.list.key.ebc_code,
                            brand.name
                        ),
                    }),
                    Some(_) => {}
                    None => out.push(Signal {
                        code: "analyzer.brand_unlisted",
                        kind: ViolationKind::Counterfeit,
                        weight: a.brand_unlisted_weight,
                        message: format!(
                            "item {}: names the brand {} from {}, not a listed seller of it; no genuine price known yet",
                            item.item_no, brand.name, p.list.key.ebc_code
                        ),
                    }),
                }
            }
        }

        // What officers found at this exporter before, against how much it ships: the confirmed
        // violations per parcel, shrunk towards the hub's average by one pseudo-violation.
        if let Some(e) = self.exporters.get(&p.list.key.ebc_code)
            && e.violations > 0
            && self.violations > 0
        {
            let hub = self.violations as f64 / self.learned.max(1) as f64;
            let rate = (f64::from(e.violations) + 1.0) / (f64::from(e.parcels) + 1.0 / hub);
            let ratio = rate / hub;
            if ratio >= 2.0 {
                out.push(Signal {
                    code: "analyzer.exporter_record",
                    kind: ViolationKind::Other,
                    weight: (a.exporter_weight_per_doubling * ratio.log2()).min(a.exporter_max_weight),
                    message: format!(
                        "officers found violations in {} of {} inspected parcels of exporter {} ({} parcels seen): {ratio:.1} times the hub's rate",
                        e.violations, e.inspected, p.list.key.ebc_code, e.parcels
                    ),
                });
            }
        }
    }

    /// Naive Bayes over the name's well-attested tokens: the log-likelihood of the name under
    /// `code`, each token smoothed by half a line.
    fn log_likelihood(&self, tokens: &[u64], code: u32, min_support: u32) -> f64 {
        let n = self.code_names.get(&code).map_or(0, |c| c.n);
        let mut ll = 0.0;
        for t in tokens {
            if self.token_total.get(t).is_some_and(|x| x.0 >= min_support) {
                let c = self.token_code.get(&(*t, code)).copied().unwrap_or(0);
                ll += ((f64::from(c) + 0.5) / (f64::from(n) + 1.0)).ln();
            }
        }
        ll
    }

    /// The code that best explains the name, if it explains it much better than `declared`:
    /// (code, nats better).
    fn better_code(&self, tokens: &[u64], declared: u32, min_support: u32) -> Option<(u32, f64)> {
        let mut candidates: Vec<u32> = Vec::new();
        for t in tokens {
            if let Some(&(total, top, _)) = self.token_total.get(t)
                && total >= min_support
                && top != declared
                && !candidates.contains(&top)
            {
                candidates.push(top);
            }
        }
        let own = self.log_likelihood(tokens, declared, min_support);
        let mut best: Option<(u32, f64)> = None;
        for code in candidates {
            let gain = self.log_likelihood(tokens, code, min_support) - own;
            if best.is_none_or(|(c, g)| gain > g || (gain == g && code < c)) {
                best = Some((code, gain));
            }
        }
        best
    }

    /// Learns from a parcel (after judging it, or when warming up).
    pub fn learn(&mut self, f: &Features, set: &CriteriaSet, term_brand: &[Option<u32>]) {
        let a = &set.analyzers;
        let p = f.parcel;
        self.learned += 1;
        self.latest = self.latest.max(p.list.app_time.0);
        match self.exporters.get_mut(&p.list.key.ebc_code) {
            Some(e) => e.parcels += 1,
            None => {
                self.exporters.insert(p.list.key.ebc_code.clone(), ExporterRecord { parcels: 1, ..Default::default() });
            }
        }
        let Some(fx) = f.fx else { return };
        let dk = dest_key(f.dest);
        let lines = std::mem::take(&mut self.line_tokens);
        for (item, tokens) in p.list.items.iter().zip(lines.iter()) {
            let Some(hs6) = hs6_of(&item.gcode) else { continue };
            let lnp = ln(item.price * fx);
            self.value_hs6.entry(hs6).or_insert_with(LogHistogram::new).add(lnp);
            if let Some(hs10) = hs10_of(&item.gcode) {
                self.value_hs10.entry(hs10).or_insert_with(LogHistogram::new).add(lnp);
                let kind = goods_kind(hs10, tokens);
                let room = self.value_goods.len() < MAX_GOODS_KINDS;
                match self.value_goods.get_mut(&kind) {
                    Some(r) => r.add(lnp),
                    None if room => {
                        let mut r = RecentPrices::new();
                        r.add(lnp);
                        self.value_goods.insert(kind, r);
                    }
                    None => {}
                }
            }
            if dk != [0, 0] {
                self.value_hs6_dest.entry((hs6, dk)).or_insert_with(LogHistogram::new).add(lnp);
            }
            if self.name_flagged {
                continue;
            }
            let cn = self.code_names.entry(hs6).or_default();
            if cn.n >= a.name_min_samples {
                let typical =
                    tokens.iter().map(|t| self.token_code.get(&(*t, hs6)).copied().unwrap_or(0)).max().unwrap_or(0);
                cn.judged += 1;
                if f64::from(typical) / f64::from(cn.n) < a.name_typical_share {
                    cn.atypical += 1;
                }
            }
            cn.n += 1;
            for &t in tokens {
                let c = self.token_code.entry((t, hs6)).or_default();
                *c += 1;
                let c = *c;
                let (total, top, top_n) = self.token_total.entry(t).or_default();
                *total += 1;
                if c > *top_n || (c == *top_n && hs6 < *top) {
                    (*top, *top_n) = (hs6, c);
                }
            }
        }
        self.line_tokens = lines;
        if let [item] = p.list.items.as_slice()
            && let Some(hs6) = hs6_of(&item.gcode)
            && item.qty > Decimal::ZERO
        {
            let lnw = ln(p.list.gross_weight / item.qty);
            let band = qty_band(item.qty);
            self.kg_per_unit.entry((hs6, band)).or_insert_with(LogHistogram::new).add(lnw);
            if let Some(hs10) = hs10_of(&item.gcode) {
                self.kg_per_unit_hs10.entry((hs10, band)).or_insert_with(LogHistogram::new).add(lnw);
            }
        }

        if let Some(key) = self.buyer {
            let span = (a.split_window_hours * 3600.0) as i64;
            let now = p.list.app_time.0;
            let w = self.windows.entry(key).or_default();
            w.parcels.push_back((now, f.value_cny));
            while w.parcels.front().is_some_and(|(t, _)| now - t > span) {
                w.parcels.pop_front();
            }
            while w.parcels.len() > 64 {
                w.parcels.pop_front();
            }
        }
        // Forget buyers nobody has bought for within the window, every so often (message time).
        if self.learned.is_multiple_of(65_536) {
            let span = (a.split_window_hours * 3600.0) as i64;
            let latest = self.latest;
            self.windows.retain(|_, w| w.parcels.back().is_some_and(|(t, _)| latest - t <= span));
        }

        let seller = hash_bytes(p.list.key.ebc_code.as_bytes());
        for &t in f.terms {
            let Some(Some(b)) = term_brand.get(t as usize) else { continue };
            let brand = &set.brands[*b as usize];
            for item in &p.list.items {
                let name = item.gname.to_lowercase();
                // A compatible accessory's price says nothing about the brand's goods.
                if !brand.covers(&item.gcode)
                    || !brand.terms.iter().any(|t| name.contains(t.as_str()))
                    || compatible_only(&name, &brand.terms, &set.compatibility)
                {
                    continue;
                }
                let hs4 = item.gcode.get(..4).and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
                let lnp = ln(item.price * fx);
                if !lnp.is_finite() {
                    continue;
                }
                let sb = self.seller_brand.entry((*b, hs4, seller)).or_default();
                if sb.ln_prices.len() < 9 {
                    sb.ln_prices.push(lnp as f32);
                } else {
                    let i = (sb.n % 9) as usize;
                    sb.ln_prices[i] = lnp as f32;
                }
                sb.n += 1;
                if sb.n >= 3 && !self.brand_offenders.contains(&(*b, seller)) {
                    let m = sb.median();
                    let r = self.brand_reference.entry((*b, hs4)).or_insert(m);
                    if m > *r {
                        *r = m;
                    }
                    // A repeat seller at the genuine price is, in effect, an authorised one.
                    if m >= *r + (0.8f64).ln() {
                        self.brand_authorized.insert((*b, seller));
                    }
                }
            }
        }
    }

    /// Learns from an officer's finding.
    pub fn observe(&mut self, p: &Parcel, violation: Option<ViolationKind>, terms: &[u32], term_brand: &[Option<u32>]) {
        let e = self.exporters.entry(p.list.key.ebc_code.clone()).or_default();
        e.inspected += 1;
        if violation.is_some() {
            e.violations += 1;
            self.violations += 1;
        }
        let seller = hash_bytes(p.list.key.ebc_code.as_bytes());
        for &t in terms {
            let Some(Some(b)) = term_brand.get(t as usize) else { continue };
            match violation {
                None => {
                    self.brand_authorized.insert((*b, seller));
                }
                Some(ViolationKind::Counterfeit) => {
                    self.brand_offenders.insert((*b, seller));
                    self.brand_authorized.remove(&(*b, seller));
                }
                Some(_) => {}
            }
        }
    }
}

fn tokens_into(name: &str, out: &mut Vec<u64>) {
    tokens(name, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_reads_median_and_spread() {
        let mut h = LogHistogram::new();
        for i in 0..1000 {
            h.add(4.0 + ((i % 21) as f64 - 10.0) * 0.05);
        }
        let (m, s) = h.stats();
        assert!((m - 4.0).abs() < 0.06, "{m}");
        assert!(s > 0.2 && s < 0.5, "{s}");
    }

    #[test]
    fn chinese_names_become_character_pairs() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        tokens("棉制针织T恤衫", &mut a);
        tokens("针织 恤衫", &mut b);
        assert!(b.iter().all(|t| a.contains(t)), "{a:?} {b:?}");
        tokens("Nike耐克运动鞋", &mut a);
        assert_eq!(a.len(), 5, "nike + 耐克 克运 运动 动鞋");
    }

    #[test]
    fn days_are_china_calendar_days() {
        let t = MessageTime::parse_app_time("20261111235959").unwrap();
        assert_eq!(day_of(t), 20261111);
        assert_eq!(day_of(t.plus_seconds(1)), 20261112);
    }
}

/// serde derives arrays only up to 32 elements; a ring of recent prices is written as a sequence
/// and must come back at its exact length.
mod ring {
    use super::RECENT;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(ring: &[f32; RECENT], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(ring.iter())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[f32; RECENT], D::Error> {
        let v = Vec::<f32>::deserialize(d)?;
        let len = v.len();
        v.try_into().map_err(|_| serde::de::Error::invalid_length(len, &"the ring's length"))
    }
}

/// Decimals as their exact 16-byte form: rust_decimal's own serde goes through text, which a
/// compact binary snapshot cannot read back.
mod decimal_window {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::collections::VecDeque;

    pub fn serialize<S: Serializer>(window: &VecDeque<(i64, Decimal)>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(window.iter().map(|(t, v)| (*t, v.serialize())))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<VecDeque<(i64, Decimal)>, D::Error> {
        let raw = Vec::<(i64, [u8; 16])>::deserialize(d)?;
        Ok(raw.into_iter().map(|(t, bytes)| (t, Decimal::deserialize(bytes))).collect())
    }
}
