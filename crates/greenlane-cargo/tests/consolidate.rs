//! Consolidation: cut-offs, the next flight after a missed or full one, reasons, handling codes
//! and chargeable weight on worked cases, and its invariants on random days of parcels.

use greenlane_cargo::consolidate::{Handling, airport};
use greenlane_cargo::route::Flight;
use greenlane_cargo::{Battery, Parcel, Placement, RouteTable, Rules, Service, Unflown, allocate};
use proptest::prelude::*;
use time::macros::{date, datetime};
use time::{Duration, PrimitiveDateTime};

fn week() -> Vec<Flight> {
    RouteTable::shenzhen().flights(date!(2026 - 12 - 07), date!(2026 - 12 - 13))
}

fn parcel(dest: &str, weight_g: u32, arrived: PrimitiveDateTime) -> Parcel {
    Parcel {
        destination: airport(dest),
        weight_g,
        volume_cm3: weight_g * 3,
        service: Service::Standard,
        battery: Battery::None,
        magnetic: false,
        arrived,
    }
}

fn flight_of(plan: &greenlane_cargo::Plan, flights: &[Flight], i: usize) -> Option<PrimitiveDateTime> {
    match plan.placements[i] {
        Placement::Loaded { flight, .. } => Some(flights[flight as usize].departure),
        Placement::NotFlown(_) => None,
    }
}

#[test]
fn cut_offs_send_late_parcels_to_the_next_flight() {
    let flights = week();
    // CZ469 to ORD leaves Wed 02:00: general cargo closes Tue 21:00, batteries Tue 19:00.
    let mut battery = parcel("ORD", 800, datetime!(2026-12-08 20:00));
    battery.battery = Battery::Ion;
    let parcels = [
        parcel("ORD", 800, datetime!(2026-12-08 20:00)),
        battery,
        parcel("ORD", 800, datetime!(2026-12-08 21:01)),
        parcel("XYZ", 800, datetime!(2026-12-08 08:00)),
        parcel("ORD", 800, datetime!(2026-12-13 08:00)),
        parcel("ORD", 7_000_000, datetime!(2026-12-08 08:00)),
    ];
    let plan = allocate(&flights, &parcels, &Rules::default());
    assert_eq!(flight_of(&plan, &flights, 0), Some(datetime!(2026-12-09 02:00)));
    assert_eq!(flight_of(&plan, &flights, 1), Some(datetime!(2026-12-11 02:00)));
    assert_eq!(flight_of(&plan, &flights, 2), Some(datetime!(2026-12-11 02:00)));
    assert_eq!(plan.placements[3], Placement::NotFlown(Unflown::NoRoute));
    // Sunday's flight closed at 21:00 on Saturday: nothing later in the week.
    assert_eq!(plan.placements[4], Placement::NotFlown(Unflown::NoCapacity));
    assert_eq!(plan.placements[5], Placement::NotFlown(Unflown::TooLarge));
    let friday = plan.flights.iter().find(|f| f.parcels == 2).unwrap();
    assert_eq!(friday.handling.codes(), ["ELI"]);
    // Battery and general parcels go in separate bags.
    let bags: Vec<_> = plan.bags.iter().map(|b| (b.handling, b.parcels)).collect();
    assert!(bags.contains(&(Handling::ELI, 1)) && bags.contains(&(Handling::default(), 1)), "{bags:?}");
}

#[test]
fn a_full_flight_passes_parcels_to_the_next_and_express_goes_first() {
    let mut flights: Vec<Flight> = week().into_iter().filter(|f| f.destination == "DOH").collect();
    assert_eq!(flights.len(), 1);
    let mut second = flights[0].clone();
    second.departure += Duration::days(7);
    second.cutoff_general += Duration::days(7);
    second.cutoff_battery += Duration::days(7);
    flights.push(second);
    for f in &mut flights {
        f.capacity_g = 50_000;
    }
    let monday = datetime!(2026-12-07 09:00);
    let mut parcels: Vec<Parcel> = (0..3).map(|_| parcel("DOH", 20_000, monday)).collect();
    parcels[2].service = Service::Express;
    parcels[2].arrived = monday + Duration::hours(5);
    let plan = allocate(&flights, &parcels, &Rules::default());
    // Express first, then the earlier standard parcel; the third waits a week.
    assert_eq!(flight_of(&plan, &flights, 2), Some(flights[0].departure));
    assert_eq!(flight_of(&plan, &flights, 0), Some(flights[0].departure));
    assert_eq!(flight_of(&plan, &flights, 1), Some(flights[1].departure));
}

