//! Honest noise: the ways a clean parcel's three documents disagree in real traffic (scale
//! weights, rounded conversions, marketplace currencies, freight folded into prices, blocks left
//! out, another unit on the order), as named parameters, and the pass that writes them into a
//! planned day without touching any parcel's truth.
//!
//! The pass draws from its own seeded stream (purpose 3), after planning, so the parcels, their
//! keys and their violations are the same at every noise level; only how the documents write
//! them changes.

use crate::data::Catalog;
use crate::plan::{OrderSide, Parcel};
use crate::population::Population;
use crate::random::Stream;
use crate::truth::ViolationKind;
use rust_decimal::{Decimal, RoundingStrategy};

/// How much honest disagreement the simulated documents carry. Every field is a share of
/// parcels (or orders, lines) or a spread; [`HonestNoise::default`] is the traffic as we
/// estimate it is, [`HonestNoise::off`] the old perfectly consistent documents, and
/// [`HonestNoise::scaled`] multiplies every share and spread (levels 0, 1, 2 for evaluation).
///
/// None of it changes what a parcel is: a clean parcel stays clean at every level.
#[derive(Debug, Clone, PartialEq)]
pub struct HonestNoise {
    /// Relative standard deviation of the carrier's scale against the list's declared gross
    /// weight (the waybill's `grossWeight` is what the carrier weighed; the list's is what the
    /// seller typed). Default 0.02: our estimate, set so that nearly all honest gaps stay inside
    /// the practice figures in `shared/reference/risk-knowledge-sources.md` §9 (air cargo
    /// tolerates about 5 % in Shanghai practice; a Rotterdam terminal auto-holds above 5 %).
    pub weight_sd: f64,
    /// The scale error is clipped to ± this share. Default 0.05, the same practice figure.
    pub weight_clip: f64,
    /// Packaging, tape and labels the carrier weighs and the seller did not declare: uniform
    /// in [0, this] kg. Default 0.05 (a poly mailer and tape weigh a few tens of grams; our
    /// estimate, consistent with the engine advice of max(5 %, 50 g) in §9).
    pub packaging_max_kg: f64,
    /// Share of waybills weighed on a coarse scale (50 g or 100 g resolution, half each)
    /// instead of 10 g. Default 0.25: our estimate (postal and consolidator scales are often
    /// 50–100 g; express carriers' 10 g).
    pub coarse_scale_share: f64,
    /// Share of orders priced to 3 or 4 decimals (platforms converting or discounting by
    /// percentage) whose list rounds unit prices to 2 decimals and each line's quantity ×
    /// price to the cent. Default 0.15: our estimate.
    pub fine_price_share: f64,
    /// Share of orders on marketplaces that price in the buyer's currency (Amazon, eBay,
    /// AliExpress, Ozon, Wildberries) that are written in that currency, while the list
    /// declares CNY converted at the platform's own day rate. Default 0.6: our estimate (most
    /// of those marketplaces report in the listing currency; sellers' ERPs convert some).
    pub foreign_currency_share: f64,
    /// The platform's day rate differs from the customs monthly rate ([`customs_rates`]) by
    /// up to ± this share (uniform). Default 0.015: within a month CNY moved about 1–2 %
    /// against the main currencies in 2024–2025 (our estimate from SAFE's published central
    /// parities); the customs rate is fixed for the month (§8).
    pub rate_spread: f64,
    /// Share of free-shipping orders (order freight 0) whose list also declares freight 0.
    /// Default 0.5: our estimate (the rest declare the carrier's fee).
    pub free_shipping_share: f64,
    /// Share of orders with a shipping fee whose `goodsValue` includes it (the order's freight
    /// then 0) while the list declares the goods alone and the fee as its freight. Default
    /// 0.15: our estimate.
    pub freight_in_goods_share: f64,
    /// Share of orders from platforms that send buyers whose order comes without the buyer
    /// block (beyond eBay and Wildberries, which never send one). Default 0.08: our estimate.
    pub no_buyer_share: f64,
    /// Share of parcels whose senders leave optional fields empty (the list's `itemName`, the
    /// order's `barCode`). Default 0.25: our estimate.
    pub sparse_share: f64,
    /// Share of goods lines counted in another unit on the order than on the list: the order
    /// sells 1 set (套) of 2 or 3 pieces, the list declares the pieces. Default 0.03: our
    /// estimate.
    pub other_unit_share: f64,
    /// Share of parcels worth 500 CNY or more whose seller bought the carrier's declared-value
    /// insurance: the waybill and the list carry an `insuredFee` of 0.3–1 % of the goods value
    /// (`iFlag` 3, a total, in CNY). Default 0.1: our estimate; express carriers price
    /// declared-value cover at about that rate.
    pub insured_share: f64,
}

