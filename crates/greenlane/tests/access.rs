//! The authorization matrix against the real binary: every row of `tests/data/access.tsv` (role
//! × endpoint × own/other enterprise, open and closed registry) is one request to a running
//! `greenlane serve`, with its HTTP status and its code checked, and every refusal of a
//! non-party checked to tell no lane or status. Among the rows are the attacks of issue #12: an
//! exporter cancelling or changing another's list, filing lists under another's code, and an
//! exporter taking its list out of an officer's queue.

#[path = "../../greenlane-pipeline/tests/support/mod.rs"]
mod support;

mod common;

use common::{ADMIN, Server};
use greenlane_ceb::Message;
use serde_json::json;
use std::collections::HashMap;
use std::process::Command;
use support::*;

/// Exporter A: a stranger to B's parcels.
const STRANGER: &str = "4403160AAA";
const T0: &str = "20261129100000";
const T1: &str = "20261129100500";
const T2: &str = "20261129101000";

#[derive(Debug)]
struct Row {
    line: usize,
    registry: String,
    caller: String,
    fixture: String,
    action: String,
    status: u16,
    code: String,
}

fn rows() -> Vec<Row> {
    let text = include_str!("data/access.tsv");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(f.len(), 6, "access.tsv line {}: {l:?}", i + 1);
            Row {
                line: i + 1,
                registry: f[0].into(),
                caller: f[1].into(),
                fixture: f[2].into(),
                action: f[3].into(),
                status: f[4].parse().unwrap(),
                code: f[5].into(),
            }
        })
        .collect()
}

