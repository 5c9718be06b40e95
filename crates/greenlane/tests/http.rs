//! End-to-end tests of the real binary over HTTP: `greenlane serve` on a fresh embedded store,
//! driven the way an integrator drives it, plus `token create`, `ingest` and `decisions` on the
//! same stores.

#[path = "../../greenlane-pipeline/tests/support/mod.rs"]
mod support;

mod common;

use common::{ADMIN, Server};
use std::path::Path;
use std::process::Command;
use support::*;

fn greenlane(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_greenlane")).args(args).output().unwrap();
    assert!(out.status.success(), "greenlane {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_parcel_goes_from_messages_to_a_released_decision_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::on_folder(dir.path());
    assert_eq!(server.get(None, "/healthz").0, 200);

    let replies: Vec<(u16, String)> = one_parcel(1).iter().map(|m| server.post(Some(ADMIN), &xml(m))).collect();
    assert!(replies.iter().all(|(s, _)| *s == 200), "{replies:?}");
    assert!(
        replies[0].1.contains("CEB604Message") && replies[0].1.contains("<ceb:returnStatus>120</ceb:returnStatus>")
    );
    assert!(replies[1].1.contains("CEB304Message"));
    assert!(replies[2].1.contains("CEB506Message"));
    for (_, receipt) in &replies {
        assert_schema_valid(receipt);
    }

    let (status, body) = server.get(Some(ADMIN), &format!("/api/v1/inventories/C0001?ebcCode={EBC}"));
    assert_eq!(status, 200, "{body}");
    let decision: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(decision["lane"], "green");
    assert_eq!(decision["returnStatus"], 800);
    assert_eq!(decision["orderNo"], "SZ0001");
    assert_eq!(decision["logisticsNo"], "SF0001");
    assert_eq!(decision["receivedAt"], "2026-11-29T10:00:00+08:00");
    assert_eq!(decision["decidedAt"], "2026-11-29T10:02:00+08:00");
    assert!(decision["invtNo"].as_str().unwrap().starts_with("53452026E"));

    let (status, feed) = server.get(Some(ADMIN), "/api/v1/decisions?after=0&limit=10");
    assert_eq!(status, 200);
    let feed: serde_json::Value = serde_json::from_str(&feed).unwrap();
    assert_eq!(feed["items"].as_array().unwrap().len(), 1);
    assert_eq!(feed["items"][0]["copNo"], "C0001");
    let next = feed["next"].as_str().unwrap().to_owned();
    let (_, rest) = server.get(Some(ADMIN), &format!("/api/v1/decisions?after={next}"));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&rest).unwrap()["items"].as_array().unwrap().len(), 0);

    // An exact re-send is answered with the same receipt and stores nothing new.
    let again = server.post(Some(ADMIN), &xml(&one_parcel(1)[0]));
    assert_eq!(again, replies[0]);

    let (status, metrics) = server.get(None, "/metrics");
    assert_eq!(status, 200);
    assert!(metrics.contains("greenlane_messages_total"), "{metrics}");
    assert!(metrics.contains("greenlane_decisions_total{lane=\"green\"} 1"), "{metrics}");
    assert!(metrics.contains("greenlane_request_seconds"), "{metrics}");
    assert!(metrics.contains("greenlane_lists{lane=\"green\"} 1"), "{metrics}");
}

#[test]
fn bad_input_gets_a_4xx_with_a_ceb900_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::on_folder(dir.path());
    let bomb =
        b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><x>&b;</x>";
    for (what, body, expected) in [
        ("malformed XML", b"<ceb:CEB303Message".to_vec(), 400),
        ("not XML at all", b"\x00\x01\x02".to_vec(), 400),
        ("an XML bomb", bomb.to_vec(), 400),
        ("a receipt (CEB304), which greenlane sends but does not take", sample("CEB304Message.xml"), 400),
        ("more than 10 MB", vec![b' '; 10 * 1024 * 1024 + 1], 413),
    ] {
        let (status, body) = server.post(Some(ADMIN), &body);
        assert_eq!(status, expected, "{what}: {body}");
        assert!(body.contains("CEB900Message"), "{what}: {body}");
        assert_schema_valid(&body);
    }
    let (_, feed) = server.get(Some(ADMIN), "/api/v1/decisions");
    assert!(feed.contains("\"items\":[]"), "{feed}");
    assert!(server.get(None, "/metrics").1.contains("greenlane_stored_messages 0"));
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../greenlane-ceb/tests/data/samples-2018").join(name))
        .unwrap()
}