impl Default for HonestNoise {
    fn default() -> HonestNoise {
        HonestNoise {
            weight_sd: 0.02,
            weight_clip: 0.05,
            packaging_max_kg: 0.05,
            coarse_scale_share: 0.25,
            fine_price_share: 0.15,
            foreign_currency_share: 0.6,
            rate_spread: 0.015,
            free_shipping_share: 0.5,
            freight_in_goods_share: 0.15,
            no_buyer_share: 0.08,
            sparse_share: 0.25,
            other_unit_share: 0.03,
            insured_share: 0.1,
        }
    }
}

impl HonestNoise {
    /// No noise: order, list and waybill agree to the last digit (the simulator before noise).
    pub fn off() -> HonestNoise {
        HonestNoise::default().scaled(0.0)
    }

    /// Every share and spread of `self` times `level` (shares capped at 1): on the default, 0
    /// is [`HonestNoise::off`], 1 the default itself, 2 twice as noisy.
    pub fn scaled(&self, level: f64) -> HonestNoise {
        let level = level.max(0.0);
        let share = |x: f64| (x * level).clamp(0.0, 1.0);
        HonestNoise {
            weight_sd: self.weight_sd * level,
            weight_clip: self.weight_clip * level,
            packaging_max_kg: self.packaging_max_kg * level,
            coarse_scale_share: share(self.coarse_scale_share),
            fine_price_share: share(self.fine_price_share),
            foreign_currency_share: share(self.foreign_currency_share),
            rate_spread: self.rate_spread * level,
            free_shipping_share: share(self.free_shipping_share),
            freight_in_goods_share: share(self.freight_in_goods_share),
            no_buyer_share: share(self.no_buyer_share),
            sparse_share: share(self.sparse_share),
            other_unit_share: share(self.other_unit_share),
            insured_share: share(self.insured_share),
        }
    }

    /// The largest honest gap between a waybill's and its list's gross weight, in kg, for a
    /// list weight `declared`: the clipped scale error, packaging, and half the coarsest
    /// scale's step (100 g) when coarse scales are in use, else half of 10 g.
    pub fn max_weight_gap(&self, declared: Decimal) -> Decimal {
        let clip = Decimal::from_f64_retain(self.weight_clip).unwrap_or_default();
        let pack = Decimal::from_f64_retain(self.packaging_max_kg).unwrap_or_default();
        let step = if self.coarse_scale_share > 0.0 { Decimal::new(5, 2) } else { Decimal::new(5, 3) };
        (declared * clip + pack + step).round_dp(3) + Decimal::new(1, 3)
    }

    fn weighs(&self) -> bool {
        self.weight_sd > 0.0 || self.packaging_max_kg > 0.0 || self.coarse_scale_share > 0.0
    }

    fn validate(&self) -> Result<(), String> {
        let shares = [
            ("coarse_scale_share", self.coarse_scale_share),
            ("fine_price_share", self.fine_price_share),
            ("foreign_currency_share", self.foreign_currency_share),
            ("free_shipping_share", self.free_shipping_share),
            ("freight_in_goods_share", self.freight_in_goods_share),
            ("no_buyer_share", self.no_buyer_share),
            ("sparse_share", self.sparse_share),
            ("other_unit_share", self.other_unit_share),
            ("insured_share", self.insured_share),
        ];
        for (name, x) in shares {
            if !(0.0..=1.0).contains(&x) {
                return Err(format!("noise.{name} is {x}; expected a share between 0 and 1"));
            }
        }
        // A scale error of half the weight or more would no longer be a scale.
        for (name, x) in
            [("weight_sd", self.weight_sd), ("weight_clip", self.weight_clip), ("rate_spread", self.rate_spread)]
        {
            if !(0.0..0.5).contains(&x) {
                return Err(format!("noise.{name} is {x}; expected at least 0 and below 0.5"));
            }
        }
        if !(0.0..=1.0).contains(&self.packaging_max_kg) {
            return Err(format!("noise.packaging_max_kg is {}; expected 0 to 1 kg", self.packaging_max_kg));
        }
        Ok(())
    }
}

pub(crate) fn check(noise: &HonestNoise) -> Result<(), String> {
    noise.validate()
}

/// One currency of the customs monthly rate table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomsRate {
    /// The customs currency code (`greenlane-codes/data/currencies.csv`): 502 USD…
    pub code: &'static str,
    /// ISO 4217.
    pub iso: &'static str,
    /// CNY per one unit of the currency.
    pub cny_per_unit: Decimal,
}

/// The month [`customs_rates`] stands for.
pub const RATES_MONTH: &str = "2026-11";

