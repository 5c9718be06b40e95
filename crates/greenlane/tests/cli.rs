//! End-to-end tests of the real `greenlane` binary: the commands of the contract exist, wrong
//! input gets a clear error, and `check` reports valid and invalid messages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn greenlane(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_greenlane")).args(args).output().expect("the greenlane binary runs")
}

fn samples(version: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../greenlane-ceb/tests/data").join(format!("samples-{version}"))
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn temp_file(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("greenlane-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn every_command_of_the_contract_is_declared() {
    let out = greenlane(&["--help"]);
    assert!(out.status.success());
    let help = stdout(&out);
    for command in ["serve", "demo", "simulate", "ingest", "rebuild", "decisions", "token", "check"] {
        assert!(help.contains(&format!("  {command} ")), "{command} missing from:\n{help}");
    }
}

#[test]
fn wrong_input_to_the_simulation_commands_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-truth.jsonl");
    let out = greenlane(&["evaluate", "--truth", missing.to_str().unwrap(), "--data", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open the truth file"), "{out:?}");
    let not_truth = temp_file("not-truth.jsonl", b"{\"hello\": 1}\n");
    let out = greenlane(&["evaluate", "--truth", not_truth.to_str().unwrap(), "--data", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a truth file"), "{out:?}");
    let out = greenlane(&["screen", "Ivan Petrov", "--no-lists"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no denied-party lists"), "{out:?}");
}

#[test]
fn check_accepts_the_official_2018_export_samples_under_the_schema_profile() {
    let out = greenlane(&["check", "--profile", "schema", samples("2018").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stdout(&out));
    let report = stdout(&out);
    assert!(report.contains("CEB303Message.xml: ok CEB303 (spec 2018)"), "{report}");
    assert_eq!(report.lines().count(), 35, "{report}");
}

#[test]
fn check_names_the_placeholder_code_the_strict_profile_refuses() {
    let file = samples("2018").join("CEB603Message.xml");
    let out = greenlane(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(report.contains("CEB603Message/Inventory[1]/InventoryHead/ieFlag"), "{report}");
    assert!(report.contains("\"a\" is not an allowed value"), "{report}");
}

#[test]
fn check_reads_a_message_inside_a_dxp_envelope() {
    let inner = std::fs::read_to_string(samples("2018").join("CEB505Message.xml")).unwrap();
    let envelope = greenlane_ceb::DxpEnvelope {
        cop_msg_id: "20260101000000001".into(),
        sender_id: "DXPENT0000000001".into(),
        receiver_ids: vec!["DXPEDCCEB0000002".into()],
        creat_time: "2026-01-01T00:00:00".into(),
        msg_type: "CEB505Message".into(),
        file_name: None,
    };
    let file = temp_file("wrapped-505.xml", greenlane_ceb::wrap_in_envelope(&envelope, &inner).as_bytes());
    let out = greenlane(&["check", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("ok CEB505 (spec 2018), in a DXP envelope"));
}

#[test]
fn check_refuses_an_xml_bomb_without_expanding_it() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<ceb:CEB303Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="x" version="1.0">&lol2;</ceb:CEB303Message>"#;
    let file = temp_file("bomb.xml", bomb.as_bytes());
    let out = greenlane(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("error [ceb.dtd_refused]"), "{}", stdout(&out));
}

#[test]
fn criteria_export_writes_the_shipped_files_once_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("criteria");
    let out = greenlane(&["criteria", "export", folder.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("criteria files written"));
    let written = std::fs::read_to_string(folder.join("criteria.toml")).unwrap();
    assert!(written.contains("[[criterion]]"));

    // An analyst's edit is never clobbered by a second export.
    std::fs::write(folder.join("criteria.toml"), "# mine\n").unwrap();
    let again = greenlane(&["criteria", "export", folder.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(std::fs::read_to_string(folder.join("criteria.toml")).unwrap(), "# mine\n");
}
