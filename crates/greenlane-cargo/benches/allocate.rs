//! Allocating a day of 2,000,000 arrived parcels onto a week of the shipped Shenzhen flights,
//! against sorting the same parcels by destination and cut-off in the same process (issue 15:
//! under 60 s on this machine). `cargo bench -p greenlane-cargo --bench allocate`
//! (`PARCELS=n` to change the count).

use std::hint::black_box;
use std::time::{Duration as Elapsed, Instant};

use greenlane_cargo::consolidate::airport;
use greenlane_cargo::{Battery, Parcel, Placement, RouteTable, Rules, Service, Unflown, allocate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::Duration;
use time::macros::{date, datetime};

fn day_of_parcels(n: usize, destinations: &[[u8; 3]]) -> Vec<Parcel> {
    // Seeded, so that every run allocates the same day.
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    (0..n)
        .map(|_| {
            // Most e-commerce parcels weigh under 2 kg (EU Reg. 2018/644); a product of two
            // uniforms gives that skew. Volume at the ~109 kg/m³ of e-commerce consolidations.
            let weight_g = 50 + (rng.random_range(0..2_000u64) * rng.random_range(0..2_000u64) / 1_000) as u32;
            let volume_cm3 = weight_g * 9 + rng.random_range(0..2_000u64) as u32;
            let r = rng.random_range(0..100u32);
            Parcel {
                destination: destinations[rng.random_range(0..destinations.len() as u64) as usize],
                weight_g,
                volume_cm3,
                service: if r < 10 {
                    Service::Express
                } else if r < 80 {
                    Service::Standard
                } else {
                    Service::Economy
                },
                battery: match rng.random_range(0..100u32) {
                    0..=14 => Battery::Ion,
                    15 => Battery::Metal,
                    _ => Battery::None,
                },
                magnetic: rng.random_range(0..100u32) < 3,
                arrived: datetime!(2026-12-07 00:00) + Duration::seconds(rng.random_range(0..86_400u32) as i64),
            }
        })
        .collect()
}

fn median(mut v: Vec<Elapsed>) -> Elapsed {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let n: usize = std::env::var("PARCELS").ok().and_then(|s| s.parse().ok()).unwrap_or(2_000_000);
    let table = RouteTable::shenzhen();
    let flights = table.flights(date!(2026 - 12 - 07), date!(2026 - 12 - 13));
    let mut destinations: Vec<[u8; 3]> = table.routes.iter().map(|r| airport(&r.destination)).collect();
    destinations.push(*b"MEX"); // a destination no route serves
    let parcels = day_of_parcels(n, &destinations);
    let rules = Rules::default();

    // Alternating rounds (sort then allocate, then allocate then sort), each pair timed back to
    // back so that its ratio compares figures that saw the same machine.
    let runs = 5;
    let mut sort_times = Vec::new();
    let mut alloc_times = Vec::new();
    let mut ratios = Vec::new();
    let mut plan = None;
    for round in 0..runs {
        let time_sort = || {
            let mut sorted = parcels.clone();
            let start = Instant::now();
            sorted.sort_unstable_by_key(|p| (p.destination, p.handling().needs_dg_acceptance(), p.arrived));
            let t = start.elapsed();
            black_box(&sorted);
            t
        };
        let mut time_alloc = || {
            let start = Instant::now();
            let p = allocate(black_box(&flights), black_box(&parcels), &rules);
            let t = start.elapsed();
            plan = Some(p);
            t
        };
        let (s, a) = if round % 2 == 0 {
            let s = time_sort();
            (s, time_alloc())
        } else {
            let a = time_alloc();
            (time_sort(), a)
        };
        sort_times.push(s);
        alloc_times.push(a);
        ratios.push(a.as_secs_f64() / s.as_secs_f64());
    }
    let plan = plan.expect("at least one run");
    let (sort, alloc) = (median(sort_times), median(alloc_times));
    ratios.sort_by(f64::total_cmp);
    let count = |f: &dyn Fn(&Placement) -> bool| plan.placements.iter().filter(|p| f(p)).count();
    let loaded = count(&|p| matches!(p, Placement::Loaded { .. }));
    println!("parcels: {n}, flights: {}, bags: {}", flights.len(), plan.bags.len());
    println!(
        "loaded: {loaded}, no route: {}, no capacity: {}, too large: {}",
        count(&|p| *p == Placement::NotFlown(Unflown::NoRoute)),
        count(&|p| *p == Placement::NotFlown(Unflown::NoCapacity)),
        count(&|p| *p == Placement::NotFlown(Unflown::TooLarge)),
    );
    println!("sort by destination and cut-off (median of {runs}): {:.3} s", sort.as_secs_f64());
    println!("allocate (median of {runs}): {:.3} s", alloc.as_secs_f64());
    println!(
        "ratio allocate / sort per round: median {:.2}, min {:.2}, max {:.2}",
        ratios[runs / 2],
        ratios[0],
        ratios[runs - 1]
    );
}
