//! A simulated week from release to departure against the real binary: seven days of traffic
//! and the warehouse's arrivals (late and missing ones included), then a quieter week whose
//! message time carries the hub past every flight the first week's parcels could take. What
//! must hold: every released and arrived list is on exactly one flight or says why not; no
//! flight or ULD is over its weight or volume; every MAWB's check digit is valid; every list on
//! a departed flight is 899; every FWB, FHL and FFM served re-reads with greenlane-cargo to the
//! same values, and so does the ONE Record JSON-LD of each MAWB; an enterprise token sees only
//! its own; the month's summary declarations add up exactly to the departed lists behind them,
//! none in two.

mod common;

use common::{ADMIN, Server};
use greenlane_cargo::imp::{ffm, fhl, fwb};
use greenlane_cargo::onerecord::{self, Document};
use greenlane_core::{ListKey, ListStatus, MessageTime};
use greenlane_sim::arrivals::{ArrivalNoise, arrivals};
use greenlane_sim::{SimConfig, generate};
use greenlane_store::CargoState;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use time::{Date, Duration};

/// Parcels a day in the week under test, and in the week after that only moves the clock on.
const WEEK_PARCELS: usize = 120;
const TAIL_PARCELS: usize = 10;

fn week_start() -> Date {
    time::macros::date!(2026 - 11 - 16)
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[test]
fn a_simulated_week_flies_out_whole() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();

    // Seven days of traffic with their arrivals, then seven quiet days, in message-time order.
    let mut messages: Vec<(String, usize, Vec<u8>)> = Vec::new();
    let mut exporter = String::new();
    for d in 0..15 {
        let day = week_start() + Duration::days(d);
        let parcels = if d < 7 { WEEK_PARCELS } else { TAIL_PARCELS };
        let sim = generate(&SimConfig { parcels, seed: 900 + d as u64, day, ..SimConfig::default() }).unwrap();
        if exporter.is_empty() {
            exporter = sim.truth()[0].ebc_code.clone();
        }
        for m in sim.messages().chain(arrivals(&sim, &ArrivalNoise::default())) {
            let n = messages.len();
            messages.push((m.sent_at, n, m.bytes));
        }
    }
    messages.sort();

    let out = Command::new(env!("CARGO_BIN_EXE_greenlane"))
        .args(["token", "create", "--data", data, "--role", "enterprise", "--name", "shop", "--ebc", &exporter])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shop = String::from_utf8(out.stdout).unwrap().trim().to_owned();

    let server = Server::on_folder(dir.path());
    for (_, _, body) in &messages {
        let (status, reply) = server.post(Some(ADMIN), body);
        assert_eq!(status, 200, "{reply}");
    }

    // Every flight the hub loaded, day by day.
    let mut on_flight: BTreeMap<ListKey, (String, String)> = BTreeMap::new();
    let mut departed_lists = Vec::new();
    let (mut flights, mut departed_flights, mut documents, mut scheduled) = (0, 0, 0, 0);
    for d in 0..20 {
        let date = (week_start() + Duration::days(d)).to_string();
        let (status, body) = server.get(Some(ADMIN), &format!("/api/v1/flights?date={date}"));
        assert_eq!(status, 200, "{body}");
        for f in json(&body)["flights"].as_array().unwrap() {
            flights += 1;
            let flight_no = f["flightNo"].as_str().unwrap();
            let g = |k: &str| f[k].as_u64().unwrap();
            assert!(g("loadedG") <= g("capacityG"), "{flight_no} {date} over its payload: {f}");
            assert!(g("loadedCm3") <= g("capacityCm3"), "{flight_no} {date} over its volume: {f}");
            let ulds = f["ulds"].as_array().unwrap();
            for u in ulds {
                assert!(u["grossG"].as_u64().unwrap() <= g("uldNetG"), "ULD over weight: {u}");
                assert!(u["volumeCm3"].as_u64().unwrap() <= g("uldVolumeCm3"), "ULD over volume: {u}");
            }
            let departed = f["status"] == "departed";
            departed_flights += usize::from(departed);
            // Past the week's last message the table's flights are still listed, scheduled, with
            // their cut-off and no MAWB until they close.
            if f["status"] == "scheduled" {
                scheduled += 1;
                assert!(f["cutoff"].as_str().is_some_and(|c| c < f["departure"].as_str().unwrap()), "{f}");
                assert_eq!(f["mawbs"], serde_json::json!([]), "{f}");
            } else {
                assert!(f.get("cutoff").is_none(), "{f}");
            }
            for m in f["mawbs"].as_array().unwrap() {
                let number = m["mawb"].as_str().unwrap();
                let mawb: greenlane_cargo::Mawb = number.parse().unwrap_or_else(|e| panic!("{number}: {e}"));
                for l in m["lists"].as_array().unwrap() {
                    let key = ListKey {
                        ebc_code: l["ebcCode"].as_str().unwrap().into(),
                        cop_no: l["copNo"].as_str().unwrap().into(),
                    };
                    let place = (format!("{flight_no} {date}"), number.to_owned());
                    if let Some(before) = on_flight.insert(key.clone(), place.clone()) {
                        panic!("{key:?} is on {before:?} and on {place:?}");
                    }
                    if departed {
                        assert_eq!(l["state"], "departed");
                        departed_lists.push(key);
                    }
                }
                // The FWB and FHL served re-read to the values the flight list gives, and
                // write back to the same text.
                let (status, text) = server.get(Some(ADMIN), &format!("/api/v1/mawbs/{number}/fwb"));
                assert_eq!(status, 200, "{text}");
                let w = fwb::read(&text).unwrap_or_else(|e| panic!("{number} FWB: {e}\n{text}"));
                assert_eq!(w.consignment.awb.mawb().unwrap(), mawb);
                assert_eq!(w.consignment.destination, m["destination"].as_str().unwrap());
                assert_eq!(w.consignment.quantity.pieces, m["pieces"].as_u64().unwrap() as u32);
                assert_eq!(fwb::write(&w).unwrap(), text);
                let (status, text) = server.get(Some(ADMIN), &format!("/api/v1/mawbs/{number}/fhl"));
                assert_eq!(status, 200, "{text}");
                let h = fhl::read(&text).unwrap_or_else(|e| panic!("{number} FHL: {e}\n{text}"));
                assert_eq!(h.master.awb.mawb().unwrap(), mawb);
                assert_eq!(h.houses.len(), m["pieces"].as_u64().unwrap() as usize);
                let houses: Decimal = h.houses.iter().map(|x| x.weight.value).sum();
                assert_eq!(houses, h.master.quantity.weight.value, "{number}: houses add up to the master");
                assert_eq!(h.master.quantity.weight.value, w.consignment.quantity.weight.value);
                assert_eq!(fhl::write(&h).unwrap(), text);
                // The ONE Record JSON-LD: the same MAWB, houses, pieces and weights.
                let doc = one_record(&server, ADMIN, number).unwrap_or_else(|(s, b)| panic!("{number}: {s} {b}"));
                let master = &doc.master;
                assert!(master.is_master());
                let prefix = master.waybill_prefix.as_deref().unwrap();
                assert_eq!(format!("{prefix}-{}", master.waybill_number), number);
                assert_eq!(master.arrival_location.airport_code(), m["destination"].as_str());
                assert_eq!(master.shipment.pieces.len() as u64, m["pieces"].as_u64().unwrap());
                let gross = master.shipment.total_gross_weight.decimal().unwrap();
                assert_eq!(gross, w.consignment.quantity.weight.value, "{number}");
                // The flights API gives the exact grams; the waybills round each bag up to 0.1 kg.
                let exact: Decimal = m["grossKg"].to_string().parse().unwrap();
                assert!(
                    gross >= exact && gross - exact < Decimal::new(1, 1) * Decimal::from(h.houses.len()),
                    "{number}"
                );
                let hawbs: Vec<&str> = master.house_waybills.iter().map(|x| x.waybill_number.as_str()).collect();
                assert_eq!(hawbs, h.houses.iter().map(|x| x.hawb.as_str()).collect::<Vec<_>>());
                let houses: Decimal =
                    master.house_waybills.iter().map(|x| x.shipment.total_gross_weight.decimal().unwrap()).sum();
                assert_eq!(houses, gross, "{number}: the JSON-LD's houses add up to its master");
                // Each bag holds its parcels: the lists on the MAWB, by logistics number.
                let mut inside: Vec<&str> = master
                    .house_waybills
                    .iter()
                    .flat_map(|x| &x.shipment.pieces)
                    .flat_map(|p| &p.contained_pieces)
                    .map(|c| c.other_identifiers[0].value.as_str())
                    .collect();
                let mut listed: Vec<&str> =
                    m["lists"].as_array().unwrap().iter().map(|l| l["logisticsNo"].as_str().unwrap()).collect();
                inside.sort_unstable();
                listed.sort_unstable();
                assert_eq!(inside, listed, "{number}: the parcels in its bags are the lists on it");
                documents += 3;
            }
            if !f["mawbs"].as_array().unwrap().is_empty() {
                let (status, text) = server.get(Some(ADMIN), &format!("/api/v1/flights/{flight_no}/{date}/ffm"));
                assert_eq!(status, 200, "{text}");
                let manifest = ffm::read(&text).unwrap_or_else(|e| panic!("{flight_no} FFM: {e}\n{text}"));
                assert_eq!(manifest.flight, flight_no);
                let built: usize = manifest.points.iter().map(|p| p.ulds.len()).sum();
                assert_eq!(built, ulds.len());
                assert_eq!(ffm::write(&manifest).unwrap(), text);
                documents += 1;
            }
        }
    }
    assert!(departed_flights >= 20, "{departed_flights} of {flights} flights departed");
    assert!(scheduled > 0, "no flight after the week's last message is listed as scheduled");
    assert!(departed_lists.len() >= 200, "only {} lists departed", departed_lists.len());
    assert!(documents > 40);

    // Every list on a departed flight is 899, over the API an integrator uses.
    for key in &departed_lists {
        let (status, body) =
            server.get(Some(ADMIN), &format!("/api/v1/inventories/{}?ebcCode={}", key.cop_no, key.ebc_code));
        assert_eq!(status, 200, "{body}");
        assert_eq!(json(&body)["returnStatus"], 899, "{key:?}");
    }

    // The contract's errors.
    let (status, body) = server.get(Some(ADMIN), "/api/v1/flights?date=2026-13-01");
    assert_eq!((status, json(&body)["code"].as_str()), (400, Some("bad_date")), "{body}");
    let (status, body) = server.get(Some(ADMIN), "/api/v1/mawbs/071-10000004/fwb");
    assert_eq!((status, json(&body)["code"].as_str()), (400, Some("bad_mawb")), "{body}");
    let (status, body) = server.get(Some(ADMIN), "/api/v1/mawbs/071-99999992/fwb");
    assert_eq!((status, json(&body)["code"].as_str()), (404, Some("unknown_mawb")), "{body}");
    let (status, body) = one_record(&server, ADMIN, "071-10000004").unwrap_err();
    assert_eq!((status, json(&body)["code"].as_str()), (400, Some("bad_mawb")), "{body}");
    let (status, body) = one_record(&server, ADMIN, "071-99999992").unwrap_err();
    assert_eq!((status, json(&body)["code"].as_str()), (404, Some("unknown_mawb")), "{body}");

    // An enterprise sees its own lists and MAWBs only.
    let mut own = 0;
    let mut own_parcels: BTreeSet<String> = BTreeSet::new();
    for d in 0..20 {
        let date = (week_start() + Duration::days(d)).to_string();
        let (status, body) = server.get(Some(&shop), &format!("/api/v1/flights?date={date}"));
        assert_eq!(status, 200, "{body}");
        for f in json(&body)["flights"].as_array().unwrap() {
            for m in f["mawbs"].as_array().unwrap() {
                let lists = m["lists"].as_array().unwrap();
                assert!(!lists.is_empty());
                assert!(lists.iter().all(|l| l["ebcCode"] == exporter.as_str()), "{m}");
                own += lists.len();
                own_parcels.extend(lists.iter().map(|l| l["logisticsNo"].as_str().unwrap().to_owned()));
            }
        }
    }
    let theirs = on_flight.iter().find(|(k, _)| k.ebc_code != exporter).map(|(_, (_, m))| m.clone()).unwrap();
    let mine: BTreeSet<&str> =
        on_flight.iter().filter(|(k, _)| k.ebc_code == exporter).map(|(_, (_, m))| m.as_str()).collect();
    if !mine.contains(theirs.as_str()) {
        assert_eq!(server.get(Some(&shop), &format!("/api/v1/mawbs/{theirs}/fwb")).0, 404);
        assert_eq!(one_record(&server, &shop, &theirs).unwrap_err().0, 404);
    }
    let own_mawb = mine.iter().next().expect("the exporter has lists on some MAWB");
    let doc = one_record(&server, &shop, own_mawb).expect("an exporter reads its own MAWB's JSON-LD");
    let bags = doc.master.house_waybills.iter().flat_map(|x| &x.shipment.pieces);
    let parcels: Vec<&str> =
        bags.flat_map(|p| &p.contained_pieces).map(|c| c.other_identifiers[0].value.as_str()).collect();
    assert!(!parcels.is_empty());
    assert!(parcels.iter().all(|p| own_parcels.contains(*p)), "{own_mawb}: an exporter sees its own parcels only");
    assert_eq!(own, on_flight.keys().filter(|k| k.ebc_code == exporter).count());
    // The month's summary declarations, as an officer sees them (every exporter).
    let (status, body) = server.get(Some(ADMIN), "/api/v1/summaries?month=2026-11");
    assert_eq!(status, 200, "{body}");
    let month = json(&body);
    drop(server);

    // Every released list that arrived: on exactly one flight, or it says why not.
    let store = greenlane_store::open(data).unwrap();
    let mut r = store.read().unwrap();
    let quiet_from = MessageTime::parse_app_time("20261123000000").unwrap();
    let (mut arrived, mut with_reason) = (0, 0);
    for row in every_list(&mut *r) {
        if !matches!(row.status, ListStatus::Arrived | ListStatus::Departed) {
            continue;
        }
        arrived += 1;
        let key = &row.list.key;
        let parcel = r.cargo_parcel(key).unwrap().unwrap_or_else(|| panic!("{key:?} arrived but is not in cargo"));
        match parcel.state {
            CargoState::Departed | CargoState::Loaded => {
                assert!(on_flight.contains_key(key), "{key:?} is {:?} but on no flight served", parcel.state);
                assert_eq!(row.status == ListStatus::Departed, parcel.state == CargoState::Departed, "{key:?}");
            }
            CargoState::Unflown | CargoState::Withdrawn => {
                assert!(!parcel.reasons.is_empty(), "{key:?} is not flown and says not why");
                assert!(!on_flight.contains_key(key));
                with_reason += 1;
            }
            CargoState::Waiting => {
                // Still waiting only if it came in the quiet week, or says why it missed.
                assert!(
                    row.received_at >= quiet_from || !parcel.reasons.is_empty(),
                    "{key:?} of the week under test is still waiting without a reason"
                );
                assert!(!on_flight.contains_key(key));
            }
        }
    }
    eprintln!(
        "week: {} messages, {flights} flights ({departed_flights} departed), {} lists on flights \
         ({} departed, 899), {arrived} arrived lists, {with_reason} not flown with a reason, {documents} documents re-read",
        messages.len(),
        on_flight.len(),
        departed_lists.len()
    );
    assert!(arrived >= 300, "only {arrived} lists arrived");
    assert!(with_reason > 0, "some parcels go to countries no route serves");
    assert_eq!(
        on_flight.len(),
        r.cargo_parcels_in(CargoState::Departed, None).unwrap().len()
            + r.cargo_parcels_in(CargoState::Loaded, None).unwrap().len()
    );
    summaries_add_up(&month, &mut *r);
}

