//! Robustness measured, not assumed: a simulated day and its perturbed copy (changed only in
//! ways that leave every parcel's truth as it is, `greenlane perturb`) run through the real
//! binary into fresh stores must get the same release rate (±0.5 percentage points) and the
//! same recall over all violation kinds (±1 point).

use std::path::Path;
use std::process::Command;

fn greenlane(args: &[&str]) -> String {
    let out =
        Command::new(env!("CARGO_BIN_EXE_greenlane")).args(args).env_remove("GREENLANE_ADMIN_TOKEN").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "greenlane {args:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// Ingests `day`'s messages into a fresh store and returns evaluate's table and JSON figures.
fn evaluate(day: &Path, store: &Path) -> (String, serde_json::Value) {
    let summary = greenlane(&["ingest", "--data", path(store), path(&day.join("messages"))]);
    assert!(summary.contains(" 0 refused"), "{summary}");
    let truth = day.join("truth.jsonl");
    let args = ["evaluate", "--truth", path(&truth), "--data", path(store)];
    let table = greenlane(&args);
    let json = greenlane(&[&args[..], &["--format", "json"]].concat());
    (table, serde_json::from_str(&json).unwrap())
}

fn share(figures: &serde_json::Value, name: &str) -> f64 {
    100.0 * figures[name].as_f64().unwrap_or_else(|| panic!("no {name} in {figures}"))
}

/// Simulates 3,000 parcels (seed 11), perturbs them with `kinds`, and compares the two days.
fn compare(kinds: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let (base, perturbed) = (dir.path().join("A"), dir.path().join("B"));
    greenlane(&["simulate", "--parcels", "3000", "--seed", "11", "--out", path(&base)]);
    let mut args = vec!["perturb", "--in", path(&base), "--out", path(&perturbed)];
    if let Some(k) = kinds {
        args.extend(["--kinds", k]);
    }
    let report = greenlane(&args);
    assert_eq!(std::fs::read(base.join("truth.jsonl")).unwrap(), std::fs::read(perturbed.join("truth.jsonl")).unwrap());

    let (table_a, a) = evaluate(&base, &dir.path().join("store-A"));
    let (table_b, b) = evaluate(&perturbed, &dir.path().join("store-B"));
    println!(
        "== the day as simulated\n{table_a}\n== perturbed ({})\n{report}\n{table_b}",
        kinds.unwrap_or("all kinds")
    );
    assert_eq!((a["decided"].as_u64(), b["decided"].as_u64()), (Some(3000), Some(3000)), "every parcel decided");
    let (release_a, release_b) = (share(&a, "releaseRate"), share(&b, "releaseRate"));
    let (recall_a, recall_b) = (share(&a, "recall"), share(&b, "recall"));
    println!(
        "release rate {release_a:.2}% → {release_b:.2}% ({:+.2} pp); recall {recall_a:.2}% → {recall_b:.2}% ({:+.2} points)",
        release_b - release_a,
        recall_b - recall_a
    );
    assert!(
        (release_b - release_a).abs() <= 0.5,
        "the release rate moved from {release_a:.2}% to {release_b:.2}% under truth-preserving perturbations"
    );
    assert!(
        (recall_b - recall_a).abs() <= 1.0,
        "recall moved from {recall_a:.2}% to {recall_b:.2}% under truth-preserving perturbations"
    );
}

/// What greenlane should already be indifferent to: arrival order, XML style, optional blocks.
#[test]
fn reordered_restyled_and_thinned_messages_get_the_same_decisions() {
    compare(Some("reorder,xml_style,optional_blocks"));
}

/// Every kind, including scale error on weights, rounding and other currencies: holds once the
/// three-document check compares with tolerances rather than exactly.
#[test]
fn every_truth_preserving_perturbation_leaves_release_rate_and_recall_in_place() {
    compare(None);
}