#[test]
fn tokens_and_roles_decide_who_may_send_and_see() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let own = greenlane(&["token", "create", "--data", data, "--role", "enterprise", "--name", "xyz", "--ebc", EBC]);
    let other =
        greenlane(&["token", "create", "--data", data, "--role", "enterprise", "--name", "abc", "--ebc", "9999999999"]);
    let viewer = greenlane(&["token", "create", "--data", data, "--role", "viewer", "--name", "dash"]);
    let (own, other, viewer) = (own.trim(), other.trim(), viewer.trim());
    assert!(own.starts_with("gl_") && own.len() == 43, "{own}");
    let server = Server::on_folder(dir.path());
    let message = xml(&order("SZ0100", "1", "20261129100000", &[earphones()]));

    assert_eq!(server.post(None, &message).0, 401);
    assert_eq!(server.post(Some("gl_not_a_token"), &message).0, 401);
    assert_eq!(server.post(Some(viewer), &message).0, 403);
    assert_eq!(server.post(Some(other), &message).0, 403, "not a party to the message");
    assert_eq!(server.post(Some(own), &message).0, 200);
    // Two orders in one message, the second another enterprise's: not the token's to send.
    let mut mixed = common::batch(
        [
            order("SZ0102", "1", "20261129100000", &[earphones()]),
            order("SZ0103", "1", "20261129100000", &[earphones()]),
        ]
        .into_iter(),
    );
    if let greenlane_ceb::Message::Ceb303(m) = &mut mixed {
        m.orders[1].order_head.ebc_code = "9999999999".into();
    }
    assert_eq!(server.post(Some(own), &xml(&mixed)).0, 403, "a party to one entity only");

    // The enterprise files its list and order; the logistics firm (here the admin) its waybill,
    // which does not name the enterprise and so is not the enterprise's to send.
    let [list, order, waybill] = <[_; 3]>::try_from(one_parcel(101)).ok().unwrap();
    assert_eq!(server.post(Some(own), &xml(&list)).0, 200);
    assert_eq!(server.post(Some(own), &xml(&order)).0, 200);
    assert_eq!(server.post(Some(own), &xml(&waybill)).0, 403);
    assert_eq!(server.post(Some(ADMIN), &xml(&waybill)).0, 200);
    let path = format!("/api/v1/inventories/C0101?ebcCode={EBC}");
    assert_eq!(server.get(Some(own), &path).0, 200);
    assert_eq!(server.get(Some(own), "/api/v1/inventories/C0101").0, 200, "an enterprise token implies its code");
    assert_eq!(server.get(Some(other), &path).0, 403);
    assert_eq!(server.get(Some(viewer), &path).0, 200);
    assert_eq!(server.get(Some(viewer), "/api/v1/inventories/C9999?ebcCode=X").0, 404);
    let (_, feed) = server.get(Some(other), "/api/v1/decisions");
    assert!(feed.contains("\"items\":[]"), "another enterprise's feed shows nothing: {feed}");
    let (_, feed) = server.get(Some(own), "/api/v1/decisions");
    assert!(feed.contains("C0101"), "{feed}");
}