/// `GET /api/v1/mawbs/{number}/onerecord`: the document, served as JSON-LD, or the status and body
/// of the refusal.
fn one_record(server: &Server, token: &str, number: &str) -> Result<Document, (u16, String)> {
    let mut response = common::agent()
        .get(format!("{}/api/v1/mawbs/{number}/onerecord", server.base))
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    let status = response.status().as_u16();
    let media = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = response.body_mut().read_to_string().unwrap();
    if status != 200 {
        return Err((status, body));
    }
    assert_eq!(media.as_deref(), Some(onerecord::MEDIA_TYPE), "{number}");
    Ok(Document::from_json(&body).unwrap_or_else(|e| panic!("{number} JSON-LD: {e}\n{body}")))
}

/// Each declaration of the month (accepted or draft) holds departed lists only, no list is in
/// two, and its lines add up exactly to the lists behind it: value and quantity per currency,
/// gross and net weight.
fn summaries_add_up(month: &serde_json::Value, r: &mut dyn greenlane_store::ReadTx) {
    let lists: BTreeMap<String, greenlane_store::ListRow> =
        every_list(r).into_iter().filter_map(|row| Some((row.list.invt_no.clone()?, row))).collect();
    let decimal = |v: &serde_json::Value| -> Decimal { v.as_str().unwrap_or_else(|| panic!("{v}")).parse().unwrap() };
    let mut seen = BTreeSet::new();
    let mut declarations = 0;
    for exporter in month["exporters"].as_array().unwrap() {
        let accepted =
            exporter["summaries"].as_array().unwrap().iter().flat_map(|s| s["declarations"].as_array().unwrap());
        for declaration in accepted.chain(exporter["draft"].as_array().unwrap()) {
            declarations += 1;
            let (mut value, mut qty) = (BTreeMap::new(), BTreeMap::new());
            let (mut gross, mut net) = (Decimal::ZERO, Decimal::ZERO);
            for invt_no in declaration["invtNos"].as_array().unwrap() {
                let invt_no = invt_no.as_str().unwrap();
                assert!(seen.insert(invt_no.to_owned()), "{invt_no} is in two declarations");
                let row = &lists[invt_no];
                assert_eq!(row.status, ListStatus::Departed, "{invt_no} is summarised before departing");
                gross += row.list.gross_weight;
                net += row.list.net_weight;
                for item in &row.list.items {
                    *value.entry(item.currency.clone()).or_insert(Decimal::ZERO) += item.total_price;
                    *qty.entry(item.currency.clone()).or_insert(Decimal::ZERO) += item.qty;
                }
            }
            let (mut line_value, mut line_qty) = (BTreeMap::new(), BTreeMap::new());
            let (mut line_gross, mut line_net) = (Decimal::ZERO, Decimal::ZERO);
            for line in declaration["lines"].as_array().unwrap() {
                let currency = line["currency"].as_str().unwrap().to_owned();
                *line_value.entry(currency.clone()).or_insert(Decimal::ZERO) += decimal(&line["value"]);
                *line_qty.entry(currency).or_insert(Decimal::ZERO) += decimal(&line["qty"]);
                line_gross += decimal(&line["grossWeight"]);
                line_net += decimal(&line["netWeight"]);
            }
            assert_eq!(line_value, value, "values of {declaration}");
            assert_eq!(line_qty, qty, "quantities of {declaration}");
            assert_eq!((line_gross, line_net), (gross, net), "weights of {declaration}");
            assert_eq!(decimal(&declaration["grossWeight"]), gross, "{declaration}");
        }
    }
    assert!(declarations > 0, "no list departed in the month: {month}");
    eprintln!("summaries: {declarations} declarations over {} departed lists add up exactly", seen.len());
}

/// Every list in the store, in key order.
fn every_list(r: &mut dyn greenlane_store::ReadTx) -> Vec<greenlane_store::ListRow> {
    let mut all = Vec::new();
    loop {
        let page = r.lists_after(all.last().map(|row: &greenlane_store::ListRow| &row.list.key), 500).unwrap();
        if page.is_empty() {
            return all;
        }
        all.extend(page);
    }
}
