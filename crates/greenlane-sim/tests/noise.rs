//! Honest noise: clean parcels' waybills carry what a scale measured, within the documented
//! bounds of the list's weight; some orders are in a marketplace's currency while their list
//! is in CNY; and a parcel's truth does not depend on the noise level.

mod support;

use greenlane_sim::{HonestNoise, SimConfig, Simulation, generate};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn day(noise: HonestNoise) -> Simulation {
    generate(&SimConfig { parcels: 4_000, seed: 77, noise, ..SimConfig::default() }).unwrap()
}

#[test]
fn scale_weights_stay_within_the_documented_bounds_and_vary() {
    let sim = day(HonestNoise::default());
    let read = support::read_all(&sim);
    let noise = &sim.config().noise;
    let (mut equal, mut differ) = (0, 0);
    for t in sim.truth().iter().filter(|t| t.is_clean()) {
        let (_, list) = &read.lists[&(t.ebc_code.clone(), t.cop_no.clone())];
        let (_, waybill) = &read.waybills[&(t.logistics_code.clone(), t.logistics_no.clone())];
        let (declared, measured) = (list.inventory_head.gross_weight, waybill.gross_weight);
        let gap = (declared - measured).abs();
        assert!(gap <= noise.max_weight_gap(declared), "{}: list {declared} kg, waybill {measured} kg", t.cop_no);
        // The scale's resolution: 10 g at least.
        assert!((measured * Decimal::from(100)).fract().is_zero(), "{}: {measured}", t.cop_no);
        if gap.is_zero() { equal += 1 } else { differ += 1 }
    }
    assert!(differ > 10 * equal, "{differ} waybills differ from their list, {equal} agree to the gram");
}

#[test]
fn some_orders_are_in_another_currency_than_their_list() {
    let sim = day(HonestNoise::default());
    let read = support::read_all(&sim);
    let mut by_currency: BTreeMap<String, usize> = BTreeMap::new();
    for (_, order) in read.orders.values() {
        *by_currency.entry(order.order_head.currency.clone()).or_default() += 1;
    }
    for (_, list) in read.lists.values() {
        assert!(list.inventory_lists.iter().all(|l| l.currency == "142"), "lists declare CNY");
    }
    let foreign: usize = by_currency.iter().filter(|(c, _)| *c != "142").map(|(_, n)| n).sum();
    assert!(foreign > sim.truth().len() / 10, "{by_currency:?}");
    for code in ["502", "300", "303"] {
        assert!(by_currency.contains_key(code), "no order in {code}: {by_currency:?}");
        assert!(greenlane_sim::customs_rate(code).is_some());
    }
    // Free shipping declared as freight 0, and optional blocks left out, occur too.
    assert!(read.lists.values().any(|(_, l)| l.inventory_head.freight.is_zero()));
    assert!(read.lists.values().any(|(_, l)| l.inventory_lists[0].item_name.is_none()));
    let insured: Vec<_> = read.lists.values().filter(|(_, l)| !l.inventory_head.insured_fee.is_zero()).collect();
    assert!(!insured.is_empty(), "no declared-value insurance");
    for (_, l) in insured {
        let (_, w) = &read.waybills[&(l.inventory_head.logistics_code.clone(), l.inventory_head.logistics_no.clone())];
        assert_eq!(w.insured_fee, l.inventory_head.insured_fee);
        assert_eq!((l.inventory_head.i_flag.as_str(), l.inventory_head.i_currency.as_str()), ("3", "142"));
    }
    let with_buyer_platform = read.orders.values().filter(|(_, o)| !read.buyers.contains_key(&o.order_head.order_no));
    assert!(with_buyer_platform.count() > sim.truth().len() / 20);
}

#[test]
fn without_noise_the_documents_agree_to_the_last_digit() {
    let sim = day(HonestNoise::off());
    let read = support::read_all(&sim);
    for t in sim.truth().iter().filter(|t| t.is_clean()) {
        let (_, list) = &read.lists[&(t.ebc_code.clone(), t.cop_no.clone())];
        let (_, waybill) = &read.waybills[&(t.logistics_code.clone(), t.logistics_no.clone())];
        let (_, order) = &read.orders[&(t.ebp_code.clone(), t.order_no.clone())];
        assert_eq!(list.inventory_head.gross_weight, waybill.gross_weight);
        assert_eq!(order.order_head.currency, "142");
        let declared: Decimal = list.inventory_lists.iter().map(|l| l.total_price).sum();
        assert_eq!(declared, order.order_head.goods_value);
    }
}

#[test]
fn the_truth_does_not_depend_on_the_noise_level() {
    let base = HonestNoise::default();
    let days: Vec<Simulation> = [0.0, 1.0, 2.0].iter().map(|&level| day(base.scaled(level))).collect();
    assert_eq!(base.scaled(0.0), HonestNoise::off());
    assert_eq!(base.scaled(1.0), base);
    let verdicts = |sim: &Simulation| -> Vec<_> {
        sim.truth()
            .iter()
            .map(|t| (t.cop_no.clone(), t.violations.clone(), t.subtlety, t.confounder, t.product.clone(), t.held_out))
            .collect()
    };
    let reference = verdicts(&days[0]);
    assert!(reference.iter().any(|v| !v.1.is_empty()));
    for sim in &days[1..] {
        assert_eq!(verdicts(sim), reference);
    }
}