#[test]
fn offline_ingest_and_http_reach_the_same_decisions() {
    let traffic = std::env::temp_dir().join(format!("greenlane-traffic-{}", std::process::id()));
    std::fs::create_dir_all(&traffic).unwrap();
    let mut n = 0;
    let mut messages = Vec::new();
    for p in 200..210 {
        for m in one_parcel(p) {
            n += 1;
            let bytes = xml(&m);
            std::fs::write(traffic.join(format!("{n:09}-{}.xml", m.message_type().code())), &bytes).unwrap();
            messages.push(bytes);
        }
    }
    // A mismatching parcel and a list that waits for ever.
    n += 1;
    std::fs::write(
        traffic.join(format!("{n:09}-CEB603.xml")),
        xml(&list("C0300", "1", "20261129100000", "SZ0300", "SF0300", &[earphones()], "0.2", 1)),
    )
    .unwrap();

    let offline = tempfile::tempdir().unwrap();
    let summary = greenlane(&["ingest", "--data", offline.path().to_str().unwrap(), traffic.to_str().unwrap()]);
    assert!(summary.contains("31 messages"), "{summary}");
    assert!(summary.contains("green 10"), "{summary}");
    let offline_decisions = greenlane(&["decisions", "--data", offline.path().to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(offline_decisions.lines().count(), 11, "{offline_decisions}");

    // The same files again into the same store: exact re-sends, nothing new.
    let again = greenlane(&["ingest", "--data", offline.path().to_str().unwrap(), traffic.to_str().unwrap()]);
    assert!(again.contains("31 exact re-sends"), "{again}");

    let online = tempfile::tempdir().unwrap();
    {
        let server = Server::on_folder(online.path());
        for path in ingest_order(&traffic) {
            assert_eq!(server.post(Some(ADMIN), &std::fs::read(path).unwrap()).0, 200);
        }
    }
    let online_decisions = greenlane(&["decisions", "--data", online.path().to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(online_decisions, offline_decisions);
    std::fs::remove_dir_all(&traffic).unwrap();
}

fn ingest_order(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

#[test]
fn decisions_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let server = Server::on_folder(dir.path());
        for m in one_parcel(400) {
            assert_eq!(server.post(Some(ADMIN), &xml(&m)).0, 200);
        }
    }
    let server = Server::on_folder(dir.path());
    let (status, body) = server.get(Some(ADMIN), &format!("/api/v1/inventories/C0400?ebcCode={EBC}"));
    assert_eq!(status, 200);
    assert!(body.contains("\"lane\":\"green\""), "{body}");
}

/// The pipeline's scenarios (every lane, every error code, out-of-order arrival, change and
/// delete, cancellation, arrival and departure, expiry, the closed registry, replays), run over
/// HTTP through the real binary, must give the very transcripts they give in process.
#[test]
fn every_scenario_gives_its_transcript_over_http() {
    for s in support::scenarios::all() {
        let dir = tempfile::tempdir().unwrap();
        let ttl = s.pending_ttl_hours.to_string();
        let mut options = vec!["--pending-ttl-hours", ttl.as_str()];
        if s.closed_registry {
            options.push("--closed-registry");
        }
        let server = Server::start_with(["--data", dir.path().to_str().unwrap()], &options);
        let mut transcript = String::new();
        for (what, bytes) in &s.steps {
            let (status, body, replay) = server.post_noting_replay(Some(ADMIN), bytes);
            let line = support::scenarios::describe_answer(status, &body, replay);
            transcript.push_str(&format!("{what}\n  -> {line}\n"));
        }
        transcript.push_str("decisions:\n");
        for cop in &s.lists {
            let (status, body) = server.get(Some(ADMIN), &format!("/api/v1/inventories/{cop}?ebcCode={EBC}"));
            let line = if status == 404 {
                "no such list".to_owned()
            } else {
                let d: serde_json::Value = serde_json::from_str(&body).unwrap();
                let reasons: Vec<&str> =
                    d["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
                format!(
                    "{} {} {reasons:?} invt_no={}",
                    d["lane"].as_str().unwrap(),
                    d["returnStatus"],
                    d["invtNo"].as_str().unwrap_or("")
                )
            };
            transcript.push_str(&format!("  {cop}: {line}\n"));
        }
        let expected = std::fs::read_to_string(support::scenarios::transcript_path(s.name)).unwrap();
        assert_eq!(transcript, expected, "scenario {} over HTTP", s.name);
    }
}

#[test]
fn officers_inspect_lists_under_review_and_the_outcome_lands_in_the_decision() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let officer = greenlane(&["token", "create", "--data", data, "--role", "officer", "--name", "officer-li"]);
    let viewer = greenlane(&["token", "create", "--data", data, "--role", "viewer", "--name", "dash"]);
    let (officer, viewer) = (officer.trim(), viewer.trim());
    let server = Server::on_folder(dir.path());
    // Two parcels whose waybill weighs twice what the list declares (0.2 kg: yellow), one clean.
    for n in 1..=3 {
        let mut messages = one_parcel(n);
        if n <= 2 {
            messages[2] = waybill(&format!("SF{n:04}"), "1", "20261129100200", "0.4", 1);
        }
        for m in &messages {
            assert_eq!(server.post(Some(ADMIN), &xml(m)).0, 200);
        }
    }
    let lane = |cop: &str| -> serde_json::Value {
        let (_, body) = server.get(Some(ADMIN), &format!("/api/v1/inventories/{cop}?ebcCode={EBC}"));
        serde_json::from_str(&body).unwrap()
    };
    assert_eq!(lane("C0001")["lane"], "yellow");
    assert_eq!(lane("C0001")["returnStatus"], 300);

    let inspect = |token: &str, body: serde_json::Value| server.post_json(Some(token), "/api/v1/inspections", &body);
    let compliant =
        serde_json::json!({"copNo": "C0001", "ebcCode": EBC, "outcome": "compliant", "note": "称重复核无误"});
    assert_eq!(inspect(viewer, compliant.clone()).0, 403);
    let (status, body) = inspect(officer, compliant.clone());
    assert_eq!(status, 200, "{body}");
    let decided: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!((decided["lane"].as_str(), decided["returnStatus"].as_i64()), (Some("yellow"), Some(800)));
    let last = decided["reasons"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["code"], "inspected_compliant");
    assert!(last["message"].as_str().unwrap().contains("officer-li: 称重复核无误"), "{last}");
    assert_eq!(lane("C0001"), decided);

    let violation = serde_json::json!({"copNo": "C0002", "ebcCode": EBC, "outcome": "violation",
        "violation": "weight_mismatch"});
    let (status, body) = inspect(ADMIN, violation);
    assert_eq!(status, 200, "{body}");
    assert_eq!(lane("C0002")["returnStatus"], 100);
    assert_eq!(lane("C0002")["reasons"].as_array().unwrap().last().unwrap()["code"], "inspected_weight_mismatch");

    // The officer's mistakes: a list already closed, a released one, an unknown one, a bad body.
    let (status, body) = inspect(officer, compliant);
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("not_under_review"), "{body}");
    let green = serde_json::json!({"copNo": "C0003", "ebcCode": EBC, "outcome": "compliant"});
    assert_eq!(inspect(officer, green).0, 409);
    assert_eq!(lane("C0003")["returnStatus"], 800);
    let unknown = serde_json::json!({"copNo": "C9999", "ebcCode": EBC, "outcome": "compliant"});
    assert_eq!(inspect(officer, unknown).0, 404);
    for bad in [
        serde_json::json!({"copNo": "C0001", "ebcCode": EBC, "outcome": "violation"}),
        serde_json::json!({"copNo": "C0001", "ebcCode": EBC, "outcome": "violation", "violation": "smuggling"}),
        serde_json::json!({"copNo": "C0001", "ebcCode": EBC, "outcome": "maybe"}),
        serde_json::json!({"copNo": "C0001", "outcome": "compliant"}),
    ] {
        let (status, body) = inspect(officer, bad.clone());
        assert_eq!(status, 400, "{bad}: {body}");
    }

    // Each outcome is in the decision feed, and in the metrics.
    let (_, feed) = server.get(Some(ADMIN), "/api/v1/decisions?after=0&limit=100");
    let feed: serde_json::Value = serde_json::from_str(&feed).unwrap();
    let statuses: Vec<(String, i64)> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["copNo"].as_str().unwrap().to_owned(), d["returnStatus"].as_i64().unwrap()))
        .collect();
    assert!(statuses.ends_with(&[("C0001".into(), 800), ("C0002".into(), 100)]), "{statuses:?}");
    let (_, metrics) = server.get(None, "/metrics");
    assert!(metrics.contains("greenlane_inspections_total{outcome=\"compliant\"} 1"), "{metrics}");
}

