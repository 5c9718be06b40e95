//! Officers' workbench actions through the single writer: a claim keeps other officers off a
//! case, a re-route moves the lane with its rationale on record, a decision needs a note and lets
//! the claim go, and every action lands in the case audit trail.

mod support;

use greenlane_core::risk::DocumentRules;
use greenlane_core::{InspectionOutcome, Lane, ListKey, ListStatus, ViolationKind};
use greenlane_pipeline::{Config, InspectionRequest, OfficerAction, Pipeline, Prepared, Refusal};
use greenlane_store::{SqliteStore, Store};
use std::sync::Arc;
use support::*;

/// A store with list C0001 under review (yellow: its waybill's weight disagrees with the list's).
fn store_with_a_case() -> (tempfile::TempDir, Arc<dyn Store>, Pipeline, ListKey) {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let mut pipeline = Pipeline::new(store.clone(), Box::new(DocumentRules), Config::default()).unwrap();
    let messages = [
        list("C0001", "1", "20261129100000", "SZ0001", "SF0001", &[earphones()], "0.2", 1),
        order("SZ0001", "1", "20261129100100", &[earphones()]),
        waybill("SF0001", "1", "20261129100200", "9.5", 1),
    ];
    let prepared: Vec<Prepared> = messages.iter().map(|m| Prepared::new(xml(m))).collect();
    pipeline.apply(&prepared).unwrap();
    let key = ListKey { ebc_code: EBC.into(), cop_no: "C0001".into() };
    let row = store.read().unwrap().get_list(&key).unwrap().unwrap();
    assert_eq!(row.status, ListStatus::Review, "the fixture is a case: {:?}", row.reasons);
    (dir, store, pipeline, key)
}

fn claim(key: &ListKey, officer: &str) -> OfficerAction {
    OfficerAction::Claim { list: key.clone(), officer: officer.into(), at: 1_800_000_000 }
}

#[test]
fn a_claimed_case_is_worked_by_its_holder_only_and_everything_is_audited() {
    let (_dir, store, mut pipeline, key) = store_with_a_case();
    let done = pipeline.officer(&claim(&key, "li")).unwrap().unwrap();
    assert_eq!(done.claim.unwrap().officer, "li");
    // Claiming again is idempotent for the holder, refused for anyone else.
    assert!(pipeline.officer(&claim(&key, "li")).unwrap().is_ok());
    assert_eq!(pipeline.officer(&claim(&key, "wang")).unwrap(), Err(Refusal::HeldBy { officer: "li".into() }));
    let reroute = |officer: &str, lane: Lane, rationale: &str| OfficerAction::Reroute {
        list: key.clone(),
        lane,
        rationale: rationale.into(),
        officer: officer.into(),
        at: 1_800_000_100,
    };
    assert_eq!(
        pipeline.officer(&reroute("wang", Lane::Red, "x-ray")).unwrap(),
        Err(Refusal::HeldBy { officer: "li".into() })
    );
    assert_eq!(pipeline.officer(&reroute("li", Lane::Red, "  ")).unwrap(), Err(Refusal::NoteRequired));
    assert_eq!(pipeline.officer(&reroute("li", Lane::Green, "fine")).unwrap(), Err(Refusal::BadLane("green")));
    let done = pipeline.officer(&reroute("li", Lane::Red, "weight off by 9 kg: open it")).unwrap().unwrap();
    assert_eq!((done.row.lane, done.row.return_status), (Lane::Red, 500));
    assert!(done.row.reasons.iter().any(|r| r.code == "rerouted" && r.message.contains("weight off by 9 kg")));

    let decide = |officer: &str, note: &str| OfficerAction::Decide {
        request: InspectionRequest {
            list: key.clone(),
            outcome: InspectionOutcome::Violation(ViolationKind::WeightMismatch),
            note: note.into(),
            officer: officer.into(),
        },
        at: 1_800_000_200,
    };
    assert_eq!(pipeline.officer(&decide("li", "")).unwrap(), Err(Refusal::NoteRequired));
    assert_eq!(pipeline.officer(&decide("wang", "mine now")).unwrap(), Err(Refusal::HeldBy { officer: "li".into() }));
    let done = pipeline.officer(&decide("li", "9.5 kg on the scale")).unwrap().unwrap();
    assert_eq!(done.row.status, ListStatus::Rejected);
    assert!(matches!(pipeline.officer(&claim(&key, "li")).unwrap(), Err(Refusal::NotUnderReview { .. })));

    let mut read = store.read().unwrap();
    assert_eq!(read.claim_of(&key).unwrap(), None, "a decided case is nobody's");
    let trail: Vec<(String, String, String)> =
        read.audit_of(&key).unwrap().into_iter().map(|e| (e.officer, e.action, e.detail)).collect();
    assert_eq!(
        trail,
        [
            ("li".to_owned(), "claim".to_owned(), String::new()),
            ("li".into(), "claim".into(), String::new()),
            ("li".into(), "reroute".into(), "yellow → red: weight off by 9 kg: open it".into()),
            ("li".into(), "reject".into(), "weight_mismatch: 9.5 kg on the scale".into()),
        ]
    );
    let feed: Vec<Lane> = read.decisions_of(&key).unwrap().into_iter().map(|(_, d)| d.lane).collect();
    assert_eq!(feed, [Lane::Yellow, Lane::Red, Lane::Red]);
    assert_eq!(read.inspections_of(&key).unwrap().len(), 1);
}

#[test]
fn an_unknown_list_is_refused() {
    let (_dir, _store, mut pipeline, mut key) = store_with_a_case();
    key.cop_no = "NOPE".into();
    assert!(matches!(pipeline.officer(&claim(&key, "li")).unwrap(), Err(Refusal::NotFound { .. })));
}
