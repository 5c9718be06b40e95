//! What the document tests share: a plan's parcels from a proptest seed, and a stock for every
//! airline of the Shenzhen table.

use std::collections::BTreeSet;

use greenlane_cargo::consolidate::airport;
use greenlane_cargo::{Battery, Parcel, Prefix, RouteTable, Service, Stock};
use time::Duration;
use time::macros::datetime;

pub fn stocks(table: &RouteTable) -> Vec<Stock> {
    let prefixes: BTreeSet<Prefix> = table.routes.iter().map(|r| r.prefix).collect();
    prefixes.into_iter().map(|p| Stock::new(p, 4_000_000, 4_999_999).unwrap()).collect()
}

/// (route index, grams, service and battery flags, minutes/7 after the week opens) a parcel.
pub fn parcels(seed: &[(u8, u32, u8, u16)]) -> Vec<Parcel> {
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