#[test]
fn screening_over_http_and_a_broken_list_leaves_the_lists_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("lists");
    std::fs::create_dir(&lists).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../greenlane-pipeline/tests/data/lists/watch.list.csv");
    std::fs::copy(&source, lists.join("watch.list.csv")).unwrap();
    let data = dir.path().join("store");
    let viewer = greenlane(&["token", "create", "--data", data.to_str().unwrap(), "--role", "viewer", "--name", "v"]);
    let server = Server::start_with(["--data", data.to_str().unwrap()], &["--lists", lists.to_str().unwrap()]);

    let screen = |body: serde_json::Value| server.post_json(Some(viewer.trim()), "/api/v1/screen", &body);
    let (status, body) = screen(serde_json::json!({"name": "SIDOROV, Ivan", "country": "RU", "kind": "person"}));
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    let best = &answer["matches"][0];
    assert_eq!((best["list"].as_str(), best["id"].as_str()), (Some("watch"), Some("W-1")), "{answer}");
    assert!(best["score"].as_f64().unwrap() > 0.8 && best["name"].is_string(), "{answer}");
    let (_, body) = screen(serde_json::json!({"name": "Wang Xiaoming"}));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["matches"], serde_json::json!([]));
    assert_eq!(screen(serde_json::json!({"name": ""})).0, 400);
    assert_eq!(screen(serde_json::json!({"name": "x", "kind": "vessel"})).0, 400);
    assert_eq!(server.post_json(None, "/api/v1/screen", &serde_json::json!({"name": "x"})).0, 401);

    // A broken list: the reload is refused with the file and line, the old lists stay in force.
    std::fs::write(lists.join("watch.list.csv"), "id,name,kind\nW-1,Ivan Petrovich Sidorov,person\nW-1,Dup,person\n")
        .unwrap();
    let (status, body) = server.post_json(Some(ADMIN), "/api/v1/lists/reload", &serde_json::json!({}));
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("watch.list.csv") && body.contains('3'), "{body}");
    assert_eq!(server.post_json(Some(viewer.trim()), "/api/v1/lists/reload", &serde_json::json!({})).0, 403);
    let (_, body) = screen(serde_json::json!({"name": "Dragon Star Electronics Trading"}));
    assert!(body.contains("W-2"), "the lists in force are the old ones: {body}");
    // Fixed: reloaded, and the removed entry is gone.
    std::fs::write(lists.join("watch.list.csv"), "id,name,kind\nW-1,Ivan Petrovich Sidorov,person\n").unwrap();
    let (status, body) = server.post_json(Some(ADMIN), "/api/v1/lists/reload", &serde_json::json!({}));
    assert_eq!(status, 200, "{body}");
    let (_, body) = screen(serde_json::json!({"name": "Dragon Star Electronics Trading"}));
    assert!(!body.contains("W-2"), "{body}");
    let (_, body) = server.get(Some(viewer.trim()), "/api/v1/lists");
    assert!(body.contains("\"entries\":1"), "{body}");
}

