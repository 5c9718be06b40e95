//! End-to-end tests of the simulated day: `greenlane simulate` writes the contract's files
//! deterministically, `greenlane demo` reaches its summary through the real HTTP pipeline, and
//! its table is the one `greenlane evaluate` prints for the same store.

use std::path::Path;
use std::process::Command;

fn greenlane(args: &[&str]) -> (String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_greenlane")).args(args).env_remove("GREENLANE_ADMIN_TOKEN").output().unwrap();
    let (stdout, stderr) = (String::from_utf8(out.stdout).unwrap(), String::from_utf8_lossy(&out.stderr).into_owned());
    assert!(out.status.success(), "greenlane {args:?}: {stderr}");
    (stdout, stderr)
}

/// Every file under `dir`, name and bytes, in name order.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    names
        .into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn simulate_writes_the_same_bytes_for_the_same_seed_and_they_run_through_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("c"));
    for (out, seed) in [(&a, "11"), (&b, "11"), (&c, "12")] {
        let (stdout, _) = greenlane(&["simulate", "--parcels", "400", "--seed", seed, "--out", out.to_str().unwrap()]);
        assert!(stdout.contains("400 parcels"), "{stdout}");
    }
    let messages = files(&a.join("messages"));
    assert!(messages.len() > 10);
    assert!(messages.iter().all(|(name, _)| name.len() == "000000001-CEB303.xml".len() && name.ends_with(".xml")));
    assert_eq!(messages[0].0.get(..10), Some("000000001-"));
    assert_eq!(messages, files(&b.join("messages")));
    assert_eq!(std::fs::read(a.join("truth.jsonl")).unwrap(), std::fs::read(b.join("truth.jsonl")).unwrap());
    assert_ne!(std::fs::read(a.join("truth.jsonl")).unwrap(), std::fs::read(c.join("truth.jsonl")).unwrap());

    // Writing into a folder that already holds messages would mix two days: refused.
    let out = Command::new(env!("CARGO_BIN_EXE_greenlane"))
        .args(["simulate", "--parcels", "10", "--seed", "1", "--out", a.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("messages"), "{}", String::from_utf8_lossy(&out.stderr));

    let store = dir.path().join("store");
    let (summary, _) = greenlane(&["ingest", "--data", store.to_str().unwrap(), a.join("messages").to_str().unwrap()]);
    assert!(summary.contains(" 0 refused") && summary.contains("decisions: "), "{summary}");
    let truth = a.join("truth.jsonl");
    let (table, _) = greenlane(&["evaluate", "--truth", truth.to_str().unwrap(), "--data", store.to_str().unwrap()]);
    assert!(table.contains("stored / decided               400 / 400"), "{table}");
    assert!(table.contains("(0 still pending)"), "{table}");
}

#[test]
fn the_demo_reaches_its_summary_and_evaluate_agrees_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let args = ["demo", "--parcels", "1500", "--seed", "5", "--exit", "--listen", "127.0.0.1:0", "--data"];
    let (summary, progress) = greenlane(&[&args[..], &[data.to_str().unwrap()]].concat());
    assert!(progress.contains("officers worked"), "{progress}");
    assert!(summary.contains("1500 parcels in"), "{summary}");
    for line in [
        "release rate",
        "recall, all kinds",
        "precision",
        "tokens     admin       gl_",
        "enterprise  gl_",
        "web UI     http://",
    ] {
        assert!(summary.contains(line), "{line:?} missing from\n{summary}");
    }

    // The warehouse's arrivals go among the day's messages in message-time order, so the
    // flights of the first simulated day carry the parcels that reached the airport before
    // their cut-offs (sent after the day, they all closed empty).
    let flights: Vec<&str> = summary
        .lines()
        .skip_while(|l| !l.starts_with("flights (load against capacity"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    let first_day = flights.first().and_then(|l| l.split_whitespace().nth(1)).map(|d| &d[..10]).expect("a flight");
    let loaded_first_day: Vec<&&str> = flights
        .iter()
        .filter(|l| l.split_whitespace().nth(1).is_some_and(|d| d.starts_with(first_day)))
        .filter(|l| l.contains(" lists)"))
        .collect();
    assert!(!loaded_first_day.is_empty(), "no flight of {first_day} carries a list:\n{}", flights.join("\n"));
    assert!(progress.contains("of the messages were the warehouse's arrivals"), "{progress}");

    let truth = data.join("truth.jsonl");
    let (table, _) = greenlane(&["evaluate", "--truth", truth.to_str().unwrap(), "--data", data.to_str().unwrap()]);
    assert!(table.contains("stored / decided              1500 / 1500"), "{table}");
    assert!(summary.contains(&table), "the demo's table:\n{summary}\nevaluate's:\n{table}");
    let inspected: u64 = table
        .lines()
        .find_map(|l| l.strip_prefix("inspections recorded"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(inspected > 0, "officers worked no case:\n{table}");

    // The stored day replayed under the shipped criteria: every decided parcel, lane shares.
    let criteria = Path::new(env!("CARGO_MANIFEST_DIR")).join("../greenlane-risk/criteria/default");
    let (report, _) =
        greenlane(&["backtest", "--criteria", criteria.to_str().unwrap(), "--data", data.to_str().unwrap()]);
    assert!(report.contains("1500 stored parcels replayed"), "{report}");
    assert!(report.contains("release rate") && report.contains("known violations caught"), "{report}");

    // A second demo on the same folder starts afresh; any other folder with content is refused.
    greenlane(&[&args[..], &[data.to_str().unwrap()]].concat());
    let other = dir.path().join("mine");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("keep.txt"), "mine").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_greenlane"))
        .args([&args[..], &[other.to_str().unwrap()]].concat())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not made by `greenlane demo`"));
    assert_eq!(std::fs::read_to_string(other.join("keep.txt")).unwrap(), "mine");
}
