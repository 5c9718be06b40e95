//! Released lists from arrival to departure through the pipeline on message time: arrived lists
//! are loaded at the cut-off, a list cancelled after arrival never flies, and the departure
//! messages greenlane writes take the rest to 899 with their receipts; the same messages give
//! the same flights, MAWBs and documents.

mod support;

use greenlane_pipeline::{Cargo, CargoInForce, Config};
use greenlane_store::{CargoParcel, CargoState, FlightStatus, Store};
use std::sync::Arc;
use support::*;

fn harness() -> Harness {
    Harness::new(Config { cargo: Some(Arc::new(CargoInForce::new(Cargo::shenzhen()))), ..Config::default() })
}

/// Three released parcels to the US, all three arrived, one cancelled at the warehouse, then a
/// week of message time (an order days later moves the hub's clock).
fn run(h: &mut Harness) -> Vec<String> {
    let mut out = Vec::new();
    for n in 1..=3 {
        for m in one_parcel(n) {
            out.push(h.send(&m));
        }
    }
    out.push(h.send(&arrival("20261129120000", &["SF0001", "SF0002", "SF0003"])));
    out.push(h.send(&cancel("C0002", "20261129130000")));
    out.push(h.send(&order("SZ9999", "1", "20261206100000", &[earphones()])));
    out
}

fn parcels(store: &Arc<dyn Store>) -> Vec<CargoParcel> {
    store.read().unwrap().cargo_parcels_after(None, 100).unwrap()
}

#[test]
fn arrived_lists_fly_at_departure_and_a_cancelled_one_never_does() {
    let mut h = harness();
    let replies = run(&mut h);
    assert!(replies[9].contains("120"), "{replies:?}");
    assert_eq!(h.decision("C0001").split_whitespace().nth(1), Some("899"), "{}", h.decision("C0001"));
    assert_eq!(h.decision("C0003").split_whitespace().nth(1), Some("899"), "{}", h.decision("C0003"));
    assert_ne!(h.decision("C0002").split_whitespace().nth(1), Some("899"));

    let parcels = parcels(&h.store);
    assert_eq!(parcels.len(), 3);
    let (flown, withdrawn): (Vec<_>, Vec<_>) = parcels.iter().partition(|p| p.state == CargoState::Departed);
    assert_eq!(flown.len(), 2);
    assert_eq!(withdrawn[0].list.cop_no, "C0002");
    assert_eq!(withdrawn[0].state, CargoState::Withdrawn);
    assert_eq!(withdrawn[0].reasons[0].code, "withdrawn");
    // Both on one flight to Chicago (the US gateway), under one MAWB with a valid check digit.
    let flight = flown[0].flight.clone().unwrap();
    assert_eq!(flown[1].flight.as_ref(), Some(&flight));
    let mawb = flown[0].mawb.clone().unwrap();
    let number: greenlane_cargo::Mawb = mawb.parse().unwrap();
    assert_eq!(number.to_string(), mawb);
    // Earphones carry lithium-ion cells.
    assert_eq!(flown[0].handling, 1);

    let mut r = h.store.read().unwrap();
    let f = r.cargo_flight(&flight).unwrap().unwrap();
    assert_eq!(f.status, FlightStatus::Departed);
    assert_eq!(f.destination, "ORD");
    assert_eq!(f.mawbs, vec![mawb.clone()]);
    assert!(f.gross_g <= f.capacity_g && f.volume_cm3 <= f.capacity_cm3);
    let m = r.cargo_mawb(&mawb).unwrap().unwrap();
    let fwb = greenlane_cargo::imp::fwb::read(&m.fwb).unwrap();
    assert_eq!(fwb.consignment.awb.mawb().unwrap(), number);
    assert!(fwb.handling.contains(&"ELI".to_owned()), "{}", m.fwb);
    let fhl = greenlane_cargo::imp::fhl::read(&m.fhl).unwrap();
    assert_eq!(fhl.houses.len() as u32, m.pieces);
    let ffm = greenlane_cargo::imp::ffm::read(&f.ffm).unwrap();
    assert_eq!(ffm.flight, f.key.flight_no);
    // Twelve messages in, plus the flight's CEB607 and CEB509.
    assert_eq!(r.counts().unwrap().messages, 12 + 2);
}

#[test]
fn the_same_messages_give_the_same_flights_and_documents() {
    let (mut a, mut b) = (harness(), harness());
    assert_eq!(run(&mut a), run(&mut b));
    assert_eq!(parcels(&a.store), parcels(&b.store));
    let flight = parcels(&a.store).into_iter().find_map(|p| p.flight).unwrap();
    let fa = a.store.read().unwrap().cargo_flight(&flight).unwrap();
    let fb = b.store.read().unwrap().cargo_flight(&flight).unwrap();
    assert_eq!(fa, fb);
}

#[test]
fn countries_go_to_the_gateway_their_row_names_or_to_none() {
    let cargo = Cargo::shenzhen();
    assert_eq!(cargo.gateway("502"), Some("ORD"));
    // Japan has no route in the shipped table: its parcels are not flown, with `no_route`.
    assert_eq!(cargo.gateway("116"), None);
    assert_eq!(cargo.gateway("no such country"), None);
}
