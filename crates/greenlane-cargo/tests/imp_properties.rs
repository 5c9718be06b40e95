//! Every FWB/17, FHL/5 and FFM/8 greenlane can build writes to text that reads back to the same
//! values, and the reader never panics on mutated samples.

use greenlane_cargo::imp::fwb::{Fwb, Party, RateDetail, RateLine};
use greenlane_cargo::imp::{AwbNumber, Consignment, Quantity, ShipmentCode, Volume, Weight, WeightUnit, ffm, fhl, fwb};
use greenlane_cargo::{Mawb, Prefix};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn decimal() -> impl Strategy<Value = Decimal> {
    (0u64..10_000_000, 0u32..4).prop_map(|(m, scale)| Decimal::new(m as i64, scale))
}

fn airport() -> impl Strategy<Value = String> {
    "[A-Z]{3}"
}

fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Z0-9][A-Z0-9 .,-]{{0,{}}}[A-Z0-9]", max - 2)).unwrap()
}

fn awb() -> impl Strategy<Value = AwbNumber> {
    (0u16..1000, 0u32..10_000_000).prop_map(|(p, s)| Mawb::new(Prefix::new(p).unwrap(), s).unwrap().into())
}

fn volume() -> impl Strategy<Value = Option<Volume>> {
    prop_oneof![
        Just(None),
        decimal().prop_map(|d| Some(Volume::CubicMetres(d))),
        decimal().prop_map(|d| Some(Volume::CubicFeet(d))),
        (0u8..100).prop_map(|g| Some(Volume::DensityGroup(g))),
    ]
}

fn quantity(total_only: bool) -> impl Strategy<Value = Quantity> {
    let codes = if total_only {
        vec![ShipmentCode::Total]
    } else {
        vec![ShipmentCode::Total, ShipmentCode::Part, ShipmentCode::Split, ShipmentCode::Divided, ShipmentCode::Multi]
    };
    (proptest::sample::select(codes), 1u32..100_000, any::<bool>(), decimal(), volume(), 1u32..100_000).prop_map(
        |(code, pieces, kg, value, volume, total)| Quantity {
            code,
            pieces,
            weight: Weight { unit: if kg { WeightUnit::Kilogram } else { WeightUnit::Pound }, value },
            volume,
            total_pieces: (code != ShipmentCode::Total).then_some(total),
        },
    )
}

fn consignment(total_only: bool) -> impl Strategy<Value = Consignment> {
    (awb(), airport(), airport(), quantity(total_only)).prop_map(|(awb, origin, destination, quantity)| Consignment {
        awb,
        origin,
        destination,
        quantity,
    })
}

fn party() -> impl Strategy<Value = Party> {
    (
        proptest::option::of("[A-Z0-9]{1,10}"),
        proptest::collection::vec(text(35), 1..3),
        proptest::collection::vec(text(35), 1..3),
        text(17),
        proptest::option::of("[A-Z]{2}"),
        "[A-Z]{2}",
        proptest::option::of("[0-9]{4,6}"),
        proptest::collection::vec(("(TE|FX)", "[0-9]{5,12}"), 0..2),
    )
        .prop_map(|(account, name, address, place, state, country, postcode, contacts)| Party {
            account,
            name,
            address,
            place,
            state,
            country,
            postcode,
            contacts,
        })
}

fn rate() -> impl Strategy<Value = RateLine> {
    let detail = prop_oneof![
        (any::<bool>(), text(20)).prop_map(|(consolidation, text)| RateDetail::Goods { consolidation, text }),
        volume().prop_filter_map("a volume", |v| v).prop_map(RateDetail::Volume),
        (0u32..100_000).prop_map(RateDetail::Slac),
        "ND//CMT[0-9]{2}-[0-9]{2}-[0-9]{2}/[1-9]".prop_map(RateDetail::Other),
    ];
    (
        1u32..10_000,
        decimal(),
        proptest::option::of(proptest::sample::select(vec!['Q', 'N', 'C', 'U'])),
        proptest::option::of("N[0-9]{3}"),
        proptest::option::of(decimal()),
        proptest::option::of(decimal()),
        proptest::option::of(decimal()),
        proptest::collection::vec(detail, 0..5),
    )
        .prop_map(|(pieces, w, class, commodity, chargeable, rate, total, details)| RateLine {
            pieces,
            weight: Weight::kg(w),
            class,
            commodity,
            chargeable,
            rate,
            total,
            details,
        })
}

fn fwb_message() -> impl Strategy<Value = Fwb> {
    (
        consignment(true),
        proptest::collection::vec(("[A-Z0-9]{2}[0-9]{1,4}", 1u8..32), 0..3),
        proptest::collection::vec((airport(), proptest::option::of("[A-Z0-9]{2}")), 0..3),
        proptest::option::of(party()),
        proptest::option::of(party()),
        proptest::collection::vec(rate(), 0..2),
        proptest::collection::vec(proptest::sample::select(vec!["ELI", "ELM", "MAG", "GEN", "SPX", "EAW"]), 0..4),
    )
        .prop_map(|(consignment, flights, routing, shipper, consignee, rates, handling)| Fwb {
            consignment,
            flights,
            routing,
            shipper,
            consignee,
            rates,
            handling: handling.into_iter().map(str::to_string).collect(),
            other: Vec::new(),
        })
}

