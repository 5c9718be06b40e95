//! The three-document check (三单对碰): the declaration list against its order (goods, quantities,
//! prices, totals, currency, enterprise) and its waybill (gross weight, packages), and, when the
//! platform sent one, the payment receipt against the order.
//!
//! Honest documents of one parcel do not agree to the last digit. The waybill carries what the
//! carrier's scale measured, not what the seller declared; platforms price to three decimals and
//! lists round to two; an order in dollars and a list in yuan agree only through a rate; an order
//! may include the shipping fee the list declares apart. So every numeric comparison is graded:
//! a difference within its tolerance ([`DocumentPolicy`], data an analyst edits) is no evidence,
//! and beyond it the evidence grows with the size of the difference, in points on the risk
//! engine's scale. Only an enterprise mismatch, which no honest sender produces, rejects.

use crate::{ChargeMark, MessageTime, Parcel, Reason};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

/// How serious a disagreement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Evidence for the risk engine, weighed by [`Finding::score`].
    Review,
    /// The documents cannot belong together; the list is refused.
    Reject,
}

/// One disagreement between the documents beyond its tolerance.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    pub reason: Reason,
    /// Points on the risk engine's score scale: small just past the tolerance, at the yellow
    /// threshold or above where honest senders cannot explain the difference.
    pub score: f64,
}

/// A tolerance: an amount's difference is within it when it is at most `relative` of the smaller
/// value or `absolute`, whichever is larger; a weight's when the heavier is at most the lighter
/// plus `absolute`, times 1 + `relative` (the grams of packaging and scale steps, then the
/// scale's share).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerance {
    pub relative: Decimal,
    pub absolute: Decimal,
    /// Points for each doubling of the difference over the tolerance: twice the tolerance gives
    /// `points_per_doubling`, four times twice that.
    pub points_per_doubling: f64,
}

/// What the three-document check tolerates and how it weighs what it does not. Shipped in the
/// risk criteria's `[documents]` table, where each value carries its rationale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentPolicy {
    /// List gross weight against the waybill's (scale) weight, in kilograms.
    pub weight: Tolerance,
    /// Prices and values in the same currency, after both are rounded to the currency's minor
    /// unit; `absolute` is in minor units per compared amount (rounding of each line).
    pub amount: Tolerance,
    /// Prices and values in different currencies, compared in CNY at the dated rate of the
    /// list's month; `absolute` is in CNY.
    pub converted: Tolerance,
    /// A list line that is not on the order, or a different number of lines.
    pub lines_points: f64,
    /// The same goods counted differently in the same unit: points when the counts differ, plus
    /// `amount`-style doubling on the ratio.
    pub quantity_points: f64,
    /// A different number of packages on the list and the waybill.
    pub packages_points: f64,
    /// The waybill names another e-commerce enterprise than the list.
    pub waybill_enterprise_points: f64,
    /// A currency the rate table does not know, so amounts could not be compared.
    pub unknown_currency_points: f64,
    /// No finding scores more than this.
    pub max_points: f64,
}

impl Default for DocumentPolicy {
    /// The shipped defaults (the criteria's `[documents]` table says why each is what it is).
    fn default() -> DocumentPolicy {
        DocumentPolicy {
            weight: Tolerance { relative: Decimal::new(5, 2), absolute: Decimal::new(1, 1), points_per_doubling: 25.0 },
            amount: Tolerance { relative: Decimal::new(5, 3), absolute: Decimal::ONE, points_per_doubling: 12.0 },
            converted: Tolerance {
                relative: Decimal::new(3, 2),
                absolute: Decimal::new(5, 2),
                points_per_doubling: 20.0,
            },
            lines_points: 50.0,
            quantity_points: 40.0,
            packages_points: 20.0,
            waybill_enterprise_points: 30.0,
            unknown_currency_points: 10.0,
            max_points: 100.0,
        }
    }
}

/// Exchange rates into CNY and the minor units of currencies, as customs use them: one rate per
/// currency and month (征税管理办法 art. 16), looked up by the documents' message time.
pub trait Rates {
    /// CNY per one unit of `currency` (a customs code such as `502`, or ISO 4217 `USD`) for the
    /// month of `at`; `None` when the currency is unknown.
    fn cny_per_unit(&self, currency: &str, at: MessageTime) -> Option<Decimal>;
    /// Decimal places of the currency's minor unit (2 for most, 0 for the yen).
    fn minor_units(&self, currency: &str) -> u32;
}

