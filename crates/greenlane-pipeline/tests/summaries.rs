//! Change and cancel around departure and summary, as data: each `tests/data/summaries/*.toml` and
//! `tests/data/flights/*.toml` is a scenario (parcels, arrivals, departures, cancellations,
//! changes and CEB701 applications in order) sent through a real pipeline on a fresh SQLite store;
//! every receipt (validated against the official XSD), every CEB792 issued (validated and read
//! back), the month's summaries with their lines and, for a scenario that names flights, the hub's
//! flights with their MAWB, FHL and FFM go into a transcript compared with the `.expected` file
//! beside it (`UPDATE_EXPECT=1` regenerates them). Each transcript also checks that every
//! summary's lines add up exactly to the lists behind them (value, quantity, weight), and that
//! every flight's documents add up to the parcels it carries and carry no list that left it.

mod support;

use greenlane_ceb::{Message, export};
use greenlane_core::{ListKey, ListStatus, MessageTime};
use greenlane_pipeline::{Cargo, CargoInForce, Config, Outcome, Prepared, summaries};
use greenlane_store::{CargoParcel, CargoState};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use support::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    /// What the scenario shows.
    about: String,
    /// The month whose summaries end the transcript (`YYYY-MM`).
    #[serde(default)]
    month: Option<String>,
    /// Flight numbers whose flights end the transcript; naming any runs the hub's cargo clock
    /// (the shipped Shenzhen routes), so that greenlane closes and departs flights itself.
    #[serde(default)]
    flights: Vec<String>,
    step: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    what: String,
    /// `parcel` (order, waybill and list), `list` (a list alone, appType from `app_type`),
    /// `order`, `waybill`, `arrival`, `departure`, `cancel`, `summary`; `show` sends nothing and
    /// shows the scenario's flights as they stand.
    send: String,
    #[serde(default)]
    cop: String,
    /// The order and waybill a list names, when not `SZ` and `SF` followed by its copNo (a list
    /// declared again under a new copNo for the same parcel).
    #[serde(default)]
    order: Option<String>,
    #[serde(default)]
    waybill: Option<String>,
    #[serde(default)]
    time: String,
    /// Goods as `name` or `name:qty` from the catalogue below.
    #[serde(default)]
    items: Vec<String>,
    #[serde(default = "default_weight")]
    weight: String,
    #[serde(default = "default_app_type")]
    app_type: String,
    /// Waybill numbers (arrival, departure).
    #[serde(default)]
    waybills: Vec<String>,
    /// Lists a summary names, by copNo (their invtNo is looked up) or, with a leading `#`, an
    /// invtNo as written.
    #[serde(default)]
    lists: Vec<String>,
    #[serde(default = "default_flag")]
    summary_flag: String,
    #[serde(default = "default_flag")]
    item_name_flag: String,
    /// A summary of a period instead of named lists.
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    end: Option<String>,
}

fn default_weight() -> String {
    "0.35".into()
}
fn default_app_type() -> String {
    "1".into()
}
fn default_flag() -> String {
    "1".into()
}

/// The goods the scenarios ship: real tariff lines of typical Shenzhen e-commerce exports.
fn item(spec: &str) -> Item {
    let (name, qty) = spec.split_once(':').unwrap_or((spec, "1"));
    let qty: &'static str = Box::leak(qty.to_owned().into_boxed_str());
    match name {
        "earphones" => Item { qty, ..earphones() },
        "phone_case" => phone_case(qty),
        "tshirt" => Item { item_no: "SKU-TEE", gcode: "6109100021", name: "棉制T恤衫", qty, price: "35" },
        other => panic!("no item {other:?} in the catalogue"),
    }
}