#[test]
fn a_parcel_offloaded_from_a_flight_is_replanned_onto_the_next() {
    let flights = week();
    let parcels =
        vec![parcel("ORD", 800, datetime!(2026-12-08 08:00)), parcel("ORD", 800, datetime!(2026-12-08 09:00))];
    let plan = allocate(&flights, &parcels, &Rules::default());
    let Placement::Loaded { flight, .. } = plan.placements[1] else { panic!("{:?}", plan.placements[1]) };
    assert_eq!(flights[flight as usize].departure, datetime!(2026-12-09 02:00));
    // Wednesday's flight leaves without the second parcel: it goes on Friday's.
    let replanned = vec![parcels[0], greenlane_cargo::missed(&parcels[1], &flights[flight as usize])];
    let again = allocate(&flights, &replanned, &Rules::default());
    assert_eq!(flight_of(&again, &flights, 0), Some(datetime!(2026-12-09 02:00)));
    assert_eq!(flight_of(&again, &flights, 1), Some(datetime!(2026-12-11 02:00)));
}

#[test]
fn chargeable_weight_uses_the_6000_divisor_and_half_kilos() {
    let rules = Rules::default();
    // The reference's check on a real FWB: 4,686,080 cm³ → 781.01 kg → 781.5 kg, against 509 kg.
    assert_eq!(rules.chargeable_g(509_000, 4_686_080), 781_500);
    assert_eq!(rules.chargeable_g(913_000, 10), 913_000);
    assert_eq!(rules.chargeable_g(100, 0), 500);
}

