//! The shared Cargo-IMP samples (gumraq/iata-messages, see tests/data/README.md) read, carry the
//! values they print, and write back to text that reads to the same messages.

use greenlane_cargo::imp::{self, Volume, WeightUnit, ffm, fhl, fwb};
use rust_decimal::Decimal;

const FWB: &str = include_str!("data/gumraq__iata-messages__fwb17.txt");
const FHL: &str = include_str!("data/gumraq__iata-messages__fhl5.txt");
const FFM: &str = include_str!("data/gumraq__iata-messages__ffm8.txt");

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn every_fwb_sample_reads_and_round_trips() {
    let all = fwb::read_all(FWB).unwrap();
    assert_eq!(all.len(), 5);
    let first = &all[0];
    assert_eq!(first.consignment.awb.to_string(), "555-64264793");
    assert_eq!(first.consignment.quantity.pieces, 114);
    assert_eq!(first.consignment.quantity.volume, Some(Volume::DensityGroup(6)));
    assert_eq!(first.flights, [("SU1244".to_string(), 1), ("SU1008".to_string(), 1)]);
    assert_eq!(first.routing[2], ("LGG".to_string(), None));
    let cne = first.consignee.as_ref().unwrap();
    assert_eq!((cne.account.as_deref(), cne.state.as_deref(), cne.country.as_str()), (Some("4321"), Some("MN"), "US"));
    assert_eq!(cne.contacts, [("TE".to_string(), "4653425".to_string())]);
    let rate = &first.rates[0];
    assert_eq!((rate.class, rate.chargeable, rate.total), (Some('U'), Some(d("2000")), Some(d("10000"))));
    assert_eq!(rate.details.len(), 13);
    assert!(rate.details.contains(&fwb::RateDetail::Volume(Volume::CubicMetres(d("0.10")))));
    assert_eq!(first.handling[..3], ["OHG", "MOW", "DGR"]);
    // The consolidation sample: chargeable weight equals gross, goods "CONSOLIDATION".
    assert_eq!(
        all[1].rates[0].details[0],
        fwb::RateDetail::Goods { consolidation: true, text: "CONSOLIDATION".into() }
    );
    assert_eq!(all[2].consignment.quantity.weight.unit, WeightUnit::Pound);
    assert_eq!(all[3].rates[0].commodity.as_deref(), Some("N100"));
    for m in &all {
        let text = fwb::write(m).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&fwb::read(&text).unwrap(), m, "{text}");
    }
}

#[test]
fn every_fhl_sample_reads_and_round_trips() {
    let all = fhl::read_all(FHL).unwrap();
    assert_eq!(all.len(), 6);
    assert_eq!(all[0].master.awb.mawb().unwrap().to_string(), "618-12345675");
    assert_eq!(all[0].houses[0].slac, Some(4));
    assert_eq!(all[1].houses.len(), 3);
    assert_eq!(all[2].houses[0].weight.value, d("8000"));
    let blood = &all[5].houses[0];
    assert_eq!(blood.tariff, ["3002120005"]);
    assert_eq!(blood.extra, ["NSC/ICE"]);
    assert_eq!(blood.text.len(), 2);
    for m in &all {
        let text = fhl::write(m).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&fhl::read(&text).unwrap(), m, "{text}");
    }
}

#[test]
fn every_ffm_sample_reads_and_round_trips() {
    let all = ffm::read_all(FFM).unwrap();
    assert_eq!(all.len(), 5);
    let first = &all[0];
    assert_eq!(
        (first.part, first.flight.as_str(), first.date.as_str(), first.departure.as_str()),
        (2, "AF077", "17APR", "CDG")
    );
    assert_eq!(first.points[0].airport, "JFK");
    assert_eq!(first.points[0].ulds.len(), 2);
    assert_eq!(first.points[0].ulds[0].items.len(), 2);
    assert_eq!(first.points[0].ulds[1].items[0].handling, ["BUP", "CAR", "RMD", "SPX", "PAX", "EAP"]);
    assert!(first.last);
    let split = &all[1].points[0];
    assert_eq!(split.bulk.len(), 3);
    assert_eq!(split.bulk[2].handling, ["PER"]);
    let part = &split.ulds[0].items[1].consignment.quantity;
    assert_eq!((part.code, part.pieces, part.total_pieces), (imp::ShipmentCode::Divided, 4, Some(12)));
    assert_eq!(all[2].points[0].extra, ["NIL"]);
    let points: Vec<_> = all[3].points.iter().map(|p| p.airport.as_str()).collect();
    assert_eq!(points, ["SVO", "RTM"]);
    // A handbook number whose check digit is wrong reads as a message but is no MAWB.
    assert!(all[3].points[0].bulk[0].consignment.awb.mawb().is_err());
    for m in &all {
        let text = ffm::write(m).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&ffm::read(&text).unwrap(), m, "{text}");
    }
}

#[test]
fn broken_texts_are_refused_with_their_line() {
    let cases: [(&str, usize); 6] = [
        ("FWB/17\n618-12345675SINJFK/X7K1000\n", 2),
        ("FWB/17\n618-12345675SINJFK/T7K1000\nFLT/SU1244/1\n", 3),
        ("FWB/17\n618-12345675SINJFK/T7K1000\nXYZ/1\n", 3),
        ("FHL/5\nMBI/618-12345675SINJFK/T7K1000\nHBS/A1/SINJFK/one/K4//X\n", 3),
        ("FFM/8\n1/SU1145/01JAN/AAQ\nJFK\nULD/PMC1\nLAST\n", 4),
        ("FFM/8\n1/SU1145/01JAN/AAQ\nJFK\n", 3),
    ];
    for (text, line) in cases {
        let err = match &text[..3] {
            "FWB" => fwb::read(text).err(),
            "FHL" => fhl::read(text).err(),
            _ => ffm::read(text).err(),
        }
        .unwrap_or_else(|| panic!("{text:?} was read"));
        assert_eq!(err.line, line, "{text:?}: {err}");
    }
}

/// Inputs the fuzz targets found (non-ASCII bytes where the readers sliced strings by byte
/// offset): each now reads to Ok or Err, and what reads writes back to the same values.
#[test]
fn fuzz_findings_do_not_panic() {
    let cases: [(&str, &[u8]); 3] = [
        ("fwb", include_bytes!("data/fuzz/read_fwb-80555034")),
        ("fhl", include_bytes!("data/fuzz/read_fhl-de35808c")),
        ("ffm", include_bytes!("data/fuzz/read_ffm-9e70e47e")),
    ];
    for (kind, bytes) in cases {
        let text = String::from_utf8_lossy(bytes);
        match kind {
            "fwb" => {
                for m in fwb::read_all(&text).into_iter().flatten() {
                    if let Ok(t) = fwb::write(&m) {
                        assert_eq!(fwb::read(&t).unwrap(), m);
                    }
                }
            }
            "fhl" => {
                for m in fhl::read_all(&text).into_iter().flatten() {
                    if let Ok(t) = fhl::write(&m) {
                        assert_eq!(fhl::read(&t).unwrap(), m);
                    }
                }
            }
            _ => {
                for m in ffm::read_all(&text).into_iter().flatten() {
                    if let Ok(t) = ffm::write(&m) {
                        assert_eq!(ffm::read(&t).unwrap(), m);
                    }
                }
            }
        }
    }
}
