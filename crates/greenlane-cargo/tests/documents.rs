//! The documents of a consolidation plan: valid MAWBs from stock, and FWB, FHL and FFM that
//! write, read back to the same values and add up to the plan.

mod common;

use std::collections::BTreeSet;

use common::{parcels, stocks};
use greenlane_cargo::documents::{build, kg};
use greenlane_cargo::imp::{ffm, fhl, fwb};
use greenlane_cargo::{MawbError, RouteTable, Rules, Stock, allocate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use time::macros::date;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn documents_add_up_and_read_back(seed in proptest::collection::vec((any::<u8>(), 50u32..40_000, any::<u8>(), any::<u16>()), 1..400)) {
        let table = RouteTable::shenzhen();
        let flights = table.flights(date!(2026 - 12 - 07), date!(2026 - 12 - 13));
        let parcels = parcels(&seed);
        let plan = allocate(&flights, &parcels, &Rules::default());
        let mut stocks = stocks(&table);
        let docs = build(&flights, &plan, &mut stocks, "GL").unwrap();
        prop_assert_eq!(docs.len(), plan.flights.iter().filter(|f| f.parcels > 0).count());
        let mut seen = BTreeSet::new();
        for d in &docs {
            let load = &plan.flights[d.flight as usize];
            prop_assert!(seen.insert(d.mawb));
            prop_assert_eq!(d.fwb.consignment.awb.mawb().unwrap(), d.mawb);
            prop_assert_eq!(d.mawb.prefix(), flights[d.flight as usize].prefix);
            for (text, again) in [
                (fwb::write(&d.fwb).unwrap(), None),
                (fhl::write(&d.fhl).unwrap(), Some(1)),
                (ffm::write(&d.ffm).unwrap(), Some(2)),
            ] {
                match again {
                    None => prop_assert_eq!(&fwb::read(&text).unwrap(), &d.fwb),
                    Some(1) => prop_assert_eq!(&fhl::read(&text).unwrap(), &d.fhl),
                    _ => prop_assert_eq!(&ffm::read(&text).unwrap(), &d.ffm),
                }
            }
            let gross = d.fwb.consignment.quantity.weight.value;
            prop_assert!(gross >= kg(load.gross_g));
            let houses: Decimal = d.fhl.houses.iter().map(|h| h.weight.value).sum();
            prop_assert_eq!(houses, gross);
            let slac: u32 = d.fhl.houses.iter().map(|h| h.slac.unwrap()).sum();
            prop_assert_eq!(u64::from(slac), load.parcels);
            let items: Vec<_> = d.ffm.points[0].ulds.iter().flat_map(|u| &u.items).collect();
            prop_assert_eq!(items.iter().map(|i| i.consignment.quantity.pieces).sum::<u32>(), d.fwb.consignment.quantity.pieces);
            prop_assert_eq!(items.iter().map(|i| i.consignment.quantity.weight.value).sum::<Decimal>(), gross);
            prop_assert!(d.fwb.rates[0].chargeable.unwrap() >= kg(load.gross_g));
            let battery = load.handling.needs_dg_acceptance();
            prop_assert_eq!(d.fwb.handling != ["GEN"], battery);
        }
    }
}

#[test]
fn a_flight_without_stock_is_refused() {
    let table = RouteTable::shenzhen();
    let flights = table.flights(date!(2026 - 12 - 07), date!(2026 - 12 - 13));
    let plan = allocate(&flights, &parcels(&[(2, 1_000, 1, 0)]), &Rules::default());
    let ord = table.route("SZX-ORD-CZ").unwrap().prefix;
    assert_eq!(build(&flights, &plan, &mut [], "GL"), Err(MawbError::NoStock(ord)));
    let mut one = [Stock::new(ord, 7, 7).unwrap()];
    let docs = build(&flights, &plan, &mut one, "GL").unwrap();
    assert_eq!(docs[0].mawb.to_string(), "784-00000070");
    assert_eq!(docs[0].fhl.houses[0].hawb, "GL00000000");
    assert!(fwb::write(&docs[0].fwb).unwrap().contains("\nRTD/1/P1/K1.0/CQ/W1.5\n/NC/CONSOLIDATION\n"));
}