fn greenlane(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_greenlane")).args(args).output().unwrap();
    assert!(out.status.success(), "greenlane {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A hub under test: its server and a token per caller.
struct Hub {
    server: Server,
    tokens: HashMap<&'static str, Option<String>>,
}

impl Hub {
    fn token(&self, caller: &str) -> Option<&str> {
        self.tokens.get(caller).unwrap_or_else(|| panic!("unknown caller {caller}")).as_deref()
    }

    /// The enterprise code a caller files as: its own, or for staff the list's filer C.
    fn files_as(caller: &str) -> &'static str {
        match caller {
            "B" => EBC,
            "A" => STRANGER,
            _ => AGENT,
        }
    }
}

/// Both stores: every code registered (an open hub learns them from messages), tokens made and
/// B's agent mandate recorded with the CLI, then the open hub serving one and the closed hub
/// the other.
fn hubs(dir_open: &std::path::Path, dir_closed: &std::path::Path) -> (Hub, Hub) {
    let mut made = Vec::new();
    for (dir, closed) in [(dir_open, false), (dir_closed, true)] {
        let data = dir.to_str().unwrap();
        {
            let server = Server::on_folder(dir);
            // A parcel naming every party of B's, and an order of the stranger's.
            for m in [
                order("SZ-REG", "1", T0, &[earphones()]),
                waybill("SF-REG", "1", T0, "0.2", 1),
                list("C-REG", "1", T0, "SZ-REG", "SF-REG", &[earphones()], "0.2", 1),
                with_exporter(order("SZ-REG-A", "1", T0, &[earphones()]), STRANGER),
            ] {
                let (status, body) = server.post(Some(ADMIN), &xml(&m));
                assert_eq!(status, 200, "{body}");
            }
        }
        let token = |role: &str, name: &str, ebc: Option<&str>| {
            let mut args = vec!["token", "create", "--data", data, "--role", role, "--name", name];
            if let Some(code) = ebc {
                args.extend(["--ebc", code]);
            }
            Some(greenlane(&args))
        };
        let tokens = HashMap::from([
            ("none", None),
            ("admin", Some(ADMIN.to_owned())),
            ("officer", token("officer", "officer", None)),
            ("viewer", token("viewer", "viewer", None)),
            ("B", token("enterprise", "exporter B", Some(EBC))),
            ("C", token("enterprise", "agent C", Some(AGENT))),
            ("A", token("enterprise", "exporter A", Some(STRANGER))),
        ]);
        greenlane(&["mandate", "add", "--data", data, "--exporter", EBC, "--party", AGENT, "--kind", "agent"]);
        assert!(greenlane(&["mandate", "list", "--data", data]).contains(&format!("{EBC}\t{AGENT}\tagent")));
        let server =
            if closed { Server::start_with(["--data", data], &["--closed-registry"]) } else { Server::on_folder(dir) };
        made.push(Hub { server, tokens });
    }
    let closed = made.pop().unwrap();
    (made.pop().unwrap(), closed)
}

fn with_exporter(mut m: Message, ebc: &str) -> Message {
    match &mut m {
        Message::Ceb303(x) => x.orders.iter_mut().for_each(|o| o.order_head.ebc_code = ebc.into()),
        Message::Ceb603(x) => x.inventories.iter_mut().for_each(|i| i.inventory_head.ebc_code = ebc.into()),
        _ => {}
    }
    m
}

fn filed_by(mut m: Message, agent: &str) -> Message {
    match &mut m {
        Message::Ceb605(x) => x.invt_cancels.iter_mut().for_each(|c| c.agent_code = agent.into()),
        Message::Ceb603(x) => x.inventories.iter_mut().for_each(|i| i.inventory_head.agent_code = agent.into()),
        _ => {}
    }
    m
}

/// Stores the row's fixture for exporter B (filed by agent C, as the admin); returns the
/// numbers of its parcel.
fn fixture(hub: &Hub, row: &Row) -> (String, String, String) {
    let n = row.line;
    let (o, w, c) = (format!("SZ-{n:03}"), format!("SF-{n:03}"), format!("C-{n:03}"));
    let send = |m: Message| {
        let (status, body) = hub.server.post(Some(ADMIN), &xml(&m));
        assert_eq!(status, 200, "line {n}: fixture {body}");
        body
    };
    match row.fixture.as_str() {
        "none" => {}
        "docs" => {
            send(order(&o, "1", T0, &[earphones()]));
            send(waybill(&w, "1", T0, "0.2", 1));
        }
        "released" => {
            send(order(&o, "1", T0, &[earphones()]));
            send(waybill(&w, "1", T0, "0.2", 1));
            let body = send(list(&c, "1", T0, &o, &w, &[earphones()], "0.2", 1));
            assert!(body.contains("<ceb:returnStatus>800<"), "line {n}: {body}");
        }
        "review" => {
            send(order(&o, "1", T0, &[earphones(), phone_case("2")]));
            send(waybill(&w, "1", T0, "1.2", 2));
            let body = send(list(&c, "1", T0, &o, &w, &[earphones(), phone_case("3")], "0.35", 1));
            assert!(body.contains("<ceb:returnStatus>500<"), "line {n}: {body}");
        }
        other => panic!("line {n}: unknown fixture {other}"),
    }
    (o, w, c)
}

/// What the caller's request got: HTTP status, the code (returnStatus of a receipt, JSON
/// `code`, or `-`) and the body.
fn act(hub: &Hub, row: &Row) -> (u16, String, String) {
    let (o, w, c) = fixture(hub, row);
    let token = hub.token(&row.caller);
    let filer = Hub::files_as(&row.caller);
    let message = |m: Message| hub.server.post(token, &xml(&m));
    let (status, body) = match row.action.as_str() {
        "read_inventory" => hub.server.get(token, &format!("/api/v1/inventories/{c}?ebcCode={EBC}")),
        "read_decisions" => hub.server.get(token, "/api/v1/decisions?limit=5"),
        "send_order" => message(order(&o, "1", T1, &[earphones()])),
        "send_not_party" => message(order(&o, "1", T1, &[earphones()])),
        "cancel" => message(filed_by(cancel(&c, T1), filer)),
        "change" => message(filed_by(list(&c, "2", T1, &o, &w, &[earphones()], "0.2", 1), filer)),
        "file_list" => message(filed_by(list(&c, "1", T1, &o, &w, &[earphones()], "0.2", 1), filer)),
        "file_waybill" => {
            // A waybill naming exporter B, filed with the caller as its logistics firm.
            let mut m = waybill(&w, "1", T1, "0.2", 1);
            if let Message::Ceb505(x) = &mut m {
                x.logistics[0].logistics_code = filer.into();
                x.logistics[0].ebc_code = Some(EBC.into());
                x.logistics[0].ebc_name = Some("exporter B".into());
            }
            message(m)
        }
        "file_impossible" => {
            message(filed_by(list(&c, "1", T1, &o, &w, &[Item { qty: "-1", ..earphones() }], "0.2", 1), filer))
        }
        "file_zeros" => {
            let zero = Item { qty: "1", price: "0", ..earphones() };
            message(filed_by(list(&c, "1", T1, &o, &w, &[zero], "0", 1), filer))
        }
        "send_bad_order" => message(order(&o, "1", T1, &[Item { qty: "-2", ..earphones() }])),
        "guid_reuse" => {
            let first = order(&o, "1", T1, &[earphones()]);
            let (status, body) = message(first.clone());
            assert_eq!(status, 200, "line {}: {body}", row.line);
            let mut second = order(&format!("{o}-2"), "1", T2, &[earphones()]);
            if let (Message::Ceb303(a), Message::Ceb303(b)) = (&mut second, &first) {
                a.guid = b.guid.clone();
            }
            message(second)
        }
        "inspect" => hub.server.post_json(
            token,
            "/api/v1/inspections",
            &json!({"copNo": c, "ebcCode": EBC, "outcome": "compliant", "note": "matrix"}),
        ),
        "read_criteria" => hub.server.get(token, "/api/v1/criteria"),
        "reload_criteria" => hub.server.post_json(token, "/api/v1/criteria/reload", &json!({})),
        "reload_lists" => hub.server.post_json(token, "/api/v1/lists/reload", &json!({})),
        "read_mandates" => hub.server.get(token, "/api/v1/mandates"),
        "add_mandate" => hub.server.post_json(
            token,
            "/api/v1/mandates",
            &json!({"exporter": EBC, "party": "4403980SF1", "kind": "logistics"}),
        ),
        other => panic!("line {}: unknown action {other}", row.line),
    };
    let code = if body.contains("<ceb:returnStatus>") {
        body.split("<ceb:returnStatus>").nth(1).and_then(|s| s.split('<').next()).unwrap_or("?").to_owned()
    } else {
        serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_owned))
            .filter(|_| status >= 400)
            .unwrap_or_else(|| "-".to_owned())
    };
    (status, code, body)
}

