//! The truth matches the messages: clean parcels have consistent documents, each violation
//! shows where the truth says it does, every kind of INTERFACES.md §4 occurs in a 20,000-parcel
//! day at about its stated prevalence, and the confounders are clean.

mod support;

use greenlane_sim::{Confounder, HonestNoise, SimConfig, Simulation, Subtlety, TruthRecord, ViolationKind, generate};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use support::Read;

const PARCELS: usize = 20_000;

fn day() -> &'static (Simulation, Read) {
    static DAY: OnceLock<(Simulation, Read)> = OnceLock::new();
    DAY.get_or_init(|| {
        let sim = generate(&SimConfig { parcels: PARCELS, seed: 2026, ..SimConfig::default() }).unwrap();
        let read = support::read_all(&sim);
        (sim, read)
    })
}

struct Docs<'a> {
    list: &'a greenlane_ceb::export::Inventory,
    order: &'a greenlane_ceb::export::Order,
    waybill: &'a greenlane_ceb::export::Logistics,
    payment: Option<&'a greenlane_ceb::export::Receipts>,
    positions: (usize, usize, usize),
}

fn docs<'a>(read: &'a Read, t: &TruthRecord) -> Docs<'a> {
    let (li, list) = &read.lists[&(t.ebc_code.clone(), t.cop_no.clone())];
    let (oi, order) = &read.orders[&(t.ebp_code.clone(), t.order_no.clone())];
    let (wi, waybill) = &read.waybills[&(t.logistics_code.clone(), t.logistics_no.clone())];
    let payment = read.payments.get(&(t.ebp_code.clone(), t.order_no.clone())).map(|(_, p)| p);
    Docs { list, order, waybill, payment, positions: (*li, *oi, *wi) }
}

/// What the pipeline's three-document check compares, as one list of disagreements beyond
/// the honest noise of `noise`: orders may be in a marketplace currency converted at a day rate
/// within `rate_spread` of the customs rate, prices may carry more decimals than the list's,
/// an order may count sets where the list counts pieces, a free-shipping list may declare no
/// freight, an order may fold its shipping into `goodsValue`, and the waybill's weight is what
/// the carrier's scale showed.
fn disagreements(d: &Docs, noise: &HonestNoise) -> Vec<String> {
    let mut out = Vec::new();
    let head = &d.list.inventory_head;
    let oh = &d.order.order_head;
    if head.order_no != oh.order_no || head.ebp_code != oh.ebp_code || head.ebc_code != oh.ebc_code {
        out.push("keys".to_owned());
    }
    if d.list.inventory_lists.len() != d.order.order_lists.len() {
        out.push("line count".to_owned());
    }
    let rate = greenlane_sim::customs_rate(&oh.currency).unwrap_or_else(|| panic!("no rate for {}", oh.currency));
    // CNY orders agree with their lists to the cent; converted ones within the day rate's spread.
    let (spread, cents) = match oh.currency.as_str() {
        "142" => (Decimal::ZERO, Decimal::ZERO),
        _ => (Decimal::from_f64_retain(noise.rate_spread).unwrap() + Decimal::new(1, 4), Decimal::new(2, 2)),
    };
    let near = |cny: Decimal, foreign: Decimal| {
        let converted = foreign * rate;
        (cny - converted).abs() <= converted * spread + cents
    };
    let mut ordered_cny = Decimal::ZERO;
    for l in &d.list.inventory_lists {
        match d.order.order_lists.iter().find(|o| o.item_no == l.item_no) {
            None => out.push(format!("item {} not ordered", l.item_no)),
            Some(o) => {
                let sets = o.unit != l.unit;
                let qty_agrees = if sets {
                    o.unit == "006" && [2, 3].iter().any(|&k| o.qty * Decimal::from(k) == l.qty)
                } else {
                    o.qty == l.qty
                };
                if !qty_agrees || !near(l.total_price, o.total_price) {
                    out.push(format!("item {}", l.item_no));
                }
                if !sets && oh.currency == "142" && (l.price - o.price).abs() >= Decimal::new(5, 3) {
                    out.push(format!("item {} price", l.item_no));
                }
                if l.currency != "142" || o.currency != oh.currency {
                    out.push("currency".to_owned());
                }
                if (l.qty * l.price - l.total_price).abs() > l.qty * Decimal::new(5, 3) + Decimal::new(1, 2) {
                    out.push("list total".to_owned());
                }
                ordered_cny += o.total_price;
            }
        }
    }
    let declared: Decimal = d.list.inventory_lists.iter().map(|l| l.total_price).sum();
    let ordered: Decimal = d.order.order_lists.iter().map(|l| l.total_price).sum();
    let shipping_in_goods = oh.goods_value - ordered;
    let folded = !shipping_in_goods.is_zero() && oh.freight.is_zero() && near(head.freight, shipping_in_goods);
    if !(shipping_in_goods.is_zero() || folded) || !near(declared, ordered_cny) {
        out.push("goods value".to_owned());
    }
    let gap = (head.gross_weight - d.waybill.gross_weight).abs();
    if gap > noise.max_weight_gap(head.gross_weight) {
        out.push("gross weight".to_owned());
    }
    if head.pack_no != d.waybill.pack_no {
        out.push("packages".to_owned());
    }
    if d.waybill.ebc_code.as_ref().is_some_and(|e| *e != head.ebc_code) {
        out.push("waybill ebc".to_owned());
    }
    if let Some(p) = d.payment
        && (p.charge != oh.goods_value + oh.freight || p.currency != oh.currency)
    {
        out.push("payment".to_owned());
    }
    out
}

