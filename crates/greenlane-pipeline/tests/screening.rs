//! The pipeline screens every parcel's parties against the lists in force: a buyer resembling a
//! listed entry holds the parcel with the match in its reasons, and once an officer finds that
//! party compliant the same party is not stopped again for the same entry.

mod support;

use greenlane_ceb::{Consignee, ExtendPayload, Message, export};
use greenlane_core::risk::DocumentRules;
use greenlane_core::{InspectionOutcome, ListKey};
use greenlane_pipeline::{InspectionRequest, Lists, Pipeline, Prepared};
use greenlane_store::{SqliteStore, Store};
use std::sync::Arc;
use support::*;

fn lists() -> Arc<Lists> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lists");
    Arc::new(Lists::load(&folder).unwrap())
}

/// An order whose buyer abroad is `name`.
fn order_to(order_no: &str, name: &str, country: &str) -> Message {
    let mut message = order(order_no, "1", "20261129100100", &[earphones()]);
    let Message::Ceb303(m) = &mut message else { unreachable!() };
    m.extend_message = Some(export::ExtendMessage {
        name: "consignee".into(),
        version: "1.0".into(),
        message: ExtendPayload::Consignees(vec![Consignee {
            order_no: order_no.into(),
            name: name.into(),
            address: "ul. Tverskaya 1, Moscow".into(),
            country: country.into(),
            telephone: None,
        }]),
    });
    message
}

fn parcel(n: u32, buyer: &str) -> Vec<Message> {
    let (order_no, logistics_no, cop) = (format!("SZ{n:04}"), format!("SF{n:04}"), format!("C{n:04}"));
    vec![
        list(&cop, "1", "20261129100000", &order_no, &logistics_no, &[earphones()], "0.2", 1),
        order_to(&order_no, buyer, "RU"),
        waybill(&logistics_no, "1", "20261129100200", "0.2", 1),
    ]
}

fn send_all(pipeline: &mut Pipeline, messages: &[Message]) {
    let prepared: Vec<Prepared> = messages.iter().map(|m| Prepared::new(xml(m))).collect();
    pipeline.apply(&prepared).unwrap();
}

fn decision(store: &dyn Store, cop: &str) -> greenlane_core::Decision {
    let key = ListKey { ebc_code: EBC.into(), cop_no: cop.into() };
    store.read().unwrap().get_list(&key).unwrap().unwrap().decision()
}

#[test]
fn a_listed_buyer_is_held_and_a_cleared_one_is_not_stopped_again_for_the_same_entry() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let lists = lists();
    let mut pipeline = Pipeline::new(store.clone(), Box::new(DocumentRules), Default::default())
        .unwrap()
        .with_lists(lists.clone())
        .unwrap();

    // Reordered, in Cyrillic, and an ordinary name.
    send_all(&mut pipeline, &parcel(1, "Sidorov Ivan Petrovich"));
    send_all(&mut pipeline, &parcel(2, "Иван Петрович Сидоров"));
    send_all(&mut pipeline, &parcel(3, "Maria Ivanova"));
    for cop in ["C0001", "C0002"] {
        let d = decision(&*store, cop);
        assert_eq!((d.lane.as_str(), d.return_status), ("hold", 600), "{d:?}");
        let reason = d.reasons.iter().find(|r| r.code == "screening.denied_party").expect("the match is a reason");
        assert!(reason.message.contains("W-1") && reason.message.contains("watch"), "{reason:?}");
    }
    assert_eq!(decision(&*store, "C0003").lane.as_str(), "green");

    // The officer finds the first buyer is someone else: released, and the party cleared of W-1.
    let request = InspectionRequest {
        list: ListKey { ebc_code: EBC.into(), cop_no: "C0001".into() },
        outcome: InspectionOutcome::Compliant,
        note: "a different Ivan Sidorov: passport checked".into(),
        officer: "officer-li".into(),
    };
    let released = pipeline.inspect(&request).unwrap().unwrap();
    assert_eq!(released.return_status, 800);
    assert_eq!(store.read().unwrap().clearances().unwrap().len(), 1);

    // The same buyer again: not stopped for W-1. The Cyrillic spelling is another party name.
    send_all(&mut pipeline, &parcel(4, "Sidorov Ivan Petrovich"));
    assert_eq!(decision(&*store, "C0004").lane.as_str(), "green");
    send_all(&mut pipeline, &parcel(5, "Иван Петрович Сидоров"));
    assert_eq!(decision(&*store, "C0005").lane.as_str(), "hold");

    // The clearance survives a restart of the pipeline.
    drop(pipeline);
    let mut pipeline =
        Pipeline::new(store.clone(), Box::new(DocumentRules), Default::default()).unwrap().with_lists(lists).unwrap();
    send_all(&mut pipeline, &parcel(6, "sidorov  ivan petrovich"));
    assert_eq!(decision(&*store, "C0006").lane.as_str(), "green");
}

#[test]
fn without_lists_nothing_is_screened() {
    let mut harness = Harness::new(Default::default());
    for m in parcel(1, "Ivan Petrovich Sidorov") {
        harness.send(&m);
    }
    let decision = harness.decision("C0001");
    assert!(!decision.starts_with("hold") && !decision.contains("screening"), "{decision}");
}