#[test]
fn every_role_endpoint_and_enterprise_gets_the_answer_of_the_table() {
    let (dir_open, dir_closed) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (open, closed) = hubs(dir_open.path(), dir_closed.path());
    let mut failures = Vec::new();
    let rows = rows();
    assert!(rows.len() > 60, "the table covers the matrix");
    for row in &rows {
        let hub = if row.registry == "closed" { &closed } else { &open };
        let (status, code, body) = act(hub, row);
        if (status, code.as_str()) != (row.status, row.code.as_str()) {
            failures.push(format!(
                "line {} {} {} {} {}: expected {} {}, got {status} {code}: {}",
                row.line,
                row.registry,
                row.caller,
                row.fixture,
                row.action,
                row.status,
                row.code,
                body.chars().take(300).collect::<String>()
            ));
        }
        // No answer to a non-party tells a lane or a status.
        if code == "-990010" {
            for word in ["放行", "查验", "人工审核", "green", "red", "yellow", "review", "released", ">800<", ">500<"]
            {
                assert!(!body.contains(word), "line {}: the refusal leaks {word:?}: {body}", row.line);
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} rows differ:\n{}", failures.len(), rows.len(), failures.join("\n"));
}

#[test]
fn an_exporter_cannot_take_its_list_out_of_the_officers_queue_and_the_officer_sees_the_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::on_folder(dir.path());
    let exporter = greenlane(&[
        "token",
        "create",
        "--data",
        dir.path().to_str().unwrap(),
        "--role",
        "enterprise",
        "--name",
        "shop",
        "--ebc",
        EBC,
    ]);
    for m in [
        order("SZ900", "1", T0, &[earphones(), phone_case("2")]),
        waybill("SF900", "1", T0, "1.2", 2),
        list("C900", "1", T0, "SZ900", "SF900", &[earphones(), phone_case("3")], "0.35", 1),
    ] {
        assert_eq!(server.post(Some(ADMIN), &xml(&m)).0, 200);
    }
    let (status, body) = server.post(Some(&exporter), &xml(&cancel("C900", T1)));
    assert_eq!(status, 200);
    assert!(body.contains("<ceb:returnStatus>-990606<"), "{body}");
    let (_, decision) = server.get(Some(ADMIN), &format!("/api/v1/inventories/C900?ebcCode={EBC}"));
    assert!(decision.contains("\"lane\":\"red\"") && decision.contains("\"returnStatus\":500"), "{decision}");
    // The case page shows the attempt in its audit trail (an officer signs in as a browser does).
    let officer = greenlane(&[
        "token",
        "create",
        "--data",
        dir.path().to_str().unwrap(),
        "--role",
        "officer",
        "--name",
        "officer",
    ]);
    let agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build();
    let agent: ureq::Agent = agent.into();
    let signed = agent
        .post(format!("{}/signin", server.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(format!("token={officer}").as_bytes())
        .unwrap();
    let cookie = signed.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let mut page = agent.get(format!("{}/case/{EBC}/C900", server.base)).header("Cookie", &cookie).call().unwrap();
    let html = page.body_mut().read_to_string().unwrap();
    assert!(html.contains("refused_cancel") && html.contains("-990606"), "the audit trail shows the attempt");
}

#[test]
fn a_browser_session_refuses_other_sites_and_redirects_only_home() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::on_folder(dir.path());
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let signed = agent
        .post(format!("{}/signin", server.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(format!("token={ADMIN}").as_bytes())
        .unwrap();
    let cookie = signed.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("gl_session=") && !cookie.contains(ADMIN), "{cookie}");
    let cookie = cookie.split(';').next().unwrap().to_owned();
    // A POST with the officer's cookie from evil.example: refused.
    let evil = agent
        .post(format!("{}/criteria/reload", server.base))
        .header("Cookie", &cookie)
        .header("Origin", "http://evil.example")
        .header("Sec-Fetch-Site", "cross-site")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(&b""[..])
        .unwrap();
    assert_eq!(evil.status().as_u16(), 403);
    // The language switch follows no Referer off the hub.
    let switch = agent
        .get(format!("{}/lang/en", server.base))
        .header("Referer", &format!("{}/\\evil.example", server.base))
        .call()
        .unwrap();
    assert_eq!(switch.headers()["location"], "/");
    let page = agent.get(format!("{}/signin", server.base)).call().unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
}