#[test]
fn clean_parcels_have_consistent_documents() {
    let (sim, read) = day();
    assert_eq!(read.lists.len(), PARCELS);
    assert_eq!(read.orders.len(), PARCELS);
    assert_eq!(read.waybills.len(), PARCELS);
    let mut clean = 0;
    for t in sim.truth().iter().filter(|t| t.is_clean()) {
        let d = docs(read, t);
        let found = disagreements(&d, &sim.config().noise);
        assert!(found.is_empty(), "clean parcel {} disagrees: {found:?}", t.cop_no);
        assert!(d.list.inventory_head.license_no.is_none() || t.confounder == Some(Confounder::LicensedControlled));
        assert_eq!(d.list.inventory_head.app_time, t.app_time);
        let declared: Decimal = d.list.inventory_lists.iter().map(|l| l.total_price).sum();
        assert_eq!(t.value_cny, declared.to_string());
        clean += 1;
    }
    assert!(clean > PARCELS * 9 / 10);
}

#[test]
fn each_violation_shows_where_the_truth_says() {
    let (sim, read) = day();
    let mut groups: BTreeMap<&str, Vec<&TruthRecord>> = BTreeMap::new();
    for t in sim.truth().iter().filter(|t| !t.is_clean()) {
        let d = docs(read, t);
        let found = disagreements(&d, &sim.config().noise);
        let head = &d.list.inventory_head;
        let buyer = read.buyers.get(&t.order_no);
        for kind in &t.violations {
            match kind {
                ViolationKind::DocumentMismatch => assert!(
                    found.iter().any(|f| f.starts_with("item") || f == "line count" || f == "goods value"),
                    "{}: {found:?}",
                    t.cop_no
                ),
                ViolationKind::WeightMismatch => {
                    // A subtle understatement may hide inside the scale's honest error.
                    assert!(found.iter().all(|f| f == "gross weight"), "{}: {found:?}", t.cop_no);
                    assert!(head.gross_weight < d.waybill.gross_weight);
                }
                _ => assert!(
                    found.is_empty(),
                    "{} ({}) should have consistent documents: {found:?}",
                    t.cop_no,
                    kind.as_str()
                ),
            }
            match kind {
                ViolationKind::Misclassification => assert_ne!(t.hs_code, t.true_hs_code, "{}", t.cop_no),
                ViolationKind::LicenseMissing => {
                    let placeholder = ["N/A", "000000", "无", "NA", t.cop_no.as_str()];
                    assert!(
                        head.license_no.as_deref().is_none_or(|l| placeholder.contains(&l)),
                        "{}: {:?}",
                        t.cop_no,
                        head.license_no
                    )
                }
                ViolationKind::Undervaluation | ViolationKind::Counterfeit => {
                    // Half the market price at most, give or take a platform's day rate.
                    let market: Decimal = t.market_value_cny.parse().unwrap();
                    assert!(t.value() * Decimal::TWO < market * Decimal::new(105, 2), "{}", t.cop_no)
                }
                ViolationKind::SanctionedParty => assert!(buyer.is_some(), "{}: no buyer block", t.cop_no),
                ViolationKind::Other => {
                    let buyer = buyer.unwrap_or_else(|| panic!("{}: no buyer block", t.cop_no));
                    assert_ne!(buyer.country, t.destination);
                    assert_eq!(buyer.country, t.buyer_country);
                }
                ViolationKind::SplitShipment => {
                    groups.entry(t.split_group.as_deref().expect("a split parcel has a group")).or_default().push(t)
                }
                _ => {}
            }
        }
    }
    // A split consignment: one buyer, one exporter, one destination, one day; several parcels
    // that each stay below what they add up to.
    assert!(!groups.is_empty());
    for (group, parcels) in groups {
        assert!(parcels.len() >= 2, "{group}");
        let first = parcels[0];
        let buyer = &read.buyers[&first.order_no];
        let total: Decimal = parcels.iter().map(|t| t.value()).sum();
        for t in &parcels {
            assert_eq!((&t.ebc_code, &t.destination), (&first.ebc_code, &first.destination), "{group}");
            let b = &read.buyers[&t.order_no];
            assert_eq!((&b.name, &b.address), (&buyer.name, &buyer.address), "{group}");
            assert_eq!(&t.app_time[..8], &first.app_time[..8]);
        }
        let largest = parcels.iter().map(|t| t.value()).max().unwrap();
        assert!(total > largest * Decimal::from_f64_retain(1.2).unwrap(), "{group}: {total} vs {largest}");
    }
}