fn house() -> impl Strategy<Value = fhl::House> {
    (
        "[A-Z0-9]{1,12}",
        airport(),
        airport(),
        1u32..10_000,
        decimal(),
        proptest::option::of(0u32..10_000),
        text(40),
        proptest::collection::vec(text(70), 0..3),
        proptest::collection::vec("[0-9]{6,10}", 0..2),
    )
        .prop_map(|(hawb, origin, destination, pieces, w, slac, goods, text, tariff)| fhl::House {
            hawb,
            origin,
            destination,
            pieces,
            weight: Weight::kg(w),
            slac,
            goods,
            extra: Vec::new(),
            text,
            tariff,
            other: Vec::new(),
        })
}

fn item() -> impl Strategy<Value = ffm::Item> {
    (consignment(false), text(40), proptest::collection::vec("ELI|ELM|MAG|EAP|SPX", 0..3))
        .prop_map(|(consignment, goods, handling)| ffm::Item { consignment, goods, handling, other: Vec::new() })
}

fn manifest() -> impl Strategy<Value = ffm::Ffm> {
    let uld = ("(PMC|AKE|PAG)[0-9]{5}[A-Z0-9]{2}", proptest::collection::vec(item(), 0..4))
        .prop_map(|(id, items)| ffm::Uld { id, extra: Vec::new(), continuation: Vec::new(), items });
    let point = (airport(), proptest::collection::vec(item(), 0..3), proptest::collection::vec(uld, 0..3))
        .prop_filter("an airport that is no segment tag", |(a, _, _)| {
            !["DIM", "OSI", "COR", "OCI", "SSR", "SCI", "MOV", "ULD"].contains(&a.as_str())
        })
        .prop_map(|(airport, bulk, ulds)| ffm::Unloading { airport, extra: Vec::new(), bulk, ulds });
    (
        1u32..100,
        "[A-Z0-9]{2}[0-9]{1,4}",
        "[0-3][0-9](JAN|FEB|MAR|DEC)([0-2][0-9][0-5][0-9])?",
        airport(),
        proptest::collection::vec(point, 1..3),
        any::<bool>(),
    )
        .prop_map(|(part, flight, date, departure, points, last)| ffm::Ffm {
            part,
            flight,
            date,
            departure,
            flight_extra: Vec::new(),
            points,
            last,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn fwb_written_reads_back(m in fwb_message()) {
        let text = fwb::write(&m).unwrap_or_else(|e| panic!("{e}: {m:?}"));
        prop_assert_eq!(fwb::read(&text).unwrap(), m);
    }

    #[test]
    fn fhl_written_reads_back(master in consignment(true), houses in proptest::collection::vec(house(), 0..5)) {
        let m = fhl::Fhl { master, houses };
        let text = fhl::write(&m).unwrap_or_else(|e| panic!("{e}: {m:?}"));
        prop_assert_eq!(fhl::read(&text).unwrap(), m);
    }

    #[test]
    fn ffm_written_reads_back(m in manifest()) {
        let text = ffm::write(&m).unwrap_or_else(|e| panic!("{e}: {m:?}"));
        prop_assert_eq!(ffm::read(&text).unwrap(), m);
    }

    /// Mutated samples: reading never panics, and whatever reads writes back to the same values.
    #[test]
    fn mutated_samples_never_panic(which in 0usize..3, at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<bool>()) {
        let sample = [include_str!("data/gumraq__iata-messages__fwb17.txt"), include_str!("data/gumraq__iata-messages__fhl5.txt"), include_str!("data/gumraq__iata-messages__ffm8.txt")][which];
        let mut bytes = sample.as_bytes().to_vec();
        let i = at.index(bytes.len());
        if cut { bytes.truncate(i) } else { bytes[i] = byte }
        let Ok(text) = String::from_utf8(bytes) else { return Ok(()) };
        match which {
            0 => if let Ok(all) = fwb::read_all(&text) { for m in all { if let Ok(t) = fwb::write(&m) { prop_assert_eq!(fwb::read(&t).unwrap(), m) } } },
            1 => if let Ok(all) = fhl::read_all(&text) { for m in all { if let Ok(t) = fhl::write(&m) { prop_assert_eq!(fhl::read(&t).unwrap(), m) } } },
            _ => if let Ok(all) = ffm::read_all(&text) { for m in all { if let Ok(t) = ffm::write(&m) { prop_assert_eq!(ffm::read(&t).unwrap(), m) } } },
        }
    }
}