/// A copy of the shipped criteria in `dir`, for an analyst to edit.
fn shipped_criteria(dir: &Path) -> std::path::PathBuf {
    let folder = dir.join("criteria");
    std::fs::create_dir_all(&folder).unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../greenlane-risk/criteria/default");
    for entry in std::fs::read_dir(shipped).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, folder.join(path.file_name().unwrap())).unwrap();
    }
    folder
}

#[test]
fn criteria_are_reported_and_reloaded_and_a_broken_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let criteria = shipped_criteria(dir.path());
    let data = dir.path().join("store");
    let officer = greenlane(&["token", "create", "--data", data.to_str().unwrap(), "--role", "officer", "--name", "o"]);
    let server = Server::start_with(
        ["--data", data.to_str().unwrap()],
        &["--criteria", criteria.to_str().unwrap(), "--no-lists"],
    );
    for m in one_parcel(1) {
        assert_eq!(server.post(Some(ADMIN), &xml(&m)).0, 200);
    }
    let (status, body) = server.get(Some(officer.trim()), "/api/v1/criteria");
    assert_eq!(status, 200, "{body}");
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    let version = report["version"].as_str().unwrap().to_owned();
    assert_eq!(report["assessed"], 1, "{report}");
    assert!(!report["criteria"].as_array().unwrap().is_empty(), "{report}");
    let (_, decision) = server.get(Some(ADMIN), &format!("/api/v1/inventories/C0001?ebcCode={EBC}"));
    assert!(decision.contains("\"lane\":\"green\""), "{decision}");

    // A broken file: 422 naming file, line and column; the criteria in force stay.
    let file = std::fs::read_dir(&criteria)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "toml"))
        .unwrap();
    let original = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{original}\n[[criterion]]\nid = \n")).unwrap();
    let reload = |token: &str| server.post_json(Some(token), "/api/v1/criteria/reload", &serde_json::json!({}));
    assert_eq!(reload(officer.trim()).0, 403);
    let (status, body) = reload(ADMIN);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains(file.file_name().unwrap().to_str().unwrap()), "{body}");
    let (_, body) = server.get(Some(ADMIN), "/api/v1/criteria");
    assert!(body.contains(&version), "{body}");
    // Fixed, with a change: a new version, recorded by the next decisions.
    std::fs::write(&file, format!("# tightened by the analyst\n{original}")).unwrap();
    let (status, body) = reload(ADMIN);
    assert_eq!(status, 200, "{body}");
    let reloaded: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_ne!(reloaded["version"].as_str().unwrap(), version);
}