/// Knows only the yuan: what a hub without a rate table can compare.
#[derive(Debug, Clone, Copy, Default)]
pub struct YuanOnly;

impl Rates for YuanOnly {
    fn cny_per_unit(&self, currency: &str, _at: MessageTime) -> Option<Decimal> {
        is_yuan(currency).then_some(Decimal::ONE)
    }
    fn minor_units(&self, _currency: &str) -> u32 {
        2
    }
}

/// Whether a currency field names the renminbi (customs code 142 or ISO CNY).
pub fn is_yuan(currency: &str) -> bool {
    currency == "142" || currency.eq_ignore_ascii_case("CNY") || currency.eq_ignore_ascii_case("RMB")
}

/// One comparison of the check, within or beyond its tolerance: what the case page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The finding's code when beyond tolerance (`doc.weight_mismatch`…).
    pub code: &'static str,
    /// What was compared, e.g. `gross weight` or `item 3 unit price`.
    pub subject: String,
    /// The list's value and the other document's, as declared (with currency or unit).
    pub list: String,
    pub other: String,
    /// Which document the list is compared with: `order`, `waybill` or `payment`.
    pub other_document: &'static str,
    /// The difference, e.g. `+2.5%` or `+0.03 CNY`.
    pub difference: String,
    /// The tolerance it was held to, e.g. `±5% or 0.05 kg`.
    pub tolerance: String,
    /// 0 within tolerance.
    pub score: f64,
    pub within: bool,
}

/// Compares the documents of a parcel under `policy`; an empty result means nothing beyond
/// tolerance.
pub fn three_documents(parcel: &Parcel, policy: &DocumentPolicy, rates: &dyn Rates) -> Vec<Finding> {
    let mut out = Vec::new();
    let comparisons = compare(parcel, policy, rates, &mut out);
    // A price that differs makes its line total and the goods value differ too: one
    // disagreement seen three times. Only the strongest of the order's amounts scores; the
    // others are still reported.
    let strongest_amount = comparisons
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.within && ORDER_AMOUNTS.contains(&c.code))
        .max_by(|a, b| a.1.score.total_cmp(&b.1.score))
        .map(|(i, _)| i);
    for (i, c) in comparisons.into_iter().enumerate().filter(|(_, c)| !c.within) {
        let message = format!(
            "{}: {} on the list, {} on the {} ({}, tolerance {})",
            c.subject, c.list, c.other, c.other_document, c.difference, c.tolerance
        );
        let counts = !ORDER_AMOUNTS.contains(&c.code) || Some(i) == strongest_amount;
        let score = if counts { c.score } else { 0.0 };
        out.push(Finding { severity: Severity::Review, reason: Reason::new(c.code, message), score });
    }
    out
}

/// The comparisons of the list's amounts with the order's, which move together.
const ORDER_AMOUNTS: [&str; 3] = ["doc.price_mismatch", "doc.line_total_mismatch", "doc.value_mismatch"];

/// Every graded comparison of the parcel's documents, within tolerance or not, for the case
/// page. (Structural disagreements are findings only; see [`three_documents`].)
pub fn comparisons(parcel: &Parcel, policy: &DocumentPolicy, rates: &dyn Rates) -> Vec<Comparison> {
    compare(parcel, policy, rates, &mut Vec::new())
}

/// An amount in a currency, ready to compare.
#[derive(Debug, Clone, Copy)]
struct Money<'a> {
    amount: Decimal,
    currency: &'a str,
}

struct Grader<'a> {
    policy: &'a DocumentPolicy,
    rates: &'a dyn Rates,
    at: MessageTime,
}

