//! The export flow's rules as scenarios: messages in (built in realistic form, sent through a real
//! pipeline on a fresh SQLite store), every receipt (validated against the official XSD) and the
//! resulting decisions out, compared with `tests/data/scenarios/*.txt`; `UPDATE_EXPECT=1`
//! regenerates them.

mod support;

use greenlane_ceb::Message;
use greenlane_pipeline::Config;
use support::*;

/// Runs the steps and compares the transcript with the scenario's file.
fn scenario(name: &str, config: Config, steps: &[(&str, Message)], lists: &[&str]) {
    let mut h = Harness::new(config);
    let mut transcript = String::new();
    for (what, message) in steps {
        transcript.push_str(&format!("{what}\n  -> {}\n", h.send(message)));
    }
    transcript.push_str("decisions:\n");
    for cop in lists {
        transcript.push_str(&format!("  {cop}: {}\n", h.decision(cop)));
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/data/scenarios/{name}.txt"));
    expect_test::expect_file![path].assert_eq(&transcript);
}

const T0: &str = "20261129100000";
const T1: &str = "20261129100500";
const T2: &str = "20261129101000";
const T3: &str = "20261129120000";
const T4: &str = "20261129180000";

fn parcel_list(cop: &str, order_no: &str, logistics_no: &str, time: &str) -> Message {
    list(cop, "1", time, order_no, logistics_no, &[earphones(), phone_case("2")], "0.35", 1)
}

#[test]
fn green_release_in_document_order() {
    scenario(
        "green_in_order",
        Config::default(),
        &[
            ("order SZ001", order("SZ001", "1", T0, &[earphones(), phone_case("2")])),
            ("waybill SF001", waybill("SF001", "1", T1, "0.35", 1)),
            ("list C001", parcel_list("C001", "SZ001", "SF001", T2)),
        ],
        &["C001"],
    );
}

#[test]
fn documents_arrive_in_any_order_and_the_last_one_decides() {
    scenario(
        "out_of_order",
        Config::default(),
        &[
            ("list C002 before its order and waybill", parcel_list("C002", "SZ002", "SF002", T0)),
            ("waybill SF002", waybill("SF002", "1", T1, "0.35", 1)),
            ("order SZ002, the last document", order("SZ002", "1", T2, &[earphones(), phone_case("2")])),
        ],
        &["C002"],
    );
}

#[test]
fn mismatched_documents_go_to_review_or_are_refused() {
    scenario(
        "mismatches",
        Config::default(),
        &[
            ("order SZ003: two phone cases", order("SZ003", "1", T0, &[earphones(), phone_case("2")])),
            ("waybill SF003: 1.2 kg, two packages", waybill("SF003", "1", T0, "1.2", 2)),
            (
                "list C003: three cases, 0.35 kg, one package",
                list("C003", "1", T1, "SZ003", "SF003", &[earphones(), phone_case("3")], "0.35", 1),
            ),
        ],
        &["C003"],
    );
}

#[test]
fn duplicates_are_answered_with_the_official_codes() {
    let o = order("SZ004", "1", T0, &[earphones()]);
    scenario(
        "duplicates",
        Config::default(),
        &[
            ("order SZ004", o.clone()),
            ("the same order, sent again byte for byte", o),
            ("another order with the same number", order("SZ004", "1", T1, &[earphones()])),
            ("waybill SF004", waybill("SF004", "1", T0, "0.2", 1)),
            ("another waybill with the same number", waybill("SF004", "1", T1, "0.2", 1)),
            ("list C004", list("C004", "1", T1, "SZ004", "SF004", &[earphones()], "0.2", 1)),
            ("list C004 again, new content", list("C004", "1", T2, "SZ004", "SF004", &[earphones()], "0.2", 1)),
            ("a second list C005 on the same order", list("C005", "1", T2, "SZ004", "SF005", &[earphones()], "0.2", 1)),
        ],
        &["C004", "C005"],
    );
}

#[test]
fn change_and_delete_follow_the_spec() {
    scenario(
        "change_and_delete",
        Config::default(),
        &[
            ("order SZ006", order("SZ006", "1", T0, &[earphones()])),
            ("order SZ006 changed before any list", order("SZ006", "2", T1, &[earphones(), phone_case("1")])),
            (
                "list C006 waits for its waybill",
                list("C006", "1", T1, "SZ006", "SF006", &[earphones(), phone_case("1")], "0.3", 1),
            ),
            ("order SZ006 changed after its list", order("SZ006", "2", T2, &[earphones()])),
            (
                "list C006 changed while pending",
                list("C006", "2", T2, "SZ006", "SF006", &[earphones(), phone_case("1")], "0.4", 1),
            ),
            ("waybill SF006 completes the parcel", waybill("SF006", "1", T2, "0.4", 1)),
            ("list C006 changed after its decision", list("C006", "2", T3, "SZ006", "SF006", &[earphones()], "0.4", 1)),
            ("order SZ007 to delete", order("SZ007", "1", T0, &[earphones()])),
            ("order SZ007 deleted", order("SZ007", "3", T1, &[earphones()])),
            ("order SZ008 never sent, deleted", order("SZ008", "3", T1, &[earphones()])),
            ("list C009 pending, then deleted", list("C009", "1", T1, "SZ009", "SF009", &[earphones()], "0.2", 1)),
            ("list C009 deleted", list("C009", "3", T2, "SZ009", "SF009", &[earphones()], "0.2", 1)),
        ],
        &["C006", "C009"],
    );
}

#[test]
fn a_released_parcel_arrives_departs_and_is_cleared() {
    scenario(
        "arrival_departure",
        Config::default(),
        &[
            ("order SZ010", order("SZ010", "1", T0, &[earphones()])),
            ("waybill SF010", waybill("SF010", "1", T0, "0.2", 1)),
            ("list C010", list("C010", "1", T0, "SZ010", "SF010", &[earphones()], "0.2", 1)),
            ("departure before arrival", departure(T2, &["SF010"])),
            ("arrival at the airport", arrival(T1, &["SF010"])),
            ("arrival of an unknown waybill", arrival(T1, &["SF999"])),
            ("departure, sent again after the arrival: cleared", departure(T3, &["SF010"])),
            ("the same departure message once more", departure(T3, &["SF010"])),
            ("cancellation after departure", cancel("C010", T4)),
        ],
        &["C010"],
    );
}

#[test]
fn a_list_can_be_cancelled_until_departure() {
    scenario(
        "cancellation",
        Config::default(),
        &[
            ("order SZ011", order("SZ011", "1", T0, &[earphones()])),
            ("waybill SF011", waybill("SF011", "1", T0, "0.2", 1)),
            ("list C011", list("C011", "1", T0, "SZ011", "SF011", &[earphones()], "0.2", 1)),
            ("cancel C011", cancel("C011", T1)),
            ("cancel C011 again", cancel("C011", T2)),
            ("cancel a list that does not exist", cancel("C404", T2)),
            ("a new list C012 on the freed order", list("C012", "1", T2, "SZ011", "SF011", &[earphones()], "0.2", 1)),
        ],
        &["C011", "C012"],
    );
}

#[test]
fn waiting_lists_expire_on_message_time() {
    scenario(
        "expiry",
        Config { pending_ttl_seconds: 4 * 3600, ..Config::default() },
        &[
            ("list C013 whose order never comes", list("C013", "1", T0, "SZ013", "SF013", &[earphones()], "0.2", 1)),
            ("waybill SF013", waybill("SF013", "1", T1, "0.2", 1)),
            ("eight hours later, any message moves the clock", order("SZ014", "1", T4, &[earphones()])),
        ],
        &["C013"],
    );
}

#[test]
fn a_closed_registry_refuses_unknown_enterprises() {
    scenario(
        "closed_registry",
        Config { closed_registry: true, ..Config::default() },
        &[("order from an unregistered platform", order("SZ015", "1", T0, &[earphones()]))],
        &[],
    );
}

#[test]
fn what_is_not_a_ceb_input_is_refused_with_a_ceb900() {
    let mut h = Harness::new(Config::default());
    let mut transcript = String::new();
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../greenlane-ceb/tests/data/samples-2018");
    for (what, bytes) in [
        ("not XML", b"hello".to_vec()),
        ("an XML bomb", b"<!DOCTYPE x [<!ENTITY a \"a\">]><x>&a;</x>".to_vec()),
        ("a receipt (CEB304)", std::fs::read(samples.join("CEB304Message.xml")).unwrap()),
        ("an import order (CEB311)", std::fs::read(samples.join("CEB311Message.xml")).unwrap()),
        ("a list with a placeholder ieFlag", std::fs::read(samples.join("CEB603Message.xml")).unwrap()),
    ] {
        transcript.push_str(&format!("{what}\n  -> {}\n", h.send_bytes(bytes)));
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/scenarios/refused.txt");
    expect_test::expect_file![path].assert_eq(&transcript);
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