/// The flight of `flight_no` in a `GET /api/v1/flights` answer.
fn flight_of<'a>(answer: &'a serde_json::Value, flight_no: &str) -> &'a serde_json::Value {
    answer["flights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["flightNo"] == flight_no)
        .unwrap_or_else(|| panic!("no {flight_no} in {answer}"))
}

#[test]
fn flights_are_listed_before_their_cut_off_and_the_route_table_reloads_for_the_cut_offs_to_come() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let routes = dir.path().join("routes.toml");
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../greenlane-cargo/data/routes.toml"))
            .unwrap();
    std::fs::write(&routes, &shipped).unwrap();
    let officer = greenlane(&["token", "create", "--data", data.to_str().unwrap(), "--role", "officer", "--name", "o"]);
    let enterprise = |name: &str, code: &str| {
        let args = ["token", "create", "--data", data.to_str().unwrap(), "--role", "enterprise", "--name", name];
        greenlane(&[&args[..], &["--ebc", code]].concat()).trim().to_owned()
    };
    let (shop, stranger) = (enterprise("shop", EBC), enterprise("stranger", "4403160ZZZ"));
    let server =
        Server::start_with(["--data", data.to_str().unwrap()], &["--routes", routes.to_str().unwrap(), "--no-lists"]);
    let get = |path: &str| {
        let (status, body) = server.get(Some(ADMIN), path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()
    };
    // Two released parcels to the US on Sunday 29 November; one reaches the airport at noon.
    for n in 1..=2 {
        for m in one_parcel(n) {
            assert_eq!(server.post(Some(ADMIN), &xml(&m)).0, 200);
        }
    }
    assert_eq!(server.post(Some(ADMIN), &xml(&arrival("20261129120000", &["SF0001"]))).0, 200);

    // Wednesday's CZ469 to Chicago is scheduled, its cut-off on Tuesday evening, with the
    // arrived parcel planned onto it and no MAWB yet; the flights of other routes that day too.
    let wednesday = get("/api/v1/flights?date=2026-12-02");
    let cz = flight_of(&wednesday, "CZ469");
    assert_eq!(cz["status"], "scheduled", "{cz}");
    assert_eq!(cz["departure"], "2026-12-02T02:00:00+08:00");
    assert_eq!(cz["cutoff"], "2026-12-01T21:00:00+08:00");
    assert_eq!(cz["parcels"], 1, "{cz}");
    assert_eq!(cz["loadedG"], 200);
    assert_eq!(cz["mawbs"], serde_json::json!([]));
    assert!(wednesday["flights"].as_array().unwrap().len() > 1, "{wednesday}");
    assert!(wednesday["flights"].as_array().unwrap().iter().all(|f| f["status"] == "scheduled"));
    // An exporter sees the scheduled flight its own parcel is planned onto; another sees none.
    let seen = |token: &str| {
        let (status, body) = server.get(Some(token), "/api/v1/flights?date=2026-12-02");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["flights"].as_array().unwrap().clone()
    };
    let own = seen(&shop);
    assert_eq!((own.len(), own[0]["flightNo"].as_str(), own[0]["loadedG"].as_u64()), (1, Some("CZ469"), Some(200)));
    assert!(seen(&stranger).is_empty());

    // The week's forecast per route: Chicago carries the parcel on Wednesday.
    let forecast = get("/api/v1/flights/forecast?from=2026-11-30&days=7");
    let days = forecast["routes"].as_array().unwrap();
    let chicago: Vec<_> = days.iter().filter(|d| d["route"] == "SZX-ORD-CZ").collect();
    assert_eq!(
        chicago.iter().map(|d| d["date"].as_str().unwrap()).collect::<Vec<_>>(),
        ["2026-12-02", "2026-12-04", "2026-12-06"]
    );
    assert_eq!(chicago[0]["loadedG"], 200);
    assert_eq!(chicago[1]["loadedG"], 0);
    assert!(days.iter().all(|d| d["loadedG"].as_u64().unwrap() <= d["capacityG"].as_u64().unwrap()));
    assert_eq!(server.get(Some(ADMIN), "/api/v1/flights/forecast?from=2026-11-30&days=0").0, 400);
    assert_eq!(server.get(Some(ADMIN), "/api/v1/flights/forecast").0, 400);

    // Tuesday 22:00: Wednesday's CZ469 closed at 21:00 with its MAWB.
    assert_eq!(server.post(Some(ADMIN), &xml(&order("SZ9001", "1", "20261201220000", &[earphones()]))).0, 200);
    let closed = flight_of(&get("/api/v1/flights?date=2026-12-02"), "CZ469").clone();
    assert_eq!(closed["status"], "closed", "{closed}");
    let mawb = closed["mawbs"][0]["mawb"].as_str().unwrap().to_owned();

    let table = get("/api/v1/routes");
    let digest = table["digest"].as_str().unwrap().to_owned();
    assert!(digest.starts_with("sha256:"), "{table}");
    let reload = |token: &str| server.post_json(Some(token), "/api/v1/routes/reload", &serde_json::json!({}));
    assert_eq!(reload(officer.trim()).0, 403);

    // A broken table: 422 naming file and line; the table in force stays.
    std::fs::write(&routes, format!("{shipped}\n[[route]]\nid = \n")).unwrap();
    let (status, body) = reload(ADMIN);
    assert_eq!(status, 422, "{body}");
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    let (_, at) = error["message"].as_str().unwrap().split_once(&format!("{}:", routes.display())).expect("the file");
    let line: usize = at.split(':').next().unwrap().parse().expect("a line number");
    assert!(line > shipped.lines().count(), "{body}");
    assert_eq!(error["code"], "bad_routes");
    assert_eq!(get("/api/v1/routes")["digest"], digest.as_str());

    // CZ469 moved to 04:00: the flight already closed keeps its row, the next ones follow the
    // new table.
    let at = shipped.find("flight = \"CZ469\"").unwrap();
    let dep = at + shipped[at..].find("departure = \"02:00\"").unwrap();
    let moved = format!("{}departure = \"04:00\"{}", &shipped[..dep], &shipped[dep + "departure = \"02:00\"".len()..]);
    std::fs::write(&routes, &moved).unwrap();
    let (status, body) = reload(ADMIN);
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_ne!(answer["digest"], digest.as_str());
    assert_eq!(answer["previous"]["digest"], digest.as_str());
    assert_eq!(get("/api/v1/routes")["digest"], answer["digest"]);
    let kept = flight_of(&get("/api/v1/flights?date=2026-12-02"), "CZ469").clone();
    assert_eq!(kept["departure"], "2026-12-02T02:00:00+08:00");
    assert_eq!(kept["mawbs"][0]["mawb"], mawb.as_str());
    let friday = flight_of(&get("/api/v1/flights?date=2026-12-04"), "CZ469").clone();
    assert_eq!(
        (friday["status"].as_str(), friday["departure"].as_str()),
        (Some("scheduled"), Some("2026-12-04T04:00:00+08:00"))
    );

    // Wednesday 03:00: the closed flight departed as it was built, and its list is cleared.
    assert_eq!(server.post(Some(ADMIN), &xml(&order("SZ9002", "1", "20261202030000", &[earphones()]))).0, 200);
    assert_eq!(flight_of(&get("/api/v1/flights?date=2026-12-02"), "CZ469")["status"], "departed");
    assert_eq!(get(&format!("/api/v1/inventories/C0001?ebcCode={EBC}"))["returnStatus"], 899);

    // C0002 reaches the airport, is loaded on Friday's CZ469 at its new 23:00 cut-off, and is
    // cancelled before the 04:00 departure: the flight leaves without a MAWB of ours, whose
    // documents are answered as void, and the list is cancelled, never cleared.
    assert_eq!(server.post(Some(ADMIN), &xml(&arrival("20261202120000", &["SF0002"]))).0, 200);
    assert_eq!(server.post(Some(ADMIN), &xml(&order("SZ9003", "1", "20261203233000", &[earphones()]))).0, 200);
    let loaded = flight_of(&get("/api/v1/flights?date=2026-12-04"), "CZ469").clone();
    assert_eq!((loaded["status"].as_str(), loaded["parcels"].as_u64()), (Some("closed"), Some(1)), "{loaded}");
    let void = loaded["mawbs"][0]["mawb"].as_str().unwrap().to_owned();
    assert_eq!(server.get(Some(ADMIN), &format!("/api/v1/mawbs/{void}/fwb")).0, 200);
    let (status, body) = server.post(Some(ADMIN), &xml(&cancel("C0002", "20261204000000")));
    assert!(status == 200 && body.contains("<ceb:returnStatus>100</ceb:returnStatus>"), "{body}");
    assert_eq!(server.post(Some(ADMIN), &xml(&order("SZ9004", "1", "20261204050000", &[earphones()]))).0, 200);
    let left = flight_of(&get("/api/v1/flights?date=2026-12-04"), "CZ469").clone();
    assert_eq!((left["status"].as_str(), left["parcels"].as_u64()), (Some("departed"), Some(0)), "{left}");
    assert_eq!(left["mawbs"], serde_json::json!([]));
    let (status, body) = server.get(Some(ADMIN), &format!("/api/v1/mawbs/{void}/fwb"));
    assert_eq!(
        (status, serde_json::from_str::<serde_json::Value>(&body).unwrap()["code"].as_str()),
        (410, Some("void_mawb"))
    );
    assert_eq!(get(&format!("/api/v1/inventories/C0002?ebcCode={EBC}"))["returnStatus"], 100);

    // A rebuild from the intake log, given the file as it was before the reload, builds every
    // flight as the hub did: the table in force at each point is in the log.
    let built = |get: &dyn Fn(&str) -> serde_json::Value, server: &Server| {
        let mut out = Vec::new();
        for day in 29..=36 {
            let date = if day <= 30 { format!("2026-11-{day}") } else { format!("2026-12-{:02}", day - 30) };
            for f in get(&format!("/api/v1/flights?date={date}"))["flights"].as_array().unwrap() {
                // Scheduled flights are a plan with the table in force now, not a record.
                if f["status"] == "scheduled" {
                    continue;
                }
                let no = f["flightNo"].as_str().unwrap();
                let (status, ffm) = server.get(Some(ADMIN), &format!("/api/v1/flights/{no}/{date}/ffm"));
                out.push((f.clone(), status, ffm));
            }
        }
        out
    };
    let before = built(&get, &server);
    assert!(before.iter().any(|(f, _, _)| f["departure"] == "2026-12-04T04:00:00+08:00"), "{before:?}");
    drop(server);
    std::fs::write(&routes, &shipped).unwrap();
    let store = ["--data", data.to_str().unwrap()];
    greenlane(&[&["rebuild"][..], &store, &["--routes", routes.to_str().unwrap(), "--no-lists"]].concat());
    let server = Server::start_with(store, &["--routes", routes.to_str().unwrap(), "--no-lists"]);
    let get = |path: &str| {
        let (status, body) = server.get(Some(ADMIN), path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()
    };
    let after = built(&get, &server);
    assert_eq!(after.len(), before.len());
    for (a, b) in after.iter().zip(&before) {
        assert_eq!(a, b, "the rebuilt flight and its FFM are the hub's");
    }
}
