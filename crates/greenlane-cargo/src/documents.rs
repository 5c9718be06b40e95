//! A consolidation plan as the documents that fly with it: one MAWB from the airline's stock per
//! loaded flight, its FWB/17, an FHL/5 with a house waybill per bag, and the flight's FFM/8.

use rust_decimal::Decimal;

use crate::consolidate::{Handling, Plan};
use crate::imp::ffm::{Ffm, Item, Uld, Unloading};
use crate::imp::fhl::{Fhl, House};
use crate::imp::fwb::{Fwb, RateDetail, RateLine};
use crate::imp::{AwbNumber, Consignment, Quantity, ShipmentCode, Volume, Weight};
use crate::mawb::{Mawb, MawbError, Stock};
use crate::route::Flight;

/// What consolidation declares its goods as on the master and each house.
const GOODS: &str = "CONSOLIDATION";
const HOUSE_GOODS: &str = "E-COMMERCE GOODS";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlightDocuments {
    /// Index of the flight in the flights the plan was made for.
    pub flight: u32,
    pub mawb: Mawb,
    pub fwb: Fwb,
    pub fhl: Fhl,
    pub ffm: Ffm,
}

/// Grams as Cargo-IMP kilograms with one decimal, rounded up: a declared weight may not be
/// under the real one.
pub fn kg(grams: u64) -> Decimal {
    Decimal::new(grams.div_ceil(100) as i64, 1)
}

/// cm³ as m³ with two decimals, rounded up.
pub fn m3(cm3: u64) -> Decimal {
    Decimal::new(cm3.div_ceil(10_000) as i64, 2)
}

/// Builds the documents of every flight that carries something, taking each MAWB from the
/// stock of the flight's airline. A house waybill is `hawb_prefix` and the bag's number in the
/// plan (the forwarder's own series; HAWBs carry no check digit). ULDs are named by their type,
/// the hub's build number and the carrier, until the airline's own ULD ids are known.
pub fn build(
    flights: &[Flight],
    plan: &Plan,
    stocks: &mut [Stock],
    hawb_prefix: &str,
) -> Result<Vec<FlightDocuments>, MawbError> {
    // Bags by flight and ULD, in plan order.
    let mut bags_of: Vec<Vec<Vec<u32>>> = plan.flights.iter().map(|f| vec![Vec::new(); f.ulds.len()]).collect();
    for (b, bag) in plan.bags.iter().enumerate() {
        bags_of[bag.flight as usize][bag.uld as usize].push(b as u32);
    }
    let mut out = Vec::new();
    let mut build_number = 0u32;
    for (fi, load) in plan.flights.iter().enumerate() {
        if load.parcels == 0 {
            continue;
        }
        let flight = &flights[fi];
        let stock = stocks.iter_mut().find(|s| s.prefix() == flight.prefix).ok_or(MawbError::NoStock(flight.prefix))?;
        let mawb = stock.allocate()?;
        let awb = AwbNumber::from(mawb);
        let carrier = flight.flight_no[..2].to_string();
        let bag_kg = |b: u32| kg(plan.bags[b as usize].gross_g);
        let total_bags: u32 = bags_of[fi].iter().map(|u| u.len() as u32).sum();
        let gross: Decimal = bags_of[fi].iter().flatten().map(|&b| bag_kg(b)).sum();
        let consignment = Consignment {
            awb,
            origin: flight.origin.clone(),
            destination: flight.destination.clone(),
            quantity: Quantity {
                code: ShipmentCode::Total,
                pieces: total_bags,
                weight: Weight::kg(gross),
                volume: Some(Volume::CubicMetres(m3(load.volume_cm3))),
                total_pieces: None,
            },
        };
        let handling: Vec<String> = codes(load.handling);
        let fwb = Fwb {
            consignment: consignment.clone(),
            flights: vec![(flight.flight_no.clone(), flight.departure.day())],
            routing: vec![(flight.destination.clone(), Some(carrier.clone()))],
            shipper: None,
            consignee: None,
            rates: vec![RateLine {
                pieces: total_bags,
                weight: Weight::kg(gross),
                class: Some('Q'),
                commodity: None,
                chargeable: Some(kg(load.chargeable_g)),
                rate: None,
                total: None,
                details: vec![
                    RateDetail::Goods { consolidation: true, text: GOODS.into() },
                    RateDetail::Volume(Volume::CubicMetres(m3(load.volume_cm3))),
                    RateDetail::Slac(load.parcels as u32),
                ],
            }],
            handling: if handling.is_empty() { vec!["GEN".into()] } else { handling.clone() },
            other: Vec::new(),
        };
        let houses = bags_of[fi]
            .iter()
            .flatten()
            .map(|&b| {
                let bag = &plan.bags[b as usize];
                House {
                    hawb: format!("{hawb_prefix}{b:08}"),
                    origin: flight.origin.clone(),
                    destination: flight.destination.clone(),
                    pieces: 1,
                    weight: Weight::kg(bag_kg(b)),
                    slac: Some(bag.parcels),
                    goods: HOUSE_GOODS.into(),
                    extra: Vec::new(),
                    text: Vec::new(),
                    tariff: Vec::new(),
                    other: Vec::new(),
                }
            })
            .collect();
        let fhl = Fhl { master: consignment.clone(), houses };
        let split = bags_of[fi].iter().filter(|u| !u.is_empty()).count() > 1;
        let ulds = bags_of[fi]
            .iter()
            .enumerate()
            .filter(|(_, bags)| !bags.is_empty())
            .map(|(u, bags)| {
                build_number += 1;
                let weight: Decimal = bags.iter().map(|&b| bag_kg(b)).sum();
                let volume: u64 = bags.iter().map(|&b| plan.bags[b as usize].volume_cm3).sum();
                Uld {
                    id: format!("{}{:05}{carrier}", flight.uld.code, build_number % 100_000),
                    extra: Vec::new(),
                    continuation: Vec::new(),
                    items: vec![Item {
                        consignment: Consignment {
                            quantity: Quantity {
                                // S: the whole consignment, split over several ULDs of this flight.
                                code: if split { ShipmentCode::Split } else { ShipmentCode::Total },
                                pieces: bags.len() as u32,
                                weight: Weight::kg(weight),
                                volume: Some(Volume::CubicMetres(m3(volume))),
                                total_pieces: split.then_some(total_bags),
                            },
                            ..consignment.clone()
                        },
                        goods: GOODS.into(),
                        handling: codes(load.ulds[u].handling),
                        other: Vec::new(),
                    }],
                }
            })
            .collect();
        let month = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            [flight.departure.month() as usize - 1];
        let ffm = Ffm {
            part: 1,
            flight: flight.flight_no.clone(),
            date: format!(
                "{:02}{month}{:02}{:02}",
                flight.departure.day(),
                flight.departure.hour(),
                flight.departure.minute()
            ),
            departure: flight.origin.clone(),
            flight_extra: Vec::new(),
            points: vec![Unloading { airport: flight.destination.clone(), extra: Vec::new(), bulk: Vec::new(), ulds }],
            last: true,
        };
        out.push(FlightDocuments { flight: fi as u32, mawb, fwb, fhl, ffm });
    }
    Ok(out)
}

fn codes(h: Handling) -> Vec<String> {
    h.codes().into_iter().filter(|c| *c != "GEN").map(str::to_string).collect()
}