#[test]
fn every_kind_occurs_at_about_its_prevalence() {
    let (sim, _) = day();
    let mut counts: HashMap<ViolationKind, usize> = HashMap::new();
    for t in sim.truth() {
        for &k in &t.violations {
            *counts.entry(k).or_default() += 1;
        }
        assert_eq!(t.subtlety.is_some(), !t.is_clean());
        assert!(t.confounder.is_none() || t.is_clean(), "{}: a confounder on a violating parcel", t.cop_no);
    }
    for kind in ViolationKind::ALL {
        let n = counts.get(&kind).copied().unwrap_or(0);
        let expected = greenlane_sim::prevalence(kind) * PARCELS as f64;
        // Poisson noise on 20 to 180 expected parcels, plus split shipments coming in groups.
        assert!(
            (expected * 0.5..=expected * 2.0).contains(&(n as f64)),
            "{}: {n} parcels, expected about {expected:.0}",
            kind.as_str()
        );
    }
    let violating = sim.truth().iter().filter(|t| !t.is_clean()).count() as f64 / PARCELS as f64;
    assert!((0.025..0.06).contains(&violating), "violating share {violating}");
    for s in [Subtlety::Obvious, Subtlety::Moderate, Subtlety::Subtle] {
        assert!(sim.truth().iter().any(|t| t.subtlety == Some(s)), "no {s:?} violation");
    }
}

