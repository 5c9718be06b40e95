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
        scenario(
            "access",
            vec![
                ("order SZ050", order("SZ050", "1", T0, &[earphones()])),
                ("waybill SF050", waybill("SF050", "1", T0, "0.2", 1)),
                ("list C050 filed by agent AG1", list("C050", "1", T0, "SZ050", "SF050", &[earphones()], "0.2", 1)),
                (
                    "cancel of C050 by agent AG2, neither its exporter nor its filer",
                    with_agent(cancel("C050", T1), AGENT2),
                ),
                (
                    "change of C050 by agent AG2: refused without telling its lane",
                    with_agent(list("C050", "2", T1, "SZ050", "SF050", &[earphones()], "0.2", 1), AGENT2),
                ),
                ("cancel of C050 by its filer", cancel("C050", T2)),
                (
                    "list C051 on the freed order, filed by AG2 (the open registry believes the declared agent)",
                    with_agent(list("C051", "1", T2, "SZ050", "SF050", &[earphones()], "0.2", 1), AGENT2),
                ),
                ("cancel of C051 by AG1, which filed C050 but not C051", cancel("C051", T3)),
            ],
            &["C050", "C051"],
        ),
        scenario(
            "review_lane",
            vec![
                ("order SZ060: two phone cases", order("SZ060", "1", T0, &[earphones(), phone_case("2")])),
                ("waybill SF060: 1.2 kg, two packages", waybill("SF060", "1", T0, "1.2", 2)),
                (
                    "list C060: three cases, 0.35 kg, one package",
                    list("C060", "1", T1, "SZ060", "SF060", &[earphones(), phone_case("3")], "0.35", 1),
                ),
                ("cancel of C060 while an officer holds it", cancel("C060", T2)),
                (
                    "change of C060 while an officer holds it",
                    list("C060", "2", T2, "SZ060", "SF060", &[earphones(), phone_case("2")], "1.2", 2),
                ),
                (
                    "delete of C060 while an officer holds it",
                    list("C060", "3", T3, "SZ060", "SF060", &[earphones(), phone_case("2")], "1.2", 2),
                ),
            ],
            &["C060"],
        ),
        scenario(
            "impossible_values",
            vec![
                ("order SZ070 of minus one earphone", order("SZ070", "1", T0, &[Item { qty: "-1", ..earphones() }])),
                ("waybill SF070 weighing nothing", waybill("SF070", "1", T0, "0", 1)),
                ("order SZ071", order("SZ071", "1", T0, &[earphones()])),
                ("waybill SF071", waybill("SF071", "1", T0, "0.2", 1)),
                (
                    "list C071 at price zero",
                    list("C071", "1", T1, "SZ071", "SF071", &[Item { price: "0", ..earphones() }], "0.2", 1),
                ),
                (
                    "list C071 whose line total is not quantity times price",
                    with_line_total(list("C071", "1", T1, "SZ071", "SF071", &[earphones()], "0.2", 1), "5.99"),
                ),
                (
                    "list C071 exported in 1999",
                    with_ie_date(list("C071", "1", T1, "SZ071", "SF071", &[earphones()], "0.2", 1), "19990101"),
                ),
                (
                    "list C071 filed in 2101",
                    list("C071", "1", "21011129100000", "SZ071", "SF071", &[earphones()], "0.2", 1),
                ),
                (
                    "one message: list C072 of negative weight, then a sound C071",
                    merged_lists(
                        list("C072", "1", T2, "SZ072", "SF072", &[earphones()], "-0.2", 1),
                        list("C071", "1", T2, "SZ071", "SF071", &[earphones()], "0.2", 1),
                    ),
                ),
            ],
            &["C071", "C072"],
        ),
        scenario(
            "guids",
            vec![
                ("order SZ080", order("SZ080", "1", T0, &[earphones()])),
                ("the same order, byte for byte", order("SZ080", "1", T0, &[earphones()])),
                (
                    "order SZ081 under SZ080's message guid",
                    with_guids(
                        order("SZ081", "1", T1, &[earphones()]),
                        Some(&order("SZ080", "1", T0, &[earphones()])),
                        None,
                    ),
                ),
                (
                    "order SZ082 under SZ080's order guid",
                    with_guids(
                        order("SZ082", "1", T1, &[earphones()]),
                        None,
                        Some(&order("SZ080", "1", T0, &[earphones()])),
                    ),
                ),
                ("order SZ083 of minus one earphone", order("SZ083", "1", T2, &[Item { qty: "-1", ..earphones() }])),
                (
                    "order SZ083 corrected under the refused one's guids",
                    with_guids(
                        order("SZ083", "1", T3, &[earphones()]),
                        Some(&order("SZ083", "1", T2, &[Item { qty: "-1", ..earphones() }])),
                        Some(&order("SZ083", "1", T2, &[Item { qty: "-1", ..earphones() }])),
                    ),
                ),
            ],
            &[],
        ),
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

/// A second declaring agent, a stranger to the parcels of the scenarios.
pub const AGENT2: &str = "4403180AG2";

/// The message as filed by declaring agent `agent`.
fn with_agent(mut m: Message, agent: &str) -> Message {
    match &mut m {
        Message::Ceb605(x) => x.invt_cancels.iter_mut().for_each(|c| c.agent_code = agent.into()),
        Message::Ceb603(x) => x.inventories.iter_mut().for_each(|i| i.inventory_head.agent_code = agent.into()),
        _ => {}
    }
    m
}

fn with_line_total(mut m: Message, total: &str) -> Message {
    if let Message::Ceb603(x) = &mut m {
        x.inventories[0].inventory_lists[0].total_price = dec(total);
    }
    m
}

fn with_ie_date(mut m: Message, date: &str) -> Message {
    if let Message::Ceb603(x) = &mut m {
        x.inventories[0].inventory_head.ie_date = date.into();
    }
    m
}

/// Two single-list messages as one message of two lists, in that order.
fn merged_lists(first: Message, second: Message) -> Message {
    match (first, second) {
        (Message::Ceb603(mut a), Message::Ceb603(b)) => {
            a.inventories.extend(b.inventories);
            Message::Ceb603(a)
        }
        _ => unreachable!("two lists"),
    }
}

/// An order under the message guid of `message_of` and the order guid of `entity_of`.
fn with_guids(mut m: Message, message_of: Option<&Message>, entity_of: Option<&Message>) -> Message {
    let guids = |m: &Message| match m {
        Message::Ceb303(x) => (x.guid.clone(), x.orders[0].order_head.guid.clone()),
        _ => unreachable!("orders"),
    };
    if let Message::Ceb303(x) = &mut m {
        if let Some(other) = message_of {
            x.guid = guids(other).0;
        }
        if let Some(other) = entity_of {
            x.orders[0].order_head.guid = guids(other).1;
        }
    }
    m
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