fn summary(h: &Harness, s: &Step, n: usize) -> Message {
    let invt_nos = s
        .lists
        .iter()
        .map(|l| match l.strip_prefix('#') {
            Some(n) => n.to_owned(),
            None => invt_no(h, l),
        })
        .collect::<Vec<_>>();
    Message::Ceb701(export::Ceb701Message {
        guid: format!("701{n:05}-0000-4000-8000-{:012}", n),
        version: "1.0".into(),
        summary_applies: vec![export::SummaryApply {
            summary_apply_head: export::SummaryApplyHead {
                guid: format!("701{n:05}-0000-4000-8000-{:012}", n + 1000),
                app_type: s.app_type.clone(),
                app_time: s.time.clone(),
                app_status: "2".into(),
                customs_code: "5345".into(),
                cop_no: s.cop.clone(),
                pre_no: None,
                sum_no: None,
                agent_code: AGENT.into(),
                agent_name: "深圳示例报关有限公司".into(),
                ebc_code: EBC.into(),
                ebc_name: "深圳示例电子商务有限公司".into(),
                decl_agent_code: AGENT.into(),
                decl_agent_name: "深圳示例报关有限公司".into(),
                start_time: s.start.clone(),
                end_time: s.end.clone(),
                loct_no: None,
                summary_flag: s.summary_flag.clone(),
                item_name_flag: s.item_name_flag.clone(),
                msg_count: 1,
                msg_seq_no: 1,
                note: None,
            },
            summary_apply_lists: invt_nos.into_iter().map(|invt_no| export::SummaryApplyList { invt_no }).collect(),
        }],
        base_transfer: export::BaseTransfer {
            cop_code: EBC.into(),
            cop_name: "深圳示例电子商务有限公司".into(),
            dxp_mode: "DXP".into(),
            dxp_id: "DXPENT0000000001".into(),
            note: None,
        },
        base_subscribes: Vec::new(),
        signature: None,
        extend_message: None,
    })
}

fn invt_no(h: &Harness, cop: &str) -> String {
    let key = ListKey { ebc_code: EBC.into(), cop_no: cop.into() };
    h.store.read().unwrap().get_list(&key).unwrap().and_then(|r| r.list.invt_no).unwrap_or_else(|| format!("no-{cop}"))
}

fn send(h: &mut Harness, m: &Message) -> String {
    let (outcomes, _) = h.pipeline.apply(&[Prepared::new(xml(m))]).unwrap();
    if let Outcome::Receipt { xml, .. } = &outcomes[0] {
        assert_schema_valid(xml);
    }
    describe(&outcomes[0])
}

fn run(scenario: &Scenario) -> String {
    let cargo = (!scenario.flights.is_empty()).then(|| Arc::new(CargoInForce::new(Cargo::shenzhen())));
    let mut h = Harness::new(Config { cargo, ..Config::default() });
    let mut t = format!("# {}\n", scenario.about.trim());
    for (n, s) in scenario.step.iter().enumerate() {
        let items: Vec<Item> = s.items.iter().map(|i| item(i)).collect();
        let order_no = s.order.clone().unwrap_or_else(|| format!("SZ{}", &s.cop));
        let waybill_no = s.waybill.clone().unwrap_or_else(|| format!("SF{}", &s.cop));
        let messages = match s.send.as_str() {
            "parcel" => vec![
                order(&order_no, "1", &s.time, &items),
                waybill(&waybill_no, "1", &s.time, &s.weight, 1),
                list(&s.cop, "1", &s.time, &order_no, &waybill_no, &items, &s.weight, 1),
            ],
            "list" => vec![list(&s.cop, &s.app_type, &s.time, &order_no, &waybill_no, &items, &s.weight, 1)],
            "order" => vec![order(&order_no, &s.app_type, &s.time, &items)],
            "waybill" => vec![waybill(&waybill_no, &s.app_type, &s.time, &s.weight, 1)],
            "arrival" => vec![arrival(&s.time, &s.waybills.iter().map(String::as_str).collect::<Vec<_>>())],
            "departure" => vec![departure(&s.time, &s.waybills.iter().map(String::as_str).collect::<Vec<_>>())],
            "cancel" => vec![cancel(&s.cop, &s.time)],
            "summary" => vec![summary(&h, s, n)],
            "show" => {
                t.push_str(&format!("{}\n", s.what));
                t.push_str(&flight_lines(&h, scenario));
                continue;
            }
            other => panic!("step {:?}: no kind {other:?}", s.what),
        };
        t.push_str(&format!("{}\n", s.what));
        for m in &messages {
            t.push_str(&format!("  -> {}\n", send(&mut h, m)));
        }
    }
    if let Some(m) = &scenario.month {
        t.push_str(&month(&h, m));
    }
    if !scenario.flights.is_empty() {
        t.push_str(&flights(&h, scenario));
    }
    t
}

