//! The same seed gives the same bytes, messages and truth alike; another seed gives other
//! traffic; any (parcels, seed) plans a day whose every message reads back strictly.

use greenlane_sim::{SimConfig, Simulation, generate};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// A digest of everything a run writes: file names, message bytes and truth.jsonl.
fn digest(sim: &Simulation) -> String {
    let mut hash = Sha256::new();
    for m in sim.messages() {
        hash.update(m.file_name.as_bytes());
        hash.update(&m.bytes);
    }
    let mut truth = Vec::new();
    sim.write_truth(&mut truth).unwrap();
    hash.update(&truth);
    format!("{:x}", hash.finalize())
}

fn config(parcels: usize, seed: u64) -> SimConfig {
    SimConfig { parcels, seed, ..SimConfig::default() }
}

#[test]
fn the_same_seed_gives_identical_bytes() {
    let a = digest(&generate(&config(3_000, 42)).unwrap());
    let b = digest(&generate(&config(3_000, 42)).unwrap());
    assert_eq!(a, b);
}

#[test]
fn different_seeds_give_different_traffic() {
    let a = generate(&config(2_000, 1)).unwrap();
    let b = generate(&config(2_000, 2)).unwrap();
    assert_ne!(digest(&a), digest(&b));
    assert_ne!(a.truth()[0], b.truth()[0]);
}

#[test]
fn write_to_dir_writes_what_the_simulation_yields() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(800, 9);
    let mut calls = 0;
    let summary = greenlane_sim::write_to_dir(&config, dir.path(), |done, total| {
        calls += 1;
        assert!(done <= total);
    })
    .unwrap();
    let sim = generate(&config).unwrap();
    assert_eq!(calls, sim.message_count());
    assert_eq!(summary.messages, sim.message_count());
    assert_eq!(summary.parcels, 800);
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("messages"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let expected: Vec<String> = sim.messages().map(|m| m.file_name).collect();
    assert_eq!(names, expected);
    assert_eq!(names[0], format!("000000001-{}.xml", sim.message(0).message_type.code()));
    for m in sim.messages().step_by(17) {
        assert_eq!(std::fs::read(dir.path().join("messages").join(&m.file_name)).unwrap(), m.bytes);
    }
    let file = std::fs::File::open(dir.path().join("truth.jsonl")).unwrap();
    let truth = greenlane_sim::read_truth(std::io::BufReader::new(file)).unwrap();
    assert_eq!(truth, sim.truth());

    // A second run into the same folder would mix two days' files.
    let again = greenlane_sim::write_to_dir(&config, dir.path(), |_, _| {});
    assert!(matches!(again, Err(greenlane_sim::SimError::NotEmpty(_))), "{again:?}");
}

#[test]
fn invalid_configs_are_refused() {
    for bad in [
        SimConfig { max_batch: 0, ..SimConfig::default() },
        SimConfig { max_batch: 101, ..SimConfig::default() },
        SimConfig { envelope_share: 1.5, ..SimConfig::default() },
    ] {
        assert!(matches!(generate(&bad), Err(greenlane_sim::SimError::Config(_))), "{bad:?}");
    }
    let empty = generate(&config(0, 1)).unwrap();
    assert_eq!(empty.message_count(), 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn any_day_is_deterministic_and_reads_back(parcels in 1usize..400, seed in any::<u64>(), batch in 1usize..=100) {
        let config = SimConfig { parcels, seed, max_batch: batch, ..SimConfig::default() };
        let a = generate(&config).unwrap();
        let b = generate(&config).unwrap();
        prop_assert_eq!(a.truth().len(), parcels);
        prop_assert_eq!(a.truth(), b.truth());
        prop_assert_eq!(a.message_count(), b.message_count());
        for (x, y) in a.messages().zip(b.messages()) {
            prop_assert!(x.entities <= batch);
            let parsed = greenlane_ceb::read(&x.bytes).map_err(|e| TestCaseError::fail(format!("{}: {e}", x.file_name)))?;
            prop_assert_eq!(&parsed.message, &a.ceb_message(x.index));
            prop_assert_eq!(x, y);
        }
    }
}
