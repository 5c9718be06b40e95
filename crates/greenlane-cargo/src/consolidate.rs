//! Consolidation: released parcels that have arrived at the hub, allocated to bags, bags to ULDs
//! and ULDs to dated flights, by destination, service level and cut-off, within every weight and
//! volume limit; what cannot fly carries its reason.
//!
//! Weights are integer grams and volumes integer cm³ (exact, and cheap to sum over millions of
//! parcels); the chargeable weight is derived at the IATA divisor and rounded up to half a kilo.

use time::PrimitiveDateTime;

use crate::route::Flight;

/// The limits consolidation works within, each with the real-world fact behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// A bag (sack) of parcels: 30 kg, the upper limit of UPU M-bags and of Cainiao's cartons
    /// (SZR §4, S99 and S101); no CBEC-specific bag limit is published.
    pub bag_max_g: u64,
    /// A bag's volume: 0.25 m³, an assumption (a 30 kg bag at the ~109 kg/m³ density measured on
    /// e-commerce consolidations, CWL §1.4, rounded down); confirm with the handling agent.
    pub bag_max_cm3: u64,
    /// IATA's volumetric divisor: 6,000 cm³ count as 1 kg (CWL §1.4).
    pub divisor_cm3_per_kg: u64,
    /// Chargeable weight is rounded up to this step: half a kilo, as carriers bill (SZR §6, S112).
    pub chargeable_step_g: u64,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules { bag_max_g: 30_000, bag_max_cm3: 250_000, divisor_cm3_per_kg: 6_000, chargeable_step_g: 500 }
    }
}

impl Rules {
    /// max(actual, volumetric), rounded up to the billing step.
    pub fn chargeable_g(&self, gross_g: u64, volume_cm3: u64) -> u64 {
        let volumetric = (volume_cm3 * 1000).div_ceil(self.divisor_cm3_per_kg);
        gross_g.max(volumetric).div_ceil(self.chargeable_step_g) * self.chargeable_step_g
    }
}

/// The service a seller bought: on a full flight, express goes before standard before economy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    Express = 0,
    Standard = 1,
    Economy = 2,
}

/// Lithium batteries in a parcel, as the seller declared them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Battery {
    None,
    /// Lithium-ion (UN3481/UN3480 within Section II): handling code ELI.
    Ion,
    /// Lithium-metal (UN3091/UN3090 within Section II): handling code ELM.
    Metal,
}

/// Special handling codes of a bag, ULD or flight load, as a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Handling(u8);

impl Handling {
    pub const ELI: Handling = Handling(1);
    pub const ELM: Handling = Handling(2);
    pub const MAG: Handling = Handling(4);

    pub fn contains(self, other: Handling) -> bool {
        self.0 & other.0 == other.0
    }
    pub fn union(self, other: Handling) -> Handling {
        Handling(self.0 | other.0)
    }
    /// The Cargo-IMP codes, in a fixed order; `GEN` when there are none.
    pub fn codes(self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (flag, code) in [(Handling::ELI, "ELI"), (Handling::ELM, "ELM"), (Handling::MAG, "MAG")] {
            if self.contains(flag) {
                out.push(code);
            }
        }
        if out.is_empty() {
            out.push("GEN");
        }
        out
    }
    /// Cargo with batteries or magnets passes a dangerous-goods acceptance check and so meets
    /// the earlier cut-off.
    pub fn needs_dg_acceptance(self) -> bool {
        self.0 != 0
    }
}

/// A released parcel that has arrived at the hub (CEB507).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parcel {
    /// The IATA code of the destination airport.
    pub destination: [u8; 3],
    pub weight_g: u32,
    pub volume_cm3: u32,
    pub service: Service,
    pub battery: Battery,
    /// Magnetized material above the unrestricted field strength (PI 953): handling code MAG.
    pub magnetic: bool,
    /// The arrival message's time: the parcel is at the hub from then on.
    pub arrived: PrimitiveDateTime,
}

impl Parcel {
    pub fn handling(&self) -> Handling {
        let battery = match self.battery {
            Battery::None => Handling::default(),
            Battery::Ion => Handling::ELI,
            Battery::Metal => Handling::ELM,
        };
        if self.magnetic { battery.union(Handling::MAG) } else { battery }
    }
}