/// Every list the scenario declared with its status, every parcel at the hub, and the named
/// flights with their documents, each checked to add up to the parcels on board.
fn flights(h: &Harness, scenario: &Scenario) -> String {
    let mut r = h.store.read().unwrap();
    let mut t = String::from("lists:\n");
    let mut cops: Vec<&str> = Vec::new();
    for s in scenario.step.iter().filter(|s| s.send == "parcel" || s.send == "list") {
        if !cops.contains(&s.cop.as_str()) {
            cops.push(&s.cop);
        }
    }
    for cop in cops {
        let key = ListKey { ebc_code: EBC.into(), cop_no: cop.into() };
        let row = r.get_list(&key).unwrap().expect("a declared list");
        t.push_str(&format!("  {cop}: {} {}\n", row.status.as_str(), row.return_status));
    }
    t.push_str("parcels:\n");
    let parcels = r.cargo_parcels_after(None, 1000).unwrap();
    for p in &parcels {
        let reasons: Vec<&str> = p.reasons.iter().map(|r| r.code.as_str()).collect();
        t.push_str(&format!(
            "  {}: {:?} {} g on {} mawb {} hawb {} {:?}\n",
            p.list.cop_no,
            p.state,
            p.weight_g,
            p.flight.as_ref().map(|f| format!("{} {}", f.flight_no, f.departure.to_rfc3339())).unwrap_or("-".into()),
            p.mawb.as_deref().unwrap_or("-"),
            p.hawb.as_deref().unwrap_or("-"),
            reasons
        ));
        let status = r.get_list(&p.list).unwrap().map(|row| row.status);
        match p.state {
            // A parcel flies only under a list that is in force, and every list that flew is 899.
            CargoState::Departed => assert_eq!(status, Some(ListStatus::Departed), "{}", p.list.cop_no),
            CargoState::Withdrawn => assert_ne!(status, Some(ListStatus::Departed), "{}", p.list.cop_no),
            _ => {}
        }
    }
    drop(r);
    t.push_str(&flight_lines(h, scenario));
    t
}