/// The customs monthly rates the simulator converts with, for November 2026: the euro
/// reference rates the ECB published on 21 October 2026 (the customs rule's date, the third
/// Wednesday of the month before), crossed through the euro and rounded to three or four
/// significant digits (USD 6.68, EUR 7.50, GBP 8.95, JPY 0.0423, CAD 4.75, AUD 4.70). The ECB
/// has not quoted the rouble since March 2022; RUB 0.083 is our estimate (about 80 to the
/// dollar). Platforms then convert at their own day rate around these (`rate_spread`).
pub fn customs_rates() -> &'static [CustomsRate] {
    const RATES: [CustomsRate; 7] = [
        CustomsRate { code: "502", iso: "USD", cny_per_unit: Decimal::from_parts(668, 0, 0, false, 2) },
        CustomsRate { code: "300", iso: "EUR", cny_per_unit: Decimal::from_parts(750, 0, 0, false, 2) },
        CustomsRate { code: "303", iso: "GBP", cny_per_unit: Decimal::from_parts(895, 0, 0, false, 2) },
        CustomsRate { code: "116", iso: "JPY", cny_per_unit: Decimal::from_parts(423, 0, 0, false, 4) },
        CustomsRate { code: "501", iso: "CAD", cny_per_unit: Decimal::from_parts(475, 0, 0, false, 2) },
        CustomsRate { code: "601", iso: "AUD", cny_per_unit: Decimal::from_parts(470, 0, 0, false, 2) },
        CustomsRate { code: "332", iso: "RUB", cny_per_unit: Decimal::from_parts(83, 0, 0, false, 3) },
    ];
    &RATES
}

/// The customs rate of a currency code, CNY per unit; 1 for CNY (142).
pub fn customs_rate(code: &str) -> Option<Decimal> {
    if code == "142" {
        return Some(Decimal::ONE);
    }
    customs_rates().iter().find(|r| r.code == code).map(|r| r.cny_per_unit)
}

/// Marketplaces whose orders are reported in the buyer's currency.
const PRICES_IN_BUYER_CURRENCY: [&str; 5] = ["Amazon", "eBay", "AliExpress", "Ozon", "Wildberries"];

/// The currency a marketplace in `iso2` prices in, when the rate table has it; else USD.
fn currency_of(iso2: &str) -> &'static str {
    match iso2 {
        "US" => "502",
        "GB" => "303",
        "DE" | "FR" | "ES" | "IT" | "NL" => "300",
        "JP" => "116",
        "CA" => "501",
        "AU" => "601",
        "RU" | "KZ" => "332",
        _ => "502",
    }
}

/// Whole units only: yen and roubles are priced without decimals.
fn decimals_of(code: &str) -> u32 {
    if matches!(code, "116" | "332") { 0 } else { 2 }
}