/// Why a parcel is on no flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unflown {
    /// No route in the table flies to its destination.
    NoRoute,
    /// Heavier or larger than a whole ULD can carry.
    TooLarge,
    /// Every flight to its destination in the plan either closed before it arrived or was full.
    NoCapacity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Flight index (in the flights given), ULD index within it, bag index within the plan.
    Loaded {
        flight: u32,
        uld: u16,
        bag: u32,
    },
    NotFlown(Unflown),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bag {
    pub flight: u32,
    pub uld: u16,
    pub service: Service,
    pub handling: Handling,
    pub parcels: u32,
    pub gross_g: u64,
    pub volume_cm3: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UldLoad {
    pub gross_g: u64,
    pub volume_cm3: u64,
    pub bags: u32,
    pub handling: Handling,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FlightLoad {
    pub ulds: Vec<UldLoad>,
    pub parcels: u64,
    pub gross_g: u64,
    pub volume_cm3: u64,
    pub chargeable_g: u64,
    pub handling: Handling,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// One a flight, in the order the flights were given.
    pub flights: Vec<FlightLoad>,
    pub bags: Vec<Bag>,
    /// One a parcel, in the order the parcels were given.
    pub placements: Vec<Placement>,
}

const SERVICES: usize = 3;
const HANDLING_SETS: usize = 8;

/// Allocates `parcels` onto `flights` (any order; each flight's destination, cut-offs and
/// capacities as expanded from the route table).
///
/// Parcels are taken destination by destination, express before standard before economy, and
/// first come first served within a service. Each goes on the earliest flight to its
/// destination whose cut-off for its handling (general, or DG acceptance for batteries and
/// magnets) it arrived before and that still has room; a parcel that misses a flight's cut-off
/// or finds it full goes to the next. On the flight it joins the open bag of its service and
/// handling codes, so that a bag can be labelled and screened as one; a full bag is closed and a
/// new one opened in the current ULD, or in the next free position. A parcel heavier or larger
/// than a bag travels as a piece of its own: a bag holding only it. Limits are checked as each
/// parcel is added, so no bag, ULD or flight is ever over.
pub fn allocate(flights: &[Flight], parcels: &[Parcel], rules: &Rules) -> Plan {
    // Flights by destination, each list in departure order.
    let mut by_destination: Vec<([u8; 3], Vec<u32>)> = Vec::new();
    let mut order: Vec<u32> = (0..flights.len() as u32).collect();
    order.sort_by_key(|&i| (flights[i as usize].destination.clone(), flights[i as usize].departure, i));
    for i in order {
        let d = airport(&flights[i as usize].destination);
        match by_destination.last_mut() {
            Some((dest, list)) if *dest == d => list.push(i),
            _ => by_destination.push((d, vec![i])),
        }
    }

    let mut queue: Vec<u32> = (0..parcels.len() as u32).collect();
    queue.sort_unstable_by_key(|&i| {
        let p = &parcels[i as usize];
        (p.destination, p.service, p.arrived, i)
    });

    let mut plan = Plan {
        flights: vec![FlightLoad::default(); flights.len()],
        bags: Vec::new(),
        placements: vec![Placement::NotFlown(Unflown::NoRoute); parcels.len()],
    };
    // The open bag of each flight, service and handling set.
    let mut open: Vec<[Option<u32>; SERVICES * HANDLING_SETS]> = vec![[None; SERVICES * HANDLING_SETS]; flights.len()];

    let mut route_at = 0;
    for &pi in &queue {
        let p = &parcels[pi as usize];
        while route_at < by_destination.len() && by_destination[route_at].0 < p.destination {
            route_at += 1;
        }
        let Some((_, candidates)) = by_destination.get(route_at).filter(|(d, _)| *d == p.destination) else {
            continue; // NoRoute, as initialised
        };
        let handling = p.handling();
        let (weight, volume) = (u64::from(p.weight_g), u64::from(p.volume_cm3));
        let fits_a_uld = candidates.iter().any(|&f| {
            let uld = &flights[f as usize].uld;
            weight <= uld.net_g() && volume <= uld.volume_cm3
        });
        if !fits_a_uld {
            plan.placements[pi as usize] = Placement::NotFlown(Unflown::TooLarge);
            continue;
        }
        let slot = p.service as usize * HANDLING_SETS + handling.0 as usize;
        let mut placed = None;
        for &fi in candidates {
            let flight = &flights[fi as usize];
            let cutoff = if handling.needs_dg_acceptance() { flight.cutoff_battery } else { flight.cutoff_general };
            if p.arrived > cutoff {
                continue;
            }
            let load = &mut plan.flights[fi as usize];
            if load.gross_g + weight > flight.capacity_g {
                continue;
            }
            let uld_fits = |u: &UldLoad| {
                u.gross_g + weight <= flight.uld.net_g() && u.volume_cm3 + volume <= flight.uld.volume_cm3
            };
            // The open bag, if the parcel fits it and its ULD.
            if let Some(b) = open[fi as usize][slot] {
                let bag = &plan.bags[b as usize];
                if bag.gross_g + weight <= rules.bag_max_g
                    && bag.volume_cm3 + volume <= rules.bag_max_cm3
                    && uld_fits(&load.ulds[bag.uld as usize])
                {
                    placed = Some((fi, bag.uld, b));
                    break;
                }
            }
            // A new bag, in the last ULD opened or in a new position.
            let uld = match load.ulds.last() {
                Some(u) if uld_fits(u) => load.ulds.len() - 1,
                _ if load.ulds.len() < flight.positions as usize => {
                    load.ulds.push(UldLoad::default());
                    load.ulds.len() - 1
                }
                _ => continue,
            };
            let b = plan.bags.len() as u32;
            plan.bags.push(Bag {
                flight: fi,
                uld: uld as u16,
                service: p.service,
                handling,
                parcels: 0,
                gross_g: 0,
                volume_cm3: 0,
            });
            load.ulds[uld].bags += 1;
            open[fi as usize][slot] = Some(b);
            placed = Some((fi, uld as u16, b));
            break;
        }
        let Some((fi, uld, b)) = placed else {
            plan.placements[pi as usize] = Placement::NotFlown(Unflown::NoCapacity);
            continue;
        };
        let bag = &mut plan.bags[b as usize];
        bag.parcels += 1;
        bag.gross_g += weight;
        bag.volume_cm3 += volume;
        let load = &mut plan.flights[fi as usize];
        let u = &mut load.ulds[uld as usize];
        u.gross_g += weight;
        u.volume_cm3 += volume;
        u.handling = u.handling.union(handling);
        load.parcels += 1;
        load.gross_g += weight;
        load.volume_cm3 += volume;
        load.handling = load.handling.union(handling);
        plan.placements[pi as usize] = Placement::Loaded { flight: fi, uld, bag: b };
    }
    for load in &mut plan.flights {
        load.chargeable_g = if load.parcels == 0 { 0 } else { rules.chargeable_g(load.gross_g, load.volume_cm3) };
    }
    plan
}

/// A route's capacity and planned load on one day: the forecast the port operator and the
/// forwarder book from, computed from the parcels already released and arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteDay {
    /// Index of the route in its table.
    pub route: usize,
    pub date: time::Date,
    pub flights: u32,
    pub capacity_g: u64,
    pub capacity_cm3: u64,
    pub loaded_g: u64,
    pub loaded_cm3: u64,
    pub parcels: u64,
}

/// The plan's load against capacity, per route and departure day, in date then route order.
pub fn forecast(flights: &[Flight], plan: &Plan) -> Vec<RouteDay> {
    let mut days: std::collections::BTreeMap<(time::Date, usize), RouteDay> = std::collections::BTreeMap::new();
    for (flight, load) in flights.iter().zip(&plan.flights) {
        let date = flight.departure.date();
        let day = days.entry((date, flight.route)).or_insert(RouteDay {
            route: flight.route,
            date,
            flights: 0,
            capacity_g: 0,
            capacity_cm3: 0,
            loaded_g: 0,
            loaded_cm3: 0,
            parcels: 0,
        });
        day.flights += 1;
        day.capacity_g += flight.capacity_g;
        day.capacity_cm3 += flight.volume_cm3();
        day.loaded_g += load.gross_g;
        day.loaded_cm3 += load.volume_cm3;
        day.parcels += load.parcels;
    }
    days.into_values().collect()
}

/// Re-planning after a flight left without some of its parcels (offloaded at build-up, or the
/// flight itself missed): for planning, such a parcel is one that reached the hub when that
/// flight departed, so the next `allocate` can only put it on a later flight.
pub fn missed(parcel: &Parcel, flight: &Flight) -> Parcel {
    Parcel { arrived: parcel.arrived.max(flight.departure), ..*parcel }
}

/// An airport code as three bytes; codes are checked when the route table loads.
pub fn airport(code: &str) -> [u8; 3] {
    let b = code.as_bytes();
    [b[0], b[1], b[2]]
}