/// The scenario's flights as they stand, each checked to add up to the parcels on board, with
/// documents that name exactly those parcels.
fn flight_lines(h: &Harness, scenario: &Scenario) -> String {
    let mut r = h.store.read().unwrap();
    let mut t = String::new();
    let (first, last) = (&scenario.step[0].time, &scenario.step[scenario.step.len() - 1].time);
    let from = MessageTime::parse_app_time(first).unwrap().plus_seconds(-86_400);
    let to = MessageTime::parse_app_time(last).unwrap().plus_seconds(7 * 86_400);
    for f in r.cargo_flights_between(from, to).unwrap() {
        if !scenario.flights.contains(&f.key.flight_no) {
            continue;
        }
        let on: Vec<CargoParcel> = r
            .cargo_parcels_on(&f.key)
            .unwrap()
            .into_iter()
            .filter(|p| matches!(p.state, CargoState::Loaded | CargoState::Departed))
            .collect();
        let cops: Vec<&str> = on.iter().map(|p| p.list.cop_no.as_str()).collect();
        t.push_str(&format!(
            "flight {} {} {}: {} parcels {} g chargeable {} g, {}/{} ULDs, lists {:?}, MAWBs {:?}\n",
            f.key.flight_no,
            f.key.departure.to_rfc3339(),
            f.status.as_str(),
            f.parcels,
            f.gross_g,
            f.chargeable_g,
            f.ulds.len(),
            f.positions,
            cops,
            f.mawbs
        ));
        // The flight's load is the parcels on it, no more and no less.
        assert_eq!(f.parcels, on.len() as u64, "{}", f.key.flight_no);
        assert_eq!(f.gross_g, on.iter().map(|p| p.weight_g).sum::<u64>(), "{}", f.key.flight_no);
        assert!(f.gross_g <= f.capacity_g && f.volume_cm3 <= f.capacity_cm3);
        for mawb in &f.mawbs {
            let m = r.cargo_mawb(mawb).unwrap().expect("an issued MAWB");
            let fwb = greenlane_cargo::imp::fwb::read(&m.fwb).unwrap();
            let fhl = greenlane_cargo::imp::fhl::read(&m.fhl).unwrap();
            let houses: Vec<String> = fhl
                .houses
                .iter()
                .map(|h| format!("{} {} kg {} parcels", h.hawb, h.weight.value, h.slac.unwrap_or(0)))
                .collect();
            t.push_str(&format!(
                "  MAWB {mawb}: FWB {} pieces {} kg; FHL houses {houses:?}\n",
                fwb.consignment.quantity.pieces, fwb.consignment.quantity.weight.value
            ));
            // The houses add up to the master, the master to the FWB, and the houses carry
            // exactly the parcels under this MAWB.
            let house_kg: Decimal = fhl.houses.iter().map(|h| h.weight.value).sum();
            assert_eq!(house_kg, fhl.master.quantity.weight.value, "{mawb}");
            assert_eq!(fwb.consignment.quantity.weight.value, house_kg, "{mawb}");
            assert_eq!(fwb.consignment.quantity.pieces, fhl.houses.len() as u32, "{mawb}");
            let under: Vec<&CargoParcel> = on.iter().filter(|p| p.mawb.as_deref() == Some(mawb)).collect();
            assert_eq!(fhl.houses.iter().map(|h| u64::from(h.slac.unwrap_or(0))).sum::<u64>(), under.len() as u64);
            for p in &under {
                let hawb = p.hawb.as_deref().expect("a loaded parcel has its house");
                assert!(fhl.houses.iter().any(|h| h.hawb == hawb), "{hawb} is not in the FHL of {mawb}");
            }
            assert_eq!(m.gross_g, f.gross_g);
            assert_eq!(m.pieces as usize, fhl.houses.len());
        }
        if f.mawbs.is_empty() {
            assert!(f.ffm.is_empty() && on.is_empty(), "{} carries parcels without a MAWB", f.key.flight_no);
        } else {
            let ffm = greenlane_cargo::imp::ffm::read(&f.ffm).unwrap();
            let items: Vec<_> = ffm.points.iter().flat_map(|p| p.ulds.iter()).flat_map(|u| u.items.iter()).collect();
            let ffm_kg: Decimal = items.iter().map(|i| i.consignment.quantity.weight.value).sum();
            t.push_str(&format!("  FFM: {} ULDs, {ffm_kg} kg\n", items.len()));
            let fwb_kg: Decimal = f
                .mawbs
                .iter()
                .map(|m| {
                    let m = r.cargo_mawb(m).unwrap().unwrap();
                    greenlane_cargo::imp::fwb::read(&m.fwb).unwrap().consignment.quantity.weight.value
                })
                .sum();
            assert_eq!(ffm_kg, fwb_kg, "the FFM of {} and its MAWBs", f.key.flight_no);
        }
    }
    t
}

