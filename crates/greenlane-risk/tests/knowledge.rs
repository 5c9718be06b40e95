//! The knowledge tables against hand-written parcels (`tests/data/knowledge_cases.txt`): goods
//! from the public sources of the tables and everyday goods they must not stop, assessed by the
//! default criteria from a cold start.

mod support;

use greenlane_core::Lane;
use greenlane_risk::{CriteriaSet, Engine};
use support::*;

/// The reason families the knowledge tables speak through.
const FAMILIES: &[&str] =
    &["export_control.", "prohibited.", "precursor.", "narcotics.", "medicine.", "arms.", "cites.", "analyzer.brand_"];

fn engine(set: &CriteriaSet) -> Engine {
    Engine::new(set.clone())
}

#[test]
fn the_knowledge_tables_find_what_they_list_and_leave_everyday_goods_alone() {
    let mut set = CriteriaSet::default_set().unwrap();
    // What the criteria say, not what the random floor or the governor adds.
    set.random.red = 0.0;
    set.random.yellow = 0.0;
    set.random.blue = 0.0;
    set.governor.expected_red = 0.0;
    set.governor.expected_yellow = 0.0;
    set.governor.expected_blue = 0.0;
    set.governor.max_intervention = None;

    let text = include_str!("data/knowledge_cases.txt");
    let mut failures = Vec::new();
    let mut cases = 0;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        cases += 1;
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!(cols.len(), 5, "line {}: expected 5 columns: {line}", n + 1);
        let (code, name, price, licence, expected) = (cols[0], cols[1], cols[2], cols[3], cols[4]);
        let mut builder = parcel(n).line(name, code, "1", price);
        if !licence.is_empty() {
            let cop = builder.cop_no.clone();
            let licence = licence
                .replace("$copNo", &cop)
                .replace("$orderNo", &format!("O{cop}"))
                .replace("$waybillNo", &format!("W{cop}"));
            builder = builder.licence(&licence);
        }
        let a = assess(&mut engine(&set), &builder.build());
        let got = codes(&a);
        let mut problems = Vec::new();
        let mut lane_expected = None;
        let mut ids = Vec::new();
        for token in expected.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            match token.strip_prefix("lane:") {
                Some(l) => lane_expected = Some(l),
                None => ids.push(token),
            }
        }
        if ids == ["none"] {
            let spoke: Vec<&&str> = got.iter().filter(|c| FAMILIES.iter().any(|f| c.starts_with(f))).collect();
            if !spoke.is_empty() {
                problems.push(format!("expected none, got {spoke:?}"));
            }
            if !a.lane.is_released() {
                problems.push(format!("expected released, got {}", a.lane.as_str()));
            }
        } else {
            for id in &ids {
                if !got.contains(id) {
                    problems.push(format!("missing {id}"));
                }
            }
            if lane_expected.is_none() && !a.lane.needs_officer() {
                problems.push(format!("expected an officer, got {}", a.lane.as_str()));
            }
        }
        match lane_expected {
            Some("released") if !a.lane.is_released() => problems.push(format!("lane {}", a.lane.as_str())),
            Some("released") | None => {}
            Some(l) => {
                let want = Lane::parse(l).unwrap_or_else(|| panic!("line {}: no lane {l:?}", n + 1));
                if a.lane != want {
                    problems.push(format!("lane {} instead of {l}", a.lane.as_str()));
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!("line {}: {line}\n    {}\n    reasons: {got:?}", n + 1, problems.join("; ")));
        }
    }
    assert!(cases >= 100, "{cases} cases");
    assert!(failures.is_empty(), "{} of {cases} cases failed:\n{}", failures.len(), failures.join("\n"));
}
