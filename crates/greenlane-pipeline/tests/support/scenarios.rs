//! The export flow's rules as scenarios, written once and run two ways: in process through a
//! pipeline (`greenlane-pipeline/tests/scenarios.rs`) and over HTTP through the real binary
//! (`greenlane/tests/http.rs`). Both must produce the transcript in
//! `greenlane-pipeline/tests/data/scenarios/NAME.txt`.

use super::*;
use greenlane_ceb::Message;

/// Messages in order, with what each one is, and the lists whose decisions end the transcript.
pub struct Scenario {
    pub name: &'static str,
    pub closed_registry: bool,
    pub pending_ttl_hours: i64,
    pub steps: Vec<(&'static str, Vec<u8>)>,
    pub lists: Vec<&'static str>,
}

const T0: &str = "20261129100000";
const T1: &str = "20261129100500";
const T2: &str = "20261129101000";
const T3: &str = "20261129120000";
const T4: &str = "20261129180000";

fn parcel_list(cop: &str, order_no: &str, logistics_no: &str, time: &str) -> Message {
    list(cop, "1", time, order_no, logistics_no, &[earphones(), phone_case("2")], "0.35", 1)
}

fn scenario(name: &'static str, steps: Vec<(&'static str, Message)>, lists: &[&'static str]) -> Scenario {
    Scenario {
        name,
        closed_registry: false,
        pending_ttl_hours: 72,
        steps: steps.into_iter().map(|(what, m)| (what, xml(&m))).collect(),
        lists: lists.to_vec(),
    }
}

fn sample(name: &str) -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../greenlane-ceb/tests/data/samples-2018");
    std::fs::read(dir.join(name)).unwrap()
}