/// The month's summaries and draft as the API gives them, each CEB792 validated and read back,
/// and every summary checked to add up to its lists.
fn month(h: &Harness, month: &str) -> String {
    let m = greenlane_core::summary::parse_month(month).expect("month YYYY-MM");
    let mut r = h.store.read().unwrap();
    let view = summaries::month_view(&mut *r, Some(EBC), m).unwrap();
    let mut t = format!("month {month}: deadline {}\n", view.deadline.to_app_time());
    for e in &view.exporters {
        for s in &e.summaries {
            assert_schema_valid(&s.result);
            let Message::Ceb792(result) = greenlane_ceb::read(s.result.as_bytes()).unwrap().message else {
                panic!("not a CEB792")
            };
            assert_eq!(result.summary_results.len(), s.declarations.len());
            t.push_str(&format!(
                "summary {} (copNo {}, summaryFlag {}, itemNameFlag {}), CEB792 with {} results\n",
                s.sum_no,
                s.cop_no,
                s.summary_flag,
                s.item_name_flag,
                result.summary_results.len()
            ));
            t.push_str(&declarations(h, &s.declarations));
        }
        if !e.draft.is_empty() {
            t.push_str("draft of what is still to declare:\n");
            t.push_str(&declarations(h, &e.draft));
        }
        for (invt, key, state) in &e.open {
            t.push_str(&format!("  open: {invt} ({}) {state:?}\n", key.cop_no));
        }
    }
    t
}

fn declarations(h: &Harness, ds: &[greenlane_core::summary::Declaration]) -> String {
    let mut t = String::new();
    let mut r = h.store.read().unwrap();
    for d in ds {
        t.push_str(&format!(
            "  declaration {}: consignor {}{} gross {} net {} lists {:?}\n",
            d.seq,
            d.ebc_code,
            d.owner_code.as_ref().map(|o| format!(" producer {o}")).unwrap_or_default(),
            d.gross_weight,
            d.net_weight,
            d.invt_nos
        ));
        for l in &d.lines {
            let sources: Vec<String> = l.sources.iter().map(|s| format!("{}#{}", s.invt_no, s.gnum)).collect();
            t.push_str(&format!(
                "    {}. {} {} {} {} {}: qty {} value {} gross {} net {} <- {}\n",
                l.line_no,
                l.hs_code,
                l.name,
                l.country,
                l.currency,
                l.unit,
                l.qty,
                l.value,
                l.gross_weight,
                l.net_weight,
                sources.join(", ")
            ));
        }
        // The declaration adds up exactly to the lists behind it.
        let mut value = BTreeMap::<String, Decimal>::new();
        let (mut qty, mut gross, mut net) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        for invt in &d.invt_nos {
            let key = r.list_by_invt_no(invt).unwrap().expect("a known list");
            let list = r.get_list(&key).unwrap().expect("stored").list;
            gross += list.gross_weight;
            net += list.net_weight;
            for i in &list.items {
                qty += i.qty;
                *value.entry(i.currency.clone()).or_default() += i.total_price;
            }
        }
        let mut by_lines = BTreeMap::<String, Decimal>::new();
        for l in &d.lines {
            *by_lines.entry(l.currency.clone()).or_default() += l.value;
        }
        assert_eq!(by_lines, value, "values of declaration {}", d.seq);
        assert_eq!(d.lines.iter().map(|l| l.qty).sum::<Decimal>(), qty);
        assert_eq!(d.gross_weight, gross);
        assert_eq!(d.net_weight, net);
    }
    t
}

fn run_folder(folder: &str, at_least: usize) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    assert!(files.len() >= at_least, "the scenarios are missing");
    for path in files {
        let scenario: Scenario = toml::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let transcript = run(&scenario);
        expect_test::expect_file![path.with_extension("expected")].assert_eq(&transcript);
    }
}

#[test]
fn every_summary_scenario_gives_its_expected_receipts() {
    run_folder("summaries", 3);
}

#[test]
fn every_flight_scenario_gives_its_expected_receipts() {
    run_folder("flights", 1);
}
