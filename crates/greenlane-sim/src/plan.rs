//! The parcels of a simulated day and their truth: who sells what to whom, when, through which
//! platform and carrier, and what (if anything) is wrong with it. Everything here is decided
//! from one seeded stream, in one fixed order, before a single message is written.

use crate::data::{Catalog, ProductClass};
use crate::names;
use crate::population::{Category, Population, order_number, waybill_number};
use crate::random::{Stream, Weighted};
use crate::truth::{Confounder, ExporterProfile, Subtlety, TruthRecord, ViolationKind, prevalence};
use crate::{SimConfig, clock};
use rust_decimal::Decimal;
use std::collections::HashSet;

/// One goods line, as the order and the list write it.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub product: usize,
    pub item_no: String,
    pub name: String,
    /// The HS code the list declares (differs from the product's for misclassification).
    pub gcode: String,
    pub bar_code: Option<String>,
    pub qty: Decimal,
    pub qty1: Decimal,
    pub price: Decimal,
    /// What one unit of what the documents describe usually sells for.
    pub market_price: Decimal,
    /// The list's `totalPrice` when it is not `qty × price` exactly (rounded from an order
    /// priced to more decimals, in another currency or in another unit).
    pub list_total: Option<Decimal>,
    /// How the order writes the line when it differs from the list (honest noise).
    pub order: Option<OrderSide>,
}

/// A goods line as the order writes it, in the order's currency.
#[derive(Debug, Clone)]
pub(crate) struct OrderSide {
    /// The order's unit when it counts in another one than the list (a set of pieces).
    pub unit: Option<String>,
    pub qty: Decimal,
    pub price: Decimal,
    pub total: Decimal,
}

impl Line {
    /// The list's line total, CNY.
    pub fn total(&self) -> Decimal {
        self.list_total.unwrap_or(self.qty * self.price)
    }

