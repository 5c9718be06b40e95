//! Scores the labelled set (`tests/data/labelled.tsv`) as `tests/accuracy.rs` does and prints one
//! tab-separated line per query (row, split, label, kind, the expected entry's score and the best
//! score of any entry, 0 when none is a candidate, and the query), so that `benches/pairs_vs_peer.py` can sweep
//! the threshold; with `--entries` it prints instead every listed name (list, entry id, kind,
//! name), for the peers to screen the same queries against the same names.
//! `cargo run --release -p greenlane-screen --example labelled [-- --entries]`

#[path = "../tests/common/labelled.rs"]
mod labelled;

use std::path::Path;

use greenlane_screen::{ListSet, Query, ScreenConfig, Screener};

fn clean(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

fn main() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let set = ListSet::load_dir(&data).unwrap();
    if std::env::args().any(|a| a == "--entries") {
        println!("list\tentry\tkind\tname");
        for list in &set.lists {
            for entry in &list.entries {
                for name in &entry.names {
                    println!("{}\t{}\t{}\t{}", list.id, clean(&entry.entry_id), entry.kind.as_str(), clean(&name.name));
                }
            }
        }
        return;
    }
    let screener = Screener::with_config(set, ScreenConfig { floor: 0.0, limit: 100 });
    println!("row\tsplit\tlabel\tkind\texpected\texpected_score\ttop_score\tquery");
    for (row, r) in labelled::rows().iter().enumerate() {
        let query = Query { name: &r.query, country: r.country.as_deref(), kind: r.kind };
        let hits = screener.screen_with_floor(&query, 0.0);
        let expected =
            hits.iter().find(|h| format!("{}:{}", h.list, h.entry_id) == r.expected).map_or(0.0, |h| h.score);
        let top = hits.first().map_or(0.0, |h| h.score);
        let kind = r.kind.map_or("unknown", |k| k.as_str());
        let label = if r.positive { "pos" } else { "neg" };
        println!("{row}\t{}\t{label}\t{kind}\t{}\t{expected:.4}\t{top:.4}\t{}", r.split, r.expected, clean(&r.query));
    }
}