impl Grader<'_> {
    fn points(&self, tolerance: &Tolerance, over: f64) -> f64 {
        // `over` is the difference in tolerances; past 1 every doubling adds the same points.
        (tolerance.points_per_doubling * over.log2()).clamp(0.0, self.policy.max_points)
    }

    /// Grades |a − b| against `tolerance` (the absolute part in the values' own unit).
    fn grade(&self, a: Decimal, b: Decimal, tolerance: &Tolerance, absolute: Decimal) -> (bool, f64, Decimal) {
        let diff = (a - b).abs();
        let base = a.abs().min(b.abs());
        let allowed = (base * tolerance.relative).max(absolute);
        if diff <= allowed {
            return (true, 0.0, allowed);
        }
        let over = if allowed.is_zero() { f64::INFINITY } else { (diff / allowed).to_f64().unwrap_or(f64::INFINITY) };
        (false, self.points(tolerance, over), allowed)
    }

    /// Grades two weights. The honest gap has two parts that add: grams that do not scale
    /// with the parcel (tape and void fill, half a coarse scale's step) and a share that does
    /// (the scale's error, the moment of weighing). So the lighter weight is first given the
    /// absolute allowance, and what remains is a ratio graded on the relative tolerance, in
    /// multiples of (1 + relative): 60 g declared for 300 g on the scale is far beyond any
    /// packaging, while 300 g for 400 g is within one coarse scale's reach.
    fn grade_weight(&self, a: Decimal, b: Decimal, tolerance: &Tolerance) -> (bool, f64) {
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        let allowed_lo = lo.max(Decimal::ZERO) + tolerance.absolute;
        let step = (Decimal::ONE + tolerance.relative).to_f64().unwrap_or(1.0).ln();
        if hi <= allowed_lo * (Decimal::ONE + tolerance.relative) {
            return (true, 0.0);
        }
        let over = match (hi / allowed_lo).to_f64() {
            Some(r) if allowed_lo > Decimal::ZERO && step > 0.0 => r.ln() / step,
            _ => f64::INFINITY,
        };
        (false, self.points(tolerance, over))
    }

    /// A list's freight or insurance in the goods' currency, as its mark states it: a
    /// percentage of the goods' value, a price per tonne of `gross_weight` (kg), or a total in
    /// `currency` (the goods' own when empty). `None` when the currency has no rate.
    fn charge(
        &self,
        amount: Decimal,
        mark: ChargeMark,
        currency: &str,
        goods: Money<'_>,
        gross_weight: Decimal,
    ) -> Option<Decimal> {
        let amount = match mark {
            ChargeMark::Rate => return Some(goods.amount * amount / Decimal::ONE_HUNDRED),
            ChargeMark::PerTonne => amount * gross_weight / Decimal::ONE_THOUSAND,
            ChargeMark::Total => amount,
        };
        if currency.is_empty() || same_currency(currency, goods.currency) {
            return Some(amount);
        }
        let from = self.rates.cny_per_unit(currency, self.at)?;
        let to = self.rates.cny_per_unit(goods.currency, self.at)?;
        (!to.is_zero()).then(|| amount * from / to)
    }

    /// Compares two amounts: in their currency after rounding when they share it, in CNY at
    /// the month's rate when they do not. `lines` is how many rounded amounts make each side.
    #[allow(clippy::too_many_arguments)]
    fn money(
        &self,
        code: &'static str,
        subject: String,
        list: Money<'_>,
        other: Money<'_>,
        other_document: &'static str,
        lines: u32,
        findings: &mut Vec<Finding>,
    ) -> Option<Comparison> {
        let p = self.policy;
        let shown = |m: Money<'_>| format!("{} {}", m.amount.normalize(), currency_label(m.currency));
        if same_currency(list.currency, other.currency) {
            let dp = self.rates.minor_units(list.currency);
            let minor = Decimal::new(1, dp);
            let (a, b) = (list.amount.round_dp(dp), other.amount.round_dp(dp));
            let absolute = minor * p.amount.absolute * Decimal::from(lines.max(1));
            let (within, score, allowed) = self.grade(a, b, &p.amount, absolute);
            return Some(Comparison {
                code,
                subject,
                list: shown(list),
                other: shown(other),
                other_document,
                difference: signed_percent(a, b),
                tolerance: format!(
                    "±{}% or {} {}",
                    percent(p.amount.relative),
                    allowed.round_dp(dp).normalize(),
                    currency_label(list.currency)
                ),
                score,
                within,
            });
        }
        let (Some(ra), Some(rb)) =
            (self.rates.cny_per_unit(list.currency, self.at), self.rates.cny_per_unit(other.currency, self.at))
        else {
            findings.push(Finding {
                severity: Severity::Review,
                reason: Reason::new(
                    "doc.currency_unknown",
                    format!(
                        "{subject}: {} on the list, {} on the {other_document}: no rate for the month to compare them",
                        shown(list),
                        shown(other)
                    ),
                ),
                score: p.unknown_currency_points,
            });
            return None;
        };
        let (a, b) = ((list.amount * ra).round_dp(2), (other.amount * rb).round_dp(2));
        let (within, score, _) = self.grade(a, b, &p.converted, p.converted.absolute);
        Some(Comparison {
            code,
            subject,
            list: format!("{} (= {} CNY)", shown(list), a.normalize()),
            other: format!("{} (= {} CNY)", shown(other), b.normalize()),
            other_document,
            difference: signed_percent(a, b),
            tolerance: format!("±{}% in CNY at the month's customs rates", percent(p.converted.relative)),
            score,
            within,
        })
    }
}

