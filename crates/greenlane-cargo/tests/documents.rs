//! The documents of a consolidation plan: valid MAWBs from stock, and FWB, FHL and FFM that
//! write, read back to the same values and add up to the plan.

use std::collections::BTreeSet;

use greenlane_cargo::consolidate::airport;
use greenlane_cargo::documents::{build, kg};
use greenlane_cargo::imp::{ffm, fhl, fwb};
use greenlane_cargo::{Battery, MawbError, Parcel, Prefix, RouteTable, Rules, Service, Stock, allocate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use time::Duration;
use time::macros::{date, datetime};

fn stocks(table: &RouteTable) -> Vec<Stock> {
    let prefixes: BTreeSet<Prefix> = table.routes.iter().map(|r| r.prefix).collect();
    prefixes.into_iter().map(|p| Stock::new(p, 4_000_000, 4_999_999).unwrap()).collect()
}

fn parcels(seed: &[(u8, u32, u8, u16)]) -> Vec<Parcel> {
    let table = RouteTable::shenzhen();
    seed.iter()
        .map(|&(d, w, flags, minutes)| Parcel {
            destination: airport(&table.routes[d as usize % table.routes.len()].destination),
            weight_g: w,
            volume_cm3: w * 9,
            service: [Service::Express, Service::Standard, Service::Economy][flags as usize % 3],
            battery: [Battery::None, Battery::Ion, Battery::Metal][(flags as usize / 3) % 3],
            magnetic: flags % 7 == 0,
            arrived: datetime!(2026-12-07 00:00) + Duration::minutes(i64::from(minutes) * 7),
        })
        .collect()
}

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
