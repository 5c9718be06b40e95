//! The export flow's rules as scenarios (`support/scenarios.rs`): messages in, sent through a
//! real pipeline on a fresh SQLite store, every receipt (validated against the official XSD) and
//! the resulting decisions out, compared with `tests/data/scenarios/*.txt`; `UPDATE_EXPECT=1`
//! regenerates them. The binary's tests run the same scenarios over HTTP.

mod support;

use greenlane_ceb::Message;
use greenlane_pipeline::Config;
use support::scenarios::{self, transcript_path};
use support::*;

#[test]
fn every_scenario_gives_its_transcript() {
    for s in scenarios::all() {
        let mut h = Harness::new(Config {
            closed_registry: s.closed_registry,
            pending_ttl_seconds: s.pending_ttl_hours * 3600,
            ..Config::default()
        });
        let mut transcript = String::new();
        for (what, bytes) in &s.steps {
            transcript.push_str(&format!("{what}\n  -> {}\n", h.send_bytes(bytes.clone())));
        }
        transcript.push_str("decisions:\n");
        for cop in &s.lists {
            transcript.push_str(&format!("  {cop}: {}\n", h.decision(cop)));
        }
        expect_test::expect_file![transcript_path(s.name)].assert_eq(&transcript);
    }
}

const T0: &str = "20261129100000";
const T1: &str = "20261129100500";
const T2: &str = "20261129101000";

fn parcel_list(cop: &str, order_no: &str, logistics_no: &str, time: &str) -> Message {
    list(cop, "1", time, order_no, logistics_no, &[earphones(), phone_case("2")], "0.35", 1)
}

#[test]
fn replaying_the_same_traffic_into_a_fresh_store_gives_the_same_receipts_and_decisions() {
    let traffic = [
        parcel_list("C020", "SZ020", "SF020", T0),
        order("SZ020", "1", T1, &[earphones(), phone_case("2")]),
        waybill("SF020", "1", T2, "0.35", 1),
        order("SZ021", "1", T0, &[earphones()]),
        waybill("SF021", "1", T0, "9.9", 1),
        list("C021", "1", T1, "SZ021", "SF021", &[earphones()], "0.2", 1),
    ];
    let run = || {
        let mut h = Harness::new(Config::default());
        let receipts: Vec<String> = traffic.iter().map(|m| h.send(m)).collect();
        (receipts, h.decision("C020"), h.decision("C021"))
    };
    assert_eq!(run(), run());
}