fn compare(
    parcel: &Parcel,
    policy: &DocumentPolicy,
    rates: &dyn Rates,
    findings: &mut Vec<Finding>,
) -> Vec<Comparison> {
    let Parcel { list, order, waybill, payment } = parcel;
    let g = Grader { policy, rates, at: list.app_time };
    let mut out = Vec::new();
    let structural = |code: &str, message: String, score: f64| Finding {
        severity: Severity::Review,
        reason: Reason::new(code, message),
        score: score.min(policy.max_points),
    };

    if list.key.ebc_code != order.ebc_code {
        findings.push(Finding {
            severity: Severity::Reject,
            reason: Reason::new(
                "doc.ebc_mismatch",
                format!(
                    "the list is filed for enterprise {} but the order belongs to {}",
                    list.key.ebc_code, order.ebc_code
                ),
            ),
            score: policy.max_points,
        });
    }
    if let Some(ebc) = &waybill.ebc_code
        && !ebc.is_empty()
        && *ebc != list.key.ebc_code
    {
        findings.push(structural(
            "doc.waybill_ebc_mismatch",
            format!("the waybill names enterprise {ebc} but the list is filed for {}", list.key.ebc_code),
            policy.waybill_enterprise_points,
        ));
    }

    // Goods: every list line must be an order line. Lines are matched by item number, which both
    // documents carry, so a reordered list still matches.
    if list.items.len() != order.items.len() {
        findings.push(structural(
            "doc.items_mismatch",
            format!("the list declares {} goods lines, the order {}", list.items.len(), order.items.len()),
            policy.lines_points,
        ));
    }
    for item in &list.items {
        let Some(ordered) = order.items.iter().find(|o| o.item_no == item.item_no) else {
            findings.push(structural(
                "doc.item_not_ordered",
                format!("list line {} (item {}) is not on the order", item.gnum, item.item_no),
                policy.lines_points,
            ));
            continue;
        };
        // The order may count in another unit (a pair, a set) than the list's legal unit: then
        // counts and unit prices say nothing, and only the line's total is compared.
        let same_unit = ordered.unit.is_empty() || ordered.unit == item.unit;
        if same_unit && ordered.qty != item.qty {
            let ratio = ratio(item.qty, ordered.qty);
            let score = policy.quantity_points + policy.amount.points_per_doubling * ratio.log2();
            findings.push(structural(
                "doc.qty_mismatch",
                format!("item {}: the list declares {} units, the order {}", item.item_no, item.qty, ordered.qty),
                score,
            ));
        }
        let order_currency =
            if ordered.currency.is_empty() { order.currency.as_str() } else { ordered.currency.as_str() };
        if same_unit {
            out.extend(g.money(
                "doc.price_mismatch",
                format!("item {} unit price", item.item_no),
                Money { amount: item.price, currency: &item.currency },
                Money { amount: ordered.price, currency: order_currency },
                "order",
                1,
                findings,
            ));
        }
        out.extend(g.money(
            "doc.line_total_mismatch",
            format!("item {} total", item.item_no),
            Money { amount: item.total_price, currency: &item.currency },
            Money { amount: ordered.total_price, currency: order_currency },
            "order",
            1,
            findings,
        ));
    }

    // The goods value: platforms report it with or without the shipping fee, so the order's
    // value is compared as it is, less the order's own freight when it carries one, and against
    // the list's goods plus the freight (and then the insurance) the list declares apart (a
    // platform that folds shipping into goodsValue and leaves the order's freight empty); the
    // closest is the comparison. The list's charges are read as their fFlag/iFlag state them
    // and converted into the goods' currency.
    let list_currency = list.items.first().map_or(order.currency.as_str(), |i| i.currency.as_str());
    let lines = u32::try_from(list.items.len()).unwrap_or(u32::MAX);
    let declared = Money { amount: list.goods_value(), currency: list_currency };
    let ordered = Money { amount: order.goods_value, currency: &order.currency };
    let mut candidates = vec![(declared, ordered)];
    if order.freight > Decimal::ZERO {
        candidates.push((declared, Money { amount: order.goods_value - order.freight, currency: &order.currency }));
    }
    let freight = g.charge(list.freight, list.freight_mark, &list.freight_currency, declared, list.gross_weight);
    if let Some(freight) = freight.filter(|f| *f > Decimal::ZERO) {
        let with_freight = declared.amount + freight;
        candidates.push((Money { amount: with_freight, currency: list_currency }, ordered));
        let insurance =
            g.charge(list.insured_fee, list.insurance_mark, &list.insurance_currency, declared, list.gross_weight);
        if let Some(insurance) = insurance.filter(|i| *i > Decimal::ZERO) {
            candidates.push((Money { amount: with_freight + insurance, currency: list_currency }, ordered));
        }
    }
    let best = candidates
        .into_iter()
        .filter_map(|(l, o)| g.money("doc.value_mismatch", "goods value".into(), l, o, "order", lines, findings))
        .min_by(|a, b| a.score.total_cmp(&b.score));
    out.extend(best);

    out.push(weight(&g, list.gross_weight, waybill.gross_weight));

    if list.pack_no != waybill.pack_no {
        findings.push(structural(
            "doc.packages_mismatch",
            format!("packages: {} on the list, {} on the waybill", list.pack_no, waybill.pack_no),
            policy.packages_points,
        ));
    }

    if let Some(payment) = payment {
        // A payment receives the goods' value, with or without the shipping fee.
        let charged = Money { amount: payment.charge, currency: &payment.currency };
        let mut owed = vec![Money { amount: order.goods_value, currency: &order.currency }];
        if order.freight > Decimal::ZERO {
            owed.push(Money { amount: order.goods_value + order.freight, currency: &order.currency });
        }
        let best = owed
            .into_iter()
            .filter_map(|o| {
                let mut c =
                    g.money("doc.payment_mismatch", "payment".into(), o, charged, "payment", lines, findings)?;
                // Here the "list" side is the order's amount.
                c.subject = "payment against the order".into();
                Some(c)
            })
            .min_by(|a, b| a.score.total_cmp(&b.score));
        out.extend(best);
    }
    // Unknown currencies are reported once per parcel, not once per comparison.
    let mut seen_unknown = false;
    findings.retain(|f| {
        if f.reason.code != "doc.currency_unknown" {
            return true;
        }
        !std::mem::replace(&mut seen_unknown, true)
    });
    out
}