fn arbitrary_parcel() -> impl Strategy<Value = Parcel> {
    (
        proptest::sample::select(vec!["ORD", "LGG", "RUH", "DOH", "CGK", "XYZ"]),
        1u32..45_000,
        1u32..300_000,
        proptest::sample::select(vec![Service::Express, Service::Standard, Service::Economy]),
        proptest::sample::select(vec![Battery::None, Battery::Ion, Battery::Metal]),
        any::<bool>(),
        0i64..7 * 24 * 60,
    )
        .prop_map(|(d, weight_g, volume_cm3, service, battery, magnetic, minutes)| Parcel {
            destination: airport(d),
            weight_g,
            volume_cm3,
            service,
            battery,
            magnetic,
            arrived: datetime!(2026-12-07 00:00) + Duration::minutes(minutes),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Small aircraft so that flights fill up: every limit holds, every parcel is on exactly one
    /// flight or has a reason, and a reason is true.
    #[test]
    fn no_limit_is_ever_exceeded(
        parcels in proptest::collection::vec(arbitrary_parcel(), 0..600),
        capacity_kg in 50u64..2_000,
        positions in 1u32..6,
        uld_kg in 40u64..800,
    ) {
        let rules = Rules::default();
        let mut flights = week();
        for f in &mut flights {
            f.capacity_g = capacity_kg * 1000;
            f.positions = positions;
            f.uld.max_gross_g = uld_kg * 1000 + f.uld.tare_g;
            f.uld.volume_cm3 = uld_kg * 5000;
        }
        let plan = allocate(&flights, &parcels, &rules);
        prop_assert_eq!(plan.placements.len(), parcels.len());
        let mut flight_sum = vec![(0u64, 0u64, 0u64); flights.len()];
        let mut uld_sum = std::collections::HashMap::new();
        let mut bag_sum = vec![(0u64, 0u64, 0u32); plan.bags.len()];
        for (p, placement) in parcels.iter().zip(&plan.placements) {
            let eligible = |f: &Flight| {
                let cutoff = if p.handling().needs_dg_acceptance() { f.cutoff_battery } else { f.cutoff_general };
                airport(&f.destination) == p.destination && p.arrived <= cutoff
            };
            match *placement {
                Placement::Loaded { flight, uld, bag } => {
                    let f = &flights[flight as usize];
                    prop_assert!(eligible(f));
                    let b = &plan.bags[bag as usize];
                    prop_assert_eq!((b.flight, b.uld, b.service, b.handling), (flight, uld, p.service, p.handling()));
                    let (w, v) = (u64::from(p.weight_g), u64::from(p.volume_cm3));
                    let s = &mut flight_sum[flight as usize];
                    s.0 += w; s.1 += v; s.2 += 1;
                    let u = uld_sum.entry((flight, uld)).or_insert((0u64, 0u64));
                    u.0 += w; u.1 += v;
                    let bs = &mut bag_sum[bag as usize];
                    bs.0 += w; bs.1 += v; bs.2 += 1;
                }
                Placement::NotFlown(Unflown::NoRoute) => {
                    prop_assert!(!flights.iter().any(|f| airport(&f.destination) == p.destination));
                }
                Placement::NotFlown(Unflown::TooLarge) => {
                    prop_assert!(flights.iter().filter(|f| airport(&f.destination) == p.destination)
                        .all(|f| u64::from(p.weight_g) > f.uld.net_g() || u64::from(p.volume_cm3) > f.uld.volume_cm3));
                }
                Placement::NotFlown(Unflown::NoCapacity) => {
                    for (i, f) in flights.iter().enumerate().filter(|(_, f)| eligible(f)) {
                        let load = &plan.flights[i];
                        let full = load.gross_g + u64::from(p.weight_g) > f.capacity_g
                            || load.ulds.len() == f.positions as usize
                            || u64::from(p.weight_g) > f.uld.net_g()
                            || u64::from(p.volume_cm3) > f.uld.volume_cm3;
                        prop_assert!(full, "flight {} had room", f.flight_no);
                    }
                }
            }
        }
        for (i, (f, load)) in flights.iter().zip(&plan.flights).enumerate() {
            prop_assert_eq!((load.gross_g, load.volume_cm3, load.parcels), flight_sum[i]);
            prop_assert!(load.gross_g <= f.capacity_g);
            prop_assert!(load.ulds.len() <= f.positions as usize);
            prop_assert!(load.chargeable_g >= load.gross_g && load.chargeable_g * 6 >= load.volume_cm3 && load.chargeable_g % 500 == 0);
            for (u, uld) in load.ulds.iter().enumerate() {
                let sum = uld_sum.get(&(i as u32, u as u16)).copied().unwrap_or_default();
                prop_assert_eq!((uld.gross_g, uld.volume_cm3), sum);
                prop_assert!(uld.gross_g <= f.uld.net_g() && uld.volume_cm3 <= f.uld.volume_cm3);
            }
        }
        let days = greenlane_cargo::forecast(&flights, &plan);
        prop_assert_eq!(days.iter().map(|d| d.flights as usize).sum::<usize>(), flights.len());
        prop_assert_eq!(days.iter().map(|d| d.loaded_g).sum::<u64>(), plan.flights.iter().map(|f| f.gross_g).sum::<u64>());
        prop_assert_eq!(days.iter().map(|d| d.parcels).sum::<u64>(), plan.flights.iter().map(|f| f.parcels).sum::<u64>());
        prop_assert!(days.iter().all(|d| d.loaded_g <= d.capacity_g && d.loaded_cm3 <= d.capacity_cm3));
        prop_assert!(days.windows(2).all(|w| (w[0].date, w[0].route) < (w[1].date, w[1].route)));
        for (b, bag) in plan.bags.iter().enumerate() {
            prop_assert_eq!((bag.gross_g, bag.volume_cm3, bag.parcels), bag_sum[b]);
            prop_assert!(bag.parcels >= 1);
            prop_assert!(bag.parcels == 1 || (bag.gross_g <= rules.bag_max_g && bag.volume_cm3 <= rules.bag_max_cm3));
        }
    }
}