    /// The order's (qty, price, total), in the order's currency.
    pub fn order_view(&self) -> (Decimal, Decimal, Decimal) {
        match &self.order {
            Some(o) => (o.qty, o.price, o.total),
            None => (self.qty, self.price, self.total()),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Buyer {
    pub name: String,
    pub address: String,
    pub country: String,
    pub telephone: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Parcel {
    pub exporter: usize,
    pub platform: usize,
    pub logistics: usize,
    /// The declaration agent that files the list.
    pub agent: usize,
    pub payer: Option<usize>,
    pub dest: usize,
    pub pod: String,
    pub buyer: Buyer,
    pub order_no: String,
    pub logistics_no: String,
    pub cop_no: String,
    pub order_lines: Vec<Line>,
    /// The list's lines when they differ from the order's (document_mismatch only).
    pub list_override: Option<Vec<Line>>,
    /// What the buyer paid for shipping, in the order's currency.
    pub order_freight: Decimal,
    /// The carrier's fee on the waybill, CNY.
    pub freight: Decimal,
    /// The freight the list declares, CNY (the carrier's fee, 0 for some free-shipping orders,
    /// the buyer's fee when the order folded it into the goods value).
    pub list_freight: Decimal,
    /// The shipping fee the order's `goodsValue` includes (order currency), else 0.
    pub shipping_in_goods: Decimal,
    /// The order's currency (customs code; 142 CNY unless a marketplace prices in the buyer's).
    pub order_currency: &'static str,
    /// CNY per unit of the order's currency at the platform's day rate.
    pub order_rate: Decimal,
    /// Declared-value insurance on the waybill and the list, CNY (0 when none).
    pub insured_fee: Decimal,
    /// Whether the order carries the buyer block (when its platform sends them).
    pub buyer_block: bool,
    /// Optional fields left empty by the senders.
    pub sparse: bool,
    pub list_weight: Decimal,
    pub waybill_weight: Decimal,
    pub net_weight: Decimal,
    pub pack_no: i32,
    pub license_no: Option<String>,
    pub statistics_flag: &'static str,
    pub waybill_names_ebc: bool,
    /// Seconds after the simulated day's midnight (CST); `accounting` may be negative (the
    /// money arrived the day before).
    pub t_order: i64,
    pub t_waybill: i64,
    pub t_list: i64,
    pub t_payment: i64,
    pub t_accounting: i64,
    pub violations: Vec<ViolationKind>,
    pub subtlety: Option<Subtlety>,
    pub confounder: Option<Confounder>,
    pub split_group: Option<u32>,
}

impl Parcel {
    pub fn list_lines(&self) -> &[Line] {
        self.list_override.as_deref().unwrap_or(&self.order_lines)
    }

    /// The order's `goodsValue`, in the order's currency.
    pub fn goods_value(&self) -> Decimal {
        self.order_lines.iter().map(|l| l.order_view().2).sum::<Decimal>() + self.shipping_in_goods
    }
}

/// When Shenzhen's export warehouses push declarations (CST): quiet before dawn, busy from late
/// morning to late evening. The reference notes give no hourly figures; this follows the working
/// day of warehouses that ship the same evening.
const HOURLY: [f64; 24] = [
    1.5, 1.0, 0.7, 0.5, 0.5, 0.6, 1.0, 1.8, 3.0, 4.5, 5.5, 6.0, 5.0, 5.5, 6.5, 7.0, 7.0, 6.5, 6.0, 6.5, 7.0, 6.5, 5.0,
    3.0,
];

const LAST_SECOND: i64 = 86_399;

/// Mean number of parcels in a split consignment; splitting starts a group per slot at
/// prevalence / MEAN_SPLIT so that the share of parcels stays at the stated prevalence.
const MEAN_SPLIT: f64 = 3.8;

/// Shares of parcels that are clean but look odd (first-time exporters come on top, from the
/// population: about 1 % of parcels). All are our estimates, together about 5 % of parcels:
/// clearance sales and cheap goods are common on Temu/SHEIN-style listings; heavy goods,
/// genuine brands from authorised sellers, licensed controlled goods and names resembling a
/// listed one are rarer. Compatible accessories (cases, chargers, cables, straps naming the
/// brand they fit) are a staple of phone-accessory exports; declared lithium batteries follow
/// the power-bank trade; parcels near the RMB 5,000 limit of the 9610 simplified declaration
/// are rare; repeat buyers (a share of parcels, in groups of 2–3) are our estimate too.
const CONFOUNDERS: [(Confounder, f64); 9] = [
    (Confounder::CheapGoods, 0.012),
    (Confounder::HeavyGoods, 0.006),
    (Confounder::RealBrand, 0.004),
    (Confounder::LicensedControlled, 0.0015),
    (Confounder::NameResemblesListed, 0.003),
    (Confounder::RepeatBuyer, 0.006 / MEAN_REPEAT),
    (Confounder::CompatibleAccessory, 0.008),
    (Confounder::LithiumBattery, 0.004),
    (Confounder::NearValueLimit, 0.002),
];

/// Mean number of parcels of one repeat buyer in the day.
const MEAN_REPEAT: f64 = 2.5;

/// Accessories that name the brand they fit, by catalogue product: what sellers write.
const COMPATIBLE: &[(&str, &[&str])] = &[
    ("phonecase", &["适用于苹果iPhone 15手机壳", "适用于三星Galaxy S24手机壳", "适用于华为Mate 60手机壳"]),
    ("charger", &["兼容Samsung三星快充充电器", "适用于苹果iPhone 20W充电器"]),
    ("cable", &["适用于Apple Lightning数据线", "兼容华为Type-C快充数据线"]),
    ("watchband", &["适用于Apple Watch硅胶表带", "适用于小米手环表带"]),
    ("inkcartridge", &["兼容HP惠普墨盒", "兼容Canon佳能墨盒"]),
    ("gamepad", &["兼容Nintendo Switch游戏手柄", "适用于PS5无线手柄"]),
    ("screenprotector", &["适用于iPad钢化膜", "适用于iPhone 15钢化膜"]),
    ("carholder", &["适用于特斯拉Model 3车载手机支架"]),
    ("toothbrush", &["适用于Philips飞利浦电动牙刷刷头", "兼容Oral-B欧乐B刷头"]),
];

/// Lithium batteries declared as what they are.
const BATTERIES: [&str; 3] = ["powerbank", "liion18650", "buttoncell"];

/// What a licence-less sender writes in `licenseNo` (besides nothing at all); the list's own
/// copNo is added at run time.
const PLACEHOLDER_LICENCES: [&str; 4] = ["N/A", "000000", "无", "NA"];

/// A repeat offender violates this many times as often as an ordinary exporter.
const OFFENDER_FACTOR: f64 = 6.0;

/// Where a buyer on a sanctions list receives goods when the list's country is not one the
/// platforms deliver to: the usual transit hubs.
const HUBS: [&str; 5] = ["AE", "TR", "HK", "KZ", "RU"];

/// Countries a parcel may really be going to while its documents name a neighbour.
const NEIGHBOURS: &[(&str, &[&str])] = &[
    ("US", &["CA", "MX"]),
    ("CA", &["US"]),
    ("MX", &["US"]),
    ("DE", &["NL", "PL", "FR"]),
    ("FR", &["DE", "ES", "IT"]),
    ("GB", &["NL", "FR"]),
    ("ES", &["FR"]),
    ("IT", &["FR", "DE"]),
    ("NL", &["DE"]),
    ("PL", &["DE"]),
    ("MY", &["SG", "TH"]),
    ("SG", &["MY"]),
    ("TH", &["MY", "VN"]),
    ("SA", &["AE"]),
    ("AE", &["SA"]),
    ("RU", &["KZ"]),
    ("KZ", &["RU"]),
    ("BR", &["CL", "CO"]),
];

/// Embargoed destinations an "other" violation really ships to, with a city and a name pool.
const EMBARGOED: [(&str, &str, &str); 5] = [
    ("IR", "Tehran", "ar"),
    ("SY", "Damascus", "ar"),
    ("CU", "La Habana", "es"),
    ("KP", "Pyongyang", "ko"),
    ("BY", "Minsk", "ru"),
];

enum Scenario {
    Clean,
    Violation(ViolationKind, Subtlety),
    Confounder(Confounder),
}

pub(crate) struct Planner<'a> {
    cat: &'a Catalog,
    pop: &'a Population,
    config: &'a SimConfig,
    rng: Stream,
    hours: Weighted,
    destinations: Weighted,
    order_nos: HashSet<String>,
    waybill_nos: HashSet<String>,
    cop_seq: Vec<u32>,
    yymmdd: String,
    ymd: String,
    splits: u32,
    parcels: Vec<Parcel>,
    /// Product indexes by class.
    normal: Vec<usize>,
    cheap: Vec<usize>,
    heavy: Vec<usize>,
    controlled: Vec<usize>,
    prohibited: Vec<usize>,
    valuable: Vec<usize>,
    split_dests: Vec<usize>,
    split_dest_weights: Weighted,
    brand_sellers: Vec<usize>,
    normal_weights: Weighted,
    cheap_weights: Weighted,
}

fn money(x: f64) -> Decimal {
    Decimal::new((x.max(0.01) * 100.0).round() as i64, 2)
}

fn money_down(x: f64) -> Decimal {
    Decimal::new((x.max(0.01) * 100.0).floor() as i64, 2)
}

fn kg(x: f64) -> Decimal {
    Decimal::new((x.max(0.001) * 1000.0).round() as i64, 3)
}

fn to_f64(d: Decimal) -> f64 {
    d.to_string().parse().unwrap_or(0.0)
}

impl<'a> Planner<'a> {
    pub fn new(cat: &'a Catalog, pop: &'a Population, config: &'a SimConfig) -> Planner<'a> {
        let by_class = |class: ProductClass| -> Vec<usize> {
            (0..cat.products.len()).filter(|&p| cat.products[p].class == class).collect()
        };
        let normal = by_class(ProductClass::Normal);
        let valuable = normal.iter().copied().filter(|&p| cat.products[p].price_cny >= 50.0).collect();
        // A split pays off where a threshold exists and one parcel of ordinary goods can reach it.
        let split_dests: Vec<usize> = (0..cat.destinations.len())
            .filter(|&d| cat.destinations[d].de_minimis_cny.is_some_and(|t| (90.0..=2000.0).contains(&t)))
            .collect();
        let split_dest_weights = Weighted::new(split_dests.iter().map(|&d| cat.destinations[d].share));
        let brand_sellers =
            (0..pop.exporters.len()).filter(|&e| !pop.exporters[e].authorized_brands.is_empty()).collect();
        let ymd = config.day_stamp();
        let cheap = by_class(ProductClass::Cheap);
        let normal_weights = Weighted::new(normal.iter().map(|&p| cat.products[p].share));
        let cheap_weights = Weighted::new(cheap.iter().map(|&p| cat.products[p].share));
        Planner {
            cat,
            pop,
            config,
            rng: Stream::new(config.seed, 1),
            hours: Weighted::new(HOURLY),
            destinations: Weighted::new(cat.destinations.iter().map(|d| d.share)),
            order_nos: HashSet::new(),
            waybill_nos: HashSet::new(),
            cop_seq: vec![0; pop.exporters.len()],
            yymmdd: ymd[2..].to_owned(),
            ymd,
            splits: 0,
            parcels: Vec::with_capacity(config.parcels),
            normal,
            cheap,
            heavy: by_class(ProductClass::Heavy),
            controlled: by_class(ProductClass::Controlled),
            prohibited: by_class(ProductClass::Prohibited),
            valuable,
            split_dests,
            split_dest_weights,
            brand_sellers,
            normal_weights,
            cheap_weights,
        }
    }

    pub fn run(mut self) -> Vec<Parcel> {
        let s = self.pop.offender_share;
        let norm = OFFENDER_FACTOR * s + (1.0 - s);
        let slot_weight = |k: ViolationKind| {
            if k == ViolationKind::SplitShipment { prevalence(k) / MEAN_SPLIT } else { prevalence(k) }
        };
        let kinds = Weighted::new(ViolationKind::ALL.iter().map(|&k| slot_weight(k)));
        let p_violation: f64 = ViolationKind::ALL.iter().map(|&k| slot_weight(k)).sum();
        let confounders = Weighted::new(CONFOUNDERS.iter().map(|(_, w)| *w));
        let p_confounder: f64 = CONFOUNDERS.iter().map(|(_, w)| *w).sum();
        let subtleties = Weighted::new([0.3, 0.4, 0.3]);

        while self.parcels.len() < self.config.parcels {
            let exporter = self.pop.exporter_weights.sample(&mut self.rng);
            let factor = if self.pop.exporters[exporter].repeat_offender { OFFENDER_FACTOR } else { 1.0 } / norm;
            let scenario = if self.rng.chance(p_violation * factor) {
                let kind = ViolationKind::ALL[kinds.sample(&mut self.rng)];
                let subtlety =
                    [Subtlety::Obvious, Subtlety::Moderate, Subtlety::Subtle][subtleties.sample(&mut self.rng)];
                Scenario::Violation(kind, subtlety)
            } else if self.rng.chance(p_confounder / (1.0 - p_violation)) {
                Scenario::Confounder(CONFOUNDERS[confounders.sample(&mut self.rng)].0)
            } else {
                Scenario::Clean
            };
            match scenario {
                Scenario::Violation(ViolationKind::SplitShipment, subtlety) => self.split(exporter, subtlety),
                Scenario::Violation(kind, subtlety) => {
                    let p = self.violation(exporter, kind, subtlety);
                    self.parcels.push(p);
                }
                Scenario::Confounder(Confounder::RepeatBuyer) => self.repeat_buyer(exporter),
                Scenario::Confounder(c) => {
                    let p = self.confounder(exporter, c);
                    self.parcels.push(p);
                }
                Scenario::Clean => {
                    let lines = self.lines(exporter);
                    let p = self.finish(exporter, lines, None, None, None);
                    self.parcels.push(p);
                }
            }
        }
        self.parcels
    }

    fn time_of_day(&mut self) -> i64 {
        let hour = self.hours.sample(&mut self.rng) as i64;
        hour * 3600 + self.rng.below(0, 3600) as i64
    }

    fn qty(&mut self, product: usize) -> u32 {
        let p = &self.cat.products[product];
        match (p.unit.as_str(), p.class) {
            ("035", _) => self.rng.below(1, 6) as u32,
            ("036", _) => 100 * self.rng.below(1, 6) as u32,
            (_, ProductClass::Heavy) => 1,
            (_, ProductClass::Cheap) => *self.rng.pick(&[1, 1, 2, 2, 3, 4, 5, 10]),
            _ => *self.rng.pick(&[1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3]),
        }
    }

    fn line(&mut self, product: usize, qty: u32, price: Decimal, market_price: Decimal) -> Line {
        let p = &self.cat.products[product];
        let mut key: String = p.key.to_uppercase().chars().filter(char::is_ascii_alphanumeric).take(8).collect();
        key.push_str(&format!("-{:03}", self.rng.below(1, 1000)));
        Line {
            product,
            item_no: key,
            name: p.name_zh.clone(),
            gcode: p.hs10.clone(),
            bar_code: self.rng.chance(0.6).then(|| crate::population::ean13(&mut self.rng)),
            qty: Decimal::from(qty),
            qty1: Decimal::from(qty),
            price,
            market_price,
            list_total: None,
            order: None,
        }
    }

    /// A line at the product's usual price.
    fn priced_line(&mut self, product: usize) -> Line {
        let p = &self.cat.products[product];
        let price = money(self.rng.lognormal(p.price_cny, p.spread));
        let qty = self.qty(product);
        self.line(product, qty, price, price)
    }

    fn lines(&mut self, exporter: usize) -> Vec<Line> {
        let n = *self.rng.pick(&[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3]);
        let mut products: Vec<usize> = Vec::with_capacity(n);
        for _ in 0..n * 3 {
            if products.len() == n {
                break;
            }
            let (items, weights) = &self.pop.assortments[exporter];
            let p = if !items.is_empty() && self.rng.chance(0.85) {
                items[weights.sample(&mut self.rng)]
            } else {
                if self.rng.chance(0.8) {
                    self.normal[self.normal_weights.sample(&mut self.rng)]
                } else {
                    self.cheap[self.cheap_weights.sample(&mut self.rng)]
                }
            };
            if !products.contains(&p) {
                products.push(p);
            }
        }
        products.into_iter().map(|p| self.priced_line(p)).collect()
    }

    /// The destination and platform of a parcel. The destination is drawn first, by China's
    /// CBEC export shares (the calibrated figure); the platform is one of the exporter's that
    /// sells there (and sends the buyer block when the scenario needs it), else any that does,
    /// by platform share.
    fn route(&mut self, exporter: usize, dest: Option<usize>, needs_buyer: bool) -> (usize, usize) {
        let dest = dest.unwrap_or_else(|| self.destinations.sample(&mut self.rng));
        let platforms = &self.pop.platforms;
        let fits = |p: usize| (!needs_buyer || platforms[p].sends_buyers) && platforms[p].serves.contains(&dest);
        let own: Vec<usize> = self.pop.exporters[exporter].platforms.iter().copied().filter(|&p| fits(p)).collect();
        let platform = if own.is_empty() {
            let any: Vec<usize> = (0..platforms.len()).filter(|&p| fits(p)).collect();
            // AliExpress serves every destination and sends buyers, so `any` is never empty.
            let weights = Weighted::new(any.iter().map(|&p| platforms[p].share));
            any[weights.sample(&mut self.rng)]
        } else {
            *self.rng.pick(&own)
        };
        (platform, dest)
    }

    fn ordinary_buyer(&mut self, dest: usize) -> Buyer {
        let d = &self.cat.destinations[dest];
        let person = names::buyer(d, &self.cat.pools[d.pool], &mut self.rng);
        Buyer { name: person.name, address: person.address, country: d.iso2.clone(), telephone: person.telephone }
    }

    fn unique(set: &mut HashSet<String>, mut make: impl FnMut() -> String) -> String {
        loop {
            let candidate = make();
            if set.insert(candidate.clone()) {
                return candidate;
            }
        }
    }

    /// Completes a parcel around its goods: route, buyer, numbers, weights, freight, times.
    fn finish(
        &mut self,
        exporter: usize,
        mut lines: Vec<Line>,
        route: Option<(usize, usize)>,
        buyer: Option<Buyer>,
        t_order: Option<i64>,
    ) -> Parcel {
        let (platform, dest) = match route {
            Some(r) => r,
            None => self.route(exporter, None, false),
        };
        let buyer = buyer.unwrap_or_else(|| self.ordinary_buyer(dest));
        let ex = &self.pop.exporters[exporter];
        let logistics = *self.rng.pick(&ex.logistics);
        let firm = &self.pop.logistics[logistics];

        let mut gross = self.rng.between(0.03, 0.15);
        for line in &mut lines {
            let p = &self.cat.products[line.product];
            let weight = to_f64(line.qty) * p.weight_kg * self.rng.between(0.92, 1.08);
            gross += weight;
            let net = weight * 0.88;
            line.qty1 = match (p.unit1 == p.unit, p.unit1.as_str()) {
                (true, _) => line.qty,
                (false, "035") => kg(net),
                (false, "036") => Decimal::new((net * 10_000.0).round().max(1.0) as i64, 1),
                _ => line.qty,
            };
        }
        let gross = kg(gross.max(0.05));
        let gross_f = to_f64(gross);
        let net_weight = kg(gross_f * self.rng.between(0.82, 0.95));
        let per_kg = if firm.traf_mode == "2" { 12.0 } else { 48.0 };
        let freight = money((8.0 + per_kg * gross_f) * self.rng.between(0.9, 1.1));
        let order_freight = if self.rng.chance(0.65) { Decimal::ZERO } else { money(self.rng.between(3.0, 30.0)) };

        let format = self.pop.platforms[platform].format;
        let (rng, yymmdd) = (&mut self.rng, &self.yymmdd);
        let order_no = Self::unique(&mut self.order_nos, || order_number(format, yymmdd, rng));
        let rng = &mut self.rng;
        let logistics_no = Self::unique(&mut self.waybill_nos, || waybill_number(firm.format, rng));
        self.cop_seq[exporter] += 1;
        let cop_no = format!("{}{}{:06}", ex.prefix, self.ymd, self.cop_seq[exporter]);

        let t_order = t_order.unwrap_or_else(|| self.time_of_day());
        let mut t_waybill = t_order + self.rng.below(120, 5400) as i64;
        // Some agents file the list before the platform's order or the carrier's waybill
        // arrives: the hub must match documents in any order.
        let t_list = if self.rng.chance(0.12) {
            t_order - self.rng.below(60, 1800) as i64
        } else {
            t_order + self.rng.below(600, 10_800) as i64
        };
        if self.rng.chance(0.06) {
            t_waybill = t_list + self.rng.below(300, 3600) as i64;
        }
        let payer = self.rng.chance(self.config.payment_share).then(|| self.rng.below(0, self.pop.payers.len()));
        let t_payment = t_order + self.rng.below(0, 600) as i64;
        let t_accounting = t_order - self.rng.below(60, 86_400) as i64;
        // Documents of a parcel that would fall outside the day move into it together, so
        // that their order (and the out-of-order arrivals) survive and no second piles up.
        let first = t_order.min(t_waybill).min(t_list);
        let last = t_order.max(t_waybill).max(t_list).max(t_payment);
        let shift = if first < 0 { -first } else { (LAST_SECOND - last).min(0) };
        let clamp = |t: i64| (t + shift).clamp(0, LAST_SECOND);
        let airports = &self.cat.destinations[dest].airports;
        let pod = self.rng.pick(airports).clone();
        Parcel {
            exporter,
            platform,
            logistics,
            agent: ex.agent,
            payer,
            dest,
            pod,
            buyer,
            order_no,
            logistics_no,
            cop_no,
            order_lines: lines,
            list_override: None,
            order_freight,
            freight,
            list_freight: freight,
            shipping_in_goods: Decimal::ZERO,
            order_currency: "142",
            order_rate: Decimal::ONE,
            insured_fee: Decimal::ZERO,
            buyer_block: true,
            sparse: false,
            list_weight: gross,
            waybill_weight: gross,
            net_weight,
            pack_no: if gross_f < 10.0 { 1 } else { 2 },
            license_no: None,
            statistics_flag: if self.rng.chance(0.7) { "A" } else { "B" },
            waybill_names_ebc: self.rng.chance(0.5),
            t_order: clamp(t_order),
            t_waybill: clamp(t_waybill),
            t_list: clamp(t_list),
            t_payment: clamp(t_payment),
            t_accounting: (t_accounting + shift).min(LAST_SECOND),
            violations: Vec::new(),
            subtlety: None,
            confounder: None,
            split_group: None,
        }
    }

    fn mark(mut p: Parcel, kind: ViolationKind, subtlety: Subtlety) -> Parcel {
        p.violations = vec![kind];
        p.subtlety = Some(subtlety);
        p
    }

    fn by_subtlety(&mut self, subtlety: Subtlety, ranges: [(f64, f64); 3]) -> f64 {
        let (lo, hi) = match subtlety {
            Subtlety::Obvious => ranges[0],
            Subtlety::Moderate => ranges[1],
            Subtlety::Subtle => ranges[2],
        };
        self.rng.between(lo, hi)
    }

    fn violation(&mut self, exporter: usize, kind: ViolationKind, subtlety: Subtlety) -> Parcel {
        match kind {
            ViolationKind::Undervaluation => {
                // What the exporter sells, where it is worth under-declaring.
                let (items, _) = &self.pop.assortments[exporter];
                let own: Vec<usize> = items.iter().copied().filter(|p| self.valuable.contains(p)).collect();
                let product = *self.rng.pick(if own.is_empty() { &self.valuable } else { &own });
                let p = &self.cat.products[product];
                let market = money(self.rng.lognormal(p.price_cny, p.spread));
                let factor = self.by_subtlety(subtlety, [(0.04, 0.12), (0.18, 0.3), (0.35, 0.5)]);
                let qty = self.qty(product);
                let line = self.line(product, qty, money(to_f64(market) * factor), market);
                let parcel = self.finish(exporter, vec![line], None, None, None);
                Self::mark(parcel, kind, subtlety)
            }
            ViolationKind::Misclassification => {
                let mut lines = self.lines(exporter);
                let true_product = &self.cat.products[lines[0].product];
                let (chapter, category) = (true_product.chapter(), Category::of_chapter(true_product.chapter()));
                let candidates: Vec<usize> = self
                    .normal
                    .iter()
                    .chain(&self.cheap)
                    .copied()
                    .filter(|&q| {
                        let other = &self.cat.products[q];
                        other.hs10[..6] != true_product.hs10[..6]
                            && match subtlety {
                                Subtlety::Subtle => other.chapter() == chapter,
                                Subtlety::Moderate => {
                                    other.chapter() != chapter && Category::of_chapter(other.chapter()) == category
                                }
                                Subtlety::Obvious => Category::of_chapter(other.chapter()) != category,
                            }
                    })
                    .collect();
                let (subtlety, wrong) = match candidates.is_empty() {
                    false => (subtlety, *self.rng.pick(&candidates)),
                    // No sibling code in the catalogue for this product: a code from another family.
                    true => {
                        let any: Vec<usize> = self
                            .normal
                            .iter()
                            .copied()
                            .filter(|&q| Category::of_chapter(self.cat.products[q].chapter()) != category)
                            .collect();
                        (Subtlety::Obvious, *self.rng.pick(&any))
                    }
                };
                lines[0].gcode = self.cat.products[wrong].hs10.clone();
                let parcel = self.finish(exporter, lines, None, None, None);
                Self::mark(parcel, kind, subtlety)
            }
            ViolationKind::ProhibitedGoods => {
                let product = *self.rng.pick(&self.prohibited);
                let mut line = self.priced_line(product);
                if subtlety != Subtlety::Obvious {
                    line.name = vague_name(&self.cat.products[product].key).into();
                }
                if subtlety == Subtlety::Subtle {
                    let innocuous = *self.rng.pick(&self.normal);
                    line.gcode = self.cat.products[innocuous].hs10.clone();
                }
                let parcel = self.finish(exporter, vec![line], None, None, None);
                let mut parcel = Self::mark(parcel, kind, subtlety);
                if subtlety == Subtlety::Subtle {
                    // Hidden under another product's code, it is misclassified too.
                    parcel.violations.push(ViolationKind::Misclassification);
                }
                parcel
            }
            ViolationKind::LicenseMissing => {
                let product = *self.rng.pick(&self.controlled);
                let mut line = self.priced_line(product);
                match subtlety {
                    Subtlety::Obvious => {
                        let scale = Decimal::from(self.rng.below(4, 11));
                        line.qty *= scale;
                        line.qty1 = line.qty;
                    }
                    Subtlety::Moderate => {}
                    Subtlety::Subtle => line.name = vague_name(&self.cat.products[product].key).into(),
                }
                // A simplified declaration: the 4-digit heading (padded to the schema's 10
                // characters) hides the controlled national line.
                if subtlety != Subtlety::Obvious && self.rng.chance(0.35) {
                    line.gcode = format!("{}000000", &line.gcode[..4]);
                }
                let mut parcel = self.finish(exporter, vec![line], None, None, None);
                parcel.statistics_flag = "A";
                // A placeholder where the licence number belongs.
                if subtlety != Subtlety::Obvious && self.rng.chance(0.4) {
                    parcel.license_no = Some(if self.rng.chance(0.2) {
                        parcel.cop_no.clone()
                    } else {
                        (*self.rng.pick(&PLACEHOLDER_LICENCES)).to_owned()
                    });
                }
                Self::mark(parcel, kind, subtlety)
            }
            ViolationKind::SanctionedParty => {
                let listed = self.rng.pick(&self.cat.listed);
                let name = names::listed_variant(listed, subtlety, &mut self.rng);
                let dest = self.listed_destination(&listed.country);
                let mut buyer = self.ordinary_buyer(dest);
                buyer.name = name;
                let route = self.route(exporter, Some(dest), true);
                let lines = self.lines(exporter);
                let parcel = self.finish(exporter, lines, Some(route), Some(buyer), None);
                Self::mark(parcel, kind, subtlety)
            }
            ViolationKind::DocumentMismatch => {
                let lines = self.lines(exporter);
                let mut parcel = self.finish(exporter, lines, None, None, None);
                let mut list = parcel.order_lines.clone();
                match subtlety {
                    Subtlety::Obvious => {
                        let factor = self.rng.between(0.3, 0.6);
                        list[0].price = money(to_f64(list[0].price) * factor);
                    }
                    Subtlety::Moderate if list.len() >= 2 => {
                        list.pop();
                    }
                    Subtlety::Moderate => {
                        list[0].qty += Decimal::ONE;
                        if list[0].qty1 == parcel.order_lines[0].qty {
                            list[0].qty1 = list[0].qty;
                        }
                    }
                    Subtlety::Subtle => {
                        let price = to_f64(list[0].price);
                        let cut = self.rng.between(0.01, (price / 2.0).min(1.0));
                        list[0].price = money((price - cut).max(0.01));
                        if list[0].price == parcel.order_lines[0].price {
                            list[0].price += Decimal::new(1, 2);
                        }
                    }
                }
                parcel.list_override = Some(list);
                Self::mark(parcel, kind, subtlety)
            }
            ViolationKind::WeightMismatch => {
                let lines = self.lines(exporter);
                let mut parcel = self.finish(exporter, lines, None, None, None);
                let factor = self.by_subtlety(subtlety, [(0.2, 0.45), (0.6, 0.8), (0.9, 0.96)]);
                let mut declared = kg(to_f64(parcel.waybill_weight) * factor);
                if declared == parcel.waybill_weight {
                    declared -= Decimal::new(1, 3);
                }
                parcel.list_weight = declared.max(Decimal::new(1, 3));
                parcel.net_weight = kg(to_f64(parcel.list_weight) * 0.9);
                Self::mark(parcel, kind, subtlety)
            }
            ViolationKind::Counterfeit => {
                let authorized = &self.pop.exporters[exporter].authorized_brands;
                let brands: Vec<usize> = (0..self.cat.brands.len()).filter(|b| !authorized.contains(b)).collect();
                let b = &self.cat.brands[*self.rng.pick(&brands)];
                let factor = self.by_subtlety(subtlety, [(0.02, 0.06), (0.08, 0.2), (0.3, 0.5)]);
                let genuine = money(b.genuine_price_cny);
                let qty = *self.rng.pick(&[1, 1, 1, 2]);
                let mut line = self.line(b.product, qty, money(b.genuine_price_cny * factor), genuine);
                line.name = b.name_zh.clone();
                let parcel = self.finish(exporter, vec![line], None, None, None);
                Self::mark(parcel, kind, subtlety)
            }
            ViolationKind::Other => self.elsewhere(exporter, subtlety),
            ViolationKind::SplitShipment => unreachable!("split shipments are planned as groups"),
        }
    }

    /// The destination of a listed buyer: the list's country when platforms deliver there, else
    /// a transit hub.
    fn listed_destination(&mut self, country: &str) -> usize {
        match self.cat.destination(country) {
            Some(d) => d,
            None => {
                let hub = *self.rng.pick(&HUBS);
                self.cat.destination(hub).unwrap_or(0)
            }
        }
    }

    /// Kind `other`: the documents name one country, the buyer is in another.
    fn elsewhere(&mut self, exporter: usize, subtlety: Subtlety) -> Parcel {
        let (platform, dest) = self.route(exporter, None, true);
        let declared = self.cat.destinations[dest].iso2.clone();
        let buyer = match subtlety {
            Subtlety::Obvious => {
                let (iso, city, pool) = *self.rng.pick(&EMBARGOED);
                let pool = self.cat.pools.iter().find(|p| p.key == pool).unwrap_or(&self.cat.pools[0]);
                let name = format!("{} {}", self.rng.pick(&pool.given), self.rng.pick(&pool.family));
                let street = self.rng.pick(&pool.street);
                Buyer {
                    name,
                    address: format!("{street} {}, {city}", self.rng.below(1, 200)),
                    country: iso.into(),
                    telephone: None,
                }
            }
            Subtlety::Moderate | Subtlety::Subtle => {
                let neighbours = NEIGHBOURS.iter().find(|(c, _)| *c == declared).map(|(_, n)| *n).unwrap_or(&[]);
                let other = if subtlety == Subtlety::Subtle && !neighbours.is_empty() {
                    {
                        let iso = *self.rng.pick::<&str>(neighbours);
                        self.cat.destination(iso)
                    }
                } else {
                    None
                };
                let other = other.unwrap_or_else(|| {
                    loop {
                        let d = self.rng.below(0, self.cat.destinations.len());
                        if d != dest {
                            break d;
                        }
                    }
                });
                self.ordinary_buyer(other)
            }
        };
        let lines = self.lines(exporter);
        let parcel = self.finish(exporter, lines, Some((platform, dest)), Some(buyer), None);
        Self::mark(parcel, ViolationKind::Other, subtlety)
    }

    fn confounder(&mut self, exporter: usize, confounder: Confounder) -> Parcel {
        let mut parcel = match confounder {
            Confounder::CheapGoods => {
                let product = *self.rng.pick(&self.cheap);
                let p = &self.cat.products[product];
                let usual = money(p.price_cny);
                let price = money(p.price_cny * self.rng.between(0.35, 0.6));
                let qty = self.qty(product);
                let line = self.line(product, qty, price, usual);
                self.finish(exporter, vec![line], None, None, None)
            }
            Confounder::HeavyGoods => {
                let product = *self.rng.pick(&self.heavy);
                let line = self.priced_line(product);
                self.finish(exporter, vec![line], None, None, None)
            }
            Confounder::RealBrand => {
                let seller = if self.brand_sellers.is_empty() { exporter } else { *self.rng.pick(&self.brand_sellers) };
                match self.pop.exporters[seller].authorized_brands.first() {
                    Some(_) => {
                        let b = *self.rng.pick(&self.pop.exporters[seller].authorized_brands);
                        let b = &self.cat.brands[b];
                        let price = money(b.genuine_price_cny * self.rng.between(0.85, 1.05));
                        let mut line = self.line(b.product, 1, price, price);
                        line.name = b.name_zh.clone();
                        self.finish(seller, vec![line], None, None, None)
                    }
                    None => {
                        let lines = self.lines(exporter);
                        return self.finish(exporter, lines, None, None, None);
                    }
                }
            }
            Confounder::LicensedControlled => {
                let product = *self.rng.pick(&self.controlled);
                let line = self.priced_line(product);
                let mut parcel = self.finish(exporter, vec![line], None, None, None);
                parcel.license_no =
                    Some(format!("{}-{}-{}", &self.ymd[2..4], self.rng.upper_alnum(2), self.rng.digits(6)));
                parcel.statistics_flag = "B";
                parcel
            }
            Confounder::NameResemblesListed => {
                let listed = self.rng.pick(&self.cat.listed);
                let dest = self.listed_destination(&listed.country);
                let pool = &self.cat.pools[self.cat.destinations[dest].pool];
                let name = names::resembling(listed, pool, &mut self.rng);
                let mut buyer = self.ordinary_buyer(dest);
                buyer.name = name;
                let route = self.route(exporter, Some(dest), true);
                let lines = self.lines(exporter);
                self.finish(exporter, lines, Some(route), Some(buyer), None)
            }
            Confounder::FirstTimeExporter => {
                let lines = self.lines(exporter);
                self.finish(exporter, lines, None, None, None)
            }
            Confounder::CompatibleAccessory => {
                let (key, names) = *self.rng.pick(COMPATIBLE);
                let product = self.cat.product(key).unwrap_or(0);
                let mut line = self.priced_line(product);
                line.name = (*self.rng.pick(names)).to_owned();
                self.finish(exporter, vec![line], None, None, None)
            }
            Confounder::LithiumBattery => {
                let key = *self.rng.pick(&BATTERIES);
                let product = self.cat.product(key).unwrap_or(0);
                let line = self.priced_line(product);
                self.finish(exporter, vec![line], None, None, None)
            }
            Confounder::NearValueLimit => {
                let candidates: Vec<usize> = self
                    .valuable
                    .iter()
                    .copied()
                    .filter(|&p| (300.0..4500.0).contains(&self.cat.products[p].price_cny))
                    .collect();
                let product = *self.rng.pick(&candidates);
                let usual = self.rng.lognormal(self.cat.products[product].price_cny, 0.15);
                let target = self.rng.between(4000.0, 4900.0);
                let qty = ((target / usual).round() as u32).max(1);
                let price = money_down(target / f64::from(qty));
                let line = self.line(product, qty, price, price);
                self.finish(exporter, vec![line], None, None, None)
            }
            Confounder::RepeatBuyer => unreachable!("repeat buyers are planned as groups"),
        };
        parcel.confounder = Some(confounder);
        parcel
    }

    /// A regular customer: two or three honest parcels the same day to one buyer, from the
    /// exporter and sometimes from others, with ordinary goods and values.
    fn repeat_buyer(&mut self, exporter: usize) {
        let remaining = self.config.parcels - self.parcels.len();
        let k = *self.rng.pick(&[2, 2, 3, 3]);
        let k = k.min(remaining);
        let (_, dest) = self.route(exporter, None, true);
        let buyer = self.ordinary_buyer(dest);
        for i in 0..k {
            let seller =
                if i > 0 && self.rng.chance(0.4) { self.pop.exporter_weights.sample(&mut self.rng) } else { exporter };
            let route = self.route(seller, Some(dest), true);
            let lines = self.lines(seller);
            let mut parcel = self.finish(seller, lines, Some(route), Some(buyer.clone()), None);
            parcel.confounder = Some(Confounder::RepeatBuyer);
            self.parcels.push(parcel);
        }
    }

    /// One buyer's consignment split into parcels that each stay under the destination's de
    /// minimis, the same day, from the same exporter.
    fn split(&mut self, exporter: usize, subtlety: Subtlety) {
        let remaining = self.config.parcels - self.parcels.len();
        let (lo_k, hi_k, spread, lo_v) = match subtlety {
            Subtlety::Obvious => (5, 7, 2700, 0.85),
            Subtlety::Moderate => (3, 5, 4 * 3600, 0.75),
            Subtlety::Subtle => (2, 4, 10 * 3600, 0.7),
        };
        let k = self.rng.below(lo_k, hi_k).min(remaining);
        if k < 2 || self.split_dests.is_empty() {
            let lines = self.lines(exporter);
            let p = self.finish(exporter, lines, None, None, None);
            self.parcels.push(p);
            return;
        }
        self.splits += 1;
        let group = self.splits;
        let dest = self.split_dests[self.split_dest_weights.sample(&mut self.rng)];
        let threshold = self.cat.destinations[dest].de_minimis_cny.unwrap_or(1000.0);
        let route = self.route(exporter, Some(dest), true);
        let buyer = self.ordinary_buyer(dest);
        let start = self.time_of_day().min(LAST_SECOND - spread);
        let candidates: Vec<usize> = {
            let (items, _) = &self.pop.assortments[exporter];
            let fitting: Vec<usize> =
                items.iter().copied().filter(|&p| self.cat.products[p].price_cny <= threshold * 0.8).collect();
            if fitting.is_empty() { self.cheap.clone() } else { fitting }
        };
        let first_product = *self.rng.pick(&candidates);
        let first_target = threshold * self.rng.between(lo_v, 0.98);
        for i in 0..k {
            let product = if subtlety == Subtlety::Subtle { *self.rng.pick(&candidates) } else { first_product };
            let target =
                if subtlety == Subtlety::Obvious { first_target } else { threshold * self.rng.between(lo_v, 0.98) };
            let p = &self.cat.products[product];
            let usual = self.rng.lognormal(p.price_cny, p.spread).min(target);
            let qty = ((target / usual).floor() as u32).clamp(1, 50);
            let price = money_down(target / f64::from(qty));
            let line = self.line(product, qty, price, price);
            let t = start + if i == 0 { 0 } else { self.rng.below(0, spread as usize) as i64 };
            let mut parcel = self.finish(exporter, vec![line], Some(route), Some(buyer.clone()), Some(t));
            parcel.split_group = Some(group);
            let parcel = Self::mark(parcel, ViolationKind::SplitShipment, subtlety);
            self.parcels.push(parcel);
        }
    }
}

/// What a sender writes to hide what the goods are: the euphemisms seen on seized parcels
/// ("工艺品" for ivory, "金属样品" for gallium, "化工原料" for precursors).
fn vague_name(product_key: &str) -> &'static str {
    match product_key {
        "ivory" | "rhinohorn" | "swords" => "工艺品摆件",
        "charcoal" => "烧烤燃料",
        "aquasand" => "鱼缸造景材料",
        "antique" => "瓷器摆件",
        "ephedra" | "poppy" | "pangolin" | "musk" => "中药材",
        "agarwood" => "香料木片",
        "rosewood" => "木材样品",
        "replicagun" => "玩具模型",
        "pistolparts" | "cartridges" => "五金配件",
        "fireworks" => "节日用品",
        "detonators" => "电子配件",
        "tramadol" => "保健品",
        "drone" => "遥控飞行玩具",
        "uavparts" => "遥控模型配件",
        "ircamera" => "摄像头",
        "imu" => "电子模块",
        "gallium" | "germanium" | "antimony" | "rareearth" | "germaniumoxide" => "金属样品",
        "graphite" | "synthgraphite" => "碳素材料",
        _ => "化工原料",
    }
}

/// The truth of a planned parcel.
pub(crate) fn truth(p: &Parcel, pop: &Population, cat: &Catalog, config: &SimConfig) -> TruthRecord {
    let ex = &pop.exporters[p.exporter];
    let first = &p.list_lines()[0];
    let confounder =
        p.confounder.or((p.violations.is_empty() && ex.first_time).then_some(Confounder::FirstTimeExporter));
    TruthRecord {
        cop_no: p.cop_no.clone(),
        ebc_code: ex.ent.code.clone(),
        order_no: p.order_no.clone(),
        ebp_code: pop.platforms[p.platform].ent.code.clone(),
        platform: pop.platforms[p.platform].label.into(),
        logistics_no: p.logistics_no.clone(),
        logistics_code: pop.logistics[p.logistics].ent.code.clone(),
        violations: p.violations.clone(),
        subtlety: p.subtlety,
        confounder,
        destination: cat.destinations[p.dest].iso2.clone(),
        buyer_country: p.buyer.country.clone(),
        value_cny: p.list_lines().iter().map(Line::total).sum::<Decimal>().to_string(),
        market_value_cny: p.order_lines.iter().map(|l| l.qty * l.market_price).sum::<Decimal>().round_dp(2).to_string(),
        hs_code: first.gcode.clone(),
        true_hs_code: cat.products[first.product].hs10.clone(),
        app_time: clock::stamp(config.day, p.t_list),
        split_group: p.split_group.map(|g| format!("SPLIT{g:06}")),
        exporter: ExporterProfile {
            repeat_offender: ex.repeat_offender,
            first_time: ex.first_time,
            authorized_brands: ex.authorized_brands.iter().map(|&b| cat.brands[b].brand.clone()).collect(),
        },
        product: cat.products[first.product].key.clone(),
        held_out: cat.products[first.product].heldout,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_confounders_goods_are_in_the_catalogue() {
        let cat = crate::data::catalog().unwrap();
        for key in COMPATIBLE.iter().map(|(k, _)| *k).chain(BATTERIES) {
            assert!(cat.product(key).is_some(), "no product {key}");
        }
        for p in cat.products.iter().filter(|p| matches!(p.class, ProductClass::Controlled | ProductClass::Prohibited))
        {
            assert!(
                vague_name(&p.key) != "化工原料" || p.hs10.starts_with("29") || p.hs10.starts_with("28"),
                "{}: no euphemism",
                p.key
            );
        }
    }
}