fn weight(g: &Grader<'_>, list: Decimal, waybill: Decimal) -> Comparison {
    let t = &g.policy.weight;
    let (within, score) = g.grade_weight(list, waybill, t);
    Comparison {
        code: "doc.weight_mismatch",
        subject: "gross weight".into(),
        list: format!("{} kg", list.normalize()),
        other: format!("{} kg", waybill.normalize()),
        other_document: "waybill",
        difference: signed_percent(list, waybill),
        tolerance: format!("{} kg, then ±{}%", t.absolute.normalize(), percent(t.relative)),
        score,
        within,
    }
}

fn same_currency(a: &str, b: &str) -> bool {
    a == b || (is_yuan(a) && is_yuan(b))
}

fn currency_label(c: &str) -> &str {
    if c == "142" { "CNY" } else { c }
}

/// max/min of two positive quantities (∞ when one is zero or negative).
fn ratio(a: Decimal, b: Decimal) -> f64 {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    if lo <= Decimal::ZERO {
        return f64::INFINITY;
    }
    (hi / lo).to_f64().unwrap_or(f64::INFINITY)
}

fn percent(share: Decimal) -> String {
    (share * Decimal::ONE_HUNDRED).normalize().to_string()
}

/// How far the list's value is from the other document's, in percent of the other's.
fn signed_percent(list: Decimal, other: Decimal) -> String {
    if other.is_zero() {
        return if list.is_zero() { "0%".into() } else { "∞".into() };
    }
    let p = ((list - other) / other.abs() * Decimal::ONE_HUNDRED).round_dp(1);
    if p > Decimal::ZERO { format!("+{p}%") } else { format!("{p}%") }
}