#[test]
fn confounders_are_clean_and_present() {
    let (sim, read) = day();
    let all = [
        Confounder::CheapGoods,
        Confounder::HeavyGoods,
        Confounder::RealBrand,
        Confounder::LicensedControlled,
        Confounder::NameResemblesListed,
        Confounder::FirstTimeExporter,
        Confounder::RepeatBuyer,
        Confounder::CompatibleAccessory,
        Confounder::LithiumBattery,
        Confounder::NearValueLimit,
    ];
    let mut buyers: HashMap<(String, String), usize> = HashMap::new();
    for b in read.buyers.values() {
        *buyers.entry((b.name.clone(), b.address.clone())).or_default() += 1;
    }
    for c in all {
        let parcels: Vec<&TruthRecord> = sim.truth().iter().filter(|t| t.confounder == Some(c)).collect();
        assert!(parcels.len() >= 10, "{c:?}: only {}", parcels.len());
        for t in parcels {
            assert!(t.is_clean());
            let d = docs(read, t);
            match c {
                Confounder::LicensedControlled => assert!(d.list.inventory_head.license_no.is_some()),
                Confounder::FirstTimeExporter => assert!(t.exporter.first_time),
                Confounder::RealBrand => assert!(!t.exporter.authorized_brands.is_empty()),
                Confounder::HeavyGoods => assert!(d.waybill.gross_weight > Decimal::from(3)),
                Confounder::NameResemblesListed => assert!(read.buyers.contains_key(&t.order_no)),
                Confounder::CheapGoods => {}
                Confounder::RepeatBuyer => {
                    let b = &read.buyers[&t.order_no];
                    assert!(buyers[&(b.name.clone(), b.address.clone())] >= 2, "{}: one parcel only", t.cop_no);
                }
                Confounder::CompatibleAccessory => {
                    let name = &d.order.order_lists[0].item_name;
                    assert!(name.contains("适用于") || name.contains("兼容"), "{}: {name}", t.cop_no);
                    assert_eq!(t.hs_code, t.true_hs_code);
                }
                Confounder::LithiumBattery => {
                    assert!(t.hs_code.starts_with("8507") || t.hs_code.starts_with("8506"), "{}", t.cop_no);
                    assert_eq!(t.hs_code, t.true_hs_code);
                }
                Confounder::NearValueLimit => {
                    assert!(
                        (Decimal::from(3900)..Decimal::from(5000)).contains(&t.value()),
                        "{}: {}",
                        t.cop_no,
                        t.value_cny
                    )
                }
            }
        }
    }
    let offenders = sim.truth().iter().filter(|t| t.exporter.repeat_offender).collect::<Vec<_>>();
    let rate = |v: &[&TruthRecord]| v.iter().filter(|t| !t.is_clean()).count() as f64 / v.len().max(1) as f64;
    let others = sim.truth().iter().filter(|t| !t.exporter.repeat_offender).collect::<Vec<_>>();
    assert!(rate(&offenders) > 3.0 * rate(&others), "repeat offenders should violate far more often");
}

#[test]
fn traffic_arrives_as_platforms_send_it() {
    let (sim, read) = day();
    assert!(read.entities_per_message.iter().all(|&n| (1..=100).contains(&n)));
    // Lists that arrive before their order or waybill must occur: the hub matches in any order.
    let early = sim
        .truth()
        .iter()
        .filter(|t| {
            let (list, order, waybill) = docs(read, t).positions;
            list < order || list < waybill
        })
        .count();
    assert!(early > PARCELS / 20, "only {early} lists arrive before their order or waybill");
    // Messages are in the order they were sent.
    let times: Vec<String> = sim.messages().map(|m| m.sent_at).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    // Declarations follow the warehouses' day (batching flattens the message count, not the
    // parcels).
    let mut hours = [0usize; 24];
    for t in sim.truth() {
        hours[t.app_time[8..10].parse::<usize>().unwrap()] += 1;
    }
    assert!(hours[15] > 5 * hours[4], "no diurnal curve: {hours:?}");
    // Held-out products reach the traffic at about their share of the catalogue, among clean
    // and violating parcels alike.
    let held = sim.truth().iter().filter(|t| t.held_out).count() as f64 / PARCELS as f64;
    assert!((0.15..0.4).contains(&held), "held-out parcels {held}");
    assert!(sim.truth().iter().any(|t| t.held_out && !t.is_clean()));
    let products: std::collections::BTreeSet<&str> = sim.truth().iter().map(|t| t.product.as_str()).collect();
    assert!(products.len() > 250 && !products.contains(""), "{} products in the traffic", products.len());
    let platforms: std::collections::BTreeSet<&str> = sim.truth().iter().map(|t| t.platform.as_str()).collect();
    assert!(platforms.len() >= 10 && !platforms.contains(""), "{platforms:?}");
    // Codes: 18-character ones carry a valid GB 32100 check character.
    for t in sim.truth().iter().take(2_000) {
        for code in [&t.ebc_code, &t.ebp_code, &t.logistics_code] {
            match code.len() {
                10 => assert!(code.starts_with("4403"), "{code}"),
                18 => assert!(greenlane_sim::uscc_is_valid(code), "{code}"),
                _ => panic!("{code}: neither a customs code nor a credit code"),
            }
        }
    }
}