fn round(x: Decimal, dp: u32) -> Decimal {
    x.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

fn dec(x: f64) -> Decimal {
    Decimal::from_f64_retain(x).unwrap_or_default()
}

/// Writes the noise of `noise` into the planned parcels. Parcels of kind document_mismatch keep
/// their prices exact (their disagreement is the violation); weight_mismatch parcels declare
/// below what the scale measured, by their planned factor.
pub(crate) fn apply(noise: &HonestNoise, parcels: &mut [Parcel], cat: &Catalog, pop: &Population, seed: u64) {
    let mut rng = Stream::new(seed, 3);
    for p in parcels.iter_mut() {
        if noise.weighs() {
            weigh(noise, p, &mut rng);
        }
        let needs_buyer = p.confounder.is_some_and(|c| c.needs_buyer())
            || p.violations.iter().any(|k| {
                matches!(k, ViolationKind::SanctionedParty | ViolationKind::Other | ViolationKind::SplitShipment)
            });
        if !needs_buyer && rng.chance(noise.no_buyer_share) {
            p.buyer_block = false;
        }
        if rng.chance(noise.sparse_share) {
            p.sparse = true;
        }
        freight(noise, p, &mut rng);
        let value: Decimal = p.order_lines.iter().map(|l| l.qty * l.price).sum();
        if value >= Decimal::from(500) && rng.chance(noise.insured_share) {
            p.insured_fee = round(value * dec(rng.between(0.003, 0.01)), 2).max(Decimal::ONE);
        }
        if p.violations.contains(&ViolationKind::DocumentMismatch) {
            continue;
        }
        for line in &mut p.order_lines {
            let product = &cat.products[line.product];
            let countable = matches!(product.unit.as_str(), "007" | "008" | "011" | "012" | "015" | "016");
            if countable && line.qty.fract().is_zero() && rng.chance(noise.other_unit_share) {
                // What was planned as one unit is a set of k pieces: the same goods and value,
                // counted in sets by the order and in pieces by the list.
                let k = Decimal::from(rng.below(2, 4) as u32);
                let (sets, set_price) = (line.qty, line.price);
                line.qty = sets * k;
                if product.unit1 == product.unit {
                    line.qty1 = line.qty;
                }
                line.price = round(set_price / k, 2).max(Decimal::new(1, 2));
                line.market_price /= k;
                line.order =
                    Some(OrderSide { unit: Some("006".into()), qty: sets, price: set_price, total: sets * set_price });
                line.list_total = Some(sets * set_price);
            }
        }
        let platform = pop.platforms[p.platform].label;
        let currency = currency_of(&cat.destinations[p.dest].iso2);
        if PRICES_IN_BUYER_CURRENCY.contains(&platform) && rng.chance(noise.foreign_currency_share) {
            let rate = customs_rate(currency).unwrap_or(Decimal::ONE);
            let day_rate = round(rate * dec(1.0 + rng.between(-noise.rate_spread, noise.rate_spread)), 6);
            let dp = decimals_of(currency);
            for line in &mut p.order_lines {
                let (qty, cny_price) = match &line.order {
                    Some(o) => (o.qty, o.price),
                    None => (line.qty, line.price),
                };
                let price = round(cny_price / rate, dp).max(Decimal::new(1, dp));
                let total = price * qty;
                let list_total = round(total * day_rate, 2);
                line.price = round(list_total / line.qty, 2).max(Decimal::new(1, 2));
                line.list_total = Some(list_total);
                let unit = line.order.as_ref().and_then(|o| o.unit.clone());
                line.order = Some(OrderSide { unit, qty, price, total });
            }
            p.order_currency = currency;
            p.order_rate = day_rate;
            p.order_freight = round(p.order_freight / rate, dp);
            p.shipping_in_goods = round(p.shipping_in_goods / rate, dp);
        } else if rng.chance(noise.fine_price_share) {
            let dp = if rng.chance(0.7) { 3 } else { 4 };
            let half = if dp == 3 { 4 } else { 49 };
            for line in &mut p.order_lines {
                let (qty, price) = match &line.order {
                    Some(o) => (o.qty, o.price),
                    None => (line.qty, line.price),
                };
                let offset = Decimal::new(rng.below(0, 2 * half + 1) as i64 - half as i64, dp);
                let fine = (price + offset).max(Decimal::new(1, dp));
                let total = round(fine * qty, 2);
                let unit = line.order.as_ref().and_then(|o| o.unit.clone());
                if line.order.is_none() {
                    line.price = round(fine, 2).max(Decimal::new(1, 2));
                }
                line.list_total = Some(total);
                line.order = Some(OrderSide { unit, qty, price: fine, total });
            }
        }
    }
}

/// The carrier's scale: the true gross weight (the clean list's) times (1 + e), e normal with
/// sd `weight_sd` clipped to `weight_clip`, plus packaging, rounded to the scale's step.
fn weigh(noise: &HonestNoise, p: &mut Parcel, rng: &mut Stream) {
    let truth = p.waybill_weight;
    let e = (noise.weight_sd * rng.normal()).clamp(-noise.weight_clip, noise.weight_clip);
    let raw = f64_of(truth) * (1.0 + e) + rng.between(0.0, noise.packaging_max_kg.max(f64::MIN_POSITIVE));
    let step_g: i64 = if rng.chance(noise.coarse_scale_share) { *rng.pick(&[50, 100]) } else { 10 };
    let grams = ((raw * 1000.0 / step_g as f64).round() as i64).max(1) * step_g;
    let measured = Decimal::new(grams, 3);
    if p.list_weight != truth {
        // weight_mismatch: the seller declares below what the scale shows, by the planned factor.
        let ratio = p.list_weight / truth;
        let mut declared = (measured * ratio).round_dp(3);
        if declared >= measured {
            declared = measured - Decimal::new(1, 3);
        }
        p.list_weight = declared.max(Decimal::new(1, 3));
        p.net_weight = p.net_weight.min(p.list_weight);
    }
    p.waybill_weight = measured;
}

/// Free shipping declared as freight 0, and shipping fees folded into the order's goods value.
fn freight(noise: &HonestNoise, p: &mut Parcel, rng: &mut Stream) {
    if p.order_freight.is_zero() {
        if rng.chance(noise.free_shipping_share) {
            p.list_freight = Decimal::ZERO;
        }
    } else if rng.chance(noise.freight_in_goods_share) {
        p.shipping_in_goods = p.order_freight;
        p.list_freight = p.order_freight;
        p.order_freight = Decimal::ZERO;
    }
}

fn f64_of(d: Decimal) -> f64 {
    d.to_string().parse().unwrap_or(0.0)
}