/// Every scenario.
pub fn all() -> Vec<Scenario> {
    vec![
        {
            let mut s = scenario(
                "green_in_order",
                vec![
                    ("order SZ001", order("SZ001", "1", T0, &[earphones(), phone_case("2")])),
                    ("waybill SF001", waybill("SF001", "1", T1, "0.35", 1)),
                    ("list C001", parcel_list("C001", "SZ001", "SF001", T2)),
                ],
                &["C001"],
            );
            s.closed_registry = false;
            s
        },
        {
            let mut s = scenario(
                "out_of_order",
                vec![
                    ("list C002 before its order and waybill", parcel_list("C002", "SZ002", "SF002", T0)),
                    ("waybill SF002", waybill("SF002", "1", T1, "0.35", 1)),
                    ("order SZ002, the last document", order("SZ002", "1", T2, &[earphones(), phone_case("2")])),
                ],
                &["C002"],
            );
            s.closed_registry = false;
            s
        },
        {
            let mut s = scenario(
                "mismatches",
                vec![
                    ("order SZ003: two phone cases", order("SZ003", "1", T0, &[earphones(), phone_case("2")])),
                    ("waybill SF003: 1.2 kg, two packages", waybill("SF003", "1", T0, "1.2", 2)),
                    (
                        "list C003: three cases, 0.35 kg, one package",
                        list("C003", "1", T1, "SZ003", "SF003", &[earphones(), phone_case("3")], "0.35", 1),
                    ),
                ],
                &["C003"],
            );
            s.closed_registry = false;
            s
        },
        {
            let mut s = scenario(
                "duplicates",
                vec![
                    ("order SZ004", order("SZ004", "1", T0, &[earphones()])),
                    ("the same order, sent again byte for byte", order("SZ004", "1", T0, &[earphones()])),
                    ("another order with the same number", order("SZ004", "1", T1, &[earphones()])),
                    ("waybill SF004", waybill("SF004", "1", T0, "0.2", 1)),
                    ("another waybill with the same number", waybill("SF004", "1", T1, "0.2", 1)),
                    ("list C004", list("C004", "1", T1, "SZ004", "SF004", &[earphones()], "0.2", 1)),
                    ("list C004 again, new content", list("C004", "1", T2, "SZ004", "SF004", &[earphones()], "0.2", 1)),
                    (
                        "a second list C005 on the same order",
                        list("C005", "1", T2, "SZ004", "SF005", &[earphones()], "0.2", 1),
                    ),
                ],
                &["C004", "C005"],
            );
            s.closed_registry = false;
            s
        },
        {
            let mut s = scenario(
                "change_and_delete",
                vec![
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
                    (
                        "list C006 changed after its decision",
                        list("C006", "2", T3, "SZ006", "SF006", &[earphones()], "0.4", 1),
                    ),
                    ("order SZ007 to delete", order("SZ007", "1", T0, &[earphones()])),
                    ("order SZ007 deleted", order("SZ007", "3", T1, &[earphones()])),
                    ("order SZ008 never sent, deleted", order("SZ008", "3", T1, &[earphones()])),
                    (
                        "list C009 pending, then deleted",
                        list("C009", "1", T1, "SZ009", "SF009", &[earphones()], "0.2", 1),
                    ),
                    ("list C009 deleted", list("C009", "3", T2, "SZ009", "SF009", &[earphones()], "0.2", 1)),
                ],
                &["C006", "C009"],
            );
            s.closed_registry = false;
            s
        },
        {
            let mut s = scenario(
                "arrival_departure",
                vec![
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
            s.closed_registry = false;
            s
        },
        {
            let mut s = scenario(
                "cancellation",
                vec![
                    ("order SZ011", order("SZ011", "1", T0, &[earphones()])),
                    ("waybill SF011", waybill("SF011", "1", T0, "0.2", 1)),
                    ("list C011", list("C011", "1", T0, "SZ011", "SF011", &[earphones()], "0.2", 1)),
                    ("cancel C011", cancel("C011", T1)),
                    ("cancel C011 again", cancel("C011", T2)),
                    ("cancel a list that does not exist", cancel("C404", T2)),
                    (
                        "a new list C012 on the freed order",
                        list("C012", "1", T2, "SZ011", "SF011", &[earphones()], "0.2", 1),
                    ),
                ],
                &["C011", "C012"],
            );
            s.closed_registry = false;
            s
        },
        {
            let mut s = scenario(
                "expiry",
                vec![
                    (
                        "list C013 whose order never comes",
                        list("C013", "1", T0, "SZ013", "SF013", &[earphones()], "0.2", 1),
                    ),
                    ("waybill SF013", waybill("SF013", "1", T1, "0.2", 1)),
                    ("eight hours later, any message moves the clock", order("SZ014", "1", T4, &[earphones()])),
                ],
                &["C013"],
            );
            s.pending_ttl_hours = 4;
            s.closed_registry = false;
            s
        },
        {
            let mut s = scenario(
                "closed_registry",
                vec![("order from an unregistered platform", order("SZ015", "1", T0, &[earphones()]))],
                &[],
            );
            s.closed_registry = true;
            s
        },
        Scenario {
            name: "refused",
            closed_registry: false,
            pending_ttl_hours: 72,
            steps: vec![
                ("not XML", b"hello".to_vec()),
                ("an XML bomb", b"<!DOCTYPE x [<!ENTITY a \"a\">]><x>&a;</x>".to_vec()),
                ("a receipt (CEB304)", sample("CEB304Message.xml")),
                ("an import order (CEB311)", sample("CEB311Message.xml")),
                ("a list with a placeholder ieFlag", sample("CEB603Message.xml")),
            ],
            lists: vec![],
        },
    ]
}

/// One line per answer: `200 CEB604 [800] 放行 released`, `… (replay) …`, or `400 CEB900 [code]`.
pub fn describe_answer(http_status: u16, body: &str, replay: bool) -> String {
    assert_schema_valid(body);
    let infos: Vec<&str> =
        body.split("<ceb:returnInfo>").skip(1).filter_map(|s| s.split("</ceb:returnInfo>").next()).collect();
    if body.contains("CEB900Message") {
        let code =
            infos.first().and_then(|i| i.split_once('[')).and_then(|(_, r)| r.split_once(']')).map_or("?", |(c, _)| c);
        return format!("{http_status} CEB900 [{code}]");
    }
    let receipt = ["CEB304", "CEB404", "CEB506", "CEB508", "CEB510", "CEB604", "CEB606", "CEB608", "CEB702"]
        .into_iter()
        .find(|r| body.contains(&format!("{r}Message")))
        .unwrap_or("?");
    let statuses: Vec<i32> = body
        .split("<ceb:returnStatus>")
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .filter_map(|s| s.parse().ok())
        .collect();
    let replay = if replay { " (replay)" } else { "" };
    format!("{http_status} {receipt} {statuses:?}{replay} {}", infos.join(" | "))
}

/// The decision of a list as the transcripts show it: `lane returnStatus [reason codes] invt_no=…`.
pub fn describe_decision(decision: Option<&greenlane_core::Decision>) -> String {
    match decision {
        None => "no such list".into(),
        Some(d) => {
            let reasons: Vec<&str> = d.reasons.iter().map(|r| r.code.as_str()).collect();
            let invt_no = d.invt_no.clone().unwrap_or_default();
            format!("{} {} {reasons:?} invt_no={invt_no}", d.lane.as_str(), d.return_status)
        }
    }
}

/// Where a scenario's transcript is kept.
pub fn transcript_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../greenlane-pipeline/tests/data/scenarios")
        .join(format!("{name}.txt"))
}
